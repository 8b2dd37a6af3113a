"""option_value refuses what it cannot value, with one line naming the argument."""

import math

import numpy as np
import pytest

from calculators.errors import InvalidInputError
from calculators.offer.equity import option_value

GOOD = {
    "shares": 100,
    "strike": 1.0,
    "price": 2.0,
    "dilution": 0.1,
    "exit_probability": 0.5,
    "exit_multiple": 2.0,
}
NOT_NUMBERS = [math.nan, math.inf, -math.inf, True, np.bool_(False), "2", None, [1.0], 10**400]
AMOUNTS = ["shares", "strike", "price", "dilution", "exit_multiple"]


# years and volatility left blank (None) take the assumption's default: not a bad value
@pytest.mark.parametrize(
    "name,bad",
    [
        (name, bad)
        for name in AMOUNTS + ["years", "volatility"]
        for bad in [*NOT_NUMBERS, -1, -1e-9]
        if not (bad is None and name in ("years", "volatility"))
    ],
)
def test_an_amount_that_is_not_a_finite_number_from_0_is_refused(name, bad):
    with pytest.raises(InvalidInputError, match=rf"^{name} must be a finite number, 0 or more$"):
        option_value(**{**GOOD, name: bad})


@pytest.mark.parametrize("bad", [*NOT_NUMBERS, -0.1, 1.5])
def test_exit_probability_outside_0_to_1_is_refused(bad):
    with pytest.raises(InvalidInputError, match=r"^exit_probability must be a number from 0 to 1$"):
        option_value(**{**GOOD, "exit_probability": bad})


@pytest.mark.parametrize("bad", [0, -1, 2.5, math.nan, math.inf, True, "10", 10**7])
def test_paths_must_be_a_whole_number_from_1(bad):
    with pytest.raises(InvalidInputError, match=r"^paths must be a whole number from 1 to 1,000,000$"):
        option_value(**GOOD, paths=bad)


@pytest.mark.parametrize("bad", [-1, 1.0, math.nan, True, "7"])
def test_seed_must_be_a_whole_number_from_0(bad):
    with pytest.raises(InvalidInputError, match=r"^seed must be a whole number, 0 or more$"):
        option_value(**GOOD, seed=bad)


def test_a_value_too_large_to_be_a_number_is_one_line_not_inf():
    with pytest.raises(InvalidInputError, match="^option value is out of range"):
        option_value(1e200, 0.0, 1e150, 0.0, 1.0, 1.0)


def test_the_ends_of_each_range_are_taken():
    one = option_value(**GOOD, paths=1, seed=0, years=0, volatility=0)
    assert one.paths == 1 and one.expected_value == pytest.approx(0.5 * 100 * 3.0)
    assert option_value(0, 0, 0, 0, 0, 0).expected_value == 0.0
    wide = option_value(**{**GOOD, "exit_probability": 1.0}, volatility=1e300, paths=1000)
    assert wide.expected_value > 0 and wide.mc_mean == 0.0  # the limit: every path exits at 0
