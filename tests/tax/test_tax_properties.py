"""Invariants every jurisdiction's rules keep (run over all registered codes)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.errors import InvalidInputError, MissingParameterError, UnknownJurisdictionError
from calculators.tax import compute, get_jurisdiction, supported_codes

CODES = supported_codes()
YEARS = (2025, 2026)
# Upper end of the grid in local currency (about 1.5M USD).
SCALE = {"JP-TOKYO": 230_000_000, "IL": 5_000_000}


def grid(code):
    top = SCALE.get(code, 1_500_000)
    return np.unique(np.concatenate([np.linspace(0, top, 20_001), np.geomspace(1, top, 5_000)]))


def test_the_eight_jurisdictions_of_the_design_are_there():
    assert set(CODES) >= {"JP-TOKYO", "US-CA", "US-WA", "US-NY-NYC", "GB-ENG", "IL", "DE", "CA-ON"}


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", CODES)
def test_net_never_exceeds_gross_and_every_line_is_not_negative(code, year):
    gross = grid(code)
    result = compute(gross, code, year)
    assert np.all(result.net <= gross + 1e-9)
    for name, line in result.lines.items():
        assert line.shape == gross.shape, name
        assert np.all(line >= 0), name


# Japan's law makes net pay fall at documented edges (calculators/tax/jurisdictions/jp_tokyo.py):
# statutory rounding (under 1,000 yen), 標準報酬月額 grade steps (the premiums jump), and the
# income tiers of 基礎控除 and the 住民税 non-taxable limit, at these gross salaries (no equity):
JP_SOCIAL = (
    "health_insurance",
    "long_term_care_insurance",
    "child_support_levy",
    "employees_pension",
    "employment_insurance",
)
JP_TIERS = (
    1_100_001,
    1_190_001,
    2_004_000,
    4_752_000,
    6_655_556,
    8_500_001,
    25_450_001,
    25_950_001,
    26_450_001,
    26_950_001,
)


def _jp_allowed(gross, year):
    low, high = compute(gross, "JP-TOKYO", year), compute(gross + 1.0, "JP-TOKYO", year)
    social = sum(high.lines[n] - low.lines[n] for n in JP_SOCIAL if n in low.lines)
    near_tier = np.zeros_like(gross, dtype=bool)
    for tier in JP_TIERS:
        near_tier |= np.abs(gross + 1.0 - tier) <= 1.0
    drop = high.net - low.net
    return (drop >= -999.0) | (social > 0) | near_tier


# US edges documented in calculators/tax/jurisdictions/us_ca.py and us_ny.py, as gross salary
# (salary only: federal AGI = NYAGI = gross; NY taxable income = gross - 8,000).
NY_EDGES = (
    5_000,
    6_000,
    7_000,
    20_000,
    25_000,
    28_000,  # household credit
    223_400,
    1_085_550,
    5_008_000,
    25_000_000,  # supplemental tax bands
    250_000,
    500_000,
)  # NYC school tax credit
NY_WINDOWS = ((1_085_550, 1_135_550), (5_008_000, 5_058_000))  # marginal rate over 100 %
CA_CREDIT_PHASE_OUT = (252_203, 330_000)  # exemption credit falls 6 per 2,500 or fraction


def _edges(code):
    if code == "JP-TOKYO":
        return np.array(JP_TIERS, dtype=float)
    if code == "US-NY-NYC":
        return np.array(NY_EDGES + tuple(w for pair in NY_WINDOWS for w in pair), dtype=float)
    if code == "US-CA":
        return 252_203.0 + 2_500.0 * np.arange(30)
    return np.array([], dtype=float)


def _allowed(code, gross, step, year):
    if code == "JP-TOKYO":
        return _jp_allowed(gross, year)
    ok = step >= -1.0  # rounding: at most one currency unit
    if code == "US-CA":
        low, high = CA_CREDIT_PHASE_OUT
        ok |= (gross >= low) & (gross <= high) & (step >= -6.0)
    if code == "US-NY-NYC":
        for edge in NY_EDGES:
            ok |= np.abs(gross + 1.0 - edge) <= 1.0
        for low, high in NY_WINDOWS:
            ok |= (gross >= low - 1) & (gross <= high) & (step >= -0.25)
    return ok


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", CODES)
def test_net_does_not_fall_when_gross_rises_by_one(code, year):
    edges = _edges(code)
    near = (edges[:, None] + np.arange(-3.0, 3.0)).ravel()
    gross = np.unique(np.concatenate([grid(code), near[near >= 0]]))
    step = compute(gross + 1.0, code, year).net - compute(gross, code, year).net
    ok = _allowed(code, gross, step, year)
    assert ok.all(), (code, year, gross[~ok][:5].tolist(), step[~ok][:5].tolist())


def test_the_documented_edges_are_real():
    """The allowances above are not idle: each named edge does make net pay fall."""
    for code, gross in (
        ("US-NY-NYC", 223_400.0),  # taxable income 215,400 is the band below's (IT-201)
        ("US-NY-NYC", 1_085_550.0),
        ("US-CA", 252_203.0),
        ("JP-TOKYO", 1_115_999.0),
    ):
        step = compute(gross + 1.0, code, 2025).net - compute(gross, code, 2025).net
        assert float(step) < -1.0, (code, gross, float(step))


@pytest.mark.parametrize("code", CODES)
def test_equity_income_is_taxed_too(code):
    without = compute(100_000 * SCALE.get(code, 1_000_000) / 1_000_000, code, 2026)
    with_equity = compute(without.gross, code, 2026, equity_income=without.gross / 2)
    assert float(with_equity.total_withheld) > float(without.total_withheld)
    assert float(with_equity.net) <= float(with_equity.gross)


@given(
    st.sampled_from(CODES),
    st.sampled_from(YEARS),
    st.floats(min_value=0, max_value=2_000_000, allow_nan=False),
)
def test_a_scalar_and_a_one_element_range_agree(code, year, gross):
    scalar = compute(gross, code, year)
    ranged = compute([gross], code, year)
    assert float(scalar.net) == pytest.approx(float(ranged.net[0]), abs=1e-9)
    assert ranged.net.shape == (1,)


def test_unknown_jurisdiction_lists_the_supported_codes():
    with pytest.raises(UnknownJurisdictionError) as err:
        compute(1, "Atlantis", 2026)
    for code in CODES:
        assert code in str(err.value)


def test_a_year_outside_the_parameters_names_the_covered_years():
    with pytest.raises(MissingParameterError, match="covered: 2025, 2026"):
        compute(1, "GB-ENG", 2031)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, "abc", None, float("inf")])
def test_bad_gross_gives_one_clear_message(bad):
    with pytest.raises(InvalidInputError, match="gross"):
        compute(bad, "US-WA", 2026)


def test_city_names_resolve():
    assert get_jurisdiction("tokyo").code == "JP-TOKYO"
    assert get_jurisdiction("Tel Aviv").code == "IL"
    assert get_jurisdiction("new york").code == "US-NY-NYC"


@given(
    st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=1, max_size=12, unique=True),
    st.lists(st.floats(min_value=0.0, max_value=0.6), min_size=13, max_size=13),
    st.lists(st.floats(min_value=-1e5, max_value=5e7), min_size=1, max_size=50),
    st.booleans(),
)
def test_marginal_tax_is_each_bands_income_times_its_rate(steps, rates, incomes, from_zero):
    """The look-up (the tax below the band plus the band's part) is the definition: each band's
    share of the income times its rate, added up; below the first bound, no tax."""
    from calculators.tax.engine import marginal_tax

    bounds = sorted(steps)
    thresholds = ([0.0] if from_zero else []) + [float(b) for b in np.cumsum(bounds)]
    r = rates[: len(thresholds)]
    for x in incomes:
        expected = sum(
            max(0.0, min(max(x, 0.0), hi) - lo) * rate
            for lo, hi, rate in zip(thresholds, thresholds[1:] + [math.inf], r, strict=True)
        )
        got = marginal_tax(x, thresholds, r)
        assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-6), (x, got, expected)
    assert marginal_tax(incomes, thresholds, r).shape == (len(incomes),)


@pytest.mark.parametrize("code", CODES)
def test_a_call_of_plain_numbers_made_before_is_answered_without_the_rules(code, monkeypatch):
    """The kept results of compute: equal to the rules' own, one run of the rules for one
    set of numbers, a copy to each caller, and rules since replaced run again."""
    from dataclasses import replace

    from calculators.tax import engine

    jur = get_jurisdiction(code)
    runs = []

    def counted(salary, equity, year, options):
        runs.append(np.asarray(salary).tolist())
        return jur.lines(salary, equity, year, options)

    monkeypatch.setattr(engine, "_KEPT", type(engine._KEPT)())
    monkeypatch.setitem(engine._REGISTRY, code, replace(jur, lines=counted))
    first = compute(123_456.0, code, 2026, np.float64(1_000.0))
    again = compute(123_456.0, code, 2026, np.array(1_000.0))  # the same number, as numpy's
    assert len(runs) == 1 and float(again.net) == float(first.net)
    few = [np.array([123_456.0, 1.0]), code, 2026, np.array([1_000.0, 0.0])]
    assert compute(*few).net.tolist() == compute(*few).net.tolist()  # a few numbers: kept
    assert len(runs) == 2 and float(compute(*few).net[0]) == float(first.net)
    many = np.full(engine._KEPT_SIZE + 1, 123_456.0)
    assert float(compute(many, code, 2026, 1_000.0).net[-1]) == float(first.net)
    compute(many, code, 2026, 1_000.0)  # more numbers than are kept: the rules each time
    assert len(runs) == 4
    first.lines[next(iter(first.lines))] += 1.0  # a caller's copy, changed
    kept = compute(123_456.0, code, 2026, 1_000.0)
    assert {k: float(v) for k, v in kept.lines.items()} == {k: float(v) for k, v in again.lines.items()}
    assert len(runs) == 4
    monkeypatch.setitem(engine._REGISTRY, code, replace(jur, lines=counted))  # new rules
    compute(123_456.0, code, 2026, 1_000.0)
    assert len(runs) == 5
    compute(123_456.0, code, 2026, 1_000.0, **({"age": 40} if jur.ages else {}))
    assert len(runs) == 5 + bool(jur.ages)  # another option, another call
    with pytest.raises(InvalidInputError):  # a refusal is never kept
        compute(-1.0, code, 2026)
    with pytest.raises(InvalidInputError):
        compute(-1.0, code, 2026)
