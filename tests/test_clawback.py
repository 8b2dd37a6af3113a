"""CLAWBACK_DUE and calculators.offer.clawback: what is owed back after leaving at a month,
against hand calculations of the offer's pro-rata term (``clawback_months``)."""

from __future__ import annotations

import pytest

from addin import udfs
from addin.cells import CellError
from calculators.errors import InvalidInputError, NegotiationError
from calculators.offer.clawback import MONTHS_WORKED, clawback, clawback_due
from calculators.offer.model import MAX_MONTHS, Offer
from calculators.relocation.move import clawback_due as exposure  # the exposure shown today

SEATTLE = {
    "company": "Seattle big tech",
    "jurisdiction": "US-WA",
    "currency": "USD",
    "base_salary": 185_000,
    "sign_on": 60_000,
    "sign_on_year2": 45_000,
    "relocation_package": 15_000,
    "clawback_months": 12,
}
OFFER = Offer.from_fields(SEATTLE)
UP_FRONT = 60_000 + 15_000  # year-1 sign-on and relocation: the money the term covers


def _rows(fields: dict) -> list[list]:
    return [["field", "A"], *([k, v] for k, v in fields.items())]


# (months worked, share owed back by hand: 1 - m / 12, 0 from month 12 on)
CASES = [
    ("day one", 0, 1.0),
    ("one month", 1, 11 / 12),
    ("mid-period", 6, 0.5),
    ("nine months", 9, 0.25),
    ("half a month short", 11.5, 0.5 / 12),
    ("the period", 12, 0.0),
    ("after", 13, 0.0),
    ("years after", 120, 0.0),
    ("the longest period a field may hold", MAX_MONTHS, 0.0),
]


@pytest.mark.parametrize("name, months, share", CASES, ids=[c[0] for c in CASES])
def test_pro_rata_by_hand(name, months, share):
    got = clawback(OFFER, months)
    assert got.share == pytest.approx(share, abs=1e-15)
    assert got.sign_on == pytest.approx(60_000 * share, abs=1e-9)
    assert got.relocation == pytest.approx(15_000 * share, abs=1e-9)
    assert clawback_due(OFFER, months) == pytest.approx(UP_FRONT * share, abs=1e-9)
    assert udfs.clawback_due(_rows(SEATTLE), months) == pytest.approx(UP_FRONT * share, abs=1e-9)


def test_exact_figures_a_person_can_check():
    # 9 of 12 months worked: a quarter of 60,000 + 15,000 is owed back
    assert clawback_due(OFFER, 9) == 18_750.0
    assert clawback_due(OFFER, 0) == 75_000.0
    assert clawback_due(OFFER, 12) == 0.0


def test_the_year_two_sign_on_is_not_clawed_back():
    """The term covers the year-1 sign-on and the relocation package; sign_on_year2 is paid
    in year 2 and counted nowhere (a program that adds it owes 45,000 more at day one)."""
    without = Offer.from_fields({**SEATTLE, "sign_on_year2": 0})
    for months in (0, 6, 11):
        assert clawback_due(OFFER, months) == clawback_due(without, months)


def test_no_clawback_period_owes_nothing():
    none = Offer.from_fields({**SEATTLE, "clawback_months": 0})
    for months in (0, 3, 12, 100):
        assert clawback_due(none, months) == 0.0
    blank = Offer.from_fields({k: v for k, v in SEATTLE.items() if k != "clawback_months"})
    assert clawback_due(blank, 0) == 0.0


def test_a_longer_period_is_pro_rata_over_it():
    two_years = Offer.from_fields({**SEATTLE, "clawback_months": 24})
    assert clawback_due(two_years, 6) == 75_000 * 18 / 24
    assert clawback_due(two_years, 18) == 75_000 * 6 / 24
    assert clawback_due(two_years, 24) == 0.0


def test_the_amount_owed_falls_month_by_month_and_never_exceeds_what_was_paid():
    owed = [clawback_due(OFFER, m) for m in range(0, 15)]
    assert owed == sorted(owed, reverse=True)
    assert max(owed) == UP_FRONT and min(owed) == 0.0
    steps = {round(a - b, 6) for a, b in zip(owed[:12], owed[1:13], strict=True)}
    assert steps == {round(UP_FRONT / 12, 6)}  # linear: the same amount each month


def test_day_one_is_the_exposure_the_relocation_comparison_shows():
    """RELOCATION_COMPARE's clawback exposure is the amount owed on day one; both readings of
    the term agree at every month of the period."""
    for months in (0, 3, 6.5, 12, 20):
        assert clawback_due(OFFER, months) == exposure(OFFER, months)


@pytest.mark.parametrize(
    "months, message",
    [
        (-1, "months_worked must be a number from 0 to 600"),
        (-0.5, "months_worked must be a number from 0 to 600"),
        (MAX_MONTHS + 1, "months_worked must be a number from 0 to 600"),
        (float("nan"), "months_worked must be a number from 0 to 600"),
        (float("inf"), "months_worked must be a number from 0 to 600"),
        (True, "months_worked must be a number from 0 to 600"),
        ("nine", "months_worked must be a number from 0 to 600"),
        (None, "months_worked is required"),
    ],
)
def test_bad_months_are_one_line_naming_months_worked(months, message):
    assert MONTHS_WORKED.high == MAX_MONTHS
    with pytest.raises(InvalidInputError) as caught:
        clawback_due(OFFER, months)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value) and "185" not in str(caught.value)


def test_not_an_offer_is_one_line():
    with pytest.raises(NegotiationError, match="^offer must be an offer"):
        clawback_due(SEATTLE, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "months, message",
    [
        (-1, "#VALUE! months_worked must be a number from 0 to 600"),
        ("nine", "#VALUE! months_worked must be a number"),
        (None, "#VALUE! months_worked is required"),
        ("#N/A", "#VALUE! months_worked holds an Excel error (#N/A)"),
    ],
)
def test_the_udf_names_months_worked(months, message):
    got = udfs.clawback_due(_rows(SEATTLE), months)
    assert isinstance(got, CellError) and got == message


def test_the_udf_picks_the_offer_by_name(example_rows):
    tokyo, seattle = example_rows[0][1], example_rows[0][2]
    # Tokyo: sign-on 1,000,000, no relocation package, 12 months; Seattle as above
    assert udfs.clawback_due(example_rows, 9, tokyo) == 250_000.0
    assert udfs.clawback_due(example_rows, 9, seattle) == 18_750.0
    assert udfs.clawback_due(example_rows, 3, "no such offer").startswith("#VALUE! ")
