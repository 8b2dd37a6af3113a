"""Named option regimes: Japan's 税制適格 stock options (租税特別措置法 第29条の2).

By hand from 国税庁 タックスアンサー No.1540 (no tax at exercise; the shares' cost is the
exercise price, so the whole gain at sale is 株式等に係る譲渡所得等, 申告分離課税), No.1463
(所得税 15 %, ほかに住民税 5 %) and No.2260 (復興特別所得税 2.1 % of the 所得税), each base
rounded down to 1,000 yen and each tax to 100 yen (国税通則法 第118条・第119条, 地方税法 第20条の4の2).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from addin import udfs
from calculators.errors import InvalidInputError
from calculators.offer.model import FIELDS, Offer, OfferBatch, cash_schedule
from calculators.tax import compute
from calculators.tax.option_regimes import regime_tax
from calculators.valuation.net import net_schedule

STARTUP = {
    "company": "Kumo Robotics",
    "jurisdiction": "JP-TOKYO",
    "currency": "JPY",
    "base_salary": 12_000_000,
    "option_shares": 20_000,
    "option_strike": 500,
    "option_price": 1_500,
    "exit_probability": 0.5,
    "exit_multiple": 2,
    "option_exit_year": 3,
}


def test_the_qualified_gain_is_taxed_apart_by_hand():
    # base 12,345,000; 所得税 1,851,750; with 復興 x 1.021 = 1,890,636.75 -> 1,890,600;
    # 住民税 5 % = 617,250 -> 617,200
    assert float(regime_tax("qualified", 12_345_678, 2025)) == 1_890_600 + 617_200
    assert float(regime_tax("qualified", 999, 2025)) == 0.0  # under 1,000 yen: no base
    assert regime_tax("qualified", [0.0, -5.0], 2025).tolist() == [0.0, 0.0]


def test_a_tokyo_offer_under_the_regime_pays_the_separate_tax_in_the_exit_year_only():
    default = Offer.from_fields(STARTUP)
    qualified = Offer.from_fields({**STARTUP, "option_regime": "qualified"})
    sched = cash_schedule(OfferBatch.from_offers([default]), 4)
    gain = float(sched["options"][0, 2])
    # the options' value by hand: all vested by year 3 (25/25/25/25, so 75 %), no dilution,
    # half a chance of an exit at 2x: 20,000 x 0.75 x 0.5 x (1,500 x 2 - 500) = 18,750,000
    assert gain == pytest.approx(18_750_000)
    (as_pay,) = net_schedule([default], sched, 2025)
    (apart,) = net_schedule([qualified], sched, 2025)
    assert apart[[0, 1, 3]].tolist() == as_pay[[0, 1, 3]].tolist()  # no options, no change
    salary = float(sched["base"][0, 2])
    pay_net = salary - float(compute(salary, "JP-TOKYO", 2025).total_withheld)
    separate = 18_750_000 * 0.15 * 1.021 // 100 * 100 + 18_750_000 * 0.05 // 100 * 100
    assert separate == 2_871_500 + 937_500
    assert float(apart[2]) == pytest.approx(pay_net + gain - separate, abs=1.0)
    assert float(apart[2]) - float(as_pay[2]) > 3_000_000  # as pay: 55 % at the top, plus 社会保険


def test_the_regime_is_refused_where_the_law_has_none_naming_the_field():
    with pytest.raises(InvalidInputError) as err:
        Offer.from_fields(
            {**STARTUP, "jurisdiction": "GB-ENG", "currency": "GBP", "option_regime": "qualified"}
        )
    assert str(err.value) == "offer: option_regime qualified is a regime of JP-TOKYO, not of GB-ENG"
    with pytest.raises(InvalidInputError, match="option_regime ISO: not a regime modelled"):
        Offer.from_fields({**STARTUP, "option_regime": "ISO"})
    assert "option_regime" in FIELDS and Offer.from_fields(STARTUP).option_regime is None


def test_offer_tc_reads_the_regime_from_the_offers_range():
    rows = [["field", "A", "B"]]
    for name, value in STARTUP.items():
        rows.append([name, value, value])
    rows.append(["option_regime", None, " Qualified"])
    a, b = (udfs.offer_tc(rows, "net_annualized", 4, None, name) for name in ("A", "B"))
    # annualised over 4 years: the separate tax instead of pay's, a quarter of the difference
    offers = [Offer.from_fields(STARTUP), Offer.from_fields({**STARTUP, "option_regime": "qualified"})]
    nets = net_schedule(offers, cash_schedule(OfferBatch.from_offers(offers), 4), 2026)
    assert (a, b) == pytest.approx((nets[0].mean(), nets[1].mean()), abs=0.5)
    assert b - a > 750_000
    one = Offer.from_fields({**STARTUP, "option_regime": "qualified"})
    assert replace(one, option_regime=None) == Offer.from_fields(STARTUP)
