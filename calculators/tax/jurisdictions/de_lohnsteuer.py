"""German Lohnsteuer, Solidaritätszuschlag and Kirchensteuer, Steuerklasse I.

The rules follow the BMF Programmablaufplan (PAP) for the machine calculation of the
Lohnsteuer 2025 and 2026, for a yearly wage (LZZ 1) of an employee in the statutory
health, care, pension and unemployment insurance, without Freibeträge, Versorgungsbezüge
or Altersentlastungsbetrag.  Every rounding step of the PAP is kept (cents down, the
Vorsorgepauschale up to whole euros, the zu versteuerndes Einkommen down to whole
euros, the tax down to whole euros).

References
----------
BMF, Programmablaufpläne für den Lohnsteuerabzug 2025 and 2026 (BMF-Schreiben of
12 November 2025 for 2026), pseudocode: https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml
§ 32a EStG: https://www.gesetze-im-internet.de/estg/__32a.html
§ 39b EStG: https://www.gesetze-im-internet.de/estg/__39b.html
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.scalar import Amount, scalar_out
from calculators.tax.engine import params

__all__ = [
    "tarif",
    "vorsorgepauschale",
    "zu_versteuerndes_einkommen",
    "lohnsteuer",
    "fuenftelregelung",
    "progressionsvorbehalt",
    "solidaritaetszuschlag",
    "kirchensteuer",
]

Array = npt.NDArray[np.float64]


def _p(topic: str, name: str, year: int) -> Any:
    return params("de", topic)[name].at(year)


def _down(x: npt.ArrayLike, digits: int = 0) -> Array:
    """Round down to ``digits`` decimals, immune to binary noise (PAP ROUND_DOWN)."""
    scale = 10.0**digits
    return np.asarray(np.floor(np.round(np.asarray(x, dtype=float) * scale, 6)) / scale)


def _up(x: npt.ArrayLike, digits: int = 0) -> Array:
    """Round up to ``digits`` decimals, immune to binary noise (PAP ROUND_UP)."""
    scale = 10.0**digits
    return np.asarray(np.ceil(np.round(np.asarray(x, dtype=float) * scale, 6)) / scale)


# Parallel to lohnsteuer (overloads and the amount and year Parameters alike): kept separate because
# lohnsteuer is the yearly Lohnsteuer: this tariff on the whole euros of zve.
@overload
def tarif(income: float, year: int) -> float: ...
@overload
def tarif(income: Array | Sequence[float], year: int) -> Array: ...
def tarif(income: npt.ArrayLike, year: int) -> Amount:
    """Tax of the Grundtarif (§ 32a Abs. 1 EStG) on whole-euro ``income`` (PAP UPTAB).

    Parameters
    ----------
    income : float or array_like
        Zu versteuerndes Einkommen, EUR (cents are cut off).
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        Einkommensteuer of the Grundtarif, whole euros.

    References
    ----------
    § 32a Abs. 1 EStG, https://www.gesetze-im-internet.de/estg/__32a.html; BMF
    Programmablaufplan, UPTAB, https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

    Examples
    --------
    >>> tarif([12_096, 20_000, 60_000, 100_000, 300_000], 2025).tolist()
    [0.0, 1639.0, 14415.0, 31088.0, 115753.0]
    """
    t = _p("einkommensteuer", "tarif", year)
    gfb, z2, z3, z4 = (float(v) for v in t["zones"])
    x = np.floor(np.maximum(np.asarray(income, dtype=float), 0.0))
    y = _down((x - gfb) / 10_000, 6)
    st2 = _down((y * t["zone2"]["a"] + t["zone2"]["b"]) * y)
    z = _down((x - z2) / 10_000, 6)
    st3 = _down((z * t["zone3"]["a"] + t["zone3"]["b"]) * z + t["zone3"]["c"])
    st4 = _down(x * t["zone4"]["rate"] - t["zone4"]["c"])
    st5 = _down(x * t["zone5"]["rate"] - t["zone5"]["c"])
    st = np.select([x <= gfb, x <= z2, x <= z3, x <= z4], [0.0 * x, st2, st3, st4], st5)
    return scalar_out(np.asarray(st, dtype=float), income)


@overload
def vorsorgepauschale(
    wage: float, year: int, kv_zusatzbeitrag: float, pv_satz: float, alv: bool = True
) -> float: ...
@overload
def vorsorgepauschale(
    wage: Array | Sequence[float], year: int, kv_zusatzbeitrag: float, pv_satz: float, alv: bool = True
) -> Array: ...
def vorsorgepauschale(
    wage: npt.ArrayLike, year: int, kv_zusatzbeitrag: float, pv_satz: float, alv: bool = True
) -> Amount:
    """Vorsorgepauschale (§ 39b Abs. 2 Satz 5 Nr. 3 EStG) for a yearly ``wage`` (PAP UPEVP).

    Pension part: ``rv_satz_an`` of the wage up to the pension ceiling.  Health and care part:
    (``vorsorge_kv_satz`` + half the Zusatzbeitrag + the employee care rate) of the wage up to
    the health ceiling.  In 2025 the health and care part is at least the
    Mindestvorsorgepauschale (``mindestvorsorgepauschale_satz`` of the wage, at most
    ``vorsorge_hoechstbetrag``); from 2026 it is at least the unemployment part
    (``alv_satz_an``) plus the health and care part, together at most
    ``vorsorge_hoechstbetrag``.  ``pv_satz`` is the employee care rate with surcharge or reductions.

    Parameters
    ----------
    wage : float or array_like
        Yearly wage, EUR.
    year : int
        Tax year.
    kv_zusatzbeitrag : float
        The health insurer's Zusatzbeitrag (full rate, as a fraction).
    pv_satz : float
        Employee care rate, as a fraction.
    alv : bool, optional
        Whether the employee pays unemployment insurance.

    Returns
    -------
    float or numpy.ndarray
        The Vorsorgepauschale, whole euros.

    References
    ----------
    § 39b Abs. 2 Satz 5 Nr. 3 EStG, https://www.gesetze-im-internet.de/estg/__39b.html; BMF
    Programmablaufplan, UPEVP, https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

    Examples
    --------
    >>> vorsorgepauschale([60_000, 10_000], 2025, 0.026, 0.024).tolist()
    [12000.0, 2130.0]
    >>> vorsorgepauschale([10_000], 2026, 0.029, 0.024).tolist()
    [2145.0]
    """
    w = np.maximum(np.asarray(wage, dtype=float), 0.0)
    bbg_rv = float(_p("sozialversicherung", "bbg_rv_alv", year))
    bbg_kv = float(_p("sozialversicherung", "bbg_kv_pv", year))
    rv_satz = float(_p("sozialversicherung", "rv_satz_an", year))
    kv_satz = float(_p("lohnsteuer", "vorsorge_kv_satz", year)) + kv_zusatzbeitrag / 2
    hoechst = float(_p("lohnsteuer", "vorsorge_hoechstbetrag", year))
    w_rv = np.minimum(w, bbg_rv)
    rv = _down(w_rv * rv_satz, 2)
    kvpv = _down(np.minimum(w, bbg_kv) * (kv_satz + pv_satz), 2)
    vsp = _up(kvpv + rv)
    mindest = float(_p("lohnsteuer", "mindestvorsorgepauschale_satz", year))
    if mindest > 0:
        vsp = np.maximum(vsp, _up(rv + np.minimum(_down(w_rv * mindest, 2), hoechst)))
    if int(_p("lohnsteuer", "vorsorge_mit_alv", year)) and alv:
        alv_teil = _down(w_rv * float(_p("sozialversicherung", "alv_satz_an", year)), 2)
        vsp = np.maximum(vsp, _up(rv + np.minimum(_down(alv_teil + kvpv, 2), hoechst)))
    return scalar_out(np.asarray(vsp, dtype=float), wage)


def zu_versteuerndes_einkommen(wage: npt.ArrayLike, year: int, vorsorge: npt.ArrayLike) -> Array:
    """Yearly wage less the Pauschbeträge and the Vorsorgepauschale (PAP MLSTJAHR).

    Pauschbeträge: Arbeitnehmer-Pauschbetrag and Sonderausgaben-Pauschbetrag; the
    Arbeitnehmer-Pauschbetrag (``arbeitnehmer_pauschbetrag``) never exceeds the wage (PAP
    MZTABFB).

    Parameters
    ----------
    wage : float or array_like
        Yearly wage, EUR.
    year : int
        Tax year.
    vorsorge : float or array_like
        The Vorsorgepauschale (:func:`vorsorgepauschale`).

    Returns
    -------
    numpy.ndarray
        Zu versteuerndes Einkommen, never below 0.

    References
    ----------
    § 9a Satz 1 Nr. 1, § 10c, § 39b Abs. 2 EStG, https://www.gesetze-im-internet.de/estg/; BMF
    Programmablaufplan, MLSTJAHR and MZTABFB,
    https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

    Examples
    --------
    >>> zu_versteuerndes_einkommen([60_000, 500], 2025, [12_000, 0]).tolist()
    [46734.0, 0.0]
    """
    w = np.maximum(_down(wage, 2), 0.0)
    anp = np.minimum(_up(w), float(_p("einkommensteuer", "arbeitnehmer_pauschbetrag", year)))
    sap = float(_p("einkommensteuer", "sonderausgaben_pauschbetrag", year))
    zve = w - anp - sap - np.asarray(vorsorge, dtype=float)
    return np.asarray(np.where(zve < 1, 0.0, zve), dtype=float)


# Parallel to tarif (overloads and the amount and year Parameters alike): kept separate because this
# is the yearly Lohnsteuer, the tariff on the whole euros of zve.
@overload
def lohnsteuer(zve: float, year: int) -> float: ...
@overload
def lohnsteuer(zve: Array | Sequence[float], year: int) -> Array: ...
def lohnsteuer(zve: npt.ArrayLike, year: int) -> Amount:
    """Yearly Lohnsteuer, Steuerklasse I: the tariff on the whole euros of ``zve``.

    Parameters
    ----------
    zve : float or array_like
        Zu versteuerndes Einkommen, EUR.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        Yearly Lohnsteuer, whole euros.

    References
    ----------
    § 39b Abs. 2 EStG, https://www.gesetze-im-internet.de/estg/__39b.html; BMF
    Programmablaufplan, https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

    Examples
    --------
    >>> lohnsteuer([46_734.0], 2025).tolist()
    [9551.0]
    """
    return scalar_out(tarif(np.floor(np.asarray(zve, dtype=float)), year), zve)


def progressionsvorbehalt(zve: npt.ArrayLike, exempt: npt.ArrayLike, year: int) -> Array:
    """Einkommensteuer on ``zve`` at the special rate of § 32b Abs. 2 EStG: the average rate of
    the Grundtarif on ``zve`` plus the income of the year exempt here (``exempt``: foreign pay
    of the part of the year before arriving, § 32b Abs. 1 Satz 1 Nr. 2), applied to ``zve``.

    Parameters
    ----------
    zve : float or array_like
        Zu versteuerndes Einkommen, EUR.
    exempt : float or array_like
        The income that counts for the rate only, EUR (its pay taken whole: the
        Werbungskosten that would reduce it are not modelled).
    year : int
        Tax year.

    Returns
    -------
    numpy.ndarray
        The Einkommensteuer, whole euros (the rate unrounded).

    References
    ----------
    § 32b Abs. 1 Satz 1 Nr. 2, Abs. 2 EStG, https://www.gesetze-im-internet.de/estg/__32b.html

    Examples
    --------
    zvE 40,000 and 20,000 of foreign pay in 2025: the tariff on 60,000 is 14,415 (:func:`tarif`),
    a rate of 24.025 %, so 9,610 on the 40,000.

    >>> float(progressionsvorbehalt(40_000, 20_000, 2025))
    9610.0
    """
    income = np.floor(np.maximum(np.asarray(zve, dtype=float), 0.0))
    total = income + np.floor(np.maximum(np.asarray(exempt, dtype=float), 0.0))
    whole = np.asarray(tarif(total, year), dtype=float)
    rate = np.divide(whole, total, out=np.zeros_like(whole), where=total > 0)
    return np.asarray(np.floor(income * rate), dtype=float)


def fuenftelregelung(zve: npt.ArrayLike, extraordinary: npt.ArrayLike, year: int) -> Array:
    """Yearly tax with the Fünftelregelung on ``extraordinary`` income within ``zve``.

    The tax on the rest of ``zve`` plus five times the tax on a fifth of the extraordinary part
    (five times the tax on a fifth of ``zve`` when the rest is negative); never more than the
    tax without it (``fuenftelregelung_divisor``).

    Parameters
    ----------
    zve : array_like
        Zu versteuerndes Einkommen with the extraordinary income, EUR.
    extraordinary : array_like
        The part of it taxed under § 34 Abs. 1 EStG (an option gain), EUR.
    year : int
        Tax year.

    Returns
    -------
    numpy.ndarray
        Yearly Einkommensteuer, whole euros.

    References
    ----------
    § 34 Abs. 1 EStG, https://www.gesetze-im-internet.de/estg/__34.html; the references of
    ``fuenftelregelung_divisor`` in ``params/de/einkommensteuer.yaml``.

    Examples
    --------
    No extraordinary income, no change; some, less tax than without the rule:

    >>> bool(fuenftelregelung(60_000.0, 0.0, 2025) == lohnsteuer(60_000.0, 2025))
    True
    >>> bool(fuenftelregelung(160_000.0, 100_000.0, 2025) < lohnsteuer(160_000.0, 2025))
    True
    """
    whole = np.asarray(zve, dtype=float)
    part = np.clip(np.asarray(extraordinary, dtype=float), 0.0, np.maximum(whole, 0.0))
    n = float(_p("einkommensteuer", "fuenftelregelung_divisor", year))
    rest = whole - part
    spread = lohnsteuer(rest, year) + n * (lohnsteuer(rest + part / n, year) - lohnsteuer(rest, year))
    spread = np.where(rest < 0, n * lohnsteuer(whole / n, year), spread)
    return np.asarray(np.minimum(spread, lohnsteuer(whole, year)), dtype=float)


@overload
def solidaritaetszuschlag(basis: float, year: int) -> float: ...
@overload
def solidaritaetszuschlag(basis: Array | Sequence[float], year: int) -> Array: ...
def solidaritaetszuschlag(basis: npt.ArrayLike, year: int) -> Amount:
    """Solidaritätszuschlag on the Bemessungsgrundlage ``basis`` (§§ 3, 4 SolZG 1995; PAP MSOLZ).

    Nothing up to the ``freigrenze``; then ``satz``, but at most ``milderung_satz`` of the excess
    over it.

    Parameters
    ----------
    basis : float or array_like
        Bemessungsgrundlage (the Lohnsteuer), EUR.
    year : int
        Tax year.

    Returns
    -------
    float or numpy.ndarray
        Solidaritätszuschlag, cents cut off.

    References
    ----------
    §§ 3, 4 SolZG 1995, https://www.gesetze-im-internet.de/solzg_1995/; BMF
    Programmablaufplan, MSOLZ, https://www.bmf-steuerrechner.de/interface/pseudocodes.xhtml

    Examples
    --------
    >>> solidaritaetszuschlag([19_950, 20_000, 40_000], 2025).tolist()
    [0.0, 5.95, 2200.0]
    """
    b = np.asarray(basis, dtype=float)
    frei = float(_p("solidaritaetszuschlag", "freigrenze", year))
    voll = _down(b * float(_p("solidaritaetszuschlag", "satz", year)), 2)
    mild = _down((b - frei) * float(_p("solidaritaetszuschlag", "milderung_satz", year)), 2)
    return scalar_out(np.asarray(np.where(b > frei, np.minimum(voll, mild), 0.0), dtype=float), basis)


@overload
def kirchensteuer(basis: float, rate: float) -> float: ...
@overload
def kirchensteuer(basis: Array | Sequence[float], rate: float) -> Array: ...
def kirchensteuer(basis: npt.ArrayLike, rate: float) -> Amount:
    """Kirchensteuer (§ 51a EStG): ``rate`` (the Land's ``satz_nach_land``) of the basis ``basis``.

    The Kappung (a cap at 2.75-4% of income some churches grant on application) is not
    applied.

    Parameters
    ----------
    basis : float or array_like
        Bemessungsgrundlage (the Lohnsteuer), EUR.
    rate : float
        The church's rate, as a fraction.

    Returns
    -------
    float or numpy.ndarray
        Kirchensteuer, cents cut off.

    References
    ----------
    § 51a EStG, https://www.gesetze-im-internet.de/estg/__51a.html; the Land's
    Kirchensteuergesetz for the rate.

    Examples
    --------
    >>> kirchensteuer([9_551.0], 0.09).tolist()
    [859.59]
    """
    return scalar_out(_down(np.maximum(np.asarray(basis, dtype=float), 0.0) * rate, 2), basis)
