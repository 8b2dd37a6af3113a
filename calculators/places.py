"""Jurisdiction codes, their currencies and the city names that stand for them.

These are names, not figures: the rules and prices for each place live in the
dated parameter files.
"""

from __future__ import annotations

from calculators.errors import InvalidInputError, UnknownJurisdictionError

__all__ = ["JURISDICTIONS", "canonical_code", "currency_of", "names_of"]

JURISDICTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "JP-TOKYO": ("JPY", ("Tokyo", "Japan", "JP", "東京")),
    "US-CA": ("USD", ("California", "San Francisco", "Silicon Valley", "Bay Area",
                      "San Francisco Bay Area", "San Jose", "Mountain View")),
    "US-WA": ("USD", ("Washington", "Seattle", "Redmond", "Bellevue")),
    "US-NY-NYC": ("USD", ("New York", "New York City", "NYC", "Manhattan")),
    "GB-ENG": ("GBP", ("London", "England", "UK", "United Kingdom", "GB")),
    "IL": ("ILS", ("Israel", "Tel Aviv", "Tel Aviv-Yafo", "Jerusalem", "Haifa")),
    "DE": ("EUR", ("Germany", "Deutschland", "Berlin", "Munich", "München")),
    "CA-ON": ("CAD", ("Ontario", "Toronto", "Ottawa", "Waterloo")),
}


def _norm(name: str) -> str:
    return " ".join(str(name).replace("_", "-").split()).upper()


_LOOKUP = {
    _norm(alias): code
    for code, (_, aliases) in JURISDICTIONS.items()
    for alias in (code, *aliases)
}


def canonical_code(name: object) -> str:
    """The jurisdiction code for a code or city name (case-blind).

    >>> canonical_code("seattle"), canonical_code("jp-tokyo")
    ('US-WA', 'JP-TOKYO')
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError("jurisdiction must be a code such as JP-TOKYO")
    code = _LOOKUP.get(_norm(name))
    if code is None:
        raise UnknownJurisdictionError(
            "unknown jurisdiction; supported: " + ", ".join(sorted(JURISDICTIONS))
        )
    return code


def currency_of(code: str) -> str:
    """The local currency of a jurisdiction."""
    return JURISDICTIONS[canonical_code(code)][0]


def names_of(name: object) -> tuple[str, ...]:
    """Every name of the jurisdiction ``name`` stands for (its code and aliases); none when
    ``name`` is no known jurisdiction.

    >>> names_of("Seattle")
    ('US-WA', 'Washington', 'Seattle', 'Redmond', 'Bellevue')
    """
    code = _LOOKUP.get(_norm(name)) if isinstance(name, str) else None
    return () if code is None else (code, *JURISDICTIONS[code][1])
