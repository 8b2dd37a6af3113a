"""Compare: one number per cell (readable in any program), rank and a chart.

One row per offer slot of the Offers sheet; an unused slot's row is empty text.
"""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Model, Ref
from addin.workbook.sheets import relocation
from addin.workbook.sheets.layout import COMPARE, COMPARE_TOP, MAX_YEARS, Layout

NAME = COMPARE
HEADER = [
    "offer",
    "currency",
    "first year",
    "annualized",
    "npv",
    "fx rate",
    "first year (home)",
    "annualized (home)",
    "npv (home)",
    "net annualized (home)",
    "disposable annualized (home)",
    "basis (home)",
    "rank",
]
TOP = COMPARE_TOP  # header row of the table


def _tc(lay: Layout, basis: Any, i: int, basket: Ref | None = None) -> Call:
    args = (
        lay.offers,
        basis,
        lay.param("horizon_years"),
        lay.param("discount_rate"),
        Ref(NAME, TOP + i, 0, absolute=False),
    )
    return Call("OFFER_TC", (*args, basket, lay.personal, lay.fx, lay.calendar))


def _home(value: Any, r: int, lay: Layout) -> Call:
    return Call("FX_CONVERT", (value, Ref(NAME, r, 1, absolute=False), lay.param("home_currency"), lay.fx))


def by_year_top(lay: Layout) -> int:
    return TOP + lay.n_offers + 3


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, 0, 0, "Offer comparison", "title")
    for r, (label, name, style) in enumerate(
        (
            ("home currency", "home_currency", None),
            ("horizon (years)", "horizon_years", None),
            ("discount rate", "discount_rate", "pct"),
            ("ranked on", "basis", None),
        ),
        start=1,
    ):
        m.put(NAME, r, 0, label)
        m.put(NAME, r, 1, lay.param(name), style)
    count = lay.count_ref()
    m.put(NAME, count.row, 0, "offers")
    m.put(NAME, count.row, 1, lay.count_formula())
    for c, text in enumerate(HEADER):
        m.put(NAME, TOP, c, text, "head")
    first, last = TOP + 1, TOP + lay.n_offers
    basket = relocation.inputs_ref(data)
    for i, col in enumerate(lay.offer_cols, start=1):
        r = TOP + i
        m.put(NAME, r, 0, lay.slot_name(col))

        def put(c: int, expr: Any, style: str | None = "num", i: int = i, r: int = r) -> None:
            m.put(NAME, r, c, lay.for_slot(i, expr), style)

        put(1, lay.offer_cell("currency", col), None)
        for c, basis in ((2, "first_year"), (3, "annualized"), (4, "npv")):
            put(c, _tc(lay, basis, i))
        put(5, _home(1, r, lay), "rate")
        for c in (6, 7, 8):
            put(c, _home(Ref(NAME, r, c - 4, absolute=False), r, lay))
        put(9, _home(_tc(lay, "net_annualized", i), r, lay))
        put(10, _home(_tc(lay, "disposable_annualized", i, basket), r, lay))
        put(11, _home(_tc(lay, lay.param("basis"), i, basket), r, lay))
        put(12, Call("RANK", (Ref(NAME, r, 11, absolute=False), Ref(NAME, first, 11, last, 11))), None)
    top = by_year_top(lay)
    m.put(NAME, top - 1, 0, "Total compensation by year (home currency)", "bold")
    m.put(NAME, top, 0, "offer", "head")
    for k in range(1, MAX_YEARS + 1):
        m.put(NAME, top, k, lay.year_label(k), "head")
    for i in range(1, lay.n_offers + 1):
        r = top + i
        m.put(NAME, r, 0, Ref(NAME, TOP + i, 0, absolute=False))
        sched = Call(
            "OFFER_SCHEDULE",
            (
                lay.offers,
                lay.param("horizon_years"),
                None,
                Ref(NAME, TOP + i, 5),
                Ref(NAME, TOP + i, 0),
                lay.fx,
            ),
        )
        for k in range(1, MAX_YEARS + 1):
            m.put(NAME, r, k, lay.for_slot(i, lay.for_year(k, Call("INDEX", (sched, k + 1, 10)))), "num")


def chart_years(data: dict[str, Any]) -> int:
    """Years a chart's categories cover: the horizon the workbook was written with."""
    return int(data["home"]["horizon_years"])


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.freeze_panes(TOP + 1, 1)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 12, 18)
    years = chart_years(data)
    top = by_year_top(lay)
    chart = wb.add_chart({"type": "column"})
    for i in range(1, lay.n_offers + 1):  # every slot: an offer typed in later shows too
        chart.add_series(
            {
                "name": [NAME, top + i, 0],
                "categories": [NAME, top, 1, top, years],
                "values": [NAME, top + i, 1, top + i, years],
            }
        )
    chart.set_title({"name": "Total compensation by year (home currency)"})
    chart.set_y_axis({"num_format": "#,##0"})
    ws.insert_chart(top + lay.n_offers + 2, 0, chart, {"x_scale": 2.0, "y_scale": 1.3})
