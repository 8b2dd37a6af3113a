"""Offers: one column per offer, field names down column A, help on the right."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from addin.workbook.model import Model
from addin.workbook.sheets.layout import OFFERS, Layout
from calculators.fx import shipped_table
from calculators.offer.equity import parse_schedule
from calculators.offer.model import EQUITY_FIELDS, FIELDS
from calculators.places import JURISDICTIONS
from calculators.tax.equity_regimes import PARTS, REGIMES

NAME = OFFERS
HELP_HEADER = "what it means"
SCHEDULE_CHOICES = ("25/25/25/25", "5/15/40/40", "33/33/22/12", "40/30/20/10", "100")
FREQUENCY_CHOICES = ("monthly", "quarterly", "annual")
_FRACTIONS = {n for n, s in FIELDS.items() if s.kind == "fraction"} - {"exit_multiple"}
_MONEY = {n for n, s in FIELDS.items() if s.kind == "money"} - {
    "option_shares",
    "option_strike",
    "option_price",
}


def _style(field: str, currency: str | None) -> str | None:
    if field in _MONEY and currency:
        return f"money:{currency}"
    if field in _FRACTIONS:
        return "pct"
    return None


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, 0, 0, "field", "head")
    m.put(NAME, 0, lay.help_col, HELP_HEADER, "head")
    for name, row in lay.field_row.items():
        m.put(NAME, row, 0, name)
        m.put(NAME, row, lay.help_col, FIELDS[name].help)
    if len(data["offers"]) > lay.n_offers:
        raise ValueError(f"a workbook holds at most {lay.n_offers} offers")
    for col in lay.offer_cols:  # every slot's header cell, filled or not
        m.put(NAME, 0, col, None, "head")
    for col, offer in zip(lay.offer_cols, data["offers"], strict=False):
        m.put(NAME, 0, col, offer.get("name"), "head")
        for name, row in lay.field_row.items():
            value = offer.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                money = offer.get("equity_currency") if name in EQUITY_FIELDS else None
                m.put(NAME, row, col, value, _style(name, money or offer.get("currency")))


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 22)
    ws.set_column(1, lay.last_col, 18)
    ws.set_column(lay.help_col, lay.help_col, 52)
    last = xl_col_to_name(lay.last_col)
    for sched in SCHEDULE_CHOICES:
        parse_schedule(sched)  # every choice offered must be valid
    lists = {  # each kind of field with a list of choices: the choices, and whether only they go
        "jurisdiction": (list(JURISDICTIONS), True),
        "currency": (list(shipped_table().rates), True),
        "schedule": (list(SCHEDULE_CHOICES), False),
        "frequency": (list(FREQUENCY_CHOICES), True),
        "regime": (list(REGIMES), True),
        "flag": (["TRUE", "FALSE"], False),  # yes / no and 1 / 0 are read too
    }
    part_of = {field: part for part, field in PARTS.items()}
    for name, (choices, strict) in ((n, lists[f.kind]) for n, f in FIELDS.items() if f.kind in lists):
        if name in part_of:  # a regime field: the regimes of its part only
            choices = [r for r, regime in REGIMES.items() if part_of[name] in regime.parts]
        row = lay.field_row[name] + 1
        ws.data_validation(
            f"B{row}:{last}{row}",
            {
                "validate": "list",
                "source": choices,
                "error_type": "stop" if strict else "information",
                "error_title": name,
                "error_message": FIELDS[name].help[:220],
            },
        )
