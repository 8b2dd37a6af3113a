"""United States jurisdictions: importing this module registers all three.

``US-CA`` (:mod:`.us_ca`), ``US-WA`` (:mod:`.us_wa`) and ``US-NY-NYC``
(:mod:`.us_ny`), each built on the federal rules of :mod:`.us_federal`.
Parameters live in ``calculators/tax/params/us/``.
"""

from calculators.tax.jurisdictions import us_ca, us_ny, us_wa

__all__ = ["us_ca", "us_ny", "us_wa"]
