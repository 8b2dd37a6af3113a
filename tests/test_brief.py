"""`negotiate brief`: both languages, every number equal to what the UDFs give, and the
market, ask, standing and impact figures equal to a hand computation from the example."""

import pytest
from openpyxl import load_workbook

from addin import udfs
from addin.cli import main
from addin.io.reader import read_inputs
from addin.messages import say
from addin.render.brief import build_brief, money, read_strategy, render
from addin.workbook.builder import DEFAULT_PATH
from addin.workbook.sheets.strategy import STANDING
from calculators.negotiation import COUNTER_COMPONENTS
from calculators.valuation.disclosure import spoken_amount


@pytest.fixture(scope="module")
def brief():
    return build_brief(DEFAULT_PATH)


@pytest.fixture(scope="module")
def ranges():
    base = read_inputs(DEFAULT_PATH)
    strat = read_strategy(DEFAULT_PATH)
    rates = [["currency", f"per {base.fx.base}"], *[[k, v] for k, v in base.fx.rates.items()]]
    return base, strat, rates


def test_brief_writes_both_languages(tmp_path):
    for lang, heading in (("en", "# Negotiation brief"), ("ja", "# 交渉ブリーフ")):
        out = tmp_path / f"brief.{lang}.md"
        assert main(["brief", str(DEFAULT_PATH), "--lang", lang, "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert text.startswith(heading)
        assert text.count("\n## ") == 5 + 2  # five companies, impact, timeline
    assert main(["brief", "--lang", "fr"]) == 2


def _comparison(ranges):
    """The arguments COUNTER_OFFER and NEGOTIATION_ASK share, from basis to discount_rate."""
    base, strat, rates = ranges
    s = strat.inputs
    return (
        s["basis"],
        s["margin"],
        base.relocation,
        rates,
        base.settings["home_currency"],
        base.settings["horizon_years"],
        base.settings["discount_rate"],
    )


def test_counters_and_standing_equal_the_udfs(brief, ranges):
    base, strat, rates = ranges
    day = strat.inputs["as_of"]  # the sheet passes the Strategy as_of: the calendar's first day
    for c in brief.companies:
        common = (*_comparison(ranges), None)
        assert (
            udfs.counter_offer(base.offers, c.name, None, *common, "batna", None, None, day) == c.batna_home
        )
        assert (
            udfs.counter_offer(base.offers, c.name, None, *common, "before", None, None, day) == c.value_home
        )
        for comp in COUNTER_COMPONENTS:
            got = udfs.counter_offer(base.offers, c.name, comp, *common, None, None, None, day)
            if c.counters[comp] is None:  # the English words of the code are the solver's line
                assert got == "#VALUE! " + say(c.unreachable[comp], "en")
            else:
                assert got == c.counters[comp]


def test_ask_market_and_impact_equal_the_udfs(brief, ranges):
    base, strat, rates = ranges
    s = strat.inputs
    for c in brief.companies:
        ask = udfs.negotiation_ask(
            base.offers,
            c.name,
            strat.market,
            s["walk_away"],
            s["scarcity_premium"],
            *_comparison(ranges),
            s["market_level"],
            None,
            s["as_of"],
            None,
            s["as_of"],  # the calendar's first day, as the Params calendar switch gives it
        )
        assert {k: v for k, v in ask[1:]} == c.ask
        pct = dict(
            udfs.market_percentile(
                udfs.market_tc(base.offers, c.name),
                strat.market,
                c.city,
                s["market_level"],
                None,
                None,
                None,
                c.currency,
                rates,
                s["as_of"],
            )[1:]
        )
        assert pct["percentile"] == c.percentile and pct["n"] == c.market_n
        band = dict(
            udfs.market_band(
                strat.market, None, c.city, s["market_level"], None, None, None, c.currency, rates, s["as_of"]
            )[1:]
        )
        assert {k: band[k] for k in ("p25", "p50", "p75", "p90")} == c.band
    for e in brief.impact:
        assert udfs.impact_value(e.volume, e.before, e.after, e.unit_value, e.higher_is_better) == e.value


def test_brief_numbers_equal_the_workbook_cells_and_the_text(brief):
    wb = load_workbook(DEFAULT_PATH, data_only=True, read_only=True)
    rows = [list(r) for r in wb["Strategy"].iter_rows(max_col=9, values_only=True)]
    wb.close()
    top = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(STANDING)) + 2
    cells = {r[0]: r for r in rows[top : top + len(brief.companies)]}
    en, ja = render(brief, "en"), render(brief, "ja")
    for c in brief.companies:
        row = cells[c.name]
        assert (row[1], row[2], row[3]) == (c.value_home, c.batna_home, c.batna_name)
        for j, comp in enumerate(COUNTER_COMPONENTS, start=5):
            want = c.counters[comp]
            assert row[j] == ("out of reach" if want is None else want)
            if want:  # the page says the raise as a person would, rounded up so that it still wins
                said = spoken_amount(want, c.currency, "up")
                assert said >= want and money(said, c.currency) in en and money(said, c.currency, "ja") in ja
        a = c.advice
        assert money(a.ask_tc, c.currency) in en and money(a.ask_base, c.currency, "ja") in ja
        assert money(c.batna_home, brief.home_currency, "ja") in ja
    for e in brief.impact:
        assert money(e.value, brief.home_currency) in en


def test_leverage_follows_the_disclosure_choices(brief):
    en = render(brief, "en")
    tokyo = next(c for c in brief.companies if c.name == "Tokyo big tech")
    labels = [x.label for x in tokyo.leverage]
    # London start-up: none (not cited); Tel Aviv: figures only (no company name)
    assert "London edge AI start-up" not in labels and None in labels
    assert "Seattle big tech" in labels
    assert len(tokyo.leverage) == 3
    assert "London edge AI start-up:" not in en


def test_a_workbook_without_a_strategy_sheet_gives_one_clear_message(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.title = "Offers"
    wb.active.append(["field", "A"])
    wb.save(path)
    assert main(["brief", str(path)]) == 2
    with pytest.raises(Exception, match="has no Strategy sheet"):
        read_strategy(path)


def test_market_warnings_are_said_from_their_code():
    from calculators import market

    (note,) = market.band(market.market_from_rows([["total"], [1], [2], [3]])).warnings
    assert (note.code, note.params) == ("market_small_sample", {"n": 3, "least": 10})
    assert say(note, "ja") == "サンプルが少ない：比較可能な行が 3 件（10 件未満）"
    assert say(note, "en") == "small sample: 3 comparable rows (fewer than 10)"


# --- The brief against figures computed here by hand from the example's inputs ---------
# Offers sheet of the shipped example (base, bonus target, RSU grant over its vesting years)
# and the market rules of calculators/market.py's docstring and negotiation.ask's: market TC
# = year-1 base x (1 + bonus target) + RSU grant / vesting years (no sign-on, no options);
# the band is PERCENTILE.INC of the L5 rows of the offer's city; target = max(counter TC,
# p75 x (1 + premium)), anchor = max(target, p90 x (1 + premium)).
HAND_TC = {
    "Tokyo big tech": 14_000_000 * 1.15 + 12_000_000 / 4,  # 19,100,000 JPY
    "Seattle big tech": 185_000 + 300_000 / 4,  # 260,000 USD
    "Silicon Valley": 210_000 * 1.15 + 400_000 / 4,  # 341,500 USD
    "London start-up": 120_000.0,  # options are not market TC
    "Tel Aviv scale-up": 720_000 * 1.10 + 600_000 / 4,  # 942,000 ILS
}
BONUS = {
    "Tokyo big tech": 0.15,
    "Seattle big tech": 0.0,
    "Silicon Valley": 0.15,
    "London start-up": 0.0,
    "Tel Aviv scale-up": 0.10,
}
STOCK = {
    "Tokyo big tech": 3_000_000,
    "Seattle big tech": 75_000,
    "Silicon Valley": 100_000,
    "London start-up": 0,
    "Tel Aviv scale-up": 150_000,
}
CITY = {
    "Tokyo big tech": "Tokyo",
    "Seattle big tech": "Seattle",
    "Silicon Valley": "San Francisco Bay Area",
    "London start-up": "London",
    "Tel Aviv scale-up": "Tel Aviv",
}
PREMIUM, WALK_AWAY = 0.10, 9_000_000  # Strategy sheet: scarcity premium, walk-away (JPY)


def _percentile_inc(values, p):
    x = sorted(values)
    pos = (len(x) - 1) * p / 100
    i = int(pos)
    return x[i] if i + 1 == len(x) else x[i] + (pos - i) * (x[i + 1] - x[i])


def _percentrank_inc(values, v):
    x = sorted(values)
    if v <= x[0]:
        return 0.0
    if v >= x[-1]:
        return 100.0
    i = max(j for j in range(len(x)) if x[j] <= v)
    return 100 * (i + (v - x[i]) / (x[i + 1] - x[i])) / (len(x) - 1)


def test_brief_figures_equal_a_hand_computation(brief, ranges):
    _, strat, _ = ranges
    header, *rows = strat.market
    col = {name: header.index(name) for name in header}
    assert (brief.scarcity_premium, brief.walk_away) == (PREMIUM, WALK_AWAY)
    by_name = {c.name: c for c in brief.companies}
    assert set(by_name) == set(HAND_TC)
    for name, c in by_name.items():
        comparable = [
            r[col["base"]] + r[col["stock_per_year"]] + r[col["bonus"]]
            for r in rows
            if r[col["level"]] == "L5" and r[col["location"]] == CITY[name]
        ]
        assert len(comparable) == c.market_n == 12
        band = {f"p{p}": _percentile_inc(comparable, p) for p in (25, 50, 75, 90)}
        assert c.band == pytest.approx(band, rel=1e-12)
        tc = HAND_TC[name]
        assert c.ask["offer_tc"] == pytest.approx(tc, rel=1e-12)
        assert c.percentile == pytest.approx(_percentrank_inc(comparable, tc), rel=1e-9)
        # the standing: the BATNA is the best of the other offers, the floor never under it
        others = {o.name: o.value_home for o in brief.companies if o.name != name}
        best = max(others, key=others.get)
        assert (c.batna_name, c.batna_home) == (best, others[best])
        assert c.ask["floor"] == max(WALK_AWAY, c.batna_home)
        # the counter TC raises the base (and the bonus that follows it), then the market ask
        raise_ = c.counters["base_salary"]
        assert c.ask["counter_base_raise"] == raise_
        counter_tc = tc + raise_ * (1 + BONUS[name])
        assert c.ask["counter_tc"] == pytest.approx(counter_tc, rel=1e-12)
        target = max(counter_tc, band["p75"] * (1 + PREMIUM))
        anchor = max(target, band["p90"] * (1 + PREMIUM))
        assert c.ask["target_tc"] == pytest.approx(target, rel=1e-12)
        assert c.ask["anchor_tc"] == pytest.approx(anchor, rel=1e-12)
        assert c.ask["target_base"] == pytest.approx((target - STOCK[name]) / (1 + BONUS[name]))
        assert c.ask["anchor_base"] == pytest.approx((anchor - STOCK[name]) / (1 + BONUS[name]))
    # who leads on net_annualized: Silicon Valley, needing no counter; Seattle second
    assert by_name["Silicon Valley"].counters == dict.fromkeys(COUNTER_COMPONENTS, 0.0)
    assert by_name["Silicon Valley"].batna_name == "Seattle big tech"
    # the impact ledger: volume x improvement x value of a unit (lower is better for all three)
    assert [e.value for e in brief.impact] == pytest.approx(
        [
            2_000_000_000 * (80 - 15) * 0.0005,  # 65,000,000 JPY
            300_000 * (100 - 60) * 10,  # 120,000,000
            400_000_000 * (0.3 - 0) * 1,  # 120,000,000
        ],
        rel=1e-12,
    )


def test_a_strategy_date_that_is_not_a_date_is_one_clear_message():
    import dataclasses

    from addin.io.reader import WorkbookError
    from addin.render.brief import strategy_of

    strat = read_strategy(DEFAULT_PATH)
    assert strategy_of(strat).as_of.isoformat() == str(strat.inputs["as_of"])[:10]
    bad = dataclasses.replace(strat, inputs={**strat.inputs, "as_of": "next week"})
    with pytest.raises(WorkbookError, match="^Strategy input as_of must be a date"):
        strategy_of(bad)
    late = dataclasses.replace(strat, expected=[["Berlin", "soon"]])
    with pytest.raises(WorkbookError, match="expected offers: the date must be a date"):
        strategy_of(late)


def test_the_json_brief_holds_numbers_and_codes_not_sentences(tmp_path, brief):
    import json

    from addin.messages import MESSAGES

    out = tmp_path / "brief.json"
    assert main(["brief", str(DEFAULT_PATH), "--json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    tokyo = next(c for c in data["companies"] if c["name"] == "Tokyo big tech")
    assert tokyo["counters"]["base_salary"] == 41_512_727  # on the calendar from the Strategy as_of
    assert tokyo["counters"]["sign_on"] is None
    assert tokyo["unreachable"]["sign_on"] == {
        "code": "counter_beyond_ceiling",
        "params": {"component": "sign_on", "basis": "net_annualized"},
    }
    assert tokyo["flag"]["code"] == "deadline_before_expected" and tokyo["deadline"] == "2026-12-11"

    # sentences only in the warnings' text fields (said from their codes), never elsewhere
    def without_text(value):
        if isinstance(value, dict):
            return {k: without_text(v) for k, v in value.items() if k != "text"}
        if isinstance(value, list):
            return [without_text(v) for v in value]
        return value

    text = json.dumps(without_text(data), ensure_ascii=False)
    for code, template in MESSAGES["en"].items():
        head = template.split("{")[0].strip()
        assert len(head) < 12 or head not in text, code
    warned = [w for o in data["offers"] for w in o["warnings"]]
    assert warned and all(set(w) == {"code", "params", "text"} and w["text"] for w in warned)
    assert [c["value_home"] for c in data["companies"]] == [c.value_home for c in brief.companies]


def test_the_same_file_asked_the_same_way_is_briefed_once(tmp_path, monkeypatch):
    """The brief of the same bytes, asked the same way on the same day, is kept and each caller
    gets a copy of its own; changed bytes, another calendar, offer years decided or another
    day are computed again; a file changed while it is briefed keeps nothing."""
    import datetime as dt
    import shutil
    import zipfile

    import addin.render.brief as render_brief

    made = []
    real = render_brief.negotiation_brief
    monkeypatch.setattr(render_brief, "negotiation_brief", lambda *a, **k: made.append(1) or real(*a, **k))
    monkeypatch.setattr(render_brief, "_BRIEFS", type(render_brief._BRIEFS)())
    path = tmp_path / "mine.xlsm"
    shutil.copy(DEFAULT_PATH, path)
    first = build_brief(path)
    kept = build_brief(path)
    assert len(made) == 1 and kept == first and kept is not first
    kept.companies[0].band.clear()  # the caller's copy: no later answer changes
    assert build_brief(path) == first and len(made) == 1
    build_brief(path, dt.date(2027, 1, 15))
    build_brief(path, None, True)
    assert len(made) == 3
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with monkeypatch.context() as m:
        m.setattr(render_brief, "_today", lambda: tomorrow)
        build_brief(path)
    assert len(made) == 4
    with zipfile.ZipFile(DEFAULT_PATH) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():  # another title: other bytes, the same cells
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = data.replace(b"</dc:title>", b" (mine)</dc:title>")
            zout.writestr(info, data)
    assert build_brief(path).companies == first.companies and len(made) == 5
    building = render_brief._build_brief

    def changed_meanwhile(*args):
        out = building(*args)
        shutil.copy(DEFAULT_PATH, path)  # saved over while it was read
        return out

    monkeypatch.setattr(render_brief, "_BRIEFS", type(render_brief._BRIEFS)())
    monkeypatch.setattr(render_brief, "_build_brief", changed_meanwhile)
    build_brief(path)
    assert len(render_brief._BRIEFS) == 0 and len(made) == 6
