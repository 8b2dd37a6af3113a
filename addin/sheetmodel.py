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

__all__ = ["Ref", "Call", "Op", "Spill", "Model", "BUILTINS", "blank_if"]


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


def _numbers(values: Any) -> list[float]:
    out: list[float] = []
    for v in values:
        if isinstance(v, list):
            out += _numbers(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(v)
    return out


def _counta(*ranges: Any) -> int:
    """Excel's COUNTA: cells that are not empty (a formula's empty text counts, as in Excel)."""

    def cells(v: Any) -> list[Any]:
        return [c for row in v for c in row] if isinstance(v, list) else [v]

    return sum(1 for r in ranges for c in cells(r) if c is not None)


def _excel_value(v: Any) -> Any:
    return "" if v is None else v


def _compare(op: str, a: Any, b: Any) -> Any:
    a, b = _excel_value(a), _excel_value(b)
    if op == "&":
        return _concatenate(a, b)
    number = (int, float)
    if isinstance(a, number) and isinstance(b, number) or isinstance(a, str) and isinstance(b, str):
        if isinstance(a, str) and isinstance(b, str):
            a, b = a.casefold(), b.casefold()
    elif op in ("=", "<>"):
        return op == "<>"  # a number never equals a text
    else:
        return "#VALUE!"
    return {"=": a == b, "<>": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]


BUILTINS: dict[str, Callable[..., Any]] = {
    "RANK": _rank,
    "INDEX": _index,
    "CONCATENATE": _concatenate,
    "COUNTA": _counta,
    "SUM": lambda *a: sum(_numbers(a)),
}


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
        if isinstance(expr, Op):
            return _compare(expr.op, self.evaluate(expr.left), self.evaluate(expr.right))
        if isinstance(expr, Call) and expr.func.upper() == "IF":  # lazy, as Excel's IF
            cond, then, *otherwise = expr.args
            test = self.evaluate(cond)
            if isinstance(test, str) and test.startswith("#"):
                return test
            return self.evaluate(then if test else (otherwise[0] if otherwise else False))
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
