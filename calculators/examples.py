"""Example inputs that the docstring Examples of the calculators share.

The same few offers, settings and market rows are used in many Examples; they are built here
once so each Example shows only the call it documents. Every figure is invented for
illustration (a made-up salary, a round exchange rate); none is a fact about the world, and no
calculator reads this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calculators.fx import FxTable
from calculators.offer.model import Offer
from calculators.valuation.compare import Settings

__all__ = [
    "seattle_offers",
    "usd_settings",
    "seattle_l5_market",
    "tokyo_offer",
    "seattle_offer",
    "usd_jpy_fx",
    "tokyo_offers",
    "jpy_settings",
]


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
    >>> [(o.company, o.base_salary) for o in seattle_offers()]
    [('A', 200000.0), ('B', 180000.0)]
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


def usd_settings() -> Settings:
    """Settings that value in USD with a table quoting only USD.

    Parameters
    ----------
    None

    Returns
    -------
    Settings
        Home currency ``USD``, FX table ``USD`` to ``USD`` at 1.

    References
    ----------
    None

    Examples
    --------
    >>> usd_settings().home_currency
    'USD'
    """
    return Settings(fx=FxTable("USD", {"USD": 1.0}), home_currency="USD")


def seattle_l5_market() -> list[list[Any]]:
    """Market rows (header first): six Seattle L5 totals from 200,000 to 320,000.

    Parameters
    ----------
    None

    Returns
    -------
    list of list
        ``location``, ``level``, ``total`` rows, the header first.

    References
    ----------
    None

    Examples
    --------
    >>> rows = seattle_l5_market()
    >>> rows[0], len(rows) - 1
    (['location', 'level', 'total'], 6)
    """
    return [
        ["location", "level", "total"],
        *[["Seattle", "L5", v] for v in (200e3, 220e3, 250e3, 270e3, 300e3, 320e3)],
    ]


def tokyo_offer() -> Offer:
    """Offer ``A``: Tokyo, JPY, a base of 15,000,000.

    Parameters
    ----------
    None

    Returns
    -------
    Offer
        The Tokyo offer.

    References
    ----------
    None

    Examples
    --------
    >>> tokyo_offer().currency
    'JPY'
    """
    return Offer.from_fields(
        {"company": "A", "jurisdiction": "Tokyo", "currency": "JPY", "base_salary": 15_000_000}
    )


def seattle_offer() -> Offer:
    """Offer ``B``: Seattle, USD, a base of 110,000.

    Parameters
    ----------
    None

    Returns
    -------
    Offer
        The Seattle offer.

    References
    ----------
    None

    Examples
    --------
    >>> seattle_offer().base_salary
    110000.0
    """
    return Offer.from_fields(
        {"company": "B", "jurisdiction": "Seattle", "currency": "USD", "base_salary": 110_000}
    )


def usd_jpy_fx() -> FxTable:
    """An FX table based on USD that quotes JPY at 150 to the dollar.

    Parameters
    ----------
    None

    Returns
    -------
    FxTable
        ``USD`` at 1 and ``JPY`` at 150.

    References
    ----------
    None

    Examples
    --------
    >>> usd_jpy_fx().base
    'USD'
    """
    return FxTable("USD", {"USD": 1.0, "JPY": 150.0})


def tokyo_offers() -> list[Offer]:
    """Two Tokyo offers in JPY: A at a base of 15,000,000 and B at 14,000,000.

    Parameters
    ----------
    None

    Returns
    -------
    list of Offer
        Offers ``A`` and ``B``, in that order.

    References
    ----------
    None

    Examples
    --------
    >>> [(o.company, o.base_salary) for o in tokyo_offers()]
    [('A', 15000000.0), ('B', 14000000.0)]
    """
    return [
        Offer.from_fields(
            {"company": name, "jurisdiction": "JP-TOKYO", "currency": "JPY", "base_salary": base}
        )
        for name, base in (("A", 15e6), ("B", 14e6))
    ]


def jpy_settings() -> Settings:
    """Settings with a table based on JPY that quotes only JPY.

    Parameters
    ----------
    None

    Returns
    -------
    Settings
        FX table ``JPY`` to ``JPY`` at 1; the home currency is left to the offers.

    References
    ----------
    None

    Examples
    --------
    >>> jpy_settings().table().base
    'JPY'
    """
    return Settings(fx=FxTable("JPY", {"JPY": 1.0}))
