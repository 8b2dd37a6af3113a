"""Cell values to calculator inputs, shared by the UDF modules and the brief.

The FX table, the relocation inputs and the comparison settings are made here once, so no
UDF module imports another's helpers (and none imports another in a cycle).
"""

from __future__ import annotations

from typing import Any

from addin.cells import opt_date, opt_setting, opt_text
from calculators.defaults import AGE, BASIS, DISCOUNT_RATE, YEARS
from calculators.errors import InvalidInputError
from calculators.fx import FxTable, shipped_table
from calculators.offer.table import as_rows
from calculators.personal import personal_facts
from calculators.relocation import move
from calculators.valuation.compare import Settings, home_currency

#: What an ``as_of`` argument that puts the net bases on the calendar means, for every function.
AS_OF_DOC = "Net bases on the calendar from this day: each offer from its start_date (blank: off)"

__all__ = ["AS_OF_DOC", "age_from", "fx_table", "move_inputs", "personal_from", "settings_from"]


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


def personal_from(cell: Any) -> tuple[int | None, tuple[tuple[str, Any], ...]]:
    """Your age and personal facts from the ``age`` argument: one cell (your age), or a range of
    two columns, a fact's name and its value (the Params sheet's personal facts: age,
    church_tax, children, credit_points, health_insurer …); blanks keep the defaults."""
    if not isinstance(cell, list):
        return age_from(cell), ()
    rows = as_rows(cell, "age")
    if len(rows) == 1 and len(rows[0]) == 1:
        return age_from(rows[0][0]), ()
    if any(len(r) != 2 for r in rows):
        raise InvalidInputError(
            "age must be one cell, or two columns of personal facts (a name, then its value)"
        )

    def is_age(name: Any) -> bool:
        return isinstance(name, str) and name.strip().lower() == AGE.name

    # the age as the single age cell reads it (a number typed as text too), the rest checked
    age = age_from(next((value for name, value in rows if is_age(name)), None))
    _, facts = personal_facts((name, None if is_age(name) else value) for name, value in rows)
    return age, facts


def settings_from(
    offers: Any,
    basis: Any,
    currency: Any,
    years: Any,
    discount_rate: Any,
    rates: Any,
    basket: Any,
    age: Any = None,
    as_of: Any = None,
) -> Settings:
    """Comparison settings from cell values (shared by the comparison and negotiation UDFs);
    blanks take the defaults of ``calculators.defaults``, the home currency the first offer's
    (a blank age: ``AGE``'s default, each jurisdiction checking the ages it models); ``as_of``
    puts the net bases on the calendar from that day (blank: each offer year a tax year)."""
    years_old, facts = personal_from(age)
    return Settings(
        as_of=opt_date(as_of, "as_of"),
        age=years_old,
        personal=facts,
        basis=opt_setting(basis, BASIS).lower(),
        years=opt_setting(years, YEARS),
        discount_rate=opt_setting(discount_rate, DISCOUNT_RATE),
        home_currency=home_currency(offers, opt_text(currency, "home_currency")),
        fx=fx_table(rates),
        move=move_inputs(basket),
    )
