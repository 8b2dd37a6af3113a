"""Relocation functions: cost of living, the move, FX break-even."""

from typing import Annotated

from addin.cells import Cell, Rows, cell, opt_number, opt_setting, opt_text, rows_out, table, udf
from addin.udfs._docs import AGE_DOC, BASKET_DOC, CITY_DOC, OFFERS_DOC, RATES_DOC, YEARS_DOC
from addin.udfs.inputs import fx_table, move_inputs, personal_from
from calculators.defaults import YEARS
from calculators.errors import InvalidInputError
from calculators.offer.table import offers_from_table, select_offer
from calculators.personal import as_options
from calculators.relocation import cost_of_living as relocation
from calculators.relocation import move

__all__ = ["col_adjust", "relocation_compare", "fx_breakeven"]


@udf
def col_adjust(
    amount: Annotated[Cell, cell("Amount spent in from_city, in its currency")],
    from_city: Annotated[Cell, cell(CITY_DOC)],
    to_city: Annotated[Cell, cell(CITY_DOC)],
    basket: Annotated[Rows, table(BASKET_DOC + " (blank: household consumption overall)")] = None,
):
    """What buys the same in to_city, in to_city's currency (purchasing-power equivalent).

    Rent uses official rent statistics, the rest PPPs and regional price levels.
    Example: =COL_ADJUST(500000, "Tokyo", "Seattle", Relocation!A3:B22)
    """
    home = relocation.canonical_city(opt_text(from_city, "from_city") or "")
    dest = relocation.canonical_city(opt_text(to_city, "to_city") or "")
    value = opt_number(amount, "amount", None)
    inputs = move_inputs(basket, home.name)
    if inputs is None:
        return relocation.col_adjust(value, home, dest)
    return relocation.col_adjust(value, home, dest, inputs.basket, inputs.overrides.get(dest.key))


def _parsed(offers_table, home_city, basket):
    """The offers and the relocation inputs of the ranges (the basket is required)."""
    offers = offers_from_table(offers_table)
    inputs = move_inputs(basket, opt_text(home_city, "home_city"))
    if inputs is None:
        raise InvalidInputError("basket is required: the relocation inputs range")
    return offers, inputs


def analyse(offers_table, home_city, years, basket, rates, age=None):
    """Parse the ranges and run :func:`calculators.relocation.move.analyse_moves` (a blank
    age: the default)."""
    offers, inputs = _parsed(offers_table, home_city, basket)
    horizon = opt_setting(years, YEARS)
    options = as_options(*personal_from(age))
    results, stay = move.analyse_moves(offers, inputs, fx_table(rates), horizon, options=options)
    return offers, inputs, results, stay


@udf
def relocation_compare(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    home_city: Annotated[Cell, cell(CITY_DOC + " (blank: the basket's home_city)")] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """Each offer's move against staying: yearly averages in the home currency.

    Per offer: net, living costs, disposable, move costs, break-even month, FX risk.
    Example: =RELOCATION_COMPARE(Offers!A1:G33, "Tokyo", 4, Relocation!A3:B22)
    """
    _, inputs, results, stay = analyse(offers_table, home_city, years, basket, rates, age)
    home = inputs.basket.city.currency
    shifts = list(results[0].fx_sensitivity)  # the FX moves the calculators report, in their order
    rows = [
        [
            r.name,
            r.city,
            float(r.gross.mean() * r.fx_rate),
            float(r.net.mean() * r.fx_rate),
            float(r.basket_cost.mean() * r.fx_rate),
            float(r.disposable_home.mean()),
            r.one_time_total,
            r.break_even_month,
            float(r.clawback_exposure * r.fx_rate),
            *(r.fx_sensitivity[k] for k in shifts),
        ]
        for r in results
    ]
    rows.append(
        [
            "stay (current job)",
            inputs.basket.city.name,
            None,
            None,
            float(12 * inputs.basket.monthly),
            None if stay is None else float(stay.mean()),
            0.0,
            None,
            0.0,
            *(None for _ in shifts),
        ]
    )
    header = [
        "offer",
        "city",
        f"gross ({home})",
        f"net ({home})",
        f"basket cost ({home})",
        f"disposable ({home})",
        f"one-time costs ({home})",
        "break-even month",
        f"clawback exposure ({home})",
        *(f"FX {k}" for k in shifts),
    ]
    return rows_out(header, rows)


@udf
def fx_breakeven(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    offer_a: Annotated[Cell, cell("The offer whose currency moves, e.g. Seattle big tech")],
    offer_b: Annotated[Cell, cell("The offer it is compared with, e.g. Tokyo big tech")],
    basket: Annotated[Rows, table(BASKET_DOC)] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
):
    """FX rate (home per unit of offer_a's pay or equity currency) where two offers tie.

    On the yearly disposable surplus; all pay in that currency moves.
    Example: =FX_BREAKEVEN(Offers!A1:G33, "Seattle big tech", "Tokyo big tech", Relocation!A3:B22)
    """
    offers, inputs = _parsed(offers_table, None, basket)  # the tie search values them itself
    a = select_offer(offers, opt_text(offer_a, "offer_a"), "offer_a")
    b = select_offer(offers, opt_text(offer_b, "offer_b"), "offer_b")
    horizon = opt_setting(years, YEARS)
    code, rate = move.fx_breakeven(a, b, inputs, fx_table(rates), horizon)
    if code == inputs.basket.city.currency:
        raise InvalidInputError("no FX break-even: offer_a is paid wholly in the home currency")
    if rate is None:
        raise InvalidInputError(
            f"no FX break-even: no rate of {code} from 1/{move.FX_REACH:g} to {move.FX_REACH:g} times"
            " today's ties them"
        )
    return rate
