"""Take-home pay in Tokyo (special wards), Japan: tax years 2025 and 2026.

Single employee, no dependants, salary paid in 12 equal monthly amounts, health insurer
協会けんぽ 東京支部.  Lines, in this order (JPY a year):

``income_tax``
    所得税 (基準所得税額), see
    :func:`~calculators.tax.jurisdictions.jp_income.income_tax_on_taxable_income`.
``reconstruction_tax``
    復興特別所得税 (2.1%), the rest of the combined amount rounded down to 100 yen.
``resident_tax_income_levy``
    住民税 所得割 (都民税 4% + 特別区民税 6%, after 調整控除) **assessed on this year's income**,
    although it is paid from the following June to May.
``resident_tax_per_capita``
    住民税 均等割 (都 1,000 + 区 3,000) plus 森林環境税 1,000, on this year's income likewise.
``health_insurance``, ``long_term_care_insurance``, ``child_support_levy``, ``employees_pension``,
``employment_insurance``
    Employee contributions, see :mod:`calculators.tax.jurisdictions.jp_social`
    (介護保険 only from age 40 to 64; 子ども・子育て支援金 from the April 2026 premium).

Salary plus equity income (RSU vests) is 給与等の収入金額 for 所得税 and 住民税 (stock awards from a
foreign parent are 給与所得: 最高裁 平成17年1月25日判決; 所得税法 第228条の3の2 調書); equity income
is outside the social-insurance and employment-insurance bases (see ``jp_social``).  All social
contributions are deducted as 社会保険料控除 for both taxes.  Not modelled:
所得金額調整控除 (needs a child or disability), the 2025 high-income minimum tax
(基準所得金額 over 3.3億; for employment income alone it never binds because 22.5% of the
excess stays below the 45% band), other deductions and credits.

Cliff edges (net pay falls although gross rises by 1 yen), all created by the law:

* **Statutory rounding.** 課税所得 is rounded down to 1,000 yen and each tax to 100 yen, and below
  6,600,000 給与所得 moves in 4,000-yen steps (別表第五).  At each such step net pay can fall by up
  to about 1,000 yen (at most 1,000 x (45% x 1.021 + 10%) + 200 of rounding, about 860 yen; a
  4,000-yen 別表第五 step: at most 3,200 x (20% x 1.021 + 10%) + 200, about 1,170 yen).
* **標準報酬月額 grades.** When salary / 12 crosses a grade boundary of the health table (63,000 ...
  1,355,000) or the pension table (93,000 ... 635,000) the yearly premiums rise by 12 x the grade
  step x the employee rate: about 12 x step x 14.1% while both tables grow (e.g. 395,000 x 12:
  step 30,000 -> about 50,800 a year, 53,700 from age 40), 12 x step x 4.96% above 635,000
  (e.g. 1,055,000 x 12: step 60,000 -> about 35,700), less the tax saved on the deduction.
* **基礎控除 tiers** (合計所得金額 = 給与所得): 2025 at 1.32M (-70,000 of deduction),
  3.36M (-200,000),
  4.89M (-50,000), 6.55M (-50,000); 2026 at 4.89M (-370,000), 6.55M (-50,000); both years at 23.5M
  (-100,000 / -140,000), 24M (-160,000; resident -140,000), 24.5M (-160,000; resident -140,000),
  25M (-160,000; resident -150,000 and the 2,500 調整控除 lost).  The drop is the lost deduction
  times the marginal rate (e.g. 2026 at 4.89M: about 370,000 x 10.21% = 37,800 yen).
* **住民税 非課税限度額**: above 合計所得金額 450,000 (salary 1,100,000 in 2025, 1,190,000 in 2026)
  the 均等割 and 森林環境税 (5,000) become due.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError
from calculators.tax.engine import register
from calculators.tax.jurisdictions.jp_income import (
    employment_income,
    income_and_reconstruction_tax,
    income_tax_basic_deduction,
    income_tax_on_taxable_income,
)
from calculators.tax.jurisdictions.jp_resident import resident_tax_lines
from calculators.tax.jurisdictions.jp_social import social_insurance_lines

__all__ = ["lines", "income_tax_on_taxable_income", "HEALTH_INSURERS"]

Array = npt.NDArray[np.float64]

HEALTH_INSURERS = ("kyokai-tokyo",)
_SOCIAL = (
    "health_insurance",
    "long_term_care_insurance",
    "child_support_levy",
    "employees_pension",
    "employment_insurance",
)


def _age(options: Mapping[str, Any]) -> float:
    age = options.get("age", 35)
    if isinstance(age, bool) or not isinstance(age, (int, float, np.integer, np.floating)):
        raise InvalidInputError("age must be a number of years such as 35")
    if not 15 <= float(age) < 75:
        raise InvalidInputError(
            "age must be between 15 and 74 (75 and over is 後期高齢者医療, not modelled)"
        )
    return float(age)


def _insurer(options: Mapping[str, Any]) -> str:
    insurer = str(options.get("health_insurer", "kyokai-tokyo")).strip().lower()
    if insurer not in HEALTH_INSURERS:
        raise InvalidInputError(
            "health_insurer must be one of: " + ", ".join(HEALTH_INSURERS)
        )
    return insurer


@register(
    "JP-TOKYO",
    currency="JPY",
    years=(2025, 2026),
    aliases=("Tokyo", "Japan", "JP", "東京"),
    options={"age": 35, "health_insurer": "kyokai-tokyo"},
    description=(
        "Tokyo special wards: 所得税, 復興特別所得税, 住民税, 協会けんぽ, 厚生年金, 雇用保険"
    ),
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line for Tokyo (see the module docstring).

    >>> from calculators.tax import compute
    >>> r = compute(10_000_000, "JP-TOKYO", 2025)
    >>> sorted(k for k, v in r.lines.items() if float(v) > 0)[:3]
    ['employees_pension', 'employment_insurance', 'health_insurance']
    """
    age = _age(options)
    _insurer(options)
    social = social_insurance_lines(salary, year, age)
    social_total = sum((social[k] for k in _SOCIAL), np.zeros_like(salary))
    revenue = salary + equity
    income = employment_income(revenue, year)
    taxable = income - social_total - income_tax_basic_deduction(income, year)
    income_tax, reconstruction = income_and_reconstruction_tax(taxable, year)
    resident = resident_tax_lines(income, social_total, year)
    out: dict[str, Array] = {
        "income_tax": income_tax,
        "reconstruction_tax": reconstruction,
        "resident_tax_income_levy": resident["resident_tax_income_levy"],
        "resident_tax_per_capita": resident["resident_tax_per_capita"],
    }
    for key in _SOCIAL:
        out[key] = social[key]
    return {k: np.asarray(v, dtype=float).reshape(np.shape(salary)) for k, v in out.items()}
