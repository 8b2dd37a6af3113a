"""The UDFs called from plain Python with cell-like values."""

import datetime as dt
import math

import numpy as np
import pytest

from addin import udfs
from addin.cells import MESSAGE_PREFIX, UDFS
from calculators.offer import equity

TOKYO = 1  # column of the Tokyo offer in the example range


def one_offer(rows, col):
    return [[r[0], r[col]] for r in rows]


def is_message(value):
    return isinstance(value, str) and value.startswith(MESSAGE_PREFIX) and "\n" not in value


def test_every_udf_of_this_module_is_registered():
    assert set(udfs.__all__) <= set(UDFS)


def test_offer_tc_returns_one_number(example_rows):
    offer = one_offer(example_rows, TOKYO)
    first = udfs.offer_tc(offer, "first_year")
    assert first == 14_000_000 * 1.15 + 1_000_000 + 12_000_000 * 0.25
    total = udfs.offer_tc(offer, "total", 4)
    assert udfs.offer_tc(offer, "annualized", 4) == pytest.approx(total / 4)
    assert udfs.offer_tc(offer, "npv", 4, 0.05) < total
    # blanks take defaults; the offer can be picked by name from the whole table
    assert udfs.offer_tc(offer, None, None, None) == udfs.offer_tc(offer, "annualized", 4, 0)
    assert udfs.offer_tc(example_rows, "total", 4, None, "tokyo BIG tech") == total


def test_offer_tc_accepts_the_transposed_layout(example_rows):
    offer = one_offer(example_rows, TOKYO)
    transposed = [list(col) for col in zip(*offer, strict=True)]
    assert udfs.offer_tc(transposed, "total") == udfs.offer_tc(offer, "total")


def test_offer_schedule_is_a_table_with_a_header(example_rows):
    table = udfs.offer_schedule(one_offer(example_rows, 2), 6)
    assert table[0][0] == "year" and table[0][-1] == "total"
    assert [r[0] for r in table[1:]] == [1, 2, 3, 4, 5, 6]
    assert all(isinstance(v, float) and math.isfinite(v) for r in table[1:] for v in r[1:])
    # Seattle: 5/15/40/40 of 300,000 at no price growth, then nothing
    equity = [r[table[0].index("equity")] for r in table[1:]]
    assert equity == pytest.approx([15_000, 45_000, 120_000, 120_000, 0, 0])
    doubled = udfs.offer_schedule(one_offer(example_rows, 2), 6, None, 2)
    assert doubled[1][-1] == pytest.approx(2 * table[1][-1])


def test_vest_schedule(example_rows):
    table = udfs.vest_schedule(400_000, "33/33/22/12", 12, "quarterly")
    assert table[0] == ["period", "fraction", "amount"]
    assert table[1] == [12, 0.33, 132_000.0]
    assert sum(r[2] for r in table[1:]) == pytest.approx(400_000)
    assert udfs.vest_schedule(1000, None, None, "annual")[1:] == [
        [12, 0.25, 250.0],
        [24, 0.25, 250.0],
        [36, 0.25, 250.0],
        [48, 0.25, 250.0],
    ]


def test_option_value_table():
    table = udfs.option_value(40_000, 1.0, 4.0, 0.2, 0.3, 1.0)
    values = dict(table[1:])
    # 4 rounds of 20 %: 4 / 1.2^4 = 1.929 a share, 0.929 over strike, 30 % chance
    assert values["expected_value"] == pytest.approx(0.3 * 40_000 * (4 / 1.2**4 - 1))
    assert values["p10"] <= values["p50"] <= values["p90"]
    assert 0 <= values["prob_zero"] <= 1
    # the UDF's simulation is the seeded one (default seed, the shipped paths / volatility)
    assert values["mc_mean"] == equity.option_value(40_000, 1.0, 4.0, 0.2, 0.3, 1.0, paths=100_000).mc_mean


def _mc_by_hand(seed, paths, shares, strike, price, dilution, exit_p, multiple, years, vol):
    """The simulation written out from its docstring with the seeded generator itself:
    one uniform per path (exit or not), then one standard normal per path (lognormal
    multiple with mean ``multiple``)."""
    rng = np.random.default_rng(seed)
    uniform, z = rng.random(paths), rng.standard_normal(paths)
    exit_price = price * multiple * np.exp(vol * z - vol**2 / 2) / (1 + dilution) ** years
    payoff = shares * np.maximum(exit_price - strike, 0.0) * (uniform < exit_p)
    return payoff.mean(), np.percentile(payoff, 50)


def test_option_monte_carlo_follows_the_seed():
    """The seed decides the draws: the same seed gives the same numbers after the draw
    cache is emptied, another seed other numbers, and each equals the simulation done by
    hand with that seed (a program that ignores the seed, or caches draws under a key
    without it, fails here)."""
    args = (40_000, 1.0, 4.0, 0.2, 0.6, 2.0)
    kw = dict(years=4.0, volatility=0.8, paths=4_000)
    first = {seed: equity.option_value(*args, seed=seed, **kw) for seed in (1, 2, 3)}
    assert len({v.mc_mean for v in first.values()}) == 3  # three seeds, three simulations
    equity._draws.cache_clear()
    for seed, value in first.items():
        again = equity.option_value(*args, seed=seed, **kw)
        assert again == value  # the same seed, drawn afresh
        mean, p50 = _mc_by_hand(seed, 4_000, *args, 4.0, 0.8)
        assert value.mc_mean == pytest.approx(mean, rel=1e-12)
        assert value.p50 == pytest.approx(p50, rel=1e-12)


def test_fx_convert_scalar_and_range():
    rates = [["currency", "per USD"], ["USD", 1], ["JPY", 150], ["GBP", 0.75]]
    assert udfs.fx_convert(100, "USD", "JPY", rates) == 15_000
    assert udfs.fx_convert([[1, None], [2, 4]], "GBP", "USD", rates) == [
        [pytest.approx(4 / 3), None],
        [pytest.approx(8 / 3), pytest.approx(16 / 3)],
    ]
    shipped = udfs.fx_convert(1, "USD", "JPY")
    assert shipped == udfs.fx_convert(1, "USD", "JPY", None, dt.date(2026, 6, 1))


def test_offer_compare_ranks_every_offer(example_rows):
    table = udfs.offer_compare(example_rows, "npv", "JPY", 4, 0.05)
    assert table[0][:2] == ["rank", "offer"]
    assert [r[0] for r in table[1:]] == [1, 2, 3, 4, 5]
    values = [r[table[0].index("home value")] for r in table[1:]]
    assert values == sorted(values, reverse=True)
    names = {r[1] for r in table[1:]}
    assert names == set(example_rows[0][1:])


BAD = [
    (
        "text in a number field",
        lambda rows: udfs.offer_tc(
            [r if r[0] != "base_salary" else [r[0], "lots"] for r in one_offer(rows, 1)]
        ),
        "base_salary must be a number",
    ),
    (
        "negative base",
        lambda rows: udfs.offer_tc([r if r[0] != "base_salary" else [r[0], -5] for r in one_offer(rows, 1)]),
        "base_salary",
    ),
    (
        "unknown schedule",
        lambda rows: udfs.offer_tc(
            [r if r[0] != "rsu_schedule" else [r[0], "every other tuesday"] for r in one_offer(rows, 1)]
        ),
        "rsu_schedule",
    ),
    ("schedule not adding to 100", lambda rows: udfs.vest_schedule(100, "30/30"), "add up to 100"),
    ("ragged range", lambda rows: udfs.offer_compare([["field", "a"], ["company"]]), "ragged"),
    ("empty range", lambda rows: udfs.offer_compare([]), "empty"),
    ("unknown basis", lambda rows: udfs.offer_compare(rows, "vibes"), "basis must be one of"),
    ("years not whole", lambda rows: udfs.offer_tc(one_offer(rows, 1), "total", 2.5), "years"),
    ("text years", lambda rows: udfs.offer_schedule(one_offer(rows, 1), "ten"), "years"),
    ("unknown currency", lambda rows: udfs.fx_convert(1, "USD", "XYZ"), "no FX rate for XYZ"),
    ("two offers, no name", lambda rows: udfs.offer_tc(rows), "give offer_name"),
    (
        "unknown jurisdiction",
        lambda rows: udfs.offer_tc(
            [r if r[0] != "jurisdiction" else [r[0], "Atlantis"] for r in one_offer(rows, 1)]
        ),
        "supported: ",
    ),
    ("negative grant", lambda rows: udfs.vest_schedule(-1), "grant must be at least 0"),
    ("bool as number", lambda rows: udfs.option_value(True, 1, 1), "shares must be a number"),
    ("NaN", lambda rows: udfs.option_value(float("nan"), 1, 1), "finite"),
]


@pytest.mark.parametrize("case,call,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_one_short_message(example_rows, case, call, fragment):
    result = call(example_rows)
    assert is_message(result), result
    assert fragment in result
    assert len(result) < 200


def test_messages_never_repeat_what_the_user_typed(example_rows):
    secret = "walkaway-12345678"
    offer = one_offer(example_rows, 1) + [[secret, 1]]
    result = udfs.offer_tc(offer)
    assert is_message(result) and secret not in result
    result = udfs.offer_tc(
        [r if r[0] != "base_salary" else [r[0], secret] for r in one_offer(example_rows, 1)]
    )
    assert is_message(result) and secret not in result


def test_unexpected_errors_become_a_generic_message(monkeypatch, example_rows):
    def boom(*args):
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr("addin.udfs.offers.metric", boom)
    result = udfs.offer_tc(one_offer(example_rows, 1))
    assert result == "#VALUE! OFFER_TC could not compute this; check the inputs"


def test_net_pay_single_and_range_agree():
    single = udfs.net_pay(185_000, "US-WA", 2026)
    assert isinstance(single, float) and 0 < single < 185_000
    column = udfs.net_pay([[100_000], [185_000]], "Seattle", 2026)
    assert column[1][0] == single
    row = udfs.net_pay([[100_000, 185_000]], "us-wa", 2026)
    assert row == [[column[0][0], single]]
    assert udfs.net_pay([[185_000]], "US-WA", 2026) == [[single]]


def test_tax_breakdown_lines_add_up():
    table = udfs.tax_breakdown(14_000_000, "Tokyo", 2026, None, 45)
    lines = dict(table[1:])
    withheld = sum(v for k, v in lines.items() if k not in {"gross", "total_withheld", "net"})
    assert lines["total_withheld"] == pytest.approx(withheld)
    assert lines["net"] == pytest.approx(lines["gross"] - withheld)
    assert lines["long_term_care_insurance"] > 0  # from age 40
    assert dict(udfs.tax_breakdown(14_000_000, "Tokyo", 2026)[1:])["long_term_care_insurance"] == 0
    assert lines["net"] == udfs.net_pay(14_000_000, "JP-TOKYO", 2026, None, 45)


@pytest.mark.parametrize(
    "args,fragment",
    [
        ((1, "Atlantis"), "supported: CA-ON, DE, GB-ENG, IL, JP-TOKYO, US-CA, US-NY-NYC, US-WA"),
        ((1, "IL", 2019), "covered: 2025, 2026"),
        ((-1, "IL"), "gross must be at least 0"),
        (("abc", "IL"), "gross must be a number"),
        ((float("nan"), "IL"), "gross must be a finite number"),
        ((None, "IL"), "gross is required"),
        ((1, None), "jurisdiction"),
        (([[1, 2], [3]], "IL"), "ragged"),
    ],
)
def test_net_pay_bad_input(args, fragment):
    result = udfs.net_pay(*args)
    assert is_message(result) and fragment in result, result


def test_offer_compare_after_tax_changes_the_ranking(example_rows):
    gross = udfs.offer_compare(example_rows, "annualized", "JPY", 4)
    net = udfs.offer_compare(example_rows, "net_annualized", "JPY", 4)
    assert [r[1] for r in gross[1:]] != [r[1] for r in net[1:]]
    gross_value = {r[1]: r[6] for r in gross[1:]}
    for r in net[1:]:
        assert 0 < r[6] < gross_value[r[1]]


def test_offer_tc_net_basis_is_gross_less_the_tax_of_each_year(example_rows):
    offer = one_offer(example_rows, TOKYO)
    sched = udfs.offer_schedule(offer, 1)
    cash = sum(sched[1][sched[0].index(c)] for c in ("base", "bonus", "sign_on", "relocation"))
    equity = sched[1][sched[0].index("equity")]
    expected = sched[1][-1] - (cash + equity - udfs.net_pay(cash, "JP-TOKYO", 2026, equity))
    assert udfs.offer_tc(offer, "net_first_year") == pytest.approx(expected)


def test_negotiation_advice_reuses_one_brief_and_follows_every_changed_cell(example_rows):
    """The cells of one workbook share one brief (computed once for all of them), and a
    changed cell, or a range changed in place, computes it again."""
    from addin.udfs import negotiation

    names = example_rows[0][1:]
    market = [["company", "title", "level", "location", "years_experience", "base"]]
    negotiation._cached_brief.cache_clear()
    first = {n: udfs.negotiation_advice(example_rows, n, market, 9_000_000) for n in names}
    info = negotiation._cached_brief.cache_info()
    assert (info.misses, info.hits) == (1, len(names) - 1)
    for n in names:  # the cached line is what a brief computed for that cell alone gives
        negotiation._cached_brief.cache_clear()
        assert udfs.negotiation_advice(example_rows, n, market, 9_000_000) == first[n]
    rows = [list(r) for r in example_rows]
    assert udfs.negotiation_advice(rows, names[TOKYO - 1], market, 9_000_000) == first[names[TOKYO - 1]]
    next(r for r in rows if r[0] == "base_salary")[TOKYO] *= 2  # the same lists, a new value
    doubled = udfs.negotiation_advice(rows, names[TOKYO - 1], market, 9_000_000)
    assert doubled != first[names[TOKYO - 1]]
    wider = udfs.negotiation_advice(example_rows, names[0], market, 9_000_000, None, None, 1_000_000)
    assert wider != first[names[0]]  # the margin, a single cell


def test_a_percentage_is_read_only_where_the_argument_is_a_fraction():
    """ "50%" typed as a gross or a salary is a slip, refused in one line (in a range, naming
    the cell's place); as a bonus target, a premium or a discount rate it is 0.5."""
    assert udfs.net_pay("50%", "US-WA", 2025) == "#VALUE! gross must be a number, not a percentage"
    got = udfs.net_pay([[100_000, "50%"], [None, 80_000]], "US-WA", 2025)
    assert got == "#VALUE! gross (row 1, column 2 of the range) must be a number, not a percentage"
    both = udfs.net_pay([[100_000, None], [None, 80_000]], "US-WA", 2025)  # blanks stay blank
    assert both[0][1] is None and both[1][0] is None
    assert both[0][0] == udfs.net_pay(100_000, "US-WA", 2025) and both[1][1] == udfs.net_pay(
        80_000, "US-WA", 2025
    )
    offer = [["field", "A"], ["company", "A"], ["jurisdiction", "US-WA"], ["currency", "USD"]]
    salary = udfs.offer_tc([*offer, ["base_salary", "50%"]])
    assert salary == "#VALUE! offer 1: base_salary must be a number, not a percentage"
    with_bonus = offer + [["base_salary", 100_000]]
    assert udfs.offer_tc([*with_bonus, ["bonus_target", "10%"]]) == udfs.offer_tc(
        [*with_bonus, ["bonus_target", 0.1]]
    )
    npv = udfs.offer_compare(with_bonus, "npv", None, None, "5%")
    assert (
        npv
        == udfs.offer_compare(with_bonus, "npv", None, None, 0.05)
        != udfs.offer_compare(with_bonus, "npv")
    )


def test_the_cached_brief_keeps_true_apart_from_one(example_rows):
    """TRUE is no horizon: refused whether or not a horizon of 1 was computed first (the
    cache's key holds each value's type, as TRUE == 1 in Python)."""
    from addin.udfs import negotiation

    market = [["company", "title", "level", "location", "years_experience", "base"]]
    name = example_rows[0][1]
    args = (example_rows, name, market, 9_000_000, None, None, None, None, None, None)
    negotiation._cached_brief.cache_clear()
    assert not str(udfs.negotiation_advice(*args, 1)).startswith("#VALUE!")
    assert str(udfs.negotiation_advice(*args, True)).startswith("#VALUE! years")
