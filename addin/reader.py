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


def _trim_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows down to the first empty one (the field rows under the header)."""
    def blank(v: Any) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    height = next((i for i, row in enumerate(rows) if all(blank(v) for v in row)), len(rows))
    return rows[:height]


def _offer_columns(rows: list[list[Any]]) -> list[list[Any]]:
    """Column A and the offer columns B to M; an empty column between offers is kept (it is
    no offer), the field help column and anything right of it never are."""
    from addin.sheets.layout import MAX_OFFERS  # noqa: PLC0415
    from addin.sheets.offers import HELP_HEADER  # noqa: PLC0415

    width = MAX_OFFERS + 1
    if rows:
        header = [str(v).strip().lower() if v is not None else "" for v in rows[0]]
        if HELP_HEADER in header[1:width]:
            width = header.index(HELP_HEADER, 1)  # a workbook laid out before 12 slots
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
        offers = _offer_columns(_trim_rows([[_cell(v) for v in row] for row in
                                            wb["Offers"].iter_rows(values_only=True)]))
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
