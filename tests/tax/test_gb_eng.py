"""GB-ENG take-home lines against PolicyEngine UK fixtures and fixed official cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from calculators.errors import InvalidInputError
from calculators.tax import compute
from tests.tax.cases import assert_lines, official_cases, oracle_cases

ORACLE = oracle_cases("gb_eng_*_policyengine_uk.yaml")


def test_oracle_fixtures_cover_both_years_with_50_cases() -> None:
    years = [p.values[0] for p in ORACLE]
    assert years.count(2025) >= 50 and years.count(2026) >= 50


# Parallel to tests/tax/test_de.py's oracle and official tests (one assert_lines call each): kept one
# test per jurisdiction so that a failure names the place.
@pytest.mark.parametrize(("year", "tolerance", "case"), ORACLE)
def test_matches_policyengine_uk(year: int, tolerance: float, case: dict[str, Any]) -> None:
    assert_lines("GB-ENG", year, case, tolerance)


@pytest.mark.parametrize("case", official_cases("gb_eng_official"))
def test_official_cases(case: dict[str, Any]) -> None:
    assert_lines("GB-ENG", case["year"], case, case["tolerance"])


def test_lines_are_reported_in_order() -> None:
    assert list(compute(80_000, "London", 2025).lines) == ["income_tax", "employee_ni"]


def test_equity_is_taxed_like_salary() -> None:
    a = compute(90_000, "GB-ENG", 2026, equity_income=40_000)
    b = compute(130_000, "GB-ENG", 2026)
    for line in a.lines:
        assert float(a.lines[line]) == pytest.approx(float(b.lines[line]))


def test_vectorised_matches_scalar() -> None:
    grid = np.linspace(0, 300_000, 601)
    vec = compute(grid, "GB-ENG", 2025)
    for i in (0, 200, 333, 600):
        one = compute(float(grid[i]), "GB-ENG", 2025)
        assert float(vec.net[i]) == pytest.approx(float(one.net))


@pytest.mark.parametrize("age", [15, 35.5, "old", True])
def test_bad_age_is_refused(age: object) -> None:
    with pytest.raises(InvalidInputError):
        compute(50_000, "GB-ENG", 2025, age=age)
