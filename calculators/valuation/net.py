"""Take-home value of an offer, year by year, in the offer's currency.

Cash pay (base, bonus, sign-on, relocation package) is taxed as salary; RSU
vests and the expected value of options are taxed as employment income where
the work is done (payroll caps interact with salary), or under the equity regime the offer
names or its country applies by default (Israel's section 102 capital-gains track:
:mod:`calculators.tax.equity_regimes`); the employer's
retirement match and other benefits are added untaxed.  Pay in a currency that is not the
jurisdiction's is taxed in the jurisdiction's currency (converted at the comparison's FX
table, the amount withheld converted back): a Tokyo job paid in USD is taxed on its yen.  Every year of the
horizon is taxed under the rules of one tax year (``tax_year``, by default the
latest year the rules cover for every offer): tax law after that is unknown,
and the comparison says which year's rules it used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.fx import FxTable, shipped_table
from calculators.offer.model import AT_GRANT, Offer
from calculators.tax import compute, get_jurisdiction
from calculators.tax.engine import MONTHS
from calculators.tax.equity_regimes import PARTS, regime_of, regime_tax

__all__ = [
    "CASH",
    "EQUITY",
    "TAXED",
    "UNTAXED",
    "default_tax_year",
    "net_schedule",
    "tax_schedule",
    "withheld",
    "withheld_parts",
]

Array = npt.NDArray[np.float64]
CASH = ("base", "bonus", "sign_on", "relocation")
EQUITY = ("equity", "options")
UNTAXED = ("retirement", "benefits")
TAXED = CASH + EQUITY + AT_GRANT  # the schedule parts withheld_parts reads


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


def withheld(
    offer: Offer,
    cash: npt.ArrayLike,
    equity: npt.ArrayLike,
    tax_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    rsu: npt.ArrayLike | None = None,
    pay_months: int = MONTHS,
    arrival: bool = False,
    exempt_income: float = 0.0,
) -> Array:
    """Tax and employee contributions on ``cash`` and ``equity`` paid in the offer's currency.

    The jurisdiction taxes amounts in its own currency: pay in another is converted at ``fx``
    (blank: the shipped table), taxed, and what is withheld converted back, so an offer paid
    in USD in Tokyo is withheld what the same pay in yen is, converted.

    Parameters
    ----------
    offer : Offer
        Whose jurisdiction, currency and options apply.
    cash, equity : array_like
        Salary-like pay and RSU / option income, of one shape, in the offer's currency.
    tax_year : int
        The tax year whose rules apply.
    options : mapping, optional
        Personal options (``age`` …); the jurisdiction takes the ones it knows.
    fx : FxTable, optional
        The rates between the offer's currency and the jurisdiction's.
    rsu : array_like, optional
        The part of ``equity`` that is RSU vests (blank: all of it), for rules that treat share
        awards apart from option gains.
    pay_months : int, optional
        The months of the tax year the pay is paid in, its last ones (default all twelve:
        :func:`calculators.tax.compute`).
    arrival : bool, optional
        The tax year of arrival from another country (:func:`calculators.tax.compute`).
    exempt_income : float, optional
        Pay of the year abroad that counts for the rate only, in the jurisdiction's currency
        (:func:`calculators.tax.compute`).

    Returns
    -------
    numpy.ndarray
        The amount withheld, shaped like ``cash``, in the offer's currency.

    References
    ----------
    The rules of each jurisdiction module (:mod:`calculators.tax.jurisdictions`).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from calculators.examples import TOKYO_OFFER, USD_JPY_FX
    >>> in_usd = replace(TOKYO_OFFER, currency="USD")
    >>> yen = float(withheld(TOKYO_OFFER, 15_000_000, 0, 2025)[()])
    >>> rate = float(USD_JPY_FX.convert(1.0, "USD", "JPY"))
    >>> round(float(withheld(in_usd, 15_000_000 / rate, 0, 2025, fx=USD_JPY_FX)[()]) * rate) == round(yen)
    True
    """
    jur = get_jurisdiction(offer.jurisdiction)
    opts = {k: v for k, v in (options or {}).items() if k in jur.options}
    cash_a, equity_a = np.asarray(cash, dtype=float), np.asarray(equity, dtype=float)
    rsu_a = None if rsu is None else np.asarray(rsu, dtype=float)
    if offer.currency == jur.currency:
        return np.asarray(
            compute(
                cash_a,
                jur.code,
                tax_year,
                equity_a,
                rsu_income=rsu_a,
                pay_months=pay_months,
                arrival=arrival,
                exempt_income=exempt_income,
                **opts,
            ).total_withheld
        )
    rate = float((fx or shipped_table()).convert(1.0, offer.currency, jur.currency))
    rsu_local = None if rsu_a is None else rsu_a * rate
    taken = compute(
        cash_a * rate,
        jur.code,
        tax_year,
        equity_a * rate,
        rsu_income=rsu_local,
        pay_months=pay_months,
        arrival=arrival,
        exempt_income=exempt_income,
        **opts,
    ).total_withheld
    return np.asarray(taken / rate)


def withheld_parts(
    offer: Offer,
    parts: Mapping[str, npt.ArrayLike],
    tax_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    pay_months: int = MONTHS,
    arrival: bool = False,
    exempt_income: float = 0.0,
) -> Array:
    """Tax and employee contributions on an offer's schedule parts, in the offer's currency.

    Cash parts (:data:`CASH`) are taxed as salary and equity parts (:data:`EQUITY`) as
    employment income, together (:func:`withheld`), except where an equity part is under a
    regime (the offer's ``rsu_regime`` / ``option_regime``, or the jurisdiction's default):
    what the regime taxes apart is taxed by it (:mod:`calculators.tax.equity_regimes`), with
    the year's income taxed as pay beside it where the rule counts that.

    Parameters
    ----------
    offer : Offer
        Whose jurisdiction, currency, equity regimes and personal options apply.
    parts : mapping of str to array_like
        The :data:`CASH` and :data:`EQUITY` parts, of one shape, in the offer's currency, and
        the :data:`~calculators.offer.model.AT_GRANT` parts where a regime taxes the value at
        grant as pay (missing: the whole part is taxed as pay).
    tax_year : int
        The tax year whose rules apply.
    options : mapping, optional
        Personal options (``age`` …); the jurisdiction takes the ones it knows.
    fx : FxTable, optional
        The rates between the offer's currency and the jurisdiction's.
    pay_months : int, optional
        The months of the tax year the pay is paid in (:func:`withheld`).
    arrival : bool, optional
        The tax year of arrival from another country (:func:`withheld`).
    exempt_income : float, optional
        Pay of the year abroad that counts for the rate only (:func:`withheld`).

    Returns
    -------
    numpy.ndarray
        The amount withheld, shaped like the parts, in the offer's currency.

    References
    ----------
    The rules of each jurisdiction module and of :mod:`calculators.tax.equity_regimes`.

    Examples
    --------
    Options of a Tokyo offer realising 10,000,000 yen: 2,031,500 yen under 税制適格, apart from
    the pay, where as pay they would be taxed at the salary's top rate.

    >>> from dataclasses import replace
    >>> from calculators.examples import TOKYO_OFFER
    >>> parts = {p: 0.0 for p in CASH + EQUITY}
    >>> pay = {**parts, "base": 15_000_000.0}
    >>> qualified = replace(TOKYO_OFFER, option_regime="qualified")
    >>> both = {**pay, "options": 10_000_000.0}
    >>> float(withheld_parts(qualified, both, 2025) - withheld_parts(qualified, pay, 2025))
    2031500.0
    >>> float(withheld_parts(TOKYO_OFFER, both, 2025) - withheld_parts(TOKYO_OFFER, pay, 2025)) > 3e6
    True
    """
    cash = sum(np.asarray(parts[c], dtype=float) for c in CASH)
    jur = get_jurisdiction(offer.jurisdiction)
    as_pay: Any = 0.0
    rsu: Any = 0.0  # what of it is RSU vests (the "equity" part), not option gains
    apart: dict[str, tuple[str, Any]] = {}  # rules -> (a regime of them, what they tax apart)
    for part, field in PARTS.items():
        value = np.asarray(parts[part], dtype=float)
        regime = regime_of(getattr(offer, field), jur.code, part)
        if regime is None:
            as_pay = as_pay + value
            rsu = rsu + (value if part == "equity" else 0.0)
            continue
        work: Any = 0.0
        if regime.work_at_grant:
            at_grant = np.asarray(parts.get(f"{part}_at_grant", value), dtype=float)
            work = np.clip(at_grant, 0.0, np.maximum(value, 0.0))
        as_pay = as_pay + work
        rsu = rsu + (work if part == "equity" else 0.0)
        rules = str(regime.rules)
        apart[rules] = (regime.name, apart.get(rules, ("", 0.0))[1] + (value - work))
    shape = np.shape(cash)
    taken = withheld(
        offer,
        cash,
        np.broadcast_to(as_pay, shape),
        tax_year,
        options,
        fx,
        np.broadcast_to(rsu, shape),
        pay_months,
        arrival,
        exempt_income,
    )
    if not apart:
        return taken
    rate = (
        1.0
        if offer.currency == jur.currency
        else float((fx or shipped_table()).convert(1.0, offer.currency, jur.currency))
    )
    opts = {k: v for k, v in (options or {}).items() if k in jur.options}
    pay_cash, pay_equity = cash * rate, np.broadcast_to(as_pay, np.shape(cash)) * rate
    for name, gain in apart.values():
        taken = taken + regime_tax(name, gain * rate, tax_year, pay_cash, pay_equity, jur.code, opts) / rate
    return np.asarray(taken)


# Parallel to net_schedule (the same Parameters and an Example on the same London offer): kept
# separate because this returns what is withheld, net_schedule what is left.
def tax_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
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
    fx : FxTable, optional
        Converts pay in a currency that is not the jurisdiction's (:func:`withheld`).

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
    taken = np.zeros_like(sched["total"])
    for i, offer in enumerate(offers):
        taken[i] = withheld_parts(offer, {c: sched[c][i] for c in TAXED if c in sched}, tax_year, options, fx)
    return taken


# Parallel to tax_schedule (the same Parameters and an Example on the same London offer): kept
# separate because this returns what is left, tax_schedule what is withheld.
def net_schedule(
    offers: Sequence[Offer],
    sched: Mapping[str, Array],
    tax_year: int | None = None,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
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
    fx : FxTable, optional
        Converts pay in a currency that is not the jurisdiction's (:func:`withheld`).

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
    return np.asarray(sched["total"] - tax_schedule(offers, sched, year, options, fx))
