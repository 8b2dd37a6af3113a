"""Read a user's workbook: the Offers range and the Params settings.

Values only (cached results where a cell holds a formula); nothing is ever
executed or written back.  Layout is found by labels, not fixed positions, so
a user's own rows and columns survive.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.guard import check_workbook
from calculators.errors import InvalidInputError
from calculators.fx import FxTable

__all__ = ["WorkbookInputs", "read_inputs", "WorkbookError"]


class WorkbookError(InvalidInputError):
    """A workbook could not be read; the message names the file and the reason."""


@dataclass(frozen=True)
class WorkbookInputs:
    offers: list[list[Any]]
    settings: dict[str, Any]
    fx: FxTable | None
    relocation: list[list[Any]] | None = None  # the Relocation sheet's input / value rows


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Cut the grid at the first empty row below the header and first empty column."""
    def blank(v: Any) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    height = 0
    for row in rows:
        if all(blank(v) for v in row):
            break
        height += 1
    rows = rows[:height]
    if not rows:
        return rows
    width = 0
    for j in range(max(len(r) for r in rows)):
        if all(blank(r[j]) if j < len(r) else True for r in rows):
            break
        width += 1
    return [list(r[:width]) + [None] * (width - len(r[:width])) for r in rows]


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return value


def read_inputs(path: str | Path) -> WorkbookInputs:
    """Offers and settings of a workbook laid out like the shipped one."""
    from openpyxl import load_workbook  # noqa: PLC0415 - keeps CLI start-up light

    p = Path(path)
    check_workbook(p)  # the untrusted-input guard, before openpyxl sees the file
    if not p.is_file():
        raise WorkbookError(f"{p.name}: no such workbook")
    if not zipfile.is_zipfile(p):
        raise WorkbookError(f"{p.name}: not an .xlsx/.xlsm workbook")
    try:
        wb = load_workbook(p, read_only=True, data_only=True, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError(f"{p.name}: cannot be read ({type(exc).__name__})") from None
    try:
        if "Offers" not in wb.sheetnames:
            raise WorkbookError(f"{p.name}: has no Offers sheet")
        offers = _trim([[_cell(v) for v in row]
                        for row in wb["Offers"].iter_rows(values_only=True)])
        settings: dict[str, Any] = {}
        fx = None
        if "Params" in wb.sheetnames:
            settings, fx = _params([[_cell(v) for v in row[:2]] + [None] * (2 - len(row[:2]))
                                    for row in wb["Params"].iter_rows(values_only=True)])
        relocation = _relocation(wb["Relocation"]) if "Relocation" in wb.sheetnames else None
    finally:
        wb.close()
    if not offers:
        raise WorkbookError(f"{p.name}: the Offers sheet is empty")
    return WorkbookInputs(offers, settings, fx, relocation)


def _relocation(ws: Any) -> list[list[Any]] | None:
    """The ``input | value`` rows under the Relocation sheet's ``input`` header."""
    rows: list[list[Any]] = []
    started = False
    for row in ws.iter_rows(max_col=2, values_only=True):
        key, value = (list(row) + [None, None])[:2]
        label = str(key).strip().lower() if key is not None else ""
        if not started:
            started = label == "input"
            continue
        if not label:
            break
        rows.append([key, _cell(value)])
    return rows or None


def _params(rows: list[list[Any]]) -> tuple[dict[str, Any], FxTable | None]:
    settings: dict[str, Any] = {}
    fx_rows: list[list[Any]] = []
    in_fx = False
    for key, value in rows:
        label = str(key).strip().lower() if key is not None else ""
        if in_fx:
            if not label:
                break
            fx_rows.append([key, value])
        elif label == "currency":
            in_fx = True
        elif label:
            settings[label] = value
    fx = None
    if fx_rows:
        fx = FxTable.from_rows(fx_rows, settings.get("as_of"), str(settings.get("source") or ""))
    return settings, fx
