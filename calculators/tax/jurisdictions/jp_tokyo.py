"""Take-home pay in Tokyo (special wards), Japan: tax years 2025 and 2026.

Single employee, no dependants, salary paid in 12 equal monthly amounts, health insurer
協会けんぽ 東京支部.  Lines, in this order (JPY a year):

``income_tax``
    所得税 (基準所得税額), see
    :func:`~calculators.tax.jurisdictions.jp_income.income_tax_on_taxable_income`.
``reconstruction_tax``
    復興特別所得税 (``reconstruction_tax_rate``), the rest of the combined amount rounded down to
    ``tax_rounding`` (both in ``params/jp/income_tax.yaml``).
``resident_tax_income_levy``
    住民税 所得割 (都民税 + 特別区民税 at ``income_levy_rates``, after 調整控除)
    **assessed on this year's income**, although it is paid from the following June to May.
``resident_tax_per_capita``
    住民税 均等割 (都 + 区) plus 森林環境税 at ``per_capita`` (``params/jp/resident_tax.yaml``), on
    this year's income likewise.
``health_insurance``, ``long_term_care_insurance``, ``child_support_levy``, ``employees_pension``,
``employment_insurance``
    Employee contributions, see :mod:`calculators.tax.jurisdictions.jp_social`
    (介護保険 only at ``care_insurance_ages``; 子ども・子育て支援金 from the first dated value of
    ``child_support_levy_rate_kyokai``, both in ``params/jp/social_insurance.yaml``).

Salary plus equity income (RSU vests) is 給与等の収入金額 for 所得税 and 住民税 (stock awards from a
foreign parent are 給与所得: 最高裁 平成17年1月25日判決; 所得税法 第228条の3の2 調書); equity income
is outside the social-insurance and employment-insurance bases unless the option
``rsu_social_insurance`` counts RSU vests as 報酬 or 賞与 (see ``jp_social``).  All social
contributions are deducted as 社会保険料控除 for both taxes.  Not modelled:
所得金額調整控除 (needs a child or disability), the 2025 high-income minimum tax
(基準所得金額 over 3.3億; for employment income alone it never binds because 22.5% of the
excess stays below the top band of ``income_tax_scale``), other deductions and credits.

Cliff edges (net pay falls although gross rises by 1 yen), all created by the law.  Measured
by computing every yen of salary from 0 to 60,000,000 (the default age, no equity):

* **Statutory rounding.** 課税所得 is rounded down to ``taxable_income_rounding``, each tax to
  ``tax_rounding``, and below ``employment_income_table`` ``below`` 給与所得 moves in steps of its
  ``step`` (所得税法 別表第五; all in ``params/jp/income_tax.yaml``).  At such a step net pay falls
  by at most 999 yen (about 110,000 such steps a year over that range).
* **Larger edges**: the 標準報酬月額 grades (the premiums jump when salary / 12 reaches a grade's
  lower bound), the 基礎控除 tiers and the 住民税 非課税限度額.  :func:`cliff_edges` computes each
  edge of a tax year, with its drop and cause, from these rules (``tests/tax/test_jp_cliff_edges.py``
  checks them against the rules elsewhere).
  With equity income the income-based edges move down by the equity amount; the grade edges
  depend on the cash salary only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError, MissingParameterError
from calculators.params import numbers
from calculators.places import place_for_module
from calculators.tax.engine import MONTHS, compute, get_jurisdiction, params, register
from calculators.tax.jurisdictions.jp_income import (
    employment_income,
    income_and_reconstruction_tax,
    income_tax_basic_deduction,
    income_tax_on_taxable_income,
)
from calculators.tax.jurisdictions.jp_resident import resident_tax_lines
from calculators.tax.jurisdictions.jp_social import RSU_OPTION, RSU_TREATMENTS, contribution_lines

__all__ = ["lines", "income_tax_on_taxable_income", "HEALTH_INSURERS", "CliffEdge", "cliff_edges"]

Array = npt.NDArray[np.float64]

HEALTH_INSURERS = ("kyokai-tokyo",)
_SOCIAL = (
    "health_insurance",
    "long_term_care_insurance",
    "child_support_levy",
    "employees_pension",
    "employment_insurance",
)


# The option's default: 協会けんぽ Tokyo, the first (and only) insurer modelled.
_OPTIONS = {"health_insurer": HEALTH_INSURERS[0], RSU_OPTION: RSU_TREATMENTS[0]}


def _insurer(options: Mapping[str, Any]) -> str:
    insurer = str(options.get("health_insurer", _OPTIONS["health_insurer"])).strip().lower()
    if insurer not in HEALTH_INSURERS:
        raise InvalidInputError("health_insurer must be one of: " + ", ".join(HEALTH_INSURERS))
    return insurer


# Parallel to ca_on.py:lines, de.py:lines, gb_eng.py:lines, us_ca.py:us_ca_lines,
# us_ny.py:us_ny_nyc_lines, us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and
# Parameters, because compute() calls every registered lines function alike; kept separate because
# each body and its Returns are that jurisdiction's own lines.
@register(
    ages=params("jp", "social_insurance")["modelled_ages"],  # to 74: 後期高齢者医療 not modelled
    options=_OPTIONS,
    description=("Tokyo special wards: 所得税, 復興特別所得税, 住民税, 協会けんぽ, 厚生年金, 雇用保険"),
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line for Tokyo (see the module docstring).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, JPY, of one shape.
    year : int
        Tax year (the calendar year).
    options : mapping
        ``age`` (checked by the engine), ``health_insurer``, ``rsu_social_insurance`` (how RSU
        vests enter 健康保険 and 厚生年金: ``excluded``, ``remuneration`` or ``bonus``, see
        :func:`~calculators.tax.jurisdictions.jp_social.contribution_lines`) and the engine's
        ``rsu_income``, ``pay_months`` and ``departure`` (the year of leaving Japan: premiums
        for its first months, no 住民税 on its income).

    Returns
    -------
    dict of str to numpy.ndarray
        ``income_tax``, ``reconstruction_tax``, the two resident tax lines and the social
        insurance lines, each shaped like ``salary``.

    Raises
    ------
    InvalidInputError
        An unknown health insurer.

    References
    ----------
    The rules of :mod:`calculators.tax.jurisdictions.jp_income`,
    :mod:`calculators.tax.jurisdictions.jp_resident` and
    :mod:`calculators.tax.jurisdictions.jp_social`, which cite the statutes and the 国税庁,
    総務省, 協会けんぽ and 日本年金機構 pages.

    Examples
    --------
    >>> from calculators.tax import compute
    >>> r = compute(10_000_000, "JP-TOKYO", 2025)
    >>> sorted(k for k, v in r.lines.items() if float(v) > 0)[:3]
    ['employees_pension', 'employment_insurance', 'health_insurance']
    """
    _insurer(options)
    rsu = options.get("rsu_income", equity)  # the engine's: the RSU part of the equity income
    # age checked by the engine, the treatment by contribution_lines
    # the premium months: the year's last (a job started in the year) or, in the year of
    # leaving Japan, its first (insurance is lost the day after leaving)
    months = options.get("pay_months", MONTHS)
    first = 1 if options.get("departure", False) else None
    social = contribution_lines(salary, rsu, year, options["age"], options[RSU_OPTION], months, first)
    social_total = sum((social[k] for k in _SOCIAL), np.zeros_like(salary))
    revenue = salary + equity
    income = employment_income(revenue, year)
    taxable = income - social_total - income_tax_basic_deduction(income, year)
    income_tax, reconstruction = income_and_reconstruction_tax(taxable, year)
    resident = resident_tax_lines(income, social_total, year)
    if options.get("departure", False):
        # not resident on 1 January of the next year, the day 住民税 on this year's income is
        # levied on (地方税法 第39条, 第318条 賦課期日): none is due on it
        resident = {k: np.zeros_like(v) for k, v in resident.items()}
    out: dict[str, Array] = {
        "income_tax": income_tax,
        "reconstruction_tax": reconstruction,
        "resident_tax_income_levy": resident["resident_tax_income_levy"],
        "resident_tax_per_capita": resident["resident_tax_per_capita"],
    }
    for key in _SOCIAL:
        out[key] = social[key]
    return out  # the engine's compute() gives every line the inputs' shape


@dataclass(frozen=True)
class CliffEdge:
    """A gross salary at which Tokyo take-home pay falls by more than a rounding step.

    ``gross`` is the yearly salary (JPY) whose first yen lowers net pay, ``drop`` the fall (net
    pay at ``gross - 1`` minus net pay at ``gross``, JPY a year) and ``cause`` the rule behind it.
    """

    gross: int
    drop: int
    cause: str


def cliff_edges(year: int, up_to: int = 60_000_000) -> tuple[CliffEdge, ...]:
    """The larger cliff edges of Tokyo take-home pay in one tax year, lowest salary first.

    Computed from the rules for the defaults (no equity income, 協会けんぽ 東京支部) at every salary
    where a rule can jump: the first yen, 12 x each 標準報酬月額 grade's lower bound, and the first
    salary whose 給与所得 exceeds a yen amount of ``params/jp/income_tax.yaml`` or
    ``params/jp/resident_tax.yaml`` (the 基礎控除 tiers, the 非課税限度額, the 調整控除 limit...).
    An edge is a salary there at which net pay falls by at least ``taxable_income_rounding``:
    a statutory rounding step costs less (module docstring).  Scanning every yen of salary
    from 0 to 60,000,000 finds the same edges in 2025 and 2026.

    Parameters
    ----------
    year : int
        Tax year; one the JP-TOKYO rules cover.
    up_to : int, optional
        The highest yearly salary searched, JPY (a range, not a figure of the law).

    Returns
    -------
    tuple of CliffEdge
        Every edge whose drop exceeds a statutory rounding step; ``cause`` names the grade or the
        parameters whose amount the 給与所得 crosses.

    Raises
    ------
    MissingParameterError
        A year the rules do not cover.

    References
    ----------
    The rules of this module and the parameter files named; 全国健康保険協会 保険料額表 (東京都) and
    日本年金機構 厚生年金保険料額表 for the grades, 国税庁 タックスアンサー No.1199 (基礎控除), 総務省
    個人住民税 (非課税限度額).

    Examples
    --------
    >>> first = cliff_edges(2025)[0]
    >>> first.gross, first.drop
    (1, 131151)
    >>> len(cliff_edges(2026)) > 50
    True
    """
    code = place_for_module(__name__).code
    covered = get_jurisdiction(code).years
    if year not in covered:
        kept = ", ".join(map(str, covered))
        raise MissingParameterError(f"no {code} cliff edges for {year}; covered: {kept}")
    causes = _edge_causes(int(year), up_to)
    gross = np.array(sorted(causes), dtype=float)
    drop = compute(gross - 1, code, year).net - compute(gross, code, year).net
    step = float(params("jp", "income_tax")["taxable_income_rounding"].at(year))
    return tuple(
        CliffEdge(int(g), int(round(d)), causes[int(g)])
        for g, d in zip(gross, drop, strict=True)
        if d >= step
    )


def _edge_causes(year: int, up_to: int) -> dict[int, str]:
    """Each salary (1 to ``up_to``) at which a rule can make net pay jump, with the rule."""
    social = params("jp", "social_insurance")
    grades = {
        name: social[f"{name}_insurance_grades" if name == "health" else f"{name}_grades"].at(year)
        for name in ("health", "pension")
    }
    lowest = " / ".join(f"{g['standard'][0]:,}" for g in grades.values())
    causes: dict[int, list[str]] = {1: [f"first yen of salary: lowest 標準報酬月額 grades ({lowest})"]}
    for lower in sorted({x for g in grades.values() for x in g["lower"]}):
        which = " + ".join(name for name, g in grades.items() if lower in g["lower"])
        causes.setdefault(12 * int(lower), []).append(f"{which} grade (報酬月額 {lower:,})")
    named: dict[float, list[str]] = {}
    for family in ("income_tax", "resident_tax"):
        for name, param in params("jp", family).items():
            if param.unit == "JPY":
                for amount in set(numbers(param.at(year))):
                    named.setdefault(amount, []).append(f"{family}.{name}")
    amounts = np.array(sorted(named), dtype=float)
    for amount, salary in zip(amounts, _first_salary_with_income_above(amounts, year, up_to), strict=True):
        causes.setdefault(int(salary), []).append(
            f"給与所得 above {amount:,.0f} ({', '.join(named[float(amount)])})"
        )
    return {g: "; ".join(c) for g, c in causes.items() if 1 <= g <= up_to}


def _first_salary_with_income_above(amounts: Array, year: int, up_to: int) -> Array:
    """Smallest whole-yen salary whose 給与所得 exceeds each amount (``up_to + 1`` if none)."""
    lo = np.zeros_like(amounts)  # employment_income(lo) <= amount
    hi = np.full_like(amounts, up_to + 1)
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        above = employment_income(mid, year) > amounts
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return hi
