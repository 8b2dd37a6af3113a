"""Germany (``DE``): Lohnsteuer, Solidaritätszuschlag, Kirchensteuer and social insurance.

Tax year ``N`` is the calendar year ``N``.  Steuerklasse I, statutory health insurance
(gesetzlich versichert), pay in twelve equal monthly amounts.  Parameters live in
``params/de/``.

Lines
-----
``lohnsteuer``
    Yearly Lohnsteuer by the BMF Programmablaufplan (see :mod:`.de_lohnsteuer`).  The
    PAP works the year; twelve monthly runs withhold ``floor(yearly / 12)`` in cents
    each, at most 0.11 EUR less over the year.
``solidaritaetszuschlag``
    ``satz`` of the Lohnsteuer above the ``freigrenze``, with the Milderungszone
    (``params/de/solidaritaetszuschlag.yaml``).
``kirchensteuer``
    Only when the option ``church_tax`` is true: the Land's rate in ``satz_nach_land``
    (``params/de/kirchensteuer.yaml``, chosen with ``state``) of the Lohnsteuer, or
    ``church_tax_rate`` if given.
``krankenversicherung``, ``pflegeversicherung``
    Employee health and care contributions (see :mod:`.de_social`).
``rentenversicherung``, ``arbeitslosenversicherung``
    Employee pension and unemployment contributions (see :mod:`.de_social`).

Equity income (RSU vests)
-------------------------
An RSU vest is Arbeitslohn (§ 19 Abs. 1 EStG, § 8 EStG value of the shares at
vest) taxed as a sonstiger Bezug (§ 39b Abs. 3 EStG, R 39b.2 LStR), and einmalig gezahltes
Arbeitsentgelt for the social insurance, contributory up to the ceilings (§ 14 and § 23a
SGB IV).  The PAP taxes a sonstiger Bezug as the difference between the tax on the
year's wage with and without it, with the Vorsorgepauschale worked on both; over the year
that is the tax on salary + equity (to rounding), which is what is reported.  The
Solidaritätszuschlag withheld on a sonstiger Bezug is a flat ``satz`` once the year's tax is
above the Freigrenze; the year's assessment then applies the Milderungszone reported
here.  The § 19a EStG deferral for start-up shares is not modelled.  An option gain taxed as
pay (the equity income that is not RSU vests, the engine's ``rsu_income``) is a Vergütung für
mehrjährige Tätigkeit: ``lohnsteuer`` is then the year's assessed tax with the Fünftelregelung
(:func:`.de_lohnsteuer.fuenftelregelung`), which since 2025 the employer no longer applies when
withholding, and the Solidaritätszuschlag and Kirchensteuer are worked on it.

Options
-------
``age`` (default: ``calculators.defaults.AGE``; the range registered below)
    Childless employees from ``pv_kinderlosenzuschlag_ab_alter`` pay the care insurance
    surcharge.  Rules for older employees (Altersentlastungsbetrag from 64, the end of
    unemployment insurance at the Regelaltersgrenze) are not modelled.
``children`` (0)
    Children (under 25 assumed): no care surcharge, care reductions from the 2nd child,
    and half a Kinderfreibetrag each (Steuerklasse I) for the Solidaritätszuschlag and
    Kirchensteuer base.
``church_tax`` (False), ``church_tax_rate`` (from ``state``), ``state`` ("BE")
    ``state`` is a Land code (BE, BY, BW, SN, ...) or name; Sachsen (SN) also raises the
    employee care rate (``pv_satz_an_sachsen``).  A city alias does not set it: for Munich
    with church tax pass ``state="BY"``.
``kv_zusatzbeitrag`` (the year's average, ``kv_durchschnittlicher_zusatzbeitrag``)
    The member's Krankenkasse's Zusatzbeitrag as a fraction (0.026 for 2.6%).

Cliff edges
-----------
No contribution or tax cliff: the Solidaritätszuschlag's Milderungszone makes it
continuous, and leaving a minijob lowers contributions (the ``minijob_rv_satz_an`` pension top-up,
at most 20.02 EUR a month in 2025 and 21.71 in 2026, gives way to midijob contributions that
start at 0).  The PAP's rounding does create many tiny steps: the tax is rounded down to
whole euros (§ 32a Abs. 1 Satz 6 EStG), the Vorsorgepauschale up, so when pay rises by
1 EUR the Lohnsteuer can rise by a whole euro at once.  Measured over 1,000,000 random
pays up to 400,000 in both years: net pay falls on about 38% of 1 EUR rises, by at
most 0.31 EUR (0.40 EUR with church tax at the highest ``satz_nach_land``); it rises on
every rise of 2 EUR or more.  A monotonicity test for DE must step by 2 EUR or allow a 0.45 EUR dip.

References
----------
BMF Programmablaufpläne 2025 and 2026: https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

Examples
--------
>>> from calculators.tax import compute
>>> r = compute(60_000, "Berlin", 2025, kv_zusatzbeitrag=0.026)
>>> float(r.lines["lohnsteuer"][()]), float(r.lines["solidaritaetszuschlag"][()])
(9551.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.defaults import Setting
from calculators.errors import InvalidInputError
from calculators.tax.engine import MONTHS, params, register
from calculators.tax.jurisdictions.de_lohnsteuer import (
    fuenftelregelung,
    kirchensteuer,
    progressionsvorbehalt,
    solidaritaetszuschlag,
    vorsorgepauschale,
    zu_versteuerndes_einkommen,
)
from calculators.tax.jurisdictions.de_social import beitraege, pflege_saetze

__all__ = ["lines", "land"]

Array = npt.NDArray[np.float64]

_LAENDER = {
    "BADEN-WÜRTTEMBERG": "BW",
    "BAYERN": "BY",
    "BAVARIA": "BY",
    "BERLIN": "BE",
    "BRANDENBURG": "BB",
    "BREMEN": "HB",
    "HAMBURG": "HH",
    "HESSEN": "HE",
    "HESSE": "HE",
    "MECKLENBURG-VORPOMMERN": "MV",
    "NIEDERSACHSEN": "NI",
    "LOWER SAXONY": "NI",
    "NORDRHEIN-WESTFALEN": "NW",
    "NORTH RHINE-WESTPHALIA": "NW",
    "RHEINLAND-PFALZ": "RP",
    "SAARLAND": "SL",
    "SACHSEN": "SN",
    "SAXONY": "SN",
    "SACHSEN-ANHALT": "ST",
    "SAXONY-ANHALT": "ST",
    "SCHLESWIG-HOLSTEIN": "SH",
    "THÜRINGEN": "TH",
    "THURINGIA": "TH",
}


def land(state: object) -> str:
    """ISO code of a Land given as code (``"BY"``, ``"DE-BY"``) or name (``"Bayern"``).

    Parameters
    ----------
    state : str
        A Land's ISO code, with or without ``DE-``, or its name.

    Returns
    -------
    str
        The two-letter code.

    Raises
    ------
    InvalidInputError
        Anything else.

    References
    ----------
    ISO 3166-2:DE; the Länder of ``satz_nach_land`` in ``params/de/kirchensteuer.yaml``
    (BMF, Steuern von A bis Z, Kirchensteuer).

    Examples
    --------
    >>> land("bayern"), land("DE-SN"), land("Berlin")
    ('BY', 'SN', 'BE')
    """
    if not isinstance(state, str) or not state.strip():
        raise InvalidInputError("state must be a German Land such as BE or Bayern")
    key = state.strip().upper().removeprefix("DE-")
    rates = params("de", "kirchensteuer")["satz_nach_land"].values
    codes = next(iter(rates.values())).keys()
    code = key if key in codes else _LAENDER.get(key)
    if code is None:
        raise InvalidInputError("state must be a German Land such as BE or Bayern")
    return code


_CHILDREN = Setting("children", 0, low=0, high=20, whole=True)  # the one check, as for age


def _fraction(value: object, name: str, high: float) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not 0 <= float(value) <= high:  # type: ignore[arg-type]
        raise InvalidInputError(f"{name} must be a fraction from 0 to {high} (0.025 for 2.5%)")
    return float(value)  # type: ignore[arg-type]


# Parallel to ca_on.py:lines, gb_eng.py:lines, jp_tokyo.py:lines, us_ca.py:us_ca_lines,
# us_ny.py:us_ny_nyc_lines, us_wa.py:us_wa_lines (and il.py:lines): the same signature, options and
# Parameters, because compute() calls every registered lines function alike; kept separate because
# each body and its Returns are that jurisdiction's own lines.
@register(
    ages=params("de", "sozialversicherung")["modelled_ages"],  # checked by the engine
    options={
        "children": 0,
        "church_tax": False,
        "church_tax_rate": None,
        "state": "BE",
        "kv_zusatzbeitrag": None,
    },
    description="Germany, Steuerklasse I: Lohnsteuer (BMF PAP), Solidaritätszuschlag, "
    "optional Kirchensteuer, employee social insurance",
)
def lines(salary: Array, equity: Array, year: int, options: Mapping[str, Any]) -> dict[str, Array]:
    """Withholding lines for Germany, Steuerklasse I (see the module docstring).

    Parameters
    ----------
    salary, equity : numpy.ndarray
        Salary and RSU income for the year, EUR, of one shape.
    year : int
        Tax year.
    options : mapping
        ``age`` (checked by the engine), ``children``, ``church_tax``, ``church_tax_rate``
        (default the Land's), ``state`` and ``kv_zusatzbeitrag`` (default the average); the
        engine's ``pay_months`` and ``exempt_income`` (the Progressionsvorbehalt).

    Returns
    -------
    dict of str to numpy.ndarray
        ``lohnsteuer``, ``solidaritaetszuschlag``, ``kirchensteuer`` (with ``church_tax``) and
        the four social insurance lines.

    Raises
    ------
    InvalidInputError
        An option out of its range.

    References
    ----------
    The rules of :mod:`calculators.tax.jurisdictions.de_lohnsteuer` and
    :mod:`calculators.tax.jurisdictions.de_social`; § 32 Abs. 6 EStG (Kinderfreibetrag),
    https://www.gesetze-im-internet.de/estg/__32.html

    Examples
    --------
    >>> options = {"age": 35, "children": 0, "church_tax": True, "church_tax_rate": None,
    ...            "state": "BY", "kv_zusatzbeitrag": None}
    >>> out = lines(np.array([60_000.0]), np.array([0.0]), 2025, options)
    >>> float(out["lohnsteuer"][0]), float(out["kirchensteuer"][0])
    (9561.0, 764.88)
    """
    age = options["age"]
    children = _CHILDREN.check(options["children"])
    code = land(options["state"])
    church = options["church_tax"]
    if not isinstance(church, (bool, np.bool_)):
        raise InvalidInputError("church_tax must be true or false")
    rate = options["church_tax_rate"]
    if rate is None:
        rate = params("de", "kirchensteuer")["satz_nach_land"].at(year)[code]
    rate = _fraction(rate, "church_tax_rate", 0.1)
    kvz = options["kv_zusatzbeitrag"]
    if kvz is None:
        kvz = params("de", "sozialversicherung")["kv_durchschnittlicher_zusatzbeitrag"].at(year)
    kvz = _fraction(kvz, "kv_zusatzbeitrag", 0.1)

    pay = salary + equity
    pv = pflege_saetze(year, age, children, sachsen=code == "SN")
    vsp = vorsorgepauschale(pay, year, kvz, pv[0] + pv[1])
    zve = zu_versteuerndes_einkommen(pay, year, vsp)
    # option gains taxed as pay (the equity income that is not RSU vests) are a Vergütung für
    # mehrjährige Tätigkeit: the Fünftelregelung of the year's assessment
    gain = np.maximum(equity - np.asarray(options.get("rsu_income", equity), dtype=float), 0.0)
    exempt = np.asarray(options.get("exempt_income", 0.0), dtype=float)

    def tax(income: Array) -> Array:
        """The year's tax on ``income``; with pay of the year exempt here (the months before
        arriving), at the rate of both (§ 32b EStG), the option gains' Fünftelregelung on top."""
        own = fuenftelregelung(income, gain, year)
        if not np.any(exempt > 0):
            return own
        return progressionsvorbehalt(income, exempt, year) + own - fuenftelregelung(income, 0.0 * gain, year)

    lst = tax(zve)
    basis = lst
    if children:
        est = params("de", "einkommensteuer")
        zaehler = float(est["kinderfreibetrag_zaehler_je_kind"].at(year)) * children
        kfb = np.floor(zaehler * float(est["kinderfreibetrag_je_zaehler"].at(year)))
        basis = tax(np.where(zve - kfb < 1, 0.0, zve - kfb))
    out = {"lohnsteuer": lst, "solidaritaetszuschlag": solidaritaetszuschlag(basis, year)}
    if church:
        out["kirchensteuer"] = kirchensteuer(basis, rate)
    out.update(beitraege(pay, year, kvz, pv, options.get("pay_months", MONTHS)))
    return out
