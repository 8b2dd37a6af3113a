"""Build ``workbook/negotiation.xlsm`` reproducibly.

The workbook carries the VBA part of xlwings' own standalone quickstart
workbook unchanged (so Windows Excel can call our UDFs after *Import
Functions*), an ``xlwings.conf`` sheet naming ``addin.udfs``, and the sheets
of :mod:`addin.workbook.sheets`.  Every formula is written with its cached result, so any
spreadsheet program shows numbers: the sheets are written once with their formulas,
that file is evaluated by :func:`addin.recalc.evaluate` (the formulas engine with our
functions bound, the one evaluation there is), and the sheets are written again with
the results.  The draft leaves out the formulas the typed-in cells already make empty text
(an unused offer slot, a year past the horizon: :func:`settled_blanks`).  The same input
gives byte-identical output, written through a temporary file and an atomic rename.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.worksheet
import xlwings

from addin.cells import UDFS
from addin.recalc import NAMESPACE, OFFICE_JS_PREFIX, evaluate
from addin.workbook.model import Call, Model, Op, Ref, Spill, blank_if
from addin.workbook.sheets import (
    compare,
    conf,
    disclosure,
    market,
    move,
    offers,
    params,
    recruiter,
    relocation,
    schedules,
    start,
    strategy,
)
from addin.workbook.sheets.conf import NAME as CONF
from addin.workbook.sheets.layout import Layout
from addin.workbook.sheets.start import NAME as START
from calculators.fx import shipped_table
from calculators.params import read_yaml

FILL_ORDER = (
    params,
    offers,
    compare,
    schedules,
    relocation,
    start,
    conf,
    disclosure,
    recruiter,
    market,
    strategy,
    move,
)
# disclosure writes the switch block of the Strategy sheet (from column K); strategy owns the
# tab and its dress calls disclosure.dress
TAB_ORDER = (start, offers, compare, relocation, market, schedules, strategy, move, recruiter, params, conf)


__all__ = ["build", "DEFAULT_PATH", "quickstart_vba", "example", "blank", "model", "new", "RUNTIMES"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "workbook" / "negotiation.xlsm"
_EXAMPLE = Path(__file__).parents[1] / "data" / "example.yaml"
_BLANK = Path(__file__).parents[1] / "data" / "blank.yaml"
_FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
# <calcPr calcId>: the calculation engine that last computed the file.  Excel recomputes every
# formula on open when the file's id is lower than its own (MS-XLSB 2.4.315 BrtCalcProp
# recalcID; ECMA-376 Part 1, 18.2.2 calcPr); 191029 is what Excel 2019 / Microsoft 365 write.
# With it, and without fullCalcOnLoad, Excel shows the stored results until the add-in is there.
CALC_ID = 191029
# How a UDF's name is spelled in the file: classic xlwings (Windows) binds the bare name to the
# VBA wrapper Import Functions writes; Excel saves an Office.js custom function NS.NAME as
# _xldudf_NS_NAME (Microsoft in OfficeDev/Excel-Custom-Functions#108 and office-js#877: the
# prefix marks a JavaScript custom function, a dot becomes an underscore) and binds it on load.
RUNTIMES = ("windows", "web")
_TITLES = {True: "Offer negotiation", False: "Offer negotiation: your offers"}
CURRENCY_FORMATS = {
    "JPY": '"¥"#,##0',
    "USD": '"$"#,##0',
    "GBP": '"£"#,##0',
    "EUR": '"€"#,##0',
    "ILS": '"₪"#,##0',
    "CAD": '"C$"#,##0',
    "CHF": '"CHF "#,##0',
    "SGD": '"S$"#,##0',
}
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14},
    "head": {"bold": True, "bottom": 1, "bg_color": "#DDEBF7"},
    "bold": {"bold": True},
    "private": {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "pct": {"num_format": "0.0%"},
    "num": {"num_format": "#,##0"},
    "rate": {"num_format": "0.0000"},
    "date": {"num_format": "yyyy-mm-dd"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "blank": {"num_format": "General"},
}


def quickstart_vba() -> bytes:
    """``xl/vbaProject.bin`` of the installed xlwings' standalone quickstart workbook."""
    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


def example() -> dict[str, Any]:
    """The shipped example (the reference persona)."""
    return read_yaml(_EXAMPLE.read_text(encoding="utf-8"))


def blank(home_city: str | None = None, years: int | None = None) -> dict[str, Any]:
    """A workbook's data with none of the example's: no offers, talking points, expected
    offers, market sample or disclosures; the as-of date is today's, whenever the
    workbook is recalculated (``=TODAY()``)."""
    from calculators.relocation.cost_of_living import canonical_city  # noqa: PLC0415

    data: dict[str, Any] = read_yaml(_BLANK.read_text(encoding="utf-8"))
    if home_city is not None:
        city = canonical_city(home_city)
        data["home"]["city"] = data["relocation"]["home_city"] = city.name
        data["home"]["currency"] = city.currency
    if years is not None:
        data["home"]["horizon_years"] = years
    data["strategy"]["as_of"] = None  # the Strategy sheet says =TODAY(): deadlines count from the day
    return data


def model(data: dict[str, Any] | None = None) -> tuple[Model, Layout]:
    """Every sheet laid out (values, formulas, styles), nothing written or evaluated yet."""
    data = data or example()
    lay = Layout(len(shipped_table().rates))
    # the Strategy as_of where calendar is TRUE and the day is given; else empty (offer years)
    day = strategy.input_cell(data, "as_of")
    lay.calendar = Call("IF", (Op("=", lay.param("calendar"), True), blank_if(Op("=", day, ""), day), ""))
    m = Model()
    for sheet in FILL_ORDER:
        sheet.fill(m, lay, data)
    return m, lay


class _Formats:
    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._cache: dict[str, Any] = {}

    def get(self, name: str | None) -> Any:
        if name is None:
            return None
        if name not in self._cache:
            if name.startswith("money:"):
                spec = {"num_format": CURRENCY_FORMATS.get(name[6:], "#,##0")}
            else:
                spec = STYLES[name]
            self._cache[name] = self._wb.add_format(spec)
        return self._cache[name]


Values = dict[tuple[str, int, int], Any]  # (upper-case sheet, 1-based row, column) -> value


def _cached(value: Any) -> Any:
    if value is None:
        return ""
    return value


def _spill_result(values: Values, sheet: str, r: int, c: int, spill: Spill) -> list[list[Any]]:
    """The table a spill's formula gave, from the engine's values over the room the file
    records for it: one value where the engine spread a single value over the room,
    ``#N/A`` (the engine's padding past a smaller table) and blank cells left out, a
    blank inside the table (``""``) kept as ``None``."""
    key = sheet.upper()
    grid = [[values.get((key, r + 1 + i, c + 1 + j)) for j in range(spill.cols)] for i in range(spill.rows)]
    anchor = grid[0][0]
    if all(v == anchor for row in grid for v in row):
        return [[anchor]]
    rows = []
    for row in grid:
        kept = list(row)
        while kept and kept[-1] in ("#N/A", None):
            kept.pop()
        rows.append([None if v in ("", "#N/A") else v for v in kept])
    while rows and not rows[-1]:
        rows.pop()
    if not rows or not rows[0]:  # the anchor is always a cell of the table
        rows[:1] = [[None]]
    return rows


def _write_value(ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
    if value is None:
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _spelling(runtime: str) -> dict[str, str]:
    """UDF name -> its name in the file for ``runtime`` (Excel built-ins are left alone)."""
    if runtime == "web":
        return {name.upper(): f"{OFFICE_JS_PREFIX}{NAMESPACE}_{name.upper()}" for name in UDFS}
    return {}


def _write_sheet(ws: Any, m: Model, sheet: str, f: _Formats, names: dict[str, str], values: Values) -> None:
    for (r, c), content in sorted(m.sheet(sheet).items()):
        fmt = f.get(m.style(sheet, r, c))
        if isinstance(content, Spill):
            rows = _spill_result(values, sheet, r, c, content)
            height = max(len(rows), content.rows)
            width = max(len(rows[0]), content.cols)
            ws.write_dynamic_array_formula(
                r,
                c,
                r + height - 1,
                c + width - 1,
                "=" + content.expr.text(sheet, names),
                fmt,
                _cached(rows[0][0]),
            )
            for i in range(height):  # the room the result does not fill: blank, not 0
                for j in range(width):
                    if (i or j) and (i >= len(rows) or j >= len(rows[i])):
                        ws.write_blank(r + i, c + j, None, f.get("blank"))
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if i or j:
                        style = "head" if i == 0 else "num" if isinstance(value, float) else None
                        if value is None:  # a blank in the spill, not XlsxWriter's padding 0
                            ws.write_blank(r + i, c + j, None, f.get(style or "blank"))
                        else:
                            _write_value(ws, r + i, c + j, value, f.get(style))
        elif isinstance(content, (Call, Ref)):
            value = values.get((sheet.upper(), r + 1, c + 1))
            ws.write_formula(r, c, "=" + content.text(sheet, names), fmt, _cached(value))
        else:
            _write_value(ws, r, c, content, fmt)


# Every name xlsxwriter's _prepare_formula prefixes without future functions (XlsxWriter is pinned in
# pyproject.toml; its ``\SINGLE\(`` is any character then INGLE, so INGLE is enough here)
_PREFIXED = re.compile(
    r"ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|"
    r"RANDARRAY|REDUCE|SCAN|INGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|"
    r"VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP"
)


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """xlsxwriter's worksheet, writing a formula that names none of the functions it prefixes
    with ``_xlfn.`` without its thirty regular-expression passes (a third of a build's time);
    any other formula goes through xlsxwriter's own rewriting unchanged."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if self.use_future_functions or expand_future_functions or _PREFIXED.search(formula):
            return str(super()._prepare_formula(formula, expand_future_functions))
        # what xlsxwriter does to every formula: the array braces and the leading = removed
        formula = formula.removeprefix("{").removeprefix("=")
        return formula.removesuffix("}")


def _write(path: Path, m: Model, lay: Layout, data: dict[str, Any], runtime: str, values: Values) -> None:
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties(
        {
            "title": _TITLES[bool(data.get("example", True))],
            "created": _FIXED_TIME,
            "author": "",
            "company": "",
        }
    )
    wb.calc_on_load = False  # no fullCalcOnLoad: the stored results show on open
    wb.set_calc_mode("auto", calc_id=CALC_ID)
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(quickstart_vba()), is_stream=True)
    f = _Formats(wb)
    # the VBA project of the quickstart workbook knows Sheet1 and Sheet2
    codenames = {START: "Sheet1", CONF: "Sheet2"}
    extra = 3
    sheets = {}
    for sheet in TAB_ORDER:
        ws = wb.add_worksheet(sheet.NAME, worksheet_class=_Worksheet)
        if sheet.NAME in codenames:
            ws.set_vba_name(codenames[sheet.NAME])
        else:
            ws.set_vba_name(f"Sheet{extra}")
            extra += 1
        sheets[sheet.NAME] = ws
    for sheet in TAB_ORDER:
        ws = sheets[sheet.NAME]
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # one page wide when printed or exported to PDF
        _write_sheet(ws, m, sheet.NAME, f, _spelling(runtime), values)
        dress = getattr(sheet, "dress", None)
        if dress is not None:
            dress(sheets[sheet.NAME], wb, lay, data)
    sheets[START].activate()
    wb.close()


# -- what the layout alone decides ----------------------------------------------------------
#
# Most formulas of a workbook with few offers are an unused slot's or a year past the
# horizon's ``IF(condition,"",expr)`` (:func:`~addin.workbook.model.blank_if`), whose
# condition the typed-in cells already settle: an offer column with no field, a year above
# the horizon, no offer at all.  Such a cell is empty text whatever ``expr`` gives.  The draft
# leaves out those that no remaining formula refers to (the engine would compile each and
# call our functions for a result the IF throws away); every other formula is evaluated.
# ``None`` below is "not settled by the layout": only what is certain is decided.

_UNSETTLED = object()


class _Settled:
    """The values of a model's cells that its typed-in cells alone decide."""

    def __init__(self, m: Model) -> None:
        self.m = m
        self.memo: dict[tuple[str, int, int], Any] = {}

    def cell(self, sheet: str, r: int, c: int) -> Any:
        key = (sheet, r, c)
        if key not in self.memo:
            self.memo[key] = _UNSETTLED  # a reference back to itself settles nothing
            content = self.m.sheet(sheet).get((r, c))
            if content is None:
                value: Any = _UNSETTLED  # an empty cell: "" to some functions, 0 to others
            elif isinstance(content, (Call, Ref)):
                value = self.expr(content)
            elif isinstance(content, Spill):
                value = _UNSETTLED
            else:
                value = content
            self.memo[key] = value
        return self.memo[key]

    def expr(self, e: Any) -> Any:
        if isinstance(e, bool) or isinstance(e, (int, float, str)):
            return e
        if isinstance(e, Ref):
            return self.cell(e.sheet, e.row, e.col) if e.is_cell else _UNSETTLED
        if isinstance(e, Op):
            return self.op(e)
        if isinstance(e, Call):
            func = e.func.upper()
            if func == "IF" and len(e.args) == 3 and self.expr(e.args[0]) is True:
                return self.expr(e.args[1])
            if func == "COUNTA" and len(e.args) == 1 and isinstance(e.args[0], Ref):
                return self.counta(e.args[0])
        return _UNSETTLED

    def counta(self, ref: Ref) -> Any:
        cells = self.m.sheet(ref.sheet)
        n = 0
        for r in ref.rows:
            for c in ref.cols:
                content = cells.get((r, c))
                if content is None:
                    continue
                if isinstance(content, (Call, Ref, Spill)) or content == "":
                    return _UNSETTLED  # a formula counts even when it gives empty text
                n += 1
        return n

    def op(self, e: Op) -> Any:
        left, right = self.expr(e.left), self.expr(e.right)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if e.op == "=" and isinstance(left, str) and isinstance(right, str):
            return left.casefold() == right.casefold()
        if e.op in ("=", ">") and numbers:
            return left == right if e.op == "=" else left > right
        return _UNSETTLED


def _refs(e: Any) -> Iterator[Ref]:
    if isinstance(e, Ref):
        yield e
    elif isinstance(e, Spill):
        yield from _refs(e.expr)
    elif isinstance(e, Op):
        yield from _refs(e.left)
        yield from _refs(e.right)
    elif isinstance(e, Call):
        for a in e.args:
            yield from _refs(a)


def settled_blanks(m: Model) -> tuple[set[tuple[str, int, int]], set[tuple[str, int, int]]]:
    """The formula cells (sheet, 0-based row, col) that are empty text whatever their functions
    give: those the draft may leave out (no formula that stays refers to them), and the others
    (the draft holds ``IF(TRUE,"")`` there, empty text too, calling nothing)."""
    settled = _Settled(m)
    formulas = [
        (sheet, r, c, content)
        for sheet, cells in m.sheets.items()
        for (r, c), content in cells.items()
        if isinstance(content, (Call, Ref, Spill))
    ]
    out: dict[str, set[tuple[int, int]]] = {}
    for sheet, r, c, content in formulas:
        value = settled.cell(sheet, r, c)
        if isinstance(content, Call) and isinstance(value, str) and value == "":
            out.setdefault(sheet, set()).add((r, c))
    every = {(sheet, r, c) for sheet, cells in out.items() for r, c in cells}
    todo = [(sheet, r, c, content) for sheet, r, c, content in formulas if (r, c) not in out.get(sheet, ())]
    while todo:  # a cell a formula of the draft refers to stays in the draft, and so on
        sheet, r, c, content = todo.pop()
        for ref in _refs(content):
            left = out.get(ref.sheet, set())
            if len(ref.rows) * len(ref.cols) <= len(left):
                hit = {(i, j) for i in ref.rows for j in ref.cols if (i, j) in left}
            else:
                hit = {(i, j) for i, j in left if i in ref.rows and j in ref.cols}
            left -= hit
            todo.extend((ref.sheet, i, j, m.sheet(ref.sheet)[(i, j)]) for i, j in hit)
    left_out = {(sheet, r, c) for sheet, cells in out.items() for r, c in cells}
    return left_out, every - left_out


def evaluated(m: Model, lay: Layout, data: dict[str, Any], target: Path, prune: bool = True) -> Values:
    """Every formula's value: the sheets written with their formulas (the Windows names,
    whatever the runtime: the same functions answer both) to a draft beside ``target``,
    evaluated by the formulas engine as ``negotiate recalc`` evaluates any workbook.
    With ``prune`` the draft leaves out or stands in for the cells :func:`settled_blanks`
    names (their value is empty text); without it every formula is evaluated (the same values: a test holds
    the two to each other).

    The engine reuses the formulas it compiled for the same cells of an earlier workbook
    (most of the sheets' formulas are the same in every build, whatever the offers).  A
    draft identical to an earlier one of this process, on the same day (the functions date
    what they cite by today), has the same values."""
    name = DEFAULT_PATH.name
    with tempfile.TemporaryDirectory(prefix=".build-", dir=target.parent) as folder:
        draft = Path(folder) / name
        blanks, stand_ins = settled_blanks(m) if prune else (set(), set())
        kept = {
            sheet: {
                (r, c): _EMPTY_TEXT if (sheet, r, c) in stand_ins else v
                for (r, c), v in cells.items()
                if (sheet, r, c) not in blanks
            }
            for sheet, cells in m.sheets.items()
        }
        _write(draft, Model(kept, m.styles), lay, data, "windows", {})
        key = (name, hashlib.sha256(draft.read_bytes()).hexdigest(), dt.date.today())
        if key not in _EVALUATED:
            _EVALUATED[key], _ = evaluate(draft)
            while len(_EVALUATED) > 8:
                _EVALUATED.pop(next(iter(_EVALUATED)))
    values = dict(_EVALUATED[key])
    values.update({(sheet.upper(), r + 1, c + 1): "" for sheet, r, c in blanks})
    return values


_EVALUATED: dict[tuple[str, str, dt.date], Values] = {}
_EMPTY_TEXT = Call(
    "IF", (True, "")
)  # a settled blank another formula of the draft refers to  # the latest drafts' values


def _atomic_write(target: Path, data: dict[str, Any], runtime: str) -> Path:
    m, lay = model(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    values = evaluated(m, lay, data, target)
    fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=target.suffix or ".xlsm", dir=target.parent)
    os.close(fd)
    try:
        _write(Path(tmp), m, lay, data, runtime, values)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def build(
    path: str | os.PathLike[str] = DEFAULT_PATH, data: dict[str, Any] | None = None, runtime: str = "windows"
) -> Path:
    """Write the workbook to ``path`` through a temporary file and an atomic rename."""
    return _atomic_write(Path(path), data or example(), runtime)


def is_example_build(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a build of the example that nothing has saved since: the title and
    the fixed time the builder writes, in every part. Excel, LibreOffice and openpyxl all stamp
    the time they save, so a file a person has worked on is never taken for one."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > 200 or zf.getinfo("docProps/core.xml").file_size > 100_000:
                return False
            core = zf.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return False
    fixed = {i.date_time for i in infos}
    return f"<dc:title>{_TITLES[True]}</dc:title>" in core and core.count(stamp) == 2 and len(fixed) == 1


def new(
    path: str | os.PathLike[str],
    offers: list[dict[str, Any]] | None = None,
    runtime: str = "windows",
    home_city: str | None = None,
    years: int | None = None,
) -> Path:
    """Write a workbook for your own offers to ``path``; never replaces an existing file.

    The file is created exclusively (``O_EXCL``) before anything is written into it, so a
    file that appears meanwhile is not overwritten either.
    """
    target = Path(path)
    data = blank(home_city, years)
    data["offers"] = list(offers or [])
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # FileExistsError
    os.close(fd)
    try:
        return _atomic_write(target, data, runtime)
    except BaseException:
        if target.exists() and target.stat().st_size == 0:
            target.unlink()
        raise
