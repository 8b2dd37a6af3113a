"""Canada, Ontario (CA-ON): take-home pay of a single employee.

Lines, each an amount withheld per tax year, in CAD:

``federal_income_tax``
    Federal tax on taxable income (employment income minus the enhanced CPP
    part and CPP2) after the basic personal amount (reduced for high
    incomes), the Canada employment amount, base CPP and EI credits.
``ontario_income_tax``
    Basic Ontario tax after the Ontario basic personal amount, base CPP and
    EI credits, plus the Ontario surtax, minus the Ontario tax reduction and
    the LIFT credit.
``ontario_health_premium``
    Ontario Health Premium on taxable income.
``cpp``, ``cpp2``, ``ei``
    Employee Canada Pension Plan, second additional CPP and Employment
    Insurance contributions.

RSU vests settled in shares, and option gains, are security option benefits (ITA s. 7;
T4 box 14, code 38): taxed and pensionable like salary, so income tax, CPP and CPP2 apply
to salary plus equity up to the yearly caps, but not insurable: a non-cash benefit is not
insurable earnings (Insurable Earnings and Collection of Premiums Regulations, SOR/97-33,
s. 2(3)(a)), and CRA's payroll page on withholding on security options says not to deduct
EI premiums on them.  EI is charged on the salary alone.  An RSU plan the employer may
settle in cash is not a s. 7 arrangement (CRA 2020-0864831I7) and its payments would be
insurable: not modelled (the equity here is share-settled).

Not modelled: the 2025 federal top-up tax credit (it only matters when
non-refundable credits exceed the first bracket threshold, never for a single
employee with these credits), age amounts (the ``age`` option is limited to the
ages registered below), RRSP or other deductions, the Canada Workers Benefit.

Cliff edges: none. Every line is a continuous function of income; net pay
rises with gross everywhere (the steepest combined marginal rate, around the
Ontario Health Premium ramps and the LIFT / tax-reduction phase-outs, stays
well under 100%).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import MONTHS, Array, capped_rate, marginal_tax, params, register

__all__ = [
    "lines_with_deduction",
    "cpp_contribution",
    "cpp2_contribution",
    "ei_premium",
    "federal_basic_personal_amount",
    "federal_income_tax",
    "ontario_income_tax",
    "ontario_health_premium",
    "lift_credit",
]


def _p(topic: str, name: str, year: int) -> Any:
    return params("ca", topic)[name].at(year)


# Parallel to cpp2_contribution and ei_premium (the same earnings and year Parameters, the same
# Returns): kept separate because each is its own CRA contribution with its own band and example.
@overload
def cpp_contribution(earnings: float, year: int) -> float: ...
@overload
def cpp_contribution(earnings: Array, year: int) -> Array: ...
def cpp_contribution(earnings: Amount, year: int) -> Amount:
    """Employee CPP contribution at the ``cpp`` rate between the basic exemption and the YMPE.

    With 12 equal monthly pays the per-period exemption (``cpp`` ``basic_exemption`` / 12) adds up to
    the yearly one, so the yearly formula is exact.

    Parameters
    ----------
    earnings : float or numpy.ndarray
        Pensionable earnings for the year, CAD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's CPP contribution.

    References
    ----------
    CRA, *CPP contribution rates, maximums and exemptions*,
    https://www.canada.ca/en/revenue-agency/services/tax/businesses/topics/payroll/payroll-deductions-contributions/canada-pension-plan-cpp/cpp-contribution-rates-maximums-exemptions.html

    Examples
    --------
    >>> float(cpp_contribution(np.array(100_000.0), 2025))  # the 2025 maximum
    4034.1
    """
    p = _p("payroll", "cpp", year)
    return capped_rate(earnings, p["rate"], p["ympe"], floor=p["basic_exemption"])


def _cpp_base_part(cpp: Array, year: int) -> Array:
    """The base (4.95 / 5.95) part of the CPP contribution, which earns a credit."""
    p = _p("payroll", "cpp", year)
    return np.asarray(cpp * (p["base_rate"] / p["rate"]), dtype=float)


# Parallel to cpp_contribution and ei_premium (the same earnings and year Parameters, the same
# Returns): kept separate because each is its own CRA contribution with its own band and example.
@overload
def cpp2_contribution(earnings: float, year: int) -> float: ...
@overload
def cpp2_contribution(earnings: Array, year: int) -> Array: ...
def cpp2_contribution(earnings: Amount, year: int) -> Amount:
    """CPP2 at the ``cpp2`` rate between the YMPE and the YAMPE (CRA).

    Parameters
    ----------
    earnings : float or numpy.ndarray
        Pensionable earnings for the year, CAD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's second additional CPP contribution.

    References
    ----------
    CRA, CPP contribution rates, maximums and exemptions,
    https://www.canada.ca/en/revenue-agency/services/tax/businesses/topics/payroll/payroll-deductions-contributions/canada-pension-plan-cpp/cpp-contribution-rates-maximums-exemptions.html

    Examples
    --------
    >>> float(cpp2_contribution(np.array(100_000.0), 2026))  # 2026 maximum
    416.0
    """
    ympe = _p("payroll", "cpp", year)["ympe"]
    p = _p("payroll", "cpp2", year)
    return capped_rate(earnings, p["rate"], p["yampe"], floor=ympe)


# Parallel to cpp_contribution and cpp2_contribution (the same earnings and year Parameters, the
# same Returns): kept separate because each is its own CRA contribution with its own band and
# example.
@overload
def ei_premium(earnings: float, year: int) -> float: ...
@overload
def ei_premium(earnings: Array, year: int) -> Array: ...
def ei_premium(earnings: Amount, year: int) -> Amount:
    """Employee EI premium on insurable earnings up to the yearly maximum (CRA).

    Parameters
    ----------
    earnings : float or numpy.ndarray
        Insurable earnings for the year, CAD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's EI premium.

    References
    ----------
    CRA, EI premium rates and maximums,
    https://www.canada.ca/en/revenue-agency/services/tax/businesses/topics/payroll/payroll-deductions-contributions/employment-insurance-ei/ei-premium-rates-maximums.html

    Examples
    --------
    >>> round(float(ei_premium(np.array(100_000.0), 2025)), 2)  # 2025 maximum
    1077.48
    """
    p = _p("payroll", "ei", year)
    return capped_rate(earnings, p["rate"], p["max_insurable"])


@overload
def federal_basic_personal_amount(net_income: float, year: int) -> float: ...
@overload
def federal_basic_personal_amount(net_income: Array, year: int) -> Array: ...
def federal_basic_personal_amount(net_income: Amount, year: int) -> Amount:
    """Federal BPA, reduced linearly from its maximum to its minimum between the
    ``basic_personal_amount``'s ``phase_out_start`` and ``phase_out_end`` (the starts of the
    last two brackets; CRA T4127, BPAF).

    Parameters
    ----------
    net_income : float or numpy.ndarray
        Net income, CAD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The federal basic personal amount.

    References
    ----------
    Income Tax Act (Canada) s.118(1)(c); CRA, Line 30000 Basic personal amount,
    https://www.canada.ca/en/revenue-agency/services/tax/individuals/topics/about-your-tax-return/tax-return/completing-a-tax-return/deductions-credits-expenses/line-30000-basic-personal-amount.html

    Examples
    --------
    >>> [float(x) for x in federal_basic_personal_amount(np.array([0.0, 300_000.0]), 2026)]
    [16452.0, 14829.0]
    """
    p = _p("federal", "basic_personal_amount", year)
    share = np.clip(
        (net_income - p["phase_out_start"]) / (p["phase_out_end"] - p["phase_out_start"]), 0.0, 1.0
    )
    return scalar_out(np.asarray(p["max"] - (p["max"] - p["min"]) * share, dtype=float), net_income)


def federal_income_tax(
    net_income: Array,
    employment_income: Array,
    cpp_base: Array,
    ei: Array,
    year: int,
    taxable_income: Array | None = None,
    resident: float = 1.0,
) -> Array:
    """Basic federal tax (Schedule 1): scale tax minus non-refundable credits.

    Credits at the lowest rate: BPA, Canada employment amount (the lesser of
    employment income and the yearly amount), base CPP and EI premiums.

    Parameters
    ----------
    net_income : numpy.ndarray
        Net income (line 23600), CAD.
    employment_income : numpy.ndarray
        Employment income, for the Canada employment amount.
    cpp_base : numpy.ndarray
        The base part of the CPP contribution (credit at the lowest rate).
    ei : numpy.ndarray
        The EI premium (credit at the lowest rate).
    year : int
        Tax year.
    taxable_income : numpy.ndarray, optional
        Taxable income (line 26000) the scale applies to, when deductions such as the
        security options deduction (s. 110(1)(d)) make it less than ``net_income``; the BPA
        follows net income.

    resident : float, optional
        The share of the year resident in Canada, for a year of arrival or departure: the
        basic personal amount and (federal) the Canada employment amount are prorated by it
        (Income Tax Act s. 118.91; Ontario alike).  Default 1, resident all year.

    Returns
    -------
    numpy.ndarray
        Basic federal tax, never below 0.

    References
    ----------
    Income Tax Act (Canada) ss.117, 118; CRA, Canadian income tax rates for individuals,
    https://www.canada.ca/en/revenue-agency/services/tax/individuals/frequently-asked-questions-individuals/canadian-income-tax-rates-individuals-current-previous-years.html;
    CRA, T4127 Payroll Deductions Formulas,
    https://www.canada.ca/en/revenue-agency/services/forms-publications/payroll/t4127-payroll-deductions-formulas.html

    Examples
    --------
    >>> a = np.array
    >>> round(float(federal_income_tax(a(95_000.0), a(100_000.0), a(3_300.0), a(1_077.48), 2025)), 2)
    12845.77
    """
    scale = _p("federal", "income_tax_scale", year)
    taxed = net_income if taxable_income is None else taxable_income
    gross = marginal_tax(taxed, scale["thresholds"], scale["rates"])
    cea = np.minimum(employment_income, _p("federal", "canada_employment_amount", year))
    # a part-year resident's personal amounts are prorated (s. 118.91); CPP and EI are as paid
    credits = (federal_basic_personal_amount(net_income, year) + cea) * resident + cpp_base + ei
    return np.maximum(gross - credits * _p("federal", "credit_rate", year), 0.0)


def _ontario_surtax(basic_tax: Array, year: int) -> Array:
    """Ontario surtax on basic Ontario tax (ON428 Part B)."""
    s = _p("ontario", "surtax", year)
    out = np.zeros_like(basic_tax)
    for threshold, rate in zip(s["thresholds"], s["rates"], strict=True):
        out = out + rate * np.maximum(basic_tax - threshold, 0.0)
    return out


def lift_credit(employment_income: Array, net_income: Array, year: int) -> Array:
    """Ontario LIFT credit for a single person (Schedule ON428-A, Part A).

    Parameter ``lift_credit``: the lesser of ``max_credit`` and ``rate`` x employment income,
    minus ``clawback_rate`` x adjusted net income above ``threshold`` (ontario.ca,
    *Low-income Individuals and Families Tax Credit*, 2022 onward).

    Parameters
    ----------
    employment_income : numpy.ndarray
        Employment income, CAD.
    net_income : numpy.ndarray
        Adjusted net income, CAD.
    year : int
        Tax year.

    Returns
    -------
    numpy.ndarray
        The LIFT credit.

    References
    ----------
    Taxation Act, 2007 (Ontario), https://www.ontario.ca/laws/statute/07t11; ontario.ca,
    Low-income Individuals and Families Tax Credit,
    https://www.ontario.ca/page/low-income-individuals-and-families-tax-credit

    Examples
    --------
    >>> [round(float(x), 2) for x in lift_credit(np.array([10_000.0, 40_000.0]),
    ...                                          np.array([10_000.0, 40_000.0]), 2025)]
    [505.0, 500.0]
    """
    p = _p("ontario", "lift_credit", year)
    top = np.minimum(p["max_credit"], p["rate"] * employment_income)
    return np.maximum(top - p["clawback_rate"] * np.maximum(net_income - p["threshold"], 0.0), 0.0)


def ontario_income_tax(
    net_income: Array,
    employment_income: Array,
    cpp_base: Array,
    ei: Array,
    year: int,
    taxable_income: Array | None = None,
    resident: float = 1.0,
) -> Array:
    """Ontario tax (ON428): basic tax, surtax, tax reduction, then LIFT credit.

    Parameters
    ----------
    net_income : numpy.ndarray
        Net income, CAD.
    employment_income : numpy.ndarray
        Employment income, CAD.
    cpp_base : numpy.ndarray
        The base part of the CPP contribution.
    ei : numpy.ndarray
        The EI premium.
    year : int
        Tax year.
    taxable_income : numpy.ndarray, optional
        Taxable income the scale applies to (default ``net_income``); the LIFT credit follows
        net income.

    resident : float, optional
        The share of the year resident in Canada, for a year of arrival or departure: the
        basic personal amount and (federal) the Canada employment amount are prorated by it
        (Income Tax Act s. 118.91; Ontario alike).  Default 1, resident all year.

    Returns
    -------
    numpy.ndarray
        Ontario tax after the surtax, the tax reduction and the LIFT credit.

    References
    ----------
    Taxation Act, 2007 (Ontario), https://www.ontario.ca/laws/statute/07t11; CRA, Ontario
    information guide and form ON428 (5006-C),
    https://www.canada.ca/en/revenue-agency/services/forms-publications/tax-packages-years/general-income-tax-benefit-package/ontario/5006-c.html

    Examples
    --------
    >>> a = np.array
    >>> round(float(ontario_income_tax(a(95_000.0), a(100_000.0), a(3_300.0), a(1_077.48), 2025)), 2)
    5659.39
    """
    scale = _p("ontario", "income_tax_scale", year)
    taxed = net_income if taxable_income is None else taxable_income
    gross = marginal_tax(taxed, scale["thresholds"], scale["rates"])
    credits = _p("ontario", "basic_personal_amount", year) * resident + cpp_base + ei
    basic = np.maximum(gross - credits * _p("ontario", "credit_rate", year), 0.0)
    tax = basic + _ontario_surtax(basic, year)
    r = _p("ontario", "tax_reduction", year)
    reduction = np.clip(r["multiplier"] * r["basic_reduction"] - tax, 0.0, tax)
    after = tax - reduction
    return np.maximum(after - lift_credit(employment_income, net_income, year), 0.0)


@overload
def ontario_health_premium(taxable_income: float, year: int) -> float: ...
@overload
def ontario_health_premium(taxable_income: Array, year: int) -> Array: ...
def ontario_health_premium(taxable_income: Amount, year: int) -> Amount:
    """Ontario Health Premium: 0 to 900 by steps on taxable income (ontario.ca).

    Parameters
    ----------
    taxable_income : float or numpy.ndarray
        Taxable income, CAD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The Ontario Health Premium.

    References
    ----------
    Taxation Act, 2007 (Ontario) s.33.1, https://www.ontario.ca/laws/statute/07t11; ontario.ca,
    Ontario Health Premium, https://www.ontario.ca/page/ontario-health-premium

    Examples
    --------
    >>> [float(x) for x in ontario_health_premium(np.array([20_000.0, 25_000.0, 60_000.0,
    ...                                                     250_000.0]), 2026)]
    [0.0, 300.0, 600.0, 900.0]
    """
    p = _p("ontario", "health_premium", year)
    x = np.asarray(taxable_income, dtype=float)[..., None]
    steps = np.minimum(
        np.maximum(x - np.asarray(p["thresholds"], dtype=float), 0.0) * np.asarray(p["rates"]),
        np.asarray(p["step_max"], dtype=float),
    )
    return scalar_out(np.asarray(steps.sum(axis=-1), dtype=float), taxable_income)


# Parallel to de.py:lines, gb_eng.py:lines, jp_tokyo.py:lines, us_ca.py:us_ca_lines,
# us_ny.py:us_ny_nyc_lines, us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and
# Parameters, because compute() calls every registered lines function alike; kept separate because
# each body and its Returns are that jurisdiction's own lines.
@register(
    ages=params("ca", "payroll")["modelled_ages"],  # CPP from 18; the age amount from 65 not modelled
    description="Canada, Ontario: federal and Ontario income tax, Ontario Health Premium, CPP, "
    "CPP2, EI (single employee, no dependants)",
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line for an Ontario employee (see the module docstring).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, CAD, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine).

    Returns
    -------
    dict of str to numpy.ndarray
        The lines of :func:`lines_with_deduction`, without a deduction.

    References
    ----------
    :func:`lines_with_deduction`.

    Examples
    --------
    >>> out = lines(np.array([100_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> float(out["ontario_health_premium"][0])
    750.0
    """
    return lines_with_deduction(salary, equity, year, options)


def lines_with_deduction(
    salary: Array, equity: Array, year: int, options: Mapping[str, Any], deduction: Array | float = 0.0
) -> dict[str, Array]:
    """Every withholding line for an Ontario employee, with a deduction in computing taxable income.

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, CAD, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine); the engine's ``arrival``, ``departure`` and
        ``pay_months`` (a part year's personal amounts prorated).
    deduction : numpy.ndarray or float, optional
        Deducted from net income in computing taxable income (the security options deduction,
        s. 110(1)(d)): it lowers the income taxes and the Ontario Health Premium, not the
        contributions, the BPA or the LIFT credit.

    Returns
    -------
    dict of str to numpy.ndarray
        ``federal_income_tax``, ``ontario_income_tax``, ``ontario_health_premium``, ``cpp``,
        ``cpp2`` and ``ei``.

    References
    ----------
    The rules of the functions above; CRA, T4127 Payroll Deductions Formulas,
    https://www.canada.ca/en/revenue-agency/services/forms-publications/payroll/t4127-payroll-deductions-formulas.html

    Examples
    --------
    >>> out = lines_with_deduction(np.array([100_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> round(float(out["federal_income_tax"][0]), 2), float(out["ontario_health_premium"][0])
    (13642.46, 750.0)
    """
    earnings = salary + equity
    cpp = cpp_contribution(earnings, year)
    cpp_base = _cpp_base_part(cpp, year)
    cpp2 = cpp2_contribution(earnings, year)
    ei = ei_premium(salary, year)  # equity, a non-cash benefit, is not insurable
    # Line 22215 (enhanced CPP and CPP2) is deducted from income (line 23600).
    net_income = np.maximum(earnings - (cpp - cpp_base) - cpp2, 0.0)
    taxable = np.maximum(net_income - deduction, 0.0)
    # a year of arrival or departure: resident for the months with pay (the days of residence,
    # counted in twelfths)
    moved = options.get("arrival", False) or options.get("departure", False)
    share = options.get("pay_months", MONTHS) / MONTHS if moved else 1.0
    # the engine's compute() gives every line the inputs' shape
    return {
        "federal_income_tax": federal_income_tax(net_income, earnings, cpp_base, ei, year, taxable, share),
        "ontario_income_tax": ontario_income_tax(net_income, earnings, cpp_base, ei, year, taxable, share),
        "ontario_health_premium": ontario_health_premium(taxable, year),
        "cpp": cpp,
        "cpp2": cpp2,
        "ei": ei,
    }
