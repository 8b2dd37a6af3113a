"""The recruiter copy: a new workbook built from an allowlist, values only.

Deleting things from a copy of the private workbook is not safe (defined names,
cached formula values, comments, hidden sheets and ``docProps`` survive it), so
the copy is written from scratch: one sheet listing the disclosed fields of the
Recruiter sheet (the fields whose switch is on, plus any ``include``), each a
label and a value.  Nothing else of the input reaches the output: no formulas,
defined names, hidden sheets / rows / columns, comments, data validation,
custom XML, external links or VBA, and neutral document properties.

Only what the user sees is read: a field key in a hidden row or column (hidden,
too small to see, or in a collapsed outline group), on a hidden Recruiter sheet, or
listed twice is refused, naming the key and the cell; so is a key or value covered by
a merged range, or styled with a number format that does not show it (``;;;``).  Text that a spreadsheet
could take for a formula (``=``, ``+``, ``-``, ``@``, a tab or line break, their
full-width look-alikes, also after invisible characters) is stored as text and
starts with an apostrophe in the value itself, so a CSV export of the copy stays
inert too.  An amount beyond :data:`calculators.offer.model.MAX_AMOUNT` or not finite
is refused.  The same input gives identical bytes; the output is written through a
temporary file and an atomic rename, never over the input.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.io.guard import check_workbook
from addin.io.reader import SheetGrid, WorkbookError, read_grid
from addin.workbook.model import Call, Op
from addin.workbook.sheets import disclosure, recruiter
from addin.workbook.sheets.disclosure import FIELDS
from addin.workbook.sheets.layout import OFFERS, PARAMS, Layout
from calculators.errors import InvalidInputError, NegotiationError
from calculators.notes import Note
from calculators.offer.model import check_amount
from calculators.valuation.disclosure import BELOW_OFFER, below_offers, spoken_amount

__all__ = [
    "ShareError",
    "Disclosed",
    "read_disclosed",
    "disclosure_notes",
    "warning_text",
    "write_copy",
    "to_pdf",
    "share",
    "PARTS",
    "LANGS",
    "inert",
]

_FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
LANGS = ("en", "ja")
#: every part of a recruiter copy, nothing more
PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/app.xml",
    "docProps/core.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/theme/theme1.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
)
_TEXT = {
    "en": {"sheet": "Summary", "title": "Compensation expectations", "item": "item", "value": "value"},
    "ja": {"sheet": "概要", "title": "希望条件", "item": "項目", "value": "内容"},
}
_BASIS_JA = {
    "first_year": "初年度",
    "annualized": "年平均（期間総額÷年数）",
    "total": "期間総額",
    "npv": "正味現在価値",
    "net_first_year": "手取り・初年度",
    "net_annualized": "手取り・年平均",
    "net_total": "手取り・期間総額",
    "net_npv": "手取り・正味現在価値",
}
_BASIS_EN = {
    "first_year": "first year",
    "annualized": "annualised",
    "total": "total over the horizon",
    "npv": "net present value",
    "net_first_year": "first year, after tax",
    "net_annualized": "annualised, after tax",
    "net_total": "total over the horizon, after tax",
    "net_npv": "net present value, after tax",
}
_BASES = {"en": _BASIS_EN, "ja": _BASIS_JA}
# How a warning names a disclosed amount (else by its label on the copy).
_SAID = {
    "en": {"target": "your target", "best_offer": "your best offer in hand"},
    "ja": {"target": "希望年収", "best_offer": "保有オファーの最高額"},
}
UNCHECKED = "disclosure_unchecked"  # the offers could not be valued: nothing to compare with
# The warnings' templates until the catalogue (addin.messages) holds these codes; its own
# template wins once it does.  {field} and {basis} are words by then (see warning_text).
_FALLBACK = {
    "en": {
        BELOW_OFFER: "the copy discloses {field} ({amount:,.0f} {currency}), below {count} of "
        "your {held} offers; the highest, {offer}, is worth {value:,.0f} {currency} ({basis}). A "
        "recruiter anchors on the first number they hear: leave it out (switch it off on the "
        "Strategy sheet, no --include) and let them name a number first",
        UNCHECKED: "the copy discloses {field}, but your offers could not be valued to check it "
        "against them ({why})",
    },
    "ja": {
        BELOW_OFFER: "この資料は{field}（{amount:,.0f} {currency}）を開示しますが、保有している "
        "{held} 件のオファーのうち {count} 件を下回っています（最高は {offer} の "
        "{value:,.0f} {currency}、{basis}）。採用担当者は最初に聞いた数字を基準にするため、"
        "この項目は開示せず（Strategy シートのスイッチをオフ、--include も外す）、"
        "先に相手に金額を示してもらいましょう",
        UNCHECKED: "この資料は{field}を開示しますが、オファーを評価できず、保有オファーとの比較が"
        "できませんでした（{why}）",
    },
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
# What a spreadsheet may take for the start of a formula (OWASP, CSV injection): the ASCII
# signs, their full-width and small forms (which NFKC folds into them), the minus sign,
# and a tab or line break.
_TRIGGERS = frozenset("=+-@\t\r\n\u2212")
# Shown as nothing, so they can hide a trigger behind them: format characters (ZWSP, ZWJ,
# BOM, direction marks), spaces of every width (NBSP, ideographic), controls, line and
# paragraph separators, and the letters that render blank (Hangul fillers, braille blank).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class ShareError(InvalidInputError):
    """The recruiter copy cannot be made; the message names the file and the reason."""


@dataclass(frozen=True)
class Disclosed:
    key: str
    label: str
    value: Any
    style: str | None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _switch(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().upper() in ("TRUE", "YES", "1")
    return bool(value) and not _blank(value)


def _sections(code: str) -> list[tuple[str, bool, bool, bool]]:
    """The sections of a number format code, each as (the literal text it displays, whether
    it shows a number, whether it shows text, whether it has a condition)."""
    out: list[tuple[str, bool, bool, bool]] = []
    shown: list[str] = []
    number = text = condition = False
    i, n = 0, len(code)
    while i <= n:
        ch = code[i] if i < n else ";"
        if ch == ";":
            out.append(("".join(shown), number, text, condition))
            shown, number, text, condition = [], False, False, False
        elif ch == '"':
            end = code.find('"', i + 1)
            end = n if end < 0 else end
            shown.append(code[i + 1 : end])
            i = end
        elif ch == "\\" or ch == "*":  # an escaped character; a fill of one
            shown.append(code[i + 1 : i + 2])
            i += 1
        elif ch == "_":  # a space the width of the next character
            i += 1
        elif ch == "[":
            end = code.find("]", i + 1)
            end = n if end < 0 else end
            inner = code[i + 1 : end]
            if inner[:1] in ("<", ">", "="):
                condition = True
            elif inner[:1] == "$":
                shown.append(inner[1:].split("-", 1)[0])  # [$USD-409] shows USD
            elif inner and set(inner.lower()) <= set("hms"):
                number = True  # elapsed time
            i = end
        elif ch == "@":
            text = number = True
        elif code[i : i + 7].lower() == "general":
            number = text = True
            i += 6
        elif ch in "0#?" or ch.lower() in "ymdhseg":  # digits; a date or time
            number = True
        else:
            shown.append(ch)
        i += 1
    return out


def _hidden_by_format(code: str, value: Any) -> bool | None:
    """Whether the number format ``code`` keeps ``value`` from showing: None when it shows,
    False when it shows other text in its place, True when it shows nothing at all."""
    sections = _sections(code)
    numeric = sections[:3]
    picked: list[tuple[str, bool, bool, bool]] = []
    if isinstance(value, str) or isinstance(value, bool):
        if len(sections) >= 4:  # the fourth section is the text's; with fewer, text as is
            picked.append(sections[3])
    if not isinstance(value, str):
        number = float(value) if isinstance(value, (bool, int, float)) else 1.0  # dates
        if any(s[3] for s in numeric):  # conditions: any numeric section may apply
            picked.extend(numeric)
        elif len(numeric) == 1 or (len(numeric) == 2 and number >= 0) or number > 0:
            picked.append(numeric[0])
        elif number < 0:
            picked.append(numeric[1])
        else:
            picked.append(numeric[2])
    for shown, number_shown, text_shown, _ in picked:
        if not (text_shown if isinstance(value, str) else number_shown or text_shown):
            return not shown.strip()
    return None


def _fields(name: str, grid: SheetGrid, what: str) -> dict[str, Any]:
    """``key -> value`` of the field rows of ``grid`` (a key column, then its value column).

    A key in a hidden row or column, or twice, is refused naming the key and the cell: what
    the copy shows must be what the user sees, once.  So is a key or value covered by a
    merged range, or whose number format does not show it (the grid read with ``looks``).
    """
    out: dict[str, Any] = {}
    where: dict[str, str] = {}
    key_col, value_col = grid.min_col, grid.min_col + 1
    for r, row in enumerate(grid.rows, start=1):
        key = row[0]
        if not (isinstance(key, str) and key.strip().lower() in FIELDS):
            continue
        k = key.strip().lower()
        cell = grid.coordinate(r, key_col)
        if r in grid.hidden_rows:
            raise ShareError(
                f"{name}: the {what} {k} at {grid.title}!{cell} is in a hidden "
                "row; unhide the row (or delete it) so the copy shows what you see"
            )
        for col in (key_col, value_col):
            if col in grid.hidden_cols:
                raise ShareError(
                    f"{name}: the {what} {k} at {grid.title}!{cell} is in a "
                    f"hidden column ({grid.coordinate(r, col).rstrip('0123456789')}"
                    "); unhide the column so the copy shows what you see"
                )
        for col, value in ((key_col, key), (value_col, row[1])):
            here = grid.coordinate(r, col)
            if (r, col) in grid.covered:
                raise ShareError(
                    f"{name}: the {what} {k} at {grid.title}!{here} is covered by "
                    f"the merged cells {grid.covered[(r, col)]}; unmerge them so "
                    "the copy shows what you see"
                )
            code = grid.formats.get((r, col))
            if code is None or _blank(value):
                continue
            hidden = _hidden_by_format(code, value)
            if hidden is not None:
                shows = "nothing" if hidden else "other text in place of its value"
                raise ShareError(
                    f"{name}: the {what} {k} at {grid.title}!{here} is formatted "
                    f"to show {shows} (number format {code[:40]}); give it a "
                    "format that shows it so the copy shows what you see"
                )
        if k in out:
            raise ShareError(
                f"{name}: the {what} {k} appears twice, at {grid.title}!{where[k]} "
                f"and {grid.title}!{cell}; keep one"
            )
        out[k], where[k] = _plain(row[1]), cell
    return out


def read_disclosed(path: str | Path, include: tuple[str, ...] = (), lang: str = "en") -> list[Disclosed]:
    """The fields to export and their values, in the Recruiter sheet's order."""
    import warnings  # noqa: PLC0415

    from openpyxl import load_workbook  # noqa: PLC0415

    p = check_workbook(path)
    name = p.name
    extra = set()
    for key in include:
        k = key.strip().lower()
        if k not in FIELDS:
            raise ShareError("--include: unknown field; choose from " + ", ".join(FIELDS))
        extra.add(k)
    try:
        with warnings.catch_warnings():  # openpyxl's notes on unsupported extensions
            warnings.simplefilter("ignore")
            wb = load_workbook(p, read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ShareError(f"{name}: cannot be read ({type(exc).__name__})") from None
    try:
        if recruiter.NAME not in wb.sheetnames:
            raise ShareError(f"{name}: has no {recruiter.NAME} sheet")
        if wb[recruiter.NAME].sheet_state != "visible":
            raise ShareError(
                f"{name}: the {recruiter.NAME} sheet is hidden; unhide it so the copy shows what you see"
            )
        shown = _fields(name, read_grid(wb, name, recruiter.NAME, looks=True), "Recruiter field")
        switches: dict[str, Any] = {}
        if disclosure.NAME in wb.sheetnames:
            switches = _fields(
                name,
                read_grid(
                    wb, name, disclosure.NAME, "Strategy switches", min_col=disclosure.COL + 1, looks=True
                ),
                "disclosure switch",
            )
        if switches:
            chosen = {k for k, v in switches.items() if _switch(v)}
        else:  # no switch block: what the Recruiter sheet shows
            chosen = {k for k, v in shown.items() if not _blank(v)}
        chosen |= extra
        values = {k: shown.get(k) for k in chosen if k not in extra or _switch(switches.get(k))}
        missing = [k for k in FIELDS if k in chosen and _needs_compute(values.get(k))]
        if missing:
            if not all(s in wb.sheetnames for s in (OFFERS, PARAMS)):
                raise ShareError(
                    f"{name}: no cached values and no Offers / Params sheets to compute them from"
                )
            computed = _compute(
                name, missing, read_grid(wb, name, OFFERS).rows, read_grid(wb, name, PARAMS).rows
            )
            for k, v in computed.items():
                if isinstance(v, str) and v.startswith("#"):  # our functions' own message
                    why = v.split(" ", 1)[1] if " " in v else v
                    raise ShareError(f"{name}: the field {k} cannot be computed: {why}")
            values.update(computed)
        currency = _home_currency(wb, name) if any(FIELDS[k].amount for k in chosen) else None
    finally:
        wb.close()
    for key, value in shown.items():  # a number out of scale is refused wherever it shows
        if key not in chosen and _is_number(value):
            _checked(name, key, value)
    out = []
    for key, field in FIELDS.items():
        if key in chosen:
            value = _checked(name, key, values.get(key))
            if key == "basis" and isinstance(value, str):
                value = _BASES[lang].get(value.strip().lower(), value)
            if field.amount and _is_number(value):  # said as a person says it
                value = spoken_amount(
                    float(value), currency or _NO_CURRENCY, significant=field.amount == "computed"
                )
            out.append(Disclosed(key, field.ja if lang == "ja" else field.en, value, field.style))
    return out


_NO_CURRENCY = "XXX"  # ISO 4217's code for no currency: amounts said to the whole unit


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _home_currency(wb: Any, name: str) -> str | None:
    """The currency of the disclosed amounts: Params ``home_currency``, else the first
    offer's (as the comparison takes it, :func:`calculators.valuation.compare.home_currency`)."""
    for sheet, label in ((PARAMS, "home_currency"), (OFFERS, "currency")):
        if sheet not in wb.sheetnames:
            continue
        for row in read_grid(wb, name, sheet, finite=False).rows:
            if isinstance(row[0], str) and row[0].strip().lower() == label:
                given = [v.strip().upper() for v in row[1:] if isinstance(v, str) and v.strip()]
                if given:
                    return given[0]
                break
    return None


def disclosure_notes(path: str | Path, items: list[Disclosed]) -> list[Note]:
    """What the user should know before sending the copy: each disclosed amount below an
    offer already held (:func:`calculators.valuation.disclosure.below_offers`), on the
    workbook's basis in its home currency, as the Recruiter sheet's best offer is valued.

    Warnings, never refusals: offers that cannot be valued give one ``disclosure_unchecked``
    note naming why; a workbook holding no offer gives none.
    """
    from addin.io.reader import read_inputs, workbook_offers  # noqa: PLC0415
    from addin.udfs.inputs import personal_from  # noqa: PLC0415
    from calculators.defaults import BASIS, DISCOUNT_RATE, YEARS  # noqa: PLC0415
    from calculators.valuation.compare import Settings, compare_offers, home_currency  # noqa: PLC0415

    amounts = {i.key: float(i.value) for i in items if FIELDS[i.key].amount and _is_number(i.value)}
    if not amounts:
        return []
    try:
        inputs = read_inputs(path)
    except WorkbookError as exc:
        if str(exc).endswith(("has no Offers sheet", "the Offers sheet is empty")):
            return []  # no offer held: nothing to be below
        return [Note(UNCHECKED, {"field": next(iter(amounts)), "why": str(exc)})]
    if all(_blank(v) for row in inputs.offers[1:] for v in row[1:]):
        return []  # the offer columns are empty (a new workbook)
    try:
        offers = workbook_offers(inputs)
        given = inputs.settings
        try:  # as the sheet's functions read them
            age, personal = personal_from(inputs.personal)
        except NegotiationError as exc:
            raise InvalidInputError(f"Params {exc}") from None
        settings = Settings(
            basis=str(given.get("basis") or BASIS.default).strip().lower(),
            years=_setting(given, "horizon_years", YEARS),
            discount_rate=_setting(given, "discount_rate", DISCOUNT_RATE),
            home_currency=home_currency(offers, given.get("home_currency")),
            fx=inputs.fx,
            age=age,
            personal=personal,
        )
        ranked = compare_offers(offers, settings)
        return below_offers(amounts, ranked, str(settings.home_currency), settings.basis)
    except NegotiationError as exc:
        return [Note(UNCHECKED, {"field": next(iter(amounts)), "why": str(exc)})]


def _setting(given: dict[str, Any], key: str, setting: Any) -> Any:
    """A Params setting as the comparison takes it: blank is the default, else checked."""
    value = given.get(key)
    try:
        return setting.check(None if _blank(value) else value)
    except NegotiationError as exc:
        raise InvalidInputError(f"Params {key}: {exc}") from None


def warning_text(note: Note, lang: str = "en") -> str:
    """A disclosure note in ``lang``: the catalogue's template for its code (``addin.messages``),
    else this module's; the field and the basis said in words."""
    from addin.messages import MESSAGES  # noqa: PLC0415

    template = MESSAGES.get(lang, {}).get(note.code) or _FALLBACK[lang][note.code]
    params = dict(note.params)
    key = params.get("field")
    if isinstance(key, str) and key in FIELDS:
        label = FIELDS[key].ja if lang == "ja" else FIELDS[key].en
        params["field"] = _SAID[lang].get(key, label)
    basis = params.get("basis")
    if isinstance(basis, str):
        params["basis"] = _BASES[lang].get(basis, basis.replace("_", " "))
    return str(template.format(**params))


def _needs_compute(value: Any) -> bool:
    """No cached value, or a cached error: compute the field from the input sheets."""
    return _blank(value) or (isinstance(value, str) and value.startswith("#"))


def _checked(name: str, key: str, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("#"):
        raise ShareError(f"{name}: the field {key} cannot be computed; check the workbook")
    if isinstance(value, float) and not math.isfinite(value):
        raise ShareError(f"{name}: the field {key} is not a finite number")
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise ShareError(f"{name}: the field {key} has an unsupported value type")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            check_amount(key, float(value))
        except InvalidInputError as exc:
            raise ShareError(f"{name}: the field {exc}") from None
    return value


def inert(text: str) -> str:
    """``text`` as a spreadsheet cannot run it: a leading apostrophe when, after any
    invisible prefix, it starts like a formula (see ``_TRIGGERS``).

    >>> inert("=1+1"), inert("\u00a0\u200b＝1+1"), inert("-5"), inert("Tokyo")
    ("'=1+1", "'\xa0\u200b＝1+1", "'-5", 'Tokyo')
    """
    for ch in text:
        if ch in _TRIGGERS or unicodedata.normalize("NFKC", ch)[:1] in _TRIGGERS:
            return "'" + text
        if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ch not in _BLANK_LETTERS:
            return text
    return text


def _compute(name: str, keys: list[str], offers: list[list[Any]], params: list[list[Any]]) -> dict[str, Any]:
    """The fields' formulas evaluated over the input sheets by the formulas engine, as
    ``negotiate recalc`` evaluates a workbook: the Offers and Params cells and one formula
    per field (the Recruiter sheet's own, :meth:`Field.expr`) in a scratch workbook."""
    import xlsxwriter  # noqa: PLC0415

    from addin.recalc import evaluate  # noqa: PLC0415

    probe = Layout(0)
    n_fx = 0
    for row in params[probe.fx_header_row + 1 :]:
        if _blank(row[0] if row else None):
            break
        n_fx += 1
    lay = Layout(n_fx)
    for label, at in lay.params.items():
        cell = params[at][0] if at < len(params) and params[at] else None
        if not isinstance(cell, str) or cell.strip().lower() != label:
            raise ShareError(
                f"{name}: the Params sheet is not laid out as the shipped workbook's "
                "and the Recruiter sheet has no cached values; open and save it in "
                "Excel first"
            )
    with tempfile.TemporaryDirectory(prefix=".share-") as folder:
        scratch = Path(folder) / "fields.xlsx"
        as_written = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        wb = xlsxwriter.Workbook(str(scratch), as_written)
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        for sheet, grid in ((OFFERS, offers), (PARAMS, params)):
            ws = wb.add_worksheet(sheet)
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    _write_input(ws, r, c, value, date)
        ws = wb.add_worksheet(_SCRATCH)
        inner: dict[str, int] = {}
        for i, key in enumerate(keys):
            expr = FIELDS[key].expr(key, lay)
            ws.write_formula(i, 0, "=" + expr.text(_SCRATCH))
            calls = _our_calls(expr)  # beside it, each of our functions it calls: their message
            inner[key] = len(calls)  # says why, where the field's own value is only #REF!
            for j, call in enumerate(calls, start=1):
                ws.write_formula(i, j, "=" + call.text(_SCRATCH))
        wb.close()
        try:
            values, _ = evaluate(scratch)
        except NegotiationError as exc:  # the engine's one line, naming the scratch file
            why = str(exc).split(": ", 1)[-1]
            raise ShareError(f"{name}: the fields cannot be computed: {why}") from None
    out = {}
    for i, key in enumerate(keys):
        value = values.get((_SCRATCH.upper(), i + 1, 1))
        if isinstance(value, str) and value.startswith("#"):
            told = [values.get((_SCRATCH.upper(), i + 1, j + 1)) for j in range(1, inner[key] + 1)]
            value = next((v for v in told if isinstance(v, str) and v.startswith("#") and " " in v), value)
        out[key] = value
    return out


def _our_calls(expr: Any) -> list[Call]:
    """The calls of this add-in's functions inside ``expr``, outermost first."""
    from addin import udfs  # noqa: F401, PLC0415  (importing the functions registers them)
    from addin.cells import UDFS  # noqa: PLC0415

    found: list[Call] = []
    stack = [expr]
    while stack:
        e = stack.pop(0)
        if isinstance(e, Call):
            if e.func.lower() in UDFS:
                found.append(e)
            stack += list(e.args)
        elif isinstance(e, Op):
            stack += [e.left, e.right]
    return found


_SCRATCH = "Fields"  # the scratch workbook's sheet of field formulas


def _write_input(ws: Any, r: int, c: int, value: Any, date: Any) -> None:
    """One input cell as the workbook held it (a date stays a date)."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, value, date)
    else:
        ws.write_string(r, c, str(value))


def write_copy(items: list[Disclosed], path: str | os.PathLike[str], lang: str = "en") -> None:
    """Write the recruiter copy (deterministic bytes) to ``path``."""
    import xlsxwriter  # noqa: PLC0415

    text = _TEXT[lang]
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"created": _FIXED_TIME})
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bottom": 1})
    num = wb.add_format({"num_format": "#,##0"})
    as_text = wb.add_format({"quote_prefix": True})
    ws = wb.add_worksheet(text["sheet"])
    ws.write_string(0, 0, text["title"], title)
    ws.write_string(2, 0, text["item"], head)
    ws.write_string(2, 1, text["value"], head)
    for r, item in enumerate(items, start=3):
        ws.write_string(r, 0, item.label)
        value = item.value
        if value is None:
            continue
        if isinstance(value, bool):
            ws.write_boolean(r, 1, value)
        elif isinstance(value, (int, float)):
            ws.write_number(r, 1, value, num if item.style == "num" else None)
        else:
            s = inert(str(value))
            quoted = s != str(value) or s.startswith(_FORMULA_START)
            ws.write_string(r, 1, s, as_text if quoted else None)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 28)
    ws.fit_to_pages(1, 1)
    wb.close()


def to_pdf(xlsx: str | Path, pdf: str | Path) -> Path:
    """A one-page PDF of the copy, by LibreOffice headless (written atomically to ``pdf``)."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ShareError("--pdf needs LibreOffice (soffice), which is not installed")
    target = Path(pdf)
    with tempfile.TemporaryDirectory(prefix=".share-pdf-", dir=target.parent) as name:
        work = Path(name).resolve()
        src = work / "copy.xlsx"
        src.write_bytes(Path(xlsx).read_bytes())
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(src),
                ],
                capture_output=True,
                timeout=180,
                check=True,
            )
        except (subprocess.SubprocessError, OSError):
            raise ShareError(f"{target.name}: LibreOffice could not write the PDF") from None
        made = work / "copy.pdf"
        if not made.is_file():
            raise ShareError(f"{target.name}: LibreOffice could not write the PDF")
        os.replace(made, target)
    return target


def share(
    workbook: str | Path,
    output: str | Path,
    include: tuple[str, ...] = (),
    lang: str = "en",
    force: bool = False,
    pdf: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """Build the recruiter copy of ``workbook`` at ``output`` (atomic; never over the input).

    With ``pdf``, a one-page PDF of the same content is written beside it (``.pdf``).  With
    ``warn``, each warning about what the copy discloses (:func:`disclosure_notes`, a
    disclosed amount below an offer already held) is passed to it as one line in ``lang``,
    once the copy is written.
    """
    if lang not in LANGS:
        raise ShareError("--lang must be en or ja")
    src, out = Path(workbook), Path(output)
    if out.suffix.lower() != ".xlsx":
        raise ShareError(f"{out.name}: the recruiter copy must be an .xlsx file")
    if out.exists() or out.is_symlink():
        if src.exists() and (out.resolve() == src.resolve() or os.path.samefile(out, src)):
            raise ShareError(f"{out.name}: refused, the output would overwrite the input workbook")
        if not force:
            raise ShareError(f"{out.name}: already exists; use --force to replace it")
        if not out.is_file():
            raise ShareError(f"{out.name}: exists and is not a file")
    if not out.parent.is_dir():
        raise ShareError(f"{out.name}: the output folder does not exist")
    pdf_out = out.with_suffix(".pdf")
    if pdf and pdf_out.exists() and not force:
        raise ShareError(f"{pdf_out.name}: already exists; use --force to replace it")
    items = read_disclosed(src, include, lang)
    if not items:
        raise ShareError(
            f"{src.name}: nothing is disclosed; switch fields on (Strategy sheet, column K) or use --include"
        )
    notes = disclosure_notes(src, items) if warn is not None else []
    fd, tmp = tempfile.mkstemp(prefix=".share-", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        write_copy(items, tmp, lang)
        if pdf:
            to_pdf(tmp, pdf_out)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for note in notes:
        warn(warning_text(note, lang))  # type: ignore[misc]  # notes only when warn is given
    return out
