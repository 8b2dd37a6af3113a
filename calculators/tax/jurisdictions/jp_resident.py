"""Japan: 個人住民税 in the Tokyo special wards (都民税 + 特別区民税) and 森林環境税.

The tax is assessed on the income of the calendar year and paid from the following June to May
(特別徴収); this module returns the tax assessed on the given year's income (2025 income ->
令和8年度分, 2026 income -> 令和9年度分).  Figures come from ``params/jp/resident_tax.yaml``.

References
----------
地方税法 (第20条の4の2, 第37条, 第295条, 第314条の2, 第314条の6) and 総務省「個人住民税」,
https://www.soumu.go.jp/main_sosiki/jichi_zeisei/czaisei/czaisei_seido/150790_06.html
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import params
from calculators.tax.jurisdictions.jp_income import floor_to, tiered_amount

__all__ = ["resident_tax_basic_deduction", "adjustment_credit", "resident_tax_lines"]

Array = npt.NDArray[np.float64]


def _p(name: str, year: int) -> Any:
    return params("jp", "resident_tax")[name].at(year)


# Parallel to adjustment_credit (the same total_income and year Parameters): kept separate because
# 基礎控除 and 調整控除 are two rules of the 地方税法.
@overload
def resident_tax_basic_deduction(total_income: float, year: int) -> float: ...
@overload
def resident_tax_basic_deduction(total_income: Array | Sequence[float], year: int) -> Array: ...
def resident_tax_basic_deduction(total_income: npt.ArrayLike, year: int) -> Amount:
    """住民税の基礎控除 for a 合計所得金額 (the tiers of ``basic_deduction``).

    Parameters
    ----------
    total_income : float or array_like
        合計所得金額, JPY.
    year : int
        The income year.

    Returns
    -------
    float or numpy.ndarray
        The deduction (parameter ``basic_deduction`` of ``params/jp/resident_tax.yaml``).

    References
    ----------
    地方税法 第34条第2項, 第314条の2第2項; 総務省「個人住民税」,
    https://www.soumu.go.jp/main_sosiki/jichi_zeisei/czaisei/czaisei_seido/150790_06.html

    Examples
    --------
    >>> resident_tax_basic_deduction([5_000_000, 24_000_001, 25_000_001], 2025).tolist()
    [430000.0, 290000.0, 0.0]
    """
    tiers = _p("basic_deduction", year)
    amount = tiered_amount(np.asarray(total_income, dtype=float), tiers["up_to"], tiers["amounts"])
    return scalar_out(amount, total_income)


# Parallel to resident_tax_basic_deduction (the same total_income and year Parameters): kept
# separate because 調整控除 and 基礎控除 are two rules of the 地方税法.
def adjustment_credit(taxable: npt.ArrayLike, total_income: npt.ArrayLike, year: int) -> tuple[Array, Array]:
    """調整控除 (都民税分, 特別区民税分) of a single person without dependants.

    Parameter ``adjustment_credit``: with 合計課税所得金額 up to its ``threshold``, the two rates
    times the smaller of the 人的控除額の差 (``personal_difference``) and the taxable income; above
    it, the rates times (人的控除額の差 - (taxable - threshold)) but at least the rates times
    ``floor_base`` (the floor); none when 合計所得金額 exceeds ``income_limit``.  Split by
    ``prefecture_rate`` (都) and ``municipality_rate`` (区).

    Parameters
    ----------
    taxable : float or array_like
        合計課税所得金額, JPY.
    total_income : float or array_like
        合計所得金額, JPY.
    year : int
        The income year.

    Returns
    -------
    prefecture : numpy.ndarray
        調整控除 of the 都民税.
    municipality : numpy.ndarray
        調整控除 of the 特別区民税.

    References
    ----------
    地方税法 第37条, 第314条の6; 総務省「個人住民税」,
    https://www.soumu.go.jp/main_sosiki/jichi_zeisei/czaisei/czaisei_seido/150790_06.html

    Examples
    --------
    >>> pref, ward = adjustment_credit([30_000, 1_000_000, 9_000_000, 9_000_000],
    ...                                [600_000, 2_000_000, 10_000_000, 25_000_001], 2025)
    >>> pref.tolist(), ward.tolist()
    ([600.0, 1000.0, 1000.0, 0.0], [900.0, 1500.0, 1500.0, 0.0])
    """
    c = _p("adjustment_credit", year)
    t = np.asarray(taxable, dtype=float)
    diff = float(c["personal_difference"])
    base = np.where(
        t <= c["threshold"],
        np.minimum(diff, t),
        np.maximum(diff - (t - c["threshold"]), float(c["floor_base"])),
    )
    base = np.where(np.asarray(total_income, dtype=float) <= c["income_limit"], base, 0.0)
    return (
        np.asarray(base * c["prefecture_rate"], dtype=float),
        np.asarray(base * c["municipality_rate"], dtype=float),
    )


def resident_tax_lines(
    employment_income: npt.ArrayLike, social_insurance: npt.ArrayLike, year: int
) -> dict[str, Array]:
    """所得割 and 均等割 (incl. 森林環境税) assessed on one year's employment income.

    Parameters
    ----------
    employment_income : array_like
        給与所得 (= 総所得金額 = 合計所得金額 for an employee with no other income).
    social_insurance : array_like
        社会保険料控除 (the employee contributions of the year).
    year : int
        The income year.

    Returns
    -------
    dict
        ``resident_tax_income_levy`` (都民税 + 特別区民税 所得割 at ``income_levy_rates`` after
        調整控除, each rounded down to ``tax_rounding``) and ``resident_tax_per_capita`` (都 + 区 +
        森林環境税, ``per_capita``).

    References
    ----------
    地方税法 第35条, 第38条, 第310条, 第314条の3 (所得割・均等割の税率); 森林環境税及び森林環境譲与税に
    関する法律; 総務省「個人住民税」,
    https://www.soumu.go.jp/main_sosiki/jichi_zeisei/czaisei/czaisei_seido/150790_06.html

    Examples
    --------
    給与所得 5,200,000, 社会保険料 1,000,000: taxable 3,770,000; 都 150,800 - 1,000 = 149,800,
    区 226,200 - 1,500 = 224,700.

    >>> out = resident_tax_lines(5_200_000, 1_000_000, 2025)
    >>> float(out["resident_tax_income_levy"]), float(out["resident_tax_per_capita"])
    (374500.0, 5000.0)
    """
    income = np.maximum(np.asarray(employment_income, dtype=float), 0.0)
    si = np.asarray(social_insurance, dtype=float)
    deductions = si + resident_tax_basic_deduction(income, year)
    taxable = floor_to(income - deductions, float(_p("taxable_income_rounding", year)))
    rates = _p("income_levy_rates", year)
    adj_pref, adj_ward = adjustment_credit(taxable, income, year)
    unit = float(_p("tax_rounding", year))
    pref = floor_to(taxable * rates["prefecture"] - adj_pref, unit)
    ward = floor_to(taxable * rates["municipality"] - adj_ward, unit)
    limits = _p("non_taxable_limit", year)
    levy = np.where(income <= limits["income_levy"], 0.0, pref + ward)
    pc = _p("per_capita", year)
    per_capita_amount = float(pc["prefecture"] + pc["municipality"] + pc["forest_environment_tax"])
    per_capita = np.where(income <= limits["per_capita"], 0.0, per_capita_amount)
    return {
        "resident_tax_income_levy": np.asarray(levy, dtype=float),
        "resident_tax_per_capita": np.asarray(per_capita, dtype=float),
    }
