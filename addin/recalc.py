"""Evaluate a workbook headlessly and store every formula's result as its cached value.

A Linux user, CI, the share command and the workbook builder need the workbook's
numbers without Excel.  :func:`recalc` evaluates every formula cell with the
``formulas`` engine (Excel built-ins) with our UDFs bound under their Excel names
for that evaluation only (:func:`engine_bound`), then writes the results into the
cells' cached values (``<v>``) of a copy of the file.  Everything else in the
file (VBA, charts, styles, formulas) is kept byte for byte: only the cell
elements of formula cells and of the cells their arrays spill into are
rewritten.  The output goes through a temporary file and an atomic rename;
the input is never touched unless it is the output.

The workbook is untrusted (it may come back from a recruiter), so:

- recalc never opens another file.  A workbook whose formulas or defined names refer
  to another workbook (``'[other.xlsx]Sheet'!A1``, ``'../dir/[other.xlsx]Sheet'!A1``, a
  path, a URL) is refused, in one line naming them, before anything is evaluated (the
  guard already refuses external-link parts); and the engine, which would load such a
  book from disk, is refused every book but the input (:func:`_model_class`), so a
  reference the scan missed would still be ``#REF!``.
- what it evaluates is bounded (:class:`Limits`): text results at Excel's 32,767
  characters (longer is ``#VALUE!``, as in Excel), every range a formula refers to
  (checked on the compiled formulas, before anything is evaluated), the formulas,
  the arrays functions and operators build, the calls of our functions and of
  LAMBDA, CPU time and memory.  Beyond a bound the workbook is refused with one line.
- the copy is checked by the input guard before it replaces anything, so nothing
  the guard would refuse is ever written.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import contextvars
import datetime as dt
import functools
import gc
import inspect
import itertools
import logging
import math
import os
import re
import signal
import tempfile
import threading
import time
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, get_args, get_origin
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from addin.io.columns import column_letters, column_number
from addin.results import MISSING, ResultCache
from calculators.errors import NegotiationError

__all__ = ["Recalc", "Limits", "LIMITS", "evaluate", "recalc", "engine_bound", "cell_list", "NAMESPACE"]

# The name the engine knows every evaluated workbook by (the shipped workbook's): see _model_class
ENGINE_BOOK = "negotiation.xlsm"
NAMESPACE = "NEGOTIATE"  # the functions' namespace on the Office.js route (addin.server)
# Excel saves a formula calling the Office.js custom function NEGOTIATE.OFFER_TC as
# _xldudf_NEGOTIATE_OFFER_TC (see addin.workbook.builder.RUNTIMES): recalc reads that spelling too.
OFFICE_JS_PREFIX = "_xldudf_"

_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ROW_RE = re.compile(r"(<row\b[^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ATTR_RE = re.compile(r'([\w:]+)="([^"]*)"')
_F_RE = re.compile(r"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)
_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_KEY_RE = re.compile(r"^'?(?:\[[^\]]*\])?(.+?)'?!(.+)$")


class _Missing(int):
    """An argument left empty, ``=F(a,,b)``: 0 to Excel's built-ins, missing (``None``) to UDFs."""


_MISSING = _Missing(0)

# Our functions' results, kept from one evaluation to the next in this process (most calls of a
# workbook evaluated again after a few cells changed are the same calls): addin.results.
RESULTS = ResultCache()


@dataclass(frozen=True)
class Recalc:
    """What a recalculation did: formula cells filled, spilled cells, UDF calls, errors.

    Cells are named ``SHEET!A1`` (the sheet's name in upper case).  ``no_result``: formula cells the engine
    gave no value, which is what a circular reference gets (recalc does not iterate);
    ``long_text``: text results longer than Excel allows, made ``#VALUE!``.
    """

    path: Path
    formula_cells: int
    spilled_cells: int
    udf_calls: int
    error_cells: tuple[str, ...]
    no_result: tuple[str, ...] = ()
    long_text: int = 0


def _first_cell(ref: str) -> tuple[int, int] | None:
    """(row, col) of ``A1``, or of the first cell of ``A1:C3``; ``None`` for anything else."""
    m = _REF_RE.match(ref.upper())
    if not m:
        return None
    r1, c1 = int(m[2]), column_number(m[1])
    if m[3] and (int(m[4]) < r1 or column_number(m[3]) < c1):  # no cell at all
        return None
    return r1, c1


def _cells_of(ref: str) -> list[tuple[int, int]]:
    """(row, col), 1-based, of every cell of ``A1`` or ``A1:C3``."""
    m = _REF_RE.match(ref.upper())
    if not m:
        return []
    c1, r1 = column_number(m[1]), int(m[2])
    c2, r2 = (column_number(m[3]), int(m[4])) if m[3] else (c1, r1)
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


# -- what one recalculation may do -----------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Bounds on one recalculation; a job-offer workbook stays far below every one.

    The text and formula bounds are Excel's own (Microsoft, "Excel specifications and
    limits", https://support.microsoft.com/en-us/office/excel-specifications-and-limits-
    1672b34d-7043-467e-8e27-269d656771c3: "Total number of characters that a cell can
    contain: 32,767 characters"; "Length of formula contents: 8,192 characters"; a sheet
    has 1,048,576 rows).  The others are recalc's work budget: the shipped workbook has
    about 1,100 formulas referring to 3,500 different cells (970,000 summed over its
    formulas) and makes about 1,050 function calls in about 5 s of CPU time.
    """

    text_chars: int = 32_767  # a text result longer than this is #VALUE!, as in Excel
    formula_chars: int = 8_192  # a longer formula is refused, Excel cannot hold it
    formulas: int = 10_000  # formula cells and defined names (each costs the engine some
    # 2 ms and 45 KiB to compile: 20,000 simple ones take 45 s and 1 GiB)
    range_cells: int = 1_048_576  # one range: a whole column, not a whole sheet
    referenced_cells: int = 50_000_000  # every formula's ranges, summed
    distinct_cells: int = 2_000_000  # the different ranges' cells (the engine holds some
    # 600 bytes for each cell of a range: a whole column takes 600 MiB)
    array_cells: int = 1_048_576  # an array formula's range, a merged or linked range, or an
    # array a function builds or an operator broadcasts to
    udf_calls: int = 10_000  # this add-in's functions actually run (not answered from cache)
    lambda_calls: int = 100_000  # LAMBDA evaluations (MAP, MAKEARRAY, SCAN, ...)
    cpu_seconds: float = 30.0  # CPU time of the evaluation (the main thread, POSIX;
    # the shipped workbook takes some 5 s, a 12-offer, 10-year one some 10 s)
    memory_mib: int = 2_048  # address space the evaluation may add (POSIX)


LIMITS = Limits()
_BUDGET_NOTE = "recalc's work budget"


class _Refused(BaseException):
    """Stops an evaluation from inside the engine, whose own handlers catch ``Exception``
    (a failing cell becomes an error value there); carries the one-line reason."""


def _counted(calls: int, bound: int, what: str) -> int:
    """``calls`` + 1, refusing the workbook once that is more than ``bound``: its formulas
    ``what`` (call our functions, evaluate LAMBDA) more often than the budget allows."""
    if calls + 1 > bound:
        raise _Refused(f"refused, its formulas {what} more than {bound:,} times ({_BUDGET_NOTE})")
    return calls + 1


@dataclass
class _Budget:
    """What one evaluation has used so far."""

    limits: Limits
    calls: int = 0  # calls of this add-in's functions, answered from cache or not
    udf_calls: int = 0  # the calls actually run
    lambda_calls: int = 0
    long_text: int = 0  # text results cut to #VALUE! (longer than Excel allows)
    memory_reached: bool = False  # the evaluation's memory came to its bound
    results: dict[tuple[str, str], Any] = field(default_factory=dict)  # (function, arguments)
    # -> result: within one evaluation, the same call gives the same result
    tables: dict[tuple[Any, ...], tuple[Any, list[list[Any]], str]] = field(default_factory=dict)

    def udf(self) -> None:
        self.udf_calls = _counted(self.udf_calls, self.limits.udf_calls, "call this add-in's functions")

    def table(self, grid: Any, convert: Callable[[], list[list[Any]]]) -> tuple[list[list[Any]], str]:
        """``convert()`` (a range as our functions take it) and its text, made once per
        evaluation for the same cells: the engine hands every formula that reads a range a
        new array, but of the same cell values, so an object array's bytes (the addresses
        of its values) name its content.  The array is kept, so no address is reused."""
        key = (grid.shape, grid.dtype.str, grid.tobytes())
        if key not in self.tables:
            rows = convert()
            self.tables[key] = (grid, rows, repr(rows))
        _, rows, text = self.tables[key]
        return rows, text

    def lambda_call(self) -> None:
        self.lambda_calls = _counted(self.lambda_calls, self.limits.lambda_calls, "evaluate LAMBDA")

    def array(self, cells: int, what: str) -> None:
        if cells > self.limits.array_cells:
            raise _Refused(
                f"refused, {what} would make an array of {cells:,} cells (recalc's "
                f"bound is {self.limits.array_cells:,})"
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("recalc_budget", default=None)


_MAX_ROW, _MAX_COL = 1_048_576, 16_384  # Excel's sheet
_CELL_PIECE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_PIECE = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROW_PIECE = re.compile(r"^\$?(\d+)$")
_BOOK_PART = re.compile(r"\[([^\]]*)\]")


def _area(r1: int, c1: int, r2: int, c2: int) -> int:
    return max(r2 - max(r1, 1) + 1, 0) * max(c2 - max(c1, 1) + 1, 0)


def _ref_area(ref: str) -> int:
    """Cells of an ``A1`` / ``A1:C3`` reference (0 when it is not one)."""
    box = _box(ref)
    return _area(*box) if box else 0


def _box(ref: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of an A1-style reference as written:
    ``B2``, ``B2:D9``, ``A:C`` and ``1:3`` (the whole sheet's rows or columns),
    ``A1:B2:XFD9`` (the box around every piece); ``None`` for anything else (a name)."""
    pieces = ref.strip().split(":")
    rows: list[int] = []
    cols: list[int] = []
    for piece in pieces:
        if m := _CELL_PIECE.match(piece):
            cols.append(column_number(m[1]))
            rows.append(int(m[2]))
        elif len(pieces) > 1 and (m := _COL_PIECE.match(piece)):
            cols.append(column_number(m[1]))
            rows += [1, _MAX_ROW]
        elif len(pieces) > 1 and (m := _ROW_PIECE.match(piece)):
            rows.append(int(m[1]))
            cols += [1, _MAX_COL]
        else:
            return None
    return min(rows), min(cols), max(rows), max(cols)


def _references(formula: str) -> tuple[tuple[str, str, str], ...]:
    """(operand as written, its book prefix or "", its reference) of every range operand of
    ``formula``, by openpyxl's tokenizer (the engine's own parse is not used: it reads
    ``B1:XFD1048576`` as ``B1``).  A formula of ordinary length is kept for the next
    evaluation, which scans the same formulas (tokenizing them is a tenth of an evaluation
    of the shipped workbook, whose longest formula has some 400 characters)."""
    if len(formula) <= _KEPT_FORMULA_CHARS:
        return _kept_references(formula)
    return tuple(_operands(formula))


_KEPT_FORMULA_CHARS = 1_000  # at most 4,096 kept: a few MiB however hostile the formulas


@functools.lru_cache(maxsize=4_096)
def _kept_references(formula: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(_operands(formula))


def _operands(formula: str) -> Iterator[tuple[str, str, str]]:
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        items = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    except Exception:  # the engine will say what it makes of it
        return
    for token in items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        operand = token.value
        prefix, ref = operand.rsplit("!", 1) if "!" in operand else ("", operand)
        if prefix.startswith("'") and prefix.endswith("'") and len(prefix) > 1:
            prefix = prefix[1:-1].replace("''", "'")
        m = _BOOK_PART.search(prefix)
        yield operand, prefix[: m.end()] if m else "", ref


@dataclass
class _Scan:
    """What the pre-scan found: formulas, cells referred to, references to other books."""

    name: str  # the input's file name
    limits: Limits
    formulas: int = 0
    referenced: int = 0  # cells of every range of every formula
    distinct: int = 0  # cells of the distinct ranges (what the engine holds)
    ranges: set[tuple[str, tuple[int, int, int, int]]] = field(default_factory=set)
    other_books: list[str] = field(default_factory=list)
    shared: dict[tuple[str, str], int] = field(default_factory=dict)  # (part, si) -> cells

    def formula(
        self,
        label: str,
        text: str,
        part: str = "",
        shared: str | None = None,
        key: str | None = None,
        sheet: str = "",
    ) -> None:
        """One formula (``label``: where it is; ``key``: the same as :class:`Recalc` names
        cells) as written: its length, every range it refers to, and whether it names
        another workbook."""
        lim = self.limits
        if len(text) > lim.formula_chars:
            raise NegotiationError(
                f"{self.name}: refused, {label} holds a formula longer than "
                f"{lim.formula_chars:,} characters (Excel's limit)"
            )
        cells, elsewhere = 0, False
        for operand, book, ref in _references(text):
            where = (operand.rsplit("!", 1)[0] if "!" in operand else sheet).strip("'")
            if book:
                directory, file = book.rsplit("[", 1)
                if directory or file.rstrip("]").casefold() != self.name.casefold():
                    elsewhere = True  # never opened, so no cells to count
                    continue
            box = _box(ref)
            if box is None:
                continue
            n = _area(*box)
            if n > lim.range_cells:
                raise NegotiationError(
                    f"{self.name}: refused, {label} refers to {operand.replace('$', '')}, "
                    f"{n:,} cells (recalc evaluates ranges of at most {lim.range_cells:,} cells)"
                )
            cells += n
            if (where.upper(), box) not in self.ranges:
                self.ranges.add((where.upper(), box))
                self.distinct += n
        if elsewhere:
            self.other_books.append(key or label)
        if shared is not None:
            self.shared[(part, shared)] = cells
        self.refer(cells, 0)

    def refer(self, cells: int, distinct: int) -> None:
        self.referenced += cells
        self.distinct += distinct
        lim = self.limits
        if self.referenced > lim.referenced_cells:
            raise NegotiationError(
                f"{self.name}: refused, its formulas refer to more than "
                f"{lim.referenced_cells:,} cells in all ({_BUDGET_NOTE})"
            )
        if self.distinct > lim.distinct_cells:
            raise NegotiationError(
                f"{self.name}: refused, its formulas refer to more than "
                f"{lim.distinct_cells:,} different cells ({_BUDGET_NOTE}: the engine holds "
                "each one)"
            )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan_package(path: Path, limits: Limits) -> _Scan:
    """Refuse, before the engine reads anything, what would make it (or openpyxl under it)
    blow up, or evaluate something else than the formula says: more formulas than the
    budget, a formula longer than Excel allows, a range larger than
    :attr:`Limits.range_cells` or more cells referred to in all than
    :attr:`Limits.referenced_cells` (each formula's references as written), an array
    formula, a merged range or a hyperlink over more cells than :attr:`Limits.array_cells`
    (openpyxl makes an object for every cell of the last two).  Returns what it found,
    with the formulas and names that refer to another workbook.

    Every XML part whose root is a worksheet (or the workbook part, for its defined names)
    is read, whatever its name, as a stream whose memory stays bounded: each element is
    dropped once read; the guard has already refused document type declarations and
    bounded the sizes.
    """
    scan = _Scan(path.name, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            titles = {part: title for title, part in _sheet_parts(zf, titles=True).items()}
            for info in zf.infolist():
                if info.filename.lower().endswith(".xml"):
                    with zf.open(info) as fh:
                        _scan_part(
                            fh,
                            scan,
                            info.filename,
                            titles.get(info.filename),
                            info.filename == "xl/workbook.xml",
                        )
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, OSError, EOFError):
        raise NegotiationError(f"{path.name}: the workbook's parts could not be read") from None
    if scan.formulas > limits.formulas:
        raise NegotiationError(
            f"{path.name}: refused, it holds more than {limits.formulas:,} formulas ({_BUDGET_NOTE})"
        )
    return scan


def _scan_part(fh: Any, scan: _Scan, part: str, title: str | None, workbook: bool) -> None:
    """One part, as :func:`_scan_package` says."""
    lim, name = scan.limits, scan.name
    where = title or part
    merged = linked = 0
    stack: list[ElementTree.Element] = []
    cell = ""
    uses: dict[str, int] = {}  # shared formula -> cells using it without its text
    try:
        for event, elem in ElementTree.iterparse(fh, events=("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if not stack and tag != ("workbook" if workbook else "worksheet"):
                    return  # nothing the engine evaluates
                stack.append(elem)
                if tag == "c":
                    cell = elem.get("r", "")
                elif tag == "mergeCell":
                    merged += _ref_area(elem.get("ref", ""))
                    if merged > lim.array_cells:
                        raise NegotiationError(
                            f"{name}: refused, sheet {where} merges more than {lim.array_cells:,} cells"
                        )
                elif tag == "hyperlink" and ":" in elem.get("ref", ""):
                    linked += _ref_area(elem.get("ref", ""))
                    if linked > lim.array_cells:
                        raise NegotiationError(
                            f"{name}: refused, sheet {where} gives more "
                            f"than {lim.array_cells:,} cells a hyperlink"
                        )
                continue
            stack.pop()
            if tag in ("f", "definedName"):
                scan.formulas += 1
                if scan.formulas > lim.formulas:
                    return  # refused by the caller
                text = elem.text or ""
                defined = elem.get("name", "?")
                label = f"{where}!{cell}" if tag == "f" else f"the name {defined}"
                si = elem.get("si") if elem.get("t") == "shared" else None
                if text or si is None:
                    scan.formula(
                        label,
                        text,
                        part,
                        si,
                        f"{where.upper()}!{cell}" if tag == "f" else f"name {defined}",
                        where if tag == "f" else "",
                    )
                else:
                    uses[si] = uses.get(si, 0) + 1
                ref = elem.get("ref", "")
                if tag == "f" and elem.get("t") == "array" and ref:
                    cells = _ref_area(ref)
                    if cells > lim.array_cells:
                        raise NegotiationError(
                            f"{name}: refused, {label} is an array formula over {ref}, "
                            f"{cells:,} cells (recalc's bound is {lim.array_cells:,})"
                        )
            if stack:
                stack[-1].remove(elem)  # read: drop it, so memory stays bounded
    except ElementTree.ParseError:
        raise NegotiationError(f"{name}: the workbook's parts could not be read") from None
    for si, n in uses.items():  # each cell sharing a formula refers to as many cells
        cells = n * scan.shared.get((part, si), 0)
        scan.refer(cells, cells)


# -- UDFs bound into the formulas engine ---------------------------------------------------


def _wants_table(func: Callable[..., Any]) -> list[bool]:
    """Per parameter: whether xlwings would pass it as a 2-D list (``ndim=2``)."""
    flags = []
    for p in inspect.signature(func).parameters.values():
        meta = get_args(p.annotation)[1:] if get_origin(p.annotation) is not None else ()
        flags.append(any(isinstance(m, dict) and m.get("ndim") == 2 for m in meta))
    return flags


def _adapter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as the engine calls it: cells in, cells out.  Calls are counted, and answered
    once per evaluation, in the evaluation's :class:`_Budget`, so a formula compiled in one
    evaluation may be reused by the next; a call an earlier evaluation made is answered from
    :data:`RESULTS` (keyed by the day too for a function that reads today), and still counts
    against this evaluation's bound on calls."""
    import numpy as np
    import schedula as sh
    from formulas.ranges import Ranges
    from formulas.tokens.operand import XlError

    from addin.udfs.negotiation import READS_TODAY

    tables = _wants_table(func)
    dated = name in READS_TODAY  # a blank as_of is today: the day is part of the key

    def plain(v: Any) -> Any:
        if v is sh.EMPTY or v is None:
            return None
        if isinstance(v, XlError):
            return str(v)
        if isinstance(v, np.generic):
            return v.item()
        return v

    def arg(i: int, a: Any, budget: _Budget | None) -> tuple[Any, str]:
        """The argument as xlwings would pass it, and its exact text (1, 1.0, True and "1"
        differ).  A range is converted once per evaluation (:meth:`_Budget.table`)."""
        if a is _MISSING:
            return None, "None"
        if isinstance(a, Ranges):
            a = a.value
        if isinstance(a, np.ndarray):
            grid = a if a.ndim == 2 else a.reshape(1, -1)
            if grid.size == 1 and not (i < len(tables) and tables[i]):
                value = plain(grid.flat[0])
                return value, repr(value)
            if budget is None:
                rows = [[plain(x) for x in row] for row in grid]
                return rows, repr(rows)
            rows, text = budget.table(grid, lambda: [[plain(x) for x in row] for row in grid])
            return [list(row) for row in rows], text  # a copy: the function may change it
        value = plain(a)
        value = [[value]] if i < len(tables) and tables[i] else value
        return value, repr(value)

    def call(*args: Any) -> Any:
        budget = _BUDGET.get()
        pairs = [arg(i, a, budget) for i, a in enumerate(args)]
        values = tuple(v for v, _ in pairs)
        if budget is None:  # not inside an evaluation: nothing to count or share
            return to_engine(func(*values))
        budget.calls += 1
        key = (name, "\x00".join(text for _, text in pairs))  # no repr holds a NUL
        if key not in budget.results:
            budget.udf()  # counted as run whether or not an earlier evaluation ran it
            kept = (name, f"{dt.date.today()}\x00{key[1]}") if dated else key
            result = RESULTS.get(kept)
            if result is MISSING:
                result = func(*values)
                RESULTS.put(kept, result)
            budget.results[key] = to_engine(result)
        result = budget.results[key]
        return result.copy() if isinstance(result, np.ndarray) else result

    def to_engine(result: Any) -> Any:
        if isinstance(result, list):
            rows = [r if isinstance(r, list) else [r] for r in result]
            width = max((len(r) for r in rows), default=1)
            grid = np.empty((len(rows), width), dtype=object)
            grid[:] = sh.EMPTY
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    grid[i, j] = "" if v is None else v  # xlwings sends None as an empty cell
            return grid
        return "" if result is None else result

    return functools.update_wrapper(call, func)


@functools.lru_cache(maxsize=1)
def _adapters() -> dict[str, Callable[..., Any]]:
    """Engine name -> adapter, for every UDF of ``addin.udfs`` under each name a file may
    spell it with: the bare name (classic xlwings, Windows), ``NEGOTIATE.NAME`` (Office.js)
    and ``_xldudf_NEGOTIATE_NAME`` (how Excel saves an Office.js custom function)."""
    from addin import udfs
    from addin.cells import UDFS

    out = {}
    for name in UDFS:
        bound = _adapter(name, getattr(udfs, name))
        out[name.upper()] = bound
        out[f"{NAMESPACE}.{name.upper()}"] = bound
        out[f"{OFFICE_JS_PREFIX}{NAMESPACE}_{name}".upper()] = bound
    return out


# -- the engine, bounded: one book, sparse sheets, capped text ---------------------------------

# An unquoted reference into another book, [book.xlsx]Sheet!A1, which the engine's parser
# does not read (it reads the quoted form); looked for outside string literals.
_STRING_RE = re.compile(r'"[^"]*"')
_BOOK_REF_RE = re.compile(r"\[[^\]\[]+\][^!\s]*!")


class _OtherBook(Exception):
    """A reference into another workbook: the engine turns it into ``#REF!``."""


class _SparseRows:
    """``Worksheet.iter_rows`` over the cells the sheet holds, nothing else.

    openpyxl's own walks every coordinate of the box (creating the missing cells): one far
    cell at XFD1048576 makes that 17 billion.  The engine only compiles cells that hold
    something, so skipping the empty ones changes no result.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.size = -1
        self.rows: list[int] = []
        self.cols: dict[int, tuple[list[int], list[Any]]] = {}

    def _index(self) -> None:
        if self.size == len(self.ws._cells):
            return
        by_row: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), cell in self.ws._cells.items():
            by_row.setdefault(r, []).append((c, cell))
        self.rows = sorted(by_row)
        self.cols = {}
        for r, cells in by_row.items():
            cells.sort(key=lambda t: t[0])
            self.cols[r] = ([c for c, _ in cells], [x for _, x in cells])
        self.size = len(self.ws._cells)

    def __call__(
        self,
        min_row: int | None = None,
        max_row: int | None = None,
        min_col: int | None = None,
        max_col: int | None = None,
        values_only: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        self._index()
        r1, r2 = min_row or 1, max_row or (self.rows[-1] if self.rows else 0)
        c1, c2 = min_col or 1, max_col or 1 << 30
        lo, hi = bisect.bisect_left(self.rows, r1), bisect.bisect_right(self.rows, r2)
        for r in self.rows[lo:hi]:
            cols, cells = self.cols[r]
            a, b = bisect.bisect_left(cols, c1), bisect.bisect_right(cols, c2)
            if a < b:
                yield tuple(c.value for c in cells[a:b]) if values_only else tuple(cells[a:b])


def _model_class() -> type:
    from formulas import ExcelModel
    from formulas.excel import BOOK, _decode_path, _encode_path

    from addin.pipes import compile_cell

    class OneBookModel(ExcelModel):  # type: ignore[misc, valid-type]
        """The engine's model, reading the input and never any other file.

        The engine loads any workbook a reference names, ``'[other.xlsx]Sheet'!A1`` or
        ``'../dir/[other.xlsx]Sheet'!A1``, from disk (``ExcelModel.add_book``, called for
        every reference it follows): here every book but the input is refused before any
        path is touched, and the engine makes such a reference ``#REF!``.  The input's
        external-link parts are never resolved to paths either.
        """

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path
            self.key: str | None = None  # the engine's key of the input, once loaded

        def book_key(self, book: Any) -> str | None:
            """The key ``ExcelModel.add_book`` files ``book`` under (string work only)."""
            if not isinstance(book, str) or self.basedir is None:
                return None
            parts = _encode_path(book).split("/")
            directory, filename = "/".join(parts[:-1]), parts[-1]
            if directory:
                directory = _encode_path(
                    os.path.relpath(os.path.join(self.basedir, _decode_path(directory)), self.basedir)
                )
            if directory == ".":
                directory = ""
            return _encode_path(os.path.join(_decode_path(directory), filename)).upper()

        def add_book(self, book: Any = None, context: Any = None, data_only: bool = False) -> Any:
            if self.key is None:  # the input itself, first and once
                if book != str(self.path):
                    raise _OtherBook(str(book))
                from formulas.excel.xlreader import load_workbook

                # filed under one name whatever the file is called: a formula compiles to
                # a function of the cells of its book, named, so under one name a workbook
                # reuses what one of the same layout compiled (see _COMPILED)
                self.key = ENGINE_BOOK.upper()
                data = self.books.setdefault(self.key, {})
                data[BOOK] = load_workbook(str(self.path), data_only=data_only)
                # no external links: the engine would resolve each one to a path on disk
                data["external_links"] = {}
                loaded, ctx = super().add_book(str(self.path.with_name(ENGINE_BOOK)), context, data_only)
                if ctx.get("excel") != self.key:
                    raise _OtherBook(str(book))
                for ws in loaded.worksheets:
                    ws.iter_rows = _SparseRows(ws)
                return loaded, ctx
            key = self.book_key(book)
            if key != self.key or BOOK not in self.books.get(key, {}):
                raise _OtherBook(str(book))  # complete() makes the reference #REF!
            return super().add_book(book, context, data_only)

        def _compile_cell(self, crd: Any, val: Any, context: Any, check_formula: Any, references: Any) -> Any:
            key = None
            if isinstance(val, str) and val.startswith("="):
                val = _classic_spelling(val)
            if isinstance(val, str) and val.startswith("=") and check_formula and not references:
                key = (context.get("excel"), context.get("sheet"), crd, val)
                if key in _COMPILED:
                    _COMPILED.move_to_end(key)
                    return _COMPILED[key]
            try:
                cell = compile_cell(crd, val, context, check_formula, references)
            except Exception:  # the parser's FormulaError, or a range it cannot name
                where = f"{context.get('sheet', '?')}!{crd}"
                if isinstance(val, str) and _BOOK_REF_RE.search(_STRING_RE.sub("", val)):
                    return ExcelModel._compile_cell(crd, "=#REF!", context, check_formula, references)
                raise _Refused(f"{where}: the formula could not be read") from None
            if key is not None:
                _COMPILED[key] = cell
                while len(_COMPILED) > _COMPILED_MAX:
                    _COMPILED.popitem(last=False)
            return cell

    return OneBookModel


# A quoted text or sheet name of a formula, and a UDF called by its Office.js spelling (outside those)
_QUOTED_RE = re.compile(r"(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*')")
_WEB_CALL_RE = re.compile(
    rf"(?<![\w.])(?:{OFFICE_JS_PREFIX}{NAMESPACE}_|{NAMESPACE}\.)(\w+)(?=\s*\()", re.IGNORECASE
)


def _classic_spelling(formula: str) -> str:
    """``formula`` with each UDF called by its classic name: ``NEGOTIATE.OFFER_TC(`` and
    ``_xldudf_NEGOTIATE_OFFER_TC(`` become ``OFFER_TC(`` (:func:`_adapters` binds all three
    to the same function), so a web workbook reuses what a Windows one of the same layout
    compiled.  Texts and quoted sheet names are left as they are; so is a name no UDF has.

    >>> _classic_spelling('=_xldudf_NEGOTIATE_OFFER_TC(A1, "NEGOTIATE.NET_PAY(")+negotiate.net_pay (B2)')
    '=OFFER_TC(A1, "NEGOTIATE.NET_PAY(")+net_pay (B2)'
    >>> _classic_spelling("='NEGOTIATE.OFFER_TC(x'!A1+NEGOTIATE.NOT_A_UDF(1)")
    "='NEGOTIATE.OFFER_TC(x'!A1+NEGOTIATE.NOT_A_UDF(1)"
    """
    if NAMESPACE.lower() not in formula.lower():
        return formula
    known = _adapters()

    def classic(m: re.Match[str]) -> str:
        return m[1] if m[0].upper() in known and m[1].upper() in known else m[0]

    parts = _QUOTED_RE.split(formula)
    return "".join(p if i % 2 else _WEB_CALL_RE.sub(classic, p) for i, p in enumerate(parts))


# Compiled formulas, kept between evaluations: compiling is most of the engine's work (some
# 4 ms a formula), and the same formula at the same cell of the same sheet compiles to the
# same function (every workbook is filed under ENGINE_BOOK; the functions a formula calls
# keep no state of their own: see _adapter and _bounded_functions).  A formula that depends
# on defined names is compiled every time.
_COMPILED: collections.OrderedDict[tuple[Any, ...], Any] = collections.OrderedDict()
_COMPILED_MAX = 6_000  # some 45 KiB each: the shipped workbook holds some 1,100


def _text_length(value: Any) -> int:
    """Characters ``value`` has as text in the engine (0 for blank and errors)."""
    import schedula as sh
    from formulas.functions.text import _str
    from formulas.tokens.operand import XlError

    if isinstance(value, str) and not isinstance(value, XlError):
        return len(value)
    if value is sh.EMPTY or value is None or isinstance(value, XlError):
        return 0
    try:
        return len(_str(value))
    except Exception:  # not text-like: the function itself says what it is
        return 0


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _plain(a: Any) -> Any:
    from formulas.ranges import Ranges

    return a.value if isinstance(a, Ranges) else a


def _current() -> _Budget:
    """The budget of the evaluation under way (a fresh one outside any)."""
    return _BUDGET.get() or _Budget(LIMITS)


@functools.lru_cache(maxsize=1)
def _bounded_functions() -> tuple[tuple[dict[str, Any], str, Callable[..., Any]], ...]:
    """(table, name, replacement): the engine's functions and operators that can build
    unbounded text, arrays or ranges, each wrapped in a check against the budget of the
    evaluation under way (:func:`_current`).  Made once: a compiled formula holds the
    function it calls, so a formula compiled in one evaluation and reused in the next
    is checked against the next one's budget.

    Text: a result longer than :attr:`Limits.text_chars` is ``#VALUE!``, as in Excel,
    decided from the arguments before the text is built (``REPT("x", 1e9)`` never
    allocates).  Arrays: an operator or a function whose result would exceed
    :attr:`Limits.array_cells` refuses the workbook.  (The engine builds no reference at
    run time: INDIRECT and OFFSET are not among its functions, INDEX returns values.)
    """
    import numpy as np
    import schedula as sh
    from formulas.functions import Array, get_functions
    from formulas.functions.operators import OPERATORS
    from formulas.tokens.operand import Error

    registry = get_functions()
    value_error = Error.errors["#VALUE!"]
    out: list[tuple[dict[str, Any], str, Callable[..., Any]]] = []

    def too_long(n: int) -> bool:
        budget = _current()
        if n > budget.limits.text_chars:
            budget.long_text += 1
            return True
        return False

    def elementwise(
        table: dict[str, Any], key: str, fix: Callable[..., tuple[Any, ...] | None] | None
    ) -> None:
        """Per element (as the engine broadcasts): ``fix(*element) -> new element or None``;
        a new element with ``#VALUE!`` first makes the engine's function return it."""
        if key not in table:  # a defaultdict: reading a missing key would add it
            return
        original = table[key]

        def call(*args: Any) -> Any:
            try:
                values = [np.asarray(_plain(a), dtype=object) for a in args]
            except Exception:  # a reference without values: the engine's own handling
                return original(*args)
            shapes = [v.shape for v in values if v.ndim]
            if shapes:
                rows = max(s[0] for s in shapes)
                cols = max((s[1] if len(s) > 1 else 1) for s in shapes)
                _current().array(rows * cols, f"the operator {key}" if table is OPERATORS else key)
            if fix is None:
                return original(*args)
            try:
                arrays = np.broadcast_arrays(*values)
            except ValueError:
                return original(*args)
            fixed: list[Any] | None = None
            for idx in np.ndindex(arrays[0].shape if arrays else ()):
                try:
                    new = fix(*(a[idx] for a in arrays))
                except (ArithmeticError, TypeError, ValueError):  # REPT(x, 1E+400) ...
                    new = None  # ... the engine's function says what it makes of it
                if new is not None:
                    if fixed is None:
                        fixed = [np.array(a, dtype=object) for a in arrays]
                    for target, v in zip(fixed, new, strict=False):
                        target[idx] = v
            if fixed is None:
                return original(*args)
            return original(*(f[()] if f.ndim == 0 else f.view(Array) for f in fixed))

        out.append((table, key, functools.update_wrapper(call, original)))

    def measured(key: str, measure: Callable[..., float], check: Callable[[float], Any]) -> None:
        """``registry[key]`` with its arguments measured first, ``measure(*args)`` (0 when
        that fails: the engine's function reports bad arguments itself), and ``check``ed:
        ``check(n)`` is a result to give instead, or ``None`` to call the function."""
        if key not in registry:
            return
        original = registry[key]

        def call(*args: Any) -> Any:
            try:
                n = measure(*(_plain(a) for a in args))
            except Exception:
                n = 0
            instead = check(n)
            return original(*args) if instead is None else instead

        out.append((registry, key, functools.update_wrapper(call, original)))

    def whole(key: str, length: Callable[..., int]) -> None:
        """One result from all the arguments: ``#VALUE!`` when ``length(*args)`` is too long."""
        measured(
            key,
            length,
            lambda n: np.asarray([[value_error]], object).view(Array) if too_long(int(n)) else None,
        )

    def items(*values: Any) -> Iterator[Any]:
        for v in values:
            if isinstance(v, np.ndarray):
                yield from v.ravel()
            else:
                yield v

    def rept(text: Any, times: Any, *rest: Any) -> tuple[Any, ...] | None:
        n = 0.0 if times is sh.EMPTY else _as_float(times)
        if n is not None and too_long(_text_length(text) * max(int(n), 0)):
            return (value_error, times, *rest)
        return None

    def joined(*values: Any) -> tuple[Any, ...] | None:
        if too_long(sum(_text_length(v) for v in values)):
            return (value_error, *values[1:])
        return None

    def substitute(text: Any, old: Any, new: Any, *instance: Any) -> tuple[Any, ...] | None:
        t, o, n = (v if isinstance(v, str) else "" if v is sh.EMPTY else None for v in (text, old, new))
        if t is None or o is None or n is None:
            return None
        if o == "":  # Excel returns the text unchanged (Python's replace would insert)
            return (text, old, "", *instance)
        if not instance and too_long(len(t) + t.count(o) * (len(n) - len(o))):
            return (value_error, old, new)
        if instance and too_long(len(t) + max(len(n) - len(o), 0)):
            return (value_error, old, new, *instance)
        return None

    def replace(old: Any, start: Any, count: Any, new: Any) -> tuple[Any, ...] | None:
        s, c = _as_float(start), _as_float(count)
        if s is None or c is None:
            return None
        i, j, n = int(s) - 1, int(s) - 1 + int(c), _text_length(old)
        if 0 <= i <= j and too_long(min(i, n) + _text_length(new) + max(n - j, 0)):
            return (value_error, start, count, new)
        return None

    def textjoin(delimiter: Any, ignore_empty: Any, *texts: Any) -> int:
        first = next(items(delimiter), "")
        skip = bool(next(items(ignore_empty), False))
        parts = [v for v in items(*texts) if not (skip and v is sh.EMPTY)]
        return sum(map(_text_length, parts)) + _text_length(first) * max(len(parts) - 1, 0)

    def concat(*texts: Any) -> int:
        return sum(_text_length(v) for v in items(*texts))

    def arraytotext(array: Any, *fmt: Any) -> int:
        parts = list(items(array))
        return sum(_text_length(v) + 2 for v in parts) + 2 * max(len(parts) - 1, 0)

    for op in ("+", "-", "*", "/", "^", ">=", "<=", "<>", "<", ">", "="):
        elementwise(OPERATORS, op, None)
    elementwise(OPERATORS, "&", joined)
    elementwise(registry, "REPT", rept)
    for key in ("CONCATENATE", "_XLFN.CONCATENATE"):
        elementwise(registry, key, joined)
    elementwise(registry, "SUBSTITUTE", substitute)
    for key in ("REPLACE", "REPLACEB"):
        elementwise(registry, key, replace)
    for key in ("TEXTJOIN", "_XLFN.TEXTJOIN"):
        whole(key, textjoin)
    for key in ("CONCAT", "_XLFN.CONCAT"):
        whole(key, concat)
    for key in ("ARRAYTOTEXT", "_XLFN.ARRAYTOTEXT"):
        whole(key, arraytotext)

    def sized(key: str, cells: Callable[..., float]) -> None:
        """A function that builds an array from numbers it is given: refused when the
        array would be larger than :attr:`Limits.array_cells`."""
        measured(key, cells, lambda n: _current().array(int(min(n, 1e18)), key.removeprefix("_XLFN.")))

    def biggest(v: Any) -> float:
        nums = [
            x
            for x in (_as_float(e) for e in items(np.asarray(v, dtype=object)))
            if x is not None and math.isfinite(x)
        ]
        return max(nums, default=0.0)

    def shape(v: Any) -> tuple[int, int]:
        a = np.asarray(v, dtype=object)
        return (a.shape + (1, 1))[:2] if a.ndim else (1, 1)

    def stacked(*arrays: Any, axis: int) -> float:
        shapes = [shape(a) for a in arrays]
        return sum(s[axis] for s in shapes) * max((s[1 - axis] for s in shapes), default=0)

    for prefix in ("", "_XLFN."):
        sized(prefix + "MUNIT", lambda n: biggest(n) ** 2 * max(np.size(n), 1))
        sized(prefix + "MAKEARRAY", lambda r, c, *f: biggest(r) * biggest(c))
        sized(
            prefix + "EXPAND",
            lambda a, r, c=None, *p: biggest(r) * (shape(a)[1] if c is None else biggest(c)),
        )
        sized(prefix + "WRAPROWS", lambda a, n, *p: np.size(a) + biggest(n))
        sized(prefix + "WRAPCOLS", lambda a, n, *p: np.size(a) + biggest(n))
        sized(prefix + "HSTACK", lambda *a: stacked(*a, axis=1))
        sized(prefix + "VSTACK", lambda *a: stacked(*a, axis=0))
    sized("MMULT", lambda a, b: shape(a)[0] * shape(b)[1])

    return tuple(out)


@contextlib.contextmanager
def _silent_logs() -> Iterator[None]:
    """The engine logs a warning for every reference it cannot load (with its path) and
    every failing cell (with a traceback); a command shows one line, so they are dropped."""
    saved = []
    for name in ("formulas", "schedula"):
        logger = logging.getLogger(name)
        saved.append((logger, logger.handlers[:], logger.propagate))
        logger.handlers = [logging.NullHandler()]
        logger.propagate = False
    try:
        yield
    finally:
        for logger, handlers, propagate in saved:
            logger.handlers, logger.propagate = handlers, propagate


@contextlib.contextmanager
def _cpu_budget(seconds: float) -> Iterator[None]:
    """Stop the evaluation after ``seconds`` of CPU time (any loop the other bounds miss:
    a wildcard or regular expression that backtracks for hours).  Signals reach the main
    thread only: elsewhere, and where there is no ``setitimer``, nothing is armed.  A timer
    already armed (an enclosing evaluation's) is armed again afterwards with what is left."""
    if (
        threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or not hasattr(signal, "SIGPROF")
    ):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _Refused(
            f"refused, evaluating its formulas took more than {seconds:g} s of CPU time ({_BUDGET_NOTE})"
        )

    previous = signal.signal(signal.SIGPROF, expired)
    start = time.process_time()
    outer, _ = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer:  # a block nested in an evaluation: what is left of that one's budget
            signal.setitimer(signal.ITIMER_PROF, max(outer - (time.process_time() - start), 1e-3))


def _vm_peak() -> int | None:
    """The process's peak address space in bytes (Linux), or ``None``."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@contextlib.contextmanager
def _memory_budget(budget: _Budget) -> Iterator[None]:
    """At most :attr:`Limits.memory_mib` more address space while the engine runs, so a
    result that would not fit is a ``MemoryError`` instead of the machine swapping or the
    process being killed.  The engine turns a ``MemoryError`` into ``#VALUE!`` in the cell
    (it does so with any exception), so the evaluation also notes whether its memory came
    to within 64 MiB of the bound (``budget.memory_reached``), which refuses the workbook.
    POSIX with ``/proc`` only; a limit already lower is kept."""
    try:
        import resource
    except ImportError:  # Windows
        yield
        return
    mib = budget.limits.memory_mib
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):  # no /proc: no limit
        yield
        return
    limit = used + mib * (1 << 20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    before = _vm_peak() or 0
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        peak = _vm_peak() or 0
        budget.memory_reached = peak > before and peak >= limit - (64 << 20)


# The engine makes millions of small objects, among the compiled formulas kept between
# evaluations (_COMPILED): at Python's default thresholds the cyclic collector runs some 3,000
# times an evaluation and takes a quarter of it.  Collected less often, an evaluation of the
# shipped workbook takes some 30 % less CPU time and some 20 MB more memory; no result changes.
_GC_THRESHOLDS = (100_000, 50, 100)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


_ABSENT = object()  # a name a table, class or module did not hold (of its own)


@functools.lru_cache(maxsize=1)
def _settings() -> tuple[tuple[Any, str, Any], ...]:
    """(target, name, value): every change an evaluation makes to the engine's process-wide
    state.  A target that is a dict (the function table, the operators) gets the entry
    ``name``; any other (a module, a class) the attribute ``name``.

    The engine draws a progress bar on stderr (a command should not) and compiles an empty
    argument to 0, where Excel passes a UDF *missing*; LAMBDA calls are counted; its text,
    array and range functions are bounded (:func:`_bounded_functions`); and our functions
    are bound under every name a file may spell them with (:func:`_adapters`).  Made once,
    before any is set, so what each wraps is the engine's own; none holds an evaluation's
    state (each reads the budget of the evaluation under way, :func:`_current`), so
    setting them again, in a nested block, changes nothing.
    """
    import formulas.excel as engine
    import tqdm
    from formulas.functions import get_functions
    from formulas.tokens.function import LambdaFunction
    from formulas.tokens.operand import Empty

    lambda_call = LambdaFunction.__call__

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        _current().lambda_call()
        return lambda_call(self, *args, **kwargs)

    registry = get_functions()
    return (
        (engine, "tqdm", types.SimpleNamespace(tqdm=functools.partial(tqdm.tqdm, disable=True))),
        (Empty, "compile", staticmethod(lambda: _MISSING)),
        (LambdaFunction, "__call__", functools.update_wrapper(counted, lambda_call)),
        *_bounded_functions(),
        *((registry, name, adapter) for name, adapter in _adapters().items()),
    )


_ENGINE = threading.RLock()  # the engine's state is the process's: one evaluation at a time
# (re-entrant: a block nested in the same thread goes on, and puts back what it found)


@contextlib.contextmanager
def engine_bound(limits: Limits | None = None) -> Iterator[_Budget]:
    """The formulas engine set up for one evaluation (:func:`_settings`), for the block only;
    yields the evaluation's budget (``limits``: :data:`LIMITS` unless given).

    The engine's tables and classes are the whole process's: the block holds ``_ENGINE``
    (another thread's block waits; a block nested in this thread goes on), and on leaving
    it, normally or by an exception, every table it set an entry in is as it was (every
    entry its value before, every entry added meanwhile, by us or by the engine, which
    adds one when a formula names a function it does not know, removed) and every
    attribute it set has its value before.  Logging, the cyclic collector, CPU time and
    memory are set for the block and put back the same way.
    """
    with _ENGINE:
        settings = _settings()
        tables = {id(t): (t, dict(t)) for t, _, _ in settings if isinstance(t, dict)}
        attributes = [(t, n, vars(t).get(n, _ABSENT)) for t, n, _ in settings if not isinstance(t, dict)]
        budget = _Budget(limits or LIMITS)
        token = _BUDGET.set(budget)
        try:
            for target, name, value in settings:
                if isinstance(target, dict):
                    target[name] = value
                else:
                    setattr(target, name, value)
            with (
                _silent_logs(),
                _fewer_collections(),
                _memory_budget(budget),
                _cpu_budget(budget.limits.cpu_seconds),
            ):
                yield budget
        finally:
            _BUDGET.reset(token)
            for target, name, before in attributes:
                if before is _ABSENT:
                    delattr(target, name)
                else:
                    setattr(target, name, before)
            for table, saved in tables.values():
                for key in table.keys() - saved.keys():
                    del table[key]
                for key, value in saved.items():
                    if table.get(key, _ABSENT) is not value:  # .get: adds nothing to a defaultdict
                        table[key] = value


# -- evaluating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evaluation:
    values: dict[tuple[str, int, int], Any]
    udf_calls: int
    no_result: tuple[str, ...]
    long_text: int


def _cell_label(output: str) -> str:
    """``SHEET!A1`` for the engine's ``'[book.xlsx]SHEET'!A1`` (a range: its first cell)."""
    m = _KEY_RE.match(output)
    if not m:
        return output
    cells = _cells_of(m[2])
    ref = f"{column_letters(cells[0][1])}{cells[0][0]}" if cells else m[2]
    return f"{m[1].upper()}!{ref}"


def _memory_error(exc: BaseException) -> bool:
    """Whether ``exc`` is, or carries (the engine wraps what a cell raised), a MemoryError."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            break
        if isinstance(current, MemoryError):
            return True
        current = getattr(current, "ex", None) or current.__cause__ or current.__context__
    return False


def cell_list(cells: tuple[str, ...] | list[str], shown: int = 5) -> str:
    """``A!B1, A!B2 and 3 more``: the first ``shown`` cells of a message, and how many more."""
    more = f" and {len(cells) - shown} more" if len(cells) > shown else ""
    return ", ".join(cells[:shown]) + more


def _other_books(where: list[str]) -> str:
    """``2 formulas and 1 defined name refer to other workbooks (A!B1, ...)``."""
    names = sum(1 for c in where if c.startswith("name "))
    cells = len(where) - names
    what = " and ".join(
        f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((cells, "formula"), (names, "defined name")) if n
    )
    verb = "refers" if len(where) == 1 else "refer"
    return f"{what} {verb} to other workbooks ({cell_list(where)})"


def _evaluate(path: str | os.PathLike[str], limits: Limits | None = None) -> _Evaluation:
    import numpy as np
    import schedula as sh
    from formulas.cell import Ref
    from formulas.tokens.operand import XlError

    from addin.io.guard import check_workbook

    limits = limits or LIMITS
    src = check_workbook(Path(path))  # untrusted input: bounded zip, no foreign VBA, no DTDs
    name = src.name
    scan = _scan_package(src, limits)
    if scan.other_books:  # refused before the engine reads anything: nothing is evaluated
        raise NegotiationError(
            f"{name}: refused, {_other_books(scan.other_books)}; recalc "
            "never opens another file (break the links, in Excel: Data > "
            "Edit Links > Break Link)"
        )
    model = _model_class()(Path(os.path.abspath(src)))
    try:
        with engine_bound(limits) as budget:
            model.loads(str(model.path))
            model.finish()
            # a cell that ran out of memory stops the evaluation (the engine would go on)
            model.dsp.raises = _memory_error
            solution = model.calculate()
            outputs = {
                str(c.output)
                for c in model.cells.values()
                if getattr(c, "func", None) is not None and not isinstance(c, Ref)
            }
            values: dict[tuple[str, int, int], Any] = {}
            missing = []
            for key in sorted(outputs):
                ranges = solution.get(key)
                m = _KEY_RE.match(key)
                cells = _cells_of(m[2]) if m else []
                if m is None or not cells:
                    continue
                if not hasattr(ranges, "value"):
                    missing.append(_cell_label(key))
                    continue
                grid = np.asarray(ranges.value, dtype=object)
                grid = grid.reshape(1, -1) if grid.ndim < 2 else grid
                r0, c0 = cells[0]
                for r, c in cells:
                    i, j = r - r0, c - c0
                    v = grid[i, j] if i < grid.shape[0] and j < grid.shape[1] else sh.EMPTY
                    if v is sh.EMPTY or v is None:
                        v = None
                    elif isinstance(v, XlError):
                        v = str(v)
                    elif isinstance(v, np.generic):
                        v = v.item()
                    if isinstance(v, str) and len(v) > limits.text_chars:
                        budget.long_text += 1
                        v = "#VALUE!"
                    values.setdefault((m[1].upper(), r, c), v)
        if budget.memory_reached:
            raise MemoryError
    except _Refused as exc:
        raise NegotiationError(f"{name}: {exc}") from None
    except NegotiationError:
        raise
    except Exception as exc:  # the engine's own failure: one line for the user, no traceback
        if _memory_error(exc):
            raise NegotiationError(
                f"{name}: refused, evaluating its formulas needs more than "
                f"{limits.memory_mib:,} MiB of memory"
            ) from None
        if isinstance(exc, RecursionError):
            raise NegotiationError(f"{name}: refused, its formulas nest too deeply") from None
        raise NegotiationError(f"{name}: the formulas could not be evaluated") from None
    return _Evaluation(values, budget.calls, tuple(missing), budget.long_text)


def evaluate(path: str | os.PathLike[str]) -> tuple[dict[tuple[str, int, int], Any], int]:
    """Every formula cell's value, keyed by (upper-case sheet name, row, col), and UDF calls.

    Values are plain Python (``None`` for blank, ``"#VALUE!"``-style text for errors).
    """
    result = _evaluate(path)
    return result.values, result.udf_calls


# -- writing cached values into the file ----------------------------------------------------


def _sheet_parts(zf: zipfile.ZipFile, titles: bool = False) -> dict[str, str]:
    """Upper-case sheet name (``titles``: the name as written) -> zip path of its part."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(_ATTR_RE.findall(rel[1]))
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[attrs.get("Id")] = path
    parts = {}
    for sheet in re.finditer(r"<sheet\b([^>]*?)/?>", workbook):
        attrs = dict(_ATTR_RE.findall(sheet[1]))
        name = attrs.get("name", "")
        for k in ("&apos;", "'"), ("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"):
            name = name.replace(*k)
        rid = attrs.get("r:id")
        if rid in targets:
            parts[name if titles else name.upper()] = targets[rid]
    return parts


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _formula_cell(attrs: list[tuple[str, str]], formula: str, value: Any) -> str:
    attrs = [(k, v) for k, v in attrs if k != "t"]
    if isinstance(value, bool):
        typ, v = "b", "1" if value else "0"
    elif isinstance(value, (int, float)) and math.isfinite(value):
        typ, v = None, _number(value)
    elif isinstance(value, str) and value in _ERRORS:
        typ, v = "e", value
    else:
        typ, v = "str", _xml_text("" if value is None or isinstance(value, float) else str(value))
    if typ:
        attrs.append(("t", typ))
    head = "".join(f' {k}="{a}"' for k, a in attrs)
    return f"<c{head}>{formula}<v>{v}</v></c>"


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
# characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF):
# written as the _xHHHH_ escape spreadsheet files use (ECMA-376 Part 1, 22.9.2.19 ST_Xstring)
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # text that reads as such an escape


def _xml_text(value: str) -> str:
    value = _ESCAPE_LIKE.sub("_x005F_", value)  # its underscore escaped, so it stays text
    return escape(_XML_ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_", value))


def _value_cell(attrs: list[tuple[str, str]], value: Any) -> str:
    attrs = [(k, v) for k, v in attrs if k not in ("t", "cm", "vm")]
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return f"<c{''.join(f' {k}={chr(34)}{a}{chr(34)}' for k, a in attrs)}/>"
    if isinstance(value, bool):
        attrs.append(("t", "b"))
        body = f"<v>{int(value)}</v>"
    elif isinstance(value, (int, float)):
        body = f"<v>{_number(value)}</v>"
    elif isinstance(value, str) and value in _ERRORS:
        attrs.append(("t", "e"))
        body = f"<v>{value}</v>"
    else:
        attrs.append(("t", "inlineStr"))
        body = f'<is><t xml:space="preserve">{_xml_text(str(value))}</t></is>'
    head = "".join(f' {k}="{a}"' for k, a in attrs)
    return f"<c{head}>{body}</c>"


def _patch_sheet(xml: str, sheet: str, values: dict[tuple[str, int, int], Any], stats: dict[str, Any]) -> str:
    spilled: set[tuple[int, int]] = set()
    blank: set[tuple[int, int]] = set()

    def spill(cells: list[tuple[int, int]]) -> None:
        """Cells of an array formula's range: blank where the result does not reach.

        The engine fills a range with one value when the function returned a
        single value, and pads a smaller table with #N/A; Excel's dynamic
        arrays show neither.
        """
        spilled.update(cells[1:])
        anchor = values.get((sheet, *cells[0]))
        rest = [values.get((sheet, *rc)) for rc in cells[1:]]
        if all(v == anchor for v in rest):
            blank.update(cells[1:])
        else:
            blank.update(rc for rc, v in zip(cells[1:], rest, strict=True) if v == "#N/A")

    def cell(m: re.Match[str]) -> str:
        attrs = _ATTR_RE.findall(m[1])
        ref = dict(attrs).get("r", "")
        body = m[2] or ""
        where = _first_cell(ref)
        if where is None:
            return m[0]
        r, c = where
        f = _F_RE.search(body)
        if f is not None:
            fattrs = dict(_ATTR_RE.findall(f[0].split(">", 1)[0]))
            if fattrs.get("t") == "array" and fattrs.get("ref"):
                spill(_cells_of(fattrs["ref"]))
            value = values.get((sheet, r, c))
            stats["formula_cells"] += 1
            if isinstance(value, str) and (value in _ERRORS or value.startswith("#VALUE! ")):
                stats["errors"].append(f"{sheet}!{ref}")
            return _formula_cell(attrs, f[0], value)
        if (r, c) in spilled:
            stats["spilled_cells"] += 1
            value = values.get((sheet, r, c))
            return _value_cell(attrs, None if (r, c) in blank or value == "" else value)
        return m[0]

    needed = _array_cells(xml)  # row -> columns an array formula covers
    if needed:  # rows an array covers that the file does not hold at all
        xml = _with_rows(xml, needed)

    def row(m: re.Match[str]) -> str:
        number = dict(_ATTR_RE.findall(m[1])).get("r", "")
        body = m[2] or ""
        if number.isdigit() and int(number) in needed:
            body = _with_cells(body, int(number), needed[int(number)])
        if not body and m[2] is None:
            return m[0]
        return f"{m[1]}>{_CELL_RE.sub(cell, body)}</row>"

    return _ROW_RE.sub(row, xml)


def _array_cells(xml: str) -> dict[int, set[int]]:
    """Row -> columns of every cell an array formula's range covers."""
    out: dict[int, set[int]] = {}
    for f in re.finditer(r"<f\b([^>]*)>", xml):
        attrs = dict(_ATTR_RE.findall(f[1]))
        if attrs.get("t") == "array" and attrs.get("ref"):
            for r, c in _cells_of(attrs["ref"])[:_MAX_ARRAY_CELLS]:
                out.setdefault(r, set()).add(c)
    return out


_MAX_ARRAY_CELLS = 100_000  # no array range of ours comes near; a hostile one is cut here


def _with_cells(body: str, row: int, cols: set[int]) -> str:
    """A row's cells with an empty ``<c r=".."/>`` added, in column order, for each of
    ``cols`` it lacks (an array's spill range that the file left out)."""
    if not body:  # a row the file lacks altogether
        return "".join(f'<c r="{column_letters(c)}{row}"/>' for c in sorted(cols))
    cells = []
    for m in _CELL_RE.finditer(body):
        where = _cells_of(dict(_ATTR_RE.findall(m[1])).get("r", ""))
        cells.append((where[0][1] if where else 0, m[0]))
    present = {c for c, _ in cells}
    if not cols - present:
        return body
    cells += [(c, f'<c r="{column_letters(c)}{row}"/>') for c in cols - present]
    return "".join(text for _, text in sorted(cells, key=lambda t: t[0]))


def _with_rows(xml: str, needed: dict[int, set[int]]) -> str:
    """``xml`` with an empty ``<row>`` for each row of ``needed`` it lacks, in row order
    (each before the first row of the file numbered after it), built in one pass."""
    rows = []
    for m in _ROW_RE.finditer(xml):
        number = dict(_ATTR_RE.findall(m[1])).get("r", "")
        rows.append((m.start(), int(number) if number.isdigit() else 0))
    end = xml.find("</sheetData>")
    if end < 0:
        return xml
    present = {r for _, r in rows}
    running = list(itertools.accumulate((r for _, r in rows), max))  # non-decreasing
    inserts: dict[int, list[str]] = {}
    for number in sorted(set(needed) - present):
        i = bisect.bisect_right(running, number)  # the first row numbered after it
        inserts.setdefault(rows[i][0] if i < len(rows) else end, []).append(f'<row r="{number}"></row>')
    out, last = [], 0
    for at in sorted(inserts):
        out += [xml[last:at], *inserts[at]]
        last = at
    out.append(xml[last:])
    return "".join(out)


def recalc(
    workbook: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, limits: Limits | None = None
) -> Recalc:
    """Evaluate ``workbook`` and write it, with every formula's result cached, to ``out``.

    ``out`` defaults to ``<name>.recalc<suffix>`` beside the input; the input is
    rewritten only when ``out`` names it.  The copy is written to a temporary file, which
    must pass the input guard (:func:`addin.io.guard.check_workbook`) before it replaces
    ``out``: nothing the guard would refuse is ever written.  ``limits``: :data:`LIMITS`
    unless given.
    """
    from addin.io.guard import UnsafeWorkbookError, check_workbook

    src = Path(workbook)
    target = Path(out) if out is not None else src.with_name(f"{src.stem}.recalc{src.suffix}")
    result = _evaluate(src, limits)
    stats: dict[str, Any] = {"formula_cells": 0, "spilled_cells": 0, "errors": []}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".recalc-", suffix=src.suffix, dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w") as zout:
            parts = {path: name for name, path in _sheet_parts(zin).items()}
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename in parts:
                    text = _patch_sheet(data.decode("utf-8"), parts[info.filename], result.values, stats)
                    data = text.encode("utf-8")
                zout.writestr(info, data, compress_type=info.compress_type)
        try:
            check_workbook(tmp)
        except UnsafeWorkbookError as exc:
            why = str(exc).split(": ", 1)[-1].removeprefix("refused, ")
            raise NegotiationError(
                f"{src.name}: the recalculated copy would be refused by the "
                f"input check ({why}); nothing was written"
            ) from None
        os.replace(tmp, target)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        raise NegotiationError(f"{src.name}: the workbook's parts could not be read") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return Recalc(
        target,
        stats["formula_cells"],
        stats["spilled_cells"],
        result.udf_calls,
        tuple(stats["errors"]),
        result.no_result,
        result.long_text,
    )
