"""COMPONENT_EQUIVALENT and MAKE_WHOLE (calculators.valuation.equivalent) against hand
calculations: on the gross bases the ratios of the schedule; after tax, the tax engine
(``calculators.tax.compute``) called directly, one year at a time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from addin import udfs
from addin.cells import CellError
from calculators.errors import InvalidInputError, NegotiationError, NoSolutionError
from calculators.fx import FxTable
from calculators.offer.model import MAX_AMOUNT, Offer
from calculators.tax import compute
from calculators.tax.jurisdictions.jp_tokyo import cliff_edges
from calculators.valuation.compare import Settings, metric
from calculators.valuation.equivalent import (
    EQUIVALENT_COMPONENTS,
    MAKE_WHOLE_BASIS,
    component_equivalent,
    make_whole,
)

YEAR = 2026  # the tax year every after-tax case is computed under, by the engine and by hand
JPY = FxTable("JPY", {"JPY": 1.0})


def offer(**fields) -> Offer:
    base = {"company": "A", "jurisdiction": "JP-TOKYO", "currency": "JPY", "base_salary": 10_000_000}
    return Offer.from_fields({**base, **fields})


# A gross case whose schedule is easy by hand: 10 % target bonus paid at target, no raise,
# an RSU grant vesting 25 % a year (annual, 12-month cliff) while the price grows 10 % a year.
GROSS = offer(bonus_target=0.1, rsu_schedule="25/25/25/25", rsu_frequency="annual", price_growth=0.1)
RSU_FACTOR = 0.25 * (1.1 + 1.1**2 + 1.1**3 + 1.1**4)  # what one unit of grant vests in 4 years
REFRESHER_FACTOR = 0.25 * (3 * 1.1 + 2 * 1.1**2 + 1.1**3)  # granted at each year end, 4 years


def smallest_reaching(target: float, per_unit: float) -> int:
    """By hand: the smallest whole y with y * per_unit >= target (one less falls short)."""
    y = math.ceil(target / per_unit)
    while (y - 1) * per_unit >= target:
        y -= 1
    while y * per_unit < target * (1 - 1e-12):
        y += 1
    return y


GROSS_CASES = [
    # (name, basis, years, discount, from, to, amount, expected by hand)
    # a base raise of 1,000,000 adds 1,100,000 a year (its 10 % bonus with it): 4,400,000 in 4
    ("base to sign-on, total", "total", 4, 0.0, "base_salary", "sign_on", 1e6, 4_400_000),
    ("base to year-2 sign-on", "total", 4, 0.0, "base_salary", "sign_on_year2", 1e6, 4_400_000),
    ("base to relocation", "total", 4, 0.0, "base_salary", "relocation_package", 1e6, 4_400_000),
    ("base to benefits", "total", 4, 0.0, "base_salary", "benefits", 1e6, 1_100_000),
    ("base to bonus amount", "total", 4, 0.0, "base_salary", "bonus_target", 1e6, 1_100_000),
    (
        "base to RSU grant",
        "total",
        4,
        0.0,
        "base_salary",
        "rsu_grant",
        1e6,
        smallest_reaching(4.4e6, RSU_FACTOR),
    ),
    (
        "base to refresher",
        "total",
        4,
        0.0,
        "base_salary",
        "refresher_grant",
        1e6,
        smallest_reaching(4.4e6, REFRESHER_FACTOR),
    ),
    # annualised over 4 years: a 400,000 sign-on is 100,000 a year; base counts 1.1 times
    (
        "sign-on to base, annualised",
        "annualized",
        4,
        0.0,
        "sign_on",
        "base_salary",
        4e5,
        smallest_reaching(1e5, 1.1),
    ),
    # npv at 5 %: the sign-on is paid in year 1, each year's raise discounted to it
    (
        "base to sign-on, npv",
        "npv",
        4,
        0.05,
        "base_salary",
        "sign_on",
        1e6,
        smallest_reaching(1.1e6 * sum(1.05**-k for k in range(1, 5)), 1 / 1.05),
    ),
    # first year: a quarter of the grant vests, at 1.1 times the price: 1,100,000 / 0.275
    ("base to RSU, first year", "first_year", 4, 0.0, "base_salary", "rsu_grant", 1e6, 4_000_000),
    ("RSU to base, first year", "first_year", 4, 0.0, "rsu_grant", "base_salary", 4e6, 1_000_000),
    ("the same component", "total", 4, 0.0, "sign_on", "sign_on", 123_457, 123_457),
    ("nothing", "total", 4, 0.0, "base_salary", "sign_on", 0, 0),
]


@pytest.mark.parametrize("case", GROSS_CASES, ids=[c[0] for c in GROSS_CASES])
def test_gross_equivalents_are_the_schedules_ratios(case):
    _, basis, years, rate, source, to, amount, expected = case
    s = Settings(basis=basis, years=years, discount_rate=rate, fx=JPY)
    got = component_equivalent(GROSS, source, to, amount, s)
    assert got.equivalent == expected
    assert (got.from_component, got.to_component, got.currency) == (source, to, "JPY")
    assert got.change_equivalent >= got.change * (1 - 1e-12)


def test_the_hand_figures_are_what_they_say():
    """The expected values above, spelled out: a wrong hand calculation would carry a wrong
    program through."""
    assert smallest_reaching(4.4e6, RSU_FACTOR) == 3_447_533  # 4,400,000 / 1.276275 = 3,447,532.4
    assert smallest_reaching(1e5, 1.1) == 90_910  # 90,909 x 1.1 = 99,999.9 falls short
    assert smallest_reaching(1.1e6 * sum(1.05**-k for k in range(1, 5)), 1 / 1.05) == 4_095_573


def test_a_component_that_does_not_move_the_value_has_no_equivalent():
    late = offer(rsu_cliff_months=18)  # nothing vests in year 1
    with pytest.raises(NoSolutionError) as caught:
        component_equivalent(late, "base_salary", "rsu_grant", 1e6, Settings(basis="first_year", fx=JPY))
    assert caught.value.code == "equivalent_no_effect"
    assert str(caught.value) == "no amount of rsu_grant changes the first_year value of this offer"


def test_a_bonus_target_past_its_limit_has_no_equivalent():
    high = offer(bonus_target=2.99)  # room for 0.01 x 10,000,000 = 100,000 a year
    s = Settings(basis="total", fx=JPY)
    assert component_equivalent(high, "base_salary", "bonus_target", 1e4, s).equivalent > 0
    with pytest.raises(NoSolutionError) as caught:
        component_equivalent(high, "base_salary", "bonus_target", 1e6, s)
    assert caught.value.code == "equivalent_beyond_limit"


# --- after tax: the engine called directly, one year at a time --------------------------------


def kept(cash: float, equity: float = 0.0, jurisdiction: str = "JP-TOKYO") -> float:
    """What one year of pay leaves after tax and contributions, by the engine itself."""
    return cash + equity - float(compute(cash, jurisdiction, YEAR, equity).total_withheld)


NET = offer(base_salary=8_000_000, rsu_schedule="25/25/25/25", rsu_frequency="annual")
NET_SETTINGS = Settings(basis="net_total", years=4, tax_year=YEAR, fx=JPY)


def test_after_tax_base_to_sign_on_is_solved_with_the_years_own_tax():
    got = component_equivalent(NET, "base_salary", "sign_on", 1e6, NET_SETTINGS)
    # a raise of 1,000,000 in each of 4 years, taxed year by year
    change = 4 * (kept(9e6) - kept(8e6))
    assert got.change == pytest.approx(change, abs=1e-6)
    y = got.equivalent
    assert kept(8e6 + y) - kept(8e6) >= change  # the sign-on year alone carries it
    assert kept(8e6 + y - 1) - kept(8e6) < change  # one yen less falls short
    # scaling (4 x 1,000,000, the gross ratio) would be a wrong answer: it nets less
    assert y > 4e6 and kept(8e6 + 4e6) - kept(8e6) < change - 10_000


def test_after_tax_base_to_rsu_grant_taxes_each_vest_in_its_year():
    got = component_equivalent(NET, "base_salary", "rsu_grant", 1e6, NET_SETTINGS)
    change = 4 * (kept(9e6) - kept(8e6))
    y = got.equivalent
    assert 4 * (kept(8e6, y / 4) - kept(8e6)) >= change
    assert 4 * (kept(8e6, (y - 1) / 4) - kept(8e6)) < change
    gross_ratio = component_equivalent(NET, "base_salary", "rsu_grant", 1e6, Settings(basis="total", fx=JPY))
    assert gross_ratio.equivalent == 4_000_000 and y != 4_000_000


def test_after_tax_sign_on_to_base_in_california():
    ca = Offer.from_fields(
        {"company": "B", "jurisdiction": "US-CA", "currency": "USD", "base_salary": 150_000}
    )
    s = Settings(basis="net_annualized", years=4, tax_year=YEAR, fx=FxTable("USD", {"USD": 1.0}))
    got = component_equivalent(ca, "sign_on", "base_salary", 50_000, s)
    change = kept(200_000, 0, "US-CA") - kept(150_000, 0, "US-CA")  # year 1 only
    x = got.equivalent
    assert 4 * (kept(150_000 + x, 0, "US-CA") - kept(150_000, 0, "US-CA")) >= change
    assert 4 * (kept(150_000 + x - 1, 0, "US-CA") - kept(150_000, 0, "US-CA")) < change
    # not a quarter of the sign-on: the lump sum takes year 1 past Social Security's wage base,
    # so its top part pays no 6.2 %, while a raise of 12,500 a year stays below it and pays it
    assert x > 12_500
    assert 4 * (kept(162_500, 0, "US-CA") - kept(150_000, 0, "US-CA")) < change


def test_the_answer_is_the_smallest_even_across_a_japanese_cliff_edge():
    """Where take-home pay falls as gross rises (a statutory edge), every smaller amount is
    checked by brute force: none reaches the target, and the answer lies past the edge."""
    edge = next(e for e in cliff_edges(YEAR) if e.gross > 8_000_000 and e.drop > 10_000)
    base = edge.gross - 40_000
    near = offer(base_salary=base)
    s = Settings(basis="net_first_year", tax_year=YEAR, fx=JPY)

    def gains(amounts: np.ndarray) -> np.ndarray:
        withheld = compute(base + amounts, "JP-TOKYO", YEAR).total_withheld
        return amounts - (withheld - float(compute(base, "JP-TOKYO", YEAR).total_withheld))

    before_edge = gains(np.arange(0.0, 40_000.0))
    assert gains(np.array([40_000.0]))[0] < before_edge[-1] - 10_000  # net pay falls at the edge
    forfeited = float(before_edge.max()) + 500  # more than any sign-on nets before the edge
    m = make_whole(near, forfeited, s)
    everything = gains(np.arange(0.0, m.sign_on + 1))
    assert np.flatnonzero(everything >= forfeited)[0] == m.sign_on  # the first that nets it
    assert m.sign_on > edge.gross - base
    assert 0 <= m.gain - forfeited < 1


def test_a_crossing_is_found_where_the_gain_is_not_monotone():
    """A window narrower than the search grid's step before the one found may be passed over
    (as for the counter): the answer still nets the amount and one yen less does not."""
    edge = next(e for e in cliff_edges(YEAR) if e.gross > 8_000_000 and e.drop > 10_000)
    base = edge.gross - 40_000
    s = Settings(basis="net_first_year", tax_year=YEAR, fx=JPY)
    forfeited = kept(edge.gross - 1) - kept(base) + 100
    m = make_whole(offer(base_salary=base), forfeited, s)
    assert kept(base + m.sign_on) - kept(base) >= forfeited
    assert kept(base + m.sign_on - 1) - kept(base) < forfeited


# --- make-whole ---------------------------------------------------------------------------------

TOKYO = offer(base_salary=14_000_000, sign_on=1_000_000)


@pytest.mark.parametrize("forfeited", [1, 250_000, 3_000_000, 12_345_678])
def test_the_make_whole_sign_on_applied_nets_the_forfeited_amount(forfeited):
    s = Settings(basis="net_first_year", tax_year=YEAR, fx=JPY)
    m = make_whole(TOKYO, forfeited, s)
    cash = 15_000_000  # base and the sign-on already offered, year 1
    gain = kept(cash + m.sign_on) - kept(cash)
    assert forfeited <= gain < forfeited + 1
    assert kept(cash + m.sign_on - 1) - kept(cash) < forfeited
    assert m.gain == pytest.approx(gain, abs=1e-6) and m.new_sign_on == 1_000_000 + m.sign_on
    assert m.tax == pytest.approx(m.sign_on - gain, abs=1e-6)
    # applied to the offer, the comparison's own value rises by it, on any after-tax basis
    applied = Offer.from_fields({**_fields(TOKYO), "sign_on": m.new_sign_on})
    for basis in ("net_first_year", "net_total"):
        t = Settings(basis=basis, years=4, tax_year=YEAR, fx=JPY)
        rise = float(metric([applied], t).amounts[0] - metric([TOKYO], t).amounts[0])
        assert abs(rise - forfeited) < 1


def test_grossing_up_at_the_average_rate_would_not_make_whole():
    """The wrong program: forfeited / (1 - the offer's average rate). The marginal rate is
    higher, so it nets less; the solver's answer is more and nets it."""
    s = Settings(basis="net_first_year", tax_year=YEAR, fx=JPY)
    m = make_whole(TOKYO, 3_000_000, s)
    naive = 3_000_000 * 15_000_000 / kept(15_000_000)
    assert kept(15_000_000 + naive) - kept(15_000_000) < 3_000_000 - 100_000
    assert m.sign_on > naive


def test_make_whole_before_tax_is_the_forfeited_amount_and_disposable_is_net():
    assert make_whole(TOKYO, 3_000_000, Settings(basis="first_year", fx=JPY)).sign_on == 3_000_000
    assert (
        make_whole(TOKYO, 3_000_000, Settings(basis="npv", discount_rate=0.05, fx=JPY)).sign_on == 3_000_000
    )
    net = make_whole(TOKYO, 3_000_000, Settings(basis="net_annualized", tax_year=YEAR, fx=JPY))
    disposable = make_whole(TOKYO, 3_000_000, Settings(basis="disposable_npv", tax_year=YEAR, fx=JPY))
    assert disposable.sign_on == net.sign_on
    assert disposable.basis == "disposable_npv"


def test_make_whole_converts_a_forfeited_amount_in_another_currency():
    seattle = Offer.from_fields(
        {
            "company": "S",
            "jurisdiction": "US-WA",
            "currency": "USD",
            "base_salary": 185_000,
            "sign_on": 60_000,
        }
    )
    fx = FxTable("USD", {"USD": 1.0, "JPY": 150.0})
    s = Settings(basis="net_first_year", tax_year=YEAR, fx=fx)
    m = make_whole(seattle, 3_000_000, s, "jpy")  # 3,000,000 JPY is 20,000 USD
    assert m.forfeited == 20_000 and m.currency == "USD"
    gain = kept(245_000 + m.sign_on, 0, "US-WA") - kept(245_000, 0, "US-WA")
    assert 20_000 <= gain < 20_001
    assert kept(245_000 + m.sign_on - 1, 0, "US-WA") - kept(245_000, 0, "US-WA") < 20_000


def _fields(o: Offer) -> dict:
    names = ("company", "jurisdiction", "currency", "base_salary", "sign_on", "bonus_target")
    return {n: getattr(o, n) for n in names}


# --- bad input: one line naming the argument ----------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: component_equivalent(GROSS, "base", "sign_on", 1, Settings()),
            "from_component must be one of",
        ),
        (
            lambda: component_equivalent(GROSS, "base_salary", None, 1, Settings()),
            "to_component must be one of",
        ),
        (lambda: component_equivalent(GROSS, "base_salary", "sign_on", -1, Settings()), "amount must be"),
        (lambda: component_equivalent(GROSS, "base_salary", "sign_on", "1", Settings()), "amount must be"),
        (lambda: component_equivalent(GROSS, "base_salary", "sign_on", True, Settings()), "amount must be"),
        (
            lambda: component_equivalent(GROSS, "base_salary", "sign_on", math.nan, Settings()),
            "amount must be",
        ),
        (
            lambda: component_equivalent(GROSS, "base_salary", "sign_on", 2 * MAX_AMOUNT, Settings()),
            "amount is beyond",
        ),
        (
            lambda: component_equivalent(GROSS, "bonus_target", "sign_on", 1e9, Settings()),
            "amount takes bonus_target",
        ),
        (
            lambda: component_equivalent(GROSS, "base_salary", "sign_on", 1, Settings(basis="gross")),
            "basis must be",
        ),
        (lambda: component_equivalent(GROSS, "base_salary", "sign_on", 1, None), "settings must be"),
        (
            lambda: component_equivalent(None, "base_salary", "sign_on", 1, Settings()),
            "offer must be an offer",
        ),
        (
            lambda: component_equivalent(
                GROSS, "base_salary", "sign_on", 1, Settings(basis="disposable_total")
            ),
            "disposable bases need the relocation inputs",
        ),
        (lambda: make_whole(TOKYO, -5, Settings()), "forfeited must be"),
        (lambda: make_whole(TOKYO, 5, Settings(), " "), "forfeited_currency must be"),
        (lambda: make_whole(TOKYO, 5, Settings(fx=JPY), "XXX"), "no FX rate for XXX"),
    ],
)
def test_bad_input_is_one_line_naming_the_argument(call, message):
    with pytest.raises(NegotiationError) as caught:
        call()
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text
    assert "10000000" not in text and "10,000,000" not in text  # no private figure repeated


def test_every_component_is_an_offer_field():
    from calculators.offer.model import FIELDS

    assert set(EQUIVALENT_COMPONENTS) <= set(FIELDS)
    with pytest.raises(InvalidInputError):
        component_equivalent(GROSS, "option_shares", "sign_on", 1, Settings())


# --- the Excel functions ------------------------------------------------------------------------


def test_the_udfs_give_the_calculators_answers(example_rows):
    from calculators.offer.table import offers_from_table, select_offer

    name = example_rows[0][1]
    chosen = select_offer(offers_from_table(example_rows), name)
    s = Settings(basis="net_annualized")
    got = udfs.component_equivalent(
        example_rows, "base_salary", "sign_on", 1_000_000, "net_annualized", None, None, name
    )
    assert got == component_equivalent(chosen, "base_salary", "sign_on", 1_000_000, s).equivalent
    blank = udfs.make_whole(example_rows, 3_000_000, None, None, None, name)
    assert blank == make_whole(chosen, 3_000_000, Settings(basis=MAKE_WHOLE_BASIS)).sign_on
    assert blank > 3_000_000  # blank basis: after tax


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda rows: udfs.component_equivalent(rows, "base", "sign_on", 1), "from_component must be one of"),
        (lambda rows: udfs.component_equivalent(rows, "base_salary", "sign_on", None), "amount is required"),
        (
            lambda rows: udfs.component_equivalent(rows, "base_salary", "sign_on", -1),
            "amount must be at least 0",
        ),
        (
            lambda rows: udfs.component_equivalent(rows, "base_salary", "sign_on", "#N/A"),
            "amount holds an Excel error (#N/A)",
        ),
        (lambda rows: udfs.make_whole(rows, None), "forfeited is required"),
        (lambda rows: udfs.make_whole(rows, 5, "nett"), "basis must be one of"),
        (lambda rows: udfs.make_whole(rows, 5, None, "XXX"), "no FX rate for XXX"),
    ],
)
def test_the_udfs_name_the_argument(example_rows, call, message):
    rows = [row[:2] for row in example_rows]  # one offer
    got = call(rows)
    assert isinstance(got, CellError) and got.message.startswith(message)
