"""Options count once, in their exit year, taxed as that year's employment income.

The London start-up offer's 40,000 options (strike 1.00, price 4.00, 20 % dilution a year, a
30 % chance of an exit at 3x) were counted as 27,000 of cash in year 1 and taxed at 45 % + NI
as it vested.  Now nothing counts until the exit (``option_exit_year``, blank: the assumed
exit, ``option_exit_years`` = 4): then the options vested by that year at the payoff after
that many dilution rounds, net of the strike, weighted by the chance of the exit; the gain is
employment income of that year (UK: an unapproved option, ITEPA 2003 s. 476, with PAYE and
Class 1 NICs on readily convertible shares).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from addin import udfs
from addin.workbook.builder import example
from calculators.errors import InvalidInputError
from calculators.offer.model import Offer, OfferBatch, cash_schedule, tc
from calculators.valuation.net import net_schedule

LONDON = next(Offer.from_fields(o) for o in example()["offers"] if o["jurisdiction"] == "GB-ENG")


def _sched(offer: Offer, years: int = 4):
    return cash_schedule(OfferBatch.from_offers([offer]), years)


def test_the_london_options_count_in_the_exit_year_only():
    options = _sched(LONDON)["options"][0].tolist()
    # by hand: every option vested by year 4, 4 rounds of 20 % dilution, 30 % chance
    hand = 40_000 * 0.3 * (4.0 * 3.0 / 1.2**4 - 1.0)
    assert options[:3] == [0.0, 0.0, 0.0]
    assert options[3] == pytest.approx(hand, abs=1e-6)
    assert hand == pytest.approx(57_444.44, abs=0.01)


def test_the_first_year_net_holds_no_option_value():
    without = replace(LONDON, option_shares=0.0)
    (first,) = net_schedule([LONDON], _sched(LONDON, 1), 2026)
    (first_without,) = net_schedule([without], _sched(without, 1), 2026)
    assert first.tolist() == first_without.tolist()


def test_the_exit_years_net_is_the_uk_rule_on_salary_plus_the_gain():
    """By hand, 2026/27 (HMRC rates and allowances; ``params/gb``): base 120,000 x 1.04^3 =
    134,983.68 plus the gain 57,444.44 = 192,428.12, over 125,140 so no Personal Allowance:
    20 % of 37,700 = 7,540, 40 % of 87,440 = 34,976, 45 % of 67,288.12 = 30,279.65;
    employee NI on twelve monthly periods (primary threshold 1,048, upper earnings limit
    4,189): 8 % of 37,692 = 3,015.36, 2 % of 142,160.12 = 2,843.20."""
    sched = _sched(LONDON)
    year4 = float(net_schedule([LONDON], sched, 2026)[0, 3])
    gross = 120_000 * 1.04**3 + 40_000 * 0.3 * (12.0 / 1.2**4 - 1.0)
    tax = 7_540 + 34_976 + 0.45 * (gross - 125_140)
    ni = 0.08 * (4_189 - 1_048) * 12 + 0.02 * (gross - 4_189 * 12)
    assert year4 == pytest.approx(gross - tax - ni, abs=1.0)


def test_the_npv_holds_the_gain_after_tax_discounted_from_the_exit_year():
    without = replace(LONDON, option_shares=0.0)
    net = net_schedule([LONDON], _sched(LONDON), 2026)[0]
    net_without = net_schedule([without], _sched(without), 2026)[0]
    gained = float(net[3] - net_without[3])
    assert 0 < gained < 57_444.44 * 0.55  # 45 % income tax and 2 % NI at this pay
    npv = tc(net, "npv", 4, 0.05) - tc(net_without, "npv", 4, 0.05)
    assert npv == pytest.approx(gained / 1.05**4, rel=1e-12)


def test_an_exit_year_of_the_users_moves_the_gain_and_one_past_the_horizon_drops_it():
    early = Offer.from_fields({**_fields(LONDON), "option_exit_year": 2})
    options = _sched(early)["options"][0].tolist()
    # half the options vested by year 2, two rounds of dilution
    assert options == pytest.approx([0.0, 40_000 * 0.5 * 0.3 * (12.0 / 1.2**2 - 1.0), 0.0, 0.0])
    late = Offer.from_fields({**_fields(LONDON), "option_exit_year": 6})
    assert _sched(late)["options"].sum() == 0.0
    assert _sched(late, 6)["options"][0, 5] == pytest.approx(40_000 * 0.3 * (12.0 / 1.2**6 - 1.0))


@pytest.mark.parametrize("value", [0, 2.5, 51, "soon", True])
def test_an_exit_year_that_is_no_year_of_the_offer_is_one_message(value):
    with pytest.raises(InvalidInputError, match="option_exit_year must be"):
        Offer.from_fields({**_fields(LONDON), "option_exit_year": value})


def test_the_offer_schedule_sheet_function_shows_the_exit_year():
    """OFFER_SCHEDULE on an Offers range of the user's own with an option_exit_year row."""
    typed = {k: v for k, v in _fields(LONDON).items() if k != "name"}  # the header row names it
    rows = [["field", "mine"], *([k, v] for k, v in typed.items()), ["option_exit_year", 3]]
    table = udfs.offer_schedule(rows, 4)
    head = table[0]
    options = [row[head.index("options")] for row in table[1:]]
    assert options[:2] == [0.0, 0.0] and options[3] == 0.0
    assert options[2] == pytest.approx(40_000 * 0.75 * 0.3 * (12.0 / 1.2**3 - 1.0))


def _fields(offer: Offer) -> dict[str, object]:
    """The example's fields of ``offer``, as a user would type them."""
    return next(dict(o) for o in example()["offers"] if o["name"] == offer.name)
