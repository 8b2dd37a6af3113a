"""Pay in a currency that is not the jurisdiction's is taxed on what it is worth there.

A Tokyo job paid in USD was taxed as if its dollars were yen (a net of -32,051 USD on
100,000); an Israeli offer of USD 200k netted 160,104 USD against 125,998 for the same pay
in shekels.  Now the jurisdiction taxes the pay converted to its currency, and what it
withholds is converted back: the same pay nets the same, whatever currency it is quoted in.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook

from addin.workbook.builder import DEFAULT_PATH
from addin.workbook.sheets.params import BASIS_CHOICES
from calculators.fx import shipped_table
from calculators.offer.model import Offer
from calculators.relocation.move import move_inputs_from_rows
from calculators.valuation.compare import Settings, metric

TABLE = shipped_table()
LOCAL = {  # jurisdiction: (currency, base, bonus target, RSU grant over four years)
    "JP-TOKYO": ("JPY", 15_000_000, 0.1, 8_000_000),
    "IL": ("ILS", 640_000, 0.1, 400_000),
    "GB-ENG": ("GBP", 120_000, 0.15, 100_000),
}
AFTER_TAX = [b for b in BASIS_CHOICES if b.startswith(("net_", "disposable_"))]


def _relocation():
    ws = load_workbook(DEFAULT_PATH, data_only=True)["Relocation"]
    return move_inputs_from_rows([[c.value for c in row[:2]] for row in ws.iter_rows(min_row=3, max_row=22)])


@pytest.fixture(scope="module")
def move():
    return _relocation()


def _offer(jurisdiction: str, currency: str | None = None) -> Offer:
    local, base, bonus, rsu = LOCAL[jurisdiction]
    rate = 1.0 if currency is None else float(TABLE.convert(1.0, local, currency))
    return Offer.from_fields(
        {
            "company": f"{jurisdiction} co",
            "jurisdiction": jurisdiction,
            "currency": currency or local,
            "base_salary": base * rate,
            "bonus_target": bonus,
            "rsu_grant": rsu * rate,
        }
    )


@pytest.mark.parametrize("jurisdiction", sorted(LOCAL))
@pytest.mark.parametrize("basis", AFTER_TAX)
def test_the_same_pay_in_usd_nets_the_same_converted(jurisdiction, basis, move):
    local_ccy = LOCAL[jurisdiction][0]
    s = Settings(basis=basis, fx=TABLE, move=move, years=4)
    in_local = float(metric([_offer(jurisdiction)], s).amounts[0])
    in_usd = float(metric([_offer(jurisdiction, "USD")], s).amounts[0])
    back = float(TABLE.convert(in_usd, "USD", local_ccy))
    assert back == pytest.approx(in_local, rel=0.005), (jurisdiction, basis)
    assert back == pytest.approx(in_local, rel=1e-9)  # the same rate both ways: the same figure


def test_a_tokyo_job_paid_in_dollars_nets_a_positive_share_of_its_pay():
    usd = replace(_offer("JP-TOKYO", "USD"), base_salary=100_000.0, bonus_target=0.0, rsu_grant=0.0)
    net = float(metric([usd], Settings(basis="net_first_year", fx=TABLE)).amounts[0])
    assert 65_000 < net < 90_000  # was -32,051: the dollars taxed as yen


def test_offer_tc_and_offer_compare_tax_foreign_pay_at_the_same_rates():
    """The rates a workbook gives (its Params FX table) convert the pay for the tax in both
    functions: a Tokyo job paid in USD, with the yen at twice the shipped rate."""
    from addin import udfs

    rows = [
        ["field", "Dollar Co"],
        ["company", "Dollar Co"],
        ["jurisdiction", "JP-TOKYO"],
        ["currency", "USD"],
        ["base_salary", 100_000],
    ]
    rates = [["currency", "per USD"], *([c, r * (2 if c == "JPY" else 1)] for c, r in TABLE.rates.items())]
    tc = udfs.offer_tc(rows, "net_first_year", None, None, None, None, None, rates)
    ranked = udfs.offer_compare(rows, "net_first_year", "USD", None, None, rates)
    assert tc == pytest.approx(ranked[1][5], rel=1e-12)  # local value
    assert tc != udfs.offer_tc(rows, "net_first_year")  # at the shipped rates the yen differ
