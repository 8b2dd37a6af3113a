"""Excel functions (xlwings UDFs) over the calculators: ``UDF Modules = addin.udfs``.

Each function is a decorator, a conversion of cell values and one call into
``calculators``; every one returns a number, a table with a header row, or a
short ``#VALUE!`` message naming the argument and the problem.  The Python
names are lower-case; Excel shows them upper-case.  xlwings finds them as
members of this package, so every submodule's functions are imported here.

Parameters are ``Annotated[Cell, cell("help")]`` / ``Annotated[Rows, table("help")]``
(:mod:`addin.cells`): xlwings reads the first argument as the converter and the
dict from ``cell`` / ``table`` as its options and the argument's help.
"""

from addin.udfs.components import clawback_due, component_equivalent, make_whole
from addin.udfs.current_job import best_start, forfeited, move_year, social_coverage, vest_sourcing
from addin.udfs.negotiation import (
    counter_offer,
    impact_value,
    market_band,
    market_percentile,
    market_tc,
    negotiation_advice,
    negotiation_ask,
    offer_timeline,
    target_gap,
)
from addin.udfs.odds import offer_odds
from addin.udfs.offers import (
    fx_convert,
    offer_compare,
    offer_schedule,
    offer_tc,
    option_value,
    tax_years,
    vest_schedule,
)
from addin.udfs.relocation import col_adjust, fx_breakeven, relocation_compare
from addin.udfs.tax import net_pay, tax_breakdown

# Each submodule's __all__ lists its functions again, deliberately: this package re-exports
# them by name, where xlwings looks for them.
__all__ = [
    "offer_schedule",
    "offer_tc",
    "vest_schedule",
    "option_value",
    "fx_convert",
    "offer_compare",
    "offer_odds",
    "net_pay",
    "tax_breakdown",
    "col_adjust",
    "relocation_compare",
    "fx_breakeven",
    "market_percentile",
    "market_band",
    "counter_offer",
    "target_gap",
    "impact_value",
    "negotiation_ask",
    "negotiation_advice",
    "market_tc",
    "offer_timeline",
    "component_equivalent",
    "make_whole",
    "clawback_due",
    "forfeited",
    "tax_years",
    "move_year",
    "best_start",
    "vest_sourcing",
    "social_coverage",
]
