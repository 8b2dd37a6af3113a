"""Relocation: the worked Tokyo -> Seattle example, invariants, bad input."""

import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin import udfs
from addin.workbook.builder import example
from calculators.errors import InvalidInputError, NegotiationError
from calculators.fx import shipped_table
from calculators.offer.model import Offer
from calculators.offer.table import offers_from_table
from calculators.relocation.cost_of_living import (
    CITIES,
    Basket,
    canonical_city,
    carry_basket,
    col_adjust,
)
from calculators.relocation.move import analyse_moves, move_inputs_from_rows


@functools.cache
def _example():
    """The shipped example's inputs, read once (the tests read them, never change them)."""
    return example()


def basket_rows(**changes):
    rel = _example()["relocation"]
    basket = {**rel["basket"], **{k: v for k, v in changes.items() if k in rel["basket"]}}
    costs = {**rel["costs"], **{k: v for k, v in changes.items() if k in rel["costs"]}}
    return (
        [["input", "value"], ["home_city", rel["home_city"]], ["housing_size", rel["housing_size"]]]
        + [[k, v] for k, v in basket.items()]
        + [[k, v] for k, v in costs.items()]
    )


# ---------------------------------------------------------------------------------------
# Worked example, by hand: the persona moves from Tokyo to Seattle ("Seattle big tech"),
# 2026 tax rules every year, the shipped FX (ECB 2026-05-08: 156.7639 JPY per USD) and the
# shipped cost-of-living data.
#
# Offer (USD): base 185,000 +3 %/yr; sign-on 60,000 (year 1) and 45,000 (year 2);
# relocation package 15,000 (year 1, taxed); RSU 300,000 vesting 5/15/40/40; 401(k) match
# 2.5 % of base (untaxed). Year by year:
#   base      185,000.00 | 190,550.00 | 196,266.50 | 202,154.495
#   cash      260,000.00 | 235,550.00 | 196,266.50 | 202,154.495   (base + sign-on + reloc.)
#   RSU        15,000.00 |  45,000.00 | 120,000.00 | 120,000.00
#   match       4,625.00 |   4,763.75 |   4,906.6625 | 5,053.862375
#   total     279,625.00 | 285,313.75 | 321,173.1625 | 327,208.357375
# Wages taxed = cash + RSU: 275,000 | 280,550 | 316,266.50 | 322,154.495
# Federal income tax (IRS Rev. Proc. 2025-32: standard deduction 16,100; 10 % to 12,400,
# 12 % to 50,400, 22 % to 105,700, 24 % to 201,775, 32 % to 256,225, 35 % to 640,600):
#   year 1: taxable 258,900 -> 1,240 + 4,560 + 12,166 + 23,058 + 17,424 + 0.35 x 2,675
#           = 59,384.25
#   year 2: taxable 264,450 -> 58,448 + 0.35 x 8,225 = 61,326.75
#   year 3: taxable 300,166.50 -> 58,448 + 0.35 x 43,941.50 = 73,827.525
#   year 4: taxable 306,054.495 -> 58,448 + 0.35 x 49,829.495 = 75,888.32325
# Social Security 6.2 % of wages up to 184,500 = 11,439 every year.
# Medicare 1.45 %: 3,987.50 | 4,067.975 | 4,585.86425 | 4,671.2401775
# Additional Medicare 0.9 % over 200,000: 675 | 724.95 | 1,046.3985 | 1,099.390455
# WA PFML 1.13 % x employee share 71.43 % of wages up to 184,500 = 1,489.208355 every year.
# WA Cares 0.58 %: 1,595 | 1,627.19 | 1,834.3457 | 1,868.496071
# Net (total - all of the above):
#   201,055.041645 | 204,638.676645 | 226,950.820695 | 230,752.6990665
# Basket (persona's Tokyo spending, JPY a month: rent 150,000; food 70,000; transport 10,000;
# utilities 15,000; other 80,000 -> non-rent 175,000):
#   rent relative = HUD FY2026 FMR Seattle 1-BR 2,146 USD / (Tokyo 民営家賃 3,044.85 JPY per m²
#                   x 40 m² = 121,794 JPY) = 0.0176199156 USD per JPY -> 2,642.9873393 USD
#   other relative = PPP US / JP (1 / 111.904164) x regional level Seattle / Tokyo
#                   (112.73 / 104.7) = 0.0096215841 USD per JPY -> 1,683.7772095 USD
#   monthly 4,326.7645488 USD -> yearly 51,921.1745855 USD
# One-time costs (JPY): flights 250,000 + movers 500,000 + temporary housing 1 x 350,000
#   + deposit 1 month of Seattle rent (2,642.9873393 x 156.7639 = 414,325.0029558)
#   + double rent 1 x 150,000 = 1,664,325.0029558
# Disposable (JPY) = (net - basket) x 156.7639, less the one-time costs in year 1:
#   year 1: (201,055.041645 - 51,921.1745855) x 156.7639 - 1,664,325.0029558
#   year 2..4: (net - 51,921.1745855) x 156.7639
FX = 156.7639
NET = [201055.041645, 204638.676645, 226950.820695, 230752.6990665]
BASKET_USD = 12 * (150_000 * 2146 / (3044.85 * 40) + 175_000 / 111.904164 * 112.73 / 104.7)
ONE_TIME = 250_000 + 500_000 + 350_000 + 150_000 * 2146 / (3044.85 * 40) * FX + 150_000
HAND = [(n - BASKET_USD) * FX - (ONE_TIME if k == 0 else 0.0) for k, n in enumerate(NET)]


def test_worked_example_tokyo_to_seattle_to_the_yen(example_rows):
    assert BASKET_USD == pytest.approx(51_921.1745855, abs=1e-6)
    assert ONE_TIME == pytest.approx(1_664_325.0029558, abs=1e-6)
    offers = offers_from_table(example_rows)
    inputs = move_inputs_from_rows(basket_rows())
    results, _ = analyse_moves(offers, inputs, shipped_table(), 4, 2026)
    seattle = next(r for r in results if r.name == "Seattle big tech")
    np.testing.assert_allclose(seattle.net, NET, atol=1e-6)
    assert seattle.one_time_total == pytest.approx(ONE_TIME, abs=1e-6)
    assert np.abs(seattle.disposable_home - HAND).max() < 0.5  # to the yen


# ----------------------------------------------------------------------------- invariants
cities = st.sampled_from(sorted(CITIES))
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
spending = st.fixed_dictionaries(
    {
        "rent": st.floats(min_value=0, max_value=1e6),
        "food": st.floats(min_value=0, max_value=1e6),
        "transport": st.floats(min_value=0, max_value=1e6),
        "other": st.floats(min_value=0, max_value=1e6),
    }
)


@given(amounts, cities)
def test_col_adjust_to_the_same_city_is_identity(x, a):
    city = CITIES[a]
    assert col_adjust(x, city, city) == x


@given(amounts, cities, cities, spending, st.sampled_from(["studio_1br", "two_bedroom"]))
def test_there_and_back_returns_the_amount(x, a, b, spend, size):
    home, dest = CITIES[a], CITIES[b]
    basket = Basket(home, spend, size)
    there = col_adjust(x, home, dest, basket)
    back = col_adjust(there, dest, home, carry_basket(basket, dest))
    assert back == pytest.approx(x, rel=1e-9, abs=1e-6)
    plain = col_adjust(col_adjust(x, home, dest), dest, home)
    assert plain == pytest.approx(x, rel=1e-9, abs=1e-6)


@given(st.floats(min_value=0, max_value=500_000), st.sampled_from(["rent", "food", "other"]))
def test_a_larger_basket_never_raises_the_surplus(extra, category):
    offers = offers_from_table(_rows())
    bigger = move_inputs_from_rows(
        basket_rows(**{category: _example()["relocation"]["basket"][category] + extra})
    )
    small, stay_small = _shipped_moves()
    large, stay_large = analyse_moves(offers, bigger, shipped_table(), 4, 2026)
    for s, b in zip(small, large, strict=True):
        assert np.all(b.disposable_home <= s.disposable_home + 1e-6)
    assert np.all(stay_large <= stay_small + 1e-6)


@given(st.floats(min_value=0, max_value=200_000))
def test_a_bigger_relocation_package_never_delays_break_even(extra):
    rows = _rows()
    offers = offers_from_table(rows)
    bumped = [
        o if o.name != "London start-up" else _with(o, relocation_package=o.relocation_package + extra)
        for o in offers
    ]
    inputs = move_inputs_from_rows(basket_rows())
    before, _ = _shipped_moves()
    after, _ = analyse_moves(bumped, inputs, shipped_table(), 4, 2026)
    for b, a in zip(before, after, strict=True):
        if b.break_even_month is not None:
            assert a.break_even_month is not None and a.break_even_month <= b.break_even_month


@functools.cache
def _shipped_moves():
    """The example's moves with its own basket and offers: what each property example compares
    against, the same for every example, so computed once."""
    offers = offers_from_table(_rows())
    return analyse_moves(offers, move_inputs_from_rows(basket_rows()), shipped_table(), 4, 2026)


def _with(offer, **changes):
    from dataclasses import replace

    return replace(offer, **changes)


_ROWS = None


def _rows():
    global _ROWS
    if _ROWS is None:
        from calculators.offer.model import FIELDS

        offers = _example()["offers"]
        _ROWS = [["field", *(o["name"] for o in offers)]] + [
            [n, *((o.get(n).isoformat() if hasattr(o.get(n), "isoformat") else o.get(n)) for o in offers)]
            for n in FIELDS
        ]
    return _ROWS


# ----------------------------------------------------------------------- UDFs and messages
def test_relocation_compare_table(example_rows):
    table = udfs.relocation_compare(example_rows, "Tokyo", 4, basket_rows())
    assert table[0][:2] == ["offer", "city"] and len(table) == 1 + 5 + 1
    seattle = next(r for r in table if r[0] == "Seattle big tech")
    assert seattle[5] == pytest.approx(float(np.mean(HAND)), abs=0.5)
    assert seattle[6] == pytest.approx(ONE_TIME, abs=1e-6)
    tokyo = next(r for r in table if r[0] == "Tokyo big tech")
    assert tokyo[6] == 0 and tokyo[9] == tokyo[10] == tokyo[11] == tokyo[12]  # no FX risk
    assert seattle[9] < seattle[10] < seattle[11] < seattle[12]
    assert table[-1][0] == "stay (current job)"


def test_fx_breakeven_is_where_seattle_and_tokyo_tie(example_rows):
    """By hand from the worked example: at x yen a dollar Seattle's yearly disposable is
    mean(net - basket) x x less the one-time costs over 4 years, of which the deposit (months
    of Seattle's rent) is in dollars and the rest in yen; Tokyo's does not move (all yen)."""
    rate = udfs.fx_breakeven(example_rows, "Seattle big tech", "Tokyo big tech", basket_rows())
    table = udfs.relocation_compare(example_rows, "Tokyo", 4, basket_rows())
    tokyo = next(r for r in table if r[0] == "Tokyo big tech")
    deposit_usd = 150_000 * 2146 / (3044.85 * 40)
    yen_costs = ONE_TIME - deposit_usd * FX
    hand = (tokyo[5] + yen_costs / 4) / (float(np.mean(NET)) - BASKET_USD - deposit_usd / 4)
    assert rate == pytest.approx(hand, rel=1e-6)
    # and through the sheet's own path: the comparison at that rate ties them
    rates = [["currency", "per USD"], *([c, r] for c, r in shipped_table().rates.items())]  # USD base
    jpy = next(i for i, row in enumerate(rates) if row[0] == "JPY")
    rates[jpy][1] = rate
    moved = udfs.relocation_compare(example_rows, "Tokyo", 4, basket_rows(), rates)
    seattle_then = next(r for r in moved if r[0] == "Seattle big tech")
    tokyo_then = next(r for r in moved if r[0] == "Tokyo big tech")
    assert seattle_then[5] == pytest.approx(tokyo_then[5], rel=1e-7)
    assert "wholly in the home currency" in udfs.fx_breakeven(
        example_rows, "Tokyo big tech", "Seattle big tech", basket_rows()
    )


def test_disposable_bases_rank_the_five_offers(example_rows):
    table = udfs.offer_compare(example_rows, "disposable_annualized", "JPY", 4, None, None, basket_rows())
    assert [r[0] for r in table[1:]] == [1, 2, 3, 4, 5]
    assert "need the relocation inputs" in udfs.offer_compare(example_rows, "disposable_npv", "JPY")


def test_col_adjust_udf():
    assert udfs.col_adjust(1000, "Tokyo", "tokyo") == 1000
    there = udfs.col_adjust(500_000, "Tokyo", "Seattle", basket_rows())
    assert there == pytest.approx(
        500_000 * (150_000 * 2146 / 121_794 + 175_000 / 111.904164 * 112.73 / 104.7) / 325_000
    )


@pytest.mark.parametrize(
    "call,fragment",
    [
        (lambda: udfs.col_adjust(1, "Tokyo", "Atlantis"), "known cities: Tokyo"),
        (lambda: udfs.col_adjust(1, "Tokyo", "Seattle", basket_rows(food=-5)), "food must not be negative"),
        (lambda: udfs.relocation_compare(_rows(), "Tokyo", 4, [["rent", "lots"]]), "rent must be a number"),
        (lambda: udfs.relocation_compare(_rows(), "Tokyo", 4, None), "basket is required"),
        (
            lambda: udfs.relocation_compare(
                _rows(), "Tokyo", 4, basket_rows() + [["price_relative:Seattle", 0]]
            ),
            "price_relative must be a positive number",
        ),
    ],
)
def test_bad_input_gives_one_clear_message(call, fragment):
    result = call()
    assert isinstance(result, str) and result.startswith("#VALUE! ") and fragment in result


def test_a_missing_rate_is_named():
    rates = [["currency", "per USD"], ["USD", 1.0], ["JPY", 150.0]]
    result = udfs.relocation_compare(_rows(), "Tokyo", 4, basket_rows(), rates)
    assert result.startswith("#VALUE! no FX rate for") and "the table has JPY, USD" in result


def test_unknown_city_error_is_a_negotiation_error():
    with pytest.raises(NegotiationError):
        canonical_city("Gotham")
    with pytest.raises(InvalidInputError):
        Basket(CITIES["TOKYO"], {"yachts": 1.0})
    assert Offer  # the offer model is what the moves are built on


def test_every_city_has_the_data_it_needs():
    from calculators.relocation.cost_of_living import data_notes, regional_level, rent

    for city in CITIES.values():
        for other in CITIES.values():
            col_adjust(100.0, city, other)  # PPP for every country
        notes = " ".join(data_notes(CITIES["TOKYO"], city))
        assert "PPP: ppp_household_consumption" in notes
        level, source = regional_level(city)
        assert level > 0 and source
    # where an official rent statistic exists it is in the city's own currency
    for city in CITIES.values():
        for size in ("studio_1br", "two_bedroom"):
            try:
                value, source = rent(city, size)
            except NegotiationError:
                continue
            assert value > 0 and source.startswith("rent_")


def test_cli_ranks_on_disposable_with_break_even_and_fx():
    """``negotiate compare`` through its entry point, in this process (its own process is
    tested with the other commands')."""
    import json

    from tests.conftest import negotiate

    out = negotiate("compare", "--basis", "disposable_annualized", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["offers"]) == 5
    for row in data["offers"]:
        assert "break_even_month" in row and set(row["fx_sensitivity"]) == {"-20%", "-10%", "+10%", "+20%"}
    text = negotiate("compare", "--basis", "disposable_annualized")
    assert text.returncode == 0, text.stderr
    assert "break-even" in text.stdout and "FX +20%" in text.stdout


def test_the_resident_tax_after_leaving_follows_the_homes_own_rules(example_rows):
    """Leaving Japan, last year's 住民税 (income levy and per-capita levy on the current salary)
    is still due; a home whose rules have no resident tax owes nothing after leaving."""
    from calculators.tax import compute

    offers = offers_from_table(example_rows)
    tokyo = move_inputs_from_rows(basket_rows())
    results, _ = analyse_moves(offers, tokyo, shipped_table(), 4, 2026)
    lines = compute(tokyo.cost("current_base_salary"), "JP-TOKYO", 2026).lines
    due = float(lines["resident_tax_income_levy"] + lines["resident_tax_per_capita"])
    assert due > 100_000  # a real amount on the example's salary, not a blank
    seattle = next(r for r in results if r.name == "Seattle big tech")
    assert seattle.ledger_notes["jp_resident_tax_after_leaving"] == pytest.approx(due)
    london_rows = [["home_city", "London"] if r[0] == "home_city" else r for r in basket_rows()]
    london = move_inputs_from_rows(london_rows)
    results, _ = analyse_moves(offers, london, shipped_table(), 4, 2026)
    away = [r for r in results if r.city != "London"]
    assert away and all("jp_resident_tax_after_leaving" not in r.ledger_notes for r in away)
    # at 45 the salary pays 介護保険, a deduction: less resident tax, as the rules compute it
    older, _ = analyse_moves(offers, tokyo, shipped_table(), 4, 2026, {"age": 45})
    lines45 = compute(tokyo.cost("current_base_salary"), "JP-TOKYO", 2026, age=45).lines
    due45 = float(lines45["resident_tax_income_levy"] + lines45["resident_tax_per_capita"])
    seattle45 = next(r for r in older if r.name == "Seattle big tech")
    assert seattle45.ledger_notes["jp_resident_tax_after_leaving"] == pytest.approx(due45) != due
