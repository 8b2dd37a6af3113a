"""GB-ENG take-home lines against PolicyEngine UK fixtures and fixed official cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from calculators.errors import InvalidInputError
from calculators.tax import compute

FIXTURES = Path(__file__).parent / "fixtures"


def _oracle_cases() -> list[Any]:
    out = []
    for path in sorted(FIXTURES.glob("gb_eng_*_policyengine_uk.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(doc["year"], doc["tolerance"], case, id=f"{doc['year']}-{case['name']}"))
    return out


def _official_cases() -> list[Any]:
    doc = yaml.safe_load((FIXTURES / "gb_eng_official.yaml").read_text(encoding="utf-8"))
    return [pytest.param(c, id=c["name"]) for c in doc["cases"]]


ORACLE = _oracle_cases()


def test_oracle_fixtures_cover_both_years_with_50_cases() -> None:
    years = [p.values[0] for p in ORACLE]
    assert years.count(2025) >= 50 and years.count(2026) >= 50


@pytest.mark.parametrize(("year", "tolerance", "case"), ORACLE)
def test_matches_policyengine_uk(year: int, tolerance: float, case: dict[str, Any]) -> None:
    result = compute(case["salary"], "GB-ENG", year, equity_income=case["equity"], **case.get("options", {}))
    for line, expected in case["expected"].items():
        assert float(result.lines[line]) == pytest.approx(expected, abs=tolerance), line


@pytest.mark.parametrize("case", _official_cases())
def test_official_cases(case: dict[str, Any]) -> None:
    result = compute(
        case["salary"], "GB-ENG", case["year"], equity_income=case.get("equity", 0), **case.get("options", {})
    )
    for line, expected in case["expected"].items():
        assert float(result.lines[line]) == pytest.approx(expected, abs=case["tolerance"]), line


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
