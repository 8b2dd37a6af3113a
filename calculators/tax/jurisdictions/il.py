"""Israel (IL): take-home pay of a resident employee.

Lines, each an amount withheld per tax year, in ILS:

``income_tax``
    Income Tax Ordinance s. 121 scale on income from personal exertion, minus
    ``credit_points`` x the yearly credit point value (s. 33A), never below 0.
``surtax``
    Additional tax (מס יסף, s. 121B): the ``surtax`` rate of yearly income above its
    threshold.
    The further tax on capital income (s. 121B(a1)) is charged on section 102's capital
    gain, by ``calculators.tax.equity_regimes``, not here.
``national_insurance``, ``health_tax``
    Employee national insurance and health insurance contributions (Bituach
    Leumi): a reduced rate on the monthly wage up to the reduced collection
    threshold, the full rate above it, nothing above the monthly maximum.
    Salary is paid in 12 equal monthly amounts, so each is computed on one
    month's wage and multiplied by 12.

Equity (RSU) income passed here is taxed as employment income: it adds to the wage for
income tax, surtax and the contributions, and is spread evenly over the 12 months like
salary.  That is the wage track (and the part of a listed company's section 102 benefit
worth what it was at grant); the capital-gains track of section 102, Israel's default for
equity, is taxed apart by ``calculators.tax.equity_regimes`` before it reaches here.  A
real vest in one month can exceed that month's contribution maximum, so spreading it may
overstate contributions for large vests.

Options: ``credit_points`` (2.25, a resident man; a resident woman has 2.75)
and ``age`` (default: ``calculators.defaults.AGE``; the rules are modelled for the ages
registered below, which end before the men's retirement age 67; a woman past her own
pension age pays different rates).
Not modelled: pension contributions and their s. 45A credit, s. 47
deductions, other credit points (children, degrees, reservists, immigrants).

Cliff edges: none.  Every line is continuous in income and the top combined
marginal rate (the top rate of ``income_tax_scale``, plus the ``surtax`` rate and the
contributions) is well below 100%.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from calculators.defaults import Setting
from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import MONTHS, Array, checked_pay_months, marginal_tax, params, register

__all__ = ["income_tax", "surtax", "monthly_contribution", "lines"]


def _p(family: str, name: str, year: int) -> Any:
    return params("il", family)[name].at(year)


@overload
def income_tax(income: float, year: int, credit_points: float) -> float: ...
@overload
def income_tax(income: Array, year: int, credit_points: float) -> Array: ...
def income_tax(income: Amount, year: int, credit_points: float) -> Amount:
    """Income tax on yearly income from personal exertion after credit points.

    Scale tax (Income Tax Ordinance s. 121) minus credit points times the
    point value (s. 33A); credits cannot make the tax negative.

    Parameters
    ----------
    income : float or numpy.ndarray
        Yearly income from personal exertion, ILS.
    year : int
        Tax year.
    credit_points : float
        The resident's credit points.

    Returns
    -------
    float or numpy.ndarray
        Income tax after credits, never below 0.

    References
    ----------
    Income Tax Ordinance ss. 33A, 121; Israel Tax Authority,
    https://www.gov.il/he/departments/israel_tax_authority

    Examples
    --------
    The first two bands of ``income_tax_scale`` on 100,000, minus 2.25 x ``credit_point_value``
    (``params/il/income_tax.yaml``, ``params/il/credit_points.yaml``):

    >>> round(float(income_tax(np.array(100_000.0), 2025, 2.25)), 2)
    4101.2
    """
    scale = _p("income_tax", "income_tax_scale", year)
    gross = marginal_tax(income, scale["thresholds"], scale["rates"])
    credit = credit_points * _p("credit_points", "credit_point_value", year)
    return scalar_out(np.maximum(gross - credit, 0.0), income)


@overload
def surtax(income: float, year: int) -> float: ...
@overload
def surtax(income: Array, year: int) -> Array: ...
def surtax(income: Amount, year: int) -> Amount:
    """Additional tax (s. 121B): rate x yearly income above the threshold.

    Parameters
    ----------
    income : float or numpy.ndarray
        Yearly income, ILS.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The additional tax.

    References
    ----------
    Income Tax Ordinance s. 121B; Israel Tax Authority,
    https://www.gov.il/he/departments/israel_tax_authority

    Examples
    --------
    >>> round(float(surtax(np.array(800_000.0), 2026)), 2)  # the rate x the income above the threshold
    2353.2
    """
    s = _p("income_tax", "surtax", year)
    return scalar_out(np.asarray(s["rate"] * np.maximum(income - s["threshold"], 0.0), dtype=float), income)


@overload
def monthly_contribution(monthly_wage: float, band: Mapping[str, float]) -> float: ...
@overload
def monthly_contribution(monthly_wage: Array, band: Mapping[str, float]) -> Array: ...
def monthly_contribution(monthly_wage: Amount, band: Mapping[str, float]) -> Amount:
    """One month's employee contribution: reduced rate up to the reduced
    collection threshold, full rate above it, nothing above the maximum.

    Parameters
    ----------
    monthly_wage : float or numpy.ndarray
        One month's wage, ILS.
    band : mapping of str to float
        ``reduced_ceiling``, ``maximum``, ``reduced_rate`` and ``full_rate`` of one contribution
        (``national_insurance`` or ``health_tax`` in ``params/il/national_insurance.yaml``).

    Returns
    -------
    float or numpy.ndarray
        The month's employee contribution.

    References
    ----------
    National Insurance Law (Consolidated Version) 5755-1995; Bituach Leumi, rates for salaried
    employees,
    https://www.btl.gov.il/English%20Homepage/Insurance/Ratesandamount/Pages/forSalaried.aspx

    Examples
    --------
    >>> band = params("il", "national_insurance")["national_insurance"].at(2025)
    >>> round(float(monthly_contribution(np.array(10_000.0), band)), 4)  # the two bands
    251.6888
    """
    return scalar_out(
        marginal_tax(
            monthly_wage,
            [0.0, band["reduced_ceiling"], band["maximum"]],
            [band["reduced_rate"], band["full_rate"], 0.0],
        ),
        monthly_wage,
    )


def _yearly(income: Array, name: str, year: int, months: int) -> Array:
    """One contribution on a year's ``income`` paid in ``months`` equal months, each month on its
    own bands (Bituach Leumi works the contributions per month's wage)."""
    months = checked_pay_months(months)
    return np.asarray(
        months * monthly_contribution(income / months, _p("national_insurance", name, year)), dtype=float
    )


# The option's default: the basic credit points of a resident (the module docstring); the
# ceiling of 30 is this tool's bound on a sane count, not a statutory maximum (there is none).
_CREDIT_POINTS = Setting("credit_points", 2.25, low=0, high=30)  # the one check, as for age
_OPTIONS = {"credit_points": _CREDIT_POINTS.default}


def _options(options: Mapping[str, Any]) -> float:
    return float(_CREDIT_POINTS.check(options.get("credit_points")))


# Signature and Parameters as every jurisdiction's registered lines function (the engine calls
# each the same way), deliberately; the lines themselves are this jurisdiction's own.
@register(
    ages=(18, 66),  # the age is checked by the engine; the rules do not depend on it within
    options=_OPTIONS,
    description="Israel: income tax with credit points, surtax, national insurance and health "
    "tax for a resident employee (equity under section 102: calculators.tax.equity_regimes)",
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line for a resident Israeli employee (module docstring).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, ILS, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine), ``credit_points`` and ``pay_months`` (the months of
        the year with pay, over which the contributions are worked month by month; the income
        tax is the year's, on the year's bands).

    Returns
    -------
    dict of str to numpy.ndarray
        ``income_tax``, ``surtax``, ``national_insurance`` and ``health_tax``.

    Raises
    ------
    InvalidInputError
        Credit points that are not a number from 0 to 30.

    References
    ----------
    The rules of :func:`income_tax`, :func:`surtax` and :func:`monthly_contribution`;
    Bituach Leumi, rates for salaried employees,
    https://www.btl.gov.il/English%20Homepage/Insurance/Ratesandamount/Pages/forSalaried.aspx

    Examples
    --------
    >>> out = lines(np.array([300_000.0]), np.array([0.0]), 2025, {"age": 35, "credit_points": 2.25})
    >>> round(float(out["income_tax"][0]), 2), float(out["surtax"][0])
    (55768.8, 0.0)
    """
    points = _options(options)
    income = salary + equity
    months = options.get("pay_months", MONTHS)
    out = {
        "income_tax": income_tax(income, year, points),
        "surtax": surtax(income, year),
        "national_insurance": _yearly(income, "national_insurance", year, months),
        "health_tax": _yearly(income, "health_tax", year, months),
    }
    return {name: np.asarray(amount, dtype=float) for name, amount in out.items()}
