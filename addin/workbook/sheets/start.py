"""Start here: what the workbook is and how to set it up in each runtime."""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Model
from addin.workbook.sheets.layout import START, Layout

NAME = START
TEXT = [
    ("Offer negotiation workbook", "title"),
    ("Compare job offers across countries and currencies, then negotiate.", None),
    ("", None),
    ("1. Put your offers on the Offers sheet: one column per offer, field names in column A.", None),
    ("2. Set the home currency, horizon, discount rate and FX rates on the Params sheet.", None),
    (
        "3. Read the ranking on the Compare sheet (gross, after tax, after living costs); "
        "detail tables are on Schedules.",
        None,
    ),
    (
        "4. Relocation: your monthly spending at home and what a move costs; each move against "
        "staying, break-even month, FX risk.",
        None,
    ),
    ("5. Market: comparable pay (the shipped sample is SYNTHETIC) and where each offer stands.", None),
    (
        "6. Strategy (PRIVATE): target, walk-away, BATNA, counter-offers, impact ledger, "
        "deadlines; what you disclose to a recruiter is switched on there.",
        None,
    ),
    (
        "7. Move (PRIVATE): the move to one offer on the calendar: each tax year in each country, "
        "the best day to start, social security, an RSU vest across the move.",
        None,
    ),
    ("8. Recruiter: only what you chose to disclose; `negotiate share` exports it alone.", None),
    ("", None),
    ("Windows Excel (classic xlwings)", "bold"),
    ("pip install the project (README), then open this workbook and enable macros.", None),
    (
        "Sheet xlwings.conf: set Interpreter_Win to the python.exe of that environment; "
        "UDF Modules is addin.udfs.",
        None,
    ),
    (
        "Run Import Functions (xlwings ribbon, or the ImportPythonUDFs macro) once. A cell "
        "showing #NAME? means the functions are not imported yet.",
        None,
    ),
    ("", None),
    ("Excel on Mac / Excel on the web", "bold"),
    (
        "Run `negotiate serve` and sideload its manifest (README): the functions appear under "
        "the add-in's namespace.",
        None,
    ),
    ("", None),
    ("No Excel (Linux, before a call)", "bold"),
    ("`negotiate compare` ranks the offers of this workbook in a terminal.", None),
    ("", None),
    ("Every formula is stored with its result, computed by the same functions.", None),
]
EXAMPLE_NOTE = "The sample offers are the illustrative persona of the README."
OWN_NOTE = (
    "Room for 12 offers (columns B to M of Offers) and a horizon of up to 10 years; "
    "`negotiate recalc` fills in the numbers without Excel."
)


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    for r, (text, style) in enumerate(TEXT):
        if text:
            m.put(NAME, r, 0, text, style)
    m.put(NAME, len(TEXT), 0, EXAMPLE_NOTE if data.get("example", True) else OWN_NOTE)


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(0, 0, 110)
