"""Disclosed amounts: rounded as a person says them, and checked against the offers held
(``calculators.valuation.disclosure``)."""

from __future__ import annotations

import numpy as np
import pytest

from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.params import DATA_DIR, load_parameters
from calculators.valuation.compare import ComparisonRow
from calculators.valuation.disclosure import BELOW_OFFER, ROUNDING, below_offers, spoken_amount

# (amount, currency, significant, said, why)
SPOKEN = [
    (58_413_693.12446462, "JPY", True, 58_400_000, "the issue's best offer: 58.4 M"),
    (21_214_099.0, "JPY", True, 21_200_000, "Tokyo's annualised value: 21.2 M"),
    (9_876_543.0, "JPY", True, 9_880_000, "988万円"),
    (123_456.0, "JPY", True, 120_000, "never finer than 10,000 yen (万円)"),
    (4_999.0, "JPY", True, 0, "below half the least step"),
    (372_622.4, "USD", True, 373_000, "373k"),
    (149_693.0, "GBP", True, 150_000, "150k"),
    (985_858.0, "ILS", True, 986_000, "986k"),
    (1_234.0, "USD", True, 1_000, "never finer than 1,000"),
    (215_500.0, "EUR", True, 216_000, "a half rounds away from zero"),
    (-5_555.0, "USD", True, -6_000, "negative: away from zero too"),
    (1_234.5, "XYZ", True, 1_230, "a currency not listed: whole units, 3 digits"),
    (0.0, "JPY", True, 0, "zero stays zero"),
    (17_000_000.0, "JPY", False, 17_000_000, "a typed target keeps its digits"),
    (17_251_234.0, "JPY", False, 17_250_000, "... down to the least step"),
    (185_400.0, "usd", False, 185_000, "a code is case-blind"),
]


@pytest.mark.parametrize("amount, currency, significant, said, why", SPOKEN, ids=[c[4] for c in SPOKEN])
def test_an_amount_is_said_as_a_person_says_it(amount, currency, significant, said, why):
    got = spoken_amount(amount, currency, significant=significant)
    assert type(got) is float and got == said


def test_the_steps_are_data_said_to_be_conventions():
    params = load_parameters(DATA_DIR / "rounding.yaml")
    for name in ("spoken_significant_digits", "spoken_least_step"):
        p = params[name]
        assert p.status == "assumption" and "not a figure of the world" in p.description
    assert in_force(params["spoken_significant_digits"]) == 3
    # the least step: 10,000 JPY, 1,000 GBP, a whole unit for a currency not listed
    said = [spoken_amount(1.0, c, "up", significant=False) for c in ("JPY", "GBP", "ZZZ")]
    assert said == [10_000, 1_000, 1]


# (amount, currency, how, said, why): the brief's directions on the same rule
DIRECTED = [
    (9_876_543.0, "JPY", "down", 9_870_000, "an ask held under the market top"),
    (9_870_000.0, "JPY", "down", 9_870_000, "already on a step: unchanged"),
    (284_001.0, "USD", "up", 285_000, "what beating the alternative takes: still beats it"),
    (285_000.0, "USD", "up", 285_000, "on a step: no step added"),
    (-5_555.0, "USD", "up", -5_000, "up is towards plus infinity"),
    (-5_555.0, "USD", "down", -6_000, "down is towards minus infinity"),
    (80_004.0, "USD", "up", 81_000, "never finer than 1,000"),
]


@pytest.mark.parametrize("amount, currency, how, said, why", DIRECTED, ids=[c[4] for c in DIRECTED])
def test_an_amount_is_rounded_the_way_asked(amount, currency, how, said, why):
    assert how in ROUNDING
    got = spoken_amount(amount, currency, how)
    assert type(got) is float and got == said


def test_a_way_of_rounding_not_known_is_refused():
    with pytest.raises(InvalidInputError, match="how must be one of nearest, up, down"):
        spoken_amount(1.0, "JPY", "sideways")


def test_an_array_is_rounded_element_by_element_in_its_shape():
    x = np.array([[58_413_693.1, 21_214_099.0], [0.0, 9_876_543.0]])
    got = spoken_amount(x, "JPY")
    assert isinstance(got, np.ndarray) and got.shape == (2, 2)
    assert got.tolist() == [[58_400_000, 21_200_000], [0, 9_880_000]]
    assert isinstance(spoken_amount(np.asarray(5.0), "JPY"), np.ndarray)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), [1.0, float("-inf")]])
def test_a_number_that_is_not_finite_is_refused(bad):
    with pytest.raises(InvalidInputError, match="amount must be a finite number"):
        spoken_amount(bad, "JPY")


def test_a_currency_that_is_not_text_is_refused():
    with pytest.raises(InvalidInputError, match="currency must be a currency code"):
        spoken_amount(1.0, None)  # type: ignore[arg-type]


def _held(*values: tuple[str, float]) -> list[ComparisonRow]:
    return [
        ComparisonRow(k + 1, name, name, "JP-TOKYO", "JPY", v, v, v - values[0][1], 1.0)
        for k, (name, v) in enumerate(values)
    ]


OFFERS = _held(("Silicon Valley", 58_413_693.12), ("Seattle", 47_551_204.0), ("Tokyo", 21_214_099.0))


def test_an_amount_below_offers_held_is_one_note_naming_the_highest():
    (note,) = below_offers({"target": 17_000_000.0}, OFFERS, "jpy", "annualized")
    assert note.code == BELOW_OFFER
    assert note.params == {
        "field": "target",
        "amount": 17_000_000.0,
        "currency": "JPY",
        "offer": "Silicon Valley",
        "value": 58_400_000.0,
        "count": 3,
        "held": 3,
        "basis": "annualized",
    }
    (note,) = below_offers({"target": 30_000_000.0}, OFFERS, "JPY", "npv")
    assert (note.params["count"], note.params["offer"]) == (2, "Silicon Valley")


def test_an_amount_at_or_above_every_offer_held_is_no_note():
    assert below_offers({"target": 60_000_000.0}, OFFERS, "JPY", "annualized") == []
    # the best offer as said (rounded down), and an amount between the said and the exact value
    said = {"best_offer": 58_400_000.0, "target": 58_410_000.0}
    assert below_offers(said, OFFERS, "JPY", "annualized") == []
    assert below_offers({"target": 1.0}, [], "JPY", "annualized") == []  # no offer held


def test_each_amount_below_is_its_own_note():
    notes = below_offers({"target": 17e6, "best_offer": 20e6}, OFFERS, "JPY", "total")
    assert [n.params["field"] for n in notes] == ["target", "best_offer"]


def test_an_amount_that_is_not_finite_is_refused_naming_it():
    with pytest.raises(InvalidInputError, match="^target must be a finite number$"):
        below_offers({"target": float("nan")}, OFFERS, "JPY", "annualized")
