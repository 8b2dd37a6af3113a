"""The ask you can say (`calculators.negotiation.advice`) and how it is rounded
(`calculators.valuation.disclosure.spoken_amount`): evidence band, leverage, what beating the best
alternative takes, cannot-win and what could still move it, all against hand figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.messages import MESSAGES, PLAIN, say
from calculators import market
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
from calculators.negotiation import Note, Strategy, negotiation_brief, solve_counter, standings
from calculators.negotiation.advice import advise
from calculators.negotiation.ask import market_band_for
from calculators.valuation.compare import metric, to_home
from calculators.valuation.disclosure import spoken_amount

AS_OF = dt.date(2026, 12, 1)


def test_rounding_is_to_three_digits_in_the_way_asked():
    # the examples: one rule for the brief and the recruiter copy alike
    assert spoken_amount(9_876_543, "JPY") == 9_880_000  # 988万円, not 990万円
    assert spoken_amount(22_449_999, "JPY") == 22_400_000 and spoken_amount(22_450_000, "JPY") == 22_500_000
    assert spoken_amount(284_001, "USD", "up") == 285_000 and spoken_amount(285_000, "USD", "up") == 285_000
    assert spoken_amount(417_791, "USD", "down") == 417_000 and spoken_amount(-1_499, "USD") == -1_000
    assert (
        spoken_amount(1_125_190, "ILS") == 1_130_000 and spoken_amount(1_125_190, "ILS", "down") == 1_120_000
    )
    assert spoken_amount(123_456, "XYZ") == 123_000  # a currency without a least step: 3 digits
    assert spoken_amount(80_004, "USD", "up") == 81_000  # never finer than 1,000
    with pytest.raises(InvalidInputError, match="how must be one of nearest, up, down"):
        spoken_amount(1.0, "USD", "sideways")
    with pytest.raises(InvalidInputError, match="amount must be a finite number"):
        spoken_amount(math.inf, "USD")


def _seattle(rows=SEATTLE_L5_MARKET, **offer):
    offers = seattle_offers(offer or None)
    standing, s = standings(offers, USD_SETTINGS)
    b, row = offers[1], standing[1]
    try:
        counter = solve_counter(b, "base_salary", s, row.batna_home, row.batna_name)
    except NoSolutionError:  # none: the advice is told so
        counter = None
    band = market_band_for(b, rows, s, "L5") if rows else None
    return offers, standing, s, b, row, counter, band


def test_the_ask_is_the_band_with_the_premium_lifted_by_a_stronger_offer_and_rounded():
    offers, standing, s, b, row, counter, band = _seattle()
    # band of 200..320k: p75 292,500, p90 310,000; a 5 % premium: 307,125 .. 325,500
    a = advise(b, row, s, counter, None, band, 0.05, 0.0, None)
    assert (a.low, a.high) == pytest.approx((307_125.0, 325_500.0))
    # the low end said to the thousand: the nearest (307,000) is under it, the next is not
    assert (a.ask_tc, a.ask_base) == (308_000.0, 308_000.0)
    # A beats B and may be cited: matching it takes 200,001, under the band; no lift
    lifted = advise(b, row, s, counter, None, band, 0.05, 0.0, ("A", standing[0].value_home))
    assert lifted.leverage_tc == 200_001.0 and lifted.ask_tc == 308_000.0
    # a rival worth 320,000 lifts the ask to what matches it; one worth 400,000 to the top
    assert advise(b, row, s, counter, None, band, 0.05, 0.0, ("X", 320_000.0)).ask_tc == 320_000.0
    top = advise(b, row, s, counter, None, band, 0.05, 0.0, ("X", 400_000.0))
    assert top.ask_tc == 325_000.0 <= top.high  # the top, rounded down, never above it
    # what beating the best alternative takes: the solver's 20,001, said rounded up
    assert (a.to_beat_raise, a.to_beat_tc, a.can_win) == (20_001.0, 201_000.0, True)
    assert a.notes == (Note("walk_away_not_set"),) and a.walk_away is None


def test_the_walk_away_is_yours_and_is_checked_at_the_ask():
    _, _, s, b, row, counter, band = _seattle()
    a = advise(b, row, s, counter, 350_000.0, band, 0.0, 0.0)
    assert a.walk_away == 350_000.0 and a.best_alternative == "A" and a.best_value == 200_000.0
    assert a.value_at_ask == a.ask_tc  # gross annualised, USD: the ask's own TC
    assert Note("below_walk_away", {"value": a.ask_tc, "walk_away": 350_000.0, "home": "USD"}) in a.notes


def test_an_offer_above_the_band_holds_and_may_still_win_with_a_sign_on():
    rows = (("location", "level", "total"), *(("Seattle", "L5", v) for v in (100e3, 120e3, 140e3, 150e3)))
    _, _, s, b, row, counter, band = _seattle(rows)
    a = advise(b, row, s, counter, None, band, 0.0, 0.0)
    # B (180k) is above the band's top (147k): the market backs no raise; beating A's 200k
    # takes 200,001 > 180k: it cannot win on base, a sign-on of 80,004 (4 years) would
    assert (a.ask_tc, a.ask_base) == (180_000.0, 180_000.0)
    codes = [n.code for n in a.notes]
    assert codes[:3] == ["ask_above_market", "cannot_win", "move_sign_on"] and not a.can_win
    (sign_on,) = [m for m in a.moves if m.kind == "sign_on"]
    assert sign_on.amount == spoken_amount(80_004, "USD", "up") == 81_000
    won = to_home(metric([dataclasses.replace(b, sign_on=sign_on.amount)], s), s)[0]
    assert won > row.batna_home  # the move, applied, wins
    assert "leverage_only" not in codes


def test_the_next_level_may_move_an_offer_that_cannot_win():
    rows = [("location", "level", "total")]
    rows += [("Seattle", "L5", v) for v in (150e3, 160e3, 170e3, 175e3)]
    rows += [("Seattle", "L6", v) for v in (190e3, 210e3, 230e3, 240e3)]
    data = market.market_from_rows(rows)
    level, stat = market.next_level(data, market.Filters(location="Seattle", level="L5"))
    assert level == "L6" and stat.values["p90"] == pytest.approx(237_000.0)
    offers = seattle_offers()
    standing, s = standings(offers, USD_SETTINGS)
    b, row = offers[1], standing[1]
    b = dataclasses.replace(b, base_salary=150_000.0)
    row = dataclasses.replace(row, value_home=150_000.0)
    counter = solve_counter(b, "base_salary", s, row.batna_home, row.batna_name)
    band = market.band(data, market.Filters(location="Seattle", level="L5"))
    a = advise(b, row, s, counter, None, band, 0.0, 0.0, None, (level, stat))
    assert not a.can_win and a.to_beat_tc == 201_000.0
    (move,) = [m for m in a.moves if m.kind == "level"]
    assert (move.level, move.low, move.high) == ("L6", pytest.approx(232_500.0), pytest.approx(237_000.0))


def test_no_band_rests_on_the_offer_up_to_a_credible_raise():
    _, standing, s, b, row, counter, _ = _seattle(rows=None)
    a = advise(b, row, s, counter, None, None, 0.1, 0.0, ("A", standing[0].value_home))
    # 180k x 1.1 = 198k; matching A takes 200,001; at most 25 % above: 225k
    assert a.evidence == "offer" and (a.low, a.high) == pytest.approx((198_000.0, 225_000.0))
    assert a.ask_tc == 200_000.0 and a.can_win  # to beat (201k) within the premium
    bare = advise(b, row, s, counter, None, None, 0.0, 0.0)
    assert bare.ask_tc == 180_000.0 and Note("ask_no_evidence") in bare.notes


def test_the_brief_cites_only_stronger_offers_in_the_negotiating_currency():
    from calculators.fx import FxTable
    from calculators.offer.model import Offer
    from calculators.valuation.compare import Settings

    fields = {"jurisdiction": "US-WA", "currency": "USD"}
    offers = [
        Offer.from_fields({"company": "Big", **fields, "base_salary": 300e3}),
        Offer.from_fields({"company": "Mid", **fields, "base_salary": 250e3}),
        Offer.from_fields({"company": "Euro", "jurisdiction": "DE", "currency": "EUR", "base_salary": 232e3}),
    ]
    settings = Settings(home_currency="USD", fx=FxTable("USD", {"USD": 1.0, "EUR": 0.8}))
    strategy = Strategy(AS_OF, leverage={"Big": "name", "Mid": "figures", "Euro": "figures"})
    brief = negotiation_brief(offers, settings, strategy, SEATTLE_L5_MARKET)
    by = {c.name: c for c in brief.companies}
    assert [x.label for x in by["Big"].leverage] == []  # nothing beats the best
    # Euro (232k EUR = 290k USD) is cited against Mid in dollars, never in euros; Big first
    mid = [(x.label, x.currency, x.amount, x.amount_currency) for x in by["Mid"].leverage]
    assert mid == [("Big", "USD", 300_000.0, "USD"), (None, "USD", 290_000.0, "USD")]
    assert [x.name for x in by["Mid"].leverage] == ["Big", ""]
    # against Euro only Big is stronger (Mid is weaker): its TC in euros beside its own
    euro = [(x.label, x.currency, x.market_tc, x.amount) for x in by["Euro"].leverage]
    assert euro == [("Big", "USD", 300_000.0, 240_000.0)]


IDENTIFIERS = {
    "component": "sign_on",
    "basis": "net_annualized",
    "column": "stock_per_year",
    "filters": "location, min_years",
}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_code_said_plainly_shows_an_identifier(lang):
    import re
    import string

    for code, template in MESSAGES[lang].items():
        names = {n for _, n, _, _ in string.Formatter().parse(PLAIN[lang].get(code, template)) if n}
        params = {n: IDENTIFIERS.get(n, 7) for n in names}
        if code == "text":
            params = {"text": "base_salary must be a number"}
        said = say(Note(code, params), lang, plain=True)
        hits = re.findall(r"[a-z]+_[a-z_]+", said)
        if code == "text" and lang == "en":
            continue  # a line without a code is the error's own: the English brief says it as is
        assert hits == [], (code, said)


@given(
    base=st.floats(60e3, 600e3),
    centre=st.floats(80e3, 500e3),
    premium=st.floats(0.0, 0.5),
    rival=st.one_of(st.none(), st.floats(50e3, 900e3)),
)
@settings(max_examples=60)
def test_any_ask_is_said_round_within_its_evidence_and_never_below_the_offer(base, centre, premium, rival):
    offers = seattle_offers()
    offers[1] = dataclasses.replace(offers[1], base_salary=base)
    standing, s = standings(offers, USD_SETTINGS)
    row = standing[1]
    try:
        counter = solve_counter(offers[1], "base_salary", s, row.batna_home, row.batna_name)
    except NoSolutionError:
        counter = None
    rows = (
        ("location", "level", "total"),
        *(("Seattle", "L5", centre * f) for f in (0.8, 0.9, 1.0, 1.1, 1.2)),
    )
    band = market_band_for(offers[1], rows, s, "L5")
    a = advise(offers[1], row, s, counter, None, band, premium, 0.0, None if rival is None else ("X", rival))
    held = Note("ask_above_market") in a.notes
    assert a.ask_tc >= a.offer_tc * (1 - 1e-12)
    assert held == (a.offer_tc >= a.high * (1 - 1e-9))
    if not held:
        assert a.ask_tc <= a.high * (1 + 1e-12)  # never above p90 with the premium
        for amount in (a.ask_tc, a.ask_base):
            assert spoken_amount(amount, "USD") == amount
    beat = None if counter is None else counter.new_value  # no bonus, no stock: TC is the base
    assert a.can_win == (beat is not None and beat <= a.ask_tc * (1 + premium) * (1 + 1e-9))
    assert a.can_win != any(n.code.startswith("cannot_win") for n in a.notes)


def test_an_offer_without_rsus_is_asked_for_a_first_grant_not_a_larger_one():
    """The London start-up holds options only: more equity is a first RSU grant."""
    import json

    from tests.conftest import negotiate

    offers = {o["name"]: o for o in json.loads(negotiate("brief", "--json").stdout)["offers"]}
    codes = [w["code"] for w in offers["London start-up"]["warnings"]]
    assert "move_equity_new" in codes and "move_equity" not in codes
    (line,) = (w["text"] for w in offers["London start-up"]["warnings"] if w["code"] == "move_equity_new")
    assert "the offer has none" in line and "larger" not in line
