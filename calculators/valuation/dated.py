"""An offer's pay on the calendar: month by month from its start date, taxed by tax year.

The yearly schedule (:func:`calculators.offer.model.cash_schedule`) counts offer years from
the start.  Here each offer year's parts are laid out over its twelve pay months, each
paid on the last day of its pay period (a job starting on 1 October pays on 31 October,
30 November, ...):

- base salary, the retirement match and other benefits: a twelfth each month;
- the bonus: once, with the last pay of the offer year (paid for the year worked);
- the sign-on bonus of year 1 and year 2, and the relocation package: with the first pay of
  their year;
- RSU vests: on their vest months (``rsu_cliff_months``, ``rsu_frequency``); refreshers and a
  year whose grant does not vest follow the frequency after the cliff;
- option gains: with the last pay of their exit year.

Each pay is allocated to the tax year of the jurisdiction its pay date falls in (the
calendar year; the UK's from 6 April: :func:`calculators.places.tax_year_of`), each tax
year is taxed on what falls in it, with the months it was paid in (``pay_months``, for
rules worked per month), and its tax is shared back among the offer years in proportion
to the taxed pay each put in it.  A first year that straddles two tax years is so taxed
as two part-years: where the rates are progressive, a start late in a tax year takes
home more of its first twelve months.

Assumptions, stated: pay is taxed when paid (the pay date decides the tax year); each
tax year is taxed under the rules of one year (``tax_year``), as the yearly model does;
the pay of a tax year before the start is the job's alone (no other income in the same
country that year: the current job's pay is the move's, :mod:`calculators.relocation`);
the premium months of a rule worked per month are the months with a pay date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError, NegotiationError
from calculators.fx import FxTable, shipped_table
from calculators.offer import equity
from calculators.offer.model import AT_GRANT, COMPONENTS, Offer, OfferBatch, cash_schedule
from calculators.places import PLACES, country_of, tax_year_of, tax_year_start
from calculators.tax import compute, get_jurisdiction
from calculators.tax.engine import MONTHS
from calculators.valuation.forfeit import CurrentJob
from calculators.valuation.net import CASH, EQUITY, TAXED, default_tax_year, withheld_parts

__all__ = [
    "TaxYear",
    "add_months",
    "check_span",
    "default_start",
    "monthly_parts",
    "pay_dates",
    "tax_years",
    "offer_tax_years",
    "dated_withheld",
    "dated_tax",
    "dated_monthly_net",
    "bonus_days",
    "job_year",
    "contributions_of",
    "leaving_year",
    "MoveRow",
    "move_year",
    "common_rules_year",
    "rules_year_between",
    "pay_before_arrival",
    "shared_year",
]

Array = npt.NDArray[np.float64]
PARTS = (*COMPONENTS, *AT_GRANT)
#: The parts paid evenly, a twelfth of the year each month (the others are paid at once).
EVEN = ("base", "retirement", "benefits")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept within the month it lands in (31 January + 1 is
    28 or 29 February).

    Parameters
    ----------
    day : datetime.date
        Any date.
    months : int
        Months to add (negative: to go back).

    Returns
    -------
    datetime.date
        The same day of the month ``months`` later, or that month's last day.

    References
    ----------
    None

    Examples
    --------
    >>> add_months(dt.date(2027, 1, 31), 1), add_months(dt.date(2027, 11, 15), 3)
    (datetime.date(2027, 2, 28), datetime.date(2028, 2, 15))
    """
    index = day.year * MONTHS + day.month - 1 + int(months)
    year, month = divmod(index, MONTHS)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


FIRST_DAY = dt.date(1900, 1, 1)  # Excel's first date: no pay is dated before it


def check_span(day: dt.date, months: int, field: str) -> dt.date:
    """``day``, when the ``months`` pay months from it have dates (from 1900-01-01, Excel's
    first day, to 9999-12-31).

    Parameters
    ----------
    day : datetime.date
        The first day.
    months : int
        The pay months from it.
    field : str
        The field, as the message names it.

    Returns
    -------
    datetime.date
        ``day``.

    Raises
    ------
    InvalidInputError
        A day before 1900 or pay that would run past the year 9999, naming ``field``.

    References
    ----------
    None

    Examples
    --------
    >>> check_span(dt.date(9997, 12, 1), 24, "start_date")
    datetime.date(9997, 12, 1)
    >>> check_span(dt.date(9998, 1, 2), 24, "start_date")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: start_date 9998-01-02 is too late: ...
    """
    if day < FIRST_DAY:
        raise InvalidInputError(f"{field} must be on or after {FIRST_DAY.isoformat()}, Excel's first date")
    # the day after the last pay period is a date: the pay dates are then all dates
    if (day.year * MONTHS + day.month - 1 + int(months)) // MONTHS > dt.MAXYEAR:
        raise InvalidInputError(
            f"{field} {day.isoformat()} is too late: the pay from it would run past the year {dt.MAXYEAR}"
        )
    return day


def default_start(as_of: dt.date) -> dt.date:
    """The start date of an offer that gives none: the first day of the next month.

    Parameters
    ----------
    as_of : datetime.date
        The day of the comparison.

    Returns
    -------
    datetime.date
        The first day of the month after ``as_of``.

    References
    ----------
    None

    Examples
    --------
    >>> default_start(dt.date(2026, 12, 3))
    datetime.date(2027, 1, 1)
    """
    return add_months(check_span(as_of.replace(day=1), 2, "as_of"), 1)


def pay_dates(start: dt.date, months: int) -> list[dt.date]:
    """The pay date of each pay month from ``start``: the last day of its pay period.

    Parameters
    ----------
    start : datetime.date
        The first day of work.
    months : int
        How many pay months.

    Returns
    -------
    list of datetime.date
        One date per month, the day before the same day of the next month.

    References
    ----------
    None

    Examples
    --------
    >>> pay_dates(dt.date(2027, 10, 1), 3)
    [datetime.date(2027, 10, 31), datetime.date(2027, 11, 30), datetime.date(2027, 12, 31)]
    """
    return [add_months(start, i) - dt.timedelta(days=1) for i in range(1, int(months) + 1)]


def _profile(offer: Offer, part: str, years: int) -> Array:
    """``(years, 12)`` weights of each offer year's amount over its months, rows adding up to 1."""
    out = np.zeros((years, MONTHS))
    if part in EVEN:
        out[:] = 1.0 / MONTHS
    elif part in ("bonus", "options", "options_at_grant"):
        out[:, -1] = 1.0
    elif part in ("sign_on", "relocation"):
        out[:, 0] = 1.0
    else:  # equity and equity_at_grant: the grant's vest months, else the frequency's
        step = equity.FREQUENCIES[offer.rsu_frequency]
        fallback = np.zeros(MONTHS)
        fallback[step - 1 :: step] = 1.0
        fallback /= fallback.sum()
        vests = equity.monthly_vest_fractions(offer.rsu_schedule, offer.rsu_cliff_months, offer.rsu_frequency)
        flat = np.zeros(years * MONTHS)
        flat[: min(len(vests), years * MONTHS)] = vests[: years * MONTHS]
        grid = flat.reshape(years, MONTHS)
        sums = grid.sum(axis=1, keepdims=True)
        out[:] = np.where(sums > 0, grid / np.where(sums > 0, sums, 1.0), fallback)
    return out


def monthly_parts(offer: Offer, yearly: Mapping[str, npt.ArrayLike]) -> dict[str, Array]:
    """Each part of an offer's yearly schedule, laid out over its pay months.

    Parameters
    ----------
    offer : Offer
        Whose vest months place its RSU vests.
    yearly : mapping of str to array_like
        One offer's schedule parts (:data:`PARTS`), one value per offer year.

    Returns
    -------
    dict of str to numpy.ndarray
        The same parts, ``12 x years`` values each; each offer year's twelve add up to the
        year's value.

    References
    ----------
    None: the placement rules of the module docstring.

    Examples
    --------
    >>> from calculators.examples import LONDON_OFFER
    >>> parts = monthly_parts(LONDON_OFFER, {"base": [120_000.0], "bonus": [12_000.0]})
    >>> parts["base"][:2].tolist(), float(parts["bonus"][-1]), float(parts["bonus"].sum())
    ([10000.0, 10000.0], 12000.0, 12000.0)
    """
    out = {}
    for part, values in yearly.items():
        row = np.asarray(values, dtype=float)
        out[part] = (row[:, None] * _profile(offer, part, len(row))).reshape(-1)
    return out


@dataclass(frozen=True)
class TaxYear:
    """One tax year of an offer's pay: what falls in it, in which months, and its tax."""

    year: int  # the tax year, named by the calendar year it starts in
    first_pay: dt.date
    last_pay: dt.date
    pay_months: int  # pay dates in the year (at most 12)
    parts: Mapping[str, float]  # each part's pay in the year, in the offer's currency
    withheld: float  # tax and employee contributions on it, in the offer's currency
    by_offer_year: tuple[float, ...]  # the taxed pay each offer year puts in it
    contributions: float = 0.0  # of ``withheld``, the social security contributions
    pension: float = 0.0  # of those, the ones that build a state pension

    @property
    def taxed(self) -> float:
        """The pay of the year that is taxed (every part but the untaxed ones)."""
        return float(sum(self.by_offer_year))

    @property
    def gross(self) -> float:
        """Every part's pay in the year (the parts of :data:`COMPONENTS`)."""
        return float(sum(v for p, v in self.parts.items() if p in COMPONENTS))

    @property
    def net(self) -> float:
        """The pay less what is withheld."""
        return self.gross - self.withheld


def tax_years(
    offer: Offer,
    yearly: Mapping[str, npt.ArrayLike],
    start: dt.date,
    rules_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    arriving: bool = False,
    before: float = 0.0,
    until: dt.date | None = None,
) -> list[TaxYear]:
    """The tax years an offer's pay falls in, each taxed on its own pay.

    Parameters
    ----------
    offer : Offer
        Whose jurisdiction, currency and regimes apply.
    yearly : mapping of str to array_like
        The offer's schedule parts, one value per offer year (:data:`PARTS`; missing parts
        are nothing).
    start : datetime.date
        The first day of work.
    rules_year : int
        The tax year whose rules apply to every tax year.
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts pay in another currency than the jurisdiction's.
    arriving : bool, optional
        The job starts a move from another country: its first tax year is the year of arrival
        (the ``arrival`` of :func:`calculators.tax.compute`).
    before : float, optional
        Arriving, the pay abroad in the first tax year before the start, in the jurisdiction's
        currency: counted for the rate where the rules do (``exempt_income``).
    until : datetime.date, optional
        The last day counted (blank: all the pay of the offer years): pay dated after it is
        left out, but for the days of its pay period worked by then, paid on the day of the
        parts paid evenly (:data:`EVEN`).

    Returns
    -------
    list of TaxYear
        In order, from the tax year of the first pay to that of the last (none when
        ``until`` is before the first pay).

    Raises
    ------
    InvalidInputError
        A start so late that the pay would run past the last date there is.

    References
    ----------
    The tax year of each place (``calculators/places.yaml``) and the rules of each
    jurisdiction module.

    Examples
    --------
    A London job started on 1 January pays three months in the UK tax year that ends on
    5 April and nine in the next.

    >>> from calculators.examples import LONDON_OFFER
    >>> years = tax_years(LONDON_OFFER, {"base": [120_000.0]}, dt.date(2027, 1, 1), 2025)
    >>> [(t.year, t.pay_months, t.parts["base"]) for t in years]
    [(2026, 3, 30000.0), (2027, 9, 90000.0)]
    """
    months = monthly_parts(offer, yearly)
    n = max(len(v) for v in months.values())
    check_span(start, n, "start_date")
    dates = pay_dates(start, n)
    if until is not None:
        months, dates = _cut(months, dates, start, until)
        n = len(dates)
    labels = np.array([tax_year_of(offer.jurisdiction, d) for d in dates])
    offer_year = np.arange(n) // MONTHS
    zero = np.zeros(n)
    out = []
    for i, year in enumerate(sorted(set(labels.tolist()))):
        inside = labels == year
        parts = {p: float(months.get(p, zero)[inside].sum()) for p in PARTS}
        taxed = sum(months.get(p, zero) for p in TAXED if p not in AT_GRANT)
        shares = tuple(
            float(np.asarray(taxed)[inside & (offer_year == k)].sum()) for k in range(-(-n // MONTHS))
        )
        count = min(int(inside.sum()), MONTHS)
        first = arriving and i == 0
        taken = withheld_parts(
            offer,
            parts,
            rules_year,
            options,
            fx,
            pay_months=count,
            arrival=first,
            exempt_income=before if first else 0.0,
        )
        days = [d for d, keep in zip(dates, inside, strict=True) if keep]
        social, pension = _contributions(offer, parts, rules_year, options, fx, count, first)
        out.append(TaxYear(int(year), days[0], days[-1], count, parts, float(taken), shares, social, pension))
    return out


def _contributions(
    offer: Offer,
    parts: Mapping[str, float],
    rules_year: int,
    options: Mapping[str, Any] | None,
    fx: FxTable | None,
    months: int,
    arrival: bool,
) -> tuple[float, float]:
    """The contributions of a tax year's pay (its cash and RSU vests; option gains, which most
    regimes keep out of contributions, left out), in the offer's currency."""
    jur = get_jurisdiction(offer.jurisdiction)
    rate = (
        1.0
        if offer.currency == jur.currency
        else float((fx or shipped_table()).convert(1.0, offer.currency, jur.currency))
    )
    cash = sum(parts.get(p, 0.0) for p in CASH)
    opts = {k: v for k, v in (options or {}).items() if k in jur.options}
    result = compute(
        cash * rate,
        jur.code,
        rules_year,
        parts.get("equity", 0.0) * rate,
        pay_months=months,
        arrival=arrival,
        **opts,
    )
    social, pension = contributions_of(jur.code, result.lines)
    return social / rate, pension / rate


def _cut(
    months: Mapping[str, Array], dates: list[dt.date], start: dt.date, until: dt.date
) -> tuple[dict[str, Array], list[dt.date]]:
    """The pay to ``until``: the months paid by then, and the days worked of the next one
    (its :data:`EVEN` parts, paid on ``until``)."""
    kept = sum(1 for d in dates if d <= until)
    out = {p: np.asarray(v[:kept], dtype=float) for p, v in months.items()}
    days = dates[:kept]
    if kept < len(dates):
        begin = dates[kept - 1] + dt.timedelta(days=1) if kept else start
        if begin <= until:
            share = ((until - begin).days + 1) / ((dates[kept] - begin).days + 1)
            for p, v in months.items():
                out[p] = np.append(out[p], v[kept] * share if p in EVEN else 0.0)
            days = [*days, until]
    return out, days


@functools.lru_cache(maxsize=256)
def _month_years(jurisdiction: str, start: dt.date, years: int) -> Array:
    """``(months, T)``: each pay month from ``start`` against the tax year its pay day is in
    (the same for every offer of the place and day: kept, read-only)."""
    n = years * MONTHS
    labels = [tax_year_of(jurisdiction, d) for d in pay_dates(start, n)]
    order = sorted(set(labels))
    column = np.array([order.index(y) for y in labels])
    where = np.zeros((n, len(order)))
    where[np.arange(n), column] = 1.0
    where.flags.writeable = False
    return where


def _tax_year_maps(offer: Offer, start: dt.date, years: int) -> tuple[dict[str, Array], Array]:
    """Per part, the ``(years, T)`` share of each offer year's amount paid in each tax year,
    and the pay months of each of the ``T`` tax years (at most 12)."""
    n = years * MONTHS
    where = _month_years(offer.jurisdiction, start, years)  # month -> its tax year
    maps = {}
    for part in PARTS:
        profile = _profile(offer, part, years)  # (years, 12)
        spread = np.zeros((years, n))
        for k in range(years):
            spread[k, k * MONTHS : (k + 1) * MONTHS] = profile[k]
        maps[part] = spread @ where
    months = np.minimum(where.sum(axis=0), MONTHS)
    return maps, months


def offer_tax_years(
    offer: Offer,
    start: dt.date,
    years: int,
    rules_year: int | None = None,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    moving_from: str | None = None,
    before: float = 0.0,
) -> list[TaxYear]:
    """Every tax year an offer's first ``years`` offer years pay in, each whole (its pay from
    the year beyond the horizon included): :func:`tax_years` on the offer's schedule.

    Parameters
    ----------
    offer : Offer
        The offer.
    start : datetime.date
        Its first day.
    years : int
        The offer years.
    rules_year : int, optional
        The tax year whose rules apply (blank: the latest covered).
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts pay and equity in other currencies.
    moving_from : str, optional
        Where the person is resident before the start (a jurisdiction code or name): in
        another country, the first tax year is one of arrival.
    before : float, optional
        Arriving, the pay abroad in the first tax year before the start (:func:`tax_years`).

    Returns
    -------
    list of TaxYear
        In order.

    Raises
    ------
    InvalidInputError
        An unknown ``moving_from`` (named), or a start out of reach (:func:`check_span`).

    References
    ----------
    As :func:`tax_years`.

    Examples
    --------
    >>> from calculators.examples import LONDON_OFFER
    >>> [t.year for t in offer_tax_years(LONDON_OFFER, dt.date(2027, 1, 1), 1)]
    [2026, 2027]
    """
    arriving = False
    if moving_from is not None:
        try:
            arriving = country_of(moving_from) != country_of(offer.jurisdiction)
        except NegotiationError as exc:
            raise InvalidInputError(f"moving_from: {exc}") from None
    sched = cash_schedule(OfferBatch.from_offers([offer], fx), years, beyond=1)
    rules = default_tax_year([offer]) if rules_year is None else rules_year
    found = tax_years(offer, {p: sched[p][0] for p in PARTS}, start, rules, options, fx, arriving, before)
    kept = [t for t in found if sum(t.by_offer_year[:years]) > 0]
    return kept or found[:1]


# Parallel to tax_years (the same Parameters, deliberately): kept separate because this one is
# vectorised over stacked schedules and returns the offer years' shares, where tax_years reads
# the rule one tax year at a time, the plain reading the tests check this one against.
def dated_withheld(
    offer: Offer,
    yearly: Mapping[str, npt.ArrayLike],
    start: dt.date,
    rules_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    arriving: bool = False,
) -> Array:
    """Tax and employee contributions per offer year of an offer's schedule parts, taxed by
    tax year (:func:`tax_years`) and shared back: the same figures as :func:`tax_years` gives,
    for many schedules at once (the parts may carry leading axes, offer years last).

    The last offer year of the parts is the one beyond the horizon (its pay completes the
    tax year the horizon ends in): the result has one offer year fewer.

    Parameters
    ----------
    offer : Offer
        Whose jurisdiction, currency, regimes and vest months apply.
    yearly : mapping of str to array_like
        The schedule parts (:data:`PARTS`; missing parts are nothing), shape ``(..., years + 1)``.
    start : datetime.date
        The first day of work.
    rules_year : int
        The tax year whose rules apply to every tax year.
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts pay in another currency than the jurisdiction's.
    arriving : bool, optional
        The first tax year is the year of arrival from another country (:func:`tax_years`).

    Returns
    -------
    numpy.ndarray
        Amount withheld, shape ``(..., years)``, in the offer's currency.

    Raises
    ------
    InvalidInputError
        A start so late that the pay would run past the last date there is.

    References
    ----------
    As :func:`tax_years`.

    Examples
    --------
    A London job from 1 January 2027, one offer year: 2026/27 taxes its first three months,
    2027/28 the other nine and three months of the year beyond.

    >>> from calculators.examples import LONDON_OFFER
    >>> base = np.array([[120_000.0, 120_000.0], [60_000.0, 60_000.0]])  # two schedules
    >>> taken = dated_withheld(LONDON_OFFER, {"base": base}, dt.date(2027, 1, 1), 2025)
    >>> taken.shape
    (2, 1)
    """
    arrays = {p: np.asarray(v, dtype=float) for p, v in yearly.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    years = shape[-1]
    check_span(start, years * MONTHS, "start_date")
    maps, months = _tax_year_maps(offer, start, years)
    zero = np.zeros(shape)
    full = {p: np.broadcast_to(arrays.get(p, zero), shape) for p in PARTS}
    in_year = {p: full[p] @ maps[p] for p in PARTS}  # (..., T)
    taxed_parts = [p for p in TAXED if p not in AT_GRANT]
    # the taxed pay each offer year puts in each tax year: (..., years, T)
    shares = sum(full[p][..., :, None] * maps[p] for p in taxed_parts)
    taken = np.zeros((*shape[:-1], len(months)))
    # one tax call per kind of tax year: its pay months, and whether it is the arrival
    kinds = [(int(m), arriving and t == 0) for t, m in enumerate(months)]
    for count, arrival in sorted(set(kinds)):
        cols = np.array([t for t, kind in enumerate(kinds) if kind == (count, arrival)])
        parts = {p: in_year[p][..., cols] for p in PARTS}
        taken[..., cols] = withheld_parts(
            offer, parts, rules_year, options, fx, pay_months=count, arrival=arrival
        )
    totals = np.asarray(shares).sum(axis=-2)  # (..., T)
    weight = np.divide(
        shares, totals[..., None, :], out=np.zeros_like(shares), where=totals[..., None, :] > 0
    )
    return np.asarray((weight * taken[..., None, :]).sum(axis=-1)[..., : years - 1])


def dated_tax(
    offers: Sequence[Offer],
    years: int,
    rules_year: int,
    as_of: dt.date,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> Array:
    """Tax and employee contributions per offer and offer year, ``(n, years)``, on the
    calendar: each offer from its ``start_date`` (blank: :func:`default_start` of ``as_of``),
    taxed by tax year and shared back among the offer years (the module docstring).

    The schedule is laid out one offer year beyond the horizon, so that the tax year the
    horizon ends in holds all its pay; that year's share of its tax is left out.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    years : int
        The horizon in offer years.
    rules_year : int
        The tax year whose rules apply.
    as_of : datetime.date
        The day of the comparison (the start of an offer that gives none).
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts pay in another currency than the jurisdiction's.

    Returns
    -------
    numpy.ndarray
        Amount withheld, ``(n_offers, years)``, in each offer's currency; each row adds up to
        the tax of the offer's tax years, shared by the pay each offer year puts in them.

    References
    ----------
    The tax year of each place (``calculators/places.yaml``) and the rules of each
    jurisdiction module.

    Examples
    --------
    Started on 1 January, a Seattle offer's offer years are its tax years: the yearly model's
    tax.

    >>> from dataclasses import replace
    >>> from calculators.examples import SEATTLE_OFFER
    >>> from calculators.valuation.net import tax_schedule
    >>> jan = replace(SEATTLE_OFFER, start_date=dt.date(2027, 1, 1))
    >>> yearly = tax_schedule([jan], cash_schedule(OfferBatch.from_offers([jan]), 2), 2025)
    >>> bool(np.allclose(dated_tax([jan], 2, 2025, dt.date(2026, 12, 1)), yearly))
    True
    """
    batch = OfferBatch.from_offers(offers, fx)
    sched = cash_schedule(batch, years, beyond=1)
    out = np.zeros((len(offers), years))
    for i, offer in enumerate(offers):
        start = offer.start_date or default_start(as_of)
        out[i] = dated_withheld(offer, {p: sched[p][i] for p in PARTS}, start, rules_year, options, fx)
    return out


def dated_monthly_net(
    offers: Sequence[Offer],
    years: int,
    rules_year: int,
    as_of: dt.date,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> Array:
    """Take-home pay per offer and pay month, ``(n, 12 * years)``, on the calendar: each
    month's pay (:func:`monthly_parts`, from the offer's ``start_date``, blank:
    :func:`default_start` of ``as_of``) less its share of its tax year's tax and employee
    contributions (:func:`tax_years`), shared by the taxed pay each month puts in the year.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    years : int
        The horizon in offer years.
    rules_year : int
        The tax year whose rules apply.
    as_of : datetime.date
        The day of the comparison (the start of an offer that gives none).
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts pay in another currency than the jurisdiction's.

    Returns
    -------
    numpy.ndarray
        Take-home pay, ``(n_offers, 12 * years)``, in each offer's currency; each offer year's
        twelve months add up to its take-home pay in :func:`dated_tax`'s terms.

    References
    ----------
    As :func:`tax_years`.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> monthly = dated_monthly_net([SEATTLE_OFFER], 2, 2025, dt.date(2026, 12, 1))
    >>> monthly.shape
    (1, 24)
    """
    batch = OfferBatch.from_offers(offers, fx)
    sched = cash_schedule(batch, years, beyond=1)
    out = np.zeros((len(offers), years * MONTHS))
    for i, offer in enumerate(offers):
        start = offer.start_date or default_start(as_of)
        yearly = {p: sched[p][i] for p in PARTS}
        months = monthly_parts(offer, yearly)
        n = (years + 1) * MONTHS
        zero = np.zeros(n)
        labels = np.array([tax_year_of(offer.jurisdiction, d) for d in pay_dates(start, n)])
        taxed = sum(months.get(p, zero) for p in TAXED if p not in AT_GRANT)
        gross = sum(months.get(p, zero) for p in COMPONENTS)
        tax = np.zeros(n)
        for t in tax_years(offer, yearly, start, rules_year, options, fx):
            inside = labels == t.year
            total = float(np.asarray(taxed)[inside].sum())
            if total > 0:
                tax[inside] = t.withheld * np.asarray(taxed)[inside] / total
        out[i] = (np.asarray(gross) - tax)[: years * MONTHS]
    return out


def bonus_days(job: CurrentJob, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days from ``first`` to ``last`` that the current job pays its bonus: its next bonus
    date and, staying on, the same day of each later year.

    Parameters
    ----------
    job : CurrentJob
        The job (its ``next_bonus_date``; blank: no bonus).
    first, last : datetime.date
        The days, both counted.

    Returns
    -------
    list of datetime.date
        In order.

    References
    ----------
    None: a bonus of the same amount each year on the same day is an assumption, stated.

    Examples
    --------
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> job = CurrentJob("Tokyo", 12_000_000, 0.2, "2027-06-30")
    >>> bonus_days(job, dt.date(2027, 1, 1), dt.date(2028, 12, 31))
    [datetime.date(2027, 6, 30), datetime.date(2028, 6, 30)]
    """
    out: list[dt.date] = []
    first_bonus = job.next_bonus_date
    k = 0
    while first_bonus is not None and first_bonus.year + k < dt.MAXYEAR:
        day = add_months(first_bonus, MONTHS * k)
        if day > last:
            break
        if day >= first:
            out.append(day)
        k += 1
    return out


def job_year(
    job: CurrentJob,
    year: int,
    until: dt.date,
    rules_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    departure: bool = False,
) -> TaxYear:
    """One tax year of the current job, its pay from the year's first day to ``until`` (or the
    year's end), taxed in its own country.

    The base is paid at each month end of the tax year to ``until``, and the days of a month
    left before its end with the last pay; the bonus on its days (:func:`bonus_days`), the
    vests on theirs.  A year of departure (``departure``, of :func:`calculators.tax.compute`):
    Japan taxes the pay to the day of leaving on the year's scale (準確定申告, 所得税法
    第127条), charges the premiums of the months with pay (leaving at a month end; leaving
    mid-month, Japan charges none for that month, which is not modelled) and levies no
    住民税 on the year's income.

    Parameters
    ----------
    job : CurrentJob
        The job (:class:`calculators.valuation.forfeit.CurrentJob`).
    year : int
        The tax year, named by the calendar year it starts in.
    until : datetime.date
        The last day paid (the day of leaving, the end of a comparison, or later: the whole year).
    rules_year : int
        The tax year whose rules apply.
    options : mapping, optional
        Personal options (``age`` ...), those the job's jurisdiction takes.
    fx : FxTable, optional
        Converts vests valued in another currency than the job's.
    departure : bool, optional
        The year is one of leaving the country.

    Returns
    -------
    TaxYear
        The year, its pay by part (``base``, ``bonus``, ``equity``) and what is withheld, in the
        job's currency (``by_offer_year``: the one year's taxed pay).

    Raises
    ------
    InvalidInputError
        ``until`` before the year's first day, or a year whose end is not a date.

    References
    ----------
    The tax year of each place (``calculators/places.yaml``) and the rules of each
    jurisdiction module.

    Examples
    --------
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> job = CurrentJob("Tokyo", 12_000_000)
    >>> whole = job_year(job, 2027, dt.date(2030, 1, 1), 2025)
    >>> whole.pay_months, whole.parts["base"], whole.last_pay
    (12, 12000000.0, datetime.date(2027, 12, 31))
    """
    code = job.jurisdiction
    first_day = max(tax_year_start(code, year), FIRST_DAY)
    if year + 1 > dt.MAXYEAR or until < first_day:
        raise InvalidInputError(f"current job: no pay in its tax year {year} by {until.isoformat()}")
    end = min(until, tax_year_start(code, year + 1) - dt.timedelta(days=1))
    parts, paid = _job_pay(job, first_day, end, fx)
    base, bonus, vests = parts["base"], parts["bonus"], parts["equity"]
    months = min(len(paid), MONTHS)
    opts = {k: v for k, v in (options or {}).items() if k in get_jurisdiction(code).options}
    result = compute(base + bonus, code, rules_year, vests, pay_months=months, departure=departure, **opts)
    social, pension = contributions_of(code, result.lines)
    return TaxYear(
        year,
        paid[0],
        paid[-1],
        months,
        parts,
        float(result.total_withheld),
        (base + bonus + vests,),
        social,
        pension,
    )


def contributions_of(code: str, lines: Mapping[str, Any]) -> tuple[float, float]:
    """The social security contributions among a tax result's lines, and the pension ones.

    Parameters
    ----------
    code : str
        The jurisdiction (its ``contributions`` and ``pension`` lines in ``places.yaml``).
    lines : mapping of str to float
        The result's lines (:attr:`calculators.tax.engine.TaxResult.lines`).

    Returns
    -------
    tuple of float
        All contributions, then those that build a state pension.

    References
    ----------
    None

    Examples
    --------
    >>> contributions_of("GB-ENG", compute(50_000, "GB-ENG", 2025).lines)[0] > 0
    True
    """
    place = PLACES[get_jurisdiction(code).code]
    social = sum(float(np.sum(lines[k])) for k in place.contribution_lines if k in lines)
    pension = sum(float(np.sum(lines[k])) for k in place.pension_lines if k in lines)
    return social, pension


def _job_pay(
    job: CurrentJob, first_day: dt.date, end: dt.date, fx: FxTable | None
) -> tuple[dict[str, float], list[dt.date]]:
    """The current job's pay from the first day of its tax year to ``end`` (within it): base at
    each month end and the days of a month left early, bonus on its days, vests on theirs; and
    the days paid."""
    ends = [d for d in pay_dates(first_day, MONTHS) if d <= end]
    monthly = job.base_salary / MONTHS
    base = monthly * len(ends)
    paid = list(ends)
    if not ends or ends[-1] < end:  # a month left before its end: its days worked
        begin = ends[-1] + dt.timedelta(days=1) if ends else first_day
        period_end = add_months(begin, 1) - dt.timedelta(days=1)
        base += monthly * ((end - begin).days + 1) / ((period_end - begin).days + 1)
        paid.append(end)
    bonus = job.bonus * len(bonus_days(job, first_day, end))
    vests = sum(amount for day, amount in job.unvested if first_day <= day <= end) * job.equity_rate(fx)
    return {"base": base, "bonus": bonus, "equity": vests}, paid


def leaving_year(
    job: CurrentJob,
    leave: dt.date,
    rules_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    leaving_country: bool = False,
) -> TaxYear:
    """The current job's last tax year: its pay from the tax year's first day to the day of
    leaving, taxed in its own country (:func:`job_year`; leaving the country, a year of
    departure).

    Parameters
    ----------
    job : CurrentJob
        The job left (:class:`calculators.valuation.forfeit.CurrentJob`).
    leave : datetime.date
        The last day of work.
    rules_year : int
        The tax year whose rules apply.
    options : mapping, optional
        Personal options (``age`` ...), those the job's jurisdiction takes.
    fx : FxTable, optional
        Converts vests valued in another currency than the job's.
    leaving_country : bool, optional
        The move is to another country.

    Returns
    -------
    TaxYear
        As :func:`job_year`.

    Raises
    ------
    InvalidInputError
        A day of leaving in the year 9999, whose tax year would run past the last date there is.

    References
    ----------
    As :func:`job_year`.

    Examples
    --------
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> job = CurrentJob("Tokyo", 12_000_000)
    >>> year = leaving_year(job, dt.date(2025, 3, 31), 2025, leaving_country=True)
    >>> year.year, year.pay_months, year.parts["base"]
    (2025, 3, 3000000.0)
    """
    if leave < FIRST_DAY or leave.year >= dt.MAXYEAR:
        raise InvalidInputError(
            f"leave_date must be from {FIRST_DAY.isoformat()} to the end of {dt.MAXYEAR - 1} (its tax "
            f"year's pay must have dates)"
        )
    year = tax_year_of(job.jurisdiction, leave)
    return job_year(job, year, leave, rules_year, options, fx, departure=leaving_country)


@dataclass(frozen=True)
class MoveRow:
    """One tax year of one job across a move, in the job's own currency."""

    job: str  # the current job's name or the offer's
    jurisdiction: str
    currency: str
    tax_year: TaxYear

    @property
    def gross(self) -> float:
        """The year's pay (:attr:`TaxYear.gross`)."""
        return self.tax_year.gross

    @property
    def net(self) -> float:
        """The year's pay less what is withheld (:attr:`TaxYear.net`)."""
        return self.tax_year.net


def move_year(
    job: CurrentJob,
    leave: dt.date,
    offer: Offer,
    start: dt.date,
    rules_year: int | None = None,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> list[MoveRow]:
    """The move, tax year by tax year in each country: the current job's last year to the day
    of leaving (:func:`leaving_year`), then the offer's tax years from its start
    (:func:`tax_years`) that its first offer year pays in.  When the two jobs are
    in different countries, the first is a year of departure and the second of arrival.

    An internal transfer keeps the current job's grants:
    :func:`calculators.valuation.sourcing.transferred_vests` gives the rows of its vests after
    the day of leaving.

    Parameters
    ----------
    job : CurrentJob
        The job left.
    leave : datetime.date
        The last day at it.
    offer : Offer
        The job taken.
    start : datetime.date
        Its first day, after ``leave``.
    rules_year : int, optional
        The tax year whose rules apply in both countries (blank: the latest both cover).
    options : mapping, optional
        Personal options (``age`` ...), each country taking those it knows.
    fx : FxTable, optional
        Converts equity valued in another currency.

    Returns
    -------
    list of MoveRow
        The current job's row, then the offer's, each in its own currency.

    Raises
    ------
    InvalidInputError
        A start that is not after the day of leaving.

    References
    ----------
    :func:`leaving_year` and :func:`tax_years`.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> rows = move_year(CurrentJob("Tokyo", 11_000_000), dt.date(2027, 3, 31), SEATTLE_OFFER,
    ...                  dt.date(2027, 4, 15), 2025)
    >>> [(r.jurisdiction, r.currency, r.tax_year.year) for r in rows]
    [('JP-TOKYO', 'JPY', 2027), ('US-WA', 'USD', 2027), ('US-WA', 'USD', 2028)]
    """
    if start <= leave:
        raise InvalidInputError("start_date must be after leave_date (the last day at the current job)")
    abroad = country_of(job.jurisdiction) != country_of(offer.jurisdiction)
    rules = common_rules_year(job, offer) if rules_year is None else rules_year
    left = leaving_year(job, leave, rules, options, fx, leaving_country=abroad)
    rows = [MoveRow(job.name, job.jurisdiction, job.currency, left)]
    before = pay_before_arrival(job, left, offer, start, fx)
    code = get_jurisdiction(offer.jurisdiction).code
    found = offer_tax_years(offer, start, 1, rules, options, fx, job.jurisdiction, before)
    if not abroad and found and found[0].year == left.year:
        shared, first = shared_year(job, left, offer, found[0], rules, options, fx)
        rows[0] = MoveRow(job.name, job.jurisdiction, job.currency, shared)
        found = [first, *found[1:]]
    for t in found:
        rows.append(MoveRow(offer.name, code, offer.currency, t))
    return rows


def shared_year(
    job: CurrentJob,
    left: TaxYear,
    offer: Offer,
    first: TaxYear,
    rules_year: int,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> tuple[TaxYear, TaxYear]:
    """A tax year two jobs in one country both pay in, taxed as one year's income: each
    job's rules on the pay of both, at the average rate, on the job's own share.

    Changing jobs within a country, the year's tax is on its whole income (the new employer's
    year-end adjustment takes in the old one's pay, 所得税法 第190条; a second employer's
    social security withheld past the wage base comes back on the return, 26 U.S.C. § 31(b)).
    Where the two jobs are in one jurisdiction, the two shares add up to its tax on the
    whole; in two (one US state to another), each state's share is its tax on the whole
    year's income times the share earned there, as California's Form 540NR works it.  Not
    exact where the offer's equity is under a regime that taxes it apart (Israel's section 102
    by default): the old job's vests are then taxed under it too on the offer's side (a
    job of 500,000 ILS with a 100,000 ILS vest and a 600,000 ILS year: the shares add up to
    96 % of one job's tax).  Contributions stay each job's own (each employer withholds them).

    Parameters
    ----------
    job : CurrentJob
        The job left.
    left : TaxYear
        Its last tax year (:func:`leaving_year`).
    offer : Offer
        The job taken, in the same country.
    first : TaxYear
        The offer's first tax year, the same year as ``left``.
    rules_year : int
        The tax year whose rules apply.
    options : mapping, optional
        Personal options (``age`` ...), each jurisdiction taking those it knows.
    fx : FxTable, optional
        Converts between the jobs' currencies where they differ.

    Returns
    -------
    tuple of TaxYear
        ``left`` and ``first``, each withholding its share of the whole year's tax.

    Raises
    ------
    InvalidInputError
        The two years are not one tax year.

    References
    ----------
    所得税法 第190条 (年末調整 with the previous employer's pay); 26 U.S.C. § 31(b); FTB
    Form 540NR instructions (a part-year's tax on the whole year's income times the share).

    Examples
    --------
    Two Tokyo jobs in 2027, six months each, take what one job of the same pay would.

    >>> from dataclasses import replace
    >>> from calculators.examples import TOKYO_OFFER
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> job = CurrentJob("Tokyo", 12_000_000)
    >>> new = replace(TOKYO_OFFER, base_salary=12_000_000.0, bonus_target=0.0, rsu_grant=0.0)
    >>> rows = move_year(job, dt.date(2027, 6, 30), new, dt.date(2027, 7, 1), 2025)
    >>> whole = compute(12_000_000, "JP-TOKYO", 2025).total_withheld
    >>> round(rows[0].tax_year.withheld + rows[1].tax_year.withheld - whole)
    0
    """
    if left.year != first.year:
        raise InvalidInputError("shared_year: the two jobs' years are not one tax year")
    table = fx or shipped_table()
    to_job = (
        float(table.convert(1.0, offer.currency, job.currency)) if offer.currency != job.currency else 1.0
    )
    offer_cash = sum(first.parts.get(p, 0.0) for p in CASH)
    offer_equity = sum(first.parts.get(p, 0.0) for p in EQUITY)
    job_cash = left.parts["base"] + left.parts["bonus"]
    job_equity = left.parts["equity"]
    months = min(left.pay_months + first.pay_months, MONTHS)
    opts = {k: v for k, v in (options or {}).items() if k in get_jurisdiction(job.jurisdiction).options}
    job_all = compute(
        job_cash + offer_cash * to_job,
        job.jurisdiction,
        rules_year,
        job_equity + offer_equity * to_job,
        pay_months=months,
        **opts,
    ).total_withheld
    with_job = dict(first.parts)
    with_job["base"] = with_job.get("base", 0.0) + job_cash / to_job
    with_job["equity"] = with_job.get("equity", 0.0) + job_equity / to_job
    offer_all = withheld_parts(offer, with_job, rules_year, options, fx, pay_months=months)
    total = (job_cash + job_equity) + (offer_cash + offer_equity) * to_job
    job_share = (job_cash + job_equity) / total if total > 0 else 0.0
    return (
        replace(left, withheld=float(job_all) * job_share),
        replace(first, withheld=float(offer_all) * (1.0 - job_share)),
    )


def common_rules_year(job: CurrentJob, offer: Offer) -> int:
    """The tax year whose rules a move applies in both countries: the latest both cover.

    Parameters
    ----------
    job : CurrentJob
        The job left.
    offer : Offer
        The job taken.

    Returns
    -------
    int
        The latest year both jurisdictions' parameter files cover (none in common: the
        offer's latest).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> common_rules_year(CurrentJob("Tokyo", 1), SEATTLE_OFFER) in get_jurisdiction("JP-TOKYO").years
    True
    """
    return rules_year_between(job.jurisdiction, offer.jurisdiction)


def rules_year_between(left: str, arrived: str) -> int:
    """The tax year whose rules apply in two jurisdictions: the latest both cover.

    Parameters
    ----------
    left, arrived : str
        The jurisdictions (codes or names) left and arrived in.

    Returns
    -------
    int
        The latest year both parameter files cover (none in common: ``arrived``'s latest).

    References
    ----------
    None

    Examples
    --------
    >>> rules_year_between("Tokyo", "Seattle") in get_jurisdiction("US-WA").years
    True
    """
    later = set(get_jurisdiction(arrived).years)
    both = set(get_jurisdiction(left).years) & later
    return max(both) if both else max(later)


def pay_before_arrival(
    job: CurrentJob, left: TaxYear, offer: Offer, start: dt.date, fx: FxTable | None
) -> float:
    """Moving abroad, the old job's pay dated in the new country's first tax year, in the new
    country's currency: counted for the rate where the rules say so (Germany's § 32b,
    California's 540NR).  The two tax years may start on other days (the UK's on 6 April):
    only the pay from the new country's year's first day counts.

    Parameters
    ----------
    job : CurrentJob
        The job left.
    left : TaxYear
        Its last tax year (:func:`leaving_year`).
    offer : Offer
        The job taken.
    start : datetime.date
        Its first day.
    fx : FxTable, optional
        Converts the pay (blank: the shipped table).

    Returns
    -------
    float
        0 when the two jobs are in one country, or the old pay falls in an earlier tax year
        of the new country.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> from calculators.valuation.forfeit import CurrentJob
    >>> job = CurrentJob("Tokyo", 12_000_000)
    >>> left = leaving_year(job, dt.date(2027, 3, 31), 2025, leaving_country=True)
    >>> pay_before_arrival(job, left, SEATTLE_OFFER, dt.date(2028, 1, 1), None)
    0.0
    """
    if country_of(job.jurisdiction) == country_of(offer.jurisdiction):
        return 0.0
    arrival_year = tax_year_of(offer.jurisdiction, start)
    if tax_year_of(offer.jurisdiction, left.last_pay) != arrival_year:
        return 0.0
    # only the old pay dated in the new country's tax year, which may straddle two of the old
    # country's (the UK's from 6 April)
    opens = max(tax_year_start(offer.jurisdiction, arrival_year), FIRST_DAY)
    paid = 0.0
    for year in range(tax_year_of(job.jurisdiction, opens), left.year + 1):
        first = max(tax_year_start(job.jurisdiction, year), FIRST_DAY)
        last = min(left.last_pay, tax_year_start(job.jurisdiction, year + 1) - dt.timedelta(days=1))
        if last >= first:
            paid += sum(_job_pay(job, first, last, fx)[0].values())
        if opens > first:
            paid -= sum(_job_pay(job, first, opens - dt.timedelta(days=1), fx)[0].values())
    local = get_jurisdiction(offer.jurisdiction).currency
    return float((fx or shipped_table()).convert(paid, job.currency, local)) if paid > 0 else 0.0
