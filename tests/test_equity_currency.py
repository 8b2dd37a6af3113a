"""Equity valued in another currency than the pay: a yen salary with the dollar RSUs of a US
parent.

``equity_currency`` names the currency of the RSU, refresher and option values; the schedule
converts them to the pay's currency at the comparison's rates, the tax is on their yen, and
the FX moves of the relocation comparison (and FX_BREAKEVEN) move that part only: a yen
salary in Tokyo carries no FX risk, its dollar RSUs do.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from addin import udfs
from calculators.errors import InvalidInputError
from calculators.fx import FxTable
from calculators.offer.model import Offer, OfferBatch, cash_schedule
from calculators.relocation.move import FX_MOVES, analyse_moves, fx_breakeven, move_inputs_from_rows
from calculators.tax import compute
from calculators.valuation.compare import Settings
from calculators.valuation.odds import ranking_odds

YEN = 150.0  # yen per dollar of this file's own table
TABLE = FxTable("USD", {"USD": 1.0, "JPY": YEN})
SALARY, RSU_USD = 15_000_000.0, 80_000.0  # the RSU grant vests 25 % a year
HOME = move_inputs_from_rows([["home_city", "Tokyo"], ["rent", 150_000]])
FIELDS = {"company": "T", "jurisdiction": "JP-TOKYO", "currency": "JPY", "base_salary": SALARY}
DOLLAR_RSUS = Offer.from_fields({**FIELDS, "equity_currency": "usd", "rsu_grant": RSU_USD})
YEN_RSUS = Offer.from_fields({**FIELDS, "rsu_grant": RSU_USD * YEN})


def test_the_schedule_holds_the_rsus_in_the_pays_currency_at_the_tables_rate():
    assert DOLLAR_RSUS.equity_currency == "USD" and DOLLAR_RSUS.share_currency == "USD"
    sched = cash_schedule(OfferBatch.from_offers([DOLLAR_RSUS], TABLE), 4)
    assert sched["equity"].tolist() == [[RSU_USD / 4 * YEN] * 4]
    assert sched["base"].tolist() == [[SALARY] * 4]  # the salary is not converted
    dearer = cash_schedule(
        OfferBatch.from_offers([DOLLAR_RSUS], FxTable("USD", {"USD": 1.0, "JPY": 160.0})), 4
    )
    assert dearer["equity"][0, 0] == pytest.approx(RSU_USD / 4 * 160.0)


def test_fx_moves_only_the_rsu_part_and_it_is_taxed_in_yen():
    """By hand: year by year the Tokyo rules on 15,000,000 of salary and the RSUs' yen at the
    moved rate; the moves' spread is what the RSUs' after-tax yen gains and loses."""
    (dollar, yen), _ = analyse_moves([DOLLAR_RSUS, YEN_RSUS], HOME, TABLE, 4, 2025)
    assert len(set(yen.fx_sensitivity.values())) == 1  # everything in yen: no FX risk
    assert dollar.net.tolist() == pytest.approx(yen.net.tolist())  # the same pay today

    def net(rsu_yen: float) -> float:
        taken = compute(SALARY, "JP-TOKYO", 2025, equity_income=rsu_yen).total_withheld
        return SALARY + rsu_yen - float(taken)

    today = net(RSU_USD / 4 * YEN)
    for move in FX_MOVES:
        gained = net(RSU_USD / 4 * YEN * (1 + move)) - today
        key = f"{move:+.0%}"
        assert dollar.fx_sensitivity[key] - yen.fx_sensitivity[key] == pytest.approx(gained, abs=0.01)
    assert dollar.fx_sensitivity["+10%"] > dollar.fx_sensitivity["-10%"]
    # and not the whole surplus times the move, as if the salary were in dollars
    whole = (dollar.fx_sensitivity["+10%"] - dollar.fx_sensitivity["-10%"]) / yen.fx_sensitivity["+10%"]
    assert whole < 0.05


def test_the_relocation_sheet_function_reads_the_field():
    """Through RELOCATION_COMPARE on an Offers range of the user's own: one offer, the RSU in
    dollars; its four FX columns differ by the RSUs alone."""
    rows = [["field", "T"], *([k, v] for k, v in FIELDS.items())]
    rows += [["equity_currency", "USD"], ["rsu_grant", RSU_USD]]
    basket = [["home_city", "Tokyo"], ["rent", 150_000]]
    rates = [["currency", "per USD"], ["USD", 1], ["JPY", YEN]]
    table = udfs.relocation_compare(rows, "Tokyo", 4, basket, rates)
    head, row = table[0], table[1]
    moves = [row[head.index(f"FX {m:+.0%}")] if f"FX {m:+.0%}" in head else None for m in FX_MOVES]
    assert None not in moves, head
    (dollar,), _ = analyse_moves([DOLLAR_RSUS], HOME, TABLE, 4, 2025)
    spread = dollar.fx_sensitivity["+20%"] - dollar.fx_sensitivity["-20%"]
    assert moves[-1] - moves[0] == pytest.approx(spread, rel=0.02)  # the sheet's tax year may differ
    assert 0 < moves[-1] - moves[0] < 0.1 * abs(moves[0])


def test_fx_breakeven_moves_the_rsus_currency_of_a_yen_salary():
    """A yen salary with dollar RSUs against the same pay all in yen: the rate that moves is
    the dollar's (the pay is in the home currency), and they tie only where it is today's."""
    code, rate = fx_breakeven(DOLLAR_RSUS, replace(YEN_RSUS, name="Y"), HOME, TABLE, 4, 2025)
    assert code == "USD" and rate == pytest.approx(YEN, rel=1e-6)


def test_an_equity_currency_that_is_no_code_or_has_no_rate_is_one_message_naming_the_field():
    with pytest.raises(InvalidInputError, match="equity_currency must be a 3-letter ISO 4217 code"):
        Offer.from_fields({**FIELDS, "equity_currency": "dollars"})
    rows = [
        ["field", "T"],
        *([k, v] for k, v in FIELDS.items()),
        ["equity_currency", "XAU"],
        ["rsu_grant", 1],
    ]
    said = udfs.offer_tc(rows, "net_annualized")
    assert said.startswith("#VALUE! T: equity_currency XAU: no FX rate for XAU"), said


def test_the_ranking_odds_move_the_rsus_currency_alone():
    """With only exchange rates uncertain, the yen offer with dollar RSUs spreads, the all-yen
    offer does not; the spread of the first is that of its RSUs."""
    s = Settings(fx=TABLE, home_currency="JPY")
    odds = ranking_odds(
        [DOLLAR_RSUS, replace(YEN_RSUS, name="Y", company="Y")],
        s,
        scenarios=400,
        seed=3,
        volatility=0.0,
        bonus_volatility=0.0,
        fx_volatility=0.2,
        thresholds=False,
    )
    dollar, yen = odds.offers
    assert yen.p10 == yen.p90
    assert dollar.p10 < yen.p10 < dollar.p90
    rsus = RSU_USD * YEN  # four years of vests at today's rate, gross, on the default TC basis
    assert dollar.p90 - dollar.p10 < rsus
    assert np.isfinite([dollar.p10, dollar.p90]).all()
