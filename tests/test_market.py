"""Market percentiles and bands: the shared vector, hand-computed ties, filters, warnings."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin import udfs
from addin.cells import MESSAGE_PREFIX
from calculators.errors import InvalidInputError
from calculators.market import (
    COLUMNS,
    Filters,
    MarketData,
    band,
    market_from_rows,
    offer_market_tc,
    percentile_of,
)
from calculators.notes import Note
from calculators.offer.model import Offer
from tests.conftest import load_vectors


def _data(values, **cols):
    return MarketData.from_columns(np.asarray(values, dtype=float), "JPY", **cols)


def test_percentile_by_rank_reproduces_the_shared_vector():
    case = next(c for c in load_vectors("compensation.yaml") if c["name"] == "percentile by rank")
    n, rank = case["input"]["n"], case["input"]["rank_from_top"]
    values = list(range(100, 100 + n))  # distinct; the value ranked 3rd from the top
    value = sorted(values, reverse=True)[rank - 1]
    assert percentile_of(value, _data(values)).values["percentile"] == pytest.approx(
        case["expect"]["percentile"]
    )


def test_percentile_with_ties_by_hand():
    # sorted: 10 20 20 20 30 40 (n = 6, n - 1 = 5)
    d = _data([20, 10, 30, 20, 40, 20])
    pct = lambda v: percentile_of(v, d).values["percentile"]  # noqa: E731
    assert pct(10) == 0.0
    assert pct(20) == pytest.approx(100 * 1 / 5)  # one value strictly below: tied share the lowest
    assert pct(30) == pytest.approx(100 * 4 / 5)
    assert pct(40) == 100.0
    # between 20 (position 1) and 30 (position 4), a quarter of the way: 1 + 0.25 * 3
    assert pct(22.5) == pytest.approx(100 * 1.75 / 5)
    assert pct(5) == 0.0 and pct(50) == 100.0
    # the band of the same data, by hand: positions (n - 1) p = 1.25, 2.5, 3.75, 4.5
    b = band(d).values
    assert b == pytest.approx({"p25": 20.0, "p50": 20.0, "p75": 27.5, "p90": 35.0})


@given(st.lists(st.integers(0, 50), min_size=2, max_size=40), st.integers(-5, 55))
def test_percentile_matches_excel_percentrank_definition(values, v):
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    got = percentile_of(float(v), _data(values)).values["percentile"]
    assert 0.0 <= got <= 100.0
    if v in values:
        assert got == pytest.approx(100 * (x < v).sum() / (n - 1))
    # never decreasing in the value
    assert percentile_of(float(v) + 0.5, _data(values)).values["percentile"] >= got - 1e-9


@given(st.lists(st.floats(0, 1e8), min_size=2, max_size=40))
def test_band_is_numpy_linear_and_ordered(values):
    b = band(_data(values)).values
    assert [b["p25"], b["p50"], b["p75"], b["p90"]] == pytest.approx(
        list(np.percentile(values, [25, 50, 75, 90]))
    )
    assert b["p25"] <= b["p50"] <= b["p75"] <= b["p90"]


ROWS = [
    [name for name in COLUMNS if name != "title"],  # every column the reader knows but the title
    ["A", "L5", "Tokyo", 6, 12e6, 3e6, 1e6, 16e6, "JPY", "2026-06-01", "synthetic"],
    ["B", "L5", "Tokyo", 8, 14e6, 2e6, 0, 99e6, "JPY", "2026-05-01", "synthetic"],
    ["C", "L6", "Tokyo", 12, 20e6, 8e6, 2e6, None, "JPY", "2021-01-01", "synthetic"],
    ["D", "L5", "Seattle", 7, 180e3, 80e3, 0, None, "USD", "2026-01-01", "synthetic"],
    ["E", "L5", "tokyo", 3, None, None, None, 11e6, "JPY", "2026-02-01", "synthetic"],
]


def test_rows_tc_is_like_for_like_and_filters_work():
    d = market_from_rows(ROWS[:4] + ROWS[5:])
    assert d.tc.tolist() == [16e6, 16e6, 30e6, 11e6]  # B's stated total is not used
    mismatch = Note("market_total_mismatch", {"rows": 1})  # B: 16e6 by its parts, 99e6 stated
    assert d.notes == (mismatch,)
    stat = band(d, Filters(location="TOKYO", level="l5"), as_of=dt.date(2026, 11, 1))
    assert stat.n == 3
    # the least sample is 10 (data/negotiation.yaml); A, B, E are dated within 24 months
    # every row's source says synthetic: that comes first
    assert stat.warnings == (
        Note("market_synthetic", {"rows": 3, "n": 3}),
        mismatch,
        Note("market_small_sample", {"n": 3, "least": 10}),
    )
    assert stat.synthetic == 3 and stat.newest == dt.date(2026, 6, 1)
    stat = band(d, Filters(min_years=5, max_years=10))
    assert stat.n == 2
    stat = band(d, Filters(since=dt.date(2026, 1, 1)))
    assert stat.n == 3
    stale = band(d, Filters(level="L6|L5", location="Tokyo|Seattle"), as_of=dt.date(2030, 1, 1))
    # median of A, B, C, E: halfway between 2026-02-01 and 2026-05-01 (day 44 of 89);
    # 1386 days before 2030-01-01 = 45.5 months of 30.4375 days, said as 46
    assert stale.warnings[-1] == Note(
        "market_stale", {"median": "2026-03-17", "months": 46, "as_of": "2030-01-01"}
    )
    fresh = band(d, as_of=dt.date(2026, 7, 1))
    assert "market_stale" not in [w.code for w in fresh.warnings]
    undated = band(market_from_rows([["total"], [1], [2]]), as_of=dt.date(2026, 7, 1))
    assert undated.warnings[-1] == Note("market_undated")


def test_market_band_says_its_warnings_in_english():
    # the English lines MARKET_BAND showed before its warnings became codes
    out = udfs.market_band([["total", "base"], [12e6, 12e6], [99e6, 14e6], [None, 11e6]])
    assert dict(out[1:])["warnings"] == (
        "1 row(s) give a total that is not base + stock + bonus; the sum is used (like for like); "
        "small sample: 3 comparable rows (fewer than 10); rows carry no date: recency unknown"
    )
    stale = [["total", "date"], *[[v, "2020-01-01"] for v in range(1, 11)]]
    assert dict(udfs.market_band(stale, *[None] * 8, "2026-12-01")[1:])["warnings"] == (
        "stale data: the median row date 2020-01-01 is 83 months before 2026-12-01"
    )
    fresh = [["total", "date"], *[[v, "2026-06-01"] for v in range(1, 11)]]
    assert dict(udfs.market_band(fresh, *[None] * 8, "2026-12-01")[1:])["warnings"] == "none"


def test_mixed_currencies_need_a_currency_and_convert():
    with pytest.raises(InvalidInputError, match="mixes currencies"):
        market_from_rows(ROWS)
    from calculators.fx import FxTable

    fx = FxTable("USD", {"USD": 1.0, "JPY": 150.0})
    d = market_from_rows(ROWS, "JPY", fx)
    assert d.tc[3] == pytest.approx(260e3 * 150)


def test_offer_tc_uses_the_same_definition():
    o = Offer.from_fields(
        {
            "company": "A",
            "jurisdiction": "US-WA",
            "currency": "USD",
            "base_salary": 185e3,
            "rsu_grant": 300e3,
            "rsu_schedule": "5/15/40/40",
            "sign_on": 60e3,
            "bonus_target": 0.1,
            "bonus_payout": 0.5,
        }
    )
    assert offer_market_tc(o) == pytest.approx(185e3 * 1.05 + 75e3)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([],), "market table is empty"),
        (([["total"]],), "market table is empty"),
        (
            ([["total", "location"], [1, "x"], [2, "x"]], None, "elsewhere"),
            "no comparable market rows after filtering on location",
        ),
        (([["total", "location"], [1, "x"], [2, "y"]], None, "x"), "only 1 comparable"),
        (([["name", "x"], [1, 2]],), "needs a base or a total column"),
        (([["total"], ["lots"], [2]],), "total must be a number"),
    ],
)
def test_bad_market_input_gives_one_clear_message(args, expected):
    out = udfs.market_band(*args)
    assert isinstance(out, str) and out.startswith(MESSAGE_PREFIX) and expected in out
    assert "elsewhere" not in out and "lots" not in out


def test_udfs_return_percentile_n_and_method():
    rows = [["total", "location"], *[[v, "Tokyo"] for v in range(1, 12)]]
    out = dict((r[0], r[1]) for r in udfs.market_percentile(9, rows, "Tokyo")[1:])
    assert out["percentile"] == pytest.approx(80.0) and out["n"] == 11
    assert "PERCENTRANK.INC" in out["method"]
    band_out = dict((r[0], r[1]) for r in udfs.market_band(rows, [[50, 90]])[1:])
    assert band_out["p50"] == 6 and band_out["p90"] == pytest.approx(10.0)
    assert "p25" not in band_out


def test_rows_reader_skips_blank_rows_and_refuses_flags_and_ragged_rows():
    d = market_from_rows(
        [["total", "location", "date"], [1, "a", "2026-01-01"], [None, " ", None], [2, "A ", 46023]]
    )  # Excel serial of 2026-01-01
    assert d.tc.tolist() == [1.0, 2.0]
    assert d.text["location"] == (d.text["location"][0], ("a",))
    assert d.days[0] == d.days[1]
    with pytest.raises(InvalidInputError, match="total must be a number"):
        market_from_rows([["total"], [True], [1]])
    with pytest.raises(InvalidInputError, match="ragged"):
        market_from_rows([["total", "level"], [1, "L5"], [2]])
    with pytest.raises(InvalidInputError, match="every row needs a base or a total"):
        market_from_rows([["total", "level"], [1, "L5"], [None, "L5"]])
    with pytest.raises(InvalidInputError, match="date must be a date"):
        market_from_rows([["total", "date"], [1, "last spring"], [2, None]])
    assert market_from_rows([["base"], ["1,000"], [2000]]).tc.tolist() == [1000.0, 2000.0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["total", "date"], [1, 1], [2, True]], "date must be a date"),  # True hashed as serial 1
        ([["total", "date"], [1, 45658], [2, [45658]]], "date must be a date"),
        ([["base", "bonus"], [1, 0], [2, [5]]], "bonus must be a number"),
        ([["total", "location"], [1, "Tokyo"], [2, ["Tokyo"]]], "location must be text"),
        ([["total", "level"], [1, "L5"], [2, {"L": 5}]], "level must be text"),
    ],
)
def test_a_flag_or_a_list_in_a_cell_is_one_line_naming_the_column(rows, message):
    with pytest.raises(InvalidInputError, match=f"^market table: {message}"):
        market_from_rows(rows)
