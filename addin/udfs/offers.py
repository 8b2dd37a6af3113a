"""Offer functions: schedule, TC, vesting, options, FX, comparison, tax years."""

import datetime as dt
from dataclasses import replace
from typing import Annotated

from addin.cells import (
    Cell,
    Rows,
    cell,
    opt_date,
    opt_field,
    opt_number,
    opt_setting,
    opt_text,
    rows_out,
    table,
    udf,
)
from addin.udfs._docs import (
    AGE_DOC,
    BASIS_DOC,
    BASKET_DOC,
    DISCOUNT_DOC,
    NAME_DOC,
    OFFER_DOC,
    OFFERS_DOC,
    RATES_DOC,
    YEARS_DOC,
    field_doc,
)
from addin.udfs.inputs import AS_OF_DOC, fx_table, settings_from
from calculators.defaults import YEARS, in_force
from calculators.errors import InvalidInputError
from calculators.offer import equity
from calculators.offer.model import COMPONENTS, OfferBatch, cash_schedule
from calculators.offer.table import as_rows, offers_from_table, select_offer
from calculators.params import DATA_DIR, load_parameters
from calculators.places import tax_year_label
from calculators.valuation.compare import compare_offers, metric
from calculators.valuation.dated import default_start, offer_tax_years

# The UDF names here are listed again in addin/udfs/__init__.py's __all__, deliberately: the
# package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = [
    "offer_schedule",
    "offer_tc",
    "vest_schedule",
    "option_value",
    "fx_convert",
    "offer_compare",
    "tax_years",
]

_ASSUMPTIONS = DATA_DIR / "assumptions.yaml"


def _one_offer(offer, offer_name):
    return select_offer(offers_from_table(offer), offer_name)


# the as_of argument of the ranking functions: the dated model, off when blank


@udf
def offer_schedule(
    offer: Annotated[Rows, table(OFFER_DOC)],
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    price_growth: Annotated[Cell, cell("Yearly share-price change, 0.1 = +10 % (blank: the offer's)")] = None,
    fx: Annotated[
        Cell, cell("Multiply every amount by this rate, e.g. 150 for USD to JPY (blank: 1)")
    ] = None,
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for equity in another currency than the pay)")] = None,
):
    """Year-by-year cash of one offer: base, bonus, sign-on, equity, options, benefits, total.

    Spills a table with a header row, in the offer's currency times fx.
    Example: =OFFER_SCHEDULE(Offers!A1:B32, 4)
    """
    chosen = _one_offer(offer, offer_name)
    horizon = opt_setting(years, YEARS)
    if price_growth is not None:
        chosen = replace(chosen, price_growth=opt_field(price_growth, "price_growth", "price_growth"))
    factor = opt_number(fx, "fx", 1.0, low=0.0)
    sched = cash_schedule(OfferBatch.from_offers([chosen], fx_table(rates)), horizon)
    names = (*COMPONENTS, "total")
    rows = [[k + 1, *(float(sched[c][0, k]) * factor for c in names)] for k in range(horizon)]
    return rows_out(["year", *names], rows)


@udf
def offer_tc(
    offer: Annotated[Rows, table(OFFER_DOC)],
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC + " (needed by the disposable bases)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for pay in a currency not the jurisdiction's)")] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Total compensation of one offer on a basis, in the offer's own currency.

    net_*: after income tax and employee contributions; disposable_*: also after living
    costs (basket) and the move. Example: =OFFER_TC(Offers!A1:B32, "npv", 4, 0.05)
    """
    chosen = _one_offer(offer, offer_name)
    settings = settings_from([chosen], basis, None, years, discount_rate, rates, basket, age, as_of)
    return float(metric([chosen], settings).amounts[0])


@udf
def vest_schedule(
    grant: Annotated[Cell, cell("Total grant value (or number of shares)")],
    schedule: Annotated[Cell, cell("Yearly vest percentages, e.g. 25/25/25/25 or 5/15/40/40")] = None,
    cliff_months: Annotated[Cell, cell(field_doc("Months before the first vest", "rsu_cliff_months"))] = None,
    frequency: Annotated[
        Cell, cell(field_doc("monthly, quarterly or annual after the cliff", "rsu_frequency"))
    ] = None,
    years: Annotated[
        Cell, cell(f"Only the first N years, {YEARS.range_text()} (blank: the whole schedule)")
    ] = None,
):
    """Vest dates of a grant: month after start, fraction of the grant, amount.

    Example: =VEST_SCHEDULE(400000, "33/33/22/12", 12, "quarterly")
    """
    amount = opt_field(grant, "grant", "rsu_grant", default=None)
    horizon = None if years is None else opt_setting(years, YEARS)
    cliff = opt_field(cliff_months, "cliff_months", "rsu_cliff_months")
    events = equity.vest_events(
        amount,
        opt_text(schedule, "schedule"),
        cliff,
        opt_text(frequency, "frequency"),
        horizon,
    )
    return rows_out(["period", "fraction", "amount"], events)


@udf
def option_value(
    shares: Annotated[Cell, cell("Number of options")],
    strike: Annotated[Cell, cell("Strike price per share")],
    price: Annotated[Cell, cell("Current price per share (409A / preferred)")],
    dilution: Annotated[
        Cell, cell(field_doc("New shares per existing share each yearly round, 0.2 = 20 %", "dilution"))
    ] = None,
    exit_probability: Annotated[
        Cell, cell(field_doc("Chance of a liquidity event", "exit_probability"))
    ] = None,
    exit_multiple: Annotated[
        Cell, cell(field_doc("Company value at exit over today's", "exit_multiple"))
    ] = None,
):
    """Expected value of stock options and the spread of a seeded Monte Carlo.

    Spills measure / value rows: expected_value, mc_mean, p10, p50, p90, prob_zero.
    Example: =OPTION_VALUE(40000, 1, 4, 0.2, 0.3, 1)
    """
    # The valuation has no date of its own (it is of the options as they stand), so the
    # modelling assumptions are read as last dated: a revised assumption applies at once.
    assumptions = load_parameters(_ASSUMPTIONS)
    result = equity.option_value(
        opt_field(shares, "shares", "option_shares", default=None),
        opt_field(strike, "strike", "option_strike", default=None),
        opt_field(price, "price", "option_price", default=None),
        opt_field(dilution, "dilution", "dilution"),
        opt_field(exit_probability, "exit_probability", "exit_probability"),
        opt_field(exit_multiple, "exit_multiple", "exit_multiple"),
        years=float(in_force(assumptions["option_exit_years"])),
        volatility=float(in_force(assumptions["option_exit_volatility"])),
        paths=int(in_force(assumptions["option_monte_carlo_paths"])),
    )
    measures = ("expected_value", "mc_mean", "p10", "p50", "p90", "prob_zero")
    return rows_out(["measure", "value"], [[m, getattr(result, m)] for m in measures])


@udf
def fx_convert(
    amount: Annotated[Rows, table("Amount, or a range of amounts (a range gives a range of the same shape)")],
    from_currency: Annotated[Cell, cell("ISO code of the amount, e.g. USD")],
    to_currency: Annotated[Cell, cell("ISO code to convert to, e.g. JPY")],
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    as_of: Annotated[Cell, cell("Date of the shipped table to use (blank: the latest)")] = None,
):
    """Convert an amount between currencies with a dated rate table.

    A range of amounts gives a range of the same shape, blanks left blank.
    Example: =FX_CONVERT(185000, "USD", "JPY", Params!A19:B27)
    """
    fx = fx_table(rates, as_of)
    src = opt_text(from_currency, "from_currency")
    dst = opt_text(to_currency, "to_currency")
    if src is None or dst is None:
        raise InvalidInputError("from_currency and to_currency are required")
    if isinstance(amount, list):
        grid = as_rows(amount, "amount")
        return [
            [None if v is None else float(fx.convert(opt_number(v, "amount"), src, dst)) for v in row]
            for row in grid
        ]
    return float(fx.convert(opt_number(amount, "amount"), src, dst))


@udf
def offer_compare(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    home_currency: Annotated[Cell, cell("Currency to rank in, e.g. JPY (blank: the first offer's)")] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC + " (needed by the disposable bases)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Offers ranked on a basis in one home currency, best first.

    Spills: rank, offer, company, jurisdiction, currency, local value, home value,
    gap to best, fx rate. Example: =OFFER_COMPARE(Offers!A1:F32, "npv", "JPY", 4, 0.05)
    """
    offers = offers_from_table(offers_table)
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age, as_of)
    ranked = compare_offers(offers, settings)
    header = [
        "rank",
        "offer",
        "company",
        "jurisdiction",
        "currency",
        "local value",
        "home value",
        "gap to best",
        "fx rate",
    ]
    return rows_out(
        header,
        [
            [
                r.rank,
                r.name,
                r.company,
                r.jurisdiction,
                r.currency,
                r.value_local,
                r.value_home,
                r.gap_to_best_home,
                r.fx_rate,
            ]
            for r in ranked
        ],
    )


@udf
def tax_years(
    offer: Annotated[Rows, table(OFFER_DOC)],
    start_date: Annotated[
        Cell, cell("First day of work (blank: the offer's start_date, else the first of next month)")
    ] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for pay in a currency not the jurisdiction's)")] = None,
    as_of: Annotated[Cell, cell("Today, for a blank start date (blank: today)")] = None,
    moving_from: Annotated[
        Cell, cell("Where you are resident now, e.g. JP-TOKYO: from abroad, the first tax year is an arrival")
    ] = None,
):
    """One offer's pay by tax year from its start: tax year, first and last pay day, months,
    gross, withheld, net (a month counts in the tax year of its pay day, its last day).
    Example: =TAX_YEARS(Offers!A1:B32, "2027-10-01", 4)
    """
    chosen = _one_offer(offer, offer_name)
    settings = settings_from([chosen], None, None, years, None, rates, None, age)
    today = opt_date(as_of, "as_of") or dt.date.today()
    start = opt_date(start_date, "start_date") or chosen.start_date or default_start(today)
    found = offer_tax_years(
        chosen,
        start,
        settings.years,
        None,
        settings.tax_options(),
        settings.table(),
        opt_text(moving_from, "moving_from"),
    )
    rows = [
        [
            tax_year_label(chosen.jurisdiction, t.year),
            t.first_pay.isoformat(),
            t.last_pay.isoformat(),
            t.pay_months,
            t.gross,
            t.withheld,
            t.net,
        ]
        for t in found
    ]
    return rows_out(["tax_year", "first_pay", "last_pay", "pay_months", "gross", "withheld", "net"], rows)
