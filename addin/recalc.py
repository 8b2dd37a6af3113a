"""Evaluate a workbook headlessly and store every formula's result as its cached value.

A Linux user, CI and the share command need the workbook's numbers without
Excel.  :func:`recalc` evaluates every formula cell with the ``formulas``
engine (Excel built-ins) with our UDFs bound under their Excel names, then
writes the results into the cells' cached values (``<v>``) of a copy of the
file.  Everything else in the file (VBA, charts, styles, formulas) is kept
byte for byte: only the cell elements of formula cells and of the cells their
arrays spill into are rewritten.  The output goes through a temporary file
and an atomic rename; the input is never touched unless it is the output.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import os
import re
import tempfile
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, get_args, get_origin
from xml.sax.saxutils import escape

from calculators.errors import NegotiationError

__all__ = ["Recalc", "evaluate", "recalc", "bind_udfs", "NAMESPACE"]

NAMESPACE = "NEGOTIATE"  # the functions' namespace on the Office.js route (addin.server)
# Excel saves a formula calling the Office.js custom function NEGOTIATE.OFFER_TC as
# _xldudf_NEGOTIATE_OFFER_TC (see addin.workbook.RUNTIMES): recalc reads that spelling too.
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


@dataclass(frozen=True)
class Recalc:
    """What a recalculation did: formula cells filled, spilled cells, UDF calls, errors."""

    path: Path
    formula_cells: int
    spilled_cells: int
    udf_calls: int
    error_cells: tuple[str, ...]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cells_of(ref: str) -> list[tuple[int, int]]:
    """(row, col), 1-based, of every cell of ``A1`` or ``A1:C3``."""
    m = _REF_RE.match(ref.upper())
    if not m:
        return []
    c1, r1 = _col_index(m[1]), int(m[2])
    c2, r2 = (_col_index(m[3]), int(m[4])) if m[3] else (c1, r1)
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


# -- UDFs bound into the formulas engine ---------------------------------------------------


def _wants_table(func: Callable[..., Any]) -> list[bool]:
    """Per parameter: whether xlwings would pass it as a 2-D list (``ndim=2``)."""
    flags = []
    for p in inspect.signature(func).parameters.values():
        meta = get_args(p.annotation)[1:] if get_origin(p.annotation) is not None else ()
        flags.append(any(isinstance(m, dict) and m.get("ndim") == 2 for m in meta))
    return flags


def _adapter(func: Callable[..., Any], counter: list[int]) -> Callable[..., Any]:
    import numpy as np
    import schedula as sh
    from formulas.ranges import Ranges
    from formulas.tokens.operand import XlError

    tables = _wants_table(func)

    def plain(v: Any) -> Any:
        if v is sh.EMPTY or v is None:
            return None
        if isinstance(v, XlError):
            return str(v)
        if isinstance(v, np.generic):
            return v.item()
        return v

    def arg(i: int, a: Any) -> Any:
        if a is _MISSING:
            return None
        if isinstance(a, Ranges):
            a = a.value
        if isinstance(a, np.ndarray):
            grid = a if a.ndim == 2 else a.reshape(1, -1)
            if grid.size == 1 and not (i < len(tables) and tables[i]):
                return plain(grid.flat[0])
            return [[plain(x) for x in row] for row in grid]
        value = plain(a)
        return [[value]] if i < len(tables) and tables[i] else value

    seen: dict[str, Any] = {}  # one recalculation: the same call, the same result

    def call(*args: Any) -> Any:
        counter[0] += 1
        values = tuple(arg(i, a) for i, a in enumerate(args))
        key = repr(values)  # exact: 1, 1.0, True and "1" differ
        if key not in seen:
            seen[key] = to_engine(func(*values))
        result = seen[key]
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


def bind_udfs() -> list[int]:
    """Register every UDF of ``addin.udfs`` in the formulas engine; returns a call counter."""
    from formulas.functions import get_functions

    from addin import udfs
    from addin.cells import UDFS

    counter = [0]
    registry = get_functions()  # cached by formulas: additions are seen by every model
    for name in UDFS:
        bound = _adapter(getattr(udfs, name), counter)
        registry[name.upper()] = bound  # the Windows (classic xlwings) name
        registry[f"{NAMESPACE}.{name.upper()}"] = bound  # the Mac / web (Office.js) name
        registry[f"{OFFICE_JS_PREFIX}{NAMESPACE}_{name}".upper()] = bound  # as Excel saves it
    return counter


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Engine settings for one evaluation, restored afterwards.

    The engine draws a progress bar on stderr (a command should not), and
    compiles an empty argument to 0, where Excel passes a UDF *missing*.
    """
    import formulas.excel as engine
    import tqdm
    from formulas.tokens.operand import Empty

    saved, empty = engine.tqdm, Empty.__dict__["compile"]
    engine.tqdm = types.SimpleNamespace(tqdm=functools.partial(tqdm.tqdm, disable=True))
    Empty.compile = staticmethod(lambda: _MISSING)  # type: ignore[method-assign]
    try:
        yield
    finally:
        engine.tqdm = saved
        Empty.compile = empty  # type: ignore[method-assign]


def evaluate(path: str | os.PathLike[str]) -> tuple[dict[tuple[str, int, int], Any], int]:
    """Every computed cell's value, keyed by (upper-case sheet name, row, col), and UDF calls.

    Values are plain Python (``None`` for blank, ``"#VALUE!"``-style text for errors).
    """
    import numpy as np
    import schedula as sh
    from formulas import ExcelModel
    from formulas.tokens.operand import XlError

    from addin.guard import check_workbook

    src = check_workbook(path)  # untrusted input: bounded zip, no foreign VBA, no DTDs
    counter = bind_udfs()
    start = counter[0]
    with _quiet():
        try:
            model = ExcelModel().loads(str(src)).finish()
            solution = model.calculate()
        except NegotiationError:
            raise
        except Exception:  # the engine's own failure: one line for the user, no traceback
            raise NegotiationError(f"{src.name}: the formulas could not be evaluated") from None
    values: dict[tuple[str, int, int], Any] = {}
    for key, ranges in solution.items():
        m = _KEY_RE.match(str(key))
        if not m or not hasattr(ranges, "value"):
            continue
        cells = _cells_of(m[2])
        if not cells:
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
            values.setdefault((m[1].upper(), r, c), v)
    return values, counter[0] - start


# -- writing cached values into the file ----------------------------------------------------


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Upper-case sheet name -> zip path of its worksheet part."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(_ATTR_RE.findall(rel[1]))
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(
            PurePosixPath("xl") / target)
        targets[attrs.get("Id")] = path
    parts = {}
    for sheet in re.finditer(r"<sheet\b([^>]*)/>", workbook):
        attrs = dict(_ATTR_RE.findall(sheet[1]))
        name = attrs.get("name", "")
        for k in ("&apos;", "'"), ("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"):
            name = name.replace(*k)
        rid = attrs.get("r:id")
        if rid in targets:
            parts[name.upper()] = targets[rid]
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
        typ, v = "str", escape("" if value is None or isinstance(value, float) else str(value))
    if typ:
        attrs.append(("t", typ))
    head = "".join(f' {k}="{a}"' for k, a in attrs)
    return f"<c{head}>{formula}<v>{v}</v></c>"


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


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
        body = f'<is><t xml:space="preserve">{escape(str(value))}</t></is>'
    head = "".join(f' {k}="{a}"' for k, a in attrs)
    return f"<c{head}>{body}</c>"


def _patch_sheet(xml: str, sheet: str, values: dict[tuple[str, int, int], Any],
                 stats: dict[str, Any]) -> str:
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
        where = _cells_of(ref)
        if not where:
            return m[0]
        r, c = where[0]
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
    cells = []
    for m in _CELL_RE.finditer(body):
        where = _cells_of(dict(_ATTR_RE.findall(m[1])).get("r", ""))
        cells.append((where[0][1] if where else 0, m[0]))
    present = {c for c, _ in cells}
    if not cols - present:
        return body
    cells += [(c, f'<c r="{_col_letters(c)}{row}"/>') for c in cols - present]
    return "".join(text for _, text in sorted(cells, key=lambda t: t[0]))


def _with_rows(xml: str, needed: dict[int, set[int]]) -> str:
    """``xml`` with an empty ``<row>`` for each row of ``needed`` it lacks, in row order."""
    rows = [(m.start(), int(dict(_ATTR_RE.findall(m[1])).get("r", "0") or 0))
            for m in _ROW_RE.finditer(xml)]
    end = xml.find("</sheetData>")
    if end < 0:
        return xml
    inserts: list[tuple[int, str]] = []
    present = {r for _, r in rows}
    for number in sorted(set(needed) - present):
        at = next((start for start, r in rows if r > number), end)
        inserts.append((at, f'<row r="{number}"></row>'))
    for at, text in sorted(inserts, key=lambda t: t[0], reverse=True):
        xml = xml[:at] + text + xml[at:]
    return xml


def recalc(workbook: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Recalc:
    """Evaluate ``workbook`` and write it, with every formula's result cached, to ``out``.

    ``out`` defaults to ``<name>.recalc<suffix>`` beside the input; the input is
    rewritten only when ``out`` names it.
    """
    src = Path(workbook)
    target = Path(out) if out is not None else src.with_name(f"{src.stem}.recalc{src.suffix}")
    values, calls = evaluate(src)
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
                    text = _patch_sheet(data.decode("utf-8"), parts[info.filename], values, stats)
                    data = text.encode("utf-8")
                zout.writestr(info, data, compress_type=info.compress_type)
        os.replace(tmp, target)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        raise NegotiationError(f"{src.name}: the workbook's parts could not be read") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return Recalc(target, stats["formula_cells"], stats["spilled_cells"], calls,
                  tuple(stats["errors"]))
