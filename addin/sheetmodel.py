"""A small model of the workbook we build: cells, references and formulas.

The builder lays every sheet out in this model first, evaluates each formula
with the same Python functions Excel will call (our UDFs, and the few Excel
built-ins we use), then writes formulas *with* their results, so a program
that does not know our functions still shows the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

__all__ = ["Ref", "Call", "Spill", "Model", "BUILTINS"]


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

    def text(self, from_sheet: str) -> str:
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

    def text(self, from_sheet: str) -> str:
        parts = [_arg_text(a, from_sheet) for a in self.args]
        while parts and parts[-1] == "":
            parts.pop()  # trailing empty arguments are omitted
        return f"{self.func}({','.join(parts)})"


def _arg_text(arg: Any, sheet: str) -> str:
    if arg is None:
        return ""
    if isinstance(arg, (Ref, Call)):
        return arg.text(sheet)
    if isinstance(arg, bool):
        return "TRUE" if arg else "FALSE"
    if isinstance(arg, str):
        return '"' + arg.replace('"', '""') + '"'
    if isinstance(arg, float) and arg.is_integer():
        return str(int(arg))
    return repr(arg)


@dataclass(frozen=True)
class Spill:
    """A dynamic-array formula whose result spills from its cell."""

    expr: Call | Ref


def _rank(value: Any, values: Any) -> Any:
    flat = [v for row in values for v in row if isinstance(v, (int, float))]
    if not isinstance(value, (int, float)):
        return "#VALUE!"
    return 1 + sum(1 for v in flat if v > value)


def _index(grid: Any, row: Any, col: Any = 1) -> Any:
    if not isinstance(grid, list):
        return grid
    try:
        return grid[int(row) - 1][int(col) - 1]
    except (IndexError, TypeError, ValueError):
        return "#REF!"


def _concatenate(*parts: Any) -> str:
    return "".join("" if p is None else str(p) for p in parts)


BUILTINS: dict[str, Callable[..., Any]] = {"RANK": _rank, "INDEX": _index,
                                           "CONCATENATE": _concatenate}


@dataclass
class Model:
    """Sheets of cells; a cell holds a plain value, a :class:`Call`, :class:`Ref` or :class:`Spill`."""

    functions: dict[str, Callable[..., Any]]
    sheets: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    styles: dict[tuple[str, int, int], str] = field(default_factory=dict)
    _cache: dict[tuple[str, int, int], Any] = field(default_factory=dict)

    def sheet(self, name: str) -> dict[tuple[int, int], Any]:
        return self.sheets.setdefault(name, {})

    def put(self, sheet: str, row: int, col: int, value: Any, style: str | None = None) -> None:
        """Set a cell; ``style`` names a format (``head``, ``pct``, ``money:JPY`` ...)."""
        self.sheet(sheet)[(row, col)] = value
        if style is not None:
            self.styles[(sheet, row, col)] = style
        self._cache.clear()

    def style(self, sheet: str, row: int, col: int) -> str | None:
        return self.styles.get((sheet, row, col))

    def value(self, sheet: str, row: int, col: int) -> Any:
        """The value a cell shows (a spill's anchor shows its whole table)."""
        key = (sheet, row, col)
        if key not in self._cache:
            self._cache[key] = self._eval_cell(sheet, row, col)
        return self._cache[key]

    def _eval_cell(self, sheet: str, row: int, col: int) -> Any:
        content = self.sheets.get(sheet, {}).get((row, col))
        if isinstance(content, Spill):
            return self.evaluate(content.expr)
        if isinstance(content, (Call, Ref)):
            result = self.evaluate(content)
            while isinstance(result, list):  # a single-cell formula shows the top-left value
                result = result[0][0] if result and isinstance(result[0], list) else result[0]
            return result
        return content

    def evaluate(self, expr: Any) -> Any:
        if isinstance(expr, Ref):
            grid = [[self._plain(expr.sheet, r, c) for c in expr.cols] for r in expr.rows]
            return grid[0][0] if expr.is_cell else grid
        if isinstance(expr, Call):
            args = [self.evaluate(a) for a in expr.args]
            while args and args[-1] is None:
                args.pop()
            name = expr.func.upper()
            if name in BUILTINS:
                return BUILTINS[name](*args)
            return self.functions[name.lower()](*args)
        return expr

    def _plain(self, sheet: str, row: int, col: int) -> Any:
        value = self.value(sheet, row, col)
        if isinstance(value, list):
            return value[0][0]
        if isinstance(value, float) and math.isnan(value):
            return None
        return value
