"""Where things are on the sheets, so formulas, readers and the CLI agree."""

from __future__ import annotations

from addin.sheetmodel import Ref
from calculators.offer import FIELDS

OFFERS, COMPARE, SCHEDULES, PARAMS, START, CONF = (
    "Offers", "Compare", "Schedules", "Params", "Start here", "xlwings.conf",
)


class Layout:
    """Positions shared by every sheet."""

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
