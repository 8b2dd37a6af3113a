"""German employee social insurance contributions (health, care, pension, unemployment).

Each line is worked on the month (pay / 12, the salary being paid in twelve equal
monthly amounts) and multiplied by twelve.  Cent rounding per month is not applied.

* Above the Übergangsbereich (more than ``uebergangsbereich_obergrenze`` a month) the employee pays
  its share of each rate on pay up to the monthly Beitragsbemessungsgrenze.
* In the Übergangsbereich (midijob, § 20 Abs. 2a SGB IV) the employee's contributions are
  levied on the reduced base ``O / (O - G) * (pay - G)``, O the ``uebergangsbereich_obergrenze``
  and G the minijob limit (``geringfuegigkeitsgrenze``);
  the childless care surcharge, borne by the employee alone, on the Bemessungsentgelt
  of § 20 Abs. 2a Satz 1 SGB IV (§ 58 Abs. 5 SGB XI with § 249 Abs. 3 SGB V).
* In a minijob (pay up to G) the employee pays only the ``minijob_rv_satz_an`` pension
  top-up (no opt-out assumed) and no health, care or unemployment contribution.

Equity (RSU vests) is einmalig gezahltes Arbeitsentgelt (§ 23a SGB IV): contributory up
to the ceilings.  Here it is added to the year's pay under the annual ceiling.  That is
exact when the vest falls in December or the salary alone reaches the ceiling; for an
earlier vest with a salary below the ceiling the law uses the pro-rata ceiling of the
months so far, which can make the true contributions lower.

References
----------
§ 20, § 23a SGB IV: https://www.gesetze-im-internet.de/sgb_4/
Sozialversicherungsrechengrößen-Verordnung 2025 and 2026 (ceilings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import MONTHS, capped_rate, checked_pay_months, params

__all__ = ["beitragspflichtiges_entgelt", "bemessungsentgelt", "pflege_saetze", "beitraege"]

Array = npt.NDArray[np.float64]


def _p(name: str, year: int) -> Any:
    return params("de", "sozialversicherung")[name].at(year)


# Parallel to bemessungsentgelt (the same month and year Parameters): kept separate because the
# employee's contribution base and the beitragspflichtige Einnahme of § 20 Abs. 2a SGB IV are two
# rules.
@overload
def beitragspflichtiges_entgelt(month: float, year: int) -> float: ...
@overload
def beitragspflichtiges_entgelt(month: Array | Sequence[float], year: int) -> Array: ...
def beitragspflichtiges_entgelt(month: npt.ArrayLike, year: int) -> Amount:
    """Employee's contribution base for monthly pay ``month`` (before the ceilings).

    Pay in the Übergangsbereich counts as ``OG / (OG - G) * (pay - G)`` (§ 20 Abs. 2a
    Satz 6 SGB IV); a minijob (pay <= G) has no employee base; above OG pay counts in full.

    Parameters
    ----------
    month : float or array_like
        Monthly pay, EUR.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The employee's monthly contribution base, EUR.

    References
    ----------
    § 20 Abs. 2a SGB IV, https://www.gesetze-im-internet.de/sgb_4/__20.html

    Examples
    --------
    >>> base = beitragspflichtiges_entgelt([500, 1_000, 2_000, 5_000], 2025)
    >>> [round(v, 2) for v in base.tolist()]
    [0.0, 614.96, 2000.0, 5000.0]
    """
    m = np.maximum(np.asarray(month, dtype=float), 0.0)
    g = float(_p("geringfuegigkeitsgrenze", year))
    og = float(_p("uebergangsbereich_obergrenze", year))
    midi = og / (og - g) * (m - g)
    return scalar_out(np.asarray(np.where(m <= g, 0.0, np.where(m <= og, midi, m)), dtype=float), month)


# Parallel to beitragspflichtiges_entgelt (the same month and year Parameters): kept separate
# because the beitragspflichtige Einnahme of § 20 Abs. 2a SGB IV and the employee's contribution
# base are two rules.
@overload
def bemessungsentgelt(month: float, year: int) -> float: ...
@overload
def bemessungsentgelt(month: Array | Sequence[float], year: int) -> Array: ...
def bemessungsentgelt(month: npt.ArrayLike, year: int) -> Amount:
    """Beitragspflichtige Einnahme of § 20 Abs. 2a Satz 1 SGB IV for monthly pay ``month``.

    In the Übergangsbereich ``F * G + (OG / (OG - G) - G / (OG - G) * F) * (pay - G)``;
    above it the pay itself; nothing in a minijob.

    Parameters
    ----------
    month : float or array_like
        Monthly pay, EUR.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        The monthly beitragspflichtige Einnahme, EUR.

    References
    ----------
    § 20 Abs. 2a Satz 1 SGB IV, https://www.gesetze-im-internet.de/sgb_4/__20.html; the
    Faktor F of the year (parameter ``midijob_faktor_f``).

    Examples
    --------
    >>> [round(v, 2) for v in bemessungsentgelt([500, 1_000, 5_000], 2025).tolist()]
    [0.0, 872.28, 5000.0]
    """
    m = np.maximum(np.asarray(month, dtype=float), 0.0)
    g = float(_p("geringfuegigkeitsgrenze", year))
    og = float(_p("uebergangsbereich_obergrenze", year))
    f = float(_p("midijob_faktor_f", year))
    midi = f * g + (og / (og - g) - g / (og - g) * f) * (m - g)
    return scalar_out(np.asarray(np.where(m <= g, 0.0, np.where(m <= og, midi, m)), dtype=float), month)


def pflege_saetze(year: int, age: int, children: int, sachsen: bool = False) -> tuple[float, float]:
    """Employee care insurance rates (§§ 55, 58 SGB XI): (share of the rate, surcharge).

    The share is ``pv_satz_an`` (``pv_satz_an_sachsen`` in Sachsen), ``pv_abschlag_je_kind``
    less for each child from the 2nd, for at most ``pv_abschlag_max_kinder`` children (all
    assumed under 25); childless employees from ``pv_kinderlosenzuschlag_ab_alter`` also pay
    the ``pv_kinderlosenzuschlag`` surcharge.  Outside a midijob both apply to the same pay.

    Parameters
    ----------
    year : int
        Tax year.
    age : int
        Age in whole years.
    children : int
        Number of children.
    sachsen : bool, optional
        Whether the employer's place of work is in Sachsen.

    Returns
    -------
    tuple of (float, float)
        The employee's share of the care rate and the childless surcharge, as fractions.

    References
    ----------
    §§ 55, 58 SGB XI, https://www.gesetze-im-internet.de/sgb_11/__55.html

    Examples
    --------
    >>> [round(r, 4) for r in pflege_saetze(2025, 35, 0)], pflege_saetze(2025, 22, 0)
    ([0.018, 0.006], (0.018, 0.0))
    >>> [round(r, 4) for r in pflege_saetze(2026, 35, 3)], pflege_saetze(2026, 35, 1, True)
    ([0.013, 0.0], (0.023, 0.0))
    """
    rate = float(_p("pv_satz_an_sachsen" if sachsen else "pv_satz_an", year))
    surcharge = 0.0
    if children == 0:
        if age >= int(_p("pv_kinderlosenzuschlag_ab_alter", year)):
            surcharge = float(_p("pv_kinderlosenzuschlag", year))
    else:
        counted = min(children - 1, int(_p("pv_abschlag_max_kinder", year)))
        rate -= counted * float(_p("pv_abschlag_je_kind", year))
    return rate, surcharge


def beitraege(
    pay: npt.ArrayLike,
    year: int,
    kv_zusatzbeitrag: float,
    pv_saetze: tuple[float, float],
    months: int = MONTHS,
) -> dict[str, Array]:
    """Employee contributions for a year's ``pay`` paid in ``months`` equal months.

    Returns ``krankenversicherung`` (``kv_allgemeiner_satz_an`` + half the Zusatzbeitrag),
    ``pflegeversicherung`` (``pv_saetze``: share and childless surcharge),
    ``rentenversicherung`` (``rv_satz_an``) and ``arbeitslosenversicherung`` (``alv_satz_an``),
    each on pay up to its ceiling.

    Parameters
    ----------
    pay : float or array_like
        Yearly pay, EUR.
    year : int
        Tax year.
    kv_zusatzbeitrag : float
        The health insurer's Zusatzbeitrag (full rate, as a fraction).
    pv_saetze : tuple of (float, float)
        Employee care rate and childless surcharge (:func:`pflege_saetze`).
    months : int, optional
        The months of the year with pay (a job that starts in October has three): each is
        worked on its own with the month's ceiling, a twelfth of the year's (the ceilings
        hold per month of employment; the Sozialversicherungsrechengrößen-Verordnung states
        them monthly as well).  Default 12.

    Returns
    -------
    dict of str to numpy.ndarray
        The four contribution lines, EUR for the year.

    References
    ----------
    § 249 SGB V (Krankenversicherung), §§ 55, 58 SGB XI (Pflegeversicherung), § 168 SGB VI
    (Rentenversicherung), § 346 SGB III (Arbeitslosenversicherung), § 20 Abs. 2a SGB IV
    (Übergangsbereich), https://www.gesetze-im-internet.de/; the yearly
    Sozialversicherungsrechengrößen-Verordnung for the ceilings.

    Examples
    --------
    >>> out = beitraege([60_000], 2025, 0.025, (0.018, 0.006))
    >>> {k: round(float(v[0]), 2) for k, v in out.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'krankenversicherung': 5130.0, 'pflegeversicherung': 1440.0,
     'rentenversicherung': 5580.0, 'arbeitslosenversicherung': 780.0}
    """
    months = checked_pay_months(months)
    month = np.maximum(np.asarray(pay, dtype=float), 0.0) / months
    base = beitragspflichtiges_entgelt(month, year)
    total = bemessungsentgelt(month, year)
    kv_cap = float(_p("bbg_kv_pv", year)) / MONTHS
    rv_cap = float(_p("bbg_rv_alv", year)) / MONTHS
    kv_satz = float(_p("kv_allgemeiner_satz_an", year)) + kv_zusatzbeitrag / 2
    mini = month <= float(_p("geringfuegigkeitsgrenze", year))
    rv = np.where(
        mini,
        month * float(_p("minijob_rv_satz_an", year)),
        capped_rate(base, float(_p("rv_satz_an", year)), rv_cap),
    )
    return {
        "krankenversicherung": capped_rate(base, kv_satz, kv_cap) * months,
        "pflegeversicherung": (
            capped_rate(base, pv_saetze[0], kv_cap) + capped_rate(total, pv_saetze[1], kv_cap)
        )
        * months,
        "rentenversicherung": np.asarray(rv, dtype=float) * months,
        "arbeitslosenversicherung": capped_rate(base, float(_p("alv_satz_an", year)), rv_cap) * months,
    }
