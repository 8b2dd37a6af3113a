"""Cell values to calculator inputs, shared by the UDF modules and the brief.

The FX table, the relocation inputs and the comparison settings are made here once, so no
UDF module imports another's helpers (and none imports another in a cycle).
"""

from __future__ import annotations

from typing import Any

from addin.cells import opt_setting, opt_text
from calculators.defaults import AGE, BASIS, DISCOUNT_RATE, YEARS
from calculators.fx import FxTable, shipped_table
from calculators.offer.table import as_rows
from calculators.relocation import move
from calculators.valuation.compare import Settings, home_currency

__all__ = ["age_from", "fx_table", "move_inputs", "settings_from"]


def fx_table(rates: Any, as_of: Any = None) -> FxTable:
    """The FX table from a rates range, or the shipped table (at ``as_of``) when it is blank."""
    if rates is None or (isinstance(rates, list) and all(c is None for r in rates for c in r)):
        return shipped_table(as_of)
    return FxTable.from_rows(as_rows(rates, "rates"))


def move_inputs(basket: Any, home_city: Any = None) -> move.MoveInputs | None:
    """Relocation inputs from a basket range, or ``None`` when the range is blank."""
    if basket is None:
        return None
    rows = as_rows(basket, "basket")
    if all(c is None or (isinstance(c, str) and not c.strip()) for r in rows for c in r):
        return None
    return move.move_inputs_from_rows(rows, home_city)


def age_from(age: Any) -> int | None:
    """Your age from a cell: ``None`` for a blank (``AGE``'s default then applies), else
    checked as ``AGE`` checks it (each jurisdiction checks the ages it models)."""
    if age is None or (isinstance(age, str) and not age.strip()):
        return None
    return opt_setting(age, AGE)


def settings_from(
    offers: Any,
    basis: Any,
    currency: Any,
    years: Any,
    discount_rate: Any,
    rates: Any,
    basket: Any,
    age: Any = None,
) -> Settings:
    """Comparison settings from cell values (shared by the comparison and negotiation UDFs);
    blanks take the defaults of ``calculators.defaults``, the home currency the first offer's
    (a blank age: ``AGE``'s default, each jurisdiction checking the ages it models)."""
    return Settings(
        age=age_from(age),
        basis=opt_setting(basis, BASIS).lower(),
        years=opt_setting(years, YEARS),
        discount_rate=opt_setting(discount_rate, DISCOUNT_RATE),
        home_currency=home_currency(offers, opt_text(currency, "home_currency")),
        fx=fx_table(rates),
        move=move_inputs(basket),
    )
