"""`negotiate brief`: both languages, and every number equal to what the UDFs give."""

import pytest
from openpyxl import load_workbook

from addin import udfs
from addin.brief import build_brief, money, read_strategy, render
from addin.cli import main
from addin.reader import read_inputs
from addin.sheets.strategy import STANDING
from addin.workbook import DEFAULT_PATH
from calculators.negotiation import COUNTER_COMPONENTS


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


def test_counters_and_standing_equal_the_udfs(brief, ranges):
    base, strat, rates = ranges
    s = strat.inputs
    for c in brief.companies:
        common = (s["basis"], s["margin"], base.relocation, rates,
                  base.settings["home_currency"], base.settings["horizon_years"],
                  base.settings["discount_rate"], None)
        assert udfs.counter_offer(base.offers, c.name, None, *common, "batna") == c.batna_home
        assert udfs.counter_offer(base.offers, c.name, None, *common, "before") == c.value_home
        for comp in COUNTER_COMPONENTS:
            got = udfs.counter_offer(base.offers, c.name, comp, *common)
            if isinstance(c.counters[comp], str):
                assert got == "#VALUE! " + c.counters[comp]
            else:
                assert got == c.counters[comp]


def test_ask_market_and_impact_equal_the_udfs(brief, ranges):
    base, strat, rates = ranges
    s = strat.inputs
    for c in brief.companies:
        ask = udfs.negotiation_ask(
            base.offers, c.name, strat.market, s["walk_away"], s["scarcity_premium"],
            s["basis"], s["margin"], base.relocation, rates, base.settings["home_currency"],
            base.settings["horizon_years"], base.settings["discount_rate"], s["market_level"],
            None, s["as_of"])
        assert {k: v for k, v in ask[1:]} == c.ask
        pct = dict(udfs.market_percentile(udfs.market_tc(base.offers, c.name), strat.market,
                                          c.city, s["market_level"], None, None, None,
                                          c.currency, rates, s["as_of"])[1:])
        assert pct["percentile"] == c.percentile and pct["n"] == c.market_n
        band = dict(udfs.market_band(strat.market, None, c.city, s["market_level"], None, None,
                                     None, c.currency, rates, s["as_of"])[1:])
        assert {k: band[k] for k in ("p25", "p50", "p75", "p90")} == c.band
    for e in brief.impact:
        assert udfs.impact_value(e["volume"], e["before"], e["after"], e["unit_value"],
                                 e["higher_is_better"]) == e["value"]


def test_brief_numbers_equal_the_workbook_cells_and_the_text(brief):
    wb = load_workbook(DEFAULT_PATH, data_only=True, read_only=True)
    rows = [list(r) for r in wb["Strategy"].iter_rows(max_col=9, values_only=True)]
    wb.close()
    top = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(STANDING)) + 2
    cells = {r[0]: r for r in rows[top: top + len(brief.companies)]}
    en, ja = render(brief, "en"), render(brief, "ja")
    for c in brief.companies:
        row = cells[c.name]
        assert (row[1], row[2], row[3]) == (c.value_home, c.batna_home, c.batna_name)
        for j, comp in enumerate(COUNTER_COMPONENTS, start=5):
            want = c.counters[comp]
            assert row[j] == ("out of reach" if isinstance(want, str) else want)
            if not isinstance(want, str) and want:
                assert money(want, c.currency) in en and money(want, c.currency, "ja") in ja
        assert money(c.ask["anchor_tc"], c.currency) in en
        assert money(c.batna_home, brief.home_currency, "ja") in ja
    for e in brief.impact:
        assert money(e["value"], brief.home_currency) in en


def test_leverage_follows_the_disclosure_choices(brief):
    en = render(brief, "en")
    tokyo = next(c for c in brief.companies if c.name == "Tokyo big tech")
    labels = [x["label"] for x in tokyo.leverage]
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


def test_market_warnings_are_translated():
    from addin.brief import _warning

    assert _warning("small sample: 3 comparable rows (fewer than 10)", "ja") == \
        "サンプルが少ない：比較可能な行が 3 件（10 件未満）"
    assert _warning("small sample: 3 comparable rows (fewer than 10)", "en").startswith("small")
    assert _warning("something new", "ja") == "something new"
