"""Jurisdiction modules; importing this package registers every one of them."""

from calculators.tax.jurisdictions import ca_on, de, gb_eng, il, jp_tokyo, us  # noqa: F401
