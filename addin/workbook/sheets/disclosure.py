"""The disclosure switches: one per field the Recruiter sheet may show.

They live on the private Strategy sheet, in a block far to the right (from
column K), so the Strategy sheet's own content is left alone.  ``TRUE``
discloses the field on the Recruiter sheet and in ``negotiate share``;
the defaults come from the ``disclosure:`` key of the example data, and a field
it does not name stays private.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from addin.workbook.model import Call, Model, Ref
from addin.workbook.sheets.layout import Layout

NAME = "Strategy"
COL = 10  # column K: the field keys; L: the switches; M: what each shares
TOP = 0  # title row of the block
FIRST = TOP + 2  # first switch row


@dataclass(frozen=True)
class Field:
    """One disclosable field: labels for the recruiter, what it shares, its formula."""

    en: str
    ja: str
    help: str
    style: str | None = None
    #: an amount of money in the home currency: ``typed`` (the user's own number, kept to the
    #: currency's least step) or ``computed`` (said to a few significant digits); see
    #: :func:`calculators.valuation.disclosure.spoken_amount`
    amount: str | None = None

    def expr(self, key: str, lay: Layout) -> Any:
        """The formula (a model expression over the input sheets) giving the field's value."""
        if key in _PARAMS:
            return lay.param(_PARAMS[key])
        if key == "offers_held":
            return lay.count_formula()
        if key == "best_offer":
            return Call("INDEX", (lay.offer_compare(), 2, 7))
        raise KeyError(key)


_PARAMS = {"target": "income_target", "currency": "home_currency", "basis": "basis", "location": "home_city"}

FIELDS: dict[str, Field] = {
    "target": Field(
        "Target total compensation (per year)",
        "希望年収（総報酬・年額）",
        "Your income target (Params income_target)",
        "num",
        "typed",
    ),
    "currency": Field("Currency", "通貨", "Your home currency (Params home_currency)"),
    "basis": Field("Compensation basis", "報酬の算定基準", "The basis the target is stated on"),
    "location": Field("Based in", "現在の居住地", "Where you live now (Params home_city)"),
    "offers_held": Field(
        "Offers in hand", "保有オファー数", "How many offers the Offers sheet holds (no names)"
    ),
    "best_offer": Field(
        "Best offer in hand (per year, same basis and currency)",
        "保有オファーの最高額（年額・同じ基準と通貨）",
        "The value of your best offer: strong leverage, a strong signal",
        "num",
        "computed",
    ),
}


def switch(key: str) -> Ref:
    """The cell holding the switch of ``key``."""
    return Ref(NAME, FIRST + list(FIELDS).index(key), COL + 1)


def defaults(data: dict[str, Any]) -> dict[str, bool]:
    """The switches as the data sets them; a field not named stays private."""
    chosen = data.get("disclosure") or {}
    return {key: bool(chosen.get(key, False)) for key in FIELDS}


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    m.put(NAME, TOP, COL, "Disclose to a recruiter (TRUE shows the field on the Recruiter sheet)", "private")
    for c, text in enumerate(("field", "disclose", "what it shares")):
        m.put(NAME, TOP + 1, COL + c, text, "head")
    for i, (key, value) in enumerate(defaults(data).items()):
        m.put(NAME, FIRST + i, COL, key)
        m.put(NAME, FIRST + i, COL + 1, value)
        m.put(NAME, FIRST + i, COL + 2, FIELDS[key].help)


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    ws.set_column(COL, COL, 16)
    ws.set_column(COL + 1, COL + 1, 10)
    ws.set_column(COL + 2, COL + 2, 60)
    last = FIRST + len(FIELDS) - 1
    ws.data_validation(FIRST, COL + 1, last, COL + 1, {"validate": "list", "source": ["TRUE", "FALSE"]})
