"""Take-home value of an offer, year by year, in the offer's currency.

Cash pay (base, bonus, sign-on, relocation package) is taxed as salary; RSU
vests and the expected value of options are taxed as employment income where
the work is done (payroll caps interact with salary); the employer's
retirement match and other benefits are added untaxed.  Every year of the
horizon is taxed under the rules of one tax year (``tax_year``, by default the
latest year the rules cover for every offer): tax law after that is unknown,
and the comparison says which year's rules it used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.offer.model import Offer
from calculators.tax import compute, get_jurisdiction

__all__ = ["CASH", "EQUITY", "UNTAXED", "default_tax_year", "net_schedule", "tax_schedule"]

Array = npt.NDArray[np.float64]
CASH = ("base", "bonus", "sign_on", "relocation")
EQUITY = ("equity", "options")
UNTAXED = ("retirement", "benefits")


def default_tax_year(offers: Sequence[Offer]) -> int:
    """The latest tax year whose rules exist for every offer's jurisdiction.

    Parameters
    ----------
    offers : sequence of Offer
        The offers compared.

    Returns
    -------
    int
        The tax year.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import LONDON_OFFER
    >>> default_tax_year([LONDON_OFFER]) in get_jurisdiction("GB-ENG").years
    True
    """
    common = set.intersection(*(set(get_jurisdiction(o.jurisdiction).years) for o in offers))
    return max(common)


# Parallel to net_schedule (the same Parameters and an Example on the same London offer): kept
# separate because this returns what is withheld, net_schedule what is left.
def tax_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int,
    options: Mapping[str, Any] | None = None,
) -> Array:
    """Tax and employee contributions per offer and year, ``(n, years)``.

    Parameters
    ----------
    offers : sequence of Offer
        The offers, in the order of the schedule's rows.
    sched : mapping of str to numpy.ndarray
        The cash schedule (:func:`calculators.offer.model.cash_schedule`).
    tax_year : int
        The tax year whose rules apply to every year of the horizon.
    options : mapping, optional
        Personal options (``age`` …); each jurisdiction takes the ones it knows.

    Returns
    -------
    numpy.ndarray
        Amount withheld, ``(n_offers, years)``, in each offer's currency.

    References
    ----------
    The rules of each jurisdiction module (:mod:`calculators.tax.jurisdictions`).

    Examples
    --------
    >>> from calculators.examples import LONDON_OFFER
    >>> from calculators.offer.model import OfferBatch, cash_schedule
    >>> offers = [LONDON_OFFER]
    >>> tax_schedule(offers, cash_schedule(OfferBatch.from_offers(offers), 2), 2025).round().tolist()
    [[31442.0, 31442.0]]
    """
    withheld = np.zeros_like(sched["total"])
    for i, offer in enumerate(offers):
        cash = sum(sched[c][i] for c in CASH)
        equity = sum(sched[c][i] for c in EQUITY)
        opts = dict(options or {})
        allowed = get_jurisdiction(offer.jurisdiction).options
        result = compute(
            cash, offer.jurisdiction, tax_year, equity, **{k: v for k, v in opts.items() if k in allowed}
        )
        withheld[i] = result.total_withheld
    return withheld


# Parallel to tax_schedule (the same Parameters and an Example on the same London offer): kept
# separate because this returns what is left, tax_schedule what is withheld.
def net_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> Array:
    """Take-home value per offer and year, ``(n, years)``, in each offer's currency.

    Parameters
    ----------
    offers : sequence of Offer
        The offers, in the order of the schedule's rows.
    sched : mapping of str to numpy.ndarray
        The cash schedule (:func:`calculators.offer.model.cash_schedule`).
    tax_year : int, optional
        The tax year whose rules apply; default :func:`default_tax_year`.
    options : mapping, optional
        Personal options (``age`` …); each jurisdiction takes the ones it knows.

    Returns
    -------
    numpy.ndarray
        Total value less the amount withheld, ``(n_offers, years)``.

    References
    ----------
    The rules of each jurisdiction module (:mod:`calculators.tax.jurisdictions`).

    Examples
    --------
    >>> from calculators.examples import LONDON_OFFER
    >>> from calculators.offer.model import OfferBatch, cash_schedule
    >>> offers = [LONDON_OFFER]
    >>> net_schedule(offers, cash_schedule(OfferBatch.from_offers(offers), 2), 2025).round().tolist()
    [[68558.0, 68558.0]]
    """
    year = default_tax_year(offers) if tax_year is None else tax_year
    return np.asarray(sched["total"] - tax_schedule(offers, sched, year, options))
