"""An RSU vest that straddles a move: its income shared between two countries by workdays, and
the tax each levies on it.

A vest rewards the work done from its grant to its vest date.  Its income is attributed to
the countries the work was done in by **workdays** (Monday to Friday; public holidays and
days of leave are not told apart): the days from the grant to the day before the move to the
country left, from the day of the move to the vest to the country arrived in.  This is the
OECD Model Tax Convention's reading of Article 15 for employee equity (Commentary on Article
15, paragraphs 12.7 to 12.15, followed by Japan, the US, the UK and Canada for employees who
move).

The country of residence at the vest (the one arrived in):

- **the United States** taxes the whole vest with its income taxes, federal and state
  (resident aliens are taxed on their worldwide income, 26 U.S.C. § 1 and § 61), and the
  payroll taxes on the US workdays' share only (FICA is on services performed in the United
  States, 26 U.S.C. § 3121(b)); it credits the other country's tax on its share against the
  federal income tax, at most that tax's part on the share (26 U.S.C. §§ 901, 904: the
  limitation approximated by the share of the vest's federal tax); California and New York
  credit no foreign tax;
- **the United Kingdom** taxes only its own workdays' share, with income tax and National
  Insurance: the share of the relevant period (grant to vest) spent working abroad while not
  UK resident is not UK income (ITEPA 2003 ss. 41F to 41L, internationally mobile employees).

The country left, where the person is no longer resident, taxes its share alone:

- **Japan**: a non-resident's pay for work done in Japan (国内源泉所得), at a flat rate with no
  deduction and no 住民税 (``nonresident_employment_rate`` with 復興特別所得税, of
  ``jp/income_tax.yaml``); no social insurance after leaving;
- **the United States**: a non-resident alien's US-source pay (the time-basis sourcing of
  equity pay, 26 C.F.R. § 1.861-4(b)(2)(ii)(F)) at the graduated rates with no standard
  deduction (26 U.S.C. § 871(b), § 63(c)(6)(B)), on top of the other US pay of the year, with
  the payroll taxes on it (the work was done in the United States); California taxes its share
  as a nonresident's California income (Form 540NR: the tax on the year's whole income times
  the California share).  New York as the place left (IT-203's ratio; New York City taxes
  residents only) is not modelled and is refused.

Other countries as either side are refused by name: their rules for a vest across a move are
not modelled.  Assumptions, stated: the person is not a US citizen (a citizen is taxed on
worldwide income wherever resident); the credit is the foreign-tax-credit approximation above,
not the full limitation of Form 1116 by basket; the vest is valued once, at vest, in the
grant's currency, and converted with one FX table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from calculators.errors import InvalidInputError, NegotiationError, UnknownJurisdictionError
from calculators.fx import FxTable, shipped_table
from calculators.places import JURISDICTIONS, PLACES, country_of, tax_year_of, vest_rule
from calculators.tax import compute, get_jurisdiction
from calculators.tax.engine import params
from calculators.valuation.dated import FIRST_DAY, MoveRow, TaxYear, contributions_of, rules_year_between
from calculators.valuation.forfeit import CurrentJob

__all__ = ["workdays", "CountryShare", "SourcedVest", "vest_across_border", "modelled", "transferred_vests"]


def modelled(side: str) -> list[str]:
    """The jurisdictions with a rule for one side of a vest across a move.

    Parameters
    ----------
    side : str
        ``"resident"`` or ``"left"`` (:func:`calculators.places.vest_rule`).

    Returns
    -------
    list of str
        Their codes, in the registry's order.

    References
    ----------
    ``vest_abroad`` in ``calculators/places.yaml``.

    Examples
    --------
    >>> "GB-ENG" in modelled("resident"), "GB-ENG" in modelled("left")
    (True, False)
    """
    return [code for code in JURISDICTIONS if vest_rule(code, side) is not None]


def _flat_rate(code: str, year: int) -> float:
    """The non-resident flat rate of a place's rules, with its surtax on it (Japan's 20 % and
    2.1 % of it), read from the place's parameter files."""
    found: dict[str, float] = {}
    for name in PLACES[code].tax_params:
        folder, file = name.split("/")
        for key, param in params(folder, file).items():
            if key in ("nonresident_employment_rate", "reconstruction_tax_rate"):
                found[key] = float(param.at(year))
    return found["nonresident_employment_rate"] * (1.0 + found.get("reconstruction_tax_rate", 0.0))


def workdays(first: dt.date, last: dt.date) -> int:
    """The workdays (Monday to Friday) from ``first`` to ``last``, both counted.

    Parameters
    ----------
    first, last : datetime.date
        The days (none when ``last`` is before ``first``).

    Returns
    -------
    int
        The count.

    References
    ----------
    None

    Examples
    --------
    >>> workdays(dt.date(2027, 3, 1), dt.date(2027, 3, 7))  # Monday to Sunday
    5
    """
    if last < first:
        return 0
    return int(np.busday_count(first, last + dt.timedelta(days=1)))


@dataclass(frozen=True)
class CountryShare:
    """One country's part of a vest: its workdays, the income it is given, and its tax."""

    jurisdiction: str
    role: str  # "residence" (where the person lives at the vest) or "source" (the country left)
    first_day: dt.date | None  # the first and last day of the work attributed to it
    last_day: dt.date | None
    workdays: int
    share: float  # of the vest's income
    currency: str  # the jurisdiction's: income, tax and credit are in it
    income: float  # the share of the vest
    tax: float  # the tax it levies on the vest, before any credit
    credit: float  # the credit it gives for the other country's tax
    contributions: float = 0.0  # of ``tax``, the social security contributions
    pension: float = 0.0  # of those, the ones that build a state pension

    @property
    def net_tax(self) -> float:
        """The tax less the credit."""
        return self.tax - self.credit


@dataclass(frozen=True)
class SourcedVest:
    """A vest across a move: the two countries' parts."""

    amount: float
    currency: str
    grant: dt.date
    move: dt.date
    vest: dt.date
    source: CountryShare
    residence: CountryShare


def _income_tax(lines: Mapping[str, Any]) -> float:
    """The income-tax lines of a result (``*income_tax``), not the contributions."""
    return float(sum(float(v) for k, v in lines.items() if k.endswith("income_tax")))


def _marginal(
    code: str,
    year: int,
    other: float,
    vest: float,
    options: Mapping[str, Any],
    **flags: Any,
) -> tuple[float, float, float, float, float]:
    """The tax of ``vest`` on top of ``other`` pay: (income-tax lines, every line, the federal
    income tax where there is one, and the contributions and pension ones of the lines)."""
    opts = {k: v for k, v in options.items() if k in get_jurisdiction(code).options}
    without = compute(other, code, year, 0.0, **flags, **opts)
    with_vest = compute(other, code, year, vest, **flags, **opts)
    every = float(with_vest.total_withheld - without.total_withheld)
    federal = float(with_vest.lines.get("federal_income_tax", 0.0)) - float(
        without.lines.get("federal_income_tax", 0.0)
    )
    diff = {k: float(with_vest.lines[k]) - float(without.lines.get(k, 0.0)) for k in with_vest.lines}
    social, pension = contributions_of(code, diff)
    return _income_tax(with_vest.lines) - _income_tax(without.lines), every, federal, social, pension


def vest_across_border(
    amount: float,
    grant: dt.date,
    vest: dt.date,
    move: dt.date,
    from_place: str,
    to_place: str,
    vest_currency: str | None = None,
    rules_year: int | None = None,
    income_before: float = 0.0,
    income_after: float = 0.0,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
    arrival: bool | None = None,
) -> SourcedVest:
    """A vest's income shared by workdays between the country left and the country arrived in,
    and what each taxes (the module docstring's rules).

    Parameters
    ----------
    amount : float
        The vest's value at vest, in ``vest_currency``.
    grant, vest : datetime.date
        The grant and vest dates.
    move : datetime.date
        The first workday in the country arrived in; the work before it was in the country left.
    from_place, to_place : str
        The jurisdictions left and arrived in (codes or names, in two countries).
    vest_currency : str, optional
        The vest's currency (blank: the currency of ``to_place``).
    rules_year : int, optional
        The tax year whose rules apply in both (blank: the latest both cover).
    income_before : float, optional
        The other pay of the vest's tax year taxed in the country left, in its currency (a US
        job's pay before the move in the same year).
    income_after : float, optional
        The other pay of the vest's tax year in the country arrived in, in its currency.
    options : mapping, optional
        Personal options (``age`` ...), each country taking those it knows.
    fx : FxTable, optional
        Converts the vest to each country's currency (blank: the shipped table).
    arrival : bool, optional
        The vest's tax year is the year of arrival in ``to_place`` (the US: a dual-status
        year); blank: when the vest and the move fall in the same tax year of ``to_place``.

    Returns
    -------
    SourcedVest
        The country left's part (``source``) and the residence's (``residence``), each in its
        own currency.

    Raises
    ------
    InvalidInputError
        Dates out of order (the grant after the vest, the vest before the move, the move
        after the vest's grant is not needed), the two places in one country, or a country
        whose rules are not modelled, each named.

    References
    ----------
    OECD Commentary on Article 15, paras 12.7-12.15; 26 U.S.C. §§ 1, 61, 63(c)(6)(B), 871(b),
    901, 904, 3121(b); 26 C.F.R. § 1.861-4(b)(2)(ii)(F); FTB Form 540NR; ITEPA 2003 ss.
    41F-41L; 所得税法 第161条, 第164条, 第169条, 第170条, 第212条.

    Examples
    --------
    >>> found = vest_across_border(40_000, dt.date(2026, 4, 1), dt.date(2027, 4, 1),
    ...                            dt.date(2026, 10, 1), "Tokyo", "Seattle", "USD", 2025)
    >>> found.source.workdays + found.residence.workdays, found.source.currency
    (262, 'JPY')
    """
    if vest.year >= dt.MAXYEAR:
        raise InvalidInputError(f"vest_date must be before the year {dt.MAXYEAR}")
    if not (FIRST_DAY <= grant <= vest):
        raise InvalidInputError("grant_date must be on or before vest_date (and from 1900)")
    if not (grant < move <= vest):
        raise InvalidInputError("move_date must be after grant_date and on or before vest_date")
    try:
        left = get_jurisdiction(from_place)
    except UnknownJurisdictionError as exc:
        raise InvalidInputError(f"from_place: {exc}") from None
    try:
        arrived = get_jurisdiction(to_place)
    except UnknownJurisdictionError as exc:
        raise InvalidInputError(f"to_place: {exc}") from None
    if country_of(left.code) == country_of(arrived.code):
        raise InvalidInputError(
            "from_place and to_place must be in two countries: a move within one is one tax system"
        )
    resident_rule, left_rule = vest_rule(arrived.code, "resident"), vest_rule(left.code, "left")
    if resident_rule is None:
        raise InvalidInputError(
            f"to_place: the tax of a vest across a move for a resident of {arrived.code} is not "
            "modelled; modelled: " + ", ".join(modelled("resident"))
        )
    if left_rule is None:
        raise InvalidInputError(
            f"from_place: the tax {left.code} levies on a vest after leaving is not modelled; "
            "modelled: " + ", ".join(modelled("left"))
        )
    if not np.isfinite(amount) or amount < 0:
        raise InvalidInputError("amount must be a finite number, 0 or more")
    year = rules_year_between(left.code, arrived.code) if rules_year is None else rules_year
    if arrival is None:
        arrival = tax_year_of(arrived.code, vest) == tax_year_of(arrived.code, move)
    table = fx or shipped_table()
    ccy = (vest_currency or arrived.currency).strip().upper()

    if ccy != arrived.currency:
        try:
            table.convert(1.0, ccy, arrived.currency)
        except NegotiationError as exc:
            raise InvalidInputError(f"vest_currency: {exc}") from None

    def to(currency: str, value: float) -> float:
        return value if currency == ccy else float(table.convert(value, ccy, currency))

    days_before = workdays(grant, move - dt.timedelta(days=1))
    days_after = workdays(move, vest)
    total = days_before + days_after
    share_before = days_before / total if total else 0.0
    opts = dict(options or {})
    # the country left: its share alone, as a non-resident's
    income_src = to(left.currency, amount * share_before)
    src_social = src_pension = 0.0  # the flat rate is income tax; no contributions after leaving
    if left_rule == "flat":  # Japan: the flat rate, no deduction, final
        src_tax = float(np.floor(income_src * _flat_rate(left.code, year)))
    else:  # the US: graduated rates, no standard deduction; a state's nonresident share
        abroad = to(left.currency, amount * (1.0 - share_before)) + float(
            table.convert(income_after, arrived.currency, left.currency) if income_after else 0.0
        )
        _, src_tax, _, src_social, src_pension = _marginal(
            left.code, year, income_before, income_src, opts, arrival=True, exempt_income=abroad
        )
    source = CountryShare(
        left.code,
        "source",
        grant,
        move - dt.timedelta(days=1),
        days_before,
        share_before,
        left.currency,
        income_src,
        src_tax,
        0.0,
        src_social,
        src_pension,
    )
    # the residence at the vest
    whole = float(to(arrived.currency, float(amount)))
    own = whole * (1.0 - share_before)
    if resident_rule == "worldwide_credit":  # the US
        income_tax, _, federal_whole, _, _ = _marginal(
            arrived.code, year, income_after, whole, opts, arrival=arrival
        )
        own_income_tax, own_every, _, res_social, res_pension = _marginal(
            arrived.code, year, income_after, own, opts, arrival=arrival
        )
        res_tax = income_tax + (own_every - own_income_tax)  # payroll taxes on the US days only
        paid = float(table.convert(src_tax, left.currency, arrived.currency)) if src_tax else 0.0
        credit = min(paid, federal_whole * share_before)
        income = whole
    else:  # own_share, the UK: its own workdays' share only
        _, res_tax, _, res_social, res_pension = _marginal(arrived.code, year, income_after, own, opts)
        credit, income = 0.0, own
    residence = CountryShare(
        arrived.code,
        "residence",
        move,
        vest,
        days_after,
        1.0 - share_before,
        arrived.currency,
        income,
        res_tax,
        credit,
        res_social,
        res_pension,
    )
    return SourcedVest(float(amount), ccy, grant, move, vest, source, residence)


def transferred_vests(
    job: CurrentJob,
    leave: dt.date,
    start: dt.date,
    rows: Sequence[MoveRow],
    rules_year: int | None = None,
    options: Mapping[str, Any] | None = None,
    fx: FxTable | None = None,
) -> list[MoveRow]:
    """An internal transfer (the offer is the current job moved abroad, so its grants keep
    vesting): each of the current job's vests after the day of leaving, to the last pay of the
    move's rows, shared by workdays between the two countries and taxed by each
    (:func:`vest_across_border`: the other pay of the vest's tax year is the offer's taxed pay
    there and, in the country left, the job's pay of its last year there; a later vest of the
    same tax year is taxed on top of the earlier ones).

    Parameters
    ----------
    job : CurrentJob
        The job moved; each vest needs its grant date (``granted``).
    leave : datetime.date
        The last day in the country left.
    start : datetime.date
        The first workday in the country arrived in.
    rows : sequence of MoveRow
        The move (:func:`calculators.valuation.dated.move_year`): the job's row, then the offer's.
    rules_year : int, optional
        The tax year whose rules apply in both (blank: the latest both cover).
    options : mapping, optional
        Personal options (``age`` ...).
    fx : FxTable, optional
        Converts the vest to each country's currency.

    Returns
    -------
    list of MoveRow
        Two per vest: the country left's workday share with its tax, then the other's share
        with its tax on the vest less its credit (the residence taxes the whole vest in the US,
        so its tax may exceed its share); in each country's currency.

    Raises
    ------
    InvalidInputError
        Rows within one country with vests to share (a transfer there changes no tax system);
        a vest between the day of leaving and the start; a vest with no grant date, or one on
        or after the start.

    References
    ----------
    As :func:`vest_across_border`.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER
    >>> from calculators.valuation.dated import move_year
    >>> job = CurrentJob("Tokyo", 11_000_000, unvested=(("2027-06-15", 3_000_000),), granted=("2026-04-01",))
    >>> moved = move_year(job, dt.date(2027, 3, 31), SEATTLE_OFFER, dt.date(2027, 4, 15), 2025)
    >>> kept = transferred_vests(job, dt.date(2027, 3, 31), dt.date(2027, 4, 15), moved, 2025)
    >>> [(r.jurisdiction, r.currency) for r in kept]
    [('JP-TOKYO', 'JPY'), ('US-WA', 'USD')]
    """
    found = [r.tax_year for r in rows[1:]]
    offer_code = rows[-1].jurisdiction if len(rows) > 1 else job.jurisdiction
    last = found[-1].last_pay if found else start
    moved = [(d, a, g) for (d, a), g in zip(job.unvested, job.granted, strict=True) if leave < d <= last]
    if moved and country_of(offer_code) == country_of(job.jurisdiction):
        raise InvalidInputError("transfer: a move within one country keeps the same tax system")
    ccy = job.equity_currency or job.currency
    # the other pay of each tax year, taxed, in the jurisdiction's currency (an offer may be paid
    # in another)
    paid_in = rows[-1].currency if len(rows) > 1 else job.currency
    local = get_jurisdiction(offer_code).currency
    to_local = 1.0 if paid_in == local else float((fx or shipped_table()).convert(1.0, paid_in, local))
    pay_after = {t.year: t.taxed * to_local for t in found}
    job_year_ = rows[0].tax_year if rows else None
    pay_before = {job_year_.year: job_year_.taxed} if job_year_ is not None else {}
    first_year = found[0].year if found else None
    out = []
    for day, amount, grant in moved:
        what = f"current job: the vest of {day.isoformat()}"
        if day < start:
            raise InvalidInputError(f"{what} falls between leave_date and start_date: a transfer has no gap")
        if grant is None:
            raise InvalidInputError(f"{what} needs its grant date (third column) for a transfer")
        if not (FIRST_DAY <= grant < start):
            raise InvalidInputError(f"{what}: its grant date must be before start_date (and from 1900)")
        year = tax_year_of(offer_code, day)
        source_year = tax_year_of(job.jurisdiction, day)
        split = vest_across_border(
            amount,
            grant,
            day,
            start,
            job.jurisdiction,
            offer_code,
            ccy,
            rules_year,
            pay_before.get(source_year, 0.0),
            pay_after.get(year, 0.0),
            options,
            fx,
            arrival=year == first_year,
        )
        # a later vest of the same tax year is taxed on top of this one in each country
        pay_before[source_year] = pay_before.get(source_year, 0.0) + split.source.income
        pay_after[year] = pay_after.get(year, 0.0) + split.residence.income
        rate = (
            1.0
            if ccy == split.residence.currency
            else float((fx or shipped_table()).convert(1.0, ccy, split.residence.currency))
        )
        own = amount * split.residence.share * rate  # the residence's workday share, its currency
        for part, income in ((split.source, split.source.income), (split.residence, own)):
            label = f"{job.name}: vest {day.isoformat()} ({part.role})"
            taxed = TaxYear(
                tax_year_of(part.jurisdiction, day),
                day,
                day,
                0,
                {"equity": income},
                part.net_tax,
                (income,),
                part.contributions,
                part.pension,
            )
            out.append(MoveRow(label, part.jurisdiction, part.currency, taxed))
    return out
