"""Component functions: what one component is worth in another, the make-whole sign-on and
the clawback owed back when leaving early."""

from typing import Annotated

import calculators.offer.clawback as clawback_terms
import calculators.valuation.equivalent as exchange
from addin.cells import Cell, Rows, cell, opt_number, opt_setting, opt_text, table, udf
from addin.udfs._docs import (
    AGE_DOC,
    BASIS_DOC,
    BASKET_DOC,
    DISCOUNT_DOC,
    NAME_DOC,
    OFFER_DOC,
    RATES_DOC,
    YEARS_DOC,
)
from addin.udfs.inputs import AS_OF_DOC, settings_from
from calculators.offer.model import MAX_AMOUNT
from calculators.offer.table import offers_from_table, select_offer

# The UDF names here are listed again in addin/udfs/__init__.py's __all__, deliberately: the
# package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = ["component_equivalent", "make_whole", "clawback_due"]

_COMPONENTS = ", ".join(exchange.EQUIVALENT_COMPONENTS)


def _one_offer(offer, offer_name):
    return select_offer(offers_from_table(offer), offer_name)


@udf
def component_equivalent(
    offer: Annotated[Rows, table(OFFER_DOC)],
    from_component: Annotated[
        Cell, cell(f"The component given: {_COMPONENTS} (bonus_target: its yearly amount)")
    ],
    to_component: Annotated[Cell, cell("The component to express it in, from the same list")],
    amount: Annotated[Cell, cell("How much more of from_component, in the offer's currency")],
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC + " (needed by the disposable bases)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for pay in a currency not the jurisdiction's)")] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """The amount of to_component worth what amount of from_component adds on the basis
    (net_...: after tax, solved), in whole units of the offer's currency.
    Example: =COMPONENT_EQUIVALENT(Offers!A1:B32, "base_salary", "sign_on", 1000000, "net_annualized")
    """
    chosen = _one_offer(offer, offer_name)
    settings = settings_from([chosen], basis, None, years, discount_rate, rates, basket, age, as_of)
    given = opt_number(amount, "amount", low=0.0, high=MAX_AMOUNT)
    result = exchange.component_equivalent(
        chosen,
        opt_text(from_component, "from_component") or "",
        opt_text(to_component, "to_component") or "",
        given,
        settings,
    )
    return result.equivalent


@udf
def make_whole(
    offer: Annotated[Rows, table(OFFER_DOC)],
    forfeited: Annotated[Cell, cell("What leaving your job gives up (unvested stock, bonus), after its tax")],
    basis: Annotated[
        Cell,
        cell(
            f"net_... or disposable_...: after this offer's year-1 tax; a gross basis: before tax "
            f"(blank: {exchange.MAKE_WHOLE_BASIS})"
        ),
    ] = None,
    forfeited_currency: Annotated[Cell, cell("ISO code of forfeited, e.g. JPY (blank: the offer's)")] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
    transfer_forfeited: Annotated[
        Cell,
        cell(
            "What leaving forfeits when the offer's transfer is TRUE (its grants vest on): "
            'FORFEITED(...,"transfer") (blank: forfeited)'
        ),
    ] = None,
    as_of: Annotated[Cell, cell(AS_OF_DOC)] = None,
):
    """Extra year-1 sign-on (gross, offer's currency) that nets the forfeited amount after
    this offer's tax, to within one unit.
    Example: =MAKE_WHOLE(Offers!A1:B32, 3000000, "net_first_year")
    """
    chosen = _one_offer(offer, offer_name)
    chosen_basis = opt_text(basis, "basis", exchange.MAKE_WHOLE_BASIS)
    settings = settings_from([chosen], chosen_basis, None, None, None, rates, None, age, as_of)
    lost = opt_number(forfeited, "forfeited", low=0.0, high=MAX_AMOUNT)
    if chosen.transfer:  # the grants keep vesting: only what a transfer forfeits is replaced
        lost = opt_number(transfer_forfeited, "transfer_forfeited", lost, low=0.0, high=MAX_AMOUNT)
    code = opt_text(forfeited_currency, "forfeited_currency")
    return exchange.make_whole(chosen, lost, settings, code).sign_on


@udf
def clawback_due(
    offer: Annotated[Rows, table(OFFER_DOC)],
    months_worked: Annotated[
        Cell,
        cell(
            f"Months worked before leaving, {clawback_terms.MONTHS_WORKED.range_text()} "
            "(fractions count pro rata)"
        ),
    ],
    offer_name: Annotated[Cell, cell(NAME_DOC)] = None,
):
    """Sign-on and relocation owed back when leaving after months_worked months: pro rata
    over clawback_months, 0 from its end (offer's currency, gross).
    Example: =CLAWBACK_DUE(Offers!A1:B32, 9)
    """
    chosen = _one_offer(offer, offer_name)
    return clawback_terms.clawback_due(chosen, opt_setting(months_worked, clawback_terms.MONTHS_WORKED))
