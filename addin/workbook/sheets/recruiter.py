"""Recruiter: what you choose to disclose, one field per row, nothing else.

Each value is ``IF(switch, value, "")`` over the disclosure switches on the
Strategy sheet, so turning a switch off blanks the field.  ``negotiate share``
exports the disclosed fields of this sheet into a new workbook, values only.
"""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Model
from addin.workbook.sheets.disclosure import FIELDS, switch
from addin.workbook.sheets.layout import Layout

NAME = "Recruiter"
TOP = 3  # header row; one field per row below it


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, 0, 0, "For the recruiter", "title")
    m.put(
        NAME,
        1,
        0,
        "Only the fields switched on (Strategy sheet, column K) show here; "
        "`negotiate share` exports them, values only, into a new workbook.",
    )
    for c, text in enumerate(("field", "value", "what it is")):
        m.put(NAME, TOP, c, text, "head")
    for i, (key, field) in enumerate(FIELDS.items(), start=1):
        m.put(NAME, TOP + i, 0, key)
        m.put(NAME, TOP + i, 1, Call("IF", (switch(key), field.expr(key, lay), "")), field.style)
        m.put(NAME, TOP + i, 2, field.en)


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 56)
