"""JP-TOKYO cliff edges (:func:`cliff_edges`, computed from the rules) checked against the rules.

Each row says: at this gross salary net pay falls by this much.  The checks recompute every drop
(net pay at ``gross - 1`` minus net pay at ``gross``) with the engine, look for an edge at every
標準報酬月額 grade bound independently of ``cliff_edges``, and require a sample of 200,000 other
salaries to fall by at most a rounding step.  The counts and rows pinned in ``SCANNED`` are those
a scan of every yen of salary from 0 to 60,000,000 found (they were kept as
``params/jp/cliff_edges.yaml`` until ``cliff_edges`` computed them; the file's last version is in
commit 580c997).
"""

from __future__ import annotations

import numpy as np
import pytest

from calculators.errors import MissingParameterError
from calculators.tax import compute
from calculators.tax.engine import get_jurisdiction, params
from calculators.tax.jurisdictions.jp_tokyo import cliff_edges

YEARS = get_jurisdiction("JP-TOKYO").years
TOP = 60_000_000  # the range cliff_edges searches by default
ROUNDING_STEP = 999  # the most a statutory rounding step costs (module docstring)

# year: (number of edges, some (gross, drop) rows), from the every-yen scan
SCANNED = {
    2025: (59, [(1, 131151), (1_100_001, 4999), (2_004_000, 3999), (4_752_000, 11299), (26_950_001, 82799)]),
    2026: (
        57,
        [(1, 131534), (1_190_001, 4999), (6_655_556, 37799), (25_450_001, 57199), (26_950_001, 82799)],
    ),
}


def _drop(gross: np.ndarray, year: int) -> np.ndarray:
    gross = np.asarray(gross, dtype=float)
    return compute(gross - 1, "JP-TOKYO", year).net - compute(gross, "JP-TOKYO", year).net


@pytest.mark.parametrize("year", YEARS)
def test_every_row_is_a_drop_the_rules_compute(year: int) -> None:
    edges = cliff_edges(year)
    gross = [e.gross for e in edges]
    assert gross == sorted(set(gross)), "rows are not in increasing order of gross"
    for edge, drop in zip(edges, _drop(np.array(gross), year), strict=True):
        assert abs(drop - edge.drop) < 1e-6, edge
        assert edge.drop > ROUNDING_STEP, edge
        assert edge.cause.strip(), edge


@pytest.mark.parametrize("year", YEARS)
def test_the_edges_are_those_the_every_yen_scan_found(year: int) -> None:
    count, rows = SCANNED[year]
    found = {e.gross: e.drop for e in cliff_edges(year)}
    assert len(found) == count
    assert [(g, found.get(g)) for g, _ in rows] == rows


@pytest.mark.parametrize("year", YEARS)
def test_every_grade_bound_where_net_pay_falls_is_an_edge(year: int) -> None:
    social = params("jp", "social_insurance")
    bounds = {
        12.0 * x
        for name in ("health_insurance_grades", "pension_grades")
        for x in social[name].at(year)["lower"]
    }
    bounds = np.array(sorted(b for b in bounds if 1 <= b <= TOP))
    large = bounds[_drop(bounds, year) > ROUNDING_STEP]
    listed = {e.gross: e.cause for e in cliff_edges(year)}
    assert len(large) > 40
    for g in large.tolist():
        assert "grade" in listed.get(int(g), ""), g


@pytest.mark.parametrize("year", YEARS)
def test_elsewhere_net_pay_falls_by_at_most_a_rounding_step(year: int) -> None:
    listed = {e.gross for e in cliff_edges(year)}
    rng = np.random.default_rng(year)
    sample = np.unique(rng.integers(1, TOP + 1, size=200_000)).astype(float)
    sample = sample[~np.isin(sample, list(listed))]
    drops = _drop(sample, year)
    assert drops.max() <= ROUNDING_STEP, sample[drops.argmax()]
    assert drops.max() > 0  # the rounding steps exist: the sample is not trivially flat


def test_a_smaller_range_keeps_the_edges_below_it() -> None:
    year = YEARS[0]
    below = [e for e in cliff_edges(year) if e.gross <= 3_000_000]
    assert cliff_edges(year, up_to=3_000_000) == tuple(below)


def test_only_covered_years_have_edges() -> None:
    with pytest.raises(MissingParameterError, match="no JP-TOKYO cliff edges for 2024"):
        cliff_edges(2024)
    with pytest.raises(MissingParameterError, match="covered: " + ", ".join(map(str, YEARS))):
        cliff_edges(YEARS[-1] + 1)
