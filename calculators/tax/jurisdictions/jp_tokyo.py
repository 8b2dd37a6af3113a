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

Cliff edges (net pay falls although gross rises by 1 yen), all created by the law.  Measured
by computing every yen of salary from 0 to 60,000,000 (age 35, no equity):

* **Statutory rounding.** 課税所得 is rounded down to 1,000 yen, each tax to 100 yen, and below
  6,600,000 給与所得 moves in 4,000-yen steps (所得税法 別表第五).  At such a step net pay falls by
  at most 999 yen (about 110,000 such steps a year over that range).
* **Larger edges** (gross salary at which net falls; drop in 2025 and 2026, JPY a year).
  標準報酬月額 grades: the premiums jump when salary / 12 reaches a grade's lower bound (the
  drop is 12 x grade step x employee rate, less the tax saved; larger from age 40 with
  介護保険).  基礎控除 tiers and the 住民税 非課税限度額 are named:

         gross     2025     2026  cause
             1  131,151  131,534  first yen of salary: lowest 標準報酬月額 grades (58,000 / 88,000)
       756,000    5,947    6,018  health grade (報酬月額 63,000)
       876,000    5,957    6,019  health grade (報酬月額 73,000)
       996,000    5,947    6,018  health grade (報酬月額 83,000)
     1,100,001    4,999        -  2025 住民税 非課税限度額 (合計所得 450,000)
     1,116,000   16,937   16,999  health + pension grade (報酬月額 93,000)
     1,190,001        -    4,999  2026 住民税 非課税限度額 (合計所得 450,000)
     1,212,000   10,157   10,204  health + pension grade (報酬月額 101,000)
     1,284,000    9,655   10,185  health + pension grade (報酬月額 107,000)
     1,368,000   12,251   13,507  health + pension grade (報酬月額 114,000)
     1,464,000   12,141   12,196  health + pension grade (報酬月額 122,000)
     1,560,000   12,253   12,298  health + pension grade (報酬月額 130,000)
     1,656,000   12,241   12,296  health + pension grade (報酬月額 138,000)
     1,752,000   12,241   12,296  health + pension grade (報酬月額 146,000)
     1,860,000   15,137   15,209  health + pension grade (報酬月額 155,000)
     1,980,000   14,827   15,388  health + pension grade (報酬月額 165,000)
     2,004,000    3,999        -  2025 基礎控除 95万→88万 (合計所得 1.32M)
     2,100,000   14,837   14,309  health + pension grade (報酬月額 175,000)
     2,220,000   14,827   14,888  health + pension grade (報酬月額 185,000)
     2,340,000   14,737   14,809  health + pension grade (報酬月額 195,000)
     2,520,000   29,165   29,298  health + pension grade (報酬月額 210,000)
     2,760,000   29,265   29,198  health + pension grade (報酬月額 230,000)
     3,000,000   29,265   29,298  health + pension grade (報酬月額 250,000)
     3,240,000   29,365   29,398  health + pension grade (報酬月額 270,000)
     3,480,000   29,165   29,298  health + pension grade (報酬月額 290,000)
     3,720,000   29,265   29,298  health + pension grade (報酬月額 310,000)
     3,960,000   29,365   29,198  health + pension grade (報酬月額 330,000)
     4,200,000   29,165   29,398  health + pension grade (報酬月額 350,000)
     4,440,000   29,165   29,298  health + pension grade (報酬月額 370,000)
     4,740,000   43,693   43,787  health + pension grade (報酬月額 395,000)
     4,752,000   11,299        -  2025 基礎控除 88万→68万 (3.36M)
     5,100,000   41,303   43,808  health + pension grade (報酬月額 425,000)
     5,460,000   41,093   41,487  health + pension grade (報酬月額 455,000)
     5,820,000   41,103   41,308  health + pension grade (報酬月額 485,000)
     6,180,000   41,093   41,287  health + pension grade (報酬月額 515,000)
     6,540,000   41,103   41,308  health + pension grade (報酬月額 545,000)
     6,655,556    5,099   37,799  基礎控除 68万→63万 (2025) / 104万→67万 (2026) (合計所得 4.89M)
     6,900,000   35,593   35,487  health + pension grade (報酬月額 575,000)
     7,260,000   35,303   35,508  health + pension grade (報酬月額 605,000)
     7,620,000   35,193   35,487  health + pension grade (報酬月額 635,000)
     7,980,000   12,363   12,568  health grade (報酬月額 665,000)
     8,340,000   12,353   12,447  health grade (報酬月額 695,000)
     8,500,001   10,199   10,199  基礎控除 63万→58万 (2025) / 67万→62万 (2026) (6.55M)
     8,760,000   16,611   16,477  health grade (報酬月額 730,000)
     9,240,000   16,811   16,777  health grade (報酬月額 770,000)
     9,720,000   16,511   16,677  health grade (報酬月額 810,000)
    10,260,000   20,669   20,907  health grade (報酬月額 855,000)
    10,860,000   19,659   19,986  health grade (報酬月額 905,000)
    11,460,000   19,769   20,107  health grade (報酬月額 955,000)
    12,060,000   19,659   19,986  health grade (報酬月額 1,005,000)
    12,660,000   24,017   24,116  health grade (報酬月額 1,055,000)
    13,380,000   19,917   20,416  health grade (報酬月額 1,115,000)
    14,100,000   20,017   20,416  health grade (報酬月額 1,175,000)
    14,820,000   20,017   20,516  health grade (報酬月額 1,235,000)
    15,540,000   20,417   20,416  health grade (報酬月額 1,295,000)
    16,260,000   19,917   20,316  health grade (報酬月額 1,355,000)
    25,450,001   40,799   57,199  基礎控除 58万/62万→48万 (23.5M)
    25,950,001   79,399   79,308  基礎控除 48万→32万, 住民税 43万→29万 (24M)
    26,450,001   79,299   79,299  基礎控除 32万→16万, 住民税 29万→15万 (24.5M)
    26,950,001   82,799   82,799  基礎控除 16万→0, 住民税 15万→0, 調整控除 lost (25M)

  With equity income the income-based edges (基礎控除, 非課税限度額) move down by the equity
  amount; the grade edges depend on the cash salary only.
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
        raise InvalidInputError("age must be between 15 and 74 (75 and over is 後期高齢者医療, not modelled)")
    return float(age)


def _insurer(options: Mapping[str, Any]) -> str:
    insurer = str(options.get("health_insurer", "kyokai-tokyo")).strip().lower()
    if insurer not in HEALTH_INSURERS:
        raise InvalidInputError("health_insurer must be one of: " + ", ".join(HEALTH_INSURERS))
    return insurer


@register(
    options={"age": 35, "health_insurer": "kyokai-tokyo"},
    description=("Tokyo special wards: 所得税, 復興特別所得税, 住民税, 協会けんぽ, 厚生年金, 雇用保険"),
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
