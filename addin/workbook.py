"""Build ``workbook/negotiation.xlsm`` reproducibly.

The workbook carries the VBA part of xlwings' own standalone quickstart
workbook unchanged (so Windows Excel can call our UDFs after *Import
Functions*), an ``xlwings.conf`` sheet naming ``addin.udfs``, and the sheets
of the product.  Every formula is written with its cached result, computed
by the same Python functions Excel will call, so any spreadsheet program
shows numbers.  The same input gives byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwings
import yaml
from xlsxwriter.utility import xl_col_to_name

from addin import udfs
from addin.cells import UDFS
from addin.sheetmodel import Call, Model, Ref, Spill
from calculators.equity import parse_schedule
from calculators.fx import shipped_table
from calculators.offer import FIELDS
from calculators.places import JURISDICTIONS

__all__ = ["build", "DEFAULT_PATH", "quickstart_vba", "example"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "workbook" / "negotiation.xlsm"
_EXAMPLE = Path(__file__).parent / "data" / "example.yaml"
_FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

OFFERS, COMPARE, SCHEDULES, PARAMS, START, CONF = (
    "Offers", "Compare", "Schedules", "Params", "Start here", "xlwings.conf",
)
SCHEDULE_CHOICES = ("25/25/25/25", "5/15/40/40", "33/33/22/12", "40/30/20/10", "100")
FREQUENCY_CHOICES = ("monthly", "quarterly", "annual")
BASIS_CHOICES = ("first_year", "annualized", "total", "npv")
CURRENCY_FORMATS = {
    "JPY": '"¥"#,##0', "USD": '"$"#,##0', "GBP": '"£"#,##0', "EUR": '"€"#,##0',
    "ILS": '"₪"#,##0', "CAD": '"C$"#,##0', "CHF": '"CHF "#,##0', "SGD": '"S$"#,##0',
}
_FRACTION_FIELDS = {n for n, s in FIELDS.items() if s.kind == "fraction"} - {"exit_multiple"}
_MONEY_FIELDS = {n for n, s in FIELDS.items() if s.kind == "money"} - {
    "option_shares", "option_strike", "option_price"}


def quickstart_vba() -> bytes:
    """``xl/vbaProject.bin`` of the installed xlwings' standalone quickstart workbook."""
    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


def example() -> dict[str, Any]:
    """The shipped example (the reference persona)."""
    return yaml.safe_load(_EXAMPLE.read_text(encoding="utf-8"))


class Layout:
    """Where things are, so formulas and the CLI agree."""

    def __init__(self, n_offers: int, n_fx: int) -> None:
        self.fields = list(FIELDS)
        self.n_offers = n_offers
        self.offer_cols = range(1, n_offers + 1)
        self.spare_col = n_offers + 1  # one empty column: room for another offer
        self.help_col = n_offers + 3
        self.offers = Ref(OFFERS, 0, 0, len(self.fields), self.spare_col)
        self.field_row = {name: i + 1 for i, name in enumerate(self.fields)}
        self.params = {"home_currency": 2, "horizon_years": 3, "discount_rate": 4, "basis": 5,
                       "home_city": 6, "income_target": 7}
        self.fx_as_of_row, self.fx_source_row, self.fx_header_row = 10, 11, 12
        self.fx = Ref(PARAMS, self.fx_header_row, 0, self.fx_header_row + n_fx, 1)

    def param(self, name: str) -> Ref:
        return Ref(PARAMS, self.params[name], 1)

    def offer_cell(self, field: str, col: int) -> Ref:
        return Ref(OFFERS, self.field_row[field], col)

    def name_cell(self, col: int) -> Ref:
        return Ref(OFFERS, 0, col)


def _model(data: dict[str, Any]) -> tuple[Model, Layout]:
    fx = shipped_table()
    offers = data["offers"]
    lay = Layout(len(offers), len(fx.rates))
    m = Model(functions={name: getattr(udfs, name) for name in UDFS})
    _params(m, lay, data["home"], fx)
    _offers(m, lay, offers)
    _compare(m, lay, data["home"])
    _schedules(m, lay, int(data["home"]["horizon_years"]))
    return m, lay


def _params(m: Model, lay: Layout, home: dict[str, Any], fx: Any) -> None:
    m.put(PARAMS, 0, 0, "Settings and reference data")
    m.put(PARAMS, 1, 0, "setting")
    m.put(PARAMS, 1, 1, "value")
    values = {"home_currency": home["currency"], "horizon_years": home["horizon_years"],
              "discount_rate": home["discount_rate"], "basis": home["basis"],
              "home_city": home["city"], "income_target": home["target"]}
    for name, row in lay.params.items():
        m.put(PARAMS, row, 0, name)
        m.put(PARAMS, row, 1, values[name])
    m.put(PARAMS, 9, 0, "FX rates (units per 1 " + fx.base + ")")
    m.put(PARAMS, lay.fx_as_of_row, 0, "as_of")
    m.put(PARAMS, lay.fx_as_of_row, 1, fx.as_of.isoformat() if fx.as_of else "")
    m.put(PARAMS, lay.fx_source_row, 0, "source")
    m.put(PARAMS, lay.fx_source_row, 1, fx.source)
    m.put(PARAMS, lay.fx_header_row, 0, "currency")
    m.put(PARAMS, lay.fx_header_row, 1, "per " + fx.base)
    for i, (code, rate) in enumerate(fx.rates.items(), start=1):
        m.put(PARAMS, lay.fx_header_row + i, 0, code)
        m.put(PARAMS, lay.fx_header_row + i, 1, rate)


def _offers(m: Model, lay: Layout, offers: Sequence[dict[str, Any]]) -> None:
    m.put(OFFERS, 0, 0, "field")
    m.put(OFFERS, 0, lay.help_col, "what it means")
    for name, row in lay.field_row.items():
        m.put(OFFERS, row, 0, name)
        m.put(OFFERS, row, lay.help_col, FIELDS[name].help)
    for col, offer in zip(lay.offer_cols, offers, strict=True):
        m.put(OFFERS, 0, col, offer["name"])
        for name, row in lay.field_row.items():
            value = offer.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                m.put(OFFERS, row, col, value)


def _tc(lay: Layout, basis: Any, col: int) -> Call:
    return Call("OFFER_TC", (lay.offers, basis, lay.param("horizon_years"),
                             lay.param("discount_rate"), Ref(COMPARE, 5 + col, 0, absolute=False)))


def _compare(m: Model, lay: Layout, home: dict[str, Any]) -> None:
    m.put(COMPARE, 0, 0, "Offer comparison (gross, before tax)")
    m.put(COMPARE, 1, 0, "home currency")
    m.put(COMPARE, 1, 1, lay.param("home_currency"))
    m.put(COMPARE, 2, 0, "horizon (years)")
    m.put(COMPARE, 2, 1, lay.param("horizon_years"))
    m.put(COMPARE, 3, 0, "discount rate")
    m.put(COMPARE, 3, 1, lay.param("discount_rate"))
    header = ["offer", "currency", "first year", "annualized", "npv", "fx rate",
              "first year (home)", "annualized (home)", "npv (home)", "basis (home)", "rank"]
    for c, text in enumerate(header):
        m.put(COMPARE, 5, c, text)
    first, last = 6, 5 + lay.n_offers
    for i, col in enumerate(lay.offer_cols, start=1):
        r = 5 + i
        m.put(COMPARE, r, 0, lay.name_cell(col))
        m.put(COMPARE, r, 1, lay.offer_cell("currency", col))
        for c, basis in ((2, "first_year"), (3, "annualized"), (4, "npv")):
            m.put(COMPARE, r, c, _tc(lay, basis, i))
        m.put(COMPARE, r, 5, Call("FX_CONVERT", (1, Ref(COMPARE, r, 1, absolute=False),
                                                 lay.param("home_currency"), lay.fx)))
        for c in (6, 7, 8):
            m.put(COMPARE, r, c, Call("FX_CONVERT", (
                Ref(COMPARE, r, c - 4, absolute=False), Ref(COMPARE, r, 1, absolute=False),
                lay.param("home_currency"), lay.fx)))
        m.put(COMPARE, r, 9, Call("FX_CONVERT", (
            _tc(lay, lay.param("basis"), i), Ref(COMPARE, r, 1, absolute=False),
            lay.param("home_currency"), lay.fx)))
        m.put(COMPARE, r, 10, Call("RANK", (Ref(COMPARE, r, 9, absolute=False),
                                            Ref(COMPARE, first, 9, last, 9))))
    m.put(COMPARE, 4, 0, "ranked on")
    m.put(COMPARE, 4, 1, lay.param("basis"))
    # total compensation by year, home currency (one number per cell: readable anywhere)
    top = last + 3
    years = int(home["horizon_years"])
    m.put(COMPARE, top - 1, 0, "Total compensation by year (home currency)")
    m.put(COMPARE, top, 0, "offer")
    for k in range(1, years + 1):
        m.put(COMPARE, top, k, f"year {k}")
    for i in range(1, lay.n_offers + 1):
        r = top + i
        m.put(COMPARE, r, 0, Ref(COMPARE, 5 + i, 0, absolute=False))
        for k in range(1, years + 1):
            sched = Call("OFFER_SCHEDULE", (lay.offers, lay.param("horizon_years"), None,
                                            Ref(COMPARE, 5 + i, 5), Ref(COMPARE, 5 + i, 0)))
            m.put(COMPARE, r, k, Call("INDEX", (sched, k + 1, 10)))


def _schedules(m: Model, lay: Layout, years: int) -> None:
    m.put(SCHEDULES, 0, 0, "Detail tables (spilling formulas; Excel 365 or the add-in runtime)")
    m.put(SCHEDULES, 2, 0, "Ranking on the chosen basis")
    m.put(SCHEDULES, 3, 0, Spill(Call("OFFER_COMPARE", (
        lay.offers, lay.param("basis"), lay.param("home_currency"),
        lay.param("horizon_years"), lay.param("discount_rate"), lay.fx))))
    row = 5 + lay.n_offers + 2
    for col in lay.offer_cols:
        m.put(SCHEDULES, row, 0, Ref(OFFERS, 0, col))
        m.put(SCHEDULES, row + 1, 0, Spill(Call("OFFER_SCHEDULE", (
            lay.offers, lay.param("horizon_years"), None, None, Ref(OFFERS, 0, col)))))
        row += years + 3
    row += 1
    m.put(SCHEDULES, row, 0, "Options of the London start-up, valued (illustrative)")
    london = next((c for c in lay.offer_cols
                   if m.sheet(OFFERS).get((lay.field_row["option_shares"], c))), None)
    if london is not None:
        m.put(SCHEDULES, row + 1, 0, Spill(Call("OPTION_VALUE", tuple(
            lay.offer_cell(f, london) for f in ("option_shares", "option_strike",
                                                "option_price", "dilution",
                                                "exit_probability", "exit_multiple")))))


_START_TEXT = [
    ("Offer negotiation workbook", "title"),
    ("Compare job offers across countries and currencies, then negotiate.", None),
    ("", None),
    ("1. Put your offers on the Offers sheet: one column per offer, field names in column A.",
     None),
    ("2. Set the home currency, horizon, discount rate and FX rates on the Params sheet.", None),
    ("3. Read the ranking on the Compare sheet; detail tables are on Schedules.", None),
    ("", None),
    ("Windows Excel (classic xlwings)", "head"),
    ("pip install the project (README), then `xlwings addin install` once.", None),
    ("Sheet xlwings.conf: set Interpreter_Win to the python.exe of that environment; "
     "UDF Modules is addin.udfs.", None),
    ("Enable macros, then xlwings ribbon > Import Functions. A cell showing #NAME? means the "
     "functions are not imported yet.", None),
    ("", None),
    ("Excel on Mac / Excel on the web", "head"),
    ("Run `negotiate serve` and sideload its manifest (README): the functions appear under "
     "the add-in's namespace.", None),
    ("", None),
    ("No Excel (Linux, before a call)", "head"),
    ("`negotiate compare` ranks the offers of this workbook in a terminal.", None),
    ("", None),
    ("The numbers are cached results computed by the same functions; the sample offers are "
     "the illustrative persona of the README.", None),
]


def _conf_rows() -> list[tuple[str, Any]]:
    return [
        ("Interpreter_Win", "python"), ("Interpreter_Mac", ""), ("PYTHONPATH", ""),
        ("Conda Path", ""), ("Conda Env", ""), ("UDF Modules", "addin.udfs"),
        ("Debug UDFs", False), ("Use UDF Server", False), ("Show Console", False),
    ]


def _write(path: Path, m: Model, lay: Layout, data: dict[str, Any]) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "Offer negotiation", "created": _FIXED_TIME,
                       "author": "", "company": ""})
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(quickstart_vba()), is_stream=True)
    f = _Formats(wb)
    order = [START, OFFERS, COMPARE, SCHEDULES, PARAMS, CONF]
    codenames = {START: "Sheet1", CONF: "Sheet2"}
    sheets = {}
    extra = 3
    for name in order:
        ws = wb.add_worksheet(name)
        if name in codenames:
            ws.set_vba_name(codenames[name])
        else:
            ws.set_vba_name(f"Sheet{extra}")
            extra += 1
        sheets[name] = ws
    _write_start(sheets[START], f)
    _write_cells(sheets[PARAMS], m, PARAMS, f)
    _write_cells(sheets[OFFERS], m, OFFERS, f, lay=lay, offers=data["offers"])
    _write_cells(sheets[COMPARE], m, COMPARE, f)
    _write_cells(sheets[SCHEDULES], m, SCHEDULES, f)
    conf = sheets[CONF]
    for r, (key, value) in enumerate(_conf_rows()):
        conf.write_string(r, 0, key)
        if isinstance(value, bool):
            conf.write_boolean(r, 1, value)
        elif value:
            conf.write_string(r, 1, value)
    conf.set_column(0, 0, 16)
    conf.set_column(1, 1, 14)
    _dress(wb, sheets, lay, f, data)
    sheets[START].activate()
    wb.close()


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.head = wb.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"})
        self.bold = wb.add_format({"bold": True})
        self.pct = wb.add_format({"num_format": "0.0%"})
        self.num = wb.add_format({"num_format": "#,##0"})
        self.rate = wb.add_format({"num_format": "0.0000"})
        self.money = {c: wb.add_format({"num_format": fmt}) for c, fmt in CURRENCY_FORMATS.items()}
        self.text = wb.add_format({"text_wrap": False})


def _write_start(ws: Any, f: _Formats) -> None:
    for r, (text, style) in enumerate(_START_TEXT):
        fmt = f.title if style == "title" else f.bold if style == "head" else None
        if text:
            ws.write_string(r, 0, text, fmt)
    ws.set_column(0, 0, 110)


def _write_cells(ws: Any, m: Model, sheet: str, f: _Formats, **kw: Any) -> None:
    for (r, c), content in sorted(m.sheet(sheet).items()):
        fmt = _format_for(sheet, r, c, m, f, **kw)
        if isinstance(content, Spill):
            result = m.value(sheet, r, c)
            rows = result if isinstance(result, list) else [[result]]
            text = "=" + content.expr.text(sheet)
            ws.write_dynamic_array_formula(r, c, r + len(rows) - 1, c + len(rows[0]) - 1,
                                           text, fmt, _cached(rows[0][0]))
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if i or j:
                        _write_value(ws, r + i, c + j, value,
                                     f.head if i == 0 else f.num if isinstance(value, float) else None)
        elif isinstance(content, (Call, Ref)):
            value = m.value(sheet, r, c)
            ws.write_formula(r, c, "=" + content.text(sheet), fmt, _cached(value))
        else:
            _write_value(ws, r, c, content, fmt)


def _cached(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    return value


def _write_value(ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _format_for(sheet: str, r: int, c: int, m: Model, f: _Formats, lay: Layout | None = None,
                offers: Sequence[dict[str, Any]] | None = None) -> Any:
    if sheet == OFFERS and lay is not None and offers is not None:
        if r == 0:
            return f.head
        field = lay.fields[r - 1] if 0 < r <= len(lay.fields) else None
        if c in lay.offer_cols and field in _MONEY_FIELDS:
            return f.money.get(offers[c - 1]["currency"], f.num)
        if field in _FRACTION_FIELDS:
            return f.pct
        return None
    if sheet == COMPARE:
        if r == 5 or (r > 5 and isinstance(m.sheet(COMPARE).get((r, 0)), str)):
            return f.head
        if r > 5 and c == 5:
            return f.rate
        if r > 5 and c >= 2:
            return f.num
        if r == 3 and c == 1:
            return f.pct
    if sheet == PARAMS:
        if r == 1:
            return f.head
        if c == 1 and r > 12:
            return f.rate
        if (r, c) == (4, 1):
            return f.pct
        if (r, c) == (7, 1):
            return f.num
    if sheet == SCHEDULES and isinstance(m.sheet(sheet).get((r, c)), (str, Ref)):
        return f.bold
    return None


def _dress(wb: Any, ws: dict[str, Any], lay: Layout, f: _Formats, data: dict[str, Any]) -> None:
    offers = ws[OFFERS]
    offers.freeze_panes(1, 1)
    offers.set_column(0, 0, 22)
    offers.set_column(1, lay.spare_col, 18)
    offers.set_column(lay.help_col, lay.help_col, 52)
    last = xl_col_to_name(lay.spare_col)
    codes = list(JURISDICTIONS)
    currencies = list(shipped_table().rates)
    for name, choices, strict in (
        ("jurisdiction", codes, True), ("currency", currencies, True),
        ("rsu_schedule", list(SCHEDULE_CHOICES), False),
        ("refresher_schedule", list(SCHEDULE_CHOICES), False),
        ("option_schedule", list(SCHEDULE_CHOICES), False),
        ("rsu_frequency", list(FREQUENCY_CHOICES), True),
    ):
        row = lay.field_row[name]
        offers.data_validation(f"B{row + 1}:{last}{row + 1}", {
            "validate": "list", "source": choices,
            "error_type": "stop" if strict else "information",
            "error_title": name, "error_message": FIELDS[name].help[:220],
        })
    for sched in SCHEDULE_CHOICES:
        parse_schedule(sched)  # every choice offered must be valid
    params = ws[PARAMS]
    params.set_column(0, 0, 26)
    params.set_column(1, 1, 40)
    params.data_validation(lay.params["basis"], 1, lay.params["basis"], 1,
                           {"validate": "list", "source": list(BASIS_CHOICES)})
    params.data_validation(lay.params["home_currency"], 1, lay.params["home_currency"], 1,
                           {"validate": "list", "source": list(shipped_table().rates)})
    compare = ws[COMPARE]
    compare.freeze_panes(6, 1)
    compare.set_column(0, 0, 22)
    compare.set_column(1, 10, 15)
    years = int(data["home"]["horizon_years"])
    top = 5 + lay.n_offers + 3
    chart = wb.add_chart({"type": "column"})
    for i in range(1, lay.n_offers + 1):
        r = top + i
        chart.add_series({
            "name": [COMPARE, r, 0],
            "categories": [COMPARE, top, 1, top, years],
            "values": [COMPARE, r, 1, r, years],
        })
    chart.set_title({"name": "Total compensation by year (home currency)"})
    chart.set_y_axis({"num_format": "#,##0"})
    compare.insert_chart(top + lay.n_offers + 2, 0, chart, {"x_scale": 2.0, "y_scale": 1.3})
    ws[SCHEDULES].set_column(0, 9, 16)


def build(path: str | os.PathLike[str] = DEFAULT_PATH, data: dict[str, Any] | None = None) -> Path:
    """Write the workbook to ``path`` through a temporary file and an atomic rename."""
    target = Path(path)
    data = data or example()
    m, lay = _model(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=".xlsm", dir=target.parent)
    os.close(fd)
    try:
        _write(Path(tmp), m, lay, data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def formula_cells(m: Model) -> list[tuple[str, int, int, Any]]:
    """Every formula cell of a model (sheet, row, col, content)."""
    return [(s, r, c, v) for s, cells in m.sheets.items() for (r, c), v in cells.items()
            if isinstance(v, (Call, Ref, Spill))]
