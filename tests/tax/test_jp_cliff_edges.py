"""JP-TOKYO cliff edges (``params/jp/cliff_edges.yaml``) recomputed from the rules.

Each row says: at this gross salary net pay falls by this much.  The check recomputes the drop
(net pay at ``gross - 1`` minus net pay at ``gross``) with the engine, and looks for edges the
table misses at every salary where a rule can jump: 12 x each 標準報酬月額 grade's lower bound,
and the first salary whose 給与所得 exceeds any amount in the income-tax and resident-tax
parameter files (the 基礎控除 tiers, the 非課税限度額, the 調整控除 limit...).  A sample of other
salaries must fall by at most a rounding step.  A wrong, missing or extra row fails.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from calculators.errors import MissingParameterError
from calculators.tax import compute
from calculators.tax.engine import get_jurisdiction, params
from calculators.tax.jurisdictions.jp_income import employment_income
from calculators.tax.jurisdictions.jp_tokyo import CliffEdge, cliff_edges
from tests.tax.param_numbers import numbers

YEARS = get_jurisdiction("JP-TOKYO").years
TOP = 60_000_000  # the range the table was measured over
ROUNDING_STEP = 999  # the most a statutory rounding step costs (module docstring)


def _drop(gross: np.ndarray, year: int) -> np.ndarray:
    gross = np.asarray(gross, dtype=float)
    return compute(gross - 1, "JP-TOKYO", year).net - compute(gross, "JP-TOKYO", year).net


def _first_salary_with_income_above(amounts: np.ndarray, year: int) -> np.ndarray:
    """Smallest whole-yen salary whose 給与所得 exceeds each amount (TOP + 1 if none)."""
    lo = np.zeros_like(amounts)  # income(lo) <= amount
    hi = np.full_like(amounts, TOP + 1)
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        above = employment_income(mid, year) > amounts
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return hi


def _candidates(year: int) -> np.ndarray:
    social = params("jp", "social_insurance")
    grades = {1.0}
    for name in ("health_insurance_grades", "pension_grades"):
        grades |= {12.0 * x for x in social[name].at(year)["lower"]}
    amounts = {
        x
        for family in ("income_tax", "resident_tax")
        for p in params("jp", family).values()
        for x in numbers(p.at(year))
        if x >= 1_000
    }
    income_edges = _first_salary_with_income_above(np.array(sorted(amounts)), year)
    found = grades | set(income_edges.tolist())
    return np.array(sorted(g for g in found if 1 <= g <= TOP))


def _mismatches(edges: tuple[CliffEdge, ...], year: int) -> list[str]:
    """Every way the table disagrees with the rules (empty when it is right)."""
    problems = []
    listed = np.array([e.gross for e in edges], dtype=float)
    if list(listed) != sorted(set(listed)):
        problems.append("rows are not in increasing order of gross")
    got = _drop(listed, year)
    for edge, drop in zip(edges, got, strict=True):
        if abs(drop - edge.drop) > 1e-6:
            problems.append(f"{edge.gross}: the rules drop {drop:.6f}, the table says {edge.drop}")
        if edge.drop <= ROUNDING_STEP:
            problems.append(f"{edge.gross}: a drop of {edge.drop} is a rounding step, not an edge")
        if not edge.cause.strip():
            problems.append(f"{edge.gross}: no cause")
    candidates = _candidates(year)
    large = candidates[_drop(candidates, year) > ROUNDING_STEP]
    missing = sorted(set(large.tolist()) - set(listed.tolist()))
    problems += [f"{int(g)}: net pay falls by more than a rounding step, not in the table" for g in missing]
    return problems


@pytest.mark.parametrize("year", YEARS)
def test_every_row_is_what_the_rules_compute_and_no_edge_is_missing(year: int) -> None:
    edges = cliff_edges(year)
    assert len(edges) > 50
    assert _mismatches(edges, year) == []


@pytest.mark.parametrize("year", YEARS)
def test_elsewhere_net_pay_falls_by_at_most_a_rounding_step(year: int) -> None:
    listed = {e.gross for e in cliff_edges(year)}
    rng = np.random.default_rng(year)
    sample = np.unique(rng.integers(1, TOP + 1, size=200_000)).astype(float)
    sample = sample[~np.isin(sample, list(listed))]
    drops = _drop(sample, year)
    assert drops.max() <= ROUNDING_STEP, sample[drops.argmax()]
    assert drops.max() > 0  # the rounding steps exist: the sample is not trivially flat


def test_a_wrong_missing_or_extra_row_is_caught() -> None:
    year = YEARS[0]
    edges = cliff_edges(year)
    k = len(edges) // 2
    wrong_drop = edges[:k] + (dataclasses.replace(edges[k], drop=edges[k].drop + 1),) + edges[k + 1 :]
    wrong_gross = edges[:k] + (dataclasses.replace(edges[k], gross=edges[k].gross + 1),) + edges[k + 1 :]
    missing = edges[:k] + edges[k + 1 :]
    extra = edges[:k] + (CliffEdge(edges[k].gross - 7, 5_000, "invented"),) + edges[k:]
    for table in (wrong_drop, wrong_gross, missing, extra):
        assert _mismatches(table, year), table[k]


def test_the_table_is_kept_for_every_covered_year_and_no_other() -> None:
    table = params("jp", "cliff_edges")["net_pay_cliff_edges"]
    assert tuple(d.year for d in table.dates) == YEARS
    assert table.status == "derived"
    with pytest.raises(MissingParameterError, match="no JP-TOKYO cliff edges for 2024"):
        cliff_edges(2024)
    with pytest.raises(MissingParameterError, match="kept for: " + ", ".join(map(str, YEARS))):
        cliff_edges(YEARS[-1] + 1)
