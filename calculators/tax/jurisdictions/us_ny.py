"""US-NY-NYC: New York City resident employee.

Federal taxes, New York State income tax (with the supplemental tax, i.e. the
tax benefit recapture of Tax Law section 601(d-1)), NYC resident income tax,
and the employee Paid Family Leave and disability (DBL) contributions.
Single filer, no dependants, wages only, New York standard deduction.  RSU
income is wages for NY income tax (NY DTF: wages as in the federal W-2) and
for PFL / DBL (contributions are on gross wages), so it is added to salary.

``nyc_income_tax`` is the NYC tax after the NYC household credit (single filers with
federal AGI up to ``nyc_household_credit``'s last threshold) and the NYC school tax credit
(fixed amount and rate reduction amount, Tax Law section 606(ggg)), which every resident
below the income limits receives; the credit is refundable but the line is
never below zero (at most the ``nyc_school_credit_fixed`` of refund is lost, below about
2,000 of taxable income).  Not modelled: EITCs and the NYC income tax elimination credit,
which reach a single earner only below about 21,000 of wages, and credits that need rent,
dependants or other facts.

Cliff edges the law creates (net pay falls as gross rises by one dollar):

* NY household credit (federal AGI, section 606(b)): net pay drops at each of the
  ``household_credit`` thresholds, by the difference of its amounts on either side
  (5 to 20 dollars).
* NY supplemental tax: when taxable income enters a new band of ``supplemental_recapture``
  (NYAGI higher by the ``standard_deduction``), the band's phase-in restarts at
  ``standard_deduction`` / ``supplemental_phase_in`` of its incremental benefit: drops of
  about 293 (2025; 328 in 2026), 4,828 and 5,200.  Above NYAGI ``supplemental_flat_from``
  all taxable income is taxed at the top rate of ``income_tax_scale``: a drop of about
  150,000.
* Inside the phase-in windows of the two bands below the top one (from NYAGI the band
  start plus the ``standard_deduction``, ``supplemental_phase_in`` wide) the incremental
  benefit (over ``supplemental_phase_in``) raises the marginal NY rate to about 70 % and
  75 %; with federal, NYC and Medicare taxes, net pay *falls* by about 0.13 and
  0.19 per extra dollar throughout those windows.
* NYC household credit (federal AGI): net pay drops at each ``nyc_household_credit``
  threshold by the difference of its amounts on either side (5 and 10 dollars).
* NYC school tax credit: the fixed ``nyc_school_credit_fixed`` ends above income
  ``nyc_school_credit_fixed_limit``; the rate reduction amount (about 1,115) ends above
  income ``nyc_school_credit_rate_reduction_limit``.

References
----------
NY Tax Law sections 601, 606, 614, 1304; 2025 Instructions for Form IT-201;
Workers' Compensation Law section 209; NY DFS PFL rate decisions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import Array, capped_rate, marginal_tax, register
from calculators.tax.jurisdictions.us_federal import (
    AGES,
    dual_status,
    federal_lines,
    value,
)

__all__ = [
    "ny_taxable_income",
    "ny_supplemental_tax",
    "ny_household_credit",
    "ny_income_tax",
    "nyc_school_tax_credit",
    "nyc_income_tax",
    "ny_pfl",
    "ny_dbl",
    "us_ny_nyc_lines",
]


def _ny(name: str, year: int) -> Any:
    return value("ny", name, year)


# Alike in form to us_ca.ca_taxable_income, deliberately: each state's statute sets its own
# deduction (Tax Law 614 here, R&TC 17073.5 there), and either may change alone.
@overload
def ny_taxable_income(wages: float, year: int) -> float: ...
@overload
def ny_taxable_income(wages: Array, year: int) -> Array: ...
def ny_taxable_income(wages: Amount, year: int) -> Amount:
    """New York taxable income: NYAGI (= wages) minus the ``standard_deduction``.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        New York taxable income, never below 0.

    References
    ----------
    Tax Law section 614, https://www.nysenate.gov/legislation/laws/TAX/614; NYS, Standard
    deductions, https://www.tax.ny.gov/pit/file/standard_deductions.htm

    Examples
    --------
    >>> float(ny_taxable_income(np.array(100_000.0), 2025))
    92000.0
    """
    return scalar_out(np.maximum(wages - _ny("standard_deduction", year), 0.0), wages)


def ny_supplemental_tax(taxable: Array, agi: Array, year: int, regular: Array | None = None) -> Array:
    """Supplemental tax (tax benefit recapture), Tax Law section 601(d-1).

    Zero up to NYAGI ``supplemental_start``.  Above it, for taxable income in a recapture band
    the tax is the band's recapture base plus its incremental benefit times the
    phase-in fraction ``min(NYAGI - max(band start, S), W) / W`` (S the ``supplemental_start``,
    W the ``supplemental_phase_in``),
    where the first band starts at the rate-schedule band holding the taxable
    income.  Above NYAGI ``supplemental_flat_from`` all taxable income is taxed at the top rate.
    ``regular`` is the schedule tax on ``taxable`` when already computed.

    Parameters
    ----------
    taxable : numpy.ndarray
        New York taxable income, USD.
    agi : numpy.ndarray
        NYAGI, USD.
    year : int
        Tax year.
    regular : numpy.ndarray, optional
        The schedule tax on ``taxable``, when already computed.

    Returns
    -------
    numpy.ndarray
        The supplemental tax.

    References
    ----------
    Tax Law section 601(d-1), https://www.nysenate.gov/legislation/laws/TAX/601; Form IT-201
    instructions 2025, https://www.tax.ny.gov/pdf/2025/inc/it201i_2025.pdf

    Examples
    --------
    >>> ti, agi = np.array([92_000.0, 242_000.0]), np.array([100_000.0, 250_000.0])
    >>> [round(float(x), 2) for x in ny_supplemental_tax(ti, agi, 2025)]
    [0.0, 1835.05]
    """
    scale = _ny("income_tax_scale", year)
    rec = _ny("supplemental_recapture", year)
    start = float(_ny("supplemental_start", year))
    width = float(_ny("supplemental_phase_in", year))
    sched_t = np.asarray(scale["thresholds"], dtype=float)
    rec_t = np.asarray(rec["thresholds"], dtype=float)
    # A band runs "over X but not over Y" (the IT-201 worksheets): income of exactly X is in
    # the band below, so the search is side="left" (the first band starts at 0: never below)
    band = np.maximum(np.searchsorted(rec_t, taxable, side="left") - 1, 0)
    base = np.asarray(rec["recapture_base"], dtype=float)[band]
    benefit = np.asarray(rec["incremental_benefit"], dtype=float)[band]
    # Lower bound of the band the phase-in runs from: the recapture band's own
    # start, or for the first band the rate-schedule band holding the income.
    sched_start = sched_t[np.maximum(np.searchsorted(sched_t, taxable, side="left") - 1, 0)]
    lower = np.where(band > 0, rec_t[band], sched_start)
    fraction = np.clip(agi - np.maximum(lower, start), 0.0, width) / width
    supplemental = np.where(agi > start, base + benefit * fraction, 0.0)
    top = float(scale["rates"][-1])
    if regular is None:
        regular = marginal_tax(taxable, scale["thresholds"], scale["rates"])
    flat = top * taxable - regular
    return np.where(agi > _ny("supplemental_flat_from", year), flat, supplemental)


@overload
def ny_household_credit(agi: float, year: int) -> float: ...
@overload
def ny_household_credit(agi: Array, year: int) -> Array: ...
def ny_household_credit(agi: Amount, year: int) -> Amount:
    """New York household credit for a single filer (Tax Law section 606(b)).

    Parameters
    ----------
    agi : float or numpy.ndarray
        NYAGI, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The household credit.

    References
    ----------
    Tax Law section 606(b), https://www.nysenate.gov/legislation/laws/TAX/606

    Examples
    --------
    >>> [float(x) for x in ny_household_credit(np.array([25_000.0, 25_000.01, 30_000.0]), 2025)]
    [40.0, 20.0, 0.0]
    """
    table = _ny("household_credit", year)
    index = np.searchsorted(np.asarray(table["thresholds"], dtype=float), agi, side="left")
    return scalar_out(np.asarray(table["amounts"], dtype=float)[index], agi)


@overload
def ny_income_tax(wages: float, year: int) -> float: ...
@overload
def ny_income_tax(wages: Array, year: int) -> Array: ...
def ny_income_tax(wages: Amount, year: int) -> Amount:
    """New York State income tax: schedule + supplemental tax - household credit.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        New York State income tax, never below 0.

    References
    ----------
    Tax Law sections 601 and 606, https://www.nysenate.gov/legislation/laws/TAX/601; Form
    IT-201 instructions 2025, https://www.tax.ny.gov/pdf/2025/inc/it201i_2025.pdf

    Examples
    --------
    >>> [round(float(x), 2) for x in ny_income_tax(np.array([100_000.0, 250_000.0]), 2025)]
    [4951.75, 16012.9]
    """
    w = np.asarray(wages, dtype=float)
    scale = _ny("income_tax_scale", year)
    taxable = ny_taxable_income(w, year)
    regular = marginal_tax(taxable, scale["thresholds"], scale["rates"])
    gross_tax = regular + ny_supplemental_tax(taxable, w, year, regular)
    return scalar_out(np.maximum(gross_tax - ny_household_credit(w, year), 0.0), wages)


def nyc_school_tax_credit(taxable: Array, income: Array, year: int) -> Array:
    """NYC school tax credit: fixed amount plus rate reduction amount (section 606(ggg)).

    ``income`` is federal AGI (less IRA distributions, none here); ``taxable``
    is NYC taxable income.

    Parameters
    ----------
    taxable : numpy.ndarray
        NYC taxable income, USD.
    income : numpy.ndarray
        Federal AGI, USD.
    year : int
        Tax year.

    Returns
    -------
    numpy.ndarray
        The NYC school tax credit (fixed amount and rate reduction amount).

    References
    ----------
    Tax Law section 606(ggg), https://www.nysenate.gov/legislation/laws/TAX/606

    Examples
    --------
    >>> round(float(nyc_school_tax_credit(np.array(92_000.0), np.array(100_000.0), 2025)), 2)
    266.4
    """
    fixed = np.where(
        income <= _ny("nyc_school_credit_fixed_limit", year),
        float(_ny("nyc_school_credit_fixed", year)),
        0.0,
    )
    rr = _ny("nyc_school_credit_rate_reduction", year)
    limit = _ny("nyc_school_credit_rate_reduction_limit", year)
    low = taxable * rr["low_rate"]
    high = rr["base"] + (taxable - rr["break"]) * rr["high_rate"]
    reduction = np.where(taxable <= rr["break"], low, high)
    eligible = (income <= limit) & (taxable <= limit)
    return fixed + np.where(eligible, reduction, 0.0)


@overload
def nyc_income_tax(wages: float, year: int) -> float: ...
@overload
def nyc_income_tax(wages: Array, year: int) -> Array: ...
def nyc_income_tax(wages: Amount, year: int) -> Amount:
    """NYC resident income tax (section 1304) less the household and school tax credits, >= 0.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        NYC resident income tax after the school tax credit.

    References
    ----------
    Tax Law section 1304, https://www.nysenate.gov/legislation/laws/TAX/1304

    Examples
    --------
    >>> round(float(nyc_income_tax(np.array(100_000.0), 2025)), 2)
    3174.69
    """
    w = np.asarray(wages, dtype=float)
    scale = _ny("nyc_income_tax_scale", year)
    taxable = ny_taxable_income(w, year)
    tax = marginal_tax(taxable, scale["thresholds"], scale["rates"])
    household = _ny("nyc_household_credit", year)  # IT-201 line 48, before the school credits
    index = np.searchsorted(np.asarray(household["thresholds"], dtype=float), w, side="left")
    tax = np.maximum(tax - np.asarray(household["amounts"], dtype=float)[index], 0.0)
    return scalar_out(np.maximum(tax - nyc_school_tax_credit(taxable, w, year), 0.0), wages)


@overload
def ny_pfl(wages: float, year: int) -> float: ...
@overload
def ny_pfl(wages: Array, year: int) -> Array: ...
def ny_pfl(wages: Amount, year: int) -> Amount:
    """Paid Family Leave employee contribution: rate x gross wages, up to the annual maximum.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's Paid Family Leave contribution.

    References
    ----------
    Workers' Compensation Law section 209, https://www.nysenate.gov/legislation/laws/WKC/209;
    DFS, PFL rate decision,
    https://www.dfs.ny.gov/apps-and-licensing/health-insurers/pfl-rate-decision-2025-page

    Examples
    --------
    >>> float(ny_pfl(np.array(50_000.0), 2025)), float(ny_pfl(np.array(250_000.0), 2025))
    (194.0, 354.53)
    """
    return scalar_out(
        np.minimum(capped_rate(wages, _ny("pfl_rate", year)), _ny("pfl_annual_max", year)), wages
    )


@overload
def ny_dbl(wages: float, year: int) -> float: ...
@overload
def ny_dbl(wages: Array, year: int) -> Array: ...
def ny_dbl(wages: Amount, year: int) -> Amount:
    """Disability benefits (DBL) employee contribution: ``dbl_rate`` of wages, at most ``dbl_annual_max``.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's disability benefits contribution.

    References
    ----------
    Workers' Compensation Law section 209, https://www.nysenate.gov/legislation/laws/WKC/209;
    WCB, Disability benefits,
    https://www.wcb.ny.gov/content/main/DisabilityBenefits/employee-disability-benefits.jsp

    Examples
    --------
    >>> float(ny_dbl(np.array(100_000.0), 2025))
    31.2
    """
    return scalar_out(
        np.minimum(capped_rate(wages, _ny("dbl_rate", year)), _ny("dbl_annual_max", year)), wages
    )


# Parallel to ca_on.py:lines, de.py:lines, gb_eng.py:lines, jp_tokyo.py:lines, us_ca.py:us_ca_lines,
# us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and Parameters, because
# compute() calls every registered lines function alike; kept separate because each body and its
# Returns are that jurisdiction's own lines.
@register(
    ages=AGES,
    description="New York City resident employee: federal income tax, FICA, NY State and "
    "NYC income tax, NY PFL and DBL",
)
def us_ny_nyc_lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line of a New York City employee (RSU income is wages).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, USD, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine).

    Returns
    -------
    dict of str to numpy.ndarray
        The federal lines, ``ny_income_tax``, ``nyc_income_tax``, ``ny_pfl`` and ``ny_dbl``.

    References
    ----------
    The rules of :func:`calculators.tax.jurisdictions.us_federal.federal_lines`,
    :func:`ny_income_tax`, :func:`nyc_income_tax`, :func:`ny_pfl` and :func:`ny_dbl`; NYS,
    Withholding tax rates, https://www.tax.ny.gov/bus/wt/rate.htm

    Examples
    --------
    >>> out = us_ny_nyc_lines(np.array([100_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> round(float(out["ny_income_tax"][0]), 2), round(float(out["nyc_income_tax"][0]), 2)
    (4951.75, 3174.69)
    """
    wages = salary + equity
    lines = federal_lines(wages, year, options["age"], dual_status(options))
    lines["ny_income_tax"] = ny_income_tax(wages, year)
    lines["nyc_income_tax"] = nyc_income_tax(wages, year)
    lines["ny_pfl"] = ny_pfl(wages, year)
    lines["ny_dbl"] = ny_dbl(wages, year)
    return lines
