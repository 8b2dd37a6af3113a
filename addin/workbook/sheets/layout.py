"""Where things are on the sheets, so formulas, readers and the CLI agree.

A workbook has room for :data:`MAX_OFFERS` offers (one column each on Offers) and a
horizon of up to :data:`MAX_YEARS` years.  Every sheet lays out that many offer slots
and years; a slot whose Offers column is empty, or a year past the horizon, shows an
empty text, so a user fills offers and changes the horizon without touching a formula.
"""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Op, Ref, blank_if
from calculators.defaults import AGE
from calculators.offer.model import FIELDS

OFFERS, COMPARE, SCHEDULES, PARAMS, START, CONF = (
    "Offers",
    "Compare",
    "Schedules",
    "Params",
    "Start here",
    "xlwings.conf",
)
# the personal facts the Params sheet lays out (calculators.personal checks them; a user's own
# Params sheet may name any fact the rules take)
PERSONAL = (AGE.name, "church_tax", "children", "credit_points", "health_insurer", "rsu_social_insurance")
MAX_OFFERS = 12  # offer columns B to M of the Offers sheet
MAX_YEARS = 10  # the longest horizon the sheets lay out
NONE_SHOWN = "–"  # what a cell shows for "none": no break-even, no deadline, no band
COMPARE_TOP = 6  # Compare's header row: slot i is on the row below plus i - 1


class Layout:
    """Positions shared by every sheet."""

    def __init__(self, n_fx: int, slots: int = MAX_OFFERS) -> None:
        self.fields = list(FIELDS)
        self.n_offers = slots  # offer slots laid out (filled or not)
        self.offer_cols = range(1, slots + 1)
        self.last_col = slots
        self.help_col = slots + 2  # one empty column, then the field help: never an offer
        self.offers = Ref(OFFERS, 0, 0, len(self.fields), self.last_col)
        self.field_row = {name: i + 1 for i, name in enumerate(self.fields)}
        # the settings' rows, from row 3, then your personal facts (age first), one range every
        # function's age argument takes; the FX table's title in the row below the last
        settings = (
            "home_currency",
            "horizon_years",
            "discount_rate",
            "basis",
            "home_city",
            "income_target",
            "calendar",
        )
        rows = enumerate((*settings, *PERSONAL), start=2)
        self.params = {name: row for row, name in rows}
        first, last = self.params[PERSONAL[0]], self.params[PERSONAL[-1]]
        self.personal = Ref(PARAMS, first, 0, last, 1)
        self.fx_title_row = last + 1
        self.fx_as_of_row, self.fx_source_row, self.fx_header_row = last + 2, last + 3, last + 4
        self.fx = Ref(PARAMS, self.fx_header_row, 0, self.fx_header_row + n_fx, 1)
        # every valuation function's as_of argument: the Strategy sheet's as_of where the Params
        # setting calendar is TRUE, else empty (each offer year a tax year); the builder sets it
        self.calendar: Any = None

    def param(self, name: str) -> Ref:
        return Ref(PARAMS, self.params[name], 1)

    def offer_compare(self, basket: Any = None) -> Call:
        """``OFFER_COMPARE`` over the offers on the Parameters sheet's basis, currency, horizon,
        discount rate, FX table and age, with the relocation inputs ``basket`` if given."""
        return Call(
            "OFFER_COMPARE",
            (
                self.offers,
                self.param("basis"),
                self.param("home_currency"),
                self.param("horizon_years"),
                self.param("discount_rate"),
                self.fx,
                basket,
                self.personal,
                self.calendar,
            ),
        )

    def offer_cell(self, field: str, col: int) -> Ref:
        return Ref(OFFERS, self.field_row[field], col)

    def name_cell(self, col: int) -> Ref:
        return Ref(OFFERS, 0, col)

    def slot_fields(self, col: int) -> Ref:
        """The field cells of one offer column (not its name)."""
        return Ref(OFFERS, 1, col, len(self.fields), col)

    def slot_name(self, col: int) -> Call:
        """The offer's name as the UDFs know it: its header, else its company; empty text
        when the column holds no field (then it is not an offer)."""
        return blank_if(
            Op("=", Call("COUNTA", (self.slot_fields(col),)), 0),
            Call(
                "IF", (Op("=", self.name_cell(col), ""), self.offer_cell("company", col), self.name_cell(col))
            ),
        )

    def slot_row(self, i: int) -> int:
        """Compare's row of slot ``i`` (1-based)."""
        return COMPARE_TOP + i

    def slot_ref(self, i: int) -> Ref:
        """Compare's cell holding slot ``i``'s offer name (empty text for an unused slot)."""
        return Ref(COMPARE, self.slot_row(i), 0)

    def count_ref(self) -> Ref:
        """Compare's cell counting the offers (columns with a company)."""
        return Ref(COMPARE, 5, 1)

    def count_formula(self) -> Call:
        return Call(
            "COUNTA", (Ref(OFFERS, self.field_row["company"], 1, self.field_row["company"], self.last_col),)
        )

    def for_slot(self, i: int, expr: Any) -> Call:
        """``expr`` where slot ``i`` holds an offer, else empty text."""
        return blank_if(Op("=", self.slot_ref(i), ""), expr)

    def for_rank(self, i: int, expr: Any) -> Call:
        """``expr`` for the ``i``-th row of a per-offer table, empty text past the last offer."""
        return blank_if(Op(">", i, self.count_ref()), expr)

    def if_offers(self, expr: Any) -> Call:
        """``expr`` once the Offers sheet holds an offer, empty text before."""
        return blank_if(Op("=", self.count_ref(), 0), expr)

    @staticmethod
    def shown(expr: Any, placeholder: str = NONE_SHOWN) -> Call:
        """``expr``, or ``placeholder`` where it is empty (no break-even, no deadline, no
        market band): LibreOffice recomputes a formula whose stored result is empty text on
        opening, and cannot run our functions, so an empty result would read #NAME? there."""
        return Call("IF", (Op("=", expr, ""), placeholder, expr))

    def for_year(self, k: int, expr: Any) -> Call:
        """``expr`` for year ``k`` of the horizon, empty text past it."""
        return blank_if(Op(">", k, self.param("horizon_years")), expr)

    def year_label(self, k: int) -> Call:
        return self.for_year(k, f"year {k}")
