"""US-WA: Washington employee (federal taxes plus PFML and WA Cares premiums).

Washington has no income tax on wages; its capital gains excise tax
(RCW 82.87) applies to long-term capital gains, not to wages or RSU vests.
RSU income is wages for both premiums (ESD: premiums are due on all
"wages" as defined in RCW 50A.05.010, which follows the FICA definition), so
it is added to salary and shares the PFML cap with it.  Small employers (fewer
than 50) do not pay the employer share, but the employee share below is the
same for every employer.  No cliff edges.

References
----------
RCW 50A.10.030 (PFML premiums), RCW 50B.04.080 (WA Cares premium);
paidleave.wa.gov premium updates; wacaresfund.wa.gov employer page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from calculators.scalar import Amount
from calculators.tax.engine import Array, capped_rate, register
from calculators.tax.jurisdictions.us_federal import (
    AGES,
    dual_status,
    federal_lines,
    value,
)

__all__ = ["wa_pfml", "wa_cares", "us_wa_lines"]


@overload
def wa_pfml(wages: float, year: int) -> float: ...
@overload
def wa_pfml(wages: Array, year: int) -> Array: ...
def wa_pfml(wages: Amount, year: int) -> Amount:
    """Employee share of the Paid Family and Medical Leave premium.

    Total premium rate times the employee share, on wages up to the social
    security wage base (RCW 50A.10.030; ESD: stop collecting once wages reach
    the social security cap).

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's PFML premium.

    References
    ----------
    RCW 50A.10.030, https://app.leg.wa.gov/RCW/default.aspx?cite=50A.10.030; Paid Leave,
    premium updates, https://paidleave.wa.gov/updates/

    Examples
    --------
    >>> import numpy as np
    >>> round(float(wa_pfml(np.array(100_000.0), 2025)), 2)
    657.98
    """
    rate = value("wa", "pfml_total_rate", year) * value("wa", "pfml_employee_share", year)
    return capped_rate(wages, rate, value("payroll", "social_security_wage_base", year))


# Parallel to us_federal.py:medicare (a rate on all wages through capped_rate, the same docstring
# shape): kept separate because each is its own statute's premium.
@overload
def wa_cares(wages: float, year: int) -> float: ...
@overload
def wa_cares(wages: Array, year: int) -> Array: ...
def wa_cares(wages: Amount, year: int) -> Amount:
    """WA Cares Fund premium: ``cares_rate`` of all wages, no cap (RCW 50B.04.080).

    Parameters
    ----------
    wages : float or numpy.ndarray
        Wages for the year, USD.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The WA Cares premium.

    References
    ----------
    RCW 50B.04.080, https://app.leg.wa.gov/RCW/default.aspx?cite=50B.04.080; WA Cares Fund,
    https://wacaresfund.wa.gov/employers/

    Examples
    --------
    >>> import numpy as np
    >>> float(wa_cares(np.array(100_000.0), 2025))
    580.0
    """
    return capped_rate(wages, value("wa", "cares_rate", year))


# Parallel to ca_on.py:lines, de.py:lines, gb_eng.py:lines, jp_tokyo.py:lines, us_ca.py:us_ca_lines,
# us_ny.py:us_ny_nyc_lines (and il.py:lines): the same signature, options and Parameters, because
# compute() calls every registered lines function alike; kept separate because each body and its
# Returns are that jurisdiction's own lines.
@register(
    ages=AGES,
    description="Washington employee: federal income tax, FICA, WA PFML, WA Cares (no state income tax)",
)
def us_wa_lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Every withholding line of a Washington employee (RSU income is wages).

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
        The federal lines, ``wa_pfml`` and ``wa_cares``.

    References
    ----------
    The rules of :func:`calculators.tax.jurisdictions.us_federal.federal_lines`,
    :func:`wa_pfml` and :func:`wa_cares`; RCW 50A.05.010 (wages for the premiums),
    https://app.leg.wa.gov/RCW/default.aspx?cite=50A.05.010

    Examples
    --------
    >>> import numpy as np
    >>> out = us_wa_lines(np.array([100_000.0]), np.array([0.0]), 2025, {"age": 35})
    >>> list(out)[-2:], float(out["wa_cares"][0])
    (['wa_pfml', 'wa_cares'], 580.0)
    """
    wages = salary + equity
    lines = federal_lines(wages, year, options["age"], dual_status(options))
    lines["wa_pfml"] = wa_pfml(wages, year)
    lines["wa_cares"] = wa_cares(wages, year)
    return lines
