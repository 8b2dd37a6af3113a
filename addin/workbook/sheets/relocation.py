"""Relocation: the basket and move costs (inputs), the comparison, a chart by city."""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Model, Ref
from addin.workbook.sheets.layout import MAX_YEARS, Layout
from calculators.relocation.cost_of_living import CATEGORIES, HOUSING_SIZES, canonical_city
from calculators.relocation.move import MOVE_FIELDS

NAME = "Relocation"
INPUT_TOP = 2  # header row of the inputs range
_CATEGORY_HELP = {
    "rent": "Monthly rent at home for the chosen housing size",
    "food": "Groceries and eating out, monthly",
    "transport": "Transport, monthly",
    "utilities": "Electricity, gas, water, internet, phone, monthly",
    "health": "Health insurance / care you pay yourself (not payroll deductions)",
    "schooling": "Schooling and childcare, monthly",
    "other": "Everything else, monthly",
}


def input_rows(data: dict[str, Any]) -> list[tuple[str, Any, str]]:
    rel = data["relocation"]
    rows: list[tuple[str, Any, str]] = [
        ("home_city", rel["home_city"], "Where you live now"),
        ("housing_size", rel["housing_size"], "studio_1br or two_bedroom"),
    ]
    rows += [(c, rel["basket"].get(c, 0), _CATEGORY_HELP[c]) for c in CATEGORIES]
    rows += [(k, rel["costs"].get(k, 0), MOVE_FIELDS[k]) for k in MOVE_FIELDS]
    for override in rel.get("overrides", ()):
        rows.append((override["input"], override["value"], "Your own figure, replaces the data"))
    return rows


def inputs_ref(data: dict[str, Any]) -> Ref:
    return Ref(NAME, INPUT_TOP, 0, INPUT_TOP + len(input_rows(data)), 1)


def compare_top(data: dict[str, Any]) -> int:
    return INPUT_TOP + len(input_rows(data)) + 4


def cumulative_top(data: dict[str, Any], lay: Layout) -> int:
    return compare_top(data) + lay.n_offers + 3 + 3


def stay_row(data: dict[str, Any], lay: Layout) -> int:
    """The row of staying in the current job, below every offer slot."""
    return compare_top(data) + lay.n_offers + 1


# (header, column of RELOCATION_COMPARE's table, 1-based)
COLUMNS = (
    ("offer", 1),
    ("city", 2),
    ("disposable / year", 6),
    ("one-time costs", 7),
    ("break-even month", 8),
    ("clawback exposure", 9),
    ("FX -20%", 10),
    ("FX -10%", 11),
    ("FX +10%", 12),
    ("FX +20%", 13),
)


def money_style(data: dict[str, Any]) -> str:
    """The style of the inputs' amounts: money in the home city's currency."""
    return f"money:{canonical_city(data['relocation']['home_city']).currency}"


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    currency = canonical_city(data["relocation"]["home_city"]).currency
    m.put(NAME, 0, 0, "Relocation: what each move is really worth", "title")
    m.put(
        NAME,
        1,
        0,
        f"Your monthly spending at home and the costs of a move ({currency}). "
        "Add rows such as rent_relative:Seattle or price_relative:London to "
        "replace a shipped statistic with your own figure.",
    )
    m.put(NAME, INPUT_TOP, 0, "input", "head")
    m.put(NAME, INPUT_TOP, 1, "value", "head")
    m.put(NAME, INPUT_TOP, 2, "what it means", "head")
    money = money_style(data)
    for i, (key, value, help_text) in enumerate(input_rows(data), start=1):
        m.put(NAME, INPUT_TOP + i, 0, key)
        style = (
            money
            if key in CATEGORIES
            or key in {"flights", "movers", "visa_fees", "temporary_housing_monthly", "current_base_salary"}
            else None
        )
        if key == "current_annual_raise":
            style = "pct"
        m.put(NAME, INPUT_TOP + i, 1, value, style)
        m.put(NAME, INPUT_TOP + i, 2, help_text)
    top = compare_top(data)
    basket = inputs_ref(data)
    table = Call(
        "RELOCATION_COMPARE", (lay.offers, None, lay.param("horizon_years"), basket, lay.fx, lay.personal)
    )
    m.put(
        NAME,
        top - 1,
        0,
        "Each move against staying (yearly averages, home currency; break-even in months)",
        "bold",
    )
    for c, (head, _) in enumerate(COLUMNS):
        m.put(NAME, top, c, head, "head")
    for i in range(1, lay.n_offers + 1):  # RELOCATION_COMPARE's rows: the offers in order
        for c, (head, source_col) in enumerate(COLUMNS):
            style = None if c in (0, 1, 4) else "num"
            cell = Call("INDEX", (table, i + 1, source_col))
            if head == "break-even month":
                cell = lay.shown(cell, "never")
            m.put(NAME, top + i, c, lay.for_rank(i, cell), style)
    stay = stay_row(data, lay)  # then staying in the current job: the row after the offers
    for c, (head, source_col) in enumerate(COLUMNS):
        if head == "break-even month" or head.startswith("FX"):
            continue  # staying has no break-even and no FX exposure
        after_offers = Call("SUM", (lay.count_ref(), 2))
        m.put(
            NAME,
            stay,
            c,
            lay.if_offers(lay.shown(Call("INDEX", (table, after_offers, source_col)))),
            None if c in (0, 1) else "num",
        )
    after = top + lay.n_offers + 3
    cum = cumulative_top(data, lay)
    m.put(
        NAME,
        cum - 1,
        0,
        "Cumulative disposable surplus by year (home currency, after the move's one-time costs)",
        "bold",
    )
    m.put(NAME, cum, 0, "offer", "head")
    for k in range(1, MAX_YEARS + 1):
        m.put(NAME, cum, k, lay.year_label(k), "head")
    for i, col in enumerate(lay.offer_cols, start=1):
        r = cum + i
        m.put(NAME, r, 0, lay.slot_ref(i))
        for k in range(1, MAX_YEARS + 1):
            local = Call(
                "OFFER_TC",
                (lay.offers, "disposable_total", k, None, lay.slot_ref(i), basket, lay.personal, lay.fx),
            )
            m.put(
                NAME,
                r,
                k,
                lay.for_slot(
                    i,
                    lay.for_year(
                        k,
                        Call(
                            "FX_CONVERT",
                            (local, lay.offer_cell("currency", col), lay.param("home_currency"), lay.fx),
                        ),
                    ),
                ),
                "num",
            )
    names = [o["name"] for o in data["offers"]]
    if "Seattle big tech" in names and "Tokyo big tech" in names:
        m.put(NAME, after, 0, "FX break-even, Seattle vs Tokyo (JPY per USD at which they tie)")
        m.put(
            NAME,
            after,
            2,
            Call(
                "FX_BREAKEVEN",
                (
                    lay.offers,
                    "Seattle big tech",
                    "Tokyo big tech",
                    basket,
                    lay.param("horizon_years"),
                    lay.fx,
                ),
            ),
            "rate",
        )


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 12, 16)  # help texts in column C overflow into the empty cells beside
    ws.freeze_panes(INPUT_TOP + 1, 0)
    size_row = INPUT_TOP + 2
    ws.data_validation(size_row, 1, size_row, 1, {"validate": "list", "source": list(HOUSING_SIZES)})
    top = compare_top(data)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Disposable surplus per year (home currency)",
            "categories": [NAME, top + 1, 0, top + 1 + lay.n_offers, 0],
            "values": [NAME, top + 1, 2, top + 1 + lay.n_offers, 2],
        }
    )
    chart.set_title({"name": "Disposable surplus per year by city"})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_format": "#,##0"})
    years = int(data["home"]["horizon_years"])
    cum = cumulative_top(data, lay)
    line = wb.add_chart({"type": "line"})
    for i in range(1, lay.n_offers + 1):
        line.add_series(
            {
                "name": [NAME, cum + i, 0],
                "categories": [NAME, cum, 1, cum, years],
                "values": [NAME, cum + i, 1, cum + i, years],
                "marker": {"type": "circle"},
            }
        )
    line.set_title({"name": "Cumulative disposable surplus by city over the horizon"})
    line.set_y_axis({"num_format": "#,##0"})
    ws.insert_chart(cum + lay.n_offers + 2, 0, line, {"x_scale": 1.5, "y_scale": 1.1})
    ws.insert_chart(cum + lay.n_offers + 2, 6, chart, {"x_scale": 1.3, "y_scale": 1.1})
