"""Dates drive tax years: an offer's pay by pay month, allocated to tax years, taxed on each.

The expected figures here are worked by hand from the rules' structure (which months fall in
which tax year, how a tax year's tax is shared), with the yearly engine as the tax of a whole
year, or from the published monthly tables where a rule is worked per month (Japan's 協会けんぽ
and 厚生年金 tables, HMRC's monthly NI thresholds).
"""

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.errors import InvalidInputError
from calculators.examples import LONDON_OFFER, SEATTLE_OFFER, TOKYO_OFFER
from calculators.offer.model import Offer, OfferBatch, cash_schedule
from calculators.tax import compute
from calculators.tax.jurisdictions.gb_eng import employee_ni
from calculators.tax.jurisdictions.jp_social import social_insurance_lines
from calculators.valuation.dated import PARTS, dated_tax, default_start, monthly_parts, pay_dates, tax_years
from calculators.valuation.net import tax_schedule
from tests.strategies import offers as any_offer

AS_OF = dt.date(2026, 12, 3)
RULES = 2025


def _net_tax(code: str, pay: float, months: int = 12) -> float:
    return float(compute(pay, code, RULES, pay_months=months).total_withheld)


def test_a_blank_start_is_the_first_of_next_month_and_dates_are_month_ends():
    assert default_start(AS_OF) == dt.date(2027, 1, 1)
    assert default_start(dt.date(2027, 1, 31)) == dt.date(2027, 2, 1)
    assert pay_dates(dt.date(2027, 4, 15), 2) == [dt.date(2027, 5, 14), dt.date(2027, 6, 14)]
    assert pay_dates(dt.date(2027, 1, 31), 2) == [dt.date(2027, 2, 27), dt.date(2027, 3, 30)]


@given(any_offer())
def test_each_offer_years_months_add_up_to_the_year(fields):
    offer = Offer.from_fields(fields)
    sched = cash_schedule(OfferBatch.from_offers([offer]), 4)
    months = monthly_parts(offer, {p: sched[p][0] for p in PARTS})
    for part in PARTS:
        by_year = months[part].reshape(4, 12).sum(axis=1)
        np.testing.assert_allclose(by_year, sched[part][0], rtol=1e-12, atol=1e-6)
        assert (months[part] >= -1e-9).all() or (sched[part][0] < 0).any()


@pytest.mark.parametrize("offer", [SEATTLE_OFFER, TOKYO_OFFER], ids=["US-WA", "JP-TOKYO"])
def test_a_1_january_start_in_a_calendar_year_country_is_the_yearly_model(offer):
    jan = replace(offer, start_date=dt.date(2027, 1, 1))
    yearly = tax_schedule([jan], cash_schedule(OfferBatch.from_offers([jan]), 4), RULES)
    np.testing.assert_allclose(dated_tax([jan], 4, RULES, AS_OF), yearly, rtol=1e-12)
    blank = replace(offer, start_date=None)  # blank: 1 January 2027, as of 3 December 2026
    np.testing.assert_allclose(dated_tax([blank], 4, RULES, AS_OF), yearly, rtol=1e-12)


def test_a_1_october_start_takes_home_more_of_the_first_twelve_months_than_1_january():
    """Base pay only, no raise: started on 1 October, the first offer year pays 3 months in
    the first tax year (taxed alone) and 9 in the next, whose tax is a full year's, shared 9
    to 3 with the second offer year.  So the first year's tax is T(B/4) + 3/4 T(B) against
    T(B) for a 1 January start: the difference is T(B)/4 - T(B/4) > 0 where rates rise."""
    base = 185_000.0
    plain = replace(SEATTLE_OFFER, base_salary=base, sign_on=0.0, sign_on_year2=0.0, rsu_grant=0.0)
    plain = replace(plain, annual_raise=0.0, relocation_package=0.0, retirement_match=0.0, bonus_target=0.0)
    jan = dated_tax([replace(plain, start_date=dt.date(2027, 1, 1))], 2, RULES, AS_OF)[0]
    october = dated_tax([replace(plain, start_date=dt.date(2027, 10, 1))], 2, RULES, AS_OF)[0]
    whole, quarter = _net_tax("US-WA", base), _net_tax("US-WA", base / 4, 3)
    assert jan[0] == pytest.approx(whole)
    assert october[0] == pytest.approx(quarter + 0.75 * whole)
    gain = jan[0] - october[0]
    assert gain == pytest.approx(whole / 4 - quarter)
    # in figures, under the 2025 rules: 4,793 USD more of the first twelve months kept (by hand:
    # federal tax on 185,000 less the 15,750 standard deduction is 33,467, on 46,250 it is
    # 3,421.50, with FICA and WA's premiums on each)
    assert round(gain) == 4_793, gain


def test_the_example_seattle_offer_keeps_every_dollar_across_its_tax_years():
    """Each offer year's tax is its share of the tax years it pays in: a tax year wholly inside
    the horizon is counted once, whole; the first year pays its own."""
    start = dt.date(2027, 3, 1)
    offer = replace(SEATTLE_OFFER, start_date=start)
    sched = cash_schedule(OfferBatch.from_offers([offer]), 5)
    years = tax_years(offer, {p: sched[p][0] for p in PARTS}, start, RULES)
    assert [t.year for t in years] == list(range(2027, 2033))
    assert [t.pay_months for t in years] == [10, 12, 12, 12, 12, 2]
    assert years[0].first_pay == dt.date(2027, 3, 31) and years[-1].last_pay == dt.date(2032, 2, 29)
    # the first tax year: March to December of offer year 1, the sign-on and relocation in it
    assert years[0].parts["sign_on"] == SEATTLE_OFFER.sign_on
    assert years[0].parts["base"] == pytest.approx(SEATTLE_OFFER.base_salary * 10 / 12)
    total = dated_tax([offer], 4, RULES, AS_OF)[0].sum()
    inside = (
        sum(t.withheld for t in years[:4]) + years[4].withheld * years[4].by_offer_year[3] / years[4].taxed
    )
    assert total == pytest.approx(inside)


def test_a_london_job_started_in_january_pays_three_months_in_the_tax_year_ending_5_april():
    offer = replace(LONDON_OFFER, start_date=dt.date(2027, 1, 1))
    sched = cash_schedule(OfferBatch.from_offers([offer]), 1)
    years = tax_years(offer, {p: sched[p][0] for p in PARTS}, offer.start_date, RULES)
    assert [(t.year, t.pay_months) for t in years] == [(2026, 3), (2027, 9)]
    first = years[0]
    pay = first.parts["base"]
    assert pay == pytest.approx(LONDON_OFFER.base_salary / 4)
    # NI on three monthly periods of pay, each with the month's thresholds
    assert float(compute(pay, "GB-ENG", RULES, pay_months=3).lines["employee_ni"]) == pytest.approx(
        employee_ni(pay, RULES, months=3)
    )
    assert employee_ni(pay, RULES, months=3) == pytest.approx(3 * employee_ni(pay / 3 * 12, RULES) / 12)


def test_japan_premiums_of_a_job_started_in_october_are_three_months_at_the_capped_grades():
    """17,000,000 JPY a year from 1 October 2025: 1,416,667 a month, above both tables' top
    grades.  協会けんぽ 東京 (from the March 2025 premium, 9.91 %): 標準報酬月額 1,390,000, employee half
    68,874 a month; 厚生年金 (18.3 %): 650,000, half 59,475; 雇用保険 (5.5/1000 from April 2025): 7,792
    a month (7,791.67, 50銭 rounding).  Three premium months: October to December."""
    lines = social_insurance_lines(17_000_000 * 3 / 12, 2025, 35, months=3)
    assert float(lines["health_insurance"]) == 3 * 68_874
    assert float(lines["employees_pension"]) == 3 * 59_475
    assert float(lines["employment_insurance"]) == 3 * 7_792
    assert float(lines["long_term_care_insurance"]) == 0.0  # not due at 35


def test_pay_months_outside_1_to_12_is_one_clear_error():
    for bad in (0, 13, 2.5, True, "3"):
        with pytest.raises(InvalidInputError, match="^pay_months must be a whole number from 1 to 12$"):
            compute(50_000, "GB-ENG", RULES, pay_months=bad)


@given(st.integers(1, 12), st.floats(0, 5e7))
def test_pay_months_never_lowers_a_tax_year_to_below_nothing_nor_changes_us_rules(months, pay):
    """US payroll taxes and income tax are the year's, whatever the months (no monthly ceiling)."""
    assert _net_tax("US-WA", pay, months) == pytest.approx(_net_tax("US-WA", pay))
    assert _net_tax("JP-TOKYO", pay, months) >= 0.0


def test_the_example_seattle_offer_started_in_october_keeps_more_of_its_first_year():
    """The persona's Seattle offer as shipped (sign-on, relocation, RSUs vesting quarterly
    after a one-year cliff, a match): the first offer year's tax, 1 October against 1 January."""
    from addin.workbook.builder import example

    fields = next(o for o in example()["offers"] if o["jurisdiction"] == "US-WA")
    offer = Offer.from_fields({k: v for k, v in fields.items() if k != "name"})
    jan, october = (
        dated_tax([replace(offer, start_date=day)], 4, RULES, AS_OF)[0]
        for day in (dt.date(2027, 1, 1), dt.date(2027, 10, 1))
    )
    gain = jan[0] - october[0]
    assert gain > 0
    # the four years together: the same pay, spread differently over tax years
    sched = cash_schedule(OfferBatch.from_offers([offer]), 4)
    assert sched["total"][0].sum() > 0 and abs(jan.sum() - october.sum()) < 0.05 * jan.sum()
    # in figures, under the 2025 rules: 6,533 USD more of the first twelve months kept
    assert round(gain) == 6_533, gain


# --- TAX_YEARS, the Excel function --------------------------------------------------------


def _plain_london(example_rows):
    """The example's London column, made plain: base pay only, from 1 January 2027."""
    rows = [list(r) for r in example_rows]
    col = rows[0].index("London start-up")
    keep = {"company", "jurisdiction", "currency", "base_salary", "start_date", "deadline"}
    for row in rows[1:]:
        if row[0] not in keep:
            row[col] = None
    [row for row in rows if row[0] == "start_date"][0][col] = "2027-01-01"
    return rows, col


def test_tax_years_of_a_plain_london_job_are_the_engines_on_each_tax_years_pay(example_rows):
    from addin import udfs
    from calculators.valuation.net import default_tax_year

    rows, col = _plain_london(example_rows)
    base = float([r for r in rows if r[0] == "base_salary"][0][col])
    out = udfs.tax_years(rows, None, 2, "London start-up")
    assert out[0] == ["tax_year", "first_pay", "last_pay", "pay_months", "gross", "withheld", "net"]
    body = out[1:]
    # 2026/27: January to March 2027; 2027/28 and 2028/29 whole (the second offer year runs to
    # December 2028, inside 2028/29, which is shown whole)
    assert [r[:4] for r in body] == [
        ["2026/27", "2027-01-31", "2027-03-31", 3],
        ["2027/28", "2027-04-30", "2028-03-31", 12],
        ["2028/29", "2028-04-30", "2029-03-31", 12],
    ]
    rules = default_tax_year([LONDON_OFFER])
    for (_, _, _, months, gross, withheld, net), share in zip(body, (3, 12, 12), strict=True):
        assert gross == pytest.approx(base * share / 12)
        assert withheld == pytest.approx(
            float(compute(gross, "GB-ENG", rules, pay_months=months).total_withheld)
        )
        assert net == pytest.approx(gross - withheld)


def test_tax_years_takes_a_start_date_and_a_blank_one_is_next_month(example_rows):
    from addin import udfs

    rows, _ = _plain_london(example_rows)
    [row for row in rows if row[0] == "start_date"][0][rows[0].index("London start-up")] = None
    blank = udfs.tax_years(rows, None, 1, "London start-up", None, None, "2027-06-20")
    assert blank[1][:4] == ["2027/28", "2027-07-31", "2028-03-31", 9]
    given = udfs.tax_years(rows, dt.datetime(2027, 7, 1), 1, "London start-up", None, None, "2027-06-20")
    assert given == blank  # xlwings hands a date cell over as a datetime
    seattle = udfs.tax_years(example_rows, "2027-10-01", 1, "Seattle big tech")
    assert [r[0] for r in seattle[1:]] == [2027, 2028]  # a calendar tax year is its number


@pytest.mark.parametrize(
    "start,message",
    [
        ("soon", "start_date must be a date (YYYY-MM-DD)"),
        ("9999-01-01", "start_date 9999-01-01 is too late: the pay from it would run past the year 9999"),
        (60, "start_date must be a date (YYYY-MM-DD)"),  # Excel's 29 February 1900
    ],
)
def test_tax_years_refuses_a_bad_start_date_in_one_line(example_rows, start, message):
    from addin import udfs

    assert udfs.tax_years(example_rows, start, 4, "Seattle big tech") == f"#VALUE! {message}"


@given(any_offer(), st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 5))
def test_many_schedules_at_once_are_each_one_taxed_by_its_tax_years(fields, start, years):
    """dated_withheld on stacked schedules: each row the share of each of its tax years' tax,
    as tax_years gives it one schedule at a time (a second, plain reading of the rule)."""
    from calculators.valuation.dated import dated_withheld

    offer = Offer.from_fields(fields)
    sched = cash_schedule(
        OfferBatch.from_offers([offer, replace(offer, base_salary=offer.base_salary * 2)]), years + 1
    )
    stacked = dated_withheld(offer, {p: sched[p] for p in PARTS}, start, RULES)
    assert stacked.shape == (2, years)
    for row in range(2):
        expected = np.zeros(years)
        for t in tax_years(offer, {p: sched[p][row] for p in PARTS}, start, RULES):
            if t.taxed > 0:
                expected += t.withheld * np.asarray(t.by_offer_year[:years]) / t.taxed
        np.testing.assert_allclose(stacked[row], expected, rtol=1e-9, atol=1e-6)


# --- the year of arrival -------------------------------------------------------------------


def test_a_us_dual_status_year_has_no_standard_deduction():
    """IRS Publication 519, chapter 6, Restrictions for Dual-Status Taxpayers: "You cannot use
    the standard deduction" (IRC 63(c)(6)(B)).  Wages of 46,250 (October to December of
    185,000) in 2025, single: 10 % of 11,925 + 12 % of (46,250 - 11,925) = 5,311.50 (Rev. Proc.
    2024-40 s. 3.01, the 10 % and 12 % brackets), against 3,421.50 on the 30,500 left after
    the 15,750 standard deduction of a resident all year."""
    from calculators.tax.jurisdictions.us_federal import federal_income_tax

    assert federal_income_tax(46_250.0, 2025, dual_status=True) == pytest.approx(5_311.50)
    assert federal_income_tax(46_250.0, 2025) == pytest.approx(3_421.50)
    arrived = compute(46_250.0, "US-WA", 2025, pay_months=3, arrival=True).lines
    stayed = compute(46_250.0, "US-WA", 2025, pay_months=3).lines
    assert float(arrived["federal_income_tax"] - stayed["federal_income_tax"]) == pytest.approx(1_890.0)
    assert {k: float(v) for k, v in arrived.items() if k != "federal_income_tax"} == {
        k: float(v) for k, v in stayed.items() if k != "federal_income_tax"
    }  # FICA and Washington's premiums are on the wages either way
    with pytest.raises(InvalidInputError, match="^arrival must be true or false$"):
        compute(46_250.0, "US-WA", 2025, arrival="yes")


def test_tax_years_moving_from_abroad_makes_the_first_us_tax_year_an_arrival(example_rows):
    from addin import udfs

    plain = udfs.tax_years(example_rows, "2027-10-01", 2, "Seattle big tech")
    moved = udfs.tax_years(example_rows, "2027-10-01", 2, "Seattle big tech", None, None, None, "JP-TOKYO")
    within = udfs.tax_years(
        example_rows, "2027-10-01", 2, "Seattle big tech", None, None, None, "Mountain View"
    )
    assert within == plain  # a move within the US is no arrival
    first, later = moved[1], moved[2:]
    assert later == plain[2:]  # only the year of arrival changes
    from calculators.tax.jurisdictions.us_federal import federal_income_tax
    from calculators.valuation.net import default_tax_year

    # the wages of the year: its gross less the untaxed match (2.5 % of three months' base)
    base = float(
        [r for r in example_rows if r[0] == "base_salary"][0][example_rows[0].index("Seattle big tech")]
    )
    match = float(
        [r for r in example_rows if r[0] == "retirement_match"][0][example_rows[0].index("Seattle big tech")]
    )
    wages = first[4] - base * match * 3 / 12
    rules = default_tax_year([SEATTLE_OFFER])
    extra = federal_income_tax(wages, rules, dual_status=True) - federal_income_tax(wages, rules)
    assert first[5] - plain[1][5] == pytest.approx(extra)
    assert extra > 0
    bad = udfs.tax_years(example_rows, "2027-10-01", 2, "Seattle big tech", None, None, None, "Atlantis")
    assert bad.startswith("#VALUE! moving_from: unknown jurisdiction; supported: ")


def test_leaving_japan_on_31_march_is_a_departure_year():
    """A Tokyo job of 12,000,000 JPY left on 31 March 2025 for another country: pay of January
    to March (3,000,000); 協会けんぽ 東京 at 標準報酬月額 980,000 (報酬月額 1,000,000): 9.98 % for the
    January and February premiums (48,902 a month), 9.91 % from March (48,559); 厚生年金 at the
    650,000 cap, 59,475 a month; 雇用保険 6/1000 until March 2025, 6,000 a month; no 住民税 on the
    year's income (not resident on 1 January 2026, 地方税法 第39条, 第318条).  Income tax by hand:
    給与所得 3,000,000 - (30 % + 80,000) = 2,020,000; less the premiums 342,788 and the 基礎控除 of
    880,000 for that income in 2025: 797,000 (1,000円未満切捨て) x 5 % = 39,850."""
    from calculators.valuation.dated import leaving_year
    from calculators.valuation.forfeit import CurrentJob

    job = CurrentJob("Tokyo", 12_000_000)
    year = leaving_year(job, dt.date(2025, 3, 31), 2025, leaving_country=True)
    assert (year.year, year.pay_months, year.parts["base"]) == (2025, 3, 3_000_000.0)
    lines = compute(3_000_000, "JP-TOKYO", 2025, pay_months=3, departure=True).lines
    assert float(lines["health_insurance"]) == 2 * 48_902 + 48_559
    assert float(lines["employees_pension"]) == 3 * 59_475
    assert float(lines["employment_insurance"]) == 3 * 6_000
    assert float(lines["resident_tax_income_levy"]) == float(lines["resident_tax_per_capita"]) == 0.0
    assert float(lines["income_tax"]) == 39_850
    assert year.withheld == pytest.approx(sum(float(v) for v in lines.values()))
    # staying in Japan (a job change within it) keeps the 住民税 on the year's income
    stays = leaving_year(job, dt.date(2025, 3, 31), 2025)
    assert stays.withheld > year.withheld


def test_the_last_pay_of_a_month_left_early_counts_its_days_and_the_bonus_and_vests_by_then():
    from calculators.valuation.dated import leaving_year
    from calculators.valuation.forfeit import CurrentJob

    job = CurrentJob(
        "Tokyo", 12_000_000, 0.2, "2025-03-10", (("2025-02-15", 1_000_000), ("2025-05-15", 1_000_000))
    )
    year = leaving_year(job, dt.date(2025, 3, 15), 2025, leaving_country=True)
    assert year.last_pay == dt.date(2025, 3, 15) and year.pay_months == 3
    assert year.parts["base"] == pytest.approx(2_000_000 + 1_000_000 * 15 / 31)
    assert year.parts["bonus"] == 2_400_000  # paid on 10 March, before leaving
    assert year.parts["equity"] == 1_000_000  # the February vest; May's is forfeited


def test_tokyo_to_seattle_the_move_year_in_both_countries_adds_up_to_the_offers_first_year():
    """The persona: a Tokyo job of 11,000,000 JPY left on 31 March 2027, the example's Seattle
    offer from 15 April 2027.  Japan: a departure year of three months.  The US: 2027 an
    arrival (dual-status) year, then 2028.  The offer's first year, read off the move's rows
    (its share of each tax year's pay and tax), is its first-year net as the dated model
    gives it, to the unit."""
    from addin.workbook.builder import example
    from calculators.valuation.dated import dated_withheld, move_year
    from calculators.valuation.forfeit import CurrentJob
    from calculators.valuation.net import default_tax_year

    fields = next(o for o in example()["offers"] if o["jurisdiction"] == "US-WA")
    offer = Offer.from_fields({k: v for k, v in fields.items() if k != "name"})
    job = CurrentJob("Tokyo", 11_000_000, name="Tokyo (current)")
    start = dt.date(2027, 4, 15)
    rules = default_tax_year([offer, LONDON_OFFER, TOKYO_OFFER])
    rows = move_year(job, dt.date(2027, 3, 31), offer, start, rules)
    assert [(r.job, r.currency, r.tax_year.year, r.tax_year.pay_months) for r in rows] == [
        ("Tokyo (current)", "JPY", 2027, 3),
        (offer.name, "USD", 2027, 8),
        (offer.name, "USD", 2028, 12),
    ]
    japan = compute(2_750_000, "JP-TOKYO", rules, pay_months=3, departure=True)
    assert rows[0].tax_year.withheld == pytest.approx(float(japan.total_withheld))
    assert float(japan.lines["resident_tax_income_levy"]) == 0.0
    # the offer's first year from the rows: its pay in each tax year, less its share of the tax
    sched = cash_schedule(OfferBatch.from_offers([offer]), 2)
    untaxed = float(sched["retirement"][0, 0] + sched["benefits"][0, 0])
    first_year = untaxed + sum(
        r.tax_year.by_offer_year[0] * (1 - r.tax_year.withheld / r.tax_year.taxed) for r in rows[1:]
    )
    taxed = dated_withheld(offer, {p: sched[p][0] for p in PARTS}, start, rules, arriving=True)
    assert abs(first_year - (sched["total"][0, 0] - taxed[0])) < 1.0
    # arriving costs the standard deduction in 2027: more tax than a resident all year would pay
    resident = dated_withheld(offer, {p: sched[p][0] for p in PARTS}, start, rules)
    assert taxed[0] > resident[0]


def test_move_year_spills_the_move_from_the_sheets_cells(example_rows):
    from addin import udfs

    job = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000], ["bonus_target", None]]
    out = udfs.move_year(job, dt.datetime(2027, 3, 31), example_rows, "Seattle big tech", "2027-04-15")
    assert out[0][:4] == ["job", "jurisdiction", "currency", "tax_year"]
    assert [r[1:4] + [r[6]] for r in out[1:]] == [
        ["JP-TOKYO", "JPY", 2027, 3],
        ["US-WA", "USD", 2027, 8],
        ["US-WA", "USD", 2028, 12],
    ]
    assert out[1][7] == pytest.approx(2_750_000) and out[1][9] == pytest.approx(out[1][7] - out[1][8])
    early = udfs.move_year(job, "2027-04-15", example_rows, "Seattle big tech", "2027-04-15")
    assert early == "#VALUE! start_date must be after leave_date (the last day at the current job)"
    assert udfs.move_year(job, "", example_rows, "Seattle big tech") == (
        "#VALUE! leave_date is required: your last day at the current job"
    )
    assert udfs.move_year(job, "2027-03-31", example_rows, "Seattle big tech", "next spring") == (
        "#VALUE! start_date must be a date (YYYY-MM-DD)"
    )


def test_move_year_at_the_end_of_the_calendar_is_one_clear_line(example_rows):
    from addin import udfs

    job = [["jurisdiction", "London"], ["base_salary", 90_000]]
    out = udfs.move_year(job, "9999-12-30", example_rows, "Seattle big tech", "9999-12-31")
    assert out == (
        "#VALUE! leave_date must be from 1900-01-01 to the end of 9998 (its tax year's pay must have dates)"
    )


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda r, blank: udfs_().tax_years(r, "0001-01-01", 1, "London start-up"),
            "start_date must be on or after 1900-01-01, Excel's first date",
        ),
        (
            lambda r, blank: udfs_().tax_years(blank, None, 1, "Seattle big tech", None, None, "9999-12-01"),
            "as_of 9999-12-01 is too late: the pay from it would run past the year 9999",
        ),
        (
            lambda r, blank: udfs_().tax_years(r, [["2027-10-01", "2027-11-01"]], 4, "Seattle big tech"),
            "start_date must be a single cell",
        ),
        (
            lambda r, blank: udfs_().tax_years(
                r, None, 1, "Seattle big tech", None, None, [["2027-09-15", "x"]]
            ),
            "as_of must be a single cell",
        ),
        (
            lambda r, blank: udfs_().move_year(
                JOB, [["2027-03-31"], ["2027-04-01"]], r, "Seattle big tech", "2027-04-15"
            ),
            "leave_date must be a single cell",
        ),
        (
            lambda r, blank: udfs_().move_year(
                JOB, "2027-03-31", r, "Seattle big tech", [["2027-04-15", "x"]]
            ),
            "start_date must be a single cell",
        ),
        (
            lambda r, blank: udfs_().move_year(JOB, "0001-01-01", r, "Seattle big tech", "2027-04-15"),
            "leave_date must be from 1900-01-01 to the end of 9998 (its tax year's pay must have dates)",
        ),
    ],
    ids=[
        "year-1",
        "as-of-9999",
        "start-range",
        "as-of-range",
        "leave-range",
        "move-start-range",
        "leave-year-1",
    ],
)
def test_dates_out_of_reach_and_ranges_are_one_clear_line(example_rows, call, message):
    blank = [list(r) for r in example_rows]
    for row in blank:
        if row[0] == "start_date":
            row[1:] = [None] * (len(row) - 1)
    assert call(example_rows, blank) == f"#VALUE! {message}"


JOB = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000]]


def udfs_():
    from addin import udfs

    return udfs


def test_the_longest_horizon_and_the_last_years_there_are_are_accepted(example_rows):
    from addin import udfs
    from calculators.defaults import YEARS

    longest = udfs.tax_years(example_rows, "2027-01-01", YEARS.high, "Seattle big tech")
    assert isinstance(longest, list) and len(longest) == YEARS.high + 1  # a header and a row a year
    late = udfs.tax_years(example_rows, "9994-01-01", 4, "Seattle big tech")
    assert isinstance(late, list) and late[-1][2] == "9997-12-31"
    assert isinstance(udfs.move_year(JOB, "9997-06-30", example_rows, "Seattle big tech", "9997-07-01"), list)


def test_arriving_in_the_uk_in_october_is_a_split_year_with_the_whole_personal_allowance(example_rows):
    """The Statutory Residence Test's split year (FA 2013 Sch. 45 Part 3, Case 5: starting
    full-time work in the UK; HMRC RDR3 chapter 5): the UK part of 2027/28 alone is taxed,
    and the personal allowance is not cut down for the part year (ITA 2007 s. 35).  A London
    base of 120,000 from 1 October 2027: six monthly pays, 60,000.  By hand, on the 2025/26
    and 2026/27 bands (frozen): tax 20 % of 37,700 + 40 % of (60,000 - 50,270) = 11,432; Class 1
    NI on six monthly periods of 10,000: 6 x (8 % of (4,189 - 1,048) + 2 % of (10,000 - 4,189))
    = 2,205 (thresholds 12,570 / 12 and 50,270 / 12, rounded up to the pound)."""
    from addin import udfs

    rows, _ = _plain_london(example_rows)
    job = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000]]
    out = udfs.move_year(job, "2027-09-30", rows, "London start-up", "2027-10-01")
    uk = [r for r in out[1:] if r[1] == "GB-ENG"]
    assert [r[3:7] for r in uk] == [
        ["2027/28", "2027-10-31", "2028-03-31", 6],
        ["2028/29", "2028-04-30", "2029-03-31", 12],
    ]
    assert uk[0][7] == pytest.approx(60_000) and uk[0][8] == pytest.approx(11_432 + 2_205)
    japan = out[1]
    assert japan[1:4] == ["JP-TOKYO", "JPY", 2027] and japan[6] == 9  # January to September


def test_arriving_in_germany_the_pay_abroad_before_raises_the_rate_progressionsvorbehalt():
    """§ 32b Abs. 1 Satz 1 Nr. 2, Abs. 2 EStG: in a year of part-time unlimited liability the
    foreign pay of the months before arriving is not taxed, but the German income is taxed at
    the rate of both.  By hand from the Grundtarif (§ 32a; 14,415 on 60,000 in 2025): zvE
    40,000 with 20,000 abroad is taxed at 24.025 %, 9,610, against the tariff's own on 40,000."""
    from calculators.fx import shipped_table
    from calculators.tax.jurisdictions.de_lohnsteuer import progressionsvorbehalt, tarif
    from calculators.valuation.dated import move_year
    from calculators.valuation.forfeit import CurrentJob

    assert float(progressionsvorbehalt(40_000, 20_000, 2025)) == 9_610
    assert float(progressionsvorbehalt(40_000, 0, 2025)) == float(tarif(40_000, 2025))
    assert float(progressionsvorbehalt(0, 20_000, 2025)) == 0.0
    # the move: Tokyo to 31 March 2027, a Munich offer of 90,000 EUR from 1 April
    munich = Offer.from_fields(
        {"company": "M", "jurisdiction": "Muenchen", "currency": "EUR", "base_salary": 90_000}
    )
    rows = move_year(
        CurrentJob("Tokyo", 11_000_000), dt.date(2027, 3, 31), munich, dt.date(2027, 4, 1), RULES
    )
    germany = rows[1].tax_year
    assert (germany.year, germany.pay_months, germany.parts["base"]) == (2027, 9, pytest.approx(67_500))
    abroad = float(shipped_table().convert(2_750_000, "JPY", "EUR"))
    with_rate = compute(67_500, "DE", RULES, pay_months=9, arrival=True, exempt_income=abroad)
    assert germany.withheld == pytest.approx(float(with_rate.total_withheld))
    alone = compute(67_500, "DE", RULES, pay_months=9)
    assert float(with_rate.lines["lohnsteuer"]) > float(alone.lines["lohnsteuer"])
    # the contributions are the German months' alone
    assert float(with_rate.lines["rentenversicherung"]) == float(alone.lines["rentenversicherung"])


def test_arriving_in_ontario_prorates_the_personal_amounts_not_the_cpp_and_ei_credits():
    """Income Tax Act s. 118.91 (and Ontario alike): in a year of arrival the basic personal
    amount and the Canada employment amount are prorated to the time resident, here the three
    months with pay; the CPP and EI credits are on what was paid.  So the federal tax rises by
    the credit rate times three quarters of (BPA + CEA), Ontario's by its rate times three
    quarters of its BPA (pay high enough for no LIFT credit or tax reduction, low enough for
    no surtax, which would hide the step)."""
    from calculators.tax.engine import params
    from calculators.tax.jurisdictions.ca_on import federal_basic_personal_amount

    pay = 60_000.0  # October to December of 240,000
    arrived = compute(pay, "CA-ON", RULES, pay_months=3, arrival=True).lines
    stayed = compute(pay, "CA-ON", RULES, pay_months=3).lines
    fed, ont = params("ca", "federal"), params("ca", "ontario")
    bpa = float(federal_basic_personal_amount(pay, RULES))  # whole: far below its phase-out
    personal = bpa + float(fed["canada_employment_amount"].at(RULES))
    extra_fed = float(fed["credit_rate"].at(RULES)) * personal * 0.75
    extra_ont = float(ont["credit_rate"].at(RULES)) * float(ont["basic_personal_amount"].at(RULES)) * 0.75
    assert float(arrived["federal_income_tax"] - stayed["federal_income_tax"]) == pytest.approx(extra_fed)
    assert float(arrived["ontario_income_tax"] - stayed["ontario_income_tax"]) == pytest.approx(
        extra_ont, abs=0.01
    )
    for line in ("cpp", "cpp2", "ei"):
        assert float(arrived[line]) == float(stayed[line])


def test_a_california_part_year_is_taxed_at_the_rate_of_the_whole_years_income():
    """Form 540NR, R&TC section 17041(b): a part-year resident's California tax is the tax
    on the year's whole income as if resident all year, times the share of it earned while
    resident.  60,000 in California after 40,000 earned abroad the same year: 60 % of the tax
    on 100,000.  New York (IT-203) divides by the federal amount, which in a dual-status year
    holds no foreign pay before arriving: its percentage is 100 % and the tax is the tax on
    the New York income alone."""
    from calculators.tax.jurisdictions.us_ca import ca_income_tax

    part = compute(60_000.0, "US-CA", RULES, pay_months=3, arrival=True, exempt_income=40_000.0).lines
    assert float(part["ca_income_tax"]) == pytest.approx(0.6 * ca_income_tax(100_000.0, RULES))
    assert float(part["ca_income_tax"]) > ca_income_tax(60_000.0, RULES)
    alone = compute(60_000.0, "US-CA", RULES, pay_months=3, arrival=True).lines
    assert float(part["federal_income_tax"]) == float(alone["federal_income_tax"])  # dual status
    ny = compute(60_000.0, "US-NY-NYC", RULES, pay_months=3, arrival=True, exempt_income=40_000.0)
    ny_alone = compute(60_000.0, "US-NY-NYC", RULES, pay_months=3, arrival=True)
    assert float(ny.total_withheld) == float(ny_alone.total_withheld)


def test_move_year_shows_each_systems_contributions_and_the_pension_part(example_rows):
    """The Tokyo departure year's contributions are the engine's social insurance lines for it
    (健康保険, 介護, 子ども・子育て支援金, 厚生年金, 雇用保険), its pension part 厚生年金; the Seattle
    rows' are Social Security, Medicare and Washington's PFML and WA Cares, the pension part
    Social Security."""
    from addin import udfs
    from calculators.tax import compute

    job = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000]]
    out = udfs.move_year(job, "2027-03-31", example_rows, "Seattle big tech", "2027-04-15")
    head = out[0]
    assert head[-2:] == ["contributions", "pension_contributions"]
    tokyo = dict(zip(head, out[1], strict=True))
    from calculators.tax import get_jurisdiction

    rules = max(set(get_jurisdiction("JP-TOKYO").years) & set(get_jurisdiction("US-WA").years))
    taken = compute(2_750_000, "JP-TOKYO", rules, pay_months=3, departure=True)
    assert tokyo["withheld"] == pytest.approx(float(taken.total_withheld))
    lines = taken.lines
    social = ("health_insurance", "long_term_care_insurance", "child_support_levy", "employees_pension",
              "employment_insurance")  # fmt: skip
    assert tokyo["contributions"] == pytest.approx(sum(float(lines[k]) for k in social))
    assert tokyo["pension_contributions"] == pytest.approx(float(lines["employees_pension"]))
    for row in out[2:]:
        us = dict(zip(head, row, strict=True))
        assert 0 < us["pension_contributions"] < us["contributions"] < us["withheld"]


def test_social_coverage_says_whether_the_pension_periods_combine():
    from addin import udfs

    def facts(a, b):
        return dict(udfs.social_coverage(a, b)[1:])

    seattle, london, tel_aviv = (
        facts("Tokyo", "Seattle"),
        facts("Tokyo", "London"),
        facts("Tokyo", "Tel Aviv"),
    )
    assert seattle["agreement"] == "in force since 2005-10-01" and seattle["periods_combine"] is True
    assert london["agreement"] == "in force since 2001-02-01" and london["periods_combine"] is False
    assert tel_aviv["agreement"] == "none" and tel_aviv["periods_combine"] is False
    assert facts("Berlin", "Tokyo")["periods_combine"] is True  # either way round
    assert facts("CA-ON", "JP-TOKYO")["agreement"] == "in force since 2008-03-01"
    unknown = facts("London", "Berlin")
    assert unknown["periods_combine"] is None and "not in this tool's data" in unknown["agreement"]
    assert seattle["checked"] == "2025-10-27" and "nenkin.go.jp" in seattle["source"]
    assert "pension amounts" in seattle["not_modelled"]
    assert udfs.social_coverage("Tokyo", "Atlantis").startswith("#VALUE! to_place: unknown jurisdiction")


def test_compare_on_the_calendar_splits_a_late_start_and_keeps_a_january_start(tmp_path, capsys):
    """`negotiate compare --as-of`: the net bases on the dated model.  Every offer moved to a
    1 January start ranks on the same figures as without --as-of, but for London (its tax year
    starts on 6 April, so January to March is a year of its own); the example's own start dates
    (February to April) give other figures: a first year over two tax years."""
    import json
    from dataclasses import replace

    from addin.cli import main
    from addin.workbook.builder import example
    from calculators.valuation.compare import Settings, compare_offers

    offers = [Offer.from_fields(dict(o)) for o in example()["offers"]]
    jan = [replace(o, start_date=dt.date(2027, 1, 1)) for o in offers]
    steady = {
        r.name: r.value_home
        for r in compare_offers(jan, Settings(basis="net_annualized", home_currency="JPY"))
    }
    dated = compare_offers(
        jan, Settings(basis="net_annualized", home_currency="JPY", as_of=dt.date(2026, 12, 3))
    )
    for r in dated:
        if r.jurisdiction == "GB-ENG":
            assert r.value_home != pytest.approx(steady[r.name], rel=1e-6)
        else:
            assert r.value_home == pytest.approx(steady[r.name], rel=1e-12), r.name
    assert main(["compare", "--json", "--basis", "net_first_year", "--offer-years"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["compare", "--json", "--basis", "net_first_year", "--as-of", "2026-12-03"]) == 0
    on_days = json.loads(capsys.readouterr().out)
    assert plain["as_of"] is None and on_days["as_of"] == "2026-12-03"
    before = {o["name"]: o["value_home"] for o in plain["offers"]}
    after = {o["name"]: o["value_home"] for o in on_days["offers"]}
    assert all(after[n] != pytest.approx(before[n], rel=1e-6) for n in before)
    assert main(["compare", "--as-of", "next week"]) != 0
    assert "--as-of must be a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_offer_compare_takes_the_same_day_as_the_cli(example_rows, capsys):
    import json

    from addin import udfs
    from addin.cli import main

    spilled = udfs.offer_compare(
        example_rows, "net_first_year", "JPY", None, None, None, None, None, "2026-12-03"
    )
    assert main(["compare", "--json", "--basis", "net_first_year", "--as-of", "2026-12-03"]) == 0
    cli = {o["name"]: o["value_home"] for o in json.loads(capsys.readouterr().out)["offers"]}
    assert {r[1]: r[6] for r in spilled[1:]} == pytest.approx(cli, rel=1e-9)
    steady = udfs.offer_compare(example_rows, "net_first_year", "JPY")
    assert {r[1]: r[6] for r in steady[1:]} != pytest.approx(cli, rel=1e-6)
    assert udfs.offer_compare(example_rows, None, None, None, None, None, None, None, "soon") == (
        "#VALUE! as_of must be a date (YYYY-MM-DD)"
    )


def test_offer_tc_takes_the_day_too(example_rows):
    from addin import udfs

    ranked = udfs.offer_compare(
        example_rows, "net_first_year", "USD", None, None, None, None, None, "2026-12-03"
    )
    seattle = next(r for r in ranked[1:] if r[1] == "Seattle big tech")
    dated = udfs.offer_tc(
        example_rows, "net_first_year", None, None, "Seattle big tech", None, None, None, "2026-12-03"
    )
    assert dated == pytest.approx(seattle[5], rel=1e-12)  # local value, USD
    assert udfs.offer_tc(example_rows, "net_first_year", None, None, "Seattle big tech") != pytest.approx(
        dated
    )


def test_a_counter_on_the_calendar_beats_the_alternative_on_the_calendar():
    """With Settings.as_of the counter solver takes the dated path: the raise it finds makes the
    offer worth at least the alternative by the dated metric, and a unit less does not."""
    from dataclasses import replace

    from calculators.negotiation.counter import solve_counter
    from calculators.valuation.compare import Settings, metric, to_home

    s = Settings(basis="net_first_year", home_currency="USD", as_of=dt.date(2026, 12, 3))
    offer = replace(LONDON_OFFER, start_date=dt.date(2027, 2, 15))
    target = float(to_home(metric([offer], s), s)[0]) + 5_000.0
    found = solve_counter(offer, "base_salary", s, target, "a rival")
    raised = replace(offer, base_salary=offer.base_salary + found.increase)
    less = replace(offer, base_salary=offer.base_salary + found.increase - 1.0)
    assert float(to_home(metric([raised], s), s)[0]) >= target
    assert float(to_home(metric([less], s), s)[0]) < target
    steady = replace(s, as_of=None)
    assert solve_counter(offer, "base_salary", steady, target, "a rival").increase != found.increase


# an NPV on the calendar is discounted month by month: the searches take the reference path
@pytest.mark.parametrize("basis", ["net_first_year", "net_annualized", "first_year", "disposable_annualized"])
def test_the_vectorised_counter_search_on_the_calendar_is_the_reference_metric(basis):
    """The counter's search, and the make-whole and equivalence searches, value every raise
    at once; on the calendar they tax each raise by tax year from the offer's start (or the
    first of next month) as the comparison does, to the last bit: each example offer, each
    component, starts given and blank, two days."""
    from addin.io.reader import read_inputs
    from addin.workbook.builder import DEFAULT_PATH, example
    from calculators.negotiation import counter
    from calculators.relocation.move import move_inputs_from_rows
    from calculators.valuation import equivalent
    from calculators.valuation.compare import Settings
    from calculators.valuation.net import default_tax_year

    offers = [Offer.from_fields(dict(o)) for o in example()["offers"]]
    move = move_inputs_from_rows(read_inputs(DEFAULT_PATH).relocation)
    amounts = np.array([0.0, 1.0, 25_000.0, 3_000_000.0])
    for as_of in (dt.date(2026, 12, 1), dt.date(2027, 8, 20)):
        s = Settings(basis=basis, home_currency="JPY", as_of=as_of, move=move)
        for offer in offers:
            for o in (offer, replace(offer, start_date=None)):
                living = counter.living_offset(o, s)  # the disposable bases' living costs
                for part in counter.COUNTER_COMPONENTS:
                    fast = counter._fast(o, part, s, living)(amounts)
                    reference = counter._exact(o, part, s)(amounts)
                    assert fast == pytest.approx(reference, rel=1e-12), (o.name, part, as_of)
                year = default_tax_year([o])  # the make-whole and equivalence searches, likewise
                for part in equivalent.EQUIVALENT_COMPONENTS:
                    fast = equivalent._fast(o, part, replace(s, tax_year=year), year)(amounts)
                    reference = equivalent._exact(o, part, replace(s, tax_year=year))(amounts)
                    assert fast == pytest.approx(reference, rel=1e-12), (o.name, part, as_of)


def test_the_brief_on_the_calendar_values_and_counters_each_offer_as_compare_does(capsys):
    """`negotiate brief --as-of`: each offer's value and its best alternative's are
    compare --as-of's figures (the brief's basis, the same day), every counter the brief gives
    lifts the offer above its alternative plus the margin by the dated metric while a unit
    less does not, and the page says the values follow the calendar; without --as-of they
    follow it from the Strategy sheet's as_of, with --offer-years not at all; a bad day is one
    line naming the option."""
    import json

    from addin.cli import main
    from addin.io.reader import read_inputs, workbook_offers
    from addin.render.brief import build_brief
    from addin.workbook.builder import DEFAULT_PATH
    from calculators.valuation.compare import Settings, metric, to_home

    day = dt.date(2026, 12, 3)
    brief = build_brief(DEFAULT_PATH, day)
    assert main(["compare", "--json", "--basis", brief.basis, "--as-of", day.isoformat()]) == 0
    ranked = {o["name"]: o["value_home"] for o in json.loads(capsys.readouterr().out)["offers"]}
    offers = {o.name: o for o in workbook_offers(read_inputs(DEFAULT_PATH))}
    steady = build_brief(DEFAULT_PATH, None, True)  # each offer year a tax year
    for c, plain in zip(brief.companies, steady.companies, strict=True):
        assert c.value_home == pytest.approx(ranked[c.name], rel=1e-9), c.name
        assert c.batna_home == pytest.approx(ranked[c.batna_name], rel=1e-9), c.name
        assert c.value_home != pytest.approx(plain.value_home, rel=1e-6), c.name  # the start dates matter
    s = Settings(
        basis=brief.basis,
        home_currency=brief.home_currency,
        years=brief.years,
        as_of=day,
        fx=read_inputs(DEFAULT_PATH).fx,
    )
    seen = 0
    for c in brief.companies:
        for part, raise_by in c.counters.items():
            if not raise_by or part != "base_salary":  # none, or already winning
                continue
            seen += 1
            offer = offers[c.name]
            up = float(to_home(metric([replace(offer, base_salary=offer.base_salary + raise_by)], s), s)[0])
            less = float(
                to_home(metric([replace(offer, base_salary=offer.base_salary + raise_by - 1)], s), s)[0]
            )
            assert up > c.batna_home + brief.margin >= less, c.name
    assert seen >= 3
    assert main(["brief", "--as-of", day.isoformat()]) == 0
    assert "After tax on the calendar from 2026-12-03" in capsys.readouterr().out
    assert main(["brief"]) == 0  # the Strategy sheet's as_of
    assert "After tax on the calendar from 2026-12-01" in capsys.readouterr().out
    assert main(["brief", "--offer-years"]) == 0
    assert "on the calendar" not in capsys.readouterr().out
    assert build_brief(DEFAULT_PATH).companies == build_brief(DEFAULT_PATH, dt.date(2026, 12, 1)).companies
    assert main(["brief", "--as-of", "soon"]) == 2
    assert (
        capsys.readouterr().err.strip() == "negotiate: negotiation.xlsm: --as-of must be a date (YYYY-MM-DD)"
    )


def _compare_sheet(path) -> dict[str, float]:
    """The Compare sheet's net annualised column (home currency), per offer, as stored."""
    from openpyxl import load_workbook

    from addin.workbook.sheets.compare import HEADER, TOP

    ws = load_workbook(path, data_only=True)["Compare"]
    col = HEADER.index("net annualized (home)") + 1
    rows = range(TOP + 2, TOP + 14)
    return {ws.cell(r, 1).value: ws.cell(r, col).value for r in rows if ws.cell(r, 1).value not in (None, "")}


def _ranked(path, *options) -> dict[str, float]:
    import json

    from tests.conftest import negotiate

    ran = negotiate("compare", path, "--basis", "net_annualized", "--json", *options)
    assert ran.returncode == 0, ran.stderr
    return {o["name"]: o["value_home"] for o in json.loads(ran.stdout)["offers"]}


def test_the_params_calendar_switch_decides_for_the_sheets_compare_and_the_brief(built_example, tmp_path):
    """The Params setting calendar: TRUE (a new build's), the sheets' net values follow the
    calendar from the Strategy sheet's as_of and so do compare's and the brief's; FALSE (or a
    workbook made before the setting, which has no such row), each offer year is a tax year in
    all three; a value that is not TRUE or FALSE is one line naming it."""
    import shutil

    from openpyxl import load_workbook

    from addin.recalc import recalc
    from addin.render.brief import build_brief
    from addin.workbook.builder import example
    from addin.workbook.sheets.layout import PARAMS, Layout
    from addin.workbook.sheets.strategy import CURRENT
    from addin.workbook.sheets.strategy import rows as strategy_rows
    from tests.conftest import negotiate

    on_calendar = _compare_sheet(built_example)
    assert on_calendar == pytest.approx(_ranked(built_example), rel=1e-9)
    assert on_calendar == pytest.approx(_ranked(built_example, "--as-of", "2026-12-01"), rel=1e-9)
    yearly = _ranked(built_example, "--offer-years")
    assert all(on_calendar[n] != pytest.approx(yearly[n], rel=1e-6) for n in yearly)  # their start dates
    path = tmp_path / "yearly.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    row = Layout(0).params["calendar"] + 1
    assert wb[PARAMS].cell(row, 1).value == "calendar" and wb[PARAMS].cell(row, 2).value is True
    wb[PARAMS].cell(row, 2).value = False
    wb.save(path)
    out = recalc(path, tmp_path / "yearly.recalc.xlsm")
    assert out.error_cells == ()
    assert _compare_sheet(out.path) == pytest.approx(yearly, rel=1e-9)
    assert _ranked(out.path) == pytest.approx(yearly, rel=1e-9)
    assert build_brief(out.path).companies == build_brief(built_example, None, True).companies
    strategy = wb["Strategy"]
    day_row = next(r for r in range(1, 30) if strategy.cell(r, 1).value == "as_of")
    wb[PARAMS].cell(row, 2).value = True  # on, with no day: each offer year a tax year, no error
    strategy.cell(day_row, 2).value = None
    wb.save(path)
    out = recalc(path, tmp_path / "no-day.recalc.xlsm")
    # only what the current job's leave_date decides asks for a day (it is as_of until typed):
    # its block on the Strategy sheet and the Move sheet
    top = strategy_rows(example())[CURRENT] + 1
    assert out.error_cells and all(
        c.startswith("MOVE!")
        or (c.startswith("STRATEGY!") and int(c.split("!")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) > top)
        for c in out.error_cells
    ), out.error_cells
    assert _compare_sheet(out.path) == pytest.approx(yearly, rel=1e-9) == _ranked(out.path)
    wb[PARAMS].cell(row, 2).value = "yes"  # text the sheets' calendar=TRUE reads as off
    wb.save(path)
    for command in ("compare", "brief"):
        ran = negotiate(command, path)
        assert ran.returncode != 0 and ran.stderr.strip() == (
            "negotiate: yearly.xlsm: Params calendar must be TRUE or FALSE"
        ), (command, ran.stderr)


def test_npv_on_the_calendar_discounts_each_pay_month():
    """On the calendar the NPV discounts each month's take-home pay at its month end: for a
    salary-only Seattle offer started on 1 January (offer years are tax years, each month a
    twelfth of its year's take-home pay) it is each year's take-home pay, as the yearly model
    gives it, spread over twelve month ends, (1 + r) ** (-m / 12), more than the yearly model's
    end-of-year discounting; at a rate of 0 it is the total."""
    from calculators.valuation.compare import Settings, metric

    plain = replace(
        SEATTLE_OFFER,
        start_date=dt.date(2027, 1, 1),
        bonus_target=0.0,
        sign_on=0.0,
        sign_on_year2=0.0,
        rsu_grant=0.0,
        refresher_grant=0.0,
        relocation_package=0.0,
        retirement_match=0.0,
        benefits=0.0,
        annual_raise=0.0,
    )
    day, r = dt.date(2026, 12, 1), 0.05
    yearly = metric([plain], Settings(basis="net_total", years=3)).amounts  # the yearly model's total
    per_year = [
        float(metric([plain], Settings(basis="net_first_year", years=1)).amounts[0])
        * (1 + plain.annual_raise) ** k
        for k in range(3)
    ]
    by_month = sum(per_year[k] / 12 * (1 + r) ** (-(12 * k + j) / 12) for k in range(3) for j in range(1, 13))
    dated = metric([plain], Settings(basis="net_npv", years=3, discount_rate=r, as_of=day)).amounts[0]
    assert dated == pytest.approx(by_month, rel=1e-9)
    year_end = metric([plain], Settings(basis="net_npv", years=3, discount_rate=r)).amounts[0]
    assert dated > year_end
    at_zero = metric([plain], Settings(basis="net_npv", years=3, discount_rate=0.0, as_of=day)).amounts[0]
    assert at_zero == pytest.approx(float(yearly[0]), rel=1e-12)


def test_compare_reads_the_calendar_day_from_the_strategy_sheet_alone(built_example, tmp_path):
    """A workbook whose Market sheet was deleted (the brief would refuse it) is still ranked on
    the calendar its sheets follow: compare reads only the Strategy sheet's as_of."""
    import json
    import shutil

    from openpyxl import load_workbook

    from tests.conftest import negotiate

    path = tmp_path / "no-market.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    del wb["Market"]
    wb.save(path)
    ran = negotiate("compare", path, "--basis", "net_annualized", "--json")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert data["as_of"] == "2026-12-01"
    assert {o["name"]: o["value_home"] for o in data["offers"]} == pytest.approx(
        _compare_sheet(built_example), rel=1e-9
    )
