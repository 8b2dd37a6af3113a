"""The best day to start an offer: the take-home pay of moving on each day of a grid, against
staying in the current job.

For a start day *S* the current job is left the day before and pays to then
(:func:`calculators.valuation.dated.job_year`: its base to the day, its bonus on its days, its
vests on theirs; leaving the country, the last year is one of departure), and the offer pays
from *S* (:func:`calculators.valuation.dated.tax_years`: its months, its vests from its cliff,
its bonus at the end of each offer year, its sign-on with the first pay; arriving from abroad,
the first tax year is one of arrival; in the same country, the tax year both pay in is taxed
as one year's income, :func:`calculators.valuation.dated.shared_year`). Both are counted,
after tax, to the end of one window, the same for every start: from the first day of the
current job's tax year that the earliest start leaves in, to ``years`` years after the latest
start (the basis ``first_year``: one year; ``annualized`` and ``total``: the horizon). The
gain of a start is that take-home pay, in the current job's currency, less the take-home pay
of staying in the current job over the same window; ``annualized`` divides it by the window's
years.

The grid is the first day of each month from the earliest start to the latest, the day after
each of the current job's vests and bonus days in between (the first day that keeps it), and
the offer's own ``start_date`` when it falls in the window of starts.

A lump of the offer's paid after the window's end (its bonus, a year's sign-on, a vest) counts
for the share of its earning period in the window (the days since its part's previous payment,
or the start, to its pay day), at the average rate of tax of the window's last tax year: so
the window's end does not favour the starts whose anniversary falls inside it.

Assumptions, stated: the last day at the current job is the day before the start (no gap
between the jobs); staying, the current job pays the same base and the same bonus each year,
on its next bonus date's day, and vests only the vests listed; pay counted to the window's end
includes the days of the pay month then running of the parts paid evenly; the cost of living,
one-time move costs and a clawback of the offer's sign-on (which leaving the offer early would
trigger) are not part of the gain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from calculators.defaults import START_BASIS, YEARS
from calculators.errors import InvalidInputError
from calculators.fx import FxTable, shipped_table
from calculators.offer.model import BASES, COMPONENTS, Offer, OfferBatch, cash_schedule
from calculators.places import country_of, tax_year_of, tax_year_start
from calculators.tax.engine import MONTHS
from calculators.valuation.dated import (
    EVEN,
    FIRST_DAY,
    PARTS,
    MoveRow,
    TaxYear,
    add_months,
    bonus_days,
    check_span,
    common_rules_year,
    default_start,
    job_year,
    monthly_parts,
    pay_before_arrival,
    pay_dates,
    shared_year,
    tax_years,
)
from calculators.valuation.forfeit import CurrentJob
from calculators.valuation.sourcing import transferred_vests

__all__ = ["START_BASES", "StartDay", "BestStart", "start_grid", "best_start"]

#: The bases a start day is weighed on (those of :data:`calculators.offer.model.BASES` the
#: window can carry: a net present value by month is not modelled here).
START_BASES = tuple(b for b in BASES if b != "npv")
DAY = dt.timedelta(days=1)
#: The latest start weighed is at most this many months after the earliest (a grid of ten
#: years of monthly starts): a choice of this tool, to keep one call within a second.
MAX_GRID_MONTHS = 120


@dataclass(frozen=True)
class StartDay:
    """One start day of the grid and what moving on it is worth over staying."""

    start: dt.date
    gain: float  # take-home pay of moving less staying's, over the window (the basis's unit)
    events: tuple[tuple[str, dt.date], ...]  # the current job's vests and bonuses kept by starting then


@dataclass(frozen=True)
class BestStart:
    """The start days weighed for one offer, the best of them, and against what."""

    offer: str
    currency: str  # the current job's: every gain is in it
    basis: str
    window: tuple[dt.date, dt.date]  # first and last day counted
    days: tuple[StartDay, ...]  # the grid, in date order
    best: StartDay
    reference: StartDay  # the offer's start_date, or the earliest start
    # the current job's tax year of the last day before the reference and before the best day
    # (named by the calendar year it starts in): a move across them moves pay between tax years
    leave_years: tuple[int, int] = (0, 0)
    abroad: bool = False  # the offer is in another country than the current job

    @property
    def worth(self) -> float:
        """What starting on the best day gains over the reference day."""
        return self.best.gain - self.reference.gain

    @property
    def kept(self) -> tuple[tuple[str, dt.date], ...]:
        """The current job's vests and bonuses that starting on the best day instead of the
        reference day keeps (or, starting earlier, gives up)."""
        return self.between(self.best)

    def between(self, day: StartDay) -> tuple[tuple[str, dt.date], ...]:
        """The current job's vests and bonuses between the reference day and ``day``: kept by
        starting on ``day`` when it is later, given up when it is earlier.

        Parameters
        ----------
        day : StartDay
            A day of the grid.

        Returns
        -------
        tuple of (str, datetime.date)
            ``("vest", day)`` and ``("bonus", day)``, in order.

        References
        ----------
        None

        Examples
        --------
        >>> ref = StartDay(dt.date(2027, 4, 1), 0.0, ())
        >>> late = StartDay(dt.date(2027, 7, 1), 1.0, (("bonus", dt.date(2027, 6, 30)),))
        >>> found = BestStart("A", "JPY", "first_year", (ref.start, ref.start), (ref, late), late, ref)
        >>> found.between(late)
        (('bonus', datetime.date(2027, 6, 30)),)
        """
        early, late = sorted((self.reference, day), key=lambda d: d.start)
        return tuple((kind, when) for kind, when in late.events if when >= early.start)


def _events(job: CurrentJob, first: dt.date, last: dt.date) -> list[tuple[str, dt.date]]:
    """The current job's vests and bonus days from ``first`` to ``last``, in order."""
    vests = [("vest", day) for day, _ in job.unvested if first <= day <= last]
    return sorted(vests + [("bonus", day) for day in bonus_days(job, first, last)], key=lambda e: e[1])


def start_grid(
    job: CurrentJob, earliest: dt.date, latest: dt.date, offer_start: dt.date | None = None
) -> list[dt.date]:
    """The start days weighed: the first of each month from ``earliest`` to ``latest``, the day
    after each of the job's vests and bonus days in between, and the offer's own start.

    Parameters
    ----------
    job : CurrentJob
        The current job (its vests and bonus days).
    earliest, latest : datetime.date
        The first and last start day weighed.
    offer_start : datetime.date, optional
        The offer's ``start_date``, kept when within the two.

    Returns
    -------
    list of datetime.date
        In order, ``earliest`` first.

    References
    ----------
    None

    Examples
    --------
    >>> job = CurrentJob("Tokyo", 12_000_000, 0.2, "2027-06-30", (("2027-03-15", 1_000_000),))
    >>> [d.isoformat() for d in start_grid(job, dt.date(2027, 2, 10), dt.date(2027, 7, 1))]
    ['2027-02-10', '2027-03-01', '2027-03-16', '2027-04-01', '2027-05-01', '2027-06-01', '2027-07-01']
    """
    days = {earliest}
    month = add_months(earliest.replace(day=1), 1)
    while month <= latest:
        days.add(month)
        month = add_months(month, 1)
    days.update(day + DAY for _, day in _events(job, earliest, latest - DAY))
    if offer_start is not None and earliest <= offer_start <= latest:
        days.add(offer_start)
    return sorted(days)


def _accrued(offer: Offer, yearly: Mapping[str, Any], start: dt.date, end: dt.date) -> float:
    """The offer's lumps paid after ``end`` (a bonus, a sign-on, a vest), each for the share of
    its earning period that falls by ``end``: the days since its part's previous payment (or
    the start) to its pay day."""
    months = monthly_parts(offer, {p: yearly[p] for p in COMPONENTS if p not in EVEN})
    dates = pay_dates(start, len(next(iter(months.values()))))
    total = 0.0
    for values in months.values():
        since = start
        for day, amount in zip(dates, values.tolist(), strict=True):
            if amount == 0:
                continue
            if day > end and since <= end:
                total += amount * ((end - since).days + 1) / ((day - since).days + 1)
            since = day + DAY
    return total


def _window_years(first: dt.date, last: dt.date) -> float:
    """The years from ``first`` to ``last`` (both counted), in days of an average year."""
    return ((last - first).days + 1) / 365.25


def best_start(
    job: CurrentJob,
    offer: Offer,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    basis: str | None = None,
    years: int | None = None,
    as_of: dt.date | None = None,
    rules_year: int | None = None,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> BestStart:
    """Each start day of a grid weighed by what moving on it gains over staying, and the best.

    Parameters
    ----------
    job : CurrentJob
        The job left the day before the start.
    offer : Offer
        The job taken.
    earliest : datetime.date, optional
        The first start day weighed (blank: the first day of the month after ``as_of``).
    latest : datetime.date, optional
        The last (blank: eleven months after ``earliest``: twelve monthly starts).
    basis : str, optional
        ``first_year`` (the window ends a year after the latest start), ``annualized`` or
        ``total`` (``years`` after it; ``annualized`` per year of the window); blank:
        :data:`calculators.defaults.START_BASIS`.
    years : int, optional
        The horizon of ``annualized`` and ``total``, in years (blank:
        :data:`calculators.defaults.YEARS`).
    as_of : datetime.date, optional
        Today, for a blank ``earliest`` (required then).
    rules_year : int, optional
        The tax year whose rules apply in both countries (blank: the latest both cover).
    options : mapping, optional
        Personal options (``age`` ...), each country taking those it knows.
    fx : FxTable, optional
        Converts the offer's pay to the current job's currency, and equity in other currencies.

    Returns
    -------
    BestStart
        The grid's days with their gains, the best day (the earliest of equal gains), and the
        reference day (the offer's ``start_date`` when on the grid, else the earliest).

    Raises
    ------
    InvalidInputError
        A basis not in :data:`START_BASES`; ``latest`` before ``earliest``; no day for a blank
        ``earliest``; days beyond the calendar's reach.

    References
    ----------
    :func:`calculators.valuation.dated.job_year` and :func:`calculators.valuation.dated.tax_years`
    for each side; the assumptions of the module docstring.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-06-30")
    >>> found = best_start(job, SEATTLE_OFFER, dt.date(2027, 4, 1), dt.date(2027, 8, 1))
    >>> found.best.start, found.currency, found.best.gain > found.reference.gain
    (datetime.date(2027, 7, 1), 'JPY', True)
    """
    chosen = START_BASIS.check(basis).lower()
    if chosen not in START_BASES:
        raise InvalidInputError("basis must be one of " + ", ".join(START_BASES))
    if earliest is None:
        if as_of is None:
            raise InvalidInputError("from_date is required when there is no as_of (today)")
        earliest = default_start(as_of)
    horizon = 1 if chosen == "first_year" else YEARS.check(years)
    check_span(earliest, MONTHS * (horizon + 1), "from_date")
    latest = add_months(earliest, MONTHS - 1) if latest is None else latest
    if latest < earliest:
        raise InvalidInputError("to_date must be on or after from_date")
    if (latest.year - earliest.year) * MONTHS + latest.month - earliest.month > MAX_GRID_MONTHS:
        raise InvalidInputError(f"to_date must be at most {MAX_GRID_MONTHS // MONTHS} years after from_date")
    # the offer's schedule runs from each start past the window's end: its last pay must have a date
    reach = (MAX_GRID_MONTHS // MONTHS) + horizon + 2  # the most years a schedule lays out
    check_span(latest, MONTHS * reach, "to_date")
    if earliest <= FIRST_DAY:
        raise InvalidInputError(
            f"from_date must be after {FIRST_DAY.isoformat()} (the day before it is a last day)"
        )
    end = add_months(latest, MONTHS * horizon) - DAY
    rules = common_rules_year(job, offer) if rules_year is None else rules_year
    table = fx or shipped_table()
    abroad = country_of(job.jurisdiction) != country_of(offer.jurisdiction)
    first_year = tax_year_of(job.jurisdiction, earliest - DAY)
    memo: dict[tuple[int, dt.date, bool], TaxYear] = {}

    def year_of_job(year: int, until: dt.date, departure: bool = False) -> TaxYear:
        key = (year, until, departure)
        if key not in memo:
            memo[key] = job_year(job, year, until, rules, options, fx, departure)
        return memo[key]

    def job_net(until: dt.date, departure: bool) -> tuple[float, TaxYear]:
        last = tax_year_of(job.jurisdiction, until)
        found = [year_of_job(y, until, departure and y == last) for y in range(first_year, last + 1)]
        return sum(t.net for t in found), found[-1]

    stay, _ = job_net(end, False)
    span = -(-((end.year - earliest.year) * MONTHS + end.month - earliest.month + 1) // MONTHS) + 1
    shown = min(span, int(YEARS.high or span))  # the schedule's horizon; the years past it beyond
    sched = cash_schedule(OfferBatch.from_offers([offer], fx), shown, beyond=span - shown)
    yearly = {p: sched[p][0] for p in PARTS}
    # the current job's tax year starts the window: its days before the earliest start are paid
    # the same whatever the start, so the gains compare; report the window from that day
    window = (max(FIRST_DAY, tax_year_start(job.jurisdiction, first_year)), end)
    scale = _window_years(*window) if chosen == "annualized" else 1.0
    days = []
    for start in start_grid(job, earliest, latest, offer.start_date):
        kept, left = job_net(start - DAY, abroad)
        before = pay_before_arrival(job, left, offer, start, fx)
        found = tax_years(offer, yearly, start, rules, options, fx, abroad, before, until=end)
        if not abroad and found and found[0].year == left.year:  # one country: one year's income
            shared, first = shared_year(job, left, offer, found[0], rules, options, fx)
            kept += left.withheld - shared.withheld
            found = [first, *found[1:]]
        if offer.transfer and not abroad:  # the job moved within the country: its vests go on there
            later = [(d, a, g) for (d, a), g in zip(job.unvested, job.granted, strict=True) if d >= start]
            if later:  # each taxed as staying would tax it: on top of the job's pay of its year
                kept_vests = [
                    (d, a, g) for (d, a), g in zip(job.unvested, job.granted, strict=True) if d < start
                ]
                without = replace(
                    job,
                    unvested=tuple((d, a) for d, a, _ in kept_vests),
                    granted=tuple(g for *_, g in kept_vests),
                )
                final = tax_year_of(job.jurisdiction, end)
                alone = sum(
                    job_year(without, y, end, rules, options, fx).net for y in range(first_year, final + 1)
                )
                kept += stay - alone
        elif offer.transfer:  # the job moved abroad: its vests go on, shared by workdays and taxed by each
            rows = [
                MoveRow(job.name, job.jurisdiction, job.currency, left),
                *(MoveRow(offer.name, offer.jurisdiction, offer.currency, t) for t in found),
            ]
            for r in transferred_vests(job, start - DAY, start, rows, rules, options, fx):
                kept += float(table.convert(r.net, r.currency, job.currency))
        accrued = _accrued(offer, yearly, start, end)
        if found and accrued:  # taxed at the average rate of the window's last tax year
            last = found[-1]
            accrued *= 1.0 - (last.withheld / last.taxed if last.taxed > 0 else 0.0)
        net = sum(t.net for t in found) + accrued
        moved = kept + float(table.convert(net, offer.currency, job.currency))
        # what starting then keeps: a transfer keeps its vests whatever the day
        events = tuple(
            e for e in _events(job, window[0], start - DAY) if not (offer.transfer and e[0] == "vest")
        )
        days.append(StartDay(start, (moved - stay) / scale, events))
    best = max(days, key=lambda d: (round(d.gain, 6), -d.start.toordinal()))
    given = [d for d in days if d.start == offer.start_date]
    reference = given[0] if given else days[0]
    years_left = tuple(tax_year_of(job.jurisdiction, d.start - DAY) for d in (reference, best))
    return BestStart(
        offer.name,
        job.currency,
        chosen,
        window,
        tuple(days),
        best,
        reference,
        years_left,  # type: ignore[arg-type]
        abroad,
    )
