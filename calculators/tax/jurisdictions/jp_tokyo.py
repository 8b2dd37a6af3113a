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
is outside the social-insurance and employment-insurance bases (see ``jp_social``).  All social
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
  lower bound), the 基礎控除 tiers and the 住民税 非課税限度額.  Each edge of each tax year, with
  its drop and cause, is data: ``net_pay_cliff_edges`` in ``params/jp/cliff_edges.yaml``, read by
  :func:`cliff_edges` and recomputed from these rules by ``tests/tax/test_jp_cliff_edges.py``.
  With equity income the income-based edges move down by the equity amount; the grade edges
  depend on the cash salary only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError, MissingParameterError
from calculators.tax.engine import params, register
from calculators.tax.jurisdictions.jp_income import (
    employment_income,
    income_and_reconstruction_tax,
    income_tax_basic_deduction,
    income_tax_on_taxable_income,
)
from calculators.tax.jurisdictions.jp_resident import resident_tax_lines
from calculators.tax.jurisdictions.jp_social import social_insurance_lines

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
_OPTIONS = {"health_insurer": HEALTH_INSURERS[0]}


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
        ``age`` (checked by the engine) and ``health_insurer``.

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
    social = social_insurance_lines(salary, year, options["age"])  # checked by the engine
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


def cliff_edges(year: int) -> tuple[CliffEdge, ...]:
    """The larger cliff edges of Tokyo take-home pay in one tax year, lowest salary first.

    Measured for the defaults (no equity income, 協会けんぽ 東京支部) over salaries from 0 to
    60,000,000; each row is recomputed from the rules by the tests.

    Parameters
    ----------
    year : int
        Tax year; the table is kept for each year the JP-TOKYO rules cover.

    Returns
    -------
    tuple of CliffEdge
        Every edge whose drop exceeds a statutory rounding step.

    Raises
    ------
    MissingParameterError
        If no table is kept for ``year``.

    References
    ----------
    ``net_pay_cliff_edges`` in ``params/jp/cliff_edges.yaml`` (derived from the rules; the entry
    cites the 協会けんぽ, 日本年金機構, 国税庁 and 総務省 tables that create the edges).

    Examples
    --------
    >>> first = cliff_edges(2025)[0]
    >>> first.gross, first.drop
    (1, 131151)
    >>> len(cliff_edges(2026)) > 50
    True
    """
    table = params("jp", "cliff_edges")["net_pay_cliff_edges"]
    start = dt.date(int(year), 1, 1)
    if start not in table.values:
        kept = ", ".join(str(d.year) for d in table.dates)
        raise MissingParameterError(f"no JP-TOKYO cliff edges for {year}; kept for: {kept}")
    return tuple(CliffEdge(int(r["gross"]), int(r["drop"]), str(r["cause"])) for r in table.values[start])
