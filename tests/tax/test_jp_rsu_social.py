"""Japan: RSU vests in 健康保険 and 厚生年金, the option ``rsu_social_insurance``.

Hand calculations from the statutes (健康保険法 第45条, 厚生年金保険法 第24条の4: the 標準賞与額 is the
賞与 less its part below 1,000 yen, capped at 5,730,000 a fiscal year for health and 1,500,000 a
month for the pension) and the 協会けんぽ 東京 rates of December 2026 (健康保険 9.85 %, 子ども・子育て
支援金 0.23 %; 厚生年金 18.3 %), the employee paying half (50銭以下切捨て).
"""

from dataclasses import replace

import pytest

from calculators.errors import InvalidInputError
from calculators.examples import TOKYO_OFFER
from calculators.tax import compute
from calculators.tax.jurisdictions.jp_social import social_insurance_lines
from calculators.valuation.net import TAXED, withheld_parts

SALARY = 12_000_000


def _lines(rsu, treatment=None, age=35):
    extra = {} if treatment is None else {"rsu_social_insurance": treatment}
    return compute(SALARY, "JP-TOKYO", 2026, rsu, age=age, **extra).lines


SOCIAL = ("health_insurance", "long_term_care_insurance", "child_support_levy", "employees_pension")


def test_by_default_a_vest_pays_no_contribution():
    with_vest, without = _lines(3_000_000), _lines(0)
    assert all(float(with_vest[k]) == float(without[k]) for k in (*SOCIAL, "employment_insurance"))


def test_one_vest_a_year_as_a_bonus_by_hand():
    cash, bonus = _lines(0, "bonus"), _lines(3_000_999, "bonus")
    # 標準賞与額 3,000,000 (the 999 dropped): health 3,000,000 x 9.85 % / 2 = 147,750;
    # 子ども・子育て支援金 3,000,000 x 0.23 % / 2 = 3,450; pension on 1,500,000 (the monthly cap):
    # 1,500,000 x 18.3 % / 2 = 137,250; 雇用保険 stays on the salary
    assert float(bonus["health_insurance"] - cash["health_insurance"]) == 147_750
    assert float(bonus["child_support_levy"] - cash["child_support_levy"]) == 3_450
    assert float(bonus["employees_pension"] - cash["employees_pension"]) == 137_250
    assert float(bonus["employment_insurance"]) == float(cash["employment_insurance"])


def test_the_health_cap_binds_on_a_large_vest_and_care_is_charged_from_40():
    cash, bonus = _lines(0, "bonus", 45), _lines(9_000_000, "bonus", 45)
    # health on 5,730,000 (the fiscal-year cap): 5,730,000 x 9.85 % / 2 = 282,202.5 -> 282,202
    assert float(bonus["health_insurance"] - cash["health_insurance"]) == 282_202
    # health and 介護 together at 9.85 % + 1.62 %: 5,730,000 x 11.47 % / 2 = 328,615.5 -> 328,615
    # (exactly 50銭 is dropped), 介護 the difference
    assert float(bonus["long_term_care_insurance"] - cash["long_term_care_insurance"]) == 328_615 - 282_202
    assert float(bonus["employees_pension"] - cash["employees_pension"]) == 137_250


def test_quarterly_vests_are_remuneration_graded_with_the_salary():
    got = _lines(3_000_000, "remuneration")
    # 報酬月額 (12,000,000 + 3,000,000) / 12 = 1,250,000: its grades, as a salary of 15,000,000
    graded = social_insurance_lines(SALARY + 3_000_000, 2026, 35)
    cash = social_insurance_lines(SALARY, 2026, 35)
    assert (
        float(got["health_insurance"]) == float(graded["health_insurance"]) > float(cash["health_insurance"])
    )
    # the pension grade is already at its cap (650,000) on the salary alone: no more pension
    assert float(got["employees_pension"]) == float(cash["employees_pension"])
    assert float(got["employment_insurance"]) == float(cash["employment_insurance"])


def test_contributions_lower_the_income_tax_as_社会保険料控除():
    assert float(_lines(3_000_000, "bonus")["income_tax"]) < float(_lines(3_000_000)["income_tax"])


def test_an_option_gain_is_never_a_bonus():
    """疑義照会 No.2010-89: a stock option's exercise gain is neither 報酬 nor 賞与."""
    offer = replace(TOKYO_OFFER, rsu_regime=None, option_regime=None)
    parts = {k: 0.0 for k in TAXED} | {"base": float(SALARY), "options": 2_000_000.0}
    options_only = {
        t: float(withheld_parts(offer, parts, 2026, {"rsu_social_insurance": t})[()])
        for t in ("excluded", "bonus", "remuneration")
    }
    assert len(set(options_only.values())) == 1, options_only
    vest = parts | {"equity": 2_000_000.0, "options": 0.0}
    assert float(withheld_parts(offer, vest, 2026, {"rsu_social_insurance": "bonus"})[()]) > float(
        withheld_parts(offer, vest, 2026, {"rsu_social_insurance": "excluded"})[()]
    )


def test_an_unknown_treatment_is_one_message():
    with pytest.raises(
        InvalidInputError, match="rsu_social_insurance must be one of: excluded, remuneration, bonus"
    ):
        _lines(1_000_000, "sometimes")
