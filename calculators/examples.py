"""Example inputs that the docstring Examples of the calculators share.

The same few offers, settings and market rows are used in many Examples; they are built here
once so each Example shows only the call it documents. Every figure is invented for
illustration (a made-up salary, a round exchange rate); none is a fact about the world, and no
calculator reads this module. All of them are frozen (offers, settings and tables are frozen
dataclasses; the sequences are tuples), so an Example cannot change another's inputs.

``TOKYO_OFFER``
    Offer ``A``: Tokyo, JPY, a base of 15,000,000.
``SEATTLE_OFFER``
    Offer ``B``: Seattle, USD, a base of 110,000.
``TOKYO_OFFERS``
    Offers ``A`` (a base of 15,000,000) and ``B`` (14,000,000): JP-TOKYO, JPY.
``USD_JPY_FX``
    A table based on USD that quotes JPY at 150 to the dollar.
``USD_SETTINGS``
    Settings that value in USD with a table quoting only USD.
``JPY_SETTINGS``
    Settings with a table based on JPY that quotes only JPY (the home currency left to the
    offers).
``LONDON_OFFER``
    Offer ``A``: London, GBP, a base of 100,000.
``OFFER_TABLE``
    An offers table, the ``field`` row first: ``A`` (Acme, US-WA, a base of 100) and ``B``
    (Beta, US-CA, 120), both in USD.
``SEATTLE_L5_MARKET``
    Market rows, the header (``location``, ``level``, ``total``) first: six Seattle L5 totals
    from 200,000 to 320,000.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calculators.fx import FxTable
from calculators.offer.model import Offer
from calculators.valuation.compare import Settings

__all__ = [
    "JPY_SETTINGS",
    "LONDON_OFFER",
    "OFFER_TABLE",
    "SEATTLE_L5_MARKET",
    "SEATTLE_OFFER",
    "TOKYO_OFFER",
    "TOKYO_OFFERS",
    "USD_JPY_FX",
    "USD_SETTINGS",
    "seattle_offers",
]

TOKYO_OFFER = Offer.from_fields(
    {"company": "A", "jurisdiction": "Tokyo", "currency": "JPY", "base_salary": 15_000_000}
)
SEATTLE_OFFER = Offer.from_fields(
    {"company": "B", "jurisdiction": "Seattle", "currency": "USD", "base_salary": 110_000}
)
TOKYO_OFFERS = tuple(
    Offer.from_fields({"company": name, "jurisdiction": "JP-TOKYO", "currency": "JPY", "base_salary": base})
    for name, base in (("A", 15e6), ("B", 14e6))
)
USD_JPY_FX = FxTable("USD", {"USD": 1.0, "JPY": 150.0})
USD_SETTINGS = Settings(fx=FxTable("USD", {"USD": 1.0}), home_currency="USD")
JPY_SETTINGS = Settings(fx=FxTable("JPY", {"JPY": 1.0}))
LONDON_OFFER = Offer.from_fields(
    {"company": "A", "jurisdiction": "London", "currency": "GBP", "base_salary": 100_000}
)
OFFER_TABLE = (
    ("field", "A", "B"),
    ("company", "Acme", "Beta"),
    ("jurisdiction", "US-WA", "US-CA"),
    ("currency", "USD", "USD"),
    ("base_salary", 100, 120),
)
SEATTLE_L5_MARKET = (
    ("location", "level", "total"),
    *(("Seattle", "L5", v) for v in (200e3, 220e3, 250e3, 270e3, 300e3, 320e3)),
)


def seattle_offers(extra: Mapping[str, Any] | None = None) -> list[Offer]:
    """Two Washington offers in USD: A at a base of 200,000 and B at 180,000.

    Parameters
    ----------
    extra : mapping, optional
        More offer fields given to both offers (for example ``{"bonus_target": 0.1}``).

    Returns
    -------
    list of Offer
        Offers ``A`` and ``B``, in that order.

    References
    ----------
    None

    Examples
    --------
    >>> [(o.company, o.base_salary, o.bonus_target) for o in seattle_offers({"bonus_target": 0.1})]
    [('A', 200000.0, 0.1), ('B', 180000.0, 0.1)]
    """
    return [
        Offer.from_fields(
            {
                "company": name,
                "jurisdiction": "US-WA",
                "currency": "USD",
                "base_salary": base,
                **(extra or {}),
            }
        )
        for name, base in (("A", 200e3), ("B", 180e3))
    ]
