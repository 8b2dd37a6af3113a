"""Values in several currencies travel with their currencies: ``metric`` says which amount is
in which currency, and ``to_home`` converts each from its own."""

from __future__ import annotations

import numpy as np
import pytest

from calculators.fx import FxTable
from calculators.offer.model import Offer
from calculators.valuation.compare import LocalValues, Settings, metric, to_home

FX = FxTable("USD", {"USD": 1.0, "JPY": 150.0, "GBP": 0.8})


def _offer(company: str, place: str, currency: str, base: float) -> Offer:
    return Offer.from_fields(
        {"company": company, "jurisdiction": place, "currency": currency, "base_salary": base}
    )


def test_metric_names_each_amounts_currency():
    offers = [
        _offer("A", "Tokyo", "JPY", 15e6),
        _offer("B", "Seattle", "USD", 110e3),
        _offer("C", "London", "GBP", 9e4),
    ]
    values = metric(offers, Settings(fx=FX))
    assert values.currencies == ("JPY", "USD", "GBP")
    assert values.amounts.tolist() == [15e6, 110e3, 9e4]


def test_to_home_converts_each_amount_from_its_own_currency():
    values = LocalValues(np.array([15e6, 110e3, 9e4]), ("JPY", "USD", "GBP"))
    assert to_home(values, Settings(home_currency="USD", fx=FX)).tolist() == pytest.approx(
        [1e5, 110e3, 112_500]
    )
    # blank home currency: the first amount's
    assert to_home(values, Settings(fx=FX)).tolist() == pytest.approx([15e6, 16.5e6, 16_875_000])


def test_a_currency_is_required_for_every_amount():
    with pytest.raises(ValueError, match="one currency per amount"):
        LocalValues(np.array([1.0, 2.0]), ("JPY",))
