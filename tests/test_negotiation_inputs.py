"""Every public function of calculators.negotiation refuses bad input with one line of the
error family naming the field, never a raw TypeError and never an offer's figures; the brief
computes each market band once and solves its counters with solve_many, with the numbers
ask_for and solve_counter give."""

import dataclasses
import datetime as dt
import math
import re

import numpy as np
import pytest

from calculators import market
from calculators.errors import NegotiationError
from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
from calculators.negotiation import (
    COUNTER_COMPONENTS,
    Strategy,
    ask,
    ask_for,
    check_margin,
    counter_offer,
    current_job,
    has_market_rows,
    living_offset,
    market_band_for,
    market_city,
    negotiation_brief,
    prepare,
    solve_counter,
    solve_many,
    standings,
    target_gap,
    timeline,
)
from calculators.negotiation import brief as brief_module
from calculators.offer.model import Offer

OFFERS = seattle_offers()  # A: base 200,000; B: base 180,000
STRANGER = Offer.from_fields(
    {"company": "Zed", "jurisdiction": "US-WA", "currency": "USD", "base_salary": 123_456}
)
ROWS, S = standings(OFFERS, USD_SETTINGS)
BAND = market_band_for(OFFERS[1], SEATTLE_L5_MARKET, USD_SETTINGS, "L5")
AS_OF = dt.date(2026, 12, 1)
FIGURES = re.compile(r"Offer\(|200,?000|180,?000|123,?456")  # an offer's repr or its salary


def _refused(call):
    with pytest.raises(NegotiationError) as refused:
        call()
    message = str(refused.value)
    assert "\n" not in message and not FIGURES.search(message), message
    return message


# --- the three faults the review named -------------------------------------------------


def test_a_band_without_p75_and_p90_is_one_line_naming_market_stat():
    short = market.MarketStat({"p25": 1.0, "p50": 2.0}, 6, "m", "USD")
    message = _refused(lambda: ask(OFFERS[1], ROWS[1], S, 0.0, short, 0.1))
    assert message == "market_stat must be a market band with p75 and p90 (market_band_for)"
    nan = market.MarketStat({"p75": math.nan, "p90": 3.0}, 6, "m", "USD")
    assert _refused(lambda: ask(OFFERS[1], ROWS[1], S, 0.0, nan)) == message


def test_an_offer_not_among_the_offers_is_named_by_its_company_only():
    message = _refused(lambda: ask_for(OFFERS, STRANGER, USD_SETTINGS, None))
    assert message == "the offer to ask about (Zed) must be one of the offers compared"
    message = _refused(lambda: counter_offer(OFFERS, STRANGER, "base_salary", USD_SETTINGS))
    assert message == "the offer to counter (Zed) must be one of the offers compared"
    same = dataclasses.replace(OFFERS[1])  # an equal copy is the same offer
    assert ask_for(OFFERS, same, USD_SETTINGS, None).offer == "B"


@pytest.mark.parametrize("walk", ["abc", "", "9000000", math.nan, math.inf, -1.0, True, [1.0]])
def test_a_walk_away_that_is_not_a_finite_amount_is_one_line_naming_walk_away(walk):
    for call in (
        lambda: ask_for(OFFERS, OFFERS[1], USD_SETTINGS, None, walk),
        lambda: ask(OFFERS[1], ROWS[1], S, walk, None),
        lambda: negotiation_brief(OFFERS, USD_SETTINGS, Strategy(AS_OF, walk_away=walk), SEATTLE_L5_MARKET),
    ):
        assert _refused(call).startswith("walk_away must be a ")


def test_a_walk_away_of_none_is_the_batna():
    assert ask(OFFERS[1], ROWS[1], S, None, None).floor_home == ROWS[1].batna_home


# --- a table of bad inputs through every public function -------------------------------

BAD = [
    None,
    "abc",
    "",
    math.nan,
    math.inf,
    -math.inf,
    -1.0,
    1e308,
    True,
    [],
    object(),
    np.nan,
    STRANGER,
    {},
    (1,),
]

CALLS = {
    "ask": (ask, [OFFERS[1], ROWS[1], S, 0.0, BAND, 0.1, 0.0]),
    "ask_for": (
        ask_for,
        [OFFERS, OFFERS[1], USD_SETTINGS, SEATTLE_L5_MARKET, None, 0.0, 0.0, "L5", None, AS_OF, None],
    ),
    "market_city": (market_city, [OFFERS[1], None]),
    "market_band_for": (market_band_for, [OFFERS[1], SEATTLE_L5_MARKET, USD_SETTINGS, "L5", None, None]),
    "has_market_rows": (has_market_rows, [SEATTLE_L5_MARKET]),
    "standings": (standings, [OFFERS, USD_SETTINGS]),
    "prepare": (prepare, [OFFERS, USD_SETTINGS]),
    "current_job": (current_job, [None]),
    "counter_offer": (counter_offer, [OFFERS, OFFERS[1], "base_salary", USD_SETTINGS, 0.0, None]),
    "target_gap": (target_gap, [OFFERS, 250e3, USD_SETTINGS]),
    "check_margin": (check_margin, [0.0]),
    "living_offset": (living_offset, [OFFERS[1], S]),
    "solve_counter": (solve_counter, [OFFERS[1], "base_salary", S, 200e3, "A", 0.0, None, None, None]),
    "solve_many": (
        solve_many,
        [OFFERS, ["base_salary"], S, [(r.batna_home, r.batna_name) for r in ROWS], 0.0],
    ),
    "timeline": (timeline, [OFFERS, AS_OF, [("C", dt.date(2026, 12, 15))]]),
    "negotiation_brief": (
        negotiation_brief,
        [OFFERS, USD_SETTINGS, Strategy(AS_OF, market_level="L5"), SEATTLE_L5_MARKET],
    ),
}
CASES = [(name, i) for name, (_, args) in CALLS.items() for i in range(len(args))]


@pytest.mark.parametrize(("name", "position"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_a_bad_argument_is_a_result_or_one_line_never_a_raw_error(name, position):
    func, args = CALLS[name]
    for bad in BAD:
        given = list(args)
        given[position] = bad
        try:
            func(*given)
        except NegotiationError as exc:
            assert not FIGURES.search(str(exc)), (bad, str(exc))


STRATEGY_FIELDS = [
    "target",
    "walk_away",
    "margin",
    "scarcity_premium",
    "market_level",
    "leverage",
    "impact",
    "expected",
    "as_of",
]


@pytest.mark.parametrize("field", STRATEGY_FIELDS)
def test_a_bad_strategy_field_is_a_brief_or_one_line(field):
    for bad in BAD:
        strategy = dataclasses.replace(Strategy(AS_OF, market_level="L5"), **{field: bad})
        try:
            negotiation_brief(OFFERS, USD_SETTINGS, strategy, SEATTLE_L5_MARKET)
        except NegotiationError as exc:
            assert not FIGURES.search(str(exc)), (bad, str(exc))


@pytest.mark.parametrize("bad", [math.nan, "abc", -5.0, True])
def test_a_bad_strategy_number_is_refused_once_naming_it(bad):
    message = _refused(
        lambda: negotiation_brief(OFFERS, USD_SETTINGS, Strategy(AS_OF, target=bad), SEATTLE_L5_MARKET)
    )
    assert message.startswith("Strategy target must be")


# --- the brief: each band once, the counters by solve_many, the same numbers -------------


def test_the_brief_computes_each_band_once_and_solves_with_solve_many(monkeypatch):
    offers = [*OFFERS, dataclasses.replace(OFFERS[0], name="C")]
    calls = {"band": 0, "rows": 0, "many": 0}

    def counted(name, real):
        def run(*a, **k):
            calls[name] += 1
            return real(*a, **k)

        return run

    monkeypatch.setattr(market, "band", counted("band", market.band))
    monkeypatch.setattr(market, "market_from_rows", counted("rows", market.market_from_rows))
    monkeypatch.setattr(brief_module, "solve_many", counted("many", brief_module.solve_many))
    negotiation_brief(offers, USD_SETTINGS, Strategy(AS_OF, market_level="L5"), SEATTLE_L5_MARKET)
    assert calls["band"] == len(offers)  # once per offer (was twice: the position and the ask)
    assert calls["rows"] == 1  # the rows read once per currency (all USD here)
    assert calls["many"] == 1


def test_the_briefs_counters_and_ask_are_those_of_solve_counter_and_ask_for():
    strategy = Strategy(AS_OF, walk_away=230e3, margin=1000.0, scarcity_premium=0.1, market_level="L5")
    got = negotiation_brief(OFFERS, USD_SETTINGS, strategy, SEATTLE_L5_MARKET)
    for offer, row, c in zip(OFFERS, ROWS, got.companies, strict=True):
        for component in COUNTER_COMPONENTS:
            try:
                want = solve_counter(offer, component, S, row.batna_home, row.batna_name, 1000.0).increase
            except NegotiationError:
                want = None
            assert c.counters[component] == want
        asked = ask_for(OFFERS, offer, USD_SETTINGS, SEATTLE_L5_MARKET, 230e3, 0.1, 1000.0, "L5", None, AS_OF)
        assert c.ask == asked.measures(offer)
    assert got.companies[1].band == BAND.values


def test_without_market_rows_the_brief_still_asks_and_notes_why_there_is_no_band():
    got = negotiation_brief(OFFERS, USD_SETTINGS, Strategy(AS_OF), [["location", "total"]])
    for c in got.companies:
        assert c.ask_error is None and c.ask["n"] == 0 and c.band == {}
        assert c.market_notes and c.market_notes[0].code == "market_no_data_rows"
