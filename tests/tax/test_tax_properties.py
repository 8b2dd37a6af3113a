"""Invariants every jurisdiction's rules keep (run over all registered codes)."""

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
JP_SOCIAL = ("health_insurance", "long_term_care_insurance", "child_support_levy",
             "employees_pension", "employment_insurance")
JP_TIERS = (1_100_001, 1_190_001, 2_004_000, 4_752_000, 6_655_556, 8_500_001, 25_450_001,
            25_950_001, 26_450_001, 26_950_001)


def _jp_allowed(gross, year):
    low, high = compute(gross, "JP-TOKYO", year), compute(gross + 1.0, "JP-TOKYO", year)
    social = sum(high.lines[n] - low.lines[n] for n in JP_SOCIAL if n in low.lines)
    near_tier = np.zeros_like(gross, dtype=bool)
    for tier in JP_TIERS:
        near_tier |= np.abs(gross + 1.0 - tier) <= 1.0
    drop = high.net - low.net
    return (drop >= -999.0) | (social > 0) | near_tier


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", CODES)
def test_net_does_not_fall_when_gross_rises_by_one(code, year):
    gross = grid(code)
    if code == "JP-TOKYO":
        tiers = np.array(JP_TIERS, dtype=float) - 1.0
        gross = np.unique(np.concatenate([gross, tiers, tiers - 1.0]))
    step = compute(gross + 1.0, code, year).net - compute(gross, code, year).net
    if code == "JP-TOKYO":
        ok = _jp_allowed(gross, year)
        assert ok.all(), (year, gross[~ok][:5].tolist(), step[~ok][:5].tolist())
        return
    # elsewhere no edge is bigger than one currency unit (rounding); anything more is a bug
    assert step.min() >= -1.0, (code, year, float(gross[np.argmin(step)]), float(step.min()))


@pytest.mark.parametrize("code", CODES)
def test_equity_income_is_taxed_too(code):
    without = compute(100_000 * SCALE.get(code, 1_000_000) / 1_000_000, code, 2026)
    with_equity = compute(without.gross, code, 2026, equity_income=without.gross / 2)
    assert float(with_equity.total_withheld) > float(without.total_withheld)
    assert float(with_equity.net) <= float(with_equity.gross)


@given(st.sampled_from(CODES), st.sampled_from(YEARS),
       st.floats(min_value=0, max_value=2_000_000, allow_nan=False))
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
