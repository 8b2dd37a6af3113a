"""The layout of the workbook we build: cells, references and formulas.

The sheets are laid out here first (:class:`Model`), as values and formula
expressions (:class:`Ref`, :class:`Call`, :class:`Op`, :class:`Spill`) that render
their own formula text.  The builder writes them; the formulas engine of
:mod:`addin.recalc` computes every result (there is no second evaluator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

__all__ = ["Ref", "Call", "Op", "Spill", "Model", "blank_if"]


def _quote(sheet: str) -> str:
    if sheet.replace("_", "").isalnum():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Ref:
    """A cell or rectangular range, 0-based; absolute unless told otherwise."""

    sheet: str
    row: int
    col: int
    last_row: int | None = None
    last_col: int | None = None
    absolute: bool = True

    @property
    def rows(self) -> range:
        return range(self.row, (self.last_row if self.last_row is not None else self.row) + 1)

    @property
    def cols(self) -> range:
        return range(self.col, (self.last_col if self.last_col is not None else self.col) + 1)

    @property
    def is_cell(self) -> bool:
        return len(self.rows) == 1 and len(self.cols) == 1

    def text(self, from_sheet: str, names: dict[str, str] | None = None) -> str:
        a = self.absolute
        out = xl_rowcol_to_cell(self.row, self.col, a, a)
        if not self.is_cell:
            out += ":" + xl_rowcol_to_cell(self.rows[-1], self.cols[-1], a, a)
        return out if self.sheet == from_sheet else f"{_quote(self.sheet)}!{out}"


@dataclass(frozen=True)
class Call:
    """A function call; ``None`` in ``args`` is an argument left empty."""

    func: str
    args: tuple[Any, ...] = ()

    def text(self, from_sheet: str, names: dict[str, str] | None = None) -> str:
        """The formula text; ``names`` respells functions (a runtime's UDF names)."""
        parts = [_arg_text(a, from_sheet, names) for a in self.args]
        while parts and parts[-1] == "":
            parts.pop()  # trailing empty arguments are omitted
        func = (names or {}).get(self.func.upper(), self.func)
        return f"{func}({','.join(parts)})"


@dataclass(frozen=True)
class Op:
    """A comparison or text join of two operands: ``left op right`` (Excel's ``=``, ``>``, ``&`` ...)."""

    op: str
    left: Any
    right: Any

    def text(self, from_sheet: str, names: dict[str, str] | None = None) -> str:
        left = _arg_text(self.left, from_sheet, names) or '""'
        return f"{left}{self.op}{_arg_text(self.right, from_sheet, names) or chr(34) * 2}"


def blank_if(condition: Any, expr: Any) -> Call:
    """``IF(condition,"",expr)``: an empty text where ``condition`` holds (an unused offer slot,
    a year beyond the horizon), the formula's value otherwise."""
    return Call("IF", (condition, "", expr))


def _arg_text(arg: Any, sheet: str, names: dict[str, str] | None = None) -> str:
    if arg is None:
        return ""
    if isinstance(arg, (Ref, Call, Op)):
        return arg.text(sheet, names)
    if isinstance(arg, bool):
        return "TRUE" if arg else "FALSE"
    if isinstance(arg, str):
        return '"' + arg.replace('"', '""') + '"'
    if isinstance(arg, float) and arg.is_integer():
        return str(int(arg))
    return repr(arg)


@dataclass(frozen=True)
class Spill:
    """A dynamic-array formula whose result spills from its cell.

    ``rows`` x ``cols`` is the room kept for its largest result: the file records the
    formula over that range, so an engine that sizes an array by its recorded range (the
    headless recalc) sees the whole table once more offers or years are filled in.
    """

    expr: Call | Ref
    rows: int = 1
    cols: int = 1


@dataclass
class Model:
    """The sheets as laid out: per cell a plain value, a :class:`Call`, :class:`Ref` or
    :class:`Spill`, and a style name.  Nothing here evaluates a formula: the builder
    writes the formulas and the formulas engine computes them (see :mod:`addin.workbook.builder`)."""

    sheets: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    styles: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def sheet(self, name: str) -> dict[tuple[int, int], Any]:
        return self.sheets.setdefault(name, {})

    def put(self, sheet: str, row: int, col: int, value: Any, style: str | None = None) -> None:
        """Set a cell; ``style`` names a format (``head``, ``pct``, ``money:JPY`` ...)."""
        self.sheet(sheet)[(row, col)] = value
        if style is not None:
            self.styles[(sheet, row, col)] = style

    def style(self, sheet: str, row: int, col: int) -> str | None:
        return self.styles.get((sheet, row, col))
