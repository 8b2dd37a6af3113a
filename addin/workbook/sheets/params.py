"""Params: home currency, horizon, discount rate, basis, home city, target, age, FX table."""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Model
from addin.workbook.sheets.layout import PARAMS, PERSONAL, Layout
from calculators.defaults import AGE
from calculators.fx import shipped_table
from calculators.personal import known_facts
from calculators.tax import get_jurisdiction
from calculators.tax.jurisdictions.jp_social import RSU_TREATMENTS
from calculators.tax.jurisdictions.jp_tokyo import HEALTH_INSURERS

NAME = PARAMS
BASIS_CHOICES = tuple(
    f"{prefix}{kind}"
    for prefix in ("", "net_", "disposable_")
    for kind in ("first_year", "annualized", "total", "npv")
)
_STYLES = {"discount_rate": "pct", "income_target": "num"}
CALENDAR_HELP = (
    "Values after tax on the calendar from the Strategy sheet's as_of when TRUE: each offer from "
    "its start_date (else the first of the next month), its pay taxed by the tax year it falls in; "
    "FALSE or blank: each offer year taxed as a tax year"
)


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    home = data["home"]
    fx = shipped_table()
    m.put(NAME, 0, 0, "Settings and reference data", "title")
    m.put(NAME, 1, 0, "setting", "head")
    m.put(NAME, 1, 1, "value", "head")
    values = {
        "home_currency": home["currency"],
        "horizon_years": home["horizon_years"],
        "discount_rate": home["discount_rate"],
        "basis": home["basis"],
        "home_city": home["city"],
        "income_target": home["target"],
        "calendar": home.get("calendar", False),
        # your age, where contributions depend on it (Japan's 介護保険 from 40); blank: the default
        AGE.name: home.get(AGE.name, AGE.default),
    }
    for name, row in lay.params.items():
        m.put(NAME, row, 0, name)
        m.put(NAME, row, 1, values.get(name), _STYLES.get(name))
    for name, text in personal_help().items():
        m.put(NAME, lay.params[name], 2, text)
    m.put(NAME, lay.params["calendar"], 2, CALENDAR_HELP)
    m.put(NAME, lay.fx_title_row, 0, f"FX rates (units per 1 {fx.base})", "bold")
    m.put(NAME, lay.fx_as_of_row, 0, "as_of")
    m.put(NAME, lay.fx_as_of_row, 1, fx.as_of.isoformat() if fx.as_of else "")
    m.put(NAME, lay.fx_source_row, 0, "source")
    m.put(NAME, lay.fx_source_row, 1, fx.source)
    m.put(NAME, lay.fx_header_row, 0, "currency", "head")
    m.put(NAME, lay.fx_header_row, 1, f"per {fx.base}", "head")
    for i, (code, rate) in enumerate(fx.rates.items(), start=1):
        m.put(NAME, lay.fx_header_row + i, 0, code)
        m.put(NAME, lay.fx_header_row + i, 1, rate, "rate")


def personal_help() -> dict[str, str]:
    """The help beside each personal fact: whose rules take it, what it is, its default."""
    what = {
        AGE.name: "your age in whole years, where contributions depend on it",
        "church_tax": "Kirchensteuer paid, yes or no",
        "children": "your children under 25, for the Pflegeversicherung",
        "credit_points": "your credit points (נקודות זיכוי)",
        "health_insurer": "your health insurer (" + ", ".join(HEALTH_INSURERS) + ")",
        "rsu_social_insurance": "RSU vests in 健康保険 / 厚生年金: "
        + ", ".join(RSU_TREATMENTS)
        + " (the employer's own plan: remuneration if they vest quarterly, bonus if yearly)",
    }
    known = known_facts()
    out = {}
    for name in PERSONAL:
        codes = known[name]
        default = AGE.default if name == AGE.name else get_jurisdiction(codes[0]).options[name]
        shown = ("yes" if default else "no") if isinstance(default, bool) else default
        where = "every country" if name == AGE.name else ", ".join(codes)
        out[name] = f"{where}: {what[name]} (blank: {shown})"
    return out


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 70)
    row = lay.params["church_tax"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": ["yes", "no"]})
    row = lay.params["health_insurer"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": list(HEALTH_INSURERS)})
    row = lay.params["rsu_social_insurance"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": list(RSU_TREATMENTS)})
    row = lay.params["basis"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": list(BASIS_CHOICES)})
    row = lay.params["calendar"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": ["TRUE", "FALSE"]})
    row = lay.params["home_currency"]
    ws.data_validation(row, 1, row, 1, {"validate": "list", "source": list(shipped_table().rates)})
