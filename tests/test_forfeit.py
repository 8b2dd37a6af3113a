"""What leaving the current job forfeits, by hand, and the make-whole sign-on that replaces it."""

from __future__ import annotations

import datetime as dt

import pytest

from calculators.errors import NegotiationError
from calculators.examples import TOKYO_OFFER
from calculators.tax import compute, get_jurisdiction
from calculators.valuation.compare import Settings
from calculators.valuation.equivalent import make_whole
from calculators.valuation.forfeit import CurrentJob, forfeited

JOB = CurrentJob(
    "Tokyo",
    10_000_000,
    0.2,
    "2026-06-30",
    (("2026-03-15", 1_000_000), ("2026-09-15", 1_000_000), ("2027-03-15", 1_000_000)),
)
YEAR = max(get_jurisdiction("JP-TOKYO").years)


def test_equity_vesting_after_the_date_counts_and_before_or_on_it_does_not():
    f = forfeited(JOB, "2026-03-15")  # the March vest is on the last day: kept
    assert f.equity == 2_000_000
    assert f.vests == ((dt.date(2026, 9, 15), 1_000_000.0), (dt.date(2027, 3, 15), 1_000_000.0))
    assert forfeited(JOB, "2026-03-14").equity == 3_000_000
    assert forfeited(JOB, "2027-03-15").equity == 0


def test_a_bonus_dated_after_the_leave_date_is_forfeited_in_full_and_one_paid_is_not():
    assert forfeited(JOB, "2026-06-29").bonus == 2_000_000  # no pro rata: all of it
    assert forfeited(JOB, "2026-06-30").bonus == 0
    assert forfeited(CurrentJob("Tokyo", 10_000_000, 0.2), "2026-01-01").bonus == 0  # no date


def test_after_tax_is_the_engines_take_home_on_top_of_a_years_base_by_hand():
    f = forfeited(JOB, "2026-04-30")  # bonus 2 M + vest 1 M in 2026, vest 1 M in 2027
    base = float(compute(10_000_000, "JP-TOKYO", YEAR).net[()])
    y2026 = float(compute(12_000_000, "JP-TOKYO", YEAR, 1_000_000).net[()]) - base
    y2027 = float(compute(10_000_000, "JP-TOKYO", YEAR, 1_000_000).net[()]) - base
    assert f.gross == 4_000_000 and f.tax_year == YEAR and f.currency == "JPY"
    assert f.net == pytest.approx(y2026 + y2027, abs=1e-6)
    assert 0 < f.net < f.gross and f.tax == pytest.approx(f.gross - f.net)


def test_equity_in_another_currency_is_converted_to_the_jobs():
    from calculators.fx import shipped_table

    job = CurrentJob("Tokyo", 10_000_000, 0, None, (("2027-01-10", 10_000),), equity_currency="usd")
    rate = float(shipped_table().convert(1.0, "USD", "JPY"))
    assert forfeited(job, "2026-12-31").equity == pytest.approx(10_000 * rate)


def test_the_make_whole_of_the_forfeited_net_amount_nets_it_within_one_unit():
    f = forfeited(JOB, "2026-04-30")
    m = make_whole(TOKYO_OFFER, f.net, Settings(basis="net_first_year"), forfeited_currency=f.currency)
    assert 0 <= m.gain - f.net < 1
    assert m.sign_on > f.net  # the new job's tax takes its share of the sign-on


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CurrentJob("Atlantis", 1), "current job: jurisdiction"),
        (lambda: CurrentJob("Tokyo", "a lot"), "current job: base_salary"),
        (lambda: CurrentJob("Tokyo", 1, 50), "current job: bonus_target"),
        (lambda: CurrentJob("Tokyo", 1, 0, "soon"), "current job: next_bonus_date"),
        (
            lambda: CurrentJob("Tokyo", 1, 0, None, (("2026-01-01", -5),)),
            "current job: unvested vest 1 amount",
        ),
        (lambda: CurrentJob("Tokyo", 1, 0, None, (("x", 5),)), "current job: unvested vest 1 date"),
        (lambda: CurrentJob("Tokyo", 1, 0, None, ((1,),)), "current job: unvested vest 1"),
        (lambda: CurrentJob("Tokyo", 1, equity_currency="dollars"), "current job: equity_currency"),
        (lambda: forfeited(JOB, None), "leave_date"),
        (lambda: forfeited("my job", "2026-01-01"), "current_job"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(build, field):
    with pytest.raises(NegotiationError) as info:
        build()
    message = str(info.value)
    assert message.startswith(field) and "\n" not in message


def test_the_forfeited_udf_reads_a_current_job_table_and_answers_one_line_on_bad_input():
    from addin import udfs

    rows = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 10_000_000],
        ["bonus_target", 0.2],
        ["next_bonus_date", "2026-06-30"],
        ["2026-03-15", 1_000_000],
        ["2026-09-15", 1_000_000],
        ["2027-03-15", 1_000_000],
        [None, None],
    ]
    f = forfeited(JOB, "2026-04-30")
    assert udfs.forfeited(rows, "2026-04-30") == pytest.approx(f.net)
    assert udfs.forfeited(rows, "2026-04-30", "gross") == f.gross
    assert udfs.forfeited(rows, "soon") == "#VALUE! leave_date must be a date (YYYY-MM-DD)"
    assert (
        udfs.forfeited(rows, "2026-04-30", "tc") == "#VALUE! basis must be net, gross, transfer or currency"
    )
    assert udfs.forfeited(rows, "2026-04-30", "currency") == "JPY"
    assert udfs.forfeited(rows[1:], "2026-04-30") == "#VALUE! current_job_table: jurisdiction is missing"


def test_equity_within_bounds_in_its_currency_but_not_in_the_jobs_is_refused():
    """1e12 USD passes the amount check in dollars; in yen it is 1.6e14: one line, not a
    forfeit of 156,763,900,000,000 JPY that every offer then cannot make whole."""
    from calculators.errors import InvalidInputError
    from calculators.valuation.forfeit import CurrentJob, forfeited

    job = CurrentJob("Tokyo", 11e6, 0.0, None, ((dt.date(2027, 3, 1), 1e12),), "USD")
    with pytest.raises(InvalidInputError, match=r"unvested equity \(in the job's currency\) is beyond"):
        forfeited(job, "2026-12-31")
