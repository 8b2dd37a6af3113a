"""JP-TOKYO take-home rules against openfisca-japan fixtures (corrected) and official examples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from calculators.errors import InvalidInputError
from calculators.params import read_yaml
from calculators.tax import compute
from calculators.tax.engine import params
from calculators.tax.jurisdictions.jp_income import employment_income
from calculators.tax.jurisdictions.jp_social import employee_half
from calculators.tax.jurisdictions.jp_tokyo import income_tax_on_taxable_income

FIXTURES = Path(__file__).parent / "fixtures"
LINES = (
    "income_tax",
    "reconstruction_tax",
    "resident_tax_income_levy",
    "resident_tax_per_capita",
    "health_insurance",
    "long_term_care_insurance",
    "child_support_levy",
    "employees_pension",
    "employment_insurance",
)


def _oracle_cases() -> list[tuple[int, dict, float]]:
    out = []
    for path in sorted(FIXTURES.glob("jp_tokyo_*_openfisca_japan.yaml")):
        data = read_yaml(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append((int(data["year"]), case, float(data["tolerance_jpy"])))
    return out


ORACLE_CASES = _oracle_cases()
OFFICIAL = read_yaml((FIXTURES / "jp_tokyo_official.yaml").read_text(encoding="utf-8"))


def test_oracle_fixtures_cover_both_years() -> None:
    years = [year for year, _, _ in ORACLE_CASES]
    assert years.count(2025) >= 50 and years.count(2026) >= 50


@pytest.mark.parametrize(
    ("year", "case", "tolerance"),
    ORACLE_CASES,
    ids=[f"{y}-{c['name']}" for y, c, _ in ORACLE_CASES],
)
def test_against_openfisca_japan(year: int, case: dict, tolerance: float) -> None:
    result = compute(case["salary"], "JP-TOKYO", year, equity_income=case["equity"], age=case["age"])
    assert list(result.lines) == list(LINES)
    for line in LINES:
        got = float(result.lines[line])
        assert got == pytest.approx(case["expected"][line], abs=tolerance), line


@pytest.mark.parametrize("case", OFFICIAL["income_tax_on_taxable_income"], ids=lambda c: c["name"])
def test_income_tax_quick_table_exact(case: dict) -> None:
    assert float(income_tax_on_taxable_income(case["taxable_income"])) == case["expected"]


@pytest.mark.parametrize("case", OFFICIAL["employment_income"], ids=lambda c: c["name"])
def test_employment_income_exact(case: dict) -> None:
    assert float(employment_income(case["revenue"], case["year"])) == case["expected"]


@pytest.mark.parametrize("case", OFFICIAL["premium_rows"], ids=lambda c: c["name"])
def test_premium_table_rows_exact(case: dict) -> None:
    """The code's rate for the premium month (its parameters, not the fixture's rate) gives
    the printed 折半額 on the printed 標準報酬月額, which is a grade of the code's table, and
    the code withholds the printed amount."""
    when = dt.date.fromisoformat(case["month"] + "-01")
    social = params("jp", "social_insurance")
    rate = sum(float(social[name].at(when)) for name in case["rates"])
    assert rate == pytest.approx(case["rate"], abs=1e-12)
    table = {"health": "health_insurance_grades", "pension": "pension_grades"}[case["grades"]]
    grades = social[table].at(when.year)
    assert case["standard"] in grades["standard"]
    assert case["standard"] * rate / 2 == pytest.approx(case["half"], abs=1e-6)
    assert float(employee_half(case["standard"], rate)) == case["withheld"]


def test_a_year_of_premiums_from_the_printed_tables() -> None:
    # Salary 3,600,000 paid monthly: 報酬月額 300,000 -> 標準報酬月額 300,000 (290,000 to 310,000)
    # in both tables.  2026 by hand from the printed 折半額 rows above:
    #   health (協会けんぽ 東京): January, February at 9.91 % (14,865), March to December at
    #     9.85 % (14,775): 2 x 14,865 + 10 x 14,775 = 177,480;
    #   care (age 45): March to December 9.85 % + 1.62 % = 11.47 % -> 17,205 - 14,775 = 2,430,
    #     January, February 11.50 % -> 17,250 - 14,865 = 2,385: 2 x 2,385 + 10 x 2,430 = 29,070;
    #   子ども・子育て支援金 from the April premium: 9 x 345 = 3,105;
    #   厚生年金 18.3 %: 12 x 27,450 = 329,400.
    # Sources: kyoukaikenpo.or.jp 保険料額表 令和7年3月分, 令和8年3月分 (東京都);
    # nenkin.go.jp 厚生年金保険料額表 (18.300 %).
    young = compute(3_600_000, "JP-TOKYO", 2026, age=35).lines
    older = compute(3_600_000, "JP-TOKYO", 2026, age=45).lines
    assert float(young["health_insurance"]) == 2 * 14_865 + 10 * 14_775
    assert float(young["long_term_care_insurance"]) == 0
    assert float(older["long_term_care_insurance"]) == 2 * (17_250 - 14_865) + 10 * (17_205 - 14_775)
    assert float(young["child_support_levy"]) == 9 * 345
    assert float(young["employees_pension"]) == 12 * 27_450


def test_nta_2260_reconstruction_tax_on_top() -> None:
    # 974,000 x 102.1% = 994,454 -> 994,400 after 100-yen rounding (国税通則法 第119条).
    from calculators.tax.jurisdictions.jp_income import income_and_reconstruction_tax

    income_tax, reconstruction = income_and_reconstruction_tax(7_000_000, 2025)
    assert (float(income_tax), float(reconstruction)) == (974_000.0, 20_400.0)


def test_care_insurance_only_from_age_40() -> None:
    young = compute(8_000_000, "JP-TOKYO", 2025, age=39)
    older = compute(8_000_000, "JP-TOKYO", 2025, age=40)
    assert float(young.lines["long_term_care_insurance"]) == 0.0
    # 報酬月額 666,667 -> 標準 680,000; 2 months at 1.60% and 10 at 1.59% (employee half).
    assert float(older.lines["long_term_care_insurance"]) == pytest.approx(
        2 * 680_000 * 0.0160 / 2 + 10 * 680_000 * 0.0159 / 2, abs=12
    )
    at_65 = compute(8_000_000, "JP-TOKYO", 2025, age=65)
    assert float(at_65.lines["long_term_care_insurance"]) == 0


def test_child_support_levy_from_april_2026_only() -> None:
    assert float(compute(6_000_000, "JP", 2025).lines["child_support_levy"]) == 0.0
    # 標準報酬月額 500,000 x 0.23% / 2 = 575 a month, April to December.
    assert float(compute(6_000_000, "JP", 2026).lines["child_support_levy"]) == 9 * 575


def test_equity_is_taxed_but_not_insured() -> None:
    cash = compute(14_000_000, "Tokyo", 2025)
    mixed = compute(14_000_000, "Tokyo", 2025, equity_income=3_000_000)
    for line in ("health_insurance", "employees_pension", "employment_insurance"):
        assert float(mixed.lines[line]) == float(cash.lines[line])
    assert float(mixed.lines["income_tax"]) > float(cash.lines["income_tax"])
    levy = "resident_tax_income_levy"
    assert float(mixed.lines[levy]) > float(cash.lines[levy])


def test_caps_of_standard_remuneration() -> None:
    a = compute(17_000_000, "JP-TOKYO", 2025).lines
    b = compute(40_000_000, "JP-TOKYO", 2025).lines
    assert float(a["employees_pension"]) == float(b["employees_pension"]) == 12 * 59_475
    # Health capped at 1,390,000 from a monthly pay of 1,355,000.
    assert float(a["health_insurance"]) == float(b["health_insurance"])


def test_resident_tax_non_taxable_limit() -> None:
    # 2025: 給与所得 = revenue - 650,000 <= 450,000 -> no 均等割 (1級地, single).
    assert float(compute(1_100_000, "JP", 2025).lines["resident_tax_per_capita"]) == 0
    assert float(compute(1_100_001, "JP", 2025).lines["resident_tax_per_capita"]) == 5_000
    assert float(compute(1_190_000, "JP", 2026).lines["resident_tax_per_capita"]) == 0


def test_options_are_checked() -> None:
    with pytest.raises(InvalidInputError):
        compute(5_000_000, "JP-TOKYO", 2025, health_insurer="its-kenpo")
    with pytest.raises(InvalidInputError):
        compute(5_000_000, "JP-TOKYO", 2025, age=80)
    assert float(compute(5_000_000, "JP-TOKYO", 2025, health_insurer="KYOKAI-TOKYO").net) > 0


def test_aliases_and_shapes() -> None:
    for name in ("Tokyo", "Japan", "JP", "東京", "jp-tokyo"):
        assert compute(9_000_000, name, 2026).jurisdiction == "JP-TOKYO"
    scalar = compute(9_000_000, "JP", 2026)
    array = compute([9_000_000], "JP", 2026)
    assert np.shape(scalar.net) == () and np.shape(array.net) == (1,)
    assert float(scalar.net) == float(array.net[0])


def test_a_million_incomes_at_once() -> None:
    # speed is measured by `python -m bench tax`, not asserted here
    gross = np.linspace(0, 60_000_000, 1_000_000)
    result = compute(gross, "JP-TOKYO", 2026, equity_income=gross * 0.2)
    assert result.net.shape == gross.shape
    assert all(np.all(v >= 0) for v in result.lines.values())
    assert np.all(result.net <= result.gross)


@pytest.mark.parametrize("year", [2025, 2026])
def test_net_only_falls_at_documented_edges(year: int) -> None:
    """Net pay falls by more than the 999-yen rounding steps only at the law's edges."""
    from calculators.tax.engine import params

    social = params("jp", "social_insurance")
    lower = set(social["health_insurance_grades"].at(year)["lower"])
    lower |= set(social["pension_grades"].at(year)["lower"])
    grade_edges = {12.0 * b for b in lower if b > 0}
    thresholds = [450_000.0]
    for name in ("income_tax", "resident_tax"):
        thresholds += params("jp", name)["basic_deduction"].at(year)["up_to"]

    rng = np.random.default_rng(year)
    gross = np.concatenate(
        [
            np.floor(rng.uniform(0, 60_000_000, 200_000)),
            np.array(sorted(grade_edges)) - 1,
            np.arange(0, 30_000_000, 997, dtype=float),
        ]
    )
    low = compute(gross, "JP-TOKYO", year).net
    high = compute(gross + 1, "JP-TOKYO", year).net
    drop = low - high
    assert drop.max() > 999  # the edges exist ...
    inc_lo = employment_income(gross, year)
    inc_hi = employment_income(gross + 1, year)
    crosses = np.zeros(gross.shape, dtype=bool)
    for t in thresholds:
        crosses |= (inc_lo <= t) & (inc_hi > t)
    at_grade = np.isin(gross + 1, list(grade_edges))
    explained = crosses | at_grade | (gross == 0)
    # ... and every drop above 999 yen is one of them.
    assert np.all(drop[~explained] <= 999)
