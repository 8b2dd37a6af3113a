"""Schedules: spilling detail tables (Excel 365 or the add-in runtime)."""

from __future__ import annotations

from typing import Any

from addin.sheetmodel import Call, Model, Ref, Spill
from addin.sheets import relocation
from addin.sheets.layout import OFFERS, SCHEDULES, Layout

NAME = SCHEDULES
OPTION_FIELDS = ("option_shares", "option_strike", "option_price", "dilution",
                 "exit_probability", "exit_multiple")


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    years = int(data["home"]["horizon_years"])
    m.put(NAME, 0, 0, "Detail tables (spilling formulas; Excel 365 or the add-in runtime)",
          "title")
    m.put(NAME, 2, 0, "Ranking on the chosen basis", "bold")
    m.put(NAME, 3, 0, Spill(Call("OFFER_COMPARE", (
        lay.offers, lay.param("basis"), lay.param("home_currency"),
        lay.param("horizon_years"), lay.param("discount_rate"), lay.fx,
        relocation.inputs_ref(data)))))
    row = 5 + lay.n_offers + 2
    for col in lay.offer_cols:
        m.put(NAME, row, 0, Ref(OFFERS, 0, col), "bold")
        m.put(NAME, row + 1, 0, Spill(Call("OFFER_SCHEDULE", (
            lay.offers, lay.param("horizon_years"), None, None, Ref(OFFERS, 0, col)))))
        row += years + 3
    row += 1
    m.put(NAME, row, 0, "Relocation: each move against staying", "bold")
    m.put(NAME, row + 1, 0, Spill(Call("RELOCATION_COMPARE", (
        lay.offers, None, lay.param("horizon_years"), relocation.inputs_ref(data), lay.fx))))
    row += lay.n_offers + 5
    with_options = [c for c in lay.offer_cols
                    if m.sheet(OFFERS).get((lay.field_row["option_shares"], c))]
    for col in with_options:
        m.put(NAME, row, 0, Call("CONCATENATE", ("Options valued: ", Ref(OFFERS, 0, col))), "bold")
        m.put(NAME, row + 1, 0, Spill(Call("OPTION_VALUE", tuple(
            lay.offer_cell(f, col) for f in OPTION_FIELDS))))
        row += 9


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 9, 16)
