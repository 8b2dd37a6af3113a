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

from calculators.offer import Offer
from calculators.tax import compute, get_jurisdiction

__all__ = ["CASH", "EQUITY", "UNTAXED", "default_tax_year", "net_schedule", "tax_schedule"]

Array = npt.NDArray[np.float64]
CASH = ("base", "bonus", "sign_on", "relocation")
EQUITY = ("equity", "options")
UNTAXED = ("retirement", "benefits")


def default_tax_year(offers: Sequence[Offer]) -> int:
    """The latest tax year whose rules exist for every offer's jurisdiction."""
    common = set.intersection(*(set(get_jurisdiction(o.jurisdiction).years) for o in offers))
    return max(common)


def tax_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int,
    options: Mapping[str, Any] | None = None,
) -> Array:
    """Tax and employee contributions per offer and year, ``(n, years)``."""
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


def net_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> Array:
    """Take-home value per offer and year, ``(n, years)``, in each offer's currency."""
    year = default_tax_year(offers) if tax_year is None else tax_year
    return np.asarray(sched["total"] - tax_schedule(offers, sched, year, options))
