"""厚生年金 stops at the age the data states (厚生年金保険法 第9条: 七十歳未満), not at a number in code."""

from __future__ import annotations

import re
from pathlib import Path

from calculators.tax import compute
from calculators.tax.engine import params

ROOT = Path(__file__).resolve().parents[2]


def test_the_pension_age_is_dated_and_sourced_data():
    param = params("jp", "social_insurance")["employees_pension_until_age"]
    assert param.at(2025) == param.at(2026) == 70
    assert any("laws.e-gov.go.jp" in r["href"] for r in param.references) and param.status == "official"


def test_the_pension_stops_at_that_age():
    # 報酬月額 500,000 -> 標準報酬月額 500,000; 厚生年金 employee half 45,750 a month (2025)
    at_69 = compute(6_000_000, "JP-TOKYO", 2025, age=69).lines["employees_pension"]
    at_70 = compute(6_000_000, "JP-TOKYO", 2025, age=70).lines["employees_pension"]
    assert (float(at_69), float(at_70)) == (12 * 45_750.0, 0.0)


def test_no_pension_age_literal_in_the_rules():
    source = (ROOT / "calculators/tax/jurisdictions/jp_social.py").read_text(encoding="utf-8")
    assert not re.search(r"age\s*<\s*\d", source)
