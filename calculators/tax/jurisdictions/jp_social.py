"""Japan: employee social-insurance contributions (協会けんぽ 東京支部, 厚生年金, 雇用保険).

Pure, vectorised rules used by :mod:`calculators.tax.jurisdictions.jp_tokyo`; every figure comes
from ``params/jp/social_insurance.yaml``.

Method (documented choice): the salary is paid in 12 equal monthly amounts, so the
報酬月額 is salary / 12 and the 標準報酬月額 is its grade.  Premiums are computed month by
month for the premium months January to December of the tax year, each at the rate in
force for that premium month (協会けんぽ rates change with the March premium,
子ども・子育て支援金 starts with the premium month of the first date of
``child_support_levy_rate_kyokai``, 雇用保険 rates change on 1 April).
The employee's half of each monthly premium is rounded to the yen with the payroll rule
(50銭以下切捨て, 50銭超切上げ).  Where the 介護保険 premium is due it is computed together
with the health premium at the combined rate (as the 協会けんぽ 保険料額表 does) and
reported as the difference.  Most employers deduct a premium from the next month's pay
(翌月徴収); the cash deducted in a calendar year then differs slightly (December to
November premiums); the 社会保険料控除 here uses the January to December premiums.

Equity income (RSU vests delivered by a foreign parent) is not included: 雇用保険法 第4条第4項
counts only wages "事業主が労働者に支払うもの", and 日本年金機構「海外勤務者の報酬の取扱い」
(平成26年3月) treats pay not borne under the rules of the Japanese 適用事業所 as outside 報酬等
(健康保険法 第3条第5項, 厚生年金保険法 第3条第1項第3号).  A Japanese employer that recharges or
pays the award itself may have to include it: the option ``rsu_social_insurance`` of
:func:`contribution_lines` counts the vests as 報酬 (quarterly or more often) or as one 賞与 a year.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError
from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import MONTHS, checked_pay_months, params

__all__ = [
    "standard_monthly_remuneration",
    "employee_half",
    "social_insurance_lines",
    "RSU_OPTION",
    "RSU_TREATMENTS",
    "contribution_lines",
]

Array = npt.NDArray[np.float64]
_RATE_UNIT = 1_000_000  # rates are held as integers in millionths so that halves round exactly


def _param(name: str, when: dt.date | int) -> object:
    return params("jp", "social_insurance")[name].at(when)


def _grade_index(monthly_pay: npt.ArrayLike, grades: dict[str, list[float]]) -> npt.NDArray[np.intp]:
    pay = np.asarray(monthly_pay, dtype=float)
    idx = np.searchsorted(np.asarray(grades["lower"], dtype=float), pay, side="right") - 1
    return np.asarray(np.maximum(idx, 0), dtype=np.intp)


@overload
def standard_monthly_remuneration(monthly_pay: float, grades: dict[str, list[float]]) -> float: ...
@overload
def standard_monthly_remuneration(
    monthly_pay: Array | Sequence[float], grades: dict[str, list[float]]
) -> Array: ...
def standard_monthly_remuneration(monthly_pay: npt.ArrayLike, grades: dict[str, list[float]]) -> Amount:
    """標準報酬月額: the grade whose range (以上 lower[i], 未満 lower[i+1]) holds the 報酬月額.

    Parameters
    ----------
    monthly_pay : float or array_like
        報酬月額, JPY.
    grades : dict
        The grade table: ``lower`` bounds and the ``standard`` amount of each grade
        (``health_insurance_grades`` or ``pension_grades`` in ``params/jp/social_insurance.yaml``).

    Returns
    -------
    float or numpy.ndarray
        標準報酬月額.

    References
    ----------
    健康保険法 第40条, 厚生年金保険法 第20条 (標準報酬月額の等級); 協会けんぽ 保険料額表,
    https://www.kyoukaikenpo.or.jp/assets/R8_13tokyo.pdf

    Examples
    --------
    >>> g = {"lower": [0, 63_000, 73_000], "standard": [58_000, 68_000, 78_000]}
    >>> standard_monthly_remuneration([62_999, 63_000, 1e9], g).tolist()
    [58000.0, 68000.0, 78000.0]
    """
    idx = _grade_index(monthly_pay, grades)
    return scalar_out(np.asarray(np.asarray(grades["standard"], dtype=float)[idx], dtype=float), monthly_pay)


@overload
def employee_half(standard: float, rate: float) -> float: ...
@overload
def employee_half(standard: Array | Sequence[float], rate: float) -> Array: ...
def employee_half(standard: npt.ArrayLike, rate: float) -> Amount:
    """Employee's half of ``standard x rate``, rounded by the payroll rule (50銭以下切捨て).

    協会けんぽ 保険料額表 (東京, 令和7年3月分から, ``health_insurance_rate_kyokai_tokyo``): 標準報酬月額
    300,000 -> 折半額 14,865.0;
    58,000 -> 2,873.9 -> 2,874 withheld.

    Parameters
    ----------
    standard : float or array_like
        標準報酬月額, JPY.
    rate : float
        The full premium rate (employer and employee together).

    Returns
    -------
    float or numpy.ndarray
        The employee's monthly premium, whole yen.

    References
    ----------
    健康保険法 第161条 (折半負担); the rounding note of the
    協会けんぽ 保険料額表, https://www.kyoukaikenpo.or.jp/assets/R8_13tokyo.pdf

    Examples
    --------
    >>> employee_half([300_000, 58_000, 1_390_000], 0.0991).tolist()
    [14865.0, 2874.0, 68874.0]
    """
    std = np.asarray(standard, dtype=float).astype(np.int64)
    num = std * int(round(rate * _RATE_UNIT))  # = 2 x half x _RATE_UNIT, exact integers
    den = 2 * _RATE_UNIT
    q, r = np.divmod(num, den)
    return scalar_out(np.asarray(q + (2 * r > den), dtype=float), standard)


def social_insurance_lines(
    salary: npt.ArrayLike, year: int, age: float, months: int = MONTHS, first: int | None = None
) -> dict[str, Array]:
    """Employee contributions for a year of salary paid in ``months`` equal monthly amounts.

    Returns the lines ``health_insurance``, ``long_term_care_insurance`` (at
    ``care_insurance_ages`` only), ``child_support_levy`` (子ども・子育て支援金, from the premium
    month of the first date of ``child_support_levy_rate_kyokai``),
    ``employees_pension`` (厚生年金, under ``employees_pension_until_age`` only) and ``employment_insurance``
    (雇用保険, 一般の事業).  No salary means no employment and no contributions.

    Parameters
    ----------
    salary : float or array_like
        The year's salary, JPY, paid in ``months`` equal monthly amounts.
    year : int
        The calendar year of the premium months.
    age : float
        Age in whole years (介護保険 at ``care_insurance_ages``, 厚生年金 under
        ``employees_pension_until_age``).
    months : int, optional
        The premium months, the last ``months`` of the year (a job that starts in October has
        three: October to December; premiums are due for each month of insurance, counted
        from the month it is acquired: 厚生年金保険法 第19条, 第81条; 健康保険法 第156条).
        Default: the whole year.
    first : int, optional
        The first premium month (1 to 12), for months that are not the year's last: leaving on
        31 March (insurance lost on 1 April, premiums to the month before) is ``months=3,
        first=1``.  Default ``13 - months``.

    Returns
    -------
    dict of str to numpy.ndarray
        The five contribution lines named above, JPY for the year.

    References
    ----------
    協会けんぽ 東京支部 保険料額表, https://www.kyoukaikenpo.or.jp/assets/R8_13tokyo.pdf;
    日本年金機構 厚生年金保険料額表, https://www.nenkin.go.jp/service/kounen/hokenryo/ryogaku/ryogakuhyo/index.html;
    厚生労働省 雇用保険料率について, https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000108634.html;
    子ども・子育て支援法 (子ども・子育て支援金); the other references of
    ``params/jp/social_insurance.yaml``.

    Examples
    --------
    Salary 6,000,000 in 2025 (報酬月額 500,000 -> 標準報酬月額 500,000): health 2 x 24,950
    (the rate until the March premium) + 10 x 24,775 (the rate from it); pension 12 x 45,750; employment
    3 x 3,000 + 9 x 2,750.

    >>> lines = social_insurance_lines(6_000_000, 2025, 35)
    >>> {k: float(v) for k, v in lines.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'health_insurance': 297650.0, 'long_term_care_insurance': 0.0, 'child_support_levy': 0.0,
     'employees_pension': 549000.0, 'employment_insurance': 33750.0}
    """
    months = checked_pay_months(months)
    start = MONTHS + 1 - months if first is None else int(first)
    if not 1 <= start <= MONTHS + 1 - months:
        raise InvalidInputError(
            f"the premium months {start} to {start + months - 1} are not months of one year"
        )
    monthly = np.maximum(np.asarray(salary, dtype=float), 0.0) / months
    employed = monthly > 0  # no pay, no employment: no contributions
    care_due, pension_due = _due(year, age)
    health_t, care_t, child_t, pension_t, employment_rates = _yearly_premiums(
        int(year), care_due, pension_due, start, start + months - 1
    )
    health_grades = _param("health_insurance_grades", year)
    pension_grades = _param("pension_grades", year)
    assert isinstance(health_grades, dict) and isinstance(pension_grades, dict)

    h_idx = _grade_index(monthly, health_grades)
    p_idx = _grade_index(monthly, pension_grades)
    # 雇用保険: actual monthly wages x rate, 50銭以下切捨て, for each month at its rate.
    employment = np.zeros_like(monthly)
    for e, months in employment_rates:
        employment += months * np.maximum(np.ceil(monthly * e - 0.5 - 1e-9), 0.0)

    def on(values: Array) -> Array:
        return np.asarray(np.where(employed, values, 0.0), dtype=float)

    return {
        "health_insurance": on(health_t[h_idx]),
        "long_term_care_insurance": on(care_t[h_idx]),
        "child_support_levy": on(child_t[h_idx]),
        "employees_pension": on(pension_t[p_idx]),
        "employment_insurance": on(employment),
    }


def _due(year: int, age: float) -> tuple[bool, bool]:
    """Whether 介護保険 (``care_insurance_ages``) and 厚生年金 (``employees_pension_until_age``)
    are due at ``age``."""
    ages = _param("care_insurance_ages", year)
    pension_until = _param("employees_pension_until_age", year)
    assert isinstance(ages, dict) and isinstance(pension_until, int)
    return bool(ages["from_age"] <= age < ages["until_age"]), bool(age < pension_until)


def _rates(day: dt.date) -> tuple[float, float, float, float]:
    """The full rates of a premium month: 健康保険, 介護保険, 子ども・子育て支援金, 厚生年金."""
    names = (
        "health_insurance_rate_kyokai_tokyo",
        "long_term_care_rate_kyokai",
        "child_support_levy_rate_kyokai",
        "pension_rate",
    )
    h, c, k, p = (float(_param(name, day)) for name in names)  # type: ignore[arg-type]
    return h, c, k, p


@functools.cache
def _yearly_premiums(
    year: int, care_due: bool, pension_due: bool, first: int = 1, last: int = MONTHS
) -> tuple[Array, Array, Array, Array, tuple[tuple[float, int], ...]]:
    """The year's employee premium per grade (health, care, child levy, pension) over the
    premium months ``first`` to ``last``, and the employment-insurance rates with their month
    counts: the same for every salary of a year, so computed once per (year, care due, pension
    due, months); the arrays are read-only.
    """
    health_grades = _param("health_insurance_grades", year)
    pension_grades = _param("pension_grades", year)
    assert isinstance(health_grades, dict) and isinstance(pension_grades, dict)
    health_std = np.asarray(health_grades["standard"], dtype=float)
    pension_std = np.asarray(pension_grades["standard"], dtype=float)

    # Yearly premium per grade (the tables have 50 and 32 rows), then looked up per income.
    health_t, care_t, child_t = (np.zeros_like(health_std) for _ in range(3))
    pension_t = np.zeros_like(pension_std)
    employment_rates: dict[float, int] = {}
    for month in range(first, last + 1):
        day = dt.date(year, month, 1)
        h, c, k, p = _rates(day)
        e = float(_param("employment_insurance_employee_rate", day))  # type: ignore[arg-type]
        h_month = employee_half(health_std, h)
        health_t += h_month
        if care_due:
            care_t += employee_half(health_std, h + c) - h_month
        child_t += employee_half(health_std, k)
        if pension_due:
            pension_t += employee_half(pension_std, p)
        employment_rates[e] = employment_rates.get(e, 0) + 1
    for table in (health_t, care_t, child_t, pension_t):
        table.setflags(write=False)
    return health_t, care_t, child_t, pension_t, tuple(employment_rates.items())


# the choices, the default first (the latest dated list: they are the law's readings, not a figure)
RSU_OPTION = "rsu_social_insurance"  # the option (a personal fact) that chooses among them
RSU_TREATMENTS: tuple[str, ...] = tuple(
    list(params("jp", "social_insurance")[RSU_OPTION].values.values())[-1]
)


def contribution_lines(
    salary: npt.ArrayLike,
    rsu: npt.ArrayLike,
    year: int,
    age: float,
    treatment: str = RSU_TREATMENTS[0],
    months: int = MONTHS,
    first: int | None = None,
) -> dict[str, Array]:
    """Employee contributions on a year's salary and RSU vests, the vests treated as ``treatment``.

    ``excluded``: on the salary alone (:func:`social_insurance_lines`).  ``remuneration``: a
    twelfth of the vests is added to each month's 報酬月額 before its 健康保険 and 厚生年金 grades are
    looked up (vests four or more times a year are 報酬, not 賞与).  ``bonus``: the vests are one 賞与
    a year, its 標準賞与額 (``bonus_standard_rounding``) capped at ``health_bonus_cap_fiscal_year`` for
    健康保険, 介護保険 and 子ども・子育て支援金 and at ``pension_bonus_cap_month`` for 厚生年金, charged at
    the rates of the December premium month.  雇用保険 stays on the salary; no salary, no
    contributions (see ``rsu_social_insurance`` in ``params/jp/social_insurance.yaml``).

    Parameters
    ----------
    salary, rsu : float or array_like
        The year's salary (``months`` equal months) and RSU vests, JPY, of one shape.
    year : int
        The calendar year of the premium months.
    age : float
        Age in whole years.
    treatment : str
        One of :data:`RSU_TREATMENTS` (any case).
    months : int, optional
        The premium months, the last ``months`` of the year (:func:`social_insurance_lines`).
    first : int, optional
        The first premium month, where they are not the year's last (:func:`social_insurance_lines`).

    Returns
    -------
    dict of str to numpy.ndarray
        The lines of :func:`social_insurance_lines`.

    Raises
    ------
    InvalidInputError
        A treatment not among :data:`RSU_TREATMENTS`.

    References
    ----------
    健康保険法 第3条第6項, 第45条; 厚生年金保険法 第24条の4; 日本年金機構 疑義照会 No.2014-4 (the
    references of ``rsu_social_insurance`` in ``params/jp/social_insurance.yaml``).

    Examples
    --------
    >>> cash = social_insurance_lines(12_000_000, 2025, 35)
    >>> contribution_lines(12_000_000, 3_000_000, 2025, 35) == cash
    True
    >>> bonus = contribution_lines(12_000_000, 3_000_000, 2025, 35, "bonus")
    >>> bool(bonus["employees_pension"] > cash["employees_pension"])
    True
    """
    treatment = str(treatment).strip().lower()
    if treatment not in RSU_TREATMENTS:
        raise InvalidInputError(f"{RSU_OPTION} must be one of: " + ", ".join(RSU_TREATMENTS))
    salary_a = np.maximum(np.asarray(salary, dtype=float), 0.0)
    rsu_a = np.maximum(np.asarray(rsu, dtype=float), 0.0)
    cash = social_insurance_lines(salary_a, year, age, months, first)
    if treatment == "excluded":
        return cash
    employed = salary_a > 0
    if treatment == "remuneration":
        both = social_insurance_lines(salary_a + rsu_a, year, age, months, first)
        out = {k: np.where(employed, v, 0.0) for k, v in both.items()}
        out["employment_insurance"] = cash["employment_insurance"]
        return out
    step = float(_param("bonus_standard_rounding", year))  # type: ignore[arg-type]
    standard = np.floor(rsu_a / step) * step
    health_base = np.minimum(standard, float(_param("health_bonus_cap_fiscal_year", year)))  # type: ignore[arg-type]
    pension_base = np.minimum(standard, float(_param("pension_bonus_cap_month", year)))  # type: ignore[arg-type]
    h, c, k, p = _rates(dt.date(int(year), 12, 1))
    care_due, pension_due = _due(year, age)
    health = employee_half(health_base, h)
    extra = {
        "health_insurance": health,
        "long_term_care_insurance": employee_half(health_base, h + c) - health
        if care_due
        else np.zeros_like(health),
        "child_support_levy": employee_half(health_base, k),
        "employees_pension": employee_half(pension_base, p) if pension_due else np.zeros_like(health),
    }
    out = dict(cash)
    for key, amount in extra.items():
        out[key] = np.asarray(cash[key] + np.where(employed, amount, 0.0), dtype=float)
    return out
