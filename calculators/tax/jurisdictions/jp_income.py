"""Japan: 給与所得, 基礎控除 and 所得税 / 復興特別所得税 on employment income.

Pure, vectorised rules used by :mod:`calculators.tax.jurisdictions.jp_tokyo`.
Every figure comes from ``params/jp/income_tax.yaml``.

References
----------
国税庁 タックスアンサー No.1410 (給与所得控除), No.1199 (基礎控除), No.2260 (所得税の税率);
国税庁「令和7年度税制改正による所得税の基礎控除の見直し等について」and「令和8年度税制改正による
所得税の基礎控除の引上げ等について」; 国税通則法 第118条・第119条 (端数計算).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import marginal_tax, params

__all__ = [
    "employment_income",
    "income_tax_basic_deduction",
    "income_tax_on_taxable_income",
    "income_and_reconstruction_tax",
    "floor_to",
    "tiered_amount",
]

Array = npt.NDArray[np.float64]


def _p(name: str, year: int) -> Any:
    return params("jp", "income_tax")[name].at(year)


# Parallel to income_tax_basic_deduction (the overloads of an amount in, an amount out, and the
# docstring shape): kept separate because statutory rounding and 基礎控除 are two rules.
@overload
def floor_to(amount: float, unit: float) -> float: ...
@overload
def floor_to(amount: Array | Sequence[float], unit: float) -> Array: ...
def floor_to(amount: npt.ArrayLike, unit: float) -> Amount:
    """Round ``amount`` down to a multiple of ``unit`` (statutory 切捨て), never below 0.

    Parameters
    ----------
    amount : float or array_like
        The amount.
    unit : float
        The rounding unit (``taxable_income_rounding`` for 課税所得, ``tax_rounding`` for the tax).

    Returns
    -------
    float or numpy.ndarray
        The rounded amount.

    References
    ----------
    国税通則法 第118条 (課税標準の端数計算), 第119条 (確定金額の端数計算),
    https://laws.e-gov.go.jp/law/337AC0000000066

    Examples
    --------
    >>> floor_to([1999.9, 7_000_999, -5], 1000).tolist()
    [1000.0, 7000000.0, 0.0]
    """
    x = np.maximum(np.asarray(amount, dtype=float), 0.0)
    # A tiny epsilon keeps 6999.9999999 (float noise for 7000) from falling a whole unit.
    return scalar_out(np.asarray(np.floor(x / unit + 1e-9) * unit, dtype=float), amount)


@overload
def tiered_amount(income: float, up_to: list[float], amounts: list[float]) -> float: ...
@overload
def tiered_amount(income: Array | Sequence[float], up_to: list[float], amounts: list[float]) -> Array: ...
def tiered_amount(income: npt.ArrayLike, up_to: list[float], amounts: list[float]) -> Amount:
    """Amount of the first tier whose ``up_to`` (inclusive) is >= ``income``; 0 beyond the last.

    Parameters
    ----------
    income : float or array_like
        The income the tier is chosen by.
    up_to : list of float
        Upper bound (inclusive) of each tier, ascending.
    amounts : list of float
        The amount of each tier.

    Returns
    -------
    float or numpy.ndarray
        The amount of each income's tier.

    References
    ----------
    The tiered 基礎控除 of 所得税法 第86条 and 地方税法 第314条の2 第2項 this shape reads
    (NTA No.1199), https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1199.htm

    Examples
    --------
    >>> tiered_amount([100, 200, 201, 500], [200, 400], [10.0, 5.0]).tolist()
    [10.0, 10.0, 5.0, 0.0]
    """
    x = np.asarray(income, dtype=float)
    idx = np.searchsorted(np.asarray(up_to, dtype=float), x, side="left")
    table = np.append(np.asarray(amounts, dtype=float), 0.0)
    return scalar_out(np.asarray(table[idx], dtype=float), income)


@overload
def employment_income(revenue: float, year: int) -> float: ...
@overload
def employment_income(revenue: Array | Sequence[float], year: int) -> Array: ...
def employment_income(revenue: npt.ArrayLike, year: int) -> Amount:
    """給与所得: 給与等の収入金額 less 給与所得控除, as 所得税法 別表第五 gives it where it applies.

    The deduction is the larger of the minimum (``employment_income_deduction_minimum``, in 2026
    incl. the 令和8・9年分 special addition) and the percentage formula of 所得税法 第28条第3項
    (``employment_income_deduction_scale``). Below ``employment_income_table``'s ``below`` the law
    reads the amount off 別表第五: where the formula applies, the revenue is first rounded down to a
    multiple of its ``step`` (NTA No.1410); revenue is whole yen.

    Parameters
    ----------
    revenue : array_like
        給与等の収入金額 for the year (salary plus equity income), JPY.
    year : int
        Tax year (2025 or 2026).

    Returns
    -------
    float or numpy.ndarray
        給与所得 (never negative).

    References
    ----------
    国税庁 タックスアンサー No.1410 給与所得控除,
    https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm

    Examples
    --------
    NTA No.1410 style cases (2025 rules):

    >>> employment_income([1_000_000, 5_000_000, 7_000_000, 10_000_000], 2025).tolist()
    [350000.0, 3560000.0, 5200000.0, 8050000.0]
    >>> employment_income([1_000_000, 2_200_000], 2026).tolist()
    [260000.0, 1460000.0]
    """
    x = np.floor(np.maximum(np.asarray(revenue, dtype=float), 0.0))
    minimum = float(_p("employment_income_deduction_minimum", year))
    scale = _p("employment_income_deduction_scale", year)
    table = _p("employment_income_table", year)

    def formula(rev: Array) -> Array:
        idx = np.searchsorted(np.asarray(scale["thresholds"], dtype=float), rev, side="right") - 1
        rates = np.asarray(scale["rates"], dtype=float)[idx]
        amounts = np.asarray(scale["amounts"], dtype=float)[idx]
        return np.asarray(rates * rev + amounts, dtype=float)

    formula_applies = formula(x) > minimum
    in_table = x < float(table["below"])
    rounded = np.where(in_table & formula_applies, np.floor(x / table["step"]) * table["step"], x)
    deduction = np.maximum(minimum, formula(rounded))
    # Deductions are whole yen (1円未満切捨て of the 10% tier on odd revenues).
    return scalar_out(np.asarray(np.maximum(rounded - np.floor(deduction), 0.0), dtype=float), revenue)


# Parallel to floor_to (the overloads of an amount in, an amount out, and the docstring shape):
# kept separate because 基礎控除 and statutory rounding are two rules.
@overload
def income_tax_basic_deduction(total_income: float, year: int) -> float: ...
@overload
def income_tax_basic_deduction(total_income: Array | Sequence[float], year: int) -> Array: ...
def income_tax_basic_deduction(total_income: npt.ArrayLike, year: int) -> Amount:
    """所得税の基礎控除 for a 合計所得金額 (NTA No.1199, 令和7・8年度改正).

    Parameters
    ----------
    total_income : float or array_like
        合計所得金額, JPY.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The deduction (parameter ``basic_deduction`` of ``params/jp/income_tax.yaml``).

    References
    ----------
    所得税法 第86条; 国税庁 タックスアンサー No.1199 基礎控除,
    https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1199.htm

    Examples
    --------
    >>> income_tax_basic_deduction([1_320_000, 1_320_001, 10_000_000, 25_000_001], 2025).tolist()
    [950000.0, 880000.0, 580000.0, 0.0]
    >>> income_tax_basic_deduction([4_890_000, 6_000_000, 23_500_001], 2026).tolist()
    [1040000.0, 670000.0, 480000.0]
    """
    tiers = _p("basic_deduction", year)
    return scalar_out(
        tiered_amount(np.asarray(total_income, dtype=float), tiers["up_to"], tiers["amounts"]), total_income
    )


@overload
def income_tax_on_taxable_income(taxable_income: float, year: int = 2025) -> float: ...
@overload
def income_tax_on_taxable_income(taxable_income: Array | Sequence[float], year: int = 2025) -> Array: ...
def income_tax_on_taxable_income(taxable_income: npt.ArrayLike, year: int = 2025) -> Amount:
    """所得税 (基準所得税額, before 復興特別所得税) on 課税総所得金額 under 所得税法 第89条.

    The taxable income is first rounded down to ``taxable_income_rounding`` (国税通則法 第118条); the
    result equals the NTA quick table (速算表) of タックスアンサー No.2260.

    Parameters
    ----------
    taxable_income : float or array_like
        課税総所得金額, JPY.
    year : int, optional
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        基準所得税額, whole yen.

    References
    ----------
    所得税法 第89条; 国税庁 タックスアンサー No.2260 所得税の税率,
    https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/2260.htm

    Examples
    --------
    NTA No.2260's example (速算表): taxable income 7,000,000 -> 974,000.

    >>> income_tax_on_taxable_income(7_000_000)
    974000.0
    >>> income_tax_on_taxable_income([1_950_000, 40_000_000]).tolist()
    [97500.0, 13204000.0]
    """
    taxable = floor_to(np.asarray(taxable_income, dtype=float), float(_p("taxable_income_rounding", year)))
    scale = _p("income_tax_scale", year)
    tax = marginal_tax(taxable, scale["thresholds"], scale["rates"])
    return scalar_out(np.asarray(np.floor(tax + 1e-6), dtype=float), taxable_income)


def income_and_reconstruction_tax(taxable_income: npt.ArrayLike, year: int) -> tuple[Array, Array]:
    """所得税 and 復興特別所得税 as two lines whose sum is the statutory rounded total.

    The combined amount (基準所得税額 x (1 + ``reconstruction_tax_rate``)) is rounded down to
    ``tax_rounding`` (国税通則法 第119条; 年末調整 年調年税額). The income-tax line is the
    基準所得税額 and the reconstruction line the rest of the rounded total; only where the rounding
    exceeds the reconstruction tax (tax below about 4,800 yen) does the income-tax line absorb the
    difference, so that no line is negative.

    Parameters
    ----------
    taxable_income : float or array_like
        課税総所得金額, JPY.
    year : int
        Tax year.

    Returns
    -------
    income_tax : numpy.ndarray
        所得税 (基準所得税額, or the rounded total where it is smaller).
    reconstruction_tax : numpy.ndarray
        復興特別所得税, the rest of the rounded total.

    References
    ----------
    東日本大震災からの復興のための施策を実施するために必要な財源の確保に関する特別措置法 第13条;
    国税通則法 第119条; 国税庁 タックスアンサー No.2260,
    https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/2260.htm

    Examples
    --------
    >>> it, rt = income_and_reconstruction_tax(7_000_000, 2025)
    >>> float(it), float(rt)
    (974000.0, 20400.0)
    """
    base = income_tax_on_taxable_income(np.asarray(taxable_income, dtype=float), year)
    rate = float(_p("reconstruction_tax_rate", year))
    total = floor_to(np.floor(base * (1.0 + rate) + 1e-6), float(_p("tax_rounding", year)))
    income_tax = np.minimum(base, total)
    return income_tax, np.asarray(total - income_tax, dtype=float)
