"""An RSU vest across a move (calculators.valuation.sourcing and VEST_SOURCING), by hand.

Each case is worked from the rules: the workdays counted one day at a time, Japan's
non-resident rate of 20 % plus 2.1 % of it (所得税法 第170条; 復興財源確保法), the US federal tax
of a resident on the whole vest with the credit capped at the federal tax's share of the
Japan workdays (26 U.S.C. §§ 901, 904), the payroll taxes on the US workdays only (26 U.S.C.
§ 3121(b)), the UK's tax on its own workdays alone (ITEPA 2003 ss. 41F-41L), and a US
non-resident's tax with no standard deduction (26 U.S.C. § 63(c)(6)(B)); the tax engine gives
each country's brackets.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from calculators.errors import InvalidInputError
from calculators.fx import shipped_table
from calculators.tax import compute
from calculators.valuation.sourcing import vest_across_border, workdays

RULES = 2025
FX = shipped_table()


def _weekdays(first: dt.date, last: dt.date) -> int:
    n, day = 0, first
    while day <= last:
        n += day.weekday() < 5
        day += dt.timedelta(days=1)
    return n


def test_workdays_are_monday_to_friday_both_ends_counted():
    for first, last in (
        (dt.date(2026, 4, 1), dt.date(2027, 4, 14)),
        (dt.date(2027, 3, 6), dt.date(2027, 3, 7)),  # a weekend
        (dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
    ):
        assert workdays(first, last) == _weekdays(first, last)
    assert workdays(dt.date(2027, 3, 2), dt.date(2027, 3, 1)) == 0


def test_tokyo_to_seattle_a_vest_after_the_move_is_taxed_in_both_with_the_us_crediting_japan():
    """Granted in Tokyo on 1 April 2026, 100,000 USD vesting in Seattle on 1 October 2027 after a
    move on 15 April 2027, with 130,000 USD of US pay that (dual-status) year."""
    grant, move, vest = dt.date(2026, 4, 1), dt.date(2027, 4, 15), dt.date(2027, 10, 1)
    found = vest_across_border(
        100_000, grant, vest, move, "JP-TOKYO", "US-WA", "USD", RULES, income_after=130_000, arrival=True
    )
    japan_days = _weekdays(grant, move - dt.timedelta(days=1))
    us_days = _weekdays(move, vest)
    share = japan_days / (japan_days + us_days)
    assert (found.source.workdays, found.residence.workdays) == (japan_days, us_days)
    assert found.source.share == pytest.approx(share)
    # Japan: the Japan workdays' share in yen, 20.42 %, no 住民税, no social insurance
    yen = 100_000 * share * float(FX.convert(1.0, "USD", "JPY"))
    assert found.source.income == pytest.approx(yen)
    assert found.source.tax == math.floor(yen * 0.20 * 1.021)

    # the US: federal income tax on the whole vest, payroll taxes on the US share only
    def us(equity):
        return compute(130_000, "US-WA", RULES, equity, arrival=True)

    base, whole, own = us(0.0), us(100_000.0), us(100_000.0 * (1 - share))
    federal = float(whole.lines["federal_income_tax"] - base.lines["federal_income_tax"])
    payroll = sum(float(own.lines[k] - base.lines[k]) for k in own.lines if not k.endswith("income_tax"))
    assert found.residence.tax == pytest.approx(federal + payroll)
    assert payroll < sum(
        float(whole.lines[k] - base.lines[k]) for k in whole.lines if k != "federal_income_tax"
    )
    japan_usd = found.source.tax / float(FX.convert(1.0, "USD", "JPY"))
    assert found.residence.credit == pytest.approx(min(japan_usd, federal * share))
    # here Japan's 20.42 % is below the federal tax's share, so all of it is credited: in all,
    # the US tax on the whole less the payroll taxes of the Japan workdays, which taxing it
    # wholly where the offer is (as the yearly model does) would charge
    assert found.residence.credit == pytest.approx(japan_usd) and japan_usd < federal * share
    total_usd = japan_usd + found.residence.net_tax
    wholly = float(whole.total_withheld - base.total_withheld)
    assert total_usd == pytest.approx(federal + payroll) and total_usd < wholly


def test_seattle_to_london_the_uk_taxes_its_share_alone_and_the_us_its_own_as_a_non_resident():
    """Granted in Seattle on 5 January 2026, 100,000 USD vesting in London on 15 December 2027
    after a move on 1 July 2027; 120,000 USD of US pay earlier in 2027 and 60,000 GBP of UK pay
    after the move."""
    grant, move, vest = dt.date(2026, 1, 5), dt.date(2027, 7, 1), dt.date(2027, 12, 15)
    found = vest_across_border(
        100_000,
        grant,
        vest,
        move,
        "US-WA",
        "GB-ENG",
        "USD",
        RULES,
        income_before=120_000,
        income_after=60_000,
    )
    us_days, uk_days = _weekdays(grant, move - dt.timedelta(days=1)), _weekdays(move, vest)
    share = us_days / (us_days + uk_days)
    # the UK: income tax and NI on the UK workdays' share alone, on top of the UK pay
    pounds = 100_000 * (1 - share) * float(FX.convert(1.0, "USD", "GBP"))
    uk = (
        compute(60_000, "GB-ENG", RULES, pounds).total_withheld
        - compute(60_000, "GB-ENG", RULES).total_withheld
    )
    assert found.residence.income == pytest.approx(pounds)
    assert found.residence.tax == pytest.approx(float(uk)) and found.residence.credit == 0.0
    # the US: its share as a non-resident's, no standard deduction, on top of the year's US pay
    dollars = 100_000 * share
    nonres = (
        compute(120_000, "US-WA", RULES, dollars, arrival=True).total_withheld
        - compute(120_000, "US-WA", RULES, arrival=True).total_withheld
    )
    resident = (
        compute(120_000, "US-WA", RULES, dollars).total_withheld
        - compute(120_000, "US-WA", RULES).total_withheld
    )
    assert found.source.income == pytest.approx(dollars)
    assert found.source.tax == pytest.approx(float(nonres))
    assert found.source.tax >= float(resident)  # no standard deduction: never less


def test_a_california_share_is_taxed_at_the_whole_years_rate():
    """From San Francisco: California taxes its share at the rate of the year's whole income
    (Form 540NR), so the other income of the year raises its tax on the same share."""
    grant, move, vest = dt.date(2026, 1, 5), dt.date(2027, 7, 1), dt.date(2027, 12, 15)
    low = vest_across_border(100_000, grant, vest, move, "US-CA", "GB-ENG", "USD", RULES, 120_000, 0.0)
    high = vest_across_border(100_000, grant, vest, move, "US-CA", "GB-ENG", "USD", RULES, 120_000, 200_000)
    assert low.source.income == high.source.income
    assert high.source.tax > low.source.tax
    wa = vest_across_border(100_000, grant, vest, move, "US-WA", "GB-ENG", "USD", RULES, 120_000, 0.0)
    assert low.source.tax > wa.source.tax  # Washington has no income tax


def test_unmodelled_directions_and_bad_dates_are_one_line_naming_the_field():
    day = dt.date
    jan26, jan27, jun26 = day(2026, 1, 1), day(2027, 1, 1), day(2026, 6, 1)  # grant, vest, move
    for args, message in (
        (
            (day(2027, 1, 1), day(2026, 1, 1), day(2026, 6, 1), "Tokyo", "Seattle"),
            "grant_date must be on or before",
        ),
        ((day(2026, 1, 1), day(2027, 1, 1), day(2027, 2, 1), "Tokyo", "Seattle"), "move_date must be after"),
        (
            (jan26, jan27, jun26, "US-CA", "Seattle"),
            "from_place and to_place must be in two",
        ),
        (
            (jan26, jan27, jun26, "Tokyo", "Berlin"),
            "to_place: the tax of a vest",
        ),
        (
            (jan26, jan27, jun26, "London", "Seattle"),
            "from_place: the tax GB-ENG levies",
        ),
        (
            (jan26, jan27, jun26, "Tokyo", "Atlantis"),
            "to_place: unknown jurisdiction",
        ),
    ):
        with pytest.raises(InvalidInputError) as caught:
            vest_across_border(1_000, *args)
        assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_the_us_credit_is_capped_at_the_federal_tax_on_the_japan_share():
    """A small vest with no other US pay: the federal tax on it is low (10 % and 12 %), so
    Japan's 20.42 % on its share is more than the credit's cap, the federal tax's share."""
    grant, move, vest = dt.date(2026, 4, 1), dt.date(2027, 4, 15), dt.date(2027, 10, 1)
    found = vest_across_border(20_000, grant, vest, move, "Tokyo", "Seattle", None, RULES, arrival=True)
    share = found.source.share
    federal = float(
        compute(0.0, "US-WA", RULES, 20_000, arrival=True).lines["federal_income_tax"]
        - compute(0.0, "US-WA", RULES, arrival=True).lines["federal_income_tax"]
    )
    japan_usd = found.source.tax / float(FX.convert(1.0, "USD", "JPY"))
    assert japan_usd > federal * share
    assert found.residence.credit == pytest.approx(federal * share)
    assert found.residence.currency == "USD" and found.source.currency == "JPY"


def test_vest_sourcing_spills_both_countries_from_the_sheets_cells():
    from addin import udfs

    out = udfs.vest_sourcing(40_000, "2026-04-01", dt.datetime(2027, 10, 1), "2027-04-15", "Tokyo", "US-WA")
    assert out[0] == [
        "role", "jurisdiction", "first_day", "last_day", "workdays", "share", "income", "tax", "credit",
        "net_tax", "currency",
    ]  # fmt: skip
    assert [r[:5] for r in out[1:]] == [
        ["source", "JP-TOKYO", "2026-04-01", "2027-04-14", 271],
        ["residence", "US-WA", "2027-04-15", "2027-10-01", 122],
    ]
    assert out[1][10] == "JPY" and out[2][10] == "USD" and out[2][9] == pytest.approx(out[2][7] - out[2][8])
    assert udfs.vest_sourcing(40_000, "2026-04-01", None, "2027-04-15", "Tokyo", "US-WA") == (
        "#VALUE! vest_date is required"
    )
    assert udfs.vest_sourcing("=1+1", "2026-04-01", "2027-10-01", "2027-04-15", "Tokyo", "US-WA") == (
        "#VALUE! amount must be a number"
    )
    assert udfs.vest_sourcing(1, "2026-04-01", "2027-10-01", "2027-04-15", "Tokyo", "Atlantis").startswith(
        "#VALUE! to_place: unknown jurisdiction"
    )


def test_new_york_left_is_refused_and_the_vests_currency_and_date_are_named():
    grant, move, vest = dt.date(2026, 4, 1), dt.date(2027, 4, 15), dt.date(2027, 10, 1)
    for args, message in (
        ((grant, vest, move, "US-NY-NYC", "London", "USD"), "from_place: the tax US-NY-NYC levies"),
        (
            (grant, dt.date(9999, 12, 31), move, "Tokyo", "London", "USD"),
            "vest_date must be before the year 9999",
        ),
        ((grant, vest, move, "Tokyo", "London", "XYZ"), "vest_currency: no FX rate for XYZ"),
        ((grant, vest, move, "Tokyo", "London", "=1+1"), "vest_currency: "),
    ):
        with pytest.raises(InvalidInputError) as caught:
            vest_across_border(40_000, *args)
        assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    # New York is still modelled as where you live at the vest
    found = vest_across_border(40_000, grant, vest, move, "Tokyo", "US-NY-NYC", "USD", RULES)
    assert found.residence.jurisdiction == "US-NY-NYC" and found.residence.tax > 0


def test_an_internal_transfer_keeps_the_grants_and_shares_each_later_vest_by_workdays(example_rows):
    """The Tokyo job moved to Seattle (MOVE_YEAR with transfer TRUE): its vest of 15 June 2027,
    granted 1 April 2026, is no longer lost: two rows give Japan's 20.42 % on its workday share
    and the US tax on the whole less the credit, the figures VEST_SOURCING gives with the
    offer's 2027 US taxed pay as the other pay of the year, with the US payroll taxes in its
    contributions.  A vest before the day of leaving stays
    in the job's year; without transfer no vest row appears; a vest with no grant date is one
    line asking for it."""
    from addin import udfs
    from calculators.valuation.dated import common_rules_year, move_year
    from calculators.valuation.forfeit import current_job_from_table

    table = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        [dt.datetime(2027, 6, 15), 3_000_000, dt.datetime(2026, 4, 1)],
        [dt.datetime(2027, 2, 15), 1_000_000, "Unvested: vest date (A), amount (B); grant date here"],
    ]
    out = udfs.move_year(
        table, "2027-03-31", example_rows, "Seattle big tech", "2027-04-15", None, None, True
    )
    head, rows = out[0], [dict(zip(out[0], r, strict=True)) for r in out[1:]]
    assert [r["job"] for r in rows] == [
        "Current job",
        "Seattle big tech",
        "Seattle big tech",
        "Current job: vest 2027-06-15 (source)",
        "Current job: vest 2027-06-15 (residence)",
    ]
    assert rows[0]["gross"] == pytest.approx(2_750_000 + 1_000_000)  # the February vest, paid before leaving
    job = current_job_from_table(table)
    from addin.workbook.builder import example
    from calculators.offer.model import Offer

    offer = Offer.from_fields(dict(next(o for o in example()["offers"] if o["name"] == "Seattle big tech")))
    rules = common_rules_year(job, offer)
    us_2027 = move_year(job, dt.date(2027, 3, 31), offer, dt.date(2027, 4, 15), rules)[1].tax_year.taxed
    split = vest_across_border(
        3_000_000, dt.date(2026, 4, 1), dt.date(2027, 6, 15), dt.date(2027, 4, 15), "Tokyo", "US-WA", "JPY",
        rules, 0.0, us_2027, arrival=True,
    )  # fmt: skip
    japan, us = rows[3], rows[4]
    assert (japan["jurisdiction"], japan["currency"]) == ("JP-TOKYO", "JPY")
    assert japan["gross"] == pytest.approx(split.source.income)
    assert japan["withheld"] == split.source.tax == math.floor(split.source.income * 0.2042)
    assert (us["jurisdiction"], us["currency"]) == ("US-WA", "USD")
    assert us["withheld"] == pytest.approx(split.residence.net_tax)
    # Medicare on the US days' share; Social Security is already at its wage base on that pay
    assert us["contributions"] > 0 and us["pension_contributions"] == 0.0
    assert japan["contributions"] == 0.0  # no social insurance after leaving Japan
    usd = float(FX.convert(3_000_000, "JPY", "USD"))
    assert japan["gross"] / float(FX.convert(1.0, "USD", "JPY")) + us["gross"] == pytest.approx(usd)
    plain = udfs.move_year(table, "2027-03-31", example_rows, "Seattle big tech", "2027-04-15")
    assert len(plain) == 4 and head == plain[0]
    no_grant = [table[0], table[1], [dt.datetime(2027, 6, 15), 3_000_000]]
    assert udfs.move_year(
        no_grant, "2027-03-31", example_rows, "Seattle big tech", "2027-04-15", None, None, "yes"
    ) == ("#VALUE! current job: the vest of 2027-06-15 needs its grant date (third column) for a transfer")
    assert udfs.move_year(
        table, "2027-03-31", example_rows, "Seattle big tech", None, None, None, "maybe"
    ) == ("#VALUE! transfer must be TRUE or FALSE (or yes / no)")


def test_vests_of_one_tax_year_are_taxed_on_top_of_each_other_and_bad_grants_are_named(example_rows):
    """Two vests of 1,500,000 JPY on one day take (to 0.5 %) the tax of one of 3,000,000: each
    is taxed on top of the other.  A vest between leaving and starting, a grant on or after the
    start, and a grant date that is not a date are each one line naming the vest or the row."""
    from addin import udfs

    def rows(*vests, leave="2027-03-31", start="2027-04-15"):
        table = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000], *vests]
        return udfs.move_year(table, leave, example_rows, "Seattle big tech", start, None, None, True)

    grant = dt.datetime(2026, 4, 1)
    one = rows([dt.datetime(2027, 6, 15), 3_000_000, grant])
    two = rows([dt.datetime(2027, 6, 15), 1_500_000, grant], [dt.datetime(2027, 6, 15), 1_500_000, grant])
    taxes = [sum(r[8] for r in out[4:] if r[2] == ccy) for out in (one, two) for ccy in ("JPY", "USD")]
    assert taxes[2] == pytest.approx(taxes[0], rel=5e-3) and taxes[3] == pytest.approx(taxes[1], rel=5e-3)
    assert rows([dt.datetime(2027, 4, 10), 1_000_000, grant]) == (
        "#VALUE! current job: the vest of 2027-04-10 falls between leave_date and start_date: a transfer "
        "has no gap"
    )
    late = rows([dt.datetime(2027, 6, 15), 1_000_000, dt.datetime(2027, 5, 1)])
    assert late == (
        "#VALUE! current job: the vest of 2027-06-15: its grant date must be before start_date "
        "(and from 1900)"
    )
    for bad in ("2026-02-30", "2026-4-1x", True):
        assert rows([dt.datetime(2027, 6, 15), 1_000_000, bad]) == (
            "#VALUE! current_job_table row 3: the grant date must be a date (YYYY-MM-DD)"
        ), bad
    table = [["jurisdiction", "Tokyo"], ["base_salary", 11_000_000]]
    same_country = udfs.move_year(
        table, "2027-03-31", example_rows, "Tokyo big tech", "2027-04-15", None, None, 1
    )
    assert same_country[0][0] == "job"  # 1 is TRUE; within one country with no vest to share: no refusal
