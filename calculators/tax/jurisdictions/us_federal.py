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

from typing import Any

import numpy as np

from calculators.defaults import AGE
from calculators.tax.engine import Array, capped_rate, marginal_tax, params

__all__ = [
    "AGES",
    "federal_taxable_income",
    "federal_income_tax",
    "social_security",
    "medicare",
    "additional_medicare",
    "federal_lines",
    "value",
]

# The ages the US rules are modelled for (the jurisdictions register them; the engine checks
# the age option).  The aged standard deduction and the senior deduction, from ``aged_from``, hold at
# any age above it; an age beyond 130 is a typing error, not a person.
AGES = (0, 130)


def value(topic: str, name: str, year: int) -> Any:
    """The parameter ``name`` of ``params/us/<topic>.yaml`` in force in ``year``.

    >>> value("payroll", "social_security_wage_base", 2025)
    176100
    """
    return params("us", topic)[name].at(year)


def federal_taxable_income(wages: Array, year: int, age: float = AGE.default) -> Array:
    """Federal taxable income of a single filer whose income is ``wages``.

    AGI minus the standard deduction (IRC section 63(c)), plus from age ``aged_from``
    the additional standard deduction (section 63(f)) and the 2025-2028
    senior deduction (section 151(d)(5)(C)), which falls by
    ``senior_deduction_phase_out_rate`` of modified AGI above
    ``senior_deduction_phase_out_start``.

    Examples
    --------
    >>> float(federal_taxable_income(np.array(100_000.0), 2025))
    84250.0
    >>> float(federal_taxable_income(np.array(80_000.0), 2025, age=66))
    56550.0
    """
    deduction = np.full_like(wages, float(value("federal", "standard_deduction", year)))
    if age >= value("federal", "aged_from", year):
        deduction = deduction + value("federal", "additional_standard_deduction_aged", year)
        senior = float(value("federal", "senior_deduction", year))
        if senior > 0:
            start = value("federal", "senior_deduction_phase_out_start", year)
            rate = value("federal", "senior_deduction_phase_out_rate", year)
            deduction = deduction + np.maximum(senior - rate * np.maximum(wages - start, 0.0), 0.0)
    return np.maximum(wages - deduction, 0.0)


def federal_income_tax(wages: Array, year: int, age: float = AGE.default) -> Array:
    """Federal income tax (IRC section 1(j) schedule) on wages, single filer.

    Examples
    --------
    Public reference case, US-WA 100,000 in 2025 (after the ``standard_deduction``):

    >>> float(federal_income_tax(np.array(100_000.0), 2025))
    13449.0
    """
    scale = value("federal", "income_tax_scale", year)
    taxable = federal_taxable_income(wages, year, age)
    return marginal_tax(taxable, scale["thresholds"], scale["rates"])


def social_security(wages: Array, year: int) -> Array:
    """Employee social security tax: ``social_security_rate`` of wages up to the wage base.

    >>> float(social_security(np.array(250_000.0), 2025))
    10918.2
    """
    return capped_rate(
        wages,
        value("payroll", "social_security_rate", year),
        value("payroll", "social_security_wage_base", year),
    )


def medicare(wages: Array, year: int) -> Array:
    """Employee Medicare tax: ``medicare_rate`` of all wages (IRC section 3101(b)(1)).

    >>> float(medicare(np.array(250_000.0), 2025))
    3625.0
    """
    return capped_rate(wages, value("payroll", "medicare_rate", year))


def additional_medicare(wages: Array, year: int) -> Array:
    """Additional Medicare tax on wages above ``additional_medicare_threshold`` (single).

    The rate is ``additional_medicare_rate``.

    >>> round(float(additional_medicare(np.array(250_000.0), 2025)), 2)
    450.0
    """
    threshold = value("payroll", "additional_medicare_threshold", year)
    return capped_rate(wages - threshold, value("payroll", "additional_medicare_rate", year))


def federal_lines(wages: Array, year: int, age: float) -> dict[str, Array]:
    """The four federal lines, in the order they are reported."""
    return {
        "federal_income_tax": federal_income_tax(wages, year, age),
        "social_security": social_security(wages, year),
        "medicare": medicare(wages, year),
        "additional_medicare": additional_medicare(wages, year),
    }
