"""Schedules: spilling detail tables (Excel 365 or the add-in runtime).

Every block has room for the largest case (all offer slots, the longest horizon), so
no table can spill into the next one.
"""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Model, Op, Spill, blank_if
from addin.workbook.sheets import relocation
from addin.workbook.sheets.layout import MAX_YEARS, SCHEDULES, Layout

NAME = SCHEDULES
OPTION_FIELDS = (
    "option_shares",
    "option_strike",
    "option_price",
    "dilution",
    "exit_probability",
    "exit_multiple",
)
OPTION_ROWS = 7  # OPTION_VALUE's table: a header and six measures


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, 0, 0, "Detail tables (spilling formulas; Excel 365 or the add-in runtime)", "title")
    m.put(NAME, 2, 0, "Ranking on the chosen basis", "bold")
    m.put(
        NAME,
        3,
        0,
        Spill(
            lay.if_offers(lay.offer_compare(relocation.inputs_ref(data))),
            rows=lay.n_offers + 1,
            cols=9,
        ),
    )
    row = 3 + lay.n_offers + 3
    for i, _col in enumerate(lay.offer_cols, start=1):
        m.put(NAME, row, 0, lay.slot_ref(i), "bold")
        m.put(
            NAME,
            row + 1,
            0,
            Spill(
                lay.for_slot(
                    i,
                    Call(
                        "OFFER_SCHEDULE",
                        (lay.offers, lay.param("horizon_years"), None, None, lay.slot_ref(i), lay.fx),
                    ),
                ),
                rows=MAX_YEARS + 1,
                cols=10,
            ),
        )
        row += MAX_YEARS + 3
    m.put(NAME, row, 0, "Relocation: each move against staying", "bold")
    m.put(
        NAME,
        row + 1,
        0,
        Spill(
            lay.if_offers(
                Call(
                    "RELOCATION_COMPARE",
                    (
                        lay.offers,
                        None,
                        lay.param("horizon_years"),
                        relocation.inputs_ref(data),
                        lay.fx,
                        lay.personal,
                    ),
                )
            ),
            rows=lay.n_offers + 2,
            cols=13,
        ),
    )
    row += lay.n_offers + 5
    for i, col in enumerate(lay.offer_cols, start=1):
        no_options = Op("=", lay.offer_cell("option_shares", col), "")
        m.put(
            NAME,
            row,
            0,
            lay.for_slot(i, blank_if(no_options, Call("CONCATENATE", ("Options valued: ", lay.slot_ref(i))))),
            "bold",
        )
        m.put(
            NAME,
            row + 1,
            0,
            Spill(
                lay.for_slot(
                    i,
                    blank_if(
                        no_options, Call("OPTION_VALUE", tuple(lay.offer_cell(f, col) for f in OPTION_FIELDS))
                    ),
                ),
                rows=OPTION_ROWS,
                cols=2,
            ),
        )
        row += OPTION_ROWS + 2


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 9, 16)
