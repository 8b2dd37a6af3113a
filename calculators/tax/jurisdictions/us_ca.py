"""US-CA: California resident employee (federal taxes plus CA income tax and SDI).

Single filer, no dependants, wages only, standard deduction.  RSU income is
wages for California income tax (FTB Publication 1004 / R&TC section 17071)
and for SDI (EDD DE 231SC: stock awarded as compensation is SDI-subject
wages), so it is added to salary before every rule.

Not modelled: refundable credits (CalEITC, reaching a single earner without
children below about 32,000 of wages; the Young Child Tax Credit needs a
child) and the renter's credit (a non-refundable 60 for renters below about
53,000 of AGI).  The income tax uses the rate schedule, not FTB's tax table
for taxable income up to 100,000 (its 100-dollar bands differ by a few
dollars).

Cliff edges the law creates (net pay falls as gross rises by one dollar):

* Exemption credit phase-out (R&TC section 17054.1): the ``personal_exemption_credit``
  falls by ``exemption_phase_out_amount`` for each ``exemption_phase_out_step`` **or
  fraction thereof** of federal AGI above ``exemption_phase_out_start`` (its 2026 value a
  forecast).  Net pay drops by that amount just above the start plus each whole number of
  steps until the credit is used up, the last drop being what is left (3 dollars in 2025, a
  whole step in 2026).  From ``senior_from`` the senior exemption credit doubles each drop.

References
----------
FTB 2025 Form 540 booklet; R&TC sections 17041, 17043, 17054, 17054.1,
17073.5; EDD rates and withholding page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from calculators.defaults import AGE
from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import Array, capped_rate, marginal_tax, register
from calculators.tax.jurisdictions.us_federal import (
    AGES,
    dual_status,
    federal_lines,
    value,
)

__all__ = [
    "ca_taxable_income",
    "ca_exemption_credit",
    "ca_mental_health_tax",
    "ca_income_tax",
    "ca_sdi",
    "us_ca_lines",
]


def _ca(name: str, year: int) -> Any:
    return value("ca", name, year)


# Alike in form to us_ny.ny_taxable_income, deliberately: each state's statute sets its own
# deduction (R&TC 17073.5 here, Tax Law 614 there), and either may change alone.
@overload
def ca_taxable_income(wages: float, year: int) -> float: ...
@overload
def ca_taxable_income(wages: Array, year: int) -> Array: ...
def ca_taxable_income(wages: Amount, year: int) -> Amount:
    """California taxable income: wages minus the standard deduction (section 17073.5).

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        California taxable income, never below 0.

    References
    ----------
    R&TC section 17073.5; FTB, 2025 Form 540 booklet, https://www.ftb.ca.gov/forms/2025/2025-540-booklet.html

    Examples
    --------
    >>> float(ca_taxable_income(np.array(250_000.0), 2025))
    244294.0
    """
    return scalar_out(np.maximum(wages - _ca("standard_deduction", year), 0.0), wages)


# Parallel to ca_income_tax (the same year and age Parameters): kept separate because the
# exemption credit is its own rule (R&TC 17054, 17054.1) that ca_income_tax subtracts.
@overload
def ca_exemption_credit(agi: float, year: int, age: float = AGE.default) -> float: ...
@overload
def ca_exemption_credit(agi: Array, year: int, age: float = AGE.default) -> Array: ...
def ca_exemption_credit(agi: Amount, year: int, age: float = AGE.default) -> Amount:
    """Personal (and from ``senior_from`` senior) exemption credit after the AGI phase-out.

    Each credit falls by ``exemption_phase_out_amount`` for every ``exemption_phase_out_step``
    or fraction thereof of federal AGI above the threshold (R&TC section 17054.1), never below zero.

    Parameters
    ----------
    agi : float or numpy.ndarray
        Federal AGI, USD.
    year : int
        Tax year.
    age : float, optional
        Age in whole years.

    Returns
    -------
    float or numpy.ndarray
        The exemption credits after the phase-out.

    References
    ----------
    R&TC sections 17054 and 17054.1, https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=RTC&sectionNum=17054.1

    Examples
    --------
    >>> float(ca_exemption_credit(np.array(252_203.0), 2025))
    153.0
    >>> float(ca_exemption_credit(np.array(252_203.01), 2025))
    147.0
    >>> float(ca_exemption_credit(np.array(400_000.0), 2025))
    0.0
    """
    credit = float(_ca("personal_exemption_credit", year))
    count = 2.0 if age >= _ca("senior_from", year) else 1.0
    excess = np.maximum(agi - _ca("exemption_phase_out_start", year), 0.0)
    steps = np.ceil(excess / _ca("exemption_phase_out_step", year))
    each = np.maximum(credit - steps * _ca("exemption_phase_out_amount", year), 0.0)
    return scalar_out(np.asarray(count * each, dtype=float), agi)


@overload
def ca_mental_health_tax(taxable: float, year: int) -> float: ...
@overload
def ca_mental_health_tax(taxable: Array, year: int) -> Array: ...
def ca_mental_health_tax(taxable: Amount, year: int) -> Amount:
    """Mental Health Services Tax (section 17043): the rate on taxable income above the threshold.

    ``mental_health_tax_rate`` above ``mental_health_tax_threshold``.

    Parameters
    ----------
    taxable : float or numpy.ndarray
        California taxable income, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The Mental Health Services Tax.

    References
    ----------
    R&TC section 17043, https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=RTC&sectionNum=17043

    Examples
    --------
    >>> float(ca_mental_health_tax(np.array(1_500_000.0), 2025))
    5000.0
    """
    threshold = _ca("mental_health_tax_threshold", year)
    return capped_rate(taxable, _ca("mental_health_tax_rate", year), floor=threshold)


# Alike in form to us_federal.federal_income_tax, deliberately: a state schedule and the
# federal one are separate laws with their own brackets and credits.
@overload
def ca_income_tax(wages: float, year: int, age: float = AGE.default) -> float: ...
@overload
def ca_income_tax(wages: Array, year: int, age: float = AGE.default) -> Array: ...
def ca_income_tax(wages: Amount, year: int, age: float = AGE.default) -> Amount:
    """California income tax: schedule tax less exemption credits, plus the MHST.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.
    age : float, optional
        Age in whole years.

    Returns
    -------
    float or numpy.ndarray
        California income tax, the MHST included.

    References
    ----------
    R&TC section 17041,
    https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=RTC&sectionNum=17041;
    FTB, 2025 California tax rate schedules,
    https://www.ftb.ca.gov/forms/2025/2025-540-tax-rate-schedules.pdf

    Examples
    --------
    Public reference case, US-CA 250,000 in 2025:

    >>> round(float(ca_income_tax(np.array(250_000.0), 2025)), 2)
    19004.98
    """
    scale = _ca("income_tax_scale", year)
    taxable = ca_taxable_income(wages, year)
    regular = marginal_tax(taxable, scale["thresholds"], scale["rates"])
    after_credits = np.maximum(regular - ca_exemption_credit(wages, year, age), 0.0)
    return scalar_out(after_credits + ca_mental_health_tax(taxable, year), wages)


@overload
def ca_sdi(wages: float, year: int) -> float: ...
@overload
def ca_sdi(wages: Array, year: int) -> Array: ...
def ca_sdi(wages: Amount, year: int) -> Amount:
    """State Disability Insurance: ``sdi_rate`` of all wages, no cap.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's SDI contribution.

    References
    ----------
    Unemployment Insurance Code section 984; EDD, Rates and withholding,
    https://edd.ca.gov/en/payroll_taxes/rates_and_withholding/

    Examples
    --------
    >>> float(ca_sdi(np.array(250_000.0), 2025))
    3000.0
    """
    return capped_rate(wages, _ca("sdi_rate", year))


# Parallel to ca_on.py:lines, de.py:lines, gb_eng.py:lines, jp_tokyo.py:lines,
# us_ny.py:us_ny_nyc_lines, us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and
# Parameters, because compute() calls every registered lines function alike; kept separate because
# each body and its Returns are that jurisdiction's own lines.
@register(
    ages=AGES,
    description="California resident employee: federal income tax, FICA, CA income tax, CA SDI",
)
def us_ca_lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line of a California employee (RSU income is wages).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, USD, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine); the engine's ``arrival`` / ``departure`` (a federal
        dual-status year) and ``exempt_income`` (pay of the year before arriving, which sets
        California's rate for a part-year resident, Form 540NR).

    Returns
    -------
    dict of str to numpy.ndarray
        The federal lines, ``ca_income_tax`` and ``ca_sdi``.

    References
    ----------
    The rules of :func:`calculators.tax.jurisdictions.us_federal.federal_lines`,
    :func:`ca_income_tax` and :func:`ca_sdi`; FTB, Tax calculator, tables, rates,
    https://www.ftb.ca.gov/file/personal/tax-calculator-tables-rates.asp

    Examples
    --------
    >>> out = us_ca_lines(np.array([250_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> round(float(out["ca_income_tax"][0]), 2), float(out["ca_sdi"][0])
    (19004.98, 3000.0)
    """
    age = options["age"]
    wages = salary + equity
    lines = federal_lines(wages, year, age, dual_status(options))
    exempt = np.asarray(options.get("exempt_income", 0.0), dtype=float)
    if np.any(exempt > 0):
        # a part-year resident (Form 540NR): the tax on the year's whole income as if resident
        # all year, times the share of it earned while resident (R&TC section 17041(b))
        total = wages + np.maximum(exempt, 0.0)
        share = np.divide(wages, total, out=np.zeros_like(total), where=total > 0)
        lines["ca_income_tax"] = np.asarray(ca_income_tax(total, year, age) * share, dtype=float)
    else:
        lines["ca_income_tax"] = ca_income_tax(wages, year, age)
    lines["ca_sdi"] = ca_sdi(wages, year)
    return lines
