"""The best day to start an offer (calculators.valuation.start and BEST_START).

The checks are of what the gain means, each against a figure worked another way: a new job
that is the current job again gains nothing on any start; a vest of the current job is worth,
to the starts after it, its take-home pay as the tax engine gives it on top of the year's
base; the persona's best start is the day after the current job's vest and moves with it; no
day of a weekly scan beats the grid's best.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from calculators.errors import InvalidInputError
from calculators.examples import TOKYO_OFFER
from calculators.offer.model import Offer
from calculators.tax import compute
from calculators.valuation.dated import common_rules_year, move_year
from calculators.valuation.forfeit import CurrentJob
from calculators.valuation.start import START_BASES, best_start, start_grid

JAN = dt.date(2027, 1, 1)
DEC = dt.date(2027, 12, 1)


@pytest.fixture(scope="module")
def seattle() -> Offer:
    """The shipped example's Seattle offer (185,000 USD base, RSUs with a 12-month cliff)."""
    from addin.workbook.builder import example

    fields = next(o for o in example()["offers"] if o["jurisdiction"] == "US-WA")
    return Offer.from_fields(dict(fields))


def _same_as(job: CurrentJob) -> Offer:
    """An offer that is the current job again: the same city, base, nothing else."""
    return replace(
        TOKYO_OFFER,
        base_salary=job.base_salary,
        bonus_target=0.0,
        rsu_grant=0.0,
        sign_on=0.0,
        sign_on_year2=0.0,
        start_date=None,
    )


def test_the_current_job_again_gains_nothing_on_any_monthly_start():
    """Two jobs of the same pay in one country, one after the other, are one year's income:
    the tax year they share is taxed on the whole (shared_year), so no start gains or loses."""
    job = CurrentJob("Tokyo", 12_000_000)
    found = best_start(job, _same_as(job), JAN)
    assert [d.start.day for d in found.days] == [1] * 12
    assert max(abs(d.gain) for d in found.days) < 1.0


def test_a_vest_is_worth_its_take_home_pay_to_the_starts_after_it():
    job = CurrentJob("Tokyo", 12_000_000, unvested=(("2027-05-20", 2_000_000),))
    found = best_start(job, _same_as(job), JAN)
    rules = common_rules_year(job, _same_as(job))
    vest_net = float(
        compute(12_000_000, "JP-TOKYO", rules, 2_000_000).net - compute(12_000_000, "JP-TOKYO", rules).net
    )
    before = [d for d in found.days if d.start <= dt.date(2027, 5, 20)]
    after = [d for d in found.days if d.start.day == 1 and d.start > dt.date(2027, 5, 20)]
    assert len(before) == 5 and len(after) == 7
    for d in before:
        assert d.gain == pytest.approx(-vest_net, abs=1.0)
    for d in after:
        assert d.gain == pytest.approx(0.0, abs=1.0)
    assert dt.date(2027, 5, 21) in [d.start for d in found.days]  # the day after the vest is weighed
    assert found.best.start == dt.date(2027, 6, 1)  # the first of the equal best gains
    assert found.kept == (("vest", dt.date(2027, 5, 20)),)
    assert found.worth == pytest.approx(vest_net, abs=1.0)


def test_the_persona_waits_for_the_vest_and_the_best_day_moves_with_it(seattle):
    """Tokyo at 11,000,000 JPY with 10,000,000 JPY of RSUs vesting once, against the example's
    Seattle offer: the best start is the day after the vest, on 16 March or, the vest moved to
    15 April, on 16 April; a vest in June is not worth waiting for."""
    found = {}
    for vest in ("2027-03-15", "2027-04-15", "2027-06-15"):
        job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-12-20", ((vest, 10_000_000),))
        found[vest] = best_start(job, seattle, JAN, DEC)
        best = found[vest].best
        assert all(best.gain >= d.gain for d in found[vest].days)
        assert sum(best.gain == d.gain for d in found[vest].days) == 1
    assert found["2027-03-15"].best.start == dt.date(2027, 3, 16)
    assert found["2027-04-15"].best.start == dt.date(2027, 4, 16)
    assert found["2027-06-15"].best.start == JAN
    assert found["2027-04-15"].kept == (("vest", dt.date(2027, 4, 15)),)
    assert found["2027-04-15"].currency == "JPY"


def test_no_day_of_a_weekly_scan_beats_the_grids_best(seattle):
    """Each scanned day is weighed alone (the earliest start of its own grid, over the same
    window): none takes home more than the best of the monthly-and-events grid."""
    job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-06-30", (("2027-03-15", 10_000_000),))
    best = best_start(job, seattle, JAN, DEC).best
    day = JAN
    while day <= DEC:
        alone = best_start(job, seattle, day, DEC).days[0]
        assert alone.start == day
        assert alone.gain <= best.gain + 1.0, day
        day += dt.timedelta(days=7)


def test_the_gain_is_the_move_rows_take_home_pay_less_staying(seattle):
    """A start on 1 January 2027 weighed alone: its window is 2026 (the current job's tax year
    the day before) and the offer's first year, 2027, which are the rows MOVE_YEAR gives for
    that move (Japan's 2026 a year of departure).  With no lump of the offer paid after the
    window, the gain is those rows' take-home pay, in yen, less two years of the job's."""
    from calculators.fx import shipped_table

    job = CurrentJob("Tokyo", 11_000_000)
    offer = replace(seattle, sign_on_year2=0.0)
    found = best_start(job, offer, JAN, JAN)
    assert found.window == (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    rows = move_year(job, JAN - dt.timedelta(days=1), offer, JAN)
    assert [(r.jurisdiction, r.tax_year.year, r.tax_year.pay_months) for r in rows] == [
        ("JP-TOKYO", 2026, 12),
        ("US-WA", 2027, 12),
    ]
    rules = common_rules_year(job, offer)
    stay = 2 * float(compute(11_000_000, "JP-TOKYO", rules).net)
    moved = rows[0].net + float(shipped_table().convert(rows[1].net, "USD", "JPY"))
    assert found.days[0].gain == pytest.approx(moved - stay, abs=1.0)
    # leaving on 31 December, Japan levies no 住民税 on 2026: the departure year nets more
    assert rows[0].net > float(compute(11_000_000, "JP-TOKYO", rules).net)


def test_a_lump_after_the_window_counts_for_its_share_earned_in_it():
    """The offer's year-two sign-on, paid with the first pay of year two: a start on
    1 December 2027 pays it on 31 December 2028, after the window (to 30 November 2028).  It
    counts for the share of its earning period in the window (from the start, the sign-on of
    year one being nil, to its pay day: 366 of 397 days), at the average rate of the window's
    last tax year, 2028's eleven months of base."""
    job = CurrentJob("Tokyo", 12_000_000)
    offer = replace(_same_as(job), sign_on_year2=1_200_000.0)
    found = best_start(job, offer, DEC, DEC)
    assert found.window[1] == dt.date(2028, 11, 30)
    rules = common_rules_year(job, offer)
    rate = float(compute(11_000_000, "JP-TOKYO", rules, pay_months=11).total_withheld) / 11_000_000
    assert found.days[0].gain == pytest.approx(1_200_000 * 366 / 397 * (1 - rate), abs=1.0)


def test_the_grid_holds_monthly_starts_the_days_after_events_and_the_offers_own_start():
    job = CurrentJob("Tokyo", 1, 0.1, "2027-06-30", (("2027-03-15", 1), ("2026-12-01", 1)))
    days = start_grid(job, dt.date(2027, 2, 10), dt.date(2027, 7, 1), dt.date(2027, 4, 20))
    assert [d.isoformat() for d in days] == [
        "2027-02-10",
        "2027-03-01",
        "2027-03-16",
        "2027-04-01",
        "2027-04-20",
        "2027-05-01",
        "2027-06-01",
        "2027-07-01",
    ]


def test_bases_and_bad_days_are_one_line_naming_the_field(seattle):
    job = CurrentJob("Tokyo", 11_000_000)
    assert START_BASES == ("first_year", "annualized", "total")
    for bad, message in (
        (dict(basis="npv"), "basis must be one of first_year, annualized, total"),
        (dict(earliest=DEC, latest=JAN), "to_date must be on or after from_date"),
        (dict(), "from_date is required when there is no as_of (today)"),
        (dict(earliest=dt.date(9998, 6, 1)), "from_date 9998-06-01 is too late"),
        (dict(earliest=dt.date(1900, 1, 1)), "from_date must be after 1900-01-01"),
        (dict(earliest=JAN, basis="total", years=51), "years must be a whole number from 1 to 50"),
    ):
        with pytest.raises(InvalidInputError) as caught:
            best_start(job, seattle, **bad)
        assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_annualized_is_the_total_per_year_of_its_window(seattle):
    job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-06-30")
    total = best_start(job, seattle, JAN, DEC, "total", 2)
    yearly = best_start(job, seattle, JAN, DEC, "annualized", 2)
    first, last = total.window
    assert first == dt.date(2026, 1, 1) and last == dt.date(2029, 11, 30)
    span = ((last - first).days + 1) / 365.25
    for a, b in zip(total.days, yearly.days, strict=True):
        assert b.gain == pytest.approx(a.gain / span)
    assert total.best.start == yearly.best.start


def test_best_start_spills_the_ranked_grid_from_the_sheets_cells(example_rows):
    from addin import udfs

    job = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        ["bonus_target", 0.2],
        ["next_bonus_date", dt.datetime(2027, 12, 20)],
        [dt.datetime(2027, 4, 15), 10_000_000],
    ]
    out = udfs.best_start(job, example_rows, "Seattle big tech", "2027-01-01", "2027-12-01")
    assert out[0] == ["rank", "start_date", "leave_date", "gain", "vs_reference", "currency", "between"]
    assert out[1][:3] == [1, "2027-04-16", "2027-04-15"]
    gains = [r[3] for r in out[1:]]
    assert gains == sorted(gains, reverse=True) and [r[0] for r in out[1:]] == list(range(1, len(gains) + 1))
    # the reference is the offer's own start, 1 March 2027: 0 there, the vest kept on the best day
    planned = next(r for r in out[1:] if r[1] == "2027-03-01")
    assert planned[4] == 0.0 and out[1][6] == "vest 2027-04-15" and out[1][5] == "JPY"
    # blank dates: the first of the month after as_of, twelve monthly starts
    blank = udfs.best_start(
        job, example_rows, "Seattle big tech", None, None, None, None, None, None, "2026-12-03"
    )
    assert sorted(r[1] for r in blank[1:])[0] == "2027-01-01" and len(blank) > 12
    assert udfs.best_start(job, example_rows, "Seattle big tech", "2027-01-01", None, "npv") == (
        "#VALUE! basis must be one of first_year, annualized, total"
    )
    assert udfs.best_start(job, example_rows, "Seattle big tech", "next spring") == (
        "#VALUE! from_date must be a date (YYYY-MM-DD)"
    )
    assert udfs.best_start([["jurisdiction", "Tokyo"]], example_rows, "Seattle big tech") == (
        "#VALUE! current_job_table: base_salary is missing"
    )


def test_the_longest_horizon_works_and_a_grid_too_long_or_too_late_names_to_date(seattle):
    job = CurrentJob("Tokyo", 11_000_000)
    found = best_start(job, seattle, JAN, JAN, "total", 50)
    assert found.window[1] == dt.date(2076, 12, 31)
    for latest, message in (
        (dt.date(2037, 2, 1), "to_date must be at most 10 years after from_date"),
        (dt.date(9997, 12, 1), "to_date 9997-12-01 is too late"),
    ):
        earliest = JAN if latest.year < 9000 else dt.date(9997, 1, 1)
        with pytest.raises(InvalidInputError) as caught:
            best_start(job, seattle, earliest, latest)
        assert str(caught.value).startswith(message)


def test_pay_abroad_before_arriving_is_the_pay_dated_in_the_new_countrys_tax_year():
    """Leaving a London job on 31 March 2027 for Germany: Germany's 2027 counts the London pay of
    January to March 2027 for its rate (§ 32b), three months of it, not the whole UK tax year
    2026/27 that ends on 5 April; leaving on 10 April, 1 to 5 April (of a 31-day pay month
    from 6 March) and 6 to 10 April (of 2027/28's first, 30 days) are added."""
    from calculators.fx import shipped_table
    from calculators.valuation.dated import leaving_year, pay_before_arrival

    germany = Offer.from_fields(
        {"company": "X", "jurisdiction": "DE", "currency": "EUR", "base_salary": 90_000}
    )
    job = CurrentJob("London", 120_000)
    rate = float(shipped_table().convert(1.0, "GBP", "EUR"))
    left = leaving_year(job, dt.date(2027, 3, 31), 2025, leaving_country=True)
    assert left.year == 2026 and left.parts["base"] > 110_000  # the UK year runs from 6 April 2026
    assert pay_before_arrival(job, left, germany, dt.date(2027, 4, 1), None) == pytest.approx(30_000 * rate)
    later = leaving_year(job, dt.date(2027, 4, 10), 2025, leaving_country=True)
    assert pay_before_arrival(job, later, germany, dt.date(2027, 4, 11), None) == pytest.approx(
        (30_000 + 10_000 * 5 / 31 + 10_000 * 5 / 30) * rate  # 1-5 April of 2026/27, 6-10 of 2027/28
    )
