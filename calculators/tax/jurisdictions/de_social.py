"""German employee social insurance contributions (health, care, pension, unemployment).

Each line is worked on the month (pay / 12, the salary being paid in twelve equal
monthly amounts) and multiplied by twelve.  Cent rounding per month is not applied.

* Above the Übergangsbereich (more than 2,000 a month) the employee pays its share of
  each rate on pay up to the monthly Beitragsbemessungsgrenze.
* In the Übergangsbereich (midijob, § 20 Abs. 2a SGB IV) the employee's contributions are
  levied on the reduced base ``2000 / (2000 - G) * (pay - G)``, G the minijob limit.
* In a minijob (pay up to G) the employee pays only the 3.6% pension top-up (no
  opt-out assumed) and no health, care or unemployment contribution.

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

from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.tax.engine import capped_rate, params

__all__ = ["beitragspflichtiges_entgelt", "pflege_satz", "beitraege"]

Array = npt.NDArray[np.float64]
_MONTHS = 12


def _p(name: str, year: int) -> Any:
    return params("de", "sozialversicherung")[name].at(year)


def beitragspflichtiges_entgelt(month: npt.ArrayLike, year: int) -> Array:
    """Employee's contribution base for monthly pay ``month`` (before the ceilings).

    Pay in the Übergangsbereich counts as ``OG / (OG - G) * (pay - G)`` (§ 20 Abs. 2a
    Satz 6 SGB IV); a minijob (pay <= G) has no employee base; above OG pay counts in full.

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
    return np.asarray(np.where(m <= g, 0.0, np.where(m <= og, midi, m)), dtype=float)


def pflege_satz(year: int, age: int, children: int, sachsen: bool = False) -> float:
    """Employee care insurance rate (§§ 55, 58 SGB XI).

    1.8% (2.3% in Sachsen); childless employees from 23 pay 0.6 points more; parents
    pay 0.25 points less for each child from the 2nd to the 5th (all assumed under 25).

    Examples
    --------
    >>> round(pflege_satz(2025, 35, 0), 4), round(pflege_satz(2025, 22, 0), 4)
    (0.024, 0.018)
    >>> round(pflege_satz(2026, 35, 3), 4), round(pflege_satz(2026, 35, 1, sachsen=True), 4)
    (0.013, 0.023)
    """
    rate = float(_p("pv_satz_an_sachsen" if sachsen else "pv_satz_an", year))
    if children == 0:
        if age >= int(_p("pv_kinderlosenzuschlag_ab_alter", year)):
            rate += float(_p("pv_kinderlosenzuschlag", year))
    else:
        counted = min(children - 1, int(_p("pv_abschlag_max_kinder", year)))
        rate -= counted * float(_p("pv_abschlag_je_kind", year))
    return rate


def beitraege(
    pay: npt.ArrayLike, year: int, kv_zusatzbeitrag: float, pv_satz: float
) -> dict[str, Array]:
    """Employee contributions for a year's ``pay`` paid in twelve equal months.

    Returns ``krankenversicherung`` (7.3% + half the Zusatzbeitrag),
    ``pflegeversicherung`` (``pv_satz``), ``rentenversicherung`` (9.3%) and
    ``arbeitslosenversicherung`` (1.3%), each on pay up to its ceiling.

    Examples
    --------
    >>> out = beitraege([60_000], 2025, 0.025, 0.024)
    >>> {k: round(float(v[0]), 2) for k, v in out.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'krankenversicherung': 5130.0, 'pflegeversicherung': 1440.0,
     'rentenversicherung': 5580.0, 'arbeitslosenversicherung': 780.0}
    """
    month = np.maximum(np.asarray(pay, dtype=float), 0.0) / _MONTHS
    base = beitragspflichtiges_entgelt(month, year)
    kv_cap = float(_p("bbg_kv_pv", year)) / _MONTHS
    rv_cap = float(_p("bbg_rv_alv", year)) / _MONTHS
    kv_satz = float(_p("kv_allgemeiner_satz_an", year)) + kv_zusatzbeitrag / 2
    mini = month <= float(_p("geringfuegigkeitsgrenze", year))
    rv = np.where(
        mini,
        month * float(_p("minijob_rv_satz_an", year)),
        capped_rate(base, float(_p("rv_satz_an", year)), rv_cap),
    )
    return {
        "krankenversicherung": capped_rate(base, kv_satz, kv_cap) * _MONTHS,
        "pflegeversicherung": capped_rate(base, pv_satz, kv_cap) * _MONTHS,
        "rentenversicherung": np.asarray(rv, dtype=float) * _MONTHS,
        "arbeitslosenversicherung": capped_rate(base, float(_p("alv_satz_an", year)), rv_cap)
        * _MONTHS,
    }
