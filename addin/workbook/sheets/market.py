"""Market: a SYNTHETIC, ILLUSTRATIVE sample of comparable pay, the bands and where offers stand.

The sample is generated with a fixed seed from the centres in the example data
(``market:``): it is not market data, and the sheet says so in its first rows.
A user pastes their own Levels.fyi / Glassdoor / LinkedIn rows in its place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from addin.workbook.model import Call, Model, Op, Ref, blank_if
from addin.workbook.sheets.layout import Layout
from calculators.relocation.cost_of_living import CITIES

NAME = "Market"
HEADER = [
    "company",
    "title",
    "level",
    "location",
    "years_experience",
    "base",
    "stock_per_year",
    "bonus",
    "total",
    "currency",
    "date",
    "source",
]
LABEL = (
    "SYNTHETIC, ILLUSTRATIVE sample: generated with a fixed seed, NOT market data. "
    "Replace these rows with your own Levels.fyi / Glassdoor / LinkedIn extract."
)
BAND_ROWS = ("p25", "p50", "p75", "p90", "n")
TOP = 3  # header row of the data


def synthetic_rows(spec: dict[str, Any], n_per_group: int | None = None) -> list[list[Any]]:
    """The synthetic sample: ``rows_per_group`` rows per city and level, seeded.

    >>> from addin.workbook.builder import example
    >>> rows = synthetic_rows(example()["market"])
    >>> len(rows), rows[0][-1]
    (180, 'synthetic, illustrative')
    """
    rng = np.random.default_rng(int(spec["seed"]))
    per = int(n_per_group or spec["rows_per_group"])
    as_of = spec["as_of"]
    span = int(spec["months_back"]) * 30
    rows: list[list[Any]] = []
    for city, centre in spec["centres"].items():
        for level, factor in spec["levels"].items():
            scale = rng.lognormal(0.0, float(spec["spread"]), (per, 3)) * float(factor)
            years = rng.integers(2, 16, per)
            ages = rng.integers(0, span, per)
            for k in range(per):
                base = float(round(float(centre["base"]) * scale[k, 0], -2))
                stock = float(round(float(centre["stock_per_year"]) * scale[k, 1], -2))
                bonus = float(round(float(centre["bonus"]) * scale[k, 2], -2))
                day = as_of - dt.timedelta(days=int(ages[k]))
                rows.append(
                    [
                        f"Company {chr(65 + k % 26)}",
                        "ML engineer",
                        level,
                        city,
                        int(years[k]),
                        base,
                        stock,
                        bonus,
                        base + stock + bonus,
                        centre["currency"],
                        day.isoformat(),
                        "synthetic, illustrative",
                    ]
                )
    return rows


USER_ROWS = 2000  # rows a user's own extract may fill (the formulas read this many)
USER_LABEL = (
    "Paste your own comparable pay here (Levels.fyi / Glassdoor / LinkedIn), one row "
    f"per data point, up to {USER_ROWS:,} rows; the bands and standings read them."
)


def _rows(data: dict[str, Any]) -> list[list[Any]]:
    spec = data.get("market")
    return synthetic_rows(spec) if spec else []


def data_ref(data: dict[str, Any]) -> Ref:
    n = len(_rows(data)) or USER_ROWS
    return Ref(NAME, TOP, 0, TOP + n, len(HEADER) - 1)


def band_top(data: dict[str, Any]) -> int:
    return 3


def _centres(data: dict[str, Any]) -> dict[str, str]:
    """City -> currency of the band rows: the sample's centres, else every known city."""
    spec = data.get("market")
    if spec:
        return {city: c["currency"] for city, c in spec["centres"].items()}
    return {city.name: city.currency for city in CITIES.values()}


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    spec = data.get("market")
    rows = _rows(data)
    level = data.get("strategy", {}).get("market_level")
    as_of = spec["as_of"].isoformat() if spec else None
    m.put(NAME, 0, 0, "Market: comparable pay (base + yearly stock + bonus)", "title")
    m.put(NAME, 1, 0, LABEL if spec else USER_LABEL, "private" if spec else None)
    for c, text in enumerate(HEADER):
        m.put(NAME, TOP, c, text, "head")
    for r, row in enumerate(rows, start=TOP + 1):
        for c, value in enumerate(row):
            m.put(NAME, r, c, value, "num" if c in (5, 6, 7, 8) else None)
    table = data_ref(data)
    total = Ref(NAME, TOP + 1, HEADER.index("total"), table.rows[-1], HEADER.index("total"))
    no_rows = Op("=", Call("COUNTA", (total,)), 0)
    # the bands, one number per cell, to the right of the data
    col = len(HEADER) + 1
    m.put(
        NAME,
        TOP - 1,
        col,
        f"Band per city (level {level or 'all'}" + (f"; rows as of {as_of})" if as_of else ")"),
        "bold",
    )
    m.put(NAME, TOP, col, "location", "head")
    for j, label in enumerate(BAND_ROWS, start=1):
        m.put(NAME, TOP, col + j, label, "head")
    m.put(NAME, TOP, col + len(BAND_ROWS) + 1, "currency", "head")
    centres = _centres(data)
    for i, (city, currency) in enumerate(centres.items(), start=1):
        r = TOP + i
        m.put(NAME, r, col, city)
        m.put(NAME, r, col + len(BAND_ROWS) + 1, currency)
        band = Call(
            "MARKET_BAND",
            (
                table,
                None,
                Ref(NAME, r, col, absolute=False),
                level,
                None,
                None,
                None,
                Ref(NAME, r, col + len(BAND_ROWS) + 1, absolute=False),
                lay.fx,
                as_of,
            ),
        )
        for j in range(1, len(BAND_ROWS) + 1):
            m.put(NAME, r, col + j, blank_if(no_rows, Call("INDEX", (band, j + 1, 2))), "num")
    top = TOP + len(centres) + 3
    m.put(NAME, top - 1, col, "Where each offer stands (market TC definition, offer currency)", "bold")
    for j, text in enumerate(("offer", "location", "market TC", "percentile", "n")):
        m.put(NAME, top, col + j, text, "head")
    for i, c in enumerate(lay.offer_cols, start=1):
        r = top + i
        m.put(NAME, r, col, lay.slot_ref(i))
        m.put(NAME, r, col + 1, lay.for_slot(i, lay.offer_cell("jurisdiction", c)))
        m.put(
            NAME,
            r,
            col + 2,
            lay.for_slot(i, Call("MARKET_TC", (lay.offers, Ref(NAME, r, col, absolute=False)))),
            "num",
        )
        pct = Call(
            "MARKET_PERCENTILE",
            (
                Ref(NAME, r, col + 2, absolute=False),
                table,
                Ref(NAME, r, col + 1, absolute=False),
                level,
                None,
                None,
                None,
                lay.offer_cell("currency", c),
                lay.fx,
                as_of,
            ),
        )
        m.put(NAME, r, col + 3, lay.for_slot(i, blank_if(no_rows, Call("INDEX", (pct, 2, 2)))), "num")
        m.put(NAME, r, col + 4, lay.for_slot(i, blank_if(no_rows, Call("INDEX", (pct, 3, 2)))))


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.freeze_panes(TOP + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_column(0, 1, 13)
    ws.set_column(2, 4, 9)
    ws.set_column(5, 8, 12)
    ws.set_column(9, 11, 11)
    col = len(HEADER) + 1
    ws.set_column(col, col, 24)
    ws.set_column(col + 1, col + len(BAND_ROWS) + 1, 13)
