"""Ranking odds (calculators.valuation.odds): the probabilities add up, a seed reproduces them,
a shock moves them the right way, no spread gives the deterministic comparison, and every
threshold found is a point where the deterministic winner really changes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from addin.cells import MESSAGE_PREFIX
from addin.workbook.builder import example
from calculators.errors import InvalidInputError, NegotiationError
from calculators.fx import FxTable, shipped_table
from calculators.offer.model import Offer
from calculators.offer.table import offers_from_table
from calculators.relocation.move import move_inputs_from_rows
from calculators.tax import compute, get_jurisdiction, supported_codes
from calculators.valuation.compare import Settings, compare_offers
from calculators.valuation.odds import MAX_SCENARIOS, Odds, ranking_odds

FEW = 4_000  # scenarios: enough for the orderings tested, quick
STILL = {"volatility": 0.0, "fx_volatility": 0.0, "bonus_volatility": 0.0, "exit_volatility": 0.0}


@pytest.fixture(scope="module")
def offers(example_rows) -> list[Offer]:
    return offers_from_table(example_rows)


@pytest.fixture(scope="module")
def move():
    rel = example()["relocation"]
    return move_inputs_from_rows(
        [
            ["home_city", rel["home_city"]],
            ["housing_size", rel["housing_size"]],
            *rel["basket"].items(),
            *rel["costs"].items(),
        ]
    )


def _settings(move, basis: str = "net_annualized") -> Settings:
    home = example()["home"]
    return Settings(basis=basis, years=home["horizon_years"], discount_rate=home["discount_rate"], move=move)


def _mine() -> list[Offer]:
    """Offers of my own: two USD offers at one company (one price path), a refresher with
    price growth, a JPY offer with a bonus, and a start-up whose exit is certain."""

    def offer(**fields: object) -> Offer:
        return Offer.from_fields({"jurisdiction": "Seattle", "currency": "USD", **fields})

    return [
        offer(company="Acme", name="Acme L5", base_salary=150_000, rsu_grant=200_000, price_growth=0.05),
        offer(
            company="Acme",
            name="Acme L6",
            base_salary=170_000,
            rsu_grant=120_000,
            refresher_grant=40_000,
            price_growth=0.05,
            rsu_schedule="5/15/40/40",
        ),
        Offer.from_fields(
            {
                "company": "Kaisha",
                "jurisdiction": "Tokyo",
                "currency": "JPY",
                "base_salary": 24_000_000,
                "bonus_target": 0.3,
                "bonus_payout": 1.2,
            }
        ),
        offer(
            company="Start",
            base_salary=140_000,
            option_shares=20_000,
            option_strike=1.0,
            option_price=3.0,
            dilution=0.1,
            exit_probability=1.0,
            exit_multiple=2.0,
        ),
    ]


@pytest.mark.parametrize("basis", ["annualized", "net_annualized", "disposable_npv", "net_first_year"])
def test_probabilities_add_up_to_one_and_the_spread_is_ordered(offers, move, basis):
    odds = ranking_odds(offers, _settings(move, basis), scenarios=FEW, seed=7)
    assert math.isclose(sum(o.probability_first for o in odds.offers), 1.0, rel_tol=0, abs_tol=1e-12)
    assert all(0 <= o.probability_first <= 1 for o in odds.offers)
    for o in odds.offers:
        assert o.p10 <= o.p50 <= o.p90
    assert odds.home_currency == "JPY" and odds.basis == basis and odds.scenarios == FEW
    assert [o.name for o in odds.offers] == [o.name for o in offers]  # input order


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(offers, move):
    s = _settings(move)
    one = ranking_odds(offers, s, scenarios=FEW, seed=11, thresholds=False)
    assert one == ranking_odds(offers, s, scenarios=FEW, seed=11, thresholds=False)
    other = ranking_odds(offers, s, scenarios=FEW, seed=12, thresholds=False)
    assert [o.probability_first for o in other.offers] != [o.probability_first for o in one.offers]
    assert [o.p50 for o in other.offers] != [o.p50 for o in one.offers]
    assert ranking_odds(offers, s, scenarios=FEW, seed=11.0, thresholds=False) == one  # a cell's 11


def test_blocks_of_scenarios_are_drawn_reproducibly():
    """50 years: the scenarios are valued 10,000 at a time; the blocks add up and repeat."""
    s = Settings(basis="net_total", years=50, fx=shipped_table())
    mine = _mine()[:3]
    one = ranking_odds(mine, s, scenarios=25_000, seed=3, thresholds=False)
    assert math.isclose(sum(o.probability_first for o in one.offers), 1.0, abs_tol=1e-12)
    assert one == ranking_odds(mine, s, scenarios=25_000, seed=3, thresholds=False)


@pytest.mark.parametrize("company", ["Seattle big tech", "Silicon Valley AI", "Tel Aviv scale-up"])
def test_a_one_time_fall_of_half_the_share_price_lowers_that_companys_odds(offers, move, company):
    s = _settings(move)
    before = ranking_odds(offers, s, scenarios=FEW, seed=5, thresholds=False)
    after = ranking_odds(offers, s, scenarios=FEW, seed=5, shocks={company: -0.5}, thresholds=False)
    i = next(j for j, o in enumerate(offers) if o.company == company)
    assert after.offers[i].probability_first < before.offers[i].probability_first
    assert after.offers[i].p50 < before.offers[i].p50
    others = [j for j in range(len(offers)) if offers[j].company != company]
    assert all(after.offers[j].probability_first >= before.offers[j].probability_first for j in others)
    assert all(after.offers[j].p50 == before.offers[j].p50 for j in others)  # their draws unchanged


def test_a_rise_raises_the_odds_and_a_shock_can_be_named_by_offer(offers, move):
    s = _settings(move)
    base = ranking_odds(offers, s, scenarios=FEW, seed=5, thresholds=False)
    up = ranking_odds(offers, s, scenarios=FEW, seed=5, shocks={"seattle BIG tech": 0.5}, thresholds=False)
    assert up.offers[1].probability_first > base.offers[1].probability_first
    by_company = ranking_odds(offers, s, scenarios=FEW, seed=5, shocks={"Silicon Valley AI": -0.3})
    by_offer = ranking_odds(offers, s, scenarios=FEW, seed=5, shocks={"Silicon Valley": -0.3})
    assert by_company == by_offer


def _certain(offers: list[Offer]) -> list[Offer]:
    """The example with the start-up's exit made certain: no draw is left to chance."""
    return [dataclasses.replace(o, exit_probability=1.0) if o.option_shares else o for o in offers]


@pytest.mark.parametrize("basis", ["annualized", "net_annualized", "disposable_annualized", "net_npv"])
def test_no_spread_anywhere_gives_the_deterministic_winner_for_certain(offers, move, basis):
    for case in (_certain(offers), _mine()):
        s = _settings(move, basis)
        rows = compare_offers(case, s)
        odds = ranking_odds(case, s, scenarios=500, seed=1, **STILL)
        best = next(o for o in odds.offers if o.name == rows[0].name)
        assert best.probability_first == 1.0 and odds.winner == rows[0].name
        value = {r.name: r.value_home for r in rows}
        for o in odds.offers:
            for got in (o.p10, o.p50, o.p90, o.mean, o.central):
                assert got == pytest.approx(value[o.name], rel=1e-12)


def test_the_central_case_is_the_comparison_with_uncertain_exits(offers, move):
    s = _settings(move)
    odds = ranking_odds(offers, s, scenarios=500, seed=1)
    value = {r.name: r.value_home for r in compare_offers(offers, s)}
    assert {o.name: o.central for o in odds.offers} == pytest.approx(value, rel=1e-12)
    assert odds.winner == compare_offers(offers, s)[0].name


def test_the_spreads_keep_the_expected_value_of_a_linear_basis():
    """Gross pay is linear in prices, rates and payouts, and each factor has mean 1: the
    simulated mean is the deterministic value, to within the Monte Carlo error."""
    mine = _mine()[:3]
    s = Settings(basis="annualized", fx=shipped_table(), home_currency="JPY")
    odds = ranking_odds(mine, s, scenarios=100_000, seed=2, thresholds=False)
    for o in odds.offers:
        assert o.mean == pytest.approx(o.central, rel=0.01)
        assert o.p10 < o.central < o.p90


def _fx_table(home: str, code: str, rate: float) -> FxTable:
    """The shipped table based on ``home``, with ``code`` at ``rate`` home units per unit."""
    t = shipped_table()
    rates = {c: t.rate(c) / t.rate(home) for c in t.rates}
    rates[code] = 1.0 / rate
    rates[home] = 1.0
    return FxTable(home, rates, t.as_of, "test")


def _winner_at(offers: list[Offer], s: Settings, factor: str, subject: str, value: float) -> str:
    """The deterministic winner with one factor moved: compare_offers, no simulation."""
    if factor == "fx":
        assert s.home_currency is not None
        s = dataclasses.replace(s, fx=_fx_table(s.home_currency, subject, value))
        return compare_offers(offers, s)[0].name
    moved = [
        dataclasses.replace(o, rsu_grant=o.rsu_grant * (1 + value), option_price=o.option_price * (1 + value))
        if o.company == subject
        else o
        for o in offers
    ]
    return compare_offers(moved, s)[0].name


@pytest.mark.parametrize("basis", ["annualized", "net_annualized", "net_npv"])
def test_crossing_a_threshold_changes_the_deterministic_winner(offers, move, basis):
    for case, shocks in ((offers, None), (offers, {"Silicon Valley AI": -0.1}), (_mine(), None)):
        s = dataclasses.replace(_settings(move, basis), home_currency="JPY", fx=shipped_table())
        odds = ranking_odds(case, s, scenarios=200, seed=1, shocks=shocks)
        assert odds.thresholds, "the example has winners that change"
        if shocks:  # the given shock is in the central case: thresholds are total changes
            case = [
                dataclasses.replace(o, rsu_grant=o.rsu_grant * 0.9) if o.company == "Silicon Valley AI" else o
                for o in case
            ]
        for t in odds.thresholds:
            assert t.winner == odds.winner and t.new_winner != t.winner
            eps = 1e-4 * (abs(t.value) if t.factor == "fx" else 1.0)
            inside, outside = (
                (t.value + eps, t.value - eps) if t.direction == "below" else (t.value - eps, t.value + eps)
            )
            if t.factor == "price":  # the threshold is the total change; compare from the given shock
                today = 1 + t.today
                inside, outside = (1 + inside) / today - 1, (1 + outside) / today - 1
            assert (t.direction == "below") == (t.value < t.today)
            assert _winner_at(case, s, t.factor, t.subject, inside) == t.winner, t
            assert _winner_at(case, s, t.factor, t.subject, outside) == t.new_winner, t


def test_the_example_has_the_thresholds_a_negotiator_asks_for(offers, move):
    odds = ranking_odds(offers, _settings(move), scenarios=200, seed=1)
    kinds = {(t.factor, t.subject, t.direction) for t in odds.thresholds}
    assert ("fx", "USD", "below") in kinds  # the winner is paid in USD
    assert ("price", "Silicon Valley AI", "below") in kinds  # its own stock falling
    fx = next(t for t in odds.thresholds if t.factor == "fx" and t.subject == "USD")
    assert 0 < fx.value < fx.today == pytest.approx(shipped_table().convert(1.0, "USD", "JPY"))


def test_without_thresholds_none_are_searched(offers, move):
    assert ranking_odds(offers, _settings(move), scenarios=100, thresholds=False).thresholds == ()


def test_the_defaults_are_the_dated_assumptions(offers, move):
    odds = ranking_odds(offers, _settings(move), scenarios=100, thresholds=False)
    assert isinstance(odds, Odds) and odds.seed >= 0
    assert odds.assumptions["volatility"] == dict.fromkeys([o.company for o in offers], 0.30)
    assert odds.assumptions["fx_volatility"] == {"USD": 0.10, "GBP": 0.10, "ILS": 0.10}
    assert odds.assumptions["bonus_volatility"] == 0.20 and odds.assumptions["exit_volatility"] == 0.8
    given = ranking_odds(
        offers,
        _settings(move),
        scenarios=100,
        thresholds=False,
        volatility={"Seattle big tech": 0.5},
        fx_volatility={"usd": 0.2},
    )
    assert given.assumptions["volatility"]["Seattle big tech"] == 0.5
    assert given.assumptions["volatility"]["Silicon Valley AI"] == 0.30
    assert given.assumptions["fx_volatility"] == {"USD": 0.2, "GBP": 0.10, "ILS": 0.10}


BAD = [
    ({"scenarios": 0}, "scenarios"),
    ({"scenarios": -5}, "scenarios"),
    ({"scenarios": float("nan")}, "scenarios"),
    ({"scenarios": 10.5}, "scenarios"),
    ({"scenarios": MAX_SCENARIOS + 1}, "scenarios"),
    ({"scenarios": True}, "scenarios"),
    ({"scenarios": "100"}, "scenarios"),
    ({"scenarios": 10**400}, "scenarios"),
    ({"seed": 1.5}, "seed"),
    ({"seed": -1}, "seed"),
    ({"seed": float("inf")}, "seed"),
    ({"seed": "x"}, "seed"),
    ({"shocks": {"Seattle big tech": -1.5}}, "shocks"),
    ({"shocks": {"Seattle big tech": float("nan")}}, "shocks"),
    ({"shocks": {"Seattle big tech": 11}}, "shocks"),
    ({"shocks": {"Nobody": -0.3}}, "shocks"),
    ({"volatility": -0.1}, "volatility"),
    ({"volatility": 4}, "volatility"),
    ({"volatility": {"Seattle big tech": float("nan")}}, "volatility"),
    ({"volatility": {"Nobody": 0.2}}, "volatility"),
    ({"fx_volatility": {"EUR": 0.1}}, "fx_volatility"),
    ({"fx_volatility": "high"}, "fx_volatility"),
    ({"bonus_volatility": -1}, "bonus_volatility"),
    ({"exit_volatility": float("inf")}, "exit_volatility"),
]


@pytest.mark.parametrize("kwargs, name", BAD, ids=[f"{name}-{i}" for i, (_, name) in enumerate(BAD)])
def test_bad_input_is_one_line_naming_the_argument(offers, move, kwargs, name):
    with pytest.raises(InvalidInputError, match=rf"^{name}\b") as caught:
        ranking_odds(offers, _settings(move), thresholds=False, **kwargs)
    assert isinstance(caught.value, NegotiationError) and "\n" not in str(caught.value)


def test_a_shock_of_minus_100_percent_is_a_worthless_stock(offers, move):
    s = _settings(move, "annualized")
    odds = ranking_odds(offers, s, scenarios=500, seed=1, shocks={"Silicon Valley AI": -1.0}, **STILL)
    sv = next(o for o in odds.offers if o.company == "Silicon Valley AI")
    moved = [dataclasses.replace(o, rsu_grant=0.0) if o.company == "Silicon Valley AI" else o for o in offers]
    expected = {r.name: r.value_home for r in compare_offers(moved, s)}[sv.name]
    assert sv.central == pytest.approx(expected, rel=1e-12) and sv.p90 == pytest.approx(expected, rel=1e-12)


def test_no_offer_is_an_error():
    with pytest.raises(InvalidInputError, match="offer"):
        ranking_odds([], Settings())


def test_values_are_finite_and_in_the_home_currency(offers, move):
    odds = ranking_odds(offers, _settings(move, "annualized"), scenarios=FEW, seed=9, thresholds=False)
    assert np.isfinite([[o.p10, o.p50, o.p90, o.mean] for o in odds.offers]).all()
    tokyo = odds.offers[0]
    assert tokyo.currency == "JPY" and tokyo.p10 > 10_000_000  # a JPY salary, valued in JPY


@pytest.mark.parametrize("code", supported_codes())
def test_the_tax_of_a_grid_of_scenario_years_is_the_tax_of_each_one(code):
    """The after-tax odds hand the tax engine every scenario-year at once, (scenarios, years):
    each one's tax must be exactly the tax of that income alone (progressive rules, no
    approximation)."""
    rng = np.random.default_rng(4)
    scale = {"JP-TOKYO": 150.0, "IL": 3.5}.get(code, 1.0)
    salary = rng.uniform(0, 600_000, (40, 4)) * scale
    equity = rng.uniform(0, 1, (40, 4)) * salary
    year = max(get_jurisdiction(code).years)
    grid = compute(salary, code, year, equity).net
    for i, k in [(i, k) for i in range(0, 40, 7) for k in range(4)]:
        assert float(compute(float(salary[i, k]), code, year, float(equity[i, k])).net) == grid[i, k]


# --- OFFER_ODDS, the Excel function (addin/udfs/odds.py) -------------------------------------


@pytest.fixture(scope="module")
def offer_odds():
    """OFFER_ODDS.  Until ``addin/udfs/__init__.py`` lists it, its entry in the registry
    ``addin.cells.UDFS`` is taken back as soon as it is imported: recalc and the hostile-cell
    test look every registered UDF up in ``addin.udfs``, which would not have it yet."""
    from addin import udfs
    from addin.cells import UDFS
    from addin.udfs.odds import offer_odds as func

    if not hasattr(udfs, "offer_odds"):
        UDFS.pop("offer_odds", None)
    return func


def test_offer_odds_on_the_example_adds_up_is_reproducible_and_moves_with_a_shock(offer_odds, example_rows):
    table = offer_odds(example_rows, "net_annualized", 5_000, 1)
    assert table[0][:4] == ["offer", "company", "currency", "chance first"]
    chances = [row[3] for row in table[1:]]
    assert len(chances) == 5 and math.isclose(sum(chances), 1.0, abs_tol=1e-12)
    assert offer_odds(example_rows, "net_annualized", 5_000, 1) == table
    assert offer_odds(example_rows, "net_annualized", 5_000, 2) != table
    sv = next(i for i, row in enumerate(table) if row[1] == "Silicon Valley AI")
    shocked = offer_odds(example_rows, "net_annualized", 5_000, 1, -0.5, "Silicon Valley AI")
    assert shocked[sv][3] < table[sv][3]
    assert math.isclose(sum(row[3] for row in shocked[1:]), 1.0, abs_tol=1e-12)
    everyone = offer_odds(example_rows, "net_annualized", 5_000, 1, -0.5)  # every company's stock
    assert everyone[1][3] >= table[1][3]  # Tokyo's cash offer gains when every stock falls


def test_offer_odds_takes_a_shock_and_a_volatility_per_company_from_rows(offer_odds, example_rows):
    """price_shock and volatility as rows of company (or offer name) and number: one row is
    the single number with shock_company; two rows shock two companies at once."""
    args = (example_rows, "net_annualized", 5_000, 1)
    one = offer_odds(*args, -0.5, "Silicon Valley AI")
    assert offer_odds(*args, [["silicon valley ai", -0.5], [None, None]]) == one  # any case, blanks
    sv = next(i for i, row in enumerate(one) if row[1] == "Silicon Valley AI")
    seattle = next(i for i, row in enumerate(one) if row[0] == "Seattle big tech")
    two = offer_odds(*args, [["Silicon Valley AI", -0.5], ["Seattle big tech", -0.5]])
    assert two[seattle][3] < one[seattle][3] and math.isclose(sum(r[3] for r in two[1:]), 1.0, abs_tol=1e-12)
    assert offer_odds(*args, [[-0.5]]) == offer_odds(*args, -0.5)  # one cell: every company's
    calm = offer_odds(*args, None, None, 0.0)
    wild = offer_odds(*args, None, None, [["Silicon Valley AI", 1.5]])
    assert wild[sv][3] != calm[sv][3] and wild != offer_odds(*args, None, None, 1.5)
    for rows, start in (
        ([["Nobody", -0.5]], "price_shock row 1: the company is neither"),
        (
            [["Silicon Valley AI", -0.5], ["silicon valley ai", -0.2]],
            "price_shock row 2: the company is given twice",
        ),
        (
            [["Silicon Valley AI", None], ["Seattle big tech", -0.1]],
            "price_shock row 1: give the company and its number",
        ),
        ([["Silicon Valley AI", -2], ["Seattle big tech", -0.1]], "price_shock row 1 must be at least -1"),
    ):
        got = offer_odds(*args, rows)
        assert isinstance(got, str) and got.startswith(MESSAGE_PREFIX + start) and "\n" not in got, got
    got = offer_odds(*args, [["Silicon Valley AI", -0.5]], "Seattle big tech")
    assert got.startswith(MESSAGE_PREFIX + "shock_company needs a price_shock (one number")


def test_offer_odds_shows_the_thresholds(offer_odds, example_rows):
    table = offer_odds(example_rows, "net_annualized", 500, 1, *[None] * 9, "thresholds")
    assert table[0] == ["winner", "if this moves", "of", "goes", "past", "today", "then wins"]
    assert ["exchange rate", "USD", "below"] in [row[1:4] for row in table[1:]]
    assert all(row[0] == "Silicon Valley" and row[6] != row[0] for row in table[1:])


@pytest.mark.parametrize(
    "args, start",
    [
        ((None, 0), "scenarios must be a whole number"),
        ((None, 2.5), "scenarios must be a whole number"),
        ((None, None, 0.5), "seed must be a whole number"),
        ((None, None, None, -1.5), "price_shock must be at least -1"),
        ((None, None, None, -0.3, "Nobody"), "shock_company is neither"),
        ((None, None, None, None, "Seattle big tech"), "shock_company needs a price_shock"),
        ((None, None, None, None, None, 5), "volatility must be a number from 0 to 3"),
        ((None, None, None, None, None, None, -0.2), "fx_volatility must be a number"),
        ((None, "#N/A"), "scenarios holds an Excel error"),
        ((*[None] * 12, "chart"), "show must be odds or thresholds"),
    ],
)
def test_offer_odds_refuses_bad_input_in_one_line_naming_the_argument(offer_odds, example_rows, args, start):
    got = offer_odds(example_rows, *args)
    assert isinstance(got, str) and got.startswith(MESSAGE_PREFIX + start) and "\n" not in got
