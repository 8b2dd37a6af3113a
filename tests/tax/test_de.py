"""DE take-home lines against GETTSIM and lohnsteuer-bmf fixtures and fixed BMF cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from calculators.errors import InvalidInputError
from calculators.tax import compute
from tests.tax.cases import assert_lines, official_cases, oracle_cases

ORACLE = oracle_cases("de_*_gettsim.yaml", "de_*_lohnsteuer_bmf.yaml", name_oracle=True)


def test_oracle_fixtures_cover_both_years_with_50_cases() -> None:
    gettsim = [p.values[0] for p in ORACLE if str(p.id).startswith("gettsim")]
    assert gettsim.count(2025) >= 50 and gettsim.count(2026) >= 50


# Parallel to tests/tax/test_gb_eng.py's oracle and official tests (one assert_lines call each): kept one
# test per jurisdiction so that a failure names the place.
@pytest.mark.parametrize(("year", "tolerance", "case"), ORACLE)
def test_matches_oracles(year: int, tolerance: float, case: dict[str, Any]) -> None:
    assert_lines("DE", year, case, tolerance)


@pytest.mark.parametrize("case", official_cases("de_official"))
def test_official_cases(case: dict[str, Any]) -> None:
    assert_lines("DE", case["year"], case, case["tolerance"])


def test_line_order_and_church_tax_only_when_asked() -> None:
    plain = compute(80_000, "Munich", 2026)
    assert list(plain.lines) == [
        "lohnsteuer",
        "solidaritaetszuschlag",
        "krankenversicherung",
        "pflegeversicherung",
        "rentenversicherung",
        "arbeitslosenversicherung",
    ]
    church = compute(80_000, "München", 2026, church_tax=True, church_tax_rate=0.08)
    assert "kirchensteuer" in church.lines
    assert float(church.lines["kirchensteuer"]) == pytest.approx(
        float(np.floor(float(church.lines["lohnsteuer"]) * 8) / 100), abs=0.01
    )


def test_equity_is_taxed_like_salary() -> None:
    a = compute(90_000, "DE", 2025, equity_income=40_000)
    b = compute(130_000, "DE", 2025)
    for line in a.lines:
        assert float(a.lines[line]) == pytest.approx(float(b.lines[line]))


def test_children_lower_the_soli_base() -> None:
    none = compute(150_000, "DE", 2026)
    two = compute(150_000, "DE", 2026, children=2)
    # The Lohnsteuer itself has no child allowance (only the lower care rate moves it).
    assert float(two.lines["lohnsteuer"]) >= float(none.lines["lohnsteuer"])
    assert float(two.lines["solidaritaetszuschlag"]) < float(none.lines["solidaritaetszuschlag"])


def test_net_rises_over_two_euro_steps() -> None:
    # The PAP rounds the tax down to whole euros, so net pay may dip by up to 0.40 EUR on
    # a 1 EUR rise (documented in the module); over 2 EUR it always rises.
    rng = np.random.default_rng(7)
    for year in (2025, 2026):
        pay = rng.uniform(0.0, 400_000.0, 50_000)
        net = compute(pay, "DE", year, church_tax=True).net
        assert np.all(compute(pay + 2.0, "DE", year, church_tax=True).net > net)
        assert np.all(compute(pay + 1.0, "DE", year, church_tax=True).net - net > -0.45)


@pytest.mark.parametrize(
    "options",
    [
        {"age": 13},
        {"children": -1},
        {"children": 1.5},
        {"church_tax": "yes"},
        {"state": "Texas"},
        {"kv_zusatzbeitrag": 2.5},
        {"church_tax_rate": 9},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        compute(50_000, "DE", 2025, **options)


def test_an_age_past_64_is_refused_not_taxed_like_35() -> None:
    """§ 24a EStG: from the year after a person completes 64 the Altersentlastungsbetrag lowers
    their income; the engine does not model it, so 65 and more are refused (64 is taxed)."""
    from addin.udfs import net_pay

    assert float(compute(60_000, "DE", 2025, age=64).net) > 0
    with pytest.raises(InvalidInputError, match="age must be a whole number from 14 to 64 for DE"):
        compute(60_000, "DE", 2025, age=65)
    assert net_pay(60_000, "DE", 2025, None, 70) == "#VALUE! age must be a whole number from 14 to 64 for DE"
