"""Named equity regimes: Japan's 税制適格 stock options (租税特別措置法 第29条の2) and Israel's
section 102 capital-gains track (the default for Israeli RSUs and options).

Japan, by hand from 国税庁 タックスアンサー No.1540 (no tax at exercise; the shares' cost is the
exercise price, so the whole gain at sale is 株式等に係る譲渡所得等, 申告分離課税), No.1463
(所得税 15 %, ほかに住民税 5 %) and No.2260 (復興特別所得税 2.1 % of the 所得税), each base
rounded down to 1,000 yen and each tax to 100 yen (国税通則法 第118条・第119条, 地方税法 第20条の4の2).

Israel, by hand from the Income Tax Ordinance: s. 102(b)(2) (the benefit under the
capital-gains track through a trustee is a capital gain taxed at 25 %), s. 102(b)(3) (a
listed company: the part up to the value at grant is income from work, the rest capital
gain), s. 121B(a) (surtax 3 % of taxable income above 721,560 shekels) and s. 121B(a1) (2 %
more on capital income above it, from 2025), read as described in
calculators/tax/params/il/section_102.yaml; no Bituach Leumi or health tax on a capital gain.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from addin import udfs
from calculators.errors import InvalidInputError
from calculators.offer.model import FIELDS, Offer, OfferBatch, cash_schedule
from calculators.tax import compute
from calculators.tax.equity_regimes import regime_tax
from calculators.valuation.net import net_schedule, withheld, withheld_parts

STARTUP = {
    "company": "Kumo Robotics",
    "jurisdiction": "JP-TOKYO",
    "currency": "JPY",
    "base_salary": 12_000_000,
    "option_shares": 20_000,
    "option_strike": 500,
    "option_price": 1_500,
    "exit_probability": 0.5,
    "exit_multiple": 2,
    "option_exit_year": 3,
}


def test_the_qualified_gain_is_taxed_apart_by_hand():
    # base 12,345,000; 所得税 1,851,750; with 復興 x 1.021 = 1,890,636.75 -> 1,890,600;
    # 住民税 5 % = 617,250 -> 617,200
    assert float(regime_tax("qualified", 12_345_678, 2025)) == 1_890_600 + 617_200
    assert float(regime_tax("qualified", 999, 2025)) == 0.0  # under 1,000 yen: no base
    assert regime_tax("qualified", [0.0, -5.0], 2025).tolist() == [0.0, 0.0]


def test_a_tokyo_offer_under_the_regime_pays_the_separate_tax_in_the_exit_year_only():
    default = Offer.from_fields(STARTUP)
    qualified = Offer.from_fields({**STARTUP, "option_regime": "qualified"})
    sched = cash_schedule(OfferBatch.from_offers([default]), 4)
    gain = float(sched["options"][0, 2])
    # the options' value by hand: all vested by year 3 (25/25/25/25, so 75 %), no dilution,
    # half a chance of an exit at 2x: 20,000 x 0.75 x 0.5 x (1,500 x 2 - 500) = 18,750,000
    assert gain == pytest.approx(18_750_000)
    (as_pay,) = net_schedule([default], sched, 2025)
    (apart,) = net_schedule([qualified], sched, 2025)
    assert apart[[0, 1, 3]].tolist() == as_pay[[0, 1, 3]].tolist()  # no options, no change
    salary = float(sched["base"][0, 2])
    pay_net = salary - float(compute(salary, "JP-TOKYO", 2025).total_withheld)
    separate = 18_750_000 * 0.15 * 1.021 // 100 * 100 + 18_750_000 * 0.05 // 100 * 100
    assert separate == 2_871_500 + 937_500
    assert float(apart[2]) == pytest.approx(pay_net + gain - separate, abs=1.0)
    assert float(apart[2]) - float(as_pay[2]) > 3_000_000  # as pay: 55 % at the top, plus 社会保険


def test_the_regime_is_refused_where_the_law_has_none_naming_the_field():
    with pytest.raises(InvalidInputError) as err:
        Offer.from_fields(
            {**STARTUP, "jurisdiction": "GB-ENG", "currency": "GBP", "option_regime": "qualified"}
        )
    assert str(err.value) == "offer: option_regime qualified is a regime of JP-TOKYO, not of GB-ENG"
    with pytest.raises(InvalidInputError, match="option_regime 19a: not a regime modelled"):
        Offer.from_fields({**STARTUP, "option_regime": "19a"})
    with pytest.raises(
        InvalidInputError, match="option_regime iso is a regime of US-CA, US-WA, US-NY-NYC, not of"
    ):
        Offer.from_fields({**STARTUP, "option_regime": "ISO"})
    assert "option_regime" in FIELDS and Offer.from_fields(STARTUP).option_regime is None


def test_offer_tc_reads_the_regime_from_the_offers_range():
    rows = [["field", "A", "B"]]
    for name, value in STARTUP.items():
        rows.append([name, value, value])
    rows.append(["option_regime", None, " Qualified"])
    a, b = (udfs.offer_tc(rows, "net_annualized", 4, None, name) for name in ("A", "B"))
    # annualised over 4 years: the separate tax instead of pay's, a quarter of the difference
    offers = [Offer.from_fields(STARTUP), Offer.from_fields({**STARTUP, "option_regime": "qualified"})]
    nets = net_schedule(offers, cash_schedule(OfferBatch.from_offers(offers), 4), 2026)
    assert (a, b) == pytest.approx((nets[0].mean(), nets[1].mean()), abs=0.5)
    assert b - a > 750_000
    one = Offer.from_fields({**STARTUP, "option_regime": "qualified"})
    assert replace(one, option_regime=None) == Offer.from_fields(STARTUP)


TEL_AVIV = {
    "company": "Tel Aviv scale-up",
    "jurisdiction": "IL",
    "currency": "ILS",
    "base_salary": 720_000,
    "rsu_grant": 600_000,
}


def _parts(offer: Offer, years: int = 1) -> dict:
    sched = cash_schedule(OfferBatch.from_offers([offer]), years)
    return {name: part[0] for name, part in sched.items()}


def test_israeli_rsus_are_taxed_under_the_capital_track_by_default_by_hand():
    default = Offer.from_fields(TEL_AVIV)
    assert default.rsu_regime is None  # blank: the country's default, section 102
    parts = _parts(default)
    assert parts["equity"].tolist() == [150_000.0]
    pay_only = float(withheld(default, 720_000.0, 0.0, 2025))
    # 25 % of 150,000 = 37,500; the pay (720,000) is under the 721,560 threshold, so the
    # 148,440 of the vest above it pays 3 % surtax + 2 % capital surtax = 7,422; no Bituach
    # Leumi or health tax on the gain
    assert float(withheld_parts(default, parts, 2025)[0]) == pytest.approx(
        pay_only + 37_500 + 7_422, abs=0.01
    )
    # the wage track (the option): the vest is pay, at the 47 % band, with the 3 % surtax
    wage = Offer.from_fields({**TEL_AVIV, "rsu_regime": "wage"})
    as_pay = float(withheld(wage, 720_000.0, 150_000.0, 2025))
    assert float(withheld_parts(wage, parts, 2025)[0]) == pytest.approx(as_pay)
    assert as_pay - pay_only == pytest.approx(
        150_000 * 0.47 + 148_440 * 0.03, abs=0.01
    )  # no NI: over the ceiling


def test_a_listed_companys_rsus_are_pay_up_to_the_value_at_grant_and_a_capital_gain_above():
    listed = Offer.from_fields(
        {
            **TEL_AVIV,
            "base_salary": 700_000,
            "rsu_grant": 400_000,
            "price_growth": 0.2,
            "rsu_regime": "102-listed",
        }
    )
    parts = _parts(listed)
    # year 1: a quarter of the grant, 100,000 at grant, 120,000 at vest after a 20 % rise
    assert (parts["equity"].tolist(), parts["equity_at_grant"].tolist()) == ([120_000.0], [100_000.0])
    work = float(withheld(listed, 700_000.0, 100_000.0, 2025))  # 100,000 with the pay
    # the 20,000 rise: 25 % = 5,000; pay and work (800,000) are over the threshold already, so
    # all of it pays 3 % + 2 % = 1,000
    assert float(withheld_parts(listed, parts, 2025)[0]) == pytest.approx(work + 5_000 + 1_000, abs=0.01)
    fallen = Offer.from_fields({**TEL_AVIV, "price_growth": -0.5, "rsu_regime": "102-listed"})
    parts = _parts(fallen)  # worth less at vest than at grant: all of it is income from work
    assert float(withheld_parts(fallen, parts, 2025)[0]) == pytest.approx(
        float(withheld(fallen, 720_000.0, float(parts["equity"][0]), 2025))
    )


def test_israeli_options_at_exit_are_a_capital_gain_unless_the_plan_is_the_wage_track():
    options = {
        **TEL_AVIV,
        "rsu_grant": 0,
        "option_shares": 10_000,
        "option_strike": 5,
        "option_price": 20,
        "option_schedule": "100",
        "option_exit_year": 1,
    }
    private = Offer.from_fields(options)
    parts = _parts(private)
    assert parts["options"].tolist() == [150_000.0]  # 10,000 x (20 - 5), all vested, sure exit
    pay_only = float(withheld(private, 720_000.0, 0.0, 2025))
    assert float(withheld_parts(private, parts, 2025)[0]) == pytest.approx(
        pay_only + 37_500 + 7_422, abs=0.01
    )
    listed = Offer.from_fields({**options, "option_regime": "102-listed", "exit_multiple": 2})
    parts = _parts(listed)
    # at exit 10,000 x (40 - 5) = 350,000; in the money at grant by 15 a share: 150,000 is pay
    assert (parts["options"].tolist(), parts["options_at_grant"].tolist()) == ([350_000.0], [150_000.0])
    work = float(withheld(listed, 720_000.0, 150_000.0, 2025))
    assert float(withheld_parts(listed, parts, 2025)[0]) == pytest.approx(
        work + 200_000 * 0.25 + 200_000 * 0.05, abs=0.01
    )


def test_section_102_is_israels_and_for_rsus_qualified_is_not_a_choice():
    with pytest.raises(InvalidInputError) as err:
        Offer.from_fields({**STARTUP, "rsu_grant": 1_000_000, "rsu_regime": "102"})
    assert str(err.value) == "offer: rsu_regime 102 is a regime of IL, not of JP-TOKYO"
    with pytest.raises(InvalidInputError) as err:
        Offer.from_fields({**STARTUP, "rsu_regime": "qualified"})
    assert str(err.value) == "offer: rsu_regime qualified is a regime of options, not of RSUs"
    assert Offer.from_fields({**TEL_AVIV, "rsu_regime": " WAGE "}).rsu_regime == "wage"


def test_the_tel_aviv_offer_nets_the_capital_track_through_offer_tc():
    rows = [["field", "A", "B"]]
    for name, value in TEL_AVIV.items():
        rows.append([name, value, value])
    rows.append(["rsu_regime", "wage", None])
    wage, track = (udfs.offer_tc(rows, "net_first_year", 1, None, name) for name in ("A", "B"))
    # 2026's rules (the latest): the same surtax threshold and rates, so the difference is
    # the wage track's 47 % + 3 % against 25 % + 5 % on 148,440: 74,953.20 - 44,922
    assert track - wage == pytest.approx(150_000 * 0.47 + 148_440 * 0.03 - 44_922, abs=0.01)


def test_compare_says_how_the_tel_aviv_rsus_are_taxed_on_a_net_basis():
    from tests.conftest import negotiate

    ran = negotiate("compare", "--basis", "net_first_year", "--json")
    assert ran.returncode == 0, ran.stderr
    rows = {r["company"]: r for r in json.loads(ran.stdout)["offers"]}
    (line,) = rows["Tel Aviv scale-up"]["equity_regimes"]
    assert line.startswith("RSUs taxed under 102, section 102's capital-gains track") and "rsu_regime" in line
    assert all(not r["equity_regimes"] for name, r in rows.items() if name != "Tel Aviv scale-up")
    gross = negotiate("compare", "--json")  # a gross basis: no tax, no line
    assert "equity_regimes" not in json.loads(gross.stdout)["offers"][0]


SEATTLE_START_UP = {
    "company": "Rain City Robotics",
    "jurisdiction": "US-WA",
    "currency": "USD",
    "base_salary": 200_000,
    "option_shares": 10_000,
    "option_strike": 2,
    "option_price": 12,
    "option_schedule": "100",
    "option_exit_year": 1,
}


def test_iso_options_sold_at_exercise_pay_income_tax_but_no_fica_by_hand():
    """26 U.S.C. 421(b) and 422(a)(1): ISO shares sold when exercised (the exit) are a
    disqualifying disposition, the spread ordinary income; 3121(a)(22): not FICA wages, so
    no Social Security, Medicare or Additional Medicare Tax; no AMT item (exercise and sale
    in one year)."""
    iso = Offer.from_fields({**SEATTLE_START_UP, "option_regime": "iso"})
    nso = Offer.from_fields(SEATTLE_START_UP)
    parts = _parts(iso)
    assert parts["options"].tolist() == [100_000.0]  # 10,000 x (12 - 2)
    pay_only = float(withheld(iso, 200_000.0, 0.0, 2025))
    # federal, 2025, single: taxable 184,250 -> 284,250 after the 15,750 standard deduction:
    # 24 % to 197,300, 32 % to 250,525, 35 % above
    federal = 13_050 * 0.24 + 53_225 * 0.32 + 33_725 * 0.35
    assert federal == pytest.approx(31_967.75)
    # WA: no income tax; PFML is capped at the Social Security wage base the salary passes
    # already; WA Cares (no cap) is charged as on pay: 0.58 % of the gain
    cares = 100_000 * 0.0058
    assert float(withheld_parts(iso, parts, 2025)[0]) == pytest.approx(pay_only + federal + cares, abs=0.01)
    # as an NSO (the default) the spread is wages: Medicare 1.45 % and 0.9 % Additional Medicare
    # on all of it (the salary is past 200,000 and the Social Security wage base)
    as_wages = float(withheld_parts(nso, parts, 2025)[0]) - float(withheld_parts(iso, parts, 2025)[0])
    assert as_wages == pytest.approx(100_000 * (0.0145 + 0.009), abs=0.01)


def test_canadas_security_options_deduction_halves_the_taxable_benefit_by_hand():
    """Income Tax Act s. 110(1)(d) (CRA, Option benefit deductions): half the benefit is
    deducted in computing taxable income; the benefit stays pensionable (CPP) and is not
    insurable (EI).  2025, Ontario, 150,000 of salary and a 20,000 option benefit."""
    toronto = {
        "company": "Maple AI",
        "jurisdiction": "CA-ON",
        "currency": "CAD",
        "base_salary": 150_000,
        "option_shares": 2_000,
        "option_strike": 10,
        "option_price": 20,
        "option_schedule": "100",
        "option_exit_year": 1,
    }
    deduction = Offer.from_fields({**toronto, "option_regime": "110(1)(d)"})
    parts = _parts(deduction)
    assert parts["options"].tolist() == [20_000.0]
    pay_only = float(withheld(deduction, 150_000.0, 0.0, 2025))
    # net income: 150,000 - enhanced CPP 678 (5.95 % x 67,800 = 4,034.10, of which 1 % / 5.95 %)
    # - CPP2 396 = 148,926; the salary is past both CPP ceilings, so the benefit adds no CPP.
    # Taxable income rises by 10,000: federal 26 % band = 2,600; Ontario 11.16 % on 1,074 to
    # 150,000 and 12.16 % on 8,926 above, plus the 20 % + 36 % surtax: 1,205.26 x 1.56
    ontario = (1_074 * 0.1116 + 8_926 * 0.1216) * 1.56
    assert float(withheld_parts(deduction, parts, 2025)[0]) == pytest.approx(
        pay_only + 2_600 + ontario, abs=0.02
    )
    # the default (no deduction): the whole 20,000 is taxable
    default = Offer.from_fields(toronto)
    ontario_all = (1_074 * 0.1116 + 18_926 * 0.1216) * 1.56
    assert float(withheld_parts(default, parts, 2025)[0]) == pytest.approx(
        pay_only + 5_200 + ontario_all, abs=0.02
    )
    with pytest.raises(InvalidInputError, match="rsu_regime 110.1..d. is a regime of options, not of RSUs"):
        Offer.from_fields({**toronto, "rsu_grant": 1, "rsu_regime": "110(1)(d)"})


def test_uk_emi_options_at_the_exit_pay_capital_gains_tax_with_the_relief_by_hand():
    """ITEPA 2003 s. 530-531: no income tax or NI on exercising an EMI option priced at least
    at the market value at grant; TCGA 1992: the gain on the shares sold at once, less the
    3,000 annual exempt amount (s. 1K), at Business Asset Disposal Relief's 14 % in 2025/26
    and 18 % in 2026/27 (s. 169N(3), Finance Act 2025 s. 8), whatever the income tax band."""
    london = {
        "company": "Thames Robotics",
        "jurisdiction": "GB-ENG",
        "currency": "GBP",
        "base_salary": 90_000,
        "option_shares": 5_000,
        "option_strike": 1.0,
        "option_price": 12.4888,
        "option_schedule": "100",
        "option_exit_year": 1,
    }
    emi = Offer.from_fields({**london, "option_regime": "emi"})
    parts = _parts(emi)
    assert parts["options"][0] == pytest.approx(57_444.0)  # 5,000 x (12.4888 - 1)
    pay_only = float(withheld(emi, 90_000.0, 0.0, 2025))
    assert float(withheld_parts(emi, parts, 2025)[0]) == pytest.approx(pay_only + 54_444 * 0.14, abs=0.01)
    assert float(withheld_parts(emi, parts, 2026)[0]) == pytest.approx(
        float(withheld(emi, 90_000.0, 0.0, 2026)) + 54_444 * 0.18, abs=0.01
    )
    # beyond the 1,000,000 lifetime limit the main rates apply: the salary leaves no basic
    # rate band, so 24 % on what is over the limit (the exempt amount set against it first)
    big = regime_tax("emi", [1_500_000.0], 2025, [90_000.0], [0.0], "GB-ENG", {})
    assert float(big[0]) == pytest.approx(1_000_000 * 0.14 + 497_000 * 0.24, abs=0.01)
    # a basic rate taxpayer pays the relief's rate too, not the 18 % basic rate
    small = regime_tax("emi", [20_000.0], 2025, [30_000.0], [0.0], "GB-ENG", {})
    assert float(small[0]) == pytest.approx(17_000 * 0.14, abs=0.01)
    # the default (an unapproved option): the gain is pay, with income tax and NI at the top
    as_pay = float(withheld_parts(Offer.from_fields(london), parts, 2025)[0]) - pay_only
    assert as_pay > 57_444 * 0.42


def test_the_brief_asks_whether_the_tel_aviv_plan_is_under_section_102_and_says_what_it_is_worth():
    from tests.conftest import negotiate

    ran = negotiate("brief", "--json")
    assert ran.returncode == 0, ran.stderr
    offers = {o["name"]: o for o in json.loads(ran.stdout)["offers"]}
    found = {
        name: [w for w in o["warnings"] if w["code"].startswith("regime_default")]
        for name, o in offers.items()
    }
    (note,) = found.pop("Tel Aviv scale-up")
    assert not any(found.values())  # no other offer's equity is under a default regime
    assert note["code"] == "regime_default_equity" and note["params"]["regime"] == "102"
    # the amount is the offer's value against the same offer with its RSUs taxed as pay
    ranked = json.loads(negotiate("compare", "--basis", "net_annualized", "--json").stdout)["offers"]
    (tel_aviv,) = (r for r in ranked if r["name"] == "Tel Aviv scale-up")
    assert note["params"]["amount"] == pytest.approx(tel_aviv["value_home"] - _as_pay_home_value(), rel=1e-9)
    assert "RSUs' tax regime on the Offers sheet" in note["text"] and "less" in note["text"]


def _as_pay_home_value() -> float:
    """The Tel Aviv example offer's net_annualized home value with its RSUs taxed as pay, on
    the calendar from the example's Strategy as_of (as the brief and compare value it)."""
    from addin.workbook.builder import example
    from calculators.valuation.compare import Settings, metric, to_home

    (fields,) = (o for o in example()["offers"] if o["name"] == "Tel Aviv scale-up")
    offer = Offer.from_fields({**fields, "rsu_regime": "wage"})
    s = Settings(basis="net_annualized", years=4, home_currency="JPY", as_of=example()["strategy"]["as_of"])
    return float(to_home(metric([offer], s), s)[0])
