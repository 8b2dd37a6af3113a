"""Current-job functions: what leaving the job you have forfeits (stay vs go), the move year,
and the best day to start an offer."""

import dataclasses
import datetime as dt
from typing import Annotated, Any

import calculators.valuation.forfeit as forfeit
from addin.cells import (
    Cell,
    Rows,
    cell,
    opt_bool,
    opt_date,
    opt_number,
    opt_setting,
    opt_text,
    rows_out,
    table,
    udf,
)
from addin.udfs._docs import AGE_DOC, NAME_DOC, OFFERS_DOC, RATES_DOC, YEARS_DOC
from addin.udfs.inputs import fx_table, personal_from
from calculators.defaults import START_BASIS, YEARS
from calculators.errors import InvalidInputError, UnknownJurisdictionError
from calculators.offer.model import MAX_AMOUNT
from calculators.offer.table import offers_from_table, select_offer
from calculators.personal import as_options
from calculators.places import agreement_between, country_of, tax_year_label
from calculators.valuation.dated import move_year as dated_move_year
from calculators.valuation.sourcing import transferred_vests, vest_across_border
from calculators.valuation.start import START_BASES
from calculators.valuation.start import best_start as weigh_starts

# The UDF names here are listed again in addin/udfs/__init__.py's __all__, deliberately: the
# package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = ["forfeited", "move_year", "best_start", "vest_sourcing", "social_coverage"]

_FIELDS = ", ".join(forfeit.CURRENT_JOB_FIELDS)
_BASES = ("net", "gross", "currency", "transfer")
TRANSFER_DOC = (
    "TRUE: the offer is your job moved abroad; its vests go on, shared by workdays "
    "(blank: the offer's transfer field)"
)


@udf
def forfeited(
    current_job_table: Annotated[
        Rows,
        table(f"The current job: rows of field and value ({_FIELDS}), and a row per vest: date, amount"),
    ],
    leave_date: Annotated[Cell, cell("Your last day at the job; vests and a bonus dated after it are lost")],
    basis: Annotated[
        Cell,
        cell(
            "net: after the current job's tax; gross: before tax; transfer: the bonus alone after tax "
            "(the job moved, its grants vest on); currency: their currency (blank: net)"
        ),
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for equity in another currency)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """What leaving on leave_date forfeits: unvested equity vesting after it and a bonus not
    yet paid (in full, no pro rata), after the current job's tax or gross, in its currency.
    Example: =FORFEITED(Strategy!A103:C111, "2026-04-30", "net")
    """
    job = forfeit.current_job_from_table(current_job_table)
    chosen = (opt_text(basis, "basis", "net") or "net").strip().lower()
    if chosen not in _BASES:
        raise InvalidInputError("basis must be net, gross, transfer or currency")
    years_old, facts = personal_from(age)
    result = forfeit.forfeited(job, leave_date, fx=fx_table(rates), age=years_old, personal=facts)
    if chosen == "currency":
        return result.currency
    return {"net": result.net, "gross": result.gross, "transfer": result.bonus_net}[chosen]


MOVE_COLUMNS = (
    "job",
    "jurisdiction",
    "currency",
    "tax_year",
    "first_pay",
    "last_pay",
    "pay_months",
    "gross",
    "withheld",
    "net",
    "contributions",
    "pension_contributions",
)


@udf
def move_year(
    current_job_table: Annotated[
        Rows,
        table(f"The current job: rows of field and value ({_FIELDS}), and a row per vest: date, amount"),
    ],
    leave_date: Annotated[Cell, cell("Your last day at the current job")],
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    start_date: Annotated[
        Cell, cell("First day at the offer (blank: its start_date, else the day after leave_date)")
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for equity in another currency)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    transfer: Annotated[Cell, cell(TRANSFER_DOC)] = None,
):
    """The move by tax year and country, in its currency, with contributions: the current
    job to the day you leave, then the offer's first year (departure, arrival).
    Example: =MOVE_YEAR(Strategy!A103:C111, "2027-02-26", Offers!A1:F33, "Seattle big tech")
    """
    job = forfeit.current_job_from_table(current_job_table)
    leave = opt_date(leave_date, "leave_date")
    if leave is None:
        raise InvalidInputError("leave_date is required: your last day at the current job")
    offer = select_offer(offers_from_table(offers_table), offer_name)
    start = opt_date(start_date, "start_date") or offer.start_date or leave + dt.timedelta(days=1)
    years_old, facts = personal_from(age)
    moved = opt_bool(transfer, "transfer", offer.transfer)
    options, fx = as_options(years_old, facts), fx_table(rates)
    rows = dated_move_year(job, leave, offer, start, None, options, fx)
    abroad = country_of(offer.jurisdiction) != country_of(job.jurisdiction)
    # marked a transfer within one country (the offer's field): no vest is shared between two
    # systems; TRUE typed here asks for the sharing, and is refused by name
    if moved and (abroad or transfer not in (None, "")):
        rows += transferred_vests(job, leave, start, rows, None, options, fx)
    return rows_out(
        MOVE_COLUMNS,
        [
            [
                r.job,
                r.jurisdiction,
                r.currency,
                tax_year_label(r.jurisdiction, r.tax_year.year),
                r.tax_year.first_pay.isoformat(),
                r.tax_year.last_pay.isoformat(),
                r.tax_year.pay_months,
                r.gross,
                r.tax_year.withheld,
                r.net,
                r.tax_year.contributions,
                r.tax_year.pension,
            ]
            for r in rows
        ],
    )


BEST_START_COLUMNS = ("rank", "start_date", "leave_date", "gain", "vs_reference", "currency", "between")


def _events_text(events) -> str:
    return "; ".join(f"{kind} {day.isoformat()}" for kind, day in events)


@udf
def best_start(
    current_job_table: Annotated[
        Rows,
        table(f"The current job: rows of field and value ({_FIELDS}), and a row per vest: date, amount"),
    ],
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    from_date: Annotated[Cell, cell("The earliest start weighed (blank: the first of next month)")] = None,
    to_date: Annotated[Cell, cell("The latest start weighed (blank: 11 months after from_date)")] = None,
    basis: Annotated[
        Cell,
        cell(START_BASIS.doc("first_year: to a year after to_date; total or annualized: years after it")),
    ] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (the offer's pay in the current job's currency)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    as_of: Annotated[Cell, cell("Today, for a blank from_date (blank: today)")] = None,
    transfer: Annotated[Cell, cell(TRANSFER_DOC)] = None,
):
    """Start days ranked by take-home pay gained over staying in the current job (left the day
    before), in its currency: monthly starts and the days after its vests and bonuses.
    Example: =BEST_START(Strategy!A103:C111, Offers!A1:F33, "Seattle big tech")
    """
    job = forfeit.current_job_from_table(current_job_table)
    offer = select_offer(offers_from_table(offers_table), offer_name)
    offer = dataclasses.replace(offer, transfer=opt_bool(transfer, "transfer", offer.transfer))
    chosen = opt_setting(basis, START_BASIS).lower()
    if chosen not in START_BASES:
        raise InvalidInputError("basis must be one of " + ", ".join(START_BASES))
    horizon = opt_setting(years, YEARS)
    today = opt_date(as_of, "as_of") or dt.date.today()
    years_old, facts = personal_from(age)
    found = weigh_starts(
        job,
        offer,
        opt_date(from_date, "from_date"),
        opt_date(to_date, "to_date"),
        chosen,
        horizon,
        today,
        None,
        as_options(years_old, facts),
        fx_table(rates),
    )
    ranked = sorted(found.days, key=lambda d: (-round(d.gain, 6), d.start))
    return rows_out(
        BEST_START_COLUMNS,
        [
            [
                rank,
                d.start.isoformat(),
                (d.start - dt.timedelta(days=1)).isoformat(),
                d.gain,
                d.gain - found.reference.gain,
                found.currency,
                _events_text(found.between(d)),
            ]
            for rank, d in enumerate(ranked, start=1)
        ],
    )


SOURCING_COLUMNS = (
    "role",
    "jurisdiction",
    "first_day",
    "last_day",
    "workdays",
    "share",
    "income",
    "tax",
    "credit",
    "net_tax",
    "currency",
)


@udf
def vest_sourcing(
    amount: Annotated[Cell, cell("The vest's value at vest, in vest_currency")],
    grant_date: Annotated[Cell, cell("When the grant was made")],
    vest_date: Annotated[Cell, cell("When it vests, after the move")],
    move_date: Annotated[Cell, cell("Your first workday in the country you move to")],
    from_place: Annotated[Cell, cell("Where you worked before the move, e.g. JP-TOKYO or Tokyo")],
    to_place: Annotated[Cell, cell("Where you live and work at the vest, e.g. US-WA or London")],
    vest_currency: Annotated[Cell, cell("The vest's currency (blank: to_place's)")] = None,
    income_before: Annotated[
        Cell, cell("Other pay taxed in from_place in the vest's tax year, its currency (blank: 0)")
    ] = None,
    income_after: Annotated[
        Cell, cell("Other pay in to_place in the vest's tax year, its currency (blank: 0, the vest alone)")
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """An RSU vest across a move: its income shared by workdays, grant to vest, between two
    countries, and each one's tax on it, in its currency.
    Example: =VEST_SOURCING(40000, "2026-04-01", "2027-10-01", "2027-04-15", "Tokyo", "US-WA")
    """
    grant = opt_date(grant_date, "grant_date")
    vest = opt_date(vest_date, "vest_date")
    move = opt_date(move_date, "move_date")
    for value, name in ((grant, "grant_date"), (vest, "vest_date"), (move, "move_date")):
        if value is None:
            where = " (your first workday there: the offer's start_date)" if name == "move_date" else ""
            raise InvalidInputError(f"{name} is required{where}")
    assert grant is not None and vest is not None and move is not None
    before = opt_text(from_place, "from_place")
    after = opt_text(to_place, "to_place")
    if not before or not after:
        raise InvalidInputError("from_place and to_place are required: where you worked before and after")
    years_old, facts = personal_from(age)
    found = vest_across_border(
        opt_number(amount, "amount", low=0.0, high=MAX_AMOUNT),
        grant,
        vest,
        move,
        before,
        after,
        opt_text(vest_currency, "vest_currency"),
        None,
        opt_number(income_before, "income_before", 0.0, low=0.0, high=MAX_AMOUNT),
        opt_number(income_after, "income_after", 0.0, low=0.0, high=MAX_AMOUNT),
        as_options(years_old, facts),
        fx_table(rates),
    )
    return rows_out(
        SOURCING_COLUMNS,
        [
            [
                p.role,
                p.jurisdiction,
                p.first_day.isoformat() if p.first_day else None,
                p.last_day.isoformat() if p.last_day else None,
                p.workdays,
                p.share,
                p.income,
                p.tax,
                p.credit,
                p.net_tax,
                p.currency,
            ]
            for p in (found.source, found.residence)
        ],
    )


@udf
def social_coverage(
    from_place: Annotated[Cell, cell("Where you work now, e.g. JP-TOKYO or Tokyo")],
    to_place: Annotated[Cell, cell("Where you would work, e.g. US-WA or London")],
):
    """Social security across a move: the agreement between the two countries, whether their
    pension coverage periods combine, and the list's date and source.
    Example: =SOCIAL_COVERAGE("Tokyo", "Seattle")
    """
    before = opt_text(from_place, "from_place")
    after = opt_text(to_place, "to_place")
    if not before or not after:
        raise InvalidInputError("from_place and to_place are required: where you work now and would work")
    for name, value in (("from_place", before), ("to_place", after)):
        try:
            country_of(value)
        except UnknownJurisdictionError as exc:  # the registry's one line, named
            raise InvalidInputError(f"{name}: {exc}") from None
    found = agreement_between(before, after)
    a, b = found.countries
    if a == b:
        return rows_out(
            ("field", "value"),
            [
                ["countries", f"{a} to {b}"],
                ["coverage", "one country, one system: the months continue"],
            ],
        )
    body: list[list[Any]]
    if found.agreement is not None:
        combine = found.agreement.totalisation
        meaning = (
            "the pension coverage periods of both countries combine to qualify for each one's pension "
            "(each pays on its own periods)"
            if combine
            else "it settles which system covers you (no double contributions), but the periods do not "
            "combine: each country's pension needs its own minimum period"
        )
        body = [
            ["agreement", f"in force since {found.agreement.in_force.isoformat()}"],
            ["periods_combine", combine],
            ["means", meaning],
        ]
    elif found.status == "none":
        body = [
            ["agreement", "none"],
            ["periods_combine", False],
            ["means", "each system stands alone: contributions in each, each pension on its own periods"],
        ]
    else:
        body = [
            ["agreement", "not in this tool's data (only Japan's agreements are listed)"],
            ["periods_combine", None],
            ["means", "check the two countries' social security offices"],
        ]
    tail: list[list[Any]] = [
        ["not_modelled", "pension amounts; a posting abroad, which keeps the home system for a time"],
        ["checked", found.checked.isoformat() if found.checked else None],
        ["source", found.source or None],
    ]
    return rows_out(("field", "value"), [["countries", f"{a} to {b}"], *body, *tail])
