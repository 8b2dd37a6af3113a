"""IL take-home lines against hand-built cases from the published tables.

Israel has no usable oracle.  ``tests/oracles/hand_tables_il.py`` (run by hand)
computes every case the payroll way - one month's wage in the Tax Authority's
monthly table with cumulative tax, credit points at 242 a month, Bituach Leumi's
monthly bands, times 12 - in exact fractions, and writes the fixture with the
working of each figure (``how``).  The engine computes yearly with the generic
bracket helper, so agreement is a real check.  Rule: each line equals the
fixture's exact value within 1e-6 ILS, and rounds half up to ``expected``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from calculators.errors import InvalidInputError
from calculators.params import read_yaml
from calculators.tax import compute

FIXTURES = Path(__file__).parent / "fixtures"
LINES = ("income_tax", "surtax", "national_insurance", "health_tax")


def _load(year: int) -> list[dict]:
    doc = read_yaml((FIXTURES / f"il_{year}_hand_tables.yaml").read_text("utf-8"))
    assert doc["year"] == year
    return [dict(c, year=year) for c in doc["cases"]]


CASES = _load(2025) + _load(2026)


def _agora(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_fixture_size() -> None:
    for year in (2025, 2026):
        assert sum(c["year"] == year for c in CASES) >= 50


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hand_case(case: dict) -> None:
    result = compute(case["salary"], "IL", case["year"], equity_income=case["equity"], **case["options"])
    assert list(result.lines) == list(LINES)
    for line in LINES:
        got = float(result.lines[line])
        assert got == pytest.approx(float(case["exact"][line]), abs=1e-6), line
        assert _agora(float(case["exact"][line])) == case["expected"][line]


def test_vectorised_matches_scalar() -> None:
    for year in (2025, 2026):
        cases = [c for c in CASES if c["year"] == year and c["options"]["credit_points"] == 2.25]
        salary = np.array([c["salary"] for c in cases])
        equity = np.array([c["equity"] for c in cases])
        result = compute(salary, "Tel Aviv", year, equity_income=equity)
        for line in LINES:
            exact = np.array([float(c["exact"][line]) for c in cases])
            assert np.max(np.abs(result.lines[line] - exact)) <= 1e-6


# Independent cross-check for 2026: monthly figures from a third-party reading of
# ITO s. 121 as amended by the Economic Efficiency Law 5786-2026 and of Bituach
# Leumi's 2026 rates (a married man with one child, 3.25 credit points; health at
# 3.23% / 5.17% to 7,703 / 51,910).  (monthly wage, points, tax, NI, health)
CROSS_2026 = [
    (7010, 3.25, 0.0, 72.904, 226.423),
    (10060, 3.25, 341.5, 245.1012, 370.6638),
    (19000, 3.25, 2129.5, 870.9012, 832.8618),
    (25100, 3.25, 4020.5, 1297.9012, 1148.2318),
    (46690, 3.25, 11577.0, 2809.2012, 2264.4348),
    (46691, 3.25, 11577.47, 2809.2712, 2264.4865),
    (19001, 3.25, 2129.81, 870.9712, 832.9135),
    (7704, 4.25, 0.0, 80.1812, 248.8586),
    (51910, 4.25, None, 3174.6012, 2534.3088),
    (60130, 4.25, 17651.8, 3174.6012, 2534.3088),
]


@pytest.mark.parametrize(("month", "points", "tax", "ni", "health"), CROSS_2026)
def test_independent_reading_2026(
    month: float, points: float, tax: float | None, ni: float, health: float
) -> None:
    lines = compute(month * 12, "IL", 2026, credit_points=points).lines
    if tax is not None:
        assert float(lines["income_tax"] + lines["surtax"]) / 12 == pytest.approx(tax, abs=1e-6)
    assert float(lines["national_insurance"]) / 12 == pytest.approx(ni, abs=1e-6)
    assert float(lines["health_tax"]) / 12 == pytest.approx(health, abs=1e-6)


def test_equity_is_taxed_as_wages() -> None:
    split = compute(720_000, "IL", 2025, equity_income=150_000).lines
    whole = compute(870_000, "IL", 2025).lines
    for line in LINES:
        assert float(split[line]) == pytest.approx(float(whole[line]), abs=1e-9)


def test_woman_credit_points_lower_the_tax() -> None:
    man = compute(300_000, "IL", 2025).lines["income_tax"]
    woman = compute(300_000, "IL", 2025, credit_points=2.75).lines["income_tax"]
    assert float(man - woman) == pytest.approx(0.5 * 2904)


@pytest.mark.parametrize(
    "options", [{"age": 70}, {"age": 16}, {"credit_points": -1}, {"credit_points": "two"}]
)
def test_bad_options_are_refused(options: dict) -> None:
    with pytest.raises(InvalidInputError):
        compute(300_000, "IL", 2025, **options)


@pytest.mark.parametrize("points", [1e30, 10**30, float("nan"), float("inf"), -float("inf"), 30.5, True, "2"])
def test_credit_points_out_of_range_are_the_one_line_of_the_setting(points) -> None:
    with pytest.raises(InvalidInputError, match=r"^credit_points must be a number from 0 to 30$"):
        compute(300_000, "IL", 2025, credit_points=points)


def test_credit_points_at_the_ends_of_the_range_are_taken() -> None:
    none = float(compute(300_000, "IL", 2025, credit_points=0).lines["income_tax"])
    most = float(compute(300_000, "IL", 2025, credit_points=30).lines["income_tax"])
    assert none > most == 0.0
