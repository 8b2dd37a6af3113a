"""Current-job functions: what leaving the job you have forfeits (stay vs go)."""

from typing import Annotated

import calculators.valuation.forfeit as forfeit
from addin.cells import Cell, Rows, cell, opt_text, table, udf
from addin.udfs._docs import AGE_DOC, RATES_DOC
from addin.udfs.inputs import fx_table, personal_from
from calculators.errors import InvalidInputError

# The UDF names here are listed again in addin/udfs/__init__.py's __all__, deliberately: the
# package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = ["forfeited"]

_FIELDS = ", ".join(forfeit.CURRENT_JOB_FIELDS)
_BASES = ("net", "gross", "currency")


@udf
def forfeited(
    current_job_table: Annotated[
        Rows,
        table(f"The current job: rows of field and value ({_FIELDS}), and a row per vest: date, amount"),
    ],
    leave_date: Annotated[Cell, cell("Your last day at the job; vests and a bonus dated after it are lost")],
    basis: Annotated[
        Cell,
        cell("net: after the current job's tax; gross: before tax; currency: their currency (blank: net)"),
    ] = None,
    rates: Annotated[Rows, table(RATES_DOC + " (for equity in another currency)")] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """What leaving on leave_date forfeits: unvested equity vesting after it and a bonus not
    yet paid (in full, no pro rata), after the current job's tax or gross, in its currency.
    Example: =FORFEITED(Strategy!A103:B111, "2026-04-30", "net")
    """
    job = forfeit.current_job_from_table(current_job_table)
    chosen = (opt_text(basis, "basis", "net") or "net").strip().lower()
    if chosen not in _BASES:
        raise InvalidInputError("basis must be net, gross or currency")
    years_old, facts = personal_from(age)
    result = forfeit.forfeited(job, leave_date, fx=fx_table(rates), age=years_old, personal=facts)
    if chosen == "currency":
        return result.currency
    return result.net if chosen == "net" else result.gross
