"""xlwings.conf: the settings sheet of classic xlwings (read from cell A1 on)."""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Model
from addin.workbook.sheets.layout import CONF, Layout

NAME = CONF
ROWS: tuple[tuple[str, Any], ...] = (
    ("Interpreter_Win", "python"),
    ("Interpreter_Mac", None),
    ("PYTHONPATH", None),
    ("Conda Path", None),
    ("Conda Env", None),
    ("UDF Modules", "addin.udfs"),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    for r, (key, value) in enumerate(ROWS):
        m.put(NAME, r, 0, key)
        if value is not None:
            m.put(NAME, r, 1, value)


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 14)
