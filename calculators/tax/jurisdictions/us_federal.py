"""US federal rules shared by every US jurisdiction: income tax and FICA.

Scope: a single filer with no dependants whose only income is wages (salary,
bonus and RSU vests).  RSU income is wages (IRS Publication 525, "Restricted
property"; IRS Publication 15, section 5), so it enters federal taxable
income, the social security wage base and the Medicare taxes together with
salary.  The federal income tax is computed with the rate schedule (employers
withhold and high earners pay by the schedule; the IRS tax table for taxable
income under 100,000 rounds to 50-dollar bands and can differ by a few
dollars).  Refundable credits (the earned income credit, which reaches a
single earner without children only below about 19,000 of wages) are not
modelled: every line is the tax before refundable credits.

References
----------
IRS Rev. Proc. 2024-40 and 2025-32; Public Law 119-21 (2025 reconciliation
act) sections 70102-70103; IRC sections 1, 63, 151, 3101, 3121.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from calculators.defaults import AGE
from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import Array, capped_rate, marginal_tax, params

__all__ = [
    "AGES",
    "federal_taxable_income",
    "federal_income_tax",
    "social_security",
    "medicare",
    "additional_medicare",
    "federal_lines",
    "dual_status",
    "value",
]

# The ages the US rules are modelled for (``modelled_ages`` in params/us/federal.yaml; the
# jurisdictions register them, the engine checks the age option).
AGES = params("us", "federal")["modelled_ages"]


def value(topic: str, name: str, year: int) -> Any:
    """The parameter ``name`` of ``params/us/<topic>.yaml`` in force in ``year``.

    Parameters
    ----------
    topic : str
        The file under ``params/us/`` (``"federal"``, ``"payroll"``, ``"ca"`` …).
    name : str
        The parameter.
    year : int
        Tax year.

    Returns
    -------
    object
        The value in force on 1 January of ``year``.

    References
    ----------
    The ``reference`` entries of the parameter in ``params/us/<topic>.yaml`` (IRS revenue
    procedures, SSA and state publications).

    Examples
    --------
    >>> value("payroll", "social_security_wage_base", 2025)
    176100
    """
    return params("us", topic)[name].at(year)


# Parallel to federal_income_tax (the same wages, year and age Parameters): kept separate because
# taxable income is its own rule (IRC 63) the tax is worked on.
@overload
def federal_taxable_income(
    wages: float, year: int, age: float = AGE.default, dual_status: bool = False
) -> float: ...
@overload
def federal_taxable_income(
    wages: Array, year: int, age: float = AGE.default, dual_status: bool = False
) -> Array: ...
def federal_taxable_income(
    wages: Amount, year: int, age: float = AGE.default, dual_status: bool = False
) -> Amount:
    """Federal taxable income of a single filer whose income is ``wages``.

    AGI minus the standard deduction (IRC section 63(c)), plus from age ``aged_from``
    the additional standard deduction (section 63(f)) and the 2025-2028
    senior deduction (section 151(d)(5)(C)), which falls by
    ``senior_deduction_phase_out_rate`` of modified AGI above
    ``senior_deduction_phase_out_start``.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year (salary, bonus and RSU vests), USD.
    year : int
        Tax year.
    age : float, optional
        Age in whole years at the end of the year.
    dual_status : bool, optional
        A dual-status year (resident for part of it: the year of arrival of someone who was
        not resident the year before, or of departure): no standard deduction (IRC section 63(c)(6)(B);
        IRS Publication 519, chapter 6, Restrictions for Dual-Status Taxpayers), so the
        wages of the resident part are taxed from the first dollar (itemised deductions,
        which Washington's lack of an income tax leaves few of, are not modelled).

    Returns
    -------
    float or numpy.ndarray
        Taxable income; a float for a plain number, an array otherwise.

    References
    ----------
    IRC sections 63(c), 63(f), 151(d)(5)(C) (Public Law 119-21 section 70103); IRS Rev. Proc.
    2024-40 and 2025-32, https://www.irs.gov/pub/irs-drop/rp-24-40.pdf

    Examples
    --------
    >>> float(federal_taxable_income(np.array(100_000.0), 2025))
    84250.0
    >>> float(federal_taxable_income(np.array(80_000.0), 2025, age=66))
    56550.0
    >>> float(federal_taxable_income(np.array(100_000.0), 2025, dual_status=True))
    100000.0
    """
    if dual_status:
        return scalar_out(np.maximum(np.asarray(wages, dtype=float), 0.0), wages)
    deduction = np.full_like(wages, float(value("federal", "standard_deduction", year)))
    if age >= value("federal", "aged_from", year):
        deduction = deduction + value("federal", "additional_standard_deduction_aged", year)
        senior = float(value("federal", "senior_deduction", year))
        if senior > 0:
            start = value("federal", "senior_deduction_phase_out_start", year)
            rate = value("federal", "senior_deduction_phase_out_rate", year)
            deduction = deduction + np.maximum(senior - rate * np.maximum(wages - start, 0.0), 0.0)
    return scalar_out(np.maximum(wages - deduction, 0.0), wages)


# Alike in form to us_ca.ca_income_tax, deliberately: the federal schedule and a state's are
# separate laws with their own brackets and credits.  Parallel to federal_taxable_income (the same
# wages, year and age Parameters): kept separate because the tax is worked on that income.
@overload
def federal_income_tax(
    wages: float, year: int, age: float = AGE.default, dual_status: bool = False
) -> float: ...
@overload
def federal_income_tax(
    wages: Array, year: int, age: float = AGE.default, dual_status: bool = False
) -> Array: ...
def federal_income_tax(
    wages: Amount, year: int, age: float = AGE.default, dual_status: bool = False
) -> Amount:
    """Federal income tax (IRC section 1(j) schedule) on wages, single filer.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.
    age : float, optional
        Age in whole years at the end of the year.
    dual_status : bool, optional
        A dual-status year: no standard deduction (:func:`federal_taxable_income`).

    Returns
    -------
    float or numpy.ndarray
        Income tax before refundable credits; a float for a plain number, an array otherwise.

    References
    ----------
    IRC section 1(j); IRS Rev. Proc. 2024-40 section 3.01 (2025) and Rev. Proc. 2025-32 (2026),
    https://www.irs.gov/pub/irs-drop/rp-24-40.pdf

    Examples
    --------
    Public reference case, US-WA 100,000 in 2025 (after the ``standard_deduction``):

    >>> float(federal_income_tax(np.array(100_000.0), 2025))
    13449.0
    """
    scale = value("federal", "income_tax_scale", year)
    taxable = np.asarray(federal_taxable_income(wages, year, age, dual_status))
    return scalar_out(marginal_tax(taxable, scale["thresholds"], scale["rates"]), wages)


@overload
def social_security(wages: float, year: int) -> float: ...
@overload
def social_security(wages: Array, year: int) -> Array: ...
def social_security(wages: Amount, year: int) -> Amount:
    """Employee social security tax: ``social_security_rate`` of wages up to the wage base.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's OASDI tax; a float for a plain number, an array otherwise.

    References
    ----------
    IRC sections 3101(a), 3121(a)(1); SSA, Contribution and benefit base,
    https://www.ssa.gov/oact/cola/cbb.html

    Examples
    --------
    >>> float(social_security(np.array(250_000.0), 2025))
    10918.2
    """
    rate = value("payroll", "social_security_rate", year)
    return capped_rate(wages, rate, value("payroll", "social_security_wage_base", year))


# Parallel to us_wa.py:wa_cares (a rate on all wages through capped_rate, the same docstring
# shape): kept separate because each is its own statute's premium.
@overload
def medicare(wages: float, year: int) -> float: ...
@overload
def medicare(wages: Array, year: int) -> Array: ...
def medicare(wages: Amount, year: int) -> Amount:
    """Employee Medicare tax: ``medicare_rate`` of all wages (IRC section 3101(b)(1)).

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's hospital insurance tax; a float for a plain number, an array otherwise.

    References
    ----------
    IRC section 3101(b)(1); IRS Publication 15, section 9,
    https://www.irs.gov/publications/p15

    Examples
    --------
    >>> float(medicare(np.array(250_000.0), 2025))
    3625.0
    """
    return capped_rate(wages, value("payroll", "medicare_rate", year))


@overload
def additional_medicare(wages: float, year: int) -> float: ...
@overload
def additional_medicare(wages: Array, year: int) -> Array: ...
def additional_medicare(wages: Amount, year: int) -> Amount:
    """Additional Medicare tax on wages above ``additional_medicare_threshold`` (single).

    The rate is ``additional_medicare_rate``.

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The Additional Medicare Tax; a float for a plain number, an array otherwise.

    References
    ----------
    IRC section 3101(b)(2); IRS, Questions and answers for the Additional Medicare Tax,
    https://www.irs.gov/businesses/small-businesses-self-employed/questions-and-answers-for-the-additional-medicare-tax

    Examples
    --------
    >>> round(float(additional_medicare(np.array(250_000.0), 2025)), 2)
    450.0
    """
    threshold = value("payroll", "additional_medicare_threshold", year)
    return capped_rate(wages, value("payroll", "additional_medicare_rate", year), floor=threshold)


def dual_status(options: Mapping[str, Any]) -> bool:
    """Whether the engine's options make the tax year dual-status: the year of arrival or of
    departure (IRS Publication 519, chapter 1, Dual-Status Aliens).

    Parameters
    ----------
    options : mapping
        The options a jurisdiction's lines function receives.

    Returns
    -------
    bool
        ``arrival`` or ``departure``.

    References
    ----------
    IRS Publication 519, https://www.irs.gov/publications/p519

    Examples
    --------
    >>> dual_status({"arrival": True}), dual_status({})
    (True, False)
    """
    return bool(options.get("arrival", False) or options.get("departure", False))


def federal_lines(wages: Array, year: int, age: float, dual_status: bool = False) -> dict[str, Array]:
    """The four federal lines, in the order they are reported.

    Parameters
    ----------
    wages : numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.
    age : float
        Age in whole years.
    dual_status : bool, optional
        A dual-status year (:func:`federal_taxable_income`); the payroll taxes are the same
        (wages for work in the US).

    Returns
    -------
    dict of str to numpy.ndarray
        ``federal_income_tax``, ``social_security``, ``medicare`` and ``additional_medicare``.

    References
    ----------
    The rules of :func:`federal_income_tax`, :func:`social_security`, :func:`medicare` and
    :func:`additional_medicare`; IRS Publication 525 (RSU income is wages),
    https://www.irs.gov/publications/p525

    Examples
    --------
    >>> out = federal_lines(np.array([100_000.0]), 2025, 35)
    >>> {k: round(float(v[0]), 2) for k, v in out.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'federal_income_tax': 13449.0, 'social_security': 6200.0, 'medicare': 1450.0,
     'additional_medicare': 0.0}
    """
    return {
        "federal_income_tax": federal_income_tax(wages, year, age, dual_status),
        "social_security": social_security(wages, year),
        "medicare": medicare(wages, year),
        "additional_medicare": additional_medicare(wages, year),
    }
