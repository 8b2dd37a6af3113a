"""Negotiation functions: market position, counter-offers, target gap, impact, the ask.

The rules (the floor, the market city, which rows compare) are
:mod:`calculators.negotiation`'s; these functions convert cells in and rows out.
A function whose ``as_of`` is blank reads today's date: it is marked
:data:`READS_TODAY` so the server's result cache keeps its result for the day only.
"""

import datetime as dt
import functools
from typing import Annotated

from addin.cells import Cell, Rows, cell, opt_bool, opt_date, opt_number, opt_text, rows_out, table, udf
from addin.messages import say
from addin.udfs._docs import AGE_DOC, BASIS_DOC, BASKET_DOC, DISCOUNT_DOC, OFFERS_DOC, RATES_DOC, YEARS_DOC
from addin.udfs.inputs import AS_OF_DOC, fx_table, settings_from
from calculators import market, negotiation
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.fx import as_date
from calculators.negotiation import ASK_MEASURES
from calculators.offer.table import as_rows, offers_from_table, select_offer

# The UDF names here are listed again in addin/udfs/__init__.py's __all__, deliberately: the
# package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = [
    "market_percentile",
    "market_band",
    "counter_offer",
    "target_gap",
    "impact_value",
    "negotiation_ask",
    "negotiation_advice",
    "market_tc",
    "offer_timeline",
    "market_filters",
    "COUNTER_OUTPUTS",
    "ASK_MEASURES",
    "ADVICE_MEASURES",
    "READS_TODAY",
]

MARKET_DOC = (
    "Market range: a header row (company, title, level, location, years_experience, base, "
    "stock_per_year, bonus, total, currency, date, source), then one row per data point"
)
COUNTER_OUTPUTS = ("increase", "new_value", "value", "batna", "batna_name", "lead", "before")
# The functions that read today's date when their as_of is blank (see _as_of).
READS_TODAY = (
    "market_percentile",
    "market_band",
    "negotiation_ask",
    "negotiation_advice",
    "offer_timeline",
    "tax_years",
    "best_start",
)
# What NEGOTIATION_ADVICE gives, in this order (the brief's ask; TC and base in the offer's currency)
ADVICE_MEASURES = ("ask_tc", "ask_base", "low", "high", "to_beat_tc", "can_win")


def _blank(value):
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return False


def market_filters(location, level, min_years, max_years, since):
    """Filters from cell values (blank: no filter)."""
    day = None
    if not _blank(since):
        value = since[0][0] if isinstance(since, list) and isinstance(since[0], list) else since
        if isinstance(value, list):
            value = value[0]
        try:
            day = as_date(value)
        except InvalidInputError:
            raise InvalidInputError("since must be a date (YYYY-MM-DD)") from None
    return market.Filters(
        location=opt_text(location, "location"),
        level=opt_text(level, "level"),
        min_years=None if _blank(min_years) else opt_number(min_years, "min_years", low=0.0),
        max_years=None if _blank(max_years) else opt_number(max_years, "max_years", low=0.0),
        since=day,
    )


def _market(market_table, currency, rates, field="currency"):
    if _blank(market_table):
        raise InvalidInputError("market table is empty: give a header row and data rows")
    rows = as_rows(market_table, "market")
    code = opt_text(currency, field)
    return market.market_from_rows(rows, code, fx_table(rates) if code else None)


def _as_of(as_of):
    """The as-of date from a cell; blank is today (the functions doing this: READS_TODAY)."""
    if _blank(as_of):
        return dt.date.today()
    value = as_of[0][0] if isinstance(as_of, list) else as_of
    try:
        return as_date(value)
    except InvalidInputError:
        raise InvalidInputError("as_of must be a date (YYYY-MM-DD)") from None


def _stat_rows(stat):
    rows = [[k, v] for k, v in stat.values.items()]
    rows += [
        ["n", stat.n],
        ["currency", stat.currency or ""],
        ["method", stat.method],
        ["warnings", "; ".join(say(w) for w in stat.warnings) or "none"],
    ]
    return rows_out(["measure", "value"], rows)


_FILTER_DOCS = {
    "location": "Keep rows of this location (several: Tokyo|Yokohama) (blank: all)",
    "level": "Keep rows of this level, e.g. L5|Senior (blank: all)",
    "min_years": "Least years of experience (blank: no limit)",
    "max_years": "Most years of experience (blank: no limit)",
    "since": "Keep rows dated on or after this date (blank: all)",
}


@udf
def market_percentile(
    pay: Annotated[Cell, cell("Your pay on the market's definition: base + yearly stock + target bonus")],
    market_table: Annotated[Rows, table(MARKET_DOC)],
    # location to as_of: the same filters as MARKET_BAND's, deliberately (an Excel function
    # states each argument in its own signature; the help is shared through _FILTER_DOCS)
    location: Annotated[Cell, cell(_FILTER_DOCS["location"])] = None,
    level: Annotated[Cell, cell(_FILTER_DOCS["level"])] = None,
    min_years: Annotated[Cell, cell(_FILTER_DOCS["min_years"])] = None,
    max_years: Annotated[Cell, cell(_FILTER_DOCS["max_years"])] = None,
    since: Annotated[Cell, cell(_FILTER_DOCS["since"])] = None,
    pay_currency: Annotated[
        Cell, cell("Currency of pay; rows in others are converted (blank: the rows')")
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    as_of: Annotated[Cell, cell("Date the staleness warning counts from (blank: today)")] = None,
):
    """Where a pay figure stands among comparable market rows, 0 to 100 (PERCENTRANK.INC).

    Spills measure / value rows: percentile, n, currency, method, warnings.
    Example: =MARKET_PERCENTILE(19100000, Market!A4:L184, "Tokyo", "L5", , , , "JPY", Params!A19:B27)
    """
    number = opt_number(pay, "pay")
    data = _market(market_table, pay_currency, rates, "pay_currency")
    stat = market.percentile_of(
        number, data, market_filters(location, level, min_years, max_years, since), _as_of(as_of)
    )
    return _stat_rows(stat)


@udf
def market_band(
    market_table: Annotated[Rows, table(MARKET_DOC)],
    percentiles: Annotated[
        Rows, table("Percentiles to read, a row or column of numbers 0-100 (blank: 25, 50, 75, 90)")
    ] = None,
    # location to as_of: the same filters as MARKET_PERCENTILE's, deliberately (see there)
    location: Annotated[Cell, cell(_FILTER_DOCS["location"])] = None,
    level: Annotated[Cell, cell(_FILTER_DOCS["level"])] = None,
    min_years: Annotated[Cell, cell(_FILTER_DOCS["min_years"])] = None,
    max_years: Annotated[Cell, cell(_FILTER_DOCS["max_years"])] = None,
    since: Annotated[Cell, cell(_FILTER_DOCS["since"])] = None,
    band_currency: Annotated[
        Cell, cell("Currency to state the band in; rows in others are converted")
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    as_of: Annotated[Cell, cell("Date the staleness warning counts from (blank: today)")] = None,
):
    """The pay band of comparable market rows: p25 / p50 / p75 / p90, n and warnings.

    TC: base + yearly stock + bonus; Excel's PERCENTILE.INC. Spills measure / value rows.
    Example: =MARKET_BAND(Market!A4:L184, , "Tokyo", "L5", , , , "JPY", Params!A19:B27)
    """
    ps: tuple[float, ...] = market.BAND_PERCENTILES
    if not _blank(percentiles):
        ps = tuple(
            opt_number(v, "percentiles", low=0.0, high=100.0)
            for row in as_rows(percentiles, "percentiles")
            for v in row
            if not _blank(v)
        )
    data = _market(market_table, band_currency, rates, "band_currency")
    stat = market.band(data, market_filters(location, level, min_years, max_years, since), ps, _as_of(as_of))
    return _stat_rows(stat)


def _margin(margin):
    try:
        return opt_number(margin, "margin", 0.0, low=0.0)
    except InvalidInputError:
        raise InvalidInputError("margin must be a number, 0 or more (home currency)") from None


@udf
def counter_offer(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_name: Annotated[Cell, cell("The offer to counter (its column name or company)")],
    component: Annotated[
        Cell,
        cell(
            "base_salary, sign_on, rsu_grant or bonus_target (blank: base_salary); the "
            "raise is in whole units of the offer's currency, for bonus_target of the "
            "yearly target bonus amount"
        ),
    ] = None,
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    margin: Annotated[Cell, cell("How much more than the best alternative, home currency (blank: 0)")] = None,
    basket: Annotated[
        Rows,
        table(
            BASKET_DOC + " (holds current_base_salary: the current job as an "
            "alternative; needed by the disposable bases)"
        ),
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    home_currency: Annotated[
        Cell, cell("Currency the offers are compared in (blank: the first offer's)")
    ] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    limit: Annotated[
        Cell, cell("Most the component may become, e.g. the employer's cap (blank: none)")
    ] = None,
    report: Annotated[
        Cell, cell("What to return: increase (default), new_value, value, batna, batna_name, lead or before")
    ] = None,
    if_unreachable: Annotated[
        Cell,
        cell(
            'Shown when no raise of this component can win, e.g. "out of reach" '
            "(blank: a #VALUE! message saying why)"
        ),
    ] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Smallest raise of one component that makes the offer beat its best alternative.

    The alternative (BATNA): the best other offer or the current job. 0 if it wins.
    Example: =COUNTER_OFFER(Offers!A1:G33, "Seattle big tech", "sign_on", "net_annualized")
    """
    offers = offers_from_table(offers_table)
    chosen = select_offer(offers, offer_name)
    name = negotiation.check_component(opt_text(component, "component", "base_salary"))
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age, as_of)
    what = (opt_text(report, "report", "increase") or "increase").lower()
    if what not in COUNTER_OUTPUTS:
        raise InvalidInputError("report must be one of " + ", ".join(COUNTER_OUTPUTS))
    cap = None if _blank(limit) else opt_number(limit, "limit", low=0.0)
    if what in ("batna", "batna_name", "lead", "before"):
        rows, _ = negotiation.standings(offers, settings)
        row = rows[offers.index(chosen)]
        return {
            "batna": row.batna_home,
            "batna_name": row.batna_name,
            "lead": row.lead,
            "before": row.value_home,
        }[what]
    fallback = None if _blank(if_unreachable) else if_unreachable
    try:
        result = negotiation.counter_offer(offers, chosen, name, settings, _margin(margin), cap)
    except NoSolutionError:
        if fallback is None:
            raise
        return fallback
    return {"increase": result.increase, "new_value": result.new_value, "value": result.value_home}[what]


@udf
def target_gap(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    target: Annotated[Cell, cell("Your income target a year, in the home currency")],
    home_currency: Annotated[
        Cell, cell("Home currency of the target, e.g. JPY (blank: the first offer's)")
    ] = None,
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC + " (needed by the disposable bases)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Each offer's distance from your income target on a basis, in the home currency.

    Spills: offer, value, target, gap (value - target), share of target.
    Example: =TARGET_GAP(Offers!A1:G33, 17000000, "JPY", "net_annualized")
    """
    offers = offers_from_table(offers_table)
    goal = opt_number(target, "target", low=0.0)
    if goal <= 0:
        raise InvalidInputError("target must be a positive number (home currency a year)")
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age, as_of)
    rows = negotiation.target_gap(offers, goal, settings)
    return rows_out(
        ["offer", "value", "target", "gap", "share of target"], [[n, v, goal, g, s] for n, v, g, s in rows]
    )


@udf
def impact_value(
    volume: Annotated[Cell, cell("How many times a year it counts: requests, devices, runs")],
    measure_before: Annotated[Cell, cell("The measure before your work, e.g. 80 (ms)")],
    measure_after: Annotated[Cell, cell("The measure after, e.g. 15 (ms)")],
    unit_value: Annotated[Cell, cell("What one unit of change is worth each time, in money")],
    higher_is_better: Annotated[
        Cell, cell("TRUE (or yes) when a higher measure is better, e.g. accuracy (blank: lower is better)")
    ] = None,
):
    """Yearly business value of an improvement: volume x (before - after) x unit_value.

    Example: =IMPACT_VALUE(2000000000, 80, 15, 0.002) for 2e9 inferences a year, 65 ms saved
    each, worth 0.002 a millisecond.
    """
    up = opt_bool(higher_is_better, "higher_is_better")
    return negotiation.impact_value(
        opt_number(volume, "volume", low=0.0),
        opt_number(measure_before, "measure_before"),
        opt_number(measure_after, "measure_after"),
        opt_number(unit_value, "unit_value", low=0.0),
        up,
    )


# NEGOTIATION_ASK and NEGOTIATION_ADVICE share their first twelve arguments, in the same order
# and with the same help, on purpose (a parallel, not a copy to merge): Excel's Function Wizard
# shows each function's own list, and a user moving from one to the other keeps their ranges.
@udf
def negotiation_ask(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_name: Annotated[Cell, cell("The offer (its column name or company)")],
    market_table: Annotated[Rows, table(MARKET_DOC)],
    walk_away: Annotated[
        Cell,
        cell(
            "The least you accept on the basis, home currency (blank: the BATNA); "
            "target and anchor are never below the larger of this and the BATNA"
        ),
    ] = None,
    scarcity_premium: Annotated[
        Cell, cell("How far above the band rare skills justify, 0.1 = 10 % (blank: 0)")
    ] = None,
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    margin: Annotated[Cell, cell("How much more than the best alternative, home currency (blank: 0)")] = None,
    basket: Annotated[Rows, table(BASKET_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    home_currency: Annotated[
        Cell, cell("Currency the offers are compared in (blank: the first offer's)")
    ] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    level: Annotated[Cell, cell(_FILTER_DOCS["level"])] = None,
    location: Annotated[Cell, cell("Market location of this offer (blank: the offer's city)")] = None,
    as_of: Annotated[Cell, cell("Date the staleness warning counts from (blank: today)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    calendar: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Counter-based ask: floor (larger of walk-away and BATNA), counter, target, anchor.

    target = max(counter, p75 x (1 + premium)); anchor = max(target, p90 x (1 + premium)).
    Example: =NEGOTIATION_ASK(Offers!A1:G33, "Seattle big tech", Market!A4:L184)
    """
    offers = offers_from_table(offers_table)
    chosen = select_offer(offers, offer_name)
    day = opt_date(calendar, "calendar")
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age, day)
    result = negotiation.ask_for(
        offers,
        chosen,
        settings,
        None if _blank(market_table) else as_rows(market_table, "market"),
        None if _blank(walk_away) else opt_number(walk_away, "walk_away", low=0.0),
        opt_number(scarcity_premium, "scarcity_premium", 0.0, 0.0, 1.0, percent=True),
        _margin(margin),
        opt_text(level, "level"),
        opt_text(location, "location"),
        _as_of(as_of),
    )
    values = result.measures(chosen)
    return rows_out(["measure", "value"], [[k, values[k]] for k in ASK_MEASURES])


def _frozen(value):
    """A cell value or range as a key: a range's rows become tuples."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _types(value):
    """The types of a key's values, nested as the key is: True and 1 are one key otherwise."""
    if isinstance(value, tuple):
        return tuple(_types(v) for v in value)
    return type(value).__name__


def _thawed(value):
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


# One brief for every NEGOTIATION_ADVICE cell of a workbook: each cell asks for one offer's
# line of the same brief, which was computed once per cell before (five times per recalc of
# the example).  The key is the cells' values and the as-of date (a blank one is today), so a
# changed cell or a new day computes it again; the brief is not changed by its readers.
@functools.lru_cache(maxsize=8)
def _cached_brief(types, *key):
    """:func:`_brief`, kept for the last eight keys; ``types`` keeps TRUE apart from 1."""
    return _brief(*key)


def _brief(
    offers_table, market_table, walk_away, scarcity_premium, basis, margin,
    basket, rates, home_currency, years, discount_rate, level, leverage, age, as_of, calendar=None,
):  # fmt: skip
    offers_table, market_table, basket, rates, leverage, age = map(
        _thawed, (offers_table, market_table, basket, rates, leverage, age)
    )
    offers = offers_from_table(offers_table)
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age, calendar)
    cite = {}
    for row in [] if _blank(leverage) else as_rows(leverage, "leverage"):
        if row and row[0] not in (None, ""):
            how = opt_text(row[1] if len(row) > 1 else None, "leverage")
            cite[str(row[0]).strip()] = (how or "none").lower()
    strategy = negotiation.Strategy(
        as_of=as_of,
        walk_away=None if _blank(walk_away) else opt_number(walk_away, "walk_away", low=0.0),
        margin=_margin(margin),
        scarcity_premium=opt_number(scarcity_premium, "scarcity_premium", 0.0, 0.0, 1.0, percent=True),
        market_level=opt_text(level, "level"),
        leverage=cite,
    )
    brief = negotiation.negotiation_brief(
        offers, settings, strategy, [] if _blank(market_table) else as_rows(market_table, "market")
    )
    return offers, brief


# NEGOTIATION_ASK's first twelve arguments, in the same order (see the note above it).
@udf
def negotiation_advice(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_name: Annotated[Cell, cell("The offer (its column name or company)")],
    market_table: Annotated[Rows, table(MARKET_DOC)],
    walk_away: Annotated[
        Cell, cell("The least you accept on the basis, home currency (blank: none set)")
    ] = None,
    scarcity_premium: Annotated[
        Cell, cell("How far above the band rare skills justify, 0.1 = 10 % (blank: 0)")
    ] = None,
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    margin: Annotated[Cell, cell("How much more than the best alternative, home currency (blank: 0)")] = None,
    basket: Annotated[Rows, table(BASKET_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    home_currency: Annotated[
        Cell, cell("Currency the offers are compared in (blank: the first offer's)")
    ] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    level: Annotated[Cell, cell(_FILTER_DOCS["level"])] = None,
    as_of: Annotated[Cell, cell("Date the staleness warning counts from (blank: today)")] = None,
    leverage: Annotated[
        Rows, table("How each offer may be cited: offer, then name, figures or none (blank: none)")
    ] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    calendar: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """The brief's ask for one offer: ask TC and base, market range, the TC that beats the
    best alternative, can win (yes or no; amounts in the offer currency).

    Example: =NEGOTIATION_ADVICE(Offers!A1:G33, "Seattle big tech", Market!A4:L184, , 0.1)
    """
    key = tuple(
        _frozen(v)
        for v in (offers_table, market_table, walk_away, scarcity_premium, basis, margin)
        + (basket, rates, home_currency, years, discount_rate, level, leverage, age)
    ) + (_as_of(as_of), opt_date(calendar, "calendar"))
    try:
        hash(key)
    except TypeError:  # a value no cell holds; computed without the cache
        offers, brief = _brief(*key)
    else:
        offers, brief = _cached_brief(_types(key), *key)
    chosen = select_offer(offers, offer_name)
    a = next(c.advice for c in brief.companies if c.name == chosen.name)
    if a is None:  # every company of a brief has its advice; a guard, not a case
        raise InvalidInputError(f"no ask for {chosen.name}")
    values = {
        "ask_tc": a.ask_tc,
        "ask_base": a.ask_base,
        "low": a.low,
        "high": a.high,
        "to_beat_tc": a.to_beat_tc,
        # text, not TRUE/FALSE: a spreadsheet that cannot call the function (LibreOffice)
        # shows a stored TRUE/FALSE result as #NAME?, a stored text as it is
        "can_win": "yes" if a.can_win else "no",
    }
    return rows_out(["measure", "value"], [[k, values[k]] for k in ADVICE_MEASURES])


@udf
def market_tc(
    offer: Annotated[
        Rows,
        table(
            "Offer range: field names in the first column, the offer's values in the next "
            "(as on the Offers sheet)"
        ),
    ],
    offer_name: Annotated[Cell, cell("Which offer column to use when the range holds several")] = None,
):
    """An offer's TC on the market's definition: base + target bonus + RSU grant / vest years.

    No sign-on, refreshers, options or benefits: the figure to compare with market rows.
    Example: =MARKET_TC(Offers!A1:G33, "Tokyo big tech")
    """
    return market.offer_market_tc(select_offer(offers_from_table(offer), offer_name))


@udf
def offer_timeline(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    as_of: Annotated[Cell, cell("Today, for the days left (blank: today)")] = None,
    expected: Annotated[Rows, table("Offers still to come: name, expected date (blank: none)")] = None,
):
    """Deadlines and start dates, earliest deadline first, flagging lost leverage.

    Flagged when it expires before an expected or another offer ("ok": nothing lost).
    Example: =OFFER_TIMELINE(Offers!A1:G33, "2026-12-01", Strategy!A40:B41)
    """
    offers = offers_from_table(offers_table)
    pending = []
    if not _blank(expected):
        for row in as_rows(expected, "expected"):
            if _blank(row):
                continue
            if len(row) < 2 or _blank(row[0]):
                raise InvalidInputError("expected must be two columns: name, date")
            try:
                day = as_date(row[1])
            except InvalidInputError:
                day = None
            if day is None:  # as the calculator refuses a blank date
                raise InvalidInputError("expected: the date must be a date (YYYY-MM-DD)")
            pending.append((str(row[0]), day))
    rows = negotiation.timeline(offers, _as_of(as_of), pending)
    return rows_out(
        ["offer", "deadline", "start date", "days left", "flag"],
        [
            [
                e.name,
                e.deadline.isoformat() if e.deadline else None,
                e.start_date.isoformat() if e.start_date else None,
                e.days_left,
                say(e.flag) if e.flag is not None else "ok",
            ]
            for e in rows
        ],
    )
