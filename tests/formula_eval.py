"""A small, independent evaluator of the workbook's formulas, for tests.

It reads a workbook's stored values with openpyxl, parses each formula with
openpyxl's tokenizer and evaluates it by calling our UDFs directly (the plain
Python functions of ``addin.udfs``) and a handful of Excel built-ins.  It shares
no code with ``addin.recalc`` (the formulas engine) or ``addin.workbook.model``
(the builder), so agreement between them means something.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import range_boundaries
from openpyxl.utils.datetime import to_excel

from addin import udfs
from addin.cells import UDFS

__all__ = ["Book", "Unsupported", "UdfCall", "formula_text"]


class Unsupported(Exception):
    """A formula uses something this evaluator does not implement."""


@dataclass
class UdfCall:
    """One UDF call met while evaluating: its name, argument values and result."""

    name: str
    args: list[Any]
    result: Any


def formula_text(value: Any) -> str | None:
    text = value.text if hasattr(value, "text") else value
    return text if isinstance(text, str) and text.startswith("=") else None


def _cell_value(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return float(to_excel(v))  # Excel passes dates to functions as serial numbers
    if isinstance(v, str) and v == "":
        return None
    return v


@dataclass
class Book:
    """A workbook's values (cached results included) and formulas."""

    path: Any
    values: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    formulas: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    # direct UDF calls already made, by name and exact arguments (repr: 1, 1.0 and True differ)
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = load_workbook(self.path, data_only=True)
        forms = load_workbook(self.path)
        for ws in data.worksheets:
            self.names[ws.title.upper()] = ws.title
            self.values[ws.title] = {
                (c.row, c.column): _cell_value(c.value) for row in ws.iter_rows() for c in row
            }
            self.formulas[ws.title] = {
                (c.row, c.column): c.value
                for row in forms[ws.title].iter_rows()
                for c in row
                if formula_text(c.value)
            }

    def sheet(self, name: str) -> str:
        try:
            return self.names[name.strip("'").replace("''", "'").upper()]
        except KeyError:
            raise Unsupported(f"no sheet {name}") from None

    def grid(self, sheet: str, ref: str) -> Any:
        """A single cell's value, or a range's values as a list of rows."""
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        vals = self.values[sheet]
        rows = [[vals.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if r1 == r2 and c1 == c2:
            return rows[0][0]
        return rows

    def evaluate(self, sheet: str, text: str, calls: list[UdfCall] | None = None) -> Any:
        """The value of formula ``text`` on ``sheet``; UDF calls are recorded in ``calls``."""
        tokens = [t for t in Tokenizer(text).items if t.type != Token.WSPACE]
        parser = _Parser(self, sheet, tokens, calls if calls is not None else [])
        value = parser.expr(0)
        if parser.i != len(tokens):
            raise Unsupported(f"trailing tokens in {text}")
        return value


_INFIX = {"&": 1, "=": 0, "<>": 0, "<": 0, ">": 0, "<=": 0, ">=": 0, "+": 2, "-": 2, "*": 3, "/": 3, "^": 4}


class _Parser:
    def __init__(self, book: Book, sheet: str, tokens: list[Token], calls: list[UdfCall]):
        self.book, self.sheet, self.tokens, self.calls, self.i = book, sheet, tokens, calls, 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expr(self, min_prec: int) -> Any:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok.type != Token.OP_IN or _INFIX.get(tok.value, -1) < min_prec:
                return left
            self.take()
            right = self.expr(_INFIX[tok.value] + 1)
            left = _infix(tok.value, left, right)

    def unary(self) -> Any:
        tok = self.peek()
        if tok is not None and tok.type == Token.OP_PRE:
            self.take()
            value = self.unary()
            return -_num(value) if tok.value == "-" else _num(value)
        value = self.primary()
        tok = self.peek()
        if tok is not None and tok.type == Token.OP_POST and tok.value == "%":
            self.take()
            return _num(value) / 100
        return value

    def primary(self) -> Any:
        tok = self.take()
        if tok.type == Token.OPERAND:
            return self.operand(tok)
        if tok.type == Token.PAREN and tok.subtype == Token.OPEN:
            value = self.expr(0)
            self.take()
            return value
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            name = tok.value[:-1].upper().removeprefix("_XLFN.").removeprefix("_XLUDF.")
            args: list[Any] = []
            pending, seen_sep = True, False  # at the start of an argument; after a comma
            while True:
                nxt = self.peek()
                if nxt is None:
                    raise Unsupported("unclosed call")
                if nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE:
                    if pending and seen_sep:
                        args.append(None)  # a trailing argument left empty
                    self.take()
                    break
                if nxt.type == Token.SEP and nxt.subtype == Token.ARG:
                    if pending:
                        args.append(None)  # an argument left empty
                    pending, seen_sep = True, True
                    self.take()
                    continue
                args.append(self.expr(0))
                pending = False
            return self.call(name, args)
        raise Unsupported(f"token {tok.value!r}")

    def operand(self, tok: Token) -> Any:
        if tok.subtype == Token.NUMBER:
            return float(tok.value) if re.search(r"[.eE]", tok.value) else int(tok.value)
        if tok.subtype == Token.TEXT:
            return tok.value[1:-1].replace('""', '"')
        if tok.subtype == Token.LOGICAL:
            return tok.value.upper() == "TRUE"
        if tok.subtype == Token.ERROR:
            return tok.value
        if tok.subtype == Token.RANGE:
            sheet, ref = self.sheet, tok.value
            if "!" in ref:
                name, ref = ref.rsplit("!", 1)
                sheet = self.book.sheet(name)
            return self.book.grid(sheet, ref)
        raise Unsupported(f"operand {tok.value!r}")

    def call(self, name: str, args: list[Any]) -> Any:
        if name.lower() in UDFS:
            trimmed = list(args)
            while trimmed and trimmed[-1] is None:
                trimmed.pop()
            key = (name.lower(), repr(trimmed))
            if key not in self.book.answers:
                self.book.answers[key] = getattr(udfs, name.lower())(*trimmed)
            result = copy.deepcopy(self.book.answers[key])  # a caller may change what it gets
            self.calls.append(UdfCall(name, trimmed, result))
            return result
        if name in _BUILTINS:
            return _BUILTINS[name](*args)
        raise Unsupported(f"function {name}")


def _num(v: Any) -> float:
    v = _top_left(v)
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return v
    raise Unsupported(f"not a number: {v!r}")


def _top_left(v: Any) -> Any:
    while isinstance(v, list):
        v = v[0] if v else None
    return v


def _infix(op: str, a: Any, b: Any) -> Any:
    if op == "&":
        return "".join("" if x is None else str(x) for x in (_top_left(a), _top_left(b)))
    if op in ("=", "<>", "<", ">", "<=", ">="):
        x, y = _top_left(a), _top_left(b)
        if x is None:  # Excel: a blank is "" beside a text, 0 beside anything else
            x = "" if isinstance(y, str) else 0
        if y is None:
            y = "" if isinstance(x, str) else 0
        if isinstance(x, str) != isinstance(y, str):  # Excel: any text sorts after numbers
            x, y = (1, 0) if isinstance(x, str) else (0, 1)
            if op in ("=", "<>"):
                return op == "<>"
        elif isinstance(x, str):
            x, y = x.casefold(), y.casefold()
        return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
    x, y = _num(a), _num(b)
    if op == "/" and y == 0:
        return "#DIV/0!"
    return {"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else 0, "^": x**y}[op]


def _flat(*args: Any) -> list[Any]:
    out: list[Any] = []
    for a in args:
        if isinstance(a, list):
            for row in a:
                out.extend(row if isinstance(row, list) else [row])
        else:
            out.append(a)
    return out


def _index(grid: Any, row: Any = None, col: Any = None) -> Any:
    if not isinstance(grid, list):
        return grid
    rows = [r if isinstance(r, list) else [r] for r in grid]
    r = int(_num(row)) if row is not None else 1
    c = int(_num(col)) if col is not None else 1
    if len(rows) == 1 and col is None:
        r, c = 1, r
    try:
        return rows[r - 1][c - 1]
    except IndexError:
        return "#REF!"


def _rank(value: Any, ref: Any, order: Any = None) -> Any:
    nums = [v for v in _flat(ref) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    x = _top_left(value)
    if not isinstance(x, (int, float)) or x not in nums:
        return "#N/A"
    if order:
        return 1 + sum(1 for v in nums if v < x)
    return 1 + sum(1 for v in nums if v > x)


def _numbers(*args: Any) -> list[float]:
    return [v for v in _flat(*args) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _iferror(value: Any, fallback: Any) -> Any:
    v = _top_left(value)
    is_error = isinstance(v, str) and (
        v.startswith("#VALUE!") or v in {"#N/A", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"}
    )
    return fallback if is_error else value


def _match(value: Any, ref: Any, kind: Any = 1) -> Any:
    """MATCH with match type 0 (the first equal value, text compared without case), the only
    type the workbook uses."""
    if _num(kind) != 0:
        raise Unsupported("MATCH other than match type 0")
    x = _top_left(value)
    for i, v in enumerate(_flat(ref), start=1):
        if v == x or (isinstance(v, str) and isinstance(x, str) and v.casefold() == x.casefold()):
            return i
    return "#N/A"


_BUILTINS = {
    "INDEX": _index,
    "MATCH": _match,
    "ISNUMBER": lambda v: isinstance(_top_left(v), (int, float)) and not isinstance(_top_left(v), bool),
    "RANK": _rank,
    "CONCATENATE": lambda *a: "".join("" if _top_left(x) is None else str(_top_left(x)) for x in a),
    "SUM": lambda *a: sum(_numbers(*a)),
    "MIN": lambda *a: min(_numbers(*a), default=0),
    "MAX": lambda *a: max(_numbers(*a), default=0),
    "AVERAGE": lambda *a: sum(_numbers(*a)) / len(_numbers(*a)) if _numbers(*a) else "#DIV/0!",
    "COUNTA": lambda *a: sum(1 for v in _flat(*a) if v is not None),
    "COUNT": lambda *a: len(_numbers(*a)),
    "ABS": lambda a: abs(_num(a)),
    "ROUND": lambda a, n=0: round(_num(a), int(_num(n))),
    "IF": lambda c, a=True, b=False: a if _top_left(c) else b,
    "IFERROR": _iferror,
    "AND": lambda *a: all(_flat(*a)),
    "OR": lambda *a: any(_flat(*a)),
    "NOT": lambda a: not _top_left(a),
}
