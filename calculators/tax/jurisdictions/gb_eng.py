"""England (``GB-ENG``): income tax and employee Class 1 National Insurance.

Tax year ``N`` means the UK tax year that starts on 6 April ``N``: 2025 is 2025/26
(6 April 2025 to 5 April 2026) and 2026 is 2026/27.  Parameters live in
``params/gb/`` keyed by 6 April.

Lines
-----
``income_tax``
    The year's income tax liability on employment income (rest-of-UK bands), with the
    Personal Allowance tapered by ``personal_allowance_taper_rate`` of the income over
    ``personal_allowance_taper_threshold``.  PAYE withheld through the year can differ slightly
    (a 1257L code frees 12,579 rather than the ``personal_allowance``, and the taper is collected
    through a changed code or Self Assessment); the liability is what the year finally costs.
    Amounts are not rounded to whole pounds.
``employee_ni``
    Class 1 primary contributions, category A, worked out on twelve monthly earnings
    periods with HMRC's monthly thresholds (``primary_threshold_monthly``,
    ``upper_earnings_limit_monthly``).  This is *not* the same as one annual calculation with
    the yearly thresholds (12,570 and 50,270): twelve monthly periods exempt 12,576 and reach
    the cap at 50,268, so for salaries above 12,576 the result is up to 0.60 GBP (0.48 below the
    Upper Earnings Limit) lower than the annual figure.  Penny rounding per period is not applied.

Equity income (RSU vests)
-------------------------
Shares acquired on an RSU vest are employment income (HMRC ERSM20192); where they are
readily convertible assets (listed shares) the employer must operate PAYE and Class 1
NICs on them (HMRC, Tax and Employee Share Schemes).  Both lines therefore tax
``salary + equity``.  For NI the vest is treated as spread evenly over the twelve
monthly pay periods; a vest paid in one month is charged in that month's earnings
period, so its NI can differ (a salary above the monthly Upper Earnings Limit gives the
same result either way).

Options
-------
``age`` (default: ``calculators.defaults.AGE``; the range registered below, checked by the engine)
    Whole years.  From State Pension age (``state_pension_age``) no employee NI is due (category C); a
    birthday during the tax year is not modelled (the age is taken for the whole year).

Cliff edges
-----------
None: every line is continuous in gross pay, so net pay never falls as pay rises.
The Personal Allowance taper gives a 60% marginal income tax rate (62% with NI)
from ``personal_allowance_taper_threshold`` until the allowance is used up, but no drop.

References
----------
HMRC, Income Tax rates and Personal Allowances:
https://www.gov.uk/government/publications/rates-and-allowances-income-tax
HMRC, Rates and thresholds for employers 2025 to 2026 and 2026 to 2027:
https://www.gov.uk/guidance/rates-and-thresholds-for-employers-2025-to-2026
HMRC, ERSM20192, Restricted Stock Units:
https://www.gov.uk/hmrc-internal-manuals/employment-related-securities/ersm20192

Examples
--------
>>> from calculators.tax import compute
>>> r = compute(50_000, "London", 2025)
>>> round(float(r.lines["income_tax"]), 2), round(float(r.lines["employee_ni"]), 2)
(7486.0, 2993.92)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators import places
from calculators.defaults import AGE
from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import MONTHS, capped_rate, checked_pay_months, marginal_tax, params, register

__all__ = ["lines", "personal_allowance", "income_tax", "employee_ni", "tax_year_start"]

Array = npt.NDArray[np.float64]


def tax_year_start(year: int) -> dt.date:
    """First day of UK tax year ``year`` (6 April), the date its values are keyed by.

    Parameters
    ----------
    year : int
        The tax year, by the calendar year it starts in (2025 is 2025/26).

    Returns
    -------
    datetime.date
        6 April of ``year``.

    References
    ----------
    Income Tax Act 2007 s. 4(2) (a tax year begins on 6 April): ``year_starts`` of this module's
    place in ``calculators/places.yaml``.

    Examples
    --------
    >>> tax_year_start(2025)
    datetime.date(2025, 4, 6)
    """
    return places.tax_year_start(places.place_for_module(__name__).code, year)


def _p(topic: str, name: str, year: int) -> Any:
    return params("gb", topic)[name].at(tax_year_start(year))


@overload
def personal_allowance(income: float, year: int) -> float: ...
@overload
def personal_allowance(income: Array | Sequence[float], year: int) -> Array: ...
def personal_allowance(income: npt.ArrayLike, year: int) -> Amount:
    """Personal Allowance after the taper for adjusted net income ``income``.

    The allowance (``personal_allowance``) falls by ``personal_allowance_taper_rate`` of the
    income above ``personal_allowance_taper_threshold`` until it reaches 0 (Income Tax Act 2007
    s.35).

    Parameters
    ----------
    income : float or array_like
        Adjusted net income, GBP.
    year : int
        UK tax year starting 6 April ``year``.

    Returns
    -------
    float or numpy.ndarray
        The Personal Allowance; a float for a plain number, an array otherwise.

    References
    ----------
    Income Tax Act 2007 s.35, https://www.legislation.gov.uk/ukpga/2007/3/section/35; HMRC,
    Income Tax rates and Personal Allowances,
    https://www.gov.uk/government/publications/rates-and-allowances-income-tax

    Examples
    --------
    >>> personal_allowance([50_000, 110_000, 125_140], 2025).tolist()
    [12570.0, 7570.0, 0.0]
    """
    x = np.asarray(income, dtype=float)
    base = float(_p("income_tax", "personal_allowance", year))
    start = float(_p("income_tax", "personal_allowance_taper_threshold", year))
    rate = float(_p("income_tax", "personal_allowance_taper_rate", year))
    return scalar_out(np.maximum(base - rate * np.maximum(x - start, 0.0), 0.0), income)


@overload
def income_tax(income: float, year: int) -> float: ...
@overload
def income_tax(income: Array | Sequence[float], year: int) -> Array: ...
def income_tax(income: npt.ArrayLike, year: int) -> Amount:
    """Income tax liability on employment income ``income`` (rest-of-UK bands).

    Taxable income is income less the (tapered) Personal Allowance; the scale
    is ``rates`` (``params/gb/income_tax.yaml``) on taxable income.

    Parameters
    ----------
    income : float or array_like
        Employment income for the year, GBP.
    year : int
        UK tax year starting 6 April ``year``.

    Returns
    -------
    float or numpy.ndarray
        The liability; a float for a plain number, an array otherwise.

    References
    ----------
    Income Tax Act 2007 ss.6-10, 35, https://www.legislation.gov.uk/ukpga/2007/3/contents; HMRC,
    Income Tax rates and Personal Allowances,
    https://www.gov.uk/government/publications/rates-and-allowances-income-tax

    Examples
    --------
    >>> income_tax([50_000, 150_000], 2025).tolist()
    [7486.0, 53703.0]
    """
    x = np.maximum(np.asarray(income, dtype=float), 0.0)
    taxable = np.maximum(x - personal_allowance(x, year), 0.0)
    scale = _p("income_tax", "rates", year)
    return scalar_out(marginal_tax(taxable, scale["thresholds"], scale["rates"]), income)


@overload
def employee_ni(earnings: float, year: int, age: int = AGE.default, months: int = MONTHS) -> float: ...
@overload
def employee_ni(
    earnings: Array | Sequence[float], year: int, age: int = AGE.default, months: int = MONTHS
) -> Array: ...
def employee_ni(earnings: npt.ArrayLike, year: int, age: int = AGE.default, months: int = MONTHS) -> Amount:
    """Employee Class 1 NI on a year's ``earnings`` paid in ``months`` equal months.

    Each month: ``main_rate`` of pay between ``primary_threshold_monthly`` and
    ``upper_earnings_limit_monthly``, ``additional_rate`` above it; nothing from
    ``state_pension_age`` (``params/gb/national_insurance.yaml``).

    Parameters
    ----------
    earnings : float or array_like
        Earnings for the year, GBP, paid in ``months`` equal monthly amounts.
    year : int
        UK tax year starting 6 April ``year``.
    age : int, optional
        Age in whole years.
    months : int, optional
        The monthly pay periods of the year (a job that starts in January pays in three of the
        tax year): NI is worked per earnings period, so each period's thresholds apply, not
        the year's (Social Security (Contributions) Regulations 2001 reg. 3).  Default 12.

    Returns
    -------
    float or numpy.ndarray
        Employee Class 1 contributions for the year; a float for a plain number, an array
        otherwise.

    References
    ----------
    Social Security Contributions and Benefits Act 1992 s.8; HMRC, Rates and thresholds for
    employers 2025 to 2026, https://www.gov.uk/guidance/rates-and-thresholds-for-employers-2025-to-2026

    Examples
    --------
    >>> [round(v, 2) for v in employee_ni([12_000, 50_000, 150_000], 2025).tolist()]
    [0.0, 2993.92, 5010.0]
    >>> employee_ni([50_000], 2025, age=70).tolist()
    [0.0]

    12,000 earned in three months pays NI that the same pay over twelve does not: three periods'
    thresholds free it, not twelve.

    >>> employee_ni(12_000, 2025, months=3) > 0 == employee_ni(12_000, 2025)
    True
    """
    months = checked_pay_months(months)
    month = np.maximum(np.asarray(earnings, dtype=float), 0.0) / months
    pt = float(_p("national_insurance", "primary_threshold_monthly", year))
    uel = float(_p("national_insurance", "upper_earnings_limit_monthly", year))
    main = float(_p("national_insurance", "main_rate", year))
    extra = float(_p("national_insurance", "additional_rate", year))
    per_month = capped_rate(month, main, uel, floor=pt) + capped_rate(month, extra, floor=uel)
    if age >= int(_p("national_insurance", "state_pension_age", year)):
        per_month = np.zeros_like(per_month)
    return scalar_out(per_month * months, earnings)


# Parallel to ca_on.py:lines, de.py:lines, jp_tokyo.py:lines, us_ca.py:us_ca_lines,
# us_ny.py:us_ny_nyc_lines, us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and
# Parameters, because compute() calls every registered lines function alike; kept separate because
# each body and its Returns are that jurisdiction's own lines.
@register(
    ages=params("gb", "national_insurance")["modelled_ages"],  # NI from 16; to State Pension age
    description="England: income tax (rest-of-UK bands) and employee Class 1 NI; "
    "tax year N = 6 April N to 5 April N+1",
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Withholding lines for England: ``income_tax`` and ``employee_ni``.

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, GBP, of one shape.
    year : int
        UK tax year starting 6 April ``year``.
    options : mapping
        ``age`` (checked by the engine).

    Returns
    -------
    dict of str to numpy.ndarray
        ``income_tax`` and ``employee_ni`` on salary plus equity.

    References
    ----------
    The rules of :func:`income_tax` and :func:`employee_ni`; HMRC ERSM20192 for RSU income,
    https://www.gov.uk/hmrc-internal-manuals/employment-related-securities/ersm20192

    Examples
    --------
    >>> import numpy as np
    >>> out = lines(np.array([50_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> {k: round(float(v[0]), 2) for k, v in out.items()}
    {'income_tax': 7486.0, 'employee_ni': 2993.92}
    """
    pay = salary + equity
    return {
        "income_tax": income_tax(pay, year),
        # age checked by the engine
        "employee_ni": employee_ni(pay, year, options["age"], options.get("pay_months", MONTHS)),
    }
