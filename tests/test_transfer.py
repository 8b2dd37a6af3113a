"""An offer that is the current job moved (the offer field ``transfer``): the grants keep vesting.

What a transfer changes, each checked against a figure worked another way: it forfeits the
bonus alone (the bonus's take-home pay on top of the year's base, as the tax engine gives it),
so MAKE_WHOLE replaces that; on BEST_START's moving side each later vest is worth its
take-home pay shared by workdays between the two countries (VEST_SOURCING's figures with the
year's other pay in each), so the vest no longer decides the day; MOVE_YEAR reads the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from addin import udfs
from addin.workbook.builder import example
from calculators.errors import InvalidInputError
from calculators.fx import shipped_table
from calculators.offer.model import Offer
from calculators.tax import compute
from calculators.valuation.dated import common_rules_year, move_year
from calculators.valuation.forfeit import CurrentJob, forfeited
from calculators.valuation.sourcing import vest_across_border
from calculators.valuation.start import best_start

FX = shipped_table()
VEST = dt.date(2027, 6, 15)
JOB = CurrentJob("Tokyo", 11_000_000, unvested=((VEST, 10_000_000),), granted=(dt.date(2026, 1, 15),))


@pytest.fixture(scope="module")
def seattle() -> Offer:
    """The shipped example's Seattle offer, with no start date of its own."""
    fields = next(o for o in example()["offers"] if o["jurisdiction"] == "US-WA")
    return replace(Offer.from_fields(dict(fields)), start_date=None)


def _with_transfer(rows: list[list], name: str, value: object) -> list[list]:
    """The Offers-sheet range with offer ``name``'s transfer cell set to ``value``."""
    col = rows[0].index(name)
    return [[*r[:col], value, *r[col + 1 :]] if r[0] == "transfer" else list(r) for r in rows]


@pytest.mark.parametrize(
    "typed, read", [(True, True), (1, True), (" yes ", True), ("FALSE", False), (None, False)]
)
def test_the_transfer_field_reads_true_false_one_zero_yes_no_and_blank_is_a_new_employer(typed, read):
    base = {"company": "A", "jurisdiction": "US-WA", "currency": "USD", "base_salary": 185_000}
    assert Offer.from_fields({**base, "transfer": typed}).transfer is read


def test_a_transfer_that_is_not_a_flag_is_one_line_naming_the_offer_and_field(example_rows):
    with pytest.raises(InvalidInputError, match=r"^offer 2: transfer must be TRUE or FALSE \(or yes / no\)$"):
        Offer.from_fields(
            {"company": "A", "jurisdiction": "US-WA", "currency": "USD", "base_salary": 1, "transfer": 2},
            "offer 2",
        )
    bad = _with_transfer(example_rows, "Seattle big tech", "maybe")
    said = udfs.offer_tc(bad, "Seattle big tech")
    assert isinstance(said, str) and said.startswith("#VALUE!") and "transfer must be TRUE or FALSE" in said


def test_a_transfer_forfeits_the_bonus_alone_and_make_whole_replaces_only_that(example_rows):
    """Leaving on 31 March 2027 forfeits the June vest and the June bonus; a transfer keeps the
    vest, so FORFEITED's transfer basis is the bonus's take-home pay on top of the base, and
    MAKE_WHOLE of the offer marked transfer is the sign-on of that amount (for an offer not
    marked, the whole forfeit as before)."""
    table = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        ["bonus_target", 0.2],
        ["next_bonus_date", "2027-06-30"],
        [dt.datetime(2027, 6, 15), 3_000_000, dt.datetime(2026, 4, 1)],
    ]
    lost = forfeited(CurrentJob("Tokyo", 11_000_000, 0.2, "2027-06-30", (("2027-06-15", 3e6),)), "2027-03-31")
    bonus_alone = float(
        compute(11_000_000 + 2_200_000, "JP-TOKYO", lost.tax_year).net
        - compute(11_000_000, "JP-TOKYO", lost.tax_year).net
    )
    assert udfs.forfeited(table, "2027-03-31", "transfer") == pytest.approx(bonus_alone, abs=0.5)
    assert udfs.forfeited(table, "2027-03-31", "net") == pytest.approx(lost.net)
    assert lost.net > bonus_alone
    moved = _with_transfer(example_rows, "Seattle big tech", True)
    args = ("net_first_year", "JPY", None, "Seattle big tech", None)
    whole = udfs.make_whole(moved, lost.net, *args, bonus_alone)
    assert whole == udfs.make_whole(example_rows, bonus_alone, *args)  # the bonus alone
    assert udfs.make_whole(example_rows, lost.net, *args, bonus_alone) > whole  # not a transfer: all of it
    assert udfs.make_whole(moved, lost.net, *args) == udfs.make_whole(example_rows, lost.net, *args)  # blank


def test_a_transfer_keeps_each_later_vest_on_the_moving_side_at_its_sourced_take_home_pay(seattle):
    """Tokyo to Seattle with a 10,000,000 JPY vest on 15 June 2027 (granted 15 January 2026).
    Not a transfer, starting after the vest keeps it (the gain jumps by its take-home pay);
    as a transfer, a start before it gains the vest too, at the take-home pay VEST_SOURCING's
    rules give it (Japan's non-resident rate on its workdays' share, the US tax on the whole
    less the credit, each on top of that country's other pay of the year): so the vest moves
    the best day no more, and no start's events name it."""
    moved = best_start(JOB, replace(seattle, transfer=True), dt.date(2027, 1, 1), dt.date(2027, 12, 1))
    plain = best_start(JOB, seattle, dt.date(2027, 1, 1), dt.date(2027, 12, 1))
    gain = {d.start: d.gain for d in moved.days}
    gain_plain = {d.start: d.gain for d in plain.days}
    start = dt.date(2027, 4, 1)
    rules = common_rules_year(JOB, seattle)
    rows = move_year(JOB, start - dt.timedelta(days=1), seattle, start, rules)
    split = vest_across_border(
        10_000_000, dt.date(2026, 1, 15), VEST, start, "Tokyo", "US-WA", "JPY",
        rules, rows[0].tax_year.taxed, rows[1].tax_year.taxed, arrival=True,
    )  # fmt: skip
    usd = float(FX.convert(1.0, "USD", "JPY"))
    take_home = 10_000_000 - split.source.net_tax - split.residence.net_tax * usd
    assert 0.5 * 10_000_000 < take_home < 10_000_000
    assert gain[start] - gain_plain[start] == pytest.approx(take_home, rel=1e-9, abs=1.0)
    after = dt.date(2027, 7, 1)  # started after the vest: the job paid it, transfer or not
    assert gain[after] == pytest.approx(gain_plain[after], abs=1e-6)
    jump_plain = gain_plain[VEST + dt.timedelta(days=1)] - gain_plain[dt.date(2027, 6, 1)]
    jump = gain[VEST + dt.timedelta(days=1)] - gain[dt.date(2027, 6, 1)]
    assert jump_plain > 0.6 * 10_000_000 and abs(jump) < 0.02 * jump_plain
    assert not any(kind == "vest" for d in moved.days for kind, _ in d.events)
    assert any(kind == "vest" for d in plain.days for kind, _ in d.events)


def test_a_transfer_abroad_needs_the_grant_dates_said_in_one_line(seattle):
    no_grant = CurrentJob("Tokyo", 11_000_000, unvested=((VEST, 1_000_000),))
    with pytest.raises(InvalidInputError, match=r"vest of 2027-06-15 needs its grant date \(third column\)"):
        best_start(no_grant, replace(seattle, transfer=True), dt.date(2027, 1, 1))


def test_a_transfer_within_one_country_keeps_the_vests_taxed_as_staying_would(example_rows):
    """Tokyo to Tokyo with the same employer: every later vest is on the moving side at the
    take-home pay staying would give it (on top of the job's pay of its year), so starting the
    day after the vest instead of the first of its month moves the gain by a small part of
    what it moves when leaving forfeits the vest; MOVE_YEAR, the transfer read from the
    offer's field, shows the move without vest rows, and refuses by name when TRUE is typed."""
    tokyo = replace(
        Offer.from_fields(dict(next(o for o in example()["offers"] if o["jurisdiction"] == "JP-TOKYO"))),
        start_date=None,
    )
    moved = best_start(JOB, replace(tokyo, transfer=True), dt.date(2027, 1, 1), dt.date(2027, 12, 1))
    plain = best_start(JOB, tokyo, dt.date(2027, 1, 1), dt.date(2027, 12, 1))
    day, first = VEST + dt.timedelta(days=1), dt.date(2027, 6, 1)
    gain, gain_plain = ({d.start: d.gain for d in f.days} for f in (moved, plain))
    jump_plain, jump = gain_plain[day] - gain_plain[first], gain[day] - gain[first]
    assert jump_plain > 0.4 * 10_000_000 and abs(jump) < 0.15 * jump_plain
    assert gain[first] - gain_plain[first] > 0.4 * 10_000_000  # the vest, kept
    table = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        [dt.datetime(2027, 6, 15), 3e6, dt.datetime(2026, 4, 1)],
    ]
    rows = _with_transfer(example_rows, "Tokyo big tech", True)
    out = udfs.move_year(table, "2027-03-31", rows, "Tokyo big tech", "2027-04-01")
    assert isinstance(out, list) and not any("vest" in str(r[0]) for r in out[1:])
    said = udfs.move_year(table, "2027-03-31", rows, "Tokyo big tech", "2027-04-01", None, None, True)
    assert said == "#VALUE! transfer: a move within one country keeps the same tax system"


def test_move_year_reads_the_offers_transfer_field_when_its_argument_is_blank(example_rows):
    table = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        [dt.datetime(2027, 6, 15), 3_000_000, dt.datetime(2026, 4, 1)],
    ]
    moved = _with_transfer(example_rows, "Seattle big tech", "TRUE")
    args = ("2027-03-31",)
    marked = udfs.move_year(table, *args, moved, "Seattle big tech", "2027-04-15")
    given = udfs.move_year(table, *args, example_rows, "Seattle big tech", "2027-04-15", None, None, True)
    assert marked == given and len(marked) == 1 + 5  # the header, the job, two offer years, two vest rows
    assert udfs.move_year(table, *args, moved, "Seattle big tech", "2027-04-15", None, None, False) == (
        udfs.move_year(table, *args, example_rows, "Seattle big tech", "2027-04-15")
    )


def test_best_start_takes_transfer_as_an_argument_or_from_the_offers_field(example_rows):
    table = [
        ["jurisdiction", "Tokyo"],
        ["base_salary", 11_000_000],
        [dt.datetime(2027, 6, 15), 10_000_000, dt.datetime(2026, 1, 15)],
    ]
    moved = _with_transfer(example_rows, "Seattle big tech", True)
    args = ("Seattle big tech", "2027-01-01", "2027-12-01", None, None, None, None, "2026-12-01")
    marked = udfs.best_start(table, moved, *args)
    assert marked == udfs.best_start(table, example_rows, *args, "yes")
    plain = udfs.best_start(table, example_rows, *args)
    assert plain == udfs.best_start(table, moved, *args, False) and plain != marked
    vest = "vest 2027-06-15"
    assert any(vest in str(r[-1]) for r in plain[1:]) and not any(vest in str(r[-1]) for r in marked[1:])
