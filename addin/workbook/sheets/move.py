"""Move (PRIVATE): the move from the current job to one offer, on the calendar.

The current job is the Strategy sheet's (its table and leave date); the offer is named in
this sheet's input, the first offer until you type another.  Four spilling blocks: the move
by tax year and country (MOVE_YEAR), the best day to start against staying (BEST_START, best
first), social security across the move (SOCIAL_COVERAGE), and one RSU vest across the
move (VEST_SOURCING), blank until you give its amount.  With no current job (its base
salary blank), no offer or no offer named, the blocks stay empty.
"""

from __future__ import annotations

from typing import Any

from addin.udfs.current_job import MOVE_COLUMNS
from addin.workbook.model import Call, Model, Op, Ref, Spill, blank_if
from addin.workbook.sheets import strategy
from addin.workbook.sheets.layout import COMPARE, OFFERS, Layout

NAME = "Move"
BANNER = "PRIVATE: your current job's pay and the move. Never share this sheet."
INPUT_HELP = {
    "offer": "The offer you would move to: its name on the Offers sheet (the first offer until you type one)",
    "start_date": "Its first day (blank: the offer's start_date, else the day after leave_date)",
    "leave_date": "Your last day at the current job (the Strategy sheet's)",
    "transfer": "TRUE: the offer is your job moved abroad; its vests go on (grant dates: Strategy, "
    "column C; blank: the offer's transfer field)",
}
VEST_HELP = {
    "vest_amount": "One RSU vest across the move: its value at vest (blank: none)",
    "vest_currency": "Its currency (blank: the offer's country's)",
    "grant_date": "When it was granted, before the move",
    "vest_date": "When it vests, after the move",
    "income_before": "Other pay taxed where you worked before, in the vest's tax year (blank: 0)",
    "income_after": "Other pay where you live at the vest, that tax year (at first: the offer's year 1)",
}
INPUT_TOP = 3
MOVE_TOP = INPUT_TOP + len(INPUT_HELP) + 3
# a header, the current job's year, up to three of the offer's, two per vest of a transfer
MOVE_ROWS, MOVE_COLS = 5 + 2 * strategy.BLANK_VEST_ROWS, 12
BEST_TOP = MOVE_TOP + MOVE_ROWS + 3
# a header and the grid: twelve monthly starts, the days after the vest rows and two bonus days,
# the offer's own start
BEST_ROWS, BEST_COLS = 1 + 12 + strategy.BLANK_VEST_ROWS + 2 + 1, 7
SOCIAL_TOP = BEST_TOP + BEST_ROWS + 3
SOCIAL_ROWS = 8
VEST_TOP = SOCIAL_TOP + SOCIAL_ROWS + 3
VEST_ROWS, VEST_COLS = 3, 11


def input_ref(name: str) -> Ref:
    """The value cell of one input (:data:`INPUT_HELP`, then :data:`VEST_HELP`)."""
    if name in INPUT_HELP:
        return Ref(NAME, INPUT_TOP + 1 + list(INPUT_HELP).index(name), 1)
    return Ref(NAME, VEST_TOP + 1 + list(VEST_HELP).index(name), 1)


def _offer_field(lay: Layout, field: str) -> Call:
    """One field of the offer named in the input: its Offers column, found by the Compare
    sheet's slot names (slot i is Offers column i)."""
    row = lay.field_row[field]
    names = Ref(COMPARE, lay.slot_row(1), 0, lay.slot_row(lay.n_offers), 0)
    match = Call("MATCH", (input_ref("offer"), names, 0))
    return Call("INDEX", (Ref(OFFERS, row, 1, row, lay.last_col), 1, match))


def _offer_start(lay: Layout) -> Call:
    """The named offer's start_date, empty text where it gives none (a blank cell would read
    as day 0)."""
    day = _offer_field(lay, "start_date")
    return Call("IF", (Op("=", day, ""), "", day))


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, 0, 0, "The move: one year, two countries", "title")
    m.put(NAME, 1, 0, BANNER, "private")
    m.put(NAME, INPUT_TOP, 0, "Inputs", "bold")
    given = dict(data.get("move") or {})
    for k, (name, help_text) in enumerate(INPUT_HELP.items()):
        r = INPUT_TOP + 1 + k
        m.put(NAME, r, 0, name)
        value: Any = given.get(name)
        if name == "offer" and value is None:
            value = lay.slot_ref(1)
        elif name == "leave_date":
            value = strategy.leave_ref(data)
        m.put(NAME, r, 1, value, "date" if name.endswith("_date") else None)
        m.put(NAME, r, 2, help_text)
    job = strategy.current_job_ref(data)
    no_job = Op("=", strategy.current_job_cell(data, "base_salary"), "")
    offer, start, leave = input_ref("offer"), input_ref("start_date"), input_ref("leave_date")

    def block(top: int, title: str, call: Call, n_rows: int, n_cols: int) -> None:
        m.put(NAME, top, 0, title, "bold")
        shown = blank_if(no_job, lay.if_offers(blank_if(Op("=", offer, ""), call)))
        m.put(NAME, top + 1, 0, Spill(shown, rows=n_rows, cols=n_cols))

    moved = Call(
        "MOVE_YEAR", (job, leave, lay.offers, offer, start, lay.fx, lay.personal, input_ref("transfer"))
    )
    block(
        MOVE_TOP, "The move by tax year and country (each in its own currency)", moved, MOVE_ROWS, MOVE_COLS
    )
    as_of = strategy.input_cell(data, "as_of")
    best = Call(
        "BEST_START",
        (job, lay.offers, offer, None, None, None, None, lay.fx, lay.personal, as_of, input_ref("transfer")),
    )
    block(
        BEST_TOP,
        "The best day to start, against staying (the next twelve months; the current job's currency)",
        best,
        BEST_ROWS,
        BEST_COLS,
    )
    home = strategy.current_job_cell(data, "jurisdiction")
    block(
        SOCIAL_TOP,
        "Social security across the move",
        Call("SOCIAL_COVERAGE", (home, _offer_field(lay, "jurisdiction"))),
        SOCIAL_ROWS,
        2,
    )
    m.put(NAME, VEST_TOP, 0, "An RSU vest across the move (income shared by workdays)", "bold")
    for k, (name, help_text) in enumerate(VEST_HELP.items()):
        r = VEST_TOP + 1 + k
        m.put(NAME, r, 0, name)
        value = given.get(name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        if name == "income_after" and value is None:  # the offer's first tax year's pay, above
            first = Call("INDEX", (moved, 3, MOVE_COLUMNS.index("gross") + 1))
            value = Call("IF", (Call("ISNUMBER", (first,)), first, ""))
        style = "date" if name.endswith("_date") else None if name == "vest_currency" else "num"
        m.put(NAME, r, 1, value, style)
        m.put(NAME, r, 2, help_text)
    amount = input_ref("vest_amount")
    vest = Call(
        "VEST_SOURCING",
        (
            amount,
            input_ref("grant_date"),
            input_ref("vest_date"),
            Call("IF", (Op("=", start, ""), _offer_start(lay), start)),
            home,
            _offer_field(lay, "jurisdiction"),
            input_ref("vest_currency"),
            input_ref("income_before"),
            input_ref("income_after"),
            lay.fx,
            lay.personal,
        ),
    )
    top = VEST_TOP + len(VEST_HELP) + 1
    shown = lay.if_offers(blank_if(Op("=", amount, ""), vest))
    m.put(NAME, top, 0, Spill(shown, rows=VEST_ROWS, cols=VEST_COLS))


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_tab_color("#C00000")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 11, 15)
    ws.set_column(2, 2, 22)
