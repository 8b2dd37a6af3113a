"""The brief as data (`calculators.negotiation.negotiation_brief`) and its rendering from
message codes: plain frozen records with codes, never sentences; the floor, the market city
and the band checked against figures computed here; every code said in English and
Japanese, and a Japanese brief free of the English catalogue's sentences."""

import dataclasses
import datetime as dt
import re
import string
import types
from pathlib import Path

import pytest

from addin.messages import MESSAGES, say
from addin.render.brief import render
from addin.render.brief_messages import LABELS
from calculators import market
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.fx import shipped_table
from calculators.negotiation import (
    Brief,
    Note,
    Strategy,
    ask_for,
    negotiation_brief,
    solve_counter,
    standings,
)
from calculators.notes import TEXT, note_of
from calculators.offer.table import offers_from_table
from calculators.valuation.compare import Settings, metric, to_home

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 12, 1)
FRESH, OLD = "2026-06-01", "2020-01-01"
# The city each example offer is compared with (its jurisdiction's market city), the local
# currency and a base level of the rows there; the rows of each city are set apart so that
# comparing an offer with another city's rows gives another band.
CITY = {
    "Tokyo big tech": ("Tokyo", "JPY", 15_000_000, OLD, 12),
    "Seattle big tech": ("Seattle", "USD", 230_000, FRESH, 12),
    "Silicon Valley": ("San Francisco Bay Area", "USD", 300_000, FRESH, 12),
    "London start-up": ("London", "GBP", 140_000, FRESH, 5),  # a small sample
    "Tel Aviv scale-up": ("Tel Aviv", "ILS", 800_000, FRESH, 1),  # too few for a band
}
HEADER = ["location", "level", "base", "stock_per_year", "bonus", "currency", "date"]


def _rows():
    rows = [HEADER]
    for city, ccy, base, day, n in CITY.values():
        for i in range(n):
            rows.append([city, "L5", base * (1 + 0.03 * i), base * 0.2, base * 0.1 * (i % 3), ccy, day])
            rows.append([city, "L4", base * 0.5, 0, 0, ccy, day])  # another level: never compared
    return rows


MARKET = _rows()


def _comparable(name):
    city, _, _, _, _ = CITY[name]
    return [r[2] + r[3] + r[4] for r in MARKET[1:] if r[0] == city and r[1] == "L5"]


def _percentile_inc(values, p):
    x = sorted(values)
    pos = (len(x) - 1) * p / 100
    i = int(pos)
    return x[i] if i + 1 == len(x) else x[i] + (pos - i) * (x[i + 1] - x[i])


@pytest.fixture(scope="module")
def offers(example_rows):
    return offers_from_table(example_rows)


@pytest.fixture(scope="module")
def settings():
    return Settings(basis="annualized", home_currency="JPY")


def _strategy(**changes):
    base = Strategy(
        as_of=AS_OF,
        target=17e6,
        margin=100_000.0,
        scarcity_premium=0.1,
        market_level="L5",
        leverage={"Seattle big tech": "name", "Tel Aviv scale-up": "figures", "London start-up": "none"},
        expected=(("Berlin", dt.date(2026, 12, 18)),),
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="module")
def brief(offers, settings):
    return negotiation_brief(offers, settings, _strategy(), MARKET)


def _values(offers, settings):
    """Each offer's value on the basis in the home currency, by the comparison itself."""
    return dict(zip((o.name for o in offers), to_home(metric(offers, settings), settings), strict=True))


def _notes(value):
    if isinstance(value, Note):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _notes(getattr(value, f.name))
    elif isinstance(value, dict):
        for v in value.values():
            yield from _notes(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _notes(v)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sentences(template):
    """The literal pieces of a template that read as English words (two or more)."""
    for text, _, _, _ in string.Formatter().parse(template):
        piece = text.strip(" .,:;()")
        if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2:
            yield piece


def test_the_brief_is_plain_frozen_data_with_codes_not_sentences(brief):
    assert isinstance(brief, Brief)
    with pytest.raises(dataclasses.FrozenInstanceError):
        brief.basis = "npv"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        brief.companies[0].value_home = 0.0  # type: ignore[misc]
    notes = list(_notes(brief))
    assert notes and all(n.code in MESSAGES["en"] and n.code != TEXT for n in notes)
    english = {p for t in MESSAGES["en"].values() for p in _sentences(t)}
    found = [s for s in _strings(dataclasses.asdict(brief)) if any(p in s for p in english)]
    assert found == []


def test_floor_is_the_batna_or_the_walk_away_whichever_is_higher(offers, settings):
    values = _values(offers, settings)
    batna = {n: max(v for m, v in values.items() if m != n) for n in values}
    for walk, want in (
        (None, batna),
        (min(batna.values()) * 0.5, batna),
        (max(batna.values()) * 1.05, dict.fromkeys(batna, max(batna.values()) * 1.05)),
    ):
        got = negotiation_brief(offers, settings, _strategy(walk_away=walk), MARKET)
        for c in got.companies:
            assert c.batna_home == pytest.approx(batna[c.name], rel=1e-12)
            if c.ask_error is not None:
                continue
            assert c.ask["floor"] == pytest.approx(want[c.name], rel=1e-12)
            raise_ = c.ask["counter_base_raise"]
            if raise_ is None:
                assert c.ask_note is not None and c.ask_note.code.startswith("counter_")
                continue
            offer = next(o for o in offers if o.name == c.name)
            floor = want[c.name] + 100_000.0
            if raise_ == 0:
                assert values[c.name] > floor
                continue
            up = [dataclasses.replace(offer, base_salary=offer.base_salary + x) for x in (raise_, raise_ - 1)]
            won, lost = to_home(metric(up, settings), settings)
            assert won > floor >= lost  # the smallest whole raise over the floor and margin


def test_each_offer_is_compared_with_its_own_city_at_the_level(brief, offers, settings):
    by_name = {c.name: c for c in brief.companies}
    for name in ("Tokyo big tech", "Seattle big tech", "Silicon Valley", "London start-up"):
        c = by_name[name]
        rows = _comparable(name)
        assert c.city == CITY[name][0] and c.market_n == len(rows)
        band = {f"p{p}": _percentile_inc(rows, p) for p in (25, 50, 75, 90)}
        assert c.band == pytest.approx(band, rel=1e-12)
        assert c.ask["p75"] == pytest.approx(band["p75"], rel=1e-12) and c.ask["n"] == len(rows)
    # the two US offers are in one currency; their bands differ, so a wrong city shows
    assert by_name["Seattle big tech"].band != by_name["Silicon Valley"].band
    seattle = next(o for o in offers if o.name == "Seattle big tech")
    there = ask_for(offers, seattle, settings, MARKET, None, 0.1, 0.0, "L5", "San Francisco Bay Area", AS_OF)
    assert there.market is not None
    assert there.market.values["p75"] == pytest.approx(_percentile_inc(_comparable("Silicon Valley"), 75))


def test_warnings_and_refusals_are_codes_with_their_numbers(brief):
    by_name = {c.name: c for c in brief.companies}
    tokyo, london, tel_aviv = (
        by_name["Tokyo big tech"],
        by_name["London start-up"],
        by_name["Tel Aviv scale-up"],
    )
    months = round((AS_OF - dt.date.fromisoformat(OLD)).days / 30.4375)
    assert tokyo.market_notes == (
        Note("market_stale", {"median": OLD, "months": months, "as_of": "2026-12-01"}),
    )
    assert london.market_notes == (Note("market_small_sample", {"n": 5, "least": 10}),)  # README: 10
    assert tel_aviv.percentile is None and tel_aviv.market_notes == (Note("market_one_row"),)
    assert tel_aviv.ask_error == Note("market_one_row") and tel_aviv.ask == {}
    assert by_name["Silicon Valley"].market_notes == ()
    # who may be cited: Seattle by name, Tel Aviv by figures only, London not at all; each
    # beats Tokyo on the basis, the strongest first
    assert sorted(x.label or "" for x in tokyo.leverage) == ["", "Seattle big tech"]
    values = [x.value_home for x in tokyo.leverage]
    assert values == sorted(values, reverse=True) and min(values) > tokyo.value_home
    # deadlines: Seattle, Tokyo, Silicon Valley expire before Berlin is expected (12-18)
    flags = {e.name: e.flag for e in brief.timeline}
    assert flags["Seattle big tech"] == Note("deadline_before_expected")
    assert flags["London start-up"] == Note("deadline_before_others", {"count": 1})
    assert flags["Tel Aviv scale-up"] is None


def test_an_unreachable_counter_carries_its_reason_as_a_code(offers, settings):
    rows, s = standings(offers, settings)
    london = offers[3]
    late = dataclasses.replace(london, rsu_cliff_months=18)  # nothing vests in year 1
    first = dataclasses.replace(s, basis="first_year")
    with pytest.raises(NoSolutionError) as no_effect:
        solve_counter(late, "rsu_grant", first, rows[3].batna_home * 10, "x")
    assert no_effect.value.code == "counter_no_effect"
    assert no_effect.value.params == {"component": "rsu_grant", "basis": "first_year"}
    with pytest.raises(NoSolutionError) as capped:
        solve_counter(london, "sign_on", s, rows[3].batna_home, "x", limit=0.0)
    assert capped.value.code == "counter_at_limit"
    with pytest.raises(NoSolutionError) as beyond:
        solve_counter(london, "sign_on", s, rows[3].batna_home * 1e3, "x")
    assert beyond.value.code == "counter_beyond_ceiling"
    for exc in (no_effect.value, capped.value, beyond.value):  # the English words are the line
        assert say(Note(exc.code, exc.params), "en") == str(exc)


def test_market_warnings_and_refusals_are_codes():
    """calculators.market gives its warnings and refusals as codes with their numbers, each
    code it can give appears here, and the English templates say its refusals as the error
    lines (what a cell shows)."""
    undated = market.market_from_rows([["total"], [10], [20], [30]])
    mismatch = market.market_from_rows([["base", "total"], [10, 11], [20, 20]])
    usd = market.market_from_rows(MARKET, "USD", shipped_table())
    seattle = market.Filters(location="Seattle", level="L5")
    sample = market.market_from_rows(
        [["total", "source"], [10, "synthetic, illustrative"], [20, "Levels.fyi"]]
    )
    notes = [
        *market.band(undated, as_of=AS_OF).warnings,
        *market.band(usd, seattle, as_of=dt.date(2031, 1, 1)).warnings,
        *mismatch.notes,
        market.band(sample).warnings[0],
    ]
    months = round((dt.date(2031, 1, 1) - dt.date.fromisoformat(FRESH)).days / 30.4375)
    assert notes == [
        Note("market_small_sample", {"n": 3, "least": 10}),
        Note("market_undated"),
        Note("market_stale", {"median": FRESH, "months": months, "as_of": "2031-01-01"}),
        Note("market_total_mismatch", {"rows": 1}),
        Note("market_synthetic", {"rows": 1, "n": 2}),
    ]
    refusals = []
    for bad in (market.Filters(location="Nowhere"), market.Filters(location="Tel Aviv", level="L5")):
        with pytest.raises(InvalidInputError) as refused:
            market.band(usd, bad)
        refusals.append(refused.value)
    assert [note_of(e) for e in refusals] == [
        Note("market_no_rows", {"filters": "location"}),
        Note("market_one_row"),
    ]
    for exc in refusals:  # the English words are the line
        assert say(note_of(exc), "en") == str(exc)
    source = (ROOT / "calculators" / "market.py").read_text(encoding="utf-8")
    assert set(re.findall(r'Note\(\s*"(market_\w+)"', source)) == {n.code for n in notes}  # every warning


MARKET_REFUSALS = [
    ("market_unknown_column", lambda: market.MarketData.from_columns([1.0], colour=["x"]), {}),
    ("market_not_a_date", lambda: market.market_from_rows([["total", "date"], [1, "soon"]]), {}),
    ("market_not_a_number", lambda: market.market_from_rows([["total"], ["lots"]]), {"column": "total"}),
    ("market_not_finite", lambda: market.market_from_rows([["base"], [float("inf")]]), {"column": "base"}),
    (
        "market_too_large",
        lambda: market.market_from_rows([["base"], [1e13]]),
        {"column": "base", "most": 1e12},
    ),
    ("market_negative", lambda: market.market_from_rows([["bonus", "base"], [-1, 2]]), {"column": "bonus"}),
    ("market_empty", lambda: market.market_from_rows([]), {}),
    ("market_column_twice", lambda: market.market_from_rows([["base", "base_salary"], [1, 2]]), {}),
    ("market_no_pay_column", lambda: market.market_from_rows([["location"], ["Tokyo"]]), {}),
    ("market_no_data_rows", lambda: market.market_from_rows([["total"]]), {}),
    ("market_ragged", lambda: market.market_from_rows([["total", "location"], [1]]), {}),
    ("market_row_without_pay", lambda: market.market_from_rows([["total", "level"], [None, "L5"]]), {}),
    (
        "market_mixed_currencies",
        lambda: market.market_from_rows([["total", "currency"], [1, "USD"], [2, "JPY"]]),
        {},
    ),
    (
        "market_needs_fx",
        lambda: market.market_from_rows([["total", "currency"], [1, "USD"], [2, "JPY"]], "USD"),
        {},
    ),
    (
        "market_value_not_finite",
        lambda: market.percentile_of(float("nan"), market.market_from_rows([["total"], [1], [2]])),
        {},
    ),
    (
        "market_percentiles_range",
        lambda: market.band(market.market_from_rows([["total"], [1], [2]]), None, [101]),
        {},
    ),
]


@pytest.mark.parametrize(("code", "call", "params"), MARKET_REFUSALS, ids=[r[0] for r in MARKET_REFUSALS])
def test_each_market_refusal_is_a_code_said_as_its_line(code, call, params):
    with pytest.raises(InvalidInputError) as refused:
        call()
    assert note_of(refused.value) == Note(code, params)
    assert say(note_of(refused.value), "en") == str(refused.value)  # the cell shows the same words
    assert say(note_of(refused.value), "ja") != str(refused.value)


def test_every_market_refusal_code_is_tested():
    source = (ROOT / "calculators" / "market.py").read_text(encoding="utf-8")
    given = set(re.findall(r'code="(market_\w+)"', source))
    tested = {code for code, _, _ in MARKET_REFUSALS} | {"market_no_rows", "market_one_row"}
    assert given == tested


def _codes_in_source():
    codes = set()
    for path in (ROOT / "calculators").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="(\w+)"', text))
        codes |= set(re.findall(r'Note\(\s*"(\w+)"', text))
    return codes | {TEXT}


def test_every_code_has_an_english_and_a_japanese_template():
    assert set(MESSAGES["en"]) == set(MESSAGES["ja"])
    assert _codes_in_source() <= set(MESSAGES["en"])
    assert set(LABELS["en"]) == set(LABELS["ja"])
    for code, template in MESSAGES["en"].items():
        names = _fields(template)
        assert _fields(MESSAGES["ja"][code]) <= names, code
        params = dict.fromkeys(names, 7)
        for lang in ("en", "ja"):
            said = say(Note(code, params), lang)
            assert said and "{" not in said


def test_a_japanese_brief_has_no_english_sentence_of_the_catalogue(brief, offers, settings):
    unreachable = negotiation_brief(offers, settings, _strategy(walk_away=1e12), MARKET)
    english = {p for t in (*MESSAGES["en"].values(), *LABELS["en"].values()) for p in _sentences(t)}
    for b in (brief, unreachable):
        ja, en = render(b, "ja"), render(b, "en")
        assert [p for p in english if p in ja] == []
        shown = [  # the notes the page says (ask_note / ask_error belong to the workbook's
            n  # NEGOTIATION_ASK measures, whose floor the page does not use)
            for n in _notes(b)
            if not any(n is getattr(c, f) for c in b.companies for f in ("ask_note", "ask_error"))
        ]
        for note in shown:  # each note of the brief is on both pages in its own plain words
            assert say(note, "ja", plain=True) in ja, note
            assert say(note, "en", plain=True)[1:] in en, note  # (a line of its own is capitalised)
    assert any(n.code == "counter_beyond_ceiling" for n in _notes(unreachable))


def test_the_server_keeps_a_result_read_with_todays_date_for_that_day_only(example_rows, monkeypatch):
    """OFFER_TIMELINE with a blank as_of counts the days from today: served again from the
    cache the next day, it would be a day out."""
    import addin.server_project.custom_functions as cf
    from addin import udfs
    from addin.udfs import negotiation as module

    day = [dt.date(2026, 12, 1)]

    class Today(dt.date):
        @classmethod
        def today(cls):
            return day[0]

    clock = types.SimpleNamespace(date=Today, datetime=dt.datetime)
    monkeypatch.setattr(module, "dt", clock)
    monkeypatch.setattr(cf, "dt", clock)
    calls = []

    def offer_timeline(*args):
        calls.append(args)
        return udfs.offer_timeline(*args)

    memo = cf._memoised(offer_timeline, cf.ResultCache())
    first = memo(example_rows, None)
    assert memo(example_rows, None) == first and len(calls) == 1  # the same day: kept
    day[0] = dt.date(2026, 12, 2)
    second = memo(example_rows, None)
    assert len(calls) == 2
    assert [r[3] for r in second[1:]] == [r[3] - 1 for r in first[1:]]  # a day fewer left


def test_every_function_reading_today_is_marked_for_the_cache():
    """A UDF that reads today's date (through _as_of, or the clock itself) is in READS_TODAY,
    so the server's cache keys it by the day; the others are pure."""
    import inspect

    from addin import udfs
    from addin.udfs.negotiation import READS_TODAY

    reading = set()
    for name in udfs.__all__:
        source = inspect.getsource(inspect.unwrap(getattr(udfs, name)))
        if "_as_of(" in source or "today()" in source or "now()" in source:
            reading.add(name)
    assert reading == set(READS_TODAY)


def test_small_samples_and_old_data_are_warned_of_in_the_brief_and_its_json(brief):
    from addin.render.brief import brief_data

    en, ja = render(brief, "en"), render(brief, "ja")
    for lang, page in (("en", en), ("ja", ja)):
        data = brief_data(brief, lang)
        warned = {o["name"]: {w["code"]: w["text"] for w in o["warnings"]} for o in data["offers"]}
        assert "market_stale" in warned["Tokyo big tech"]  # rows from 2020
        assert "market_small_sample" in warned["London start-up"]  # 5 rows
        assert "market_one_row" in warned["Tel Aviv scale-up"]  # no band: the ask rests on the offer
        for codes in warned.values():
            for text in codes.values():  # (a line of its own starts with a capital)
                assert text[1:] in page, text
    tel_aviv = next(o for o in brief_data(brief)["offers"] if o["name"] == "Tel Aviv scale-up")
    assert tel_aviv["evidence"] == "offer" and tel_aviv["market_p90"] is None
    assert "Backed by: no usable market band" in en
