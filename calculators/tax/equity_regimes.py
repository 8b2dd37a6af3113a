"""Named tax regimes for employee equity, where the law offers one beside taxing it as pay.

By default an offer's RSU vests and its options' gain are employment income of the year they
are realised (the rule per country is in ``docs/assumptions.md``).  Where a country's law has
a regime that taxes them otherwise, the offer names it in ``rsu_regime`` (RSUs and
refreshers) or ``option_regime`` (options), or the regime is the country's default; what the
regime taxes apart from pay is taxed here, in the jurisdiction's currency.

Modelled:

- ``qualified`` in Japan, options only (税制適格ストックオプション, 租税特別措置法 第29条の2):
  nothing at exercise; the gain at sale is 株式等に係る譲渡所得等, taxed apart at 所得税 plus
  復興特別所得税 on it and 住民税, each base and tax rounded down as the national and resident
  taxes round theirs (住民税 as one 5 % amount: its prefectural and municipal parts, rounded
  each, may differ by under 100 yen); no 社会保険.  Parameters: ``params/jp/stock_options.yaml``,
  ``params/jp/income_tax.yaml``, ``params/jp/resident_tax.yaml``.
- ``102`` in Israel, RSUs and options, the default there (section 102's capital-gains track
  through a trustee, shares not listed): the whole benefit is a capital gain at the track's
  rate, plus the surtax and the capital surtax on the part of it above the surtax threshold
  with the year's income from work below it; no Bituach Leumi or health tax.
- ``102-listed`` in Israel: the same track for a company whose shares are listed (s.
  102(b)(3)): the part of each vest (or option gain) worth what it was at the grant is income
  from work, taxed with the pay; the rise since, a capital gain as under ``102``.  Parameters:
  ``params/il/section_102.yaml``, ``params/il/income_tax.yaml``.
- ``iso`` in the US, options only (incentive stock options, 26 U.S.C. 422): the options are
  exercised and the shares sold at the exit, a disqualifying disposition (s. 421(b)): the
  spread is income for the federal and state income taxes, not FICA wages (s. 3121(a)(22));
  the state contributions are charged as on pay.  Parameters: the jurisdiction's own.
- ``110(1)(d)`` in Canada, options only (the security options deduction, Income Tax Act s.
  110(1)(d)): the benefit at exercise is employment income, pensionable and not insurable,
  and its ``security_option_deduction_rate`` share is deducted in computing taxable income
  (``params/ca/federal.yaml``).
- ``emi`` in the UK, options only (Enterprise Management Incentives, ITEPA 2003 Sch. 5): an
  option whose exercise price is at least the shares' market value at grant is charged no
  income tax or NI at exercise (ITEPA s. 530-531); the shares sold at once, the gain over the
  exercise price is a capital gain: Business Asset Disposal Relief's rate up to the lifetime
  limit (the option granted two years or more before the exit, assumed), the main rates on
  the rest, after the annual exempt amount.  Parameters: ``params/gb/capital_gains.yaml``.
- ``wage`` anywhere: taxed as employment income with the pay (Israel's income track, a plan
  without a trustee, or a sale before the trustee period ends).

The trustee period (24 months from the grant) is not timed: a vest is taxed in the year it is
counted, as if sold when the period ends, at its value then.

Not modelled (an offer under one of them takes the default rule and the note says so): an ISO
qualifying disposition (and AMT), Germany's section 19a deferral.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError
from calculators.places import PLACES, canonical_code
from calculators.tax.engine import params

__all__ = ["PARTS", "REGIMES", "Regime", "check_regime", "regime_of", "regime_tax", "regimes_in_effect"]

Array = npt.NDArray[np.float64]

# schedule part -> the offer field naming its regime
PARTS: dict[str, str] = {"equity": "rsu_regime", "options": "option_regime"}
_WHAT = {"equity": "RSUs", "options": "options"}


@dataclass(frozen=True)
class Regime:
    """One regime: the parameter file of its rules (a jurisdiction has the regime when its
    rules read that file, ``tax: params`` in places.yaml; none: every jurisdiction), the
    schedule parts it applies to, whether it is the default there, and whether the value at
    grant is taxed as pay (the rest apart)."""

    name: str
    rules: str | None
    parts: tuple[str, ...]
    default: bool = False
    work_at_grant: bool = False
    summary: str = ""


REGIMES: dict[str, Regime] = {
    r.name: r
    for r in (
        Regime(
            "qualified", "jp/stock_options", ("options",), summary="税制適格: the gain taxed apart at sale"
        ),
        Regime(
            "102",
            "il/section_102",
            ("equity", "options"),
            default=True,
            summary="section 102's capital-gains track, unlisted shares: a capital gain, no Bituach Leumi",
        ),
        Regime(
            "102-listed",
            "il/section_102",
            ("equity", "options"),
            work_at_grant=True,
            summary="section 102's capital-gains track, listed shares: grant value as pay, the rise a gain",
        ),
        Regime(
            "iso",
            "us/payroll",
            ("options",),
            summary="incentive stock options sold when exercised: income tax, no Social Security or Medicare",
        ),
        Regime(
            "110(1)(d)",
            "ca/federal",
            ("options",),
            summary="the security options deduction: half the benefit deducted from taxable income",
        ),
        Regime(
            "emi",
            "gb/capital_gains",
            ("options",),
            summary="Enterprise Management Incentives: no income tax or NI, the gain taxed as a capital gain",
        ),
        Regime("wage", None, ("equity", "options"), summary="taxed as pay"),
    )
}


def check_regime(regime: str, jurisdiction: str, part: str = "options") -> str:
    """The regime's name, when the jurisdiction's country has it for that part.

    Parameters
    ----------
    regime : str
        A name of :data:`REGIMES`, any case.
    jurisdiction : str
        The offer's jurisdiction code.
    part : str
        ``"equity"`` (RSUs, field ``rsu_regime``) or ``"options"`` (``option_regime``).

    Returns
    -------
    str
        The name as :data:`REGIMES` spells it.

    Raises
    ------
    InvalidInputError
        A name no country has, one the jurisdiction's country does not, or one for the other part.

    References
    ----------
    None

    Examples
    --------
    >>> check_regime(" Qualified ", "JP-TOKYO")
    'qualified'
    >>> check_regime("qualified", "GB-ENG")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: option_regime qualified is a regime of JP-TOKYO, not of GB-ENG
    >>> check_regime("qualified", "JP-TOKYO", "equity")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: rsu_regime qualified is a regime of options, not of RSUs
    """
    field = PARTS[part]
    name = str(regime).strip().lower()
    if name not in REGIMES:
        known = ", ".join(n for n, r in REGIMES.items() if part in r.parts)
        raise InvalidInputError(f"{field} {regime!s}: not a regime modelled (known: {known})")
    found = REGIMES[name]
    if part not in found.parts:
        parts = " and ".join(_WHAT[p] for p in found.parts)
        raise InvalidInputError(f"{field} {name} is a regime of {parts}, not of {_WHAT[part]}")
    code = canonical_code(jurisdiction)
    if found.rules is not None and found.rules not in PLACES[code].tax_params:
        has = [c for c, p in PLACES.items() if found.rules in p.tax_params]
        raise InvalidInputError(f"{field} {name} is a regime of {', '.join(has)}, not of {code}")
    return name


def regime_of(given: str | None, jurisdiction: str, part: str) -> Regime | None:
    """The regime a part of an offer is taxed under: the one given (checked), else the
    jurisdiction's default for the part; ``None`` when it is taxed as pay.

    Parameters
    ----------
    given : str or None
        The offer's ``rsu_regime`` or ``option_regime``.
    jurisdiction : str
        The offer's jurisdiction code.
    part : str
        ``"equity"`` or ``"options"``.

    Returns
    -------
    Regime or None
        The regime, or ``None`` for the employment-income rule.

    References
    ----------
    None

    Examples
    --------
    >>> regime_of(None, "IL", "equity").name, regime_of("wage", "IL", "equity")
    ('102', None)
    >>> regime_of(None, "JP-TOKYO", "equity") is None
    True
    """
    if given is None:
        tax_params = PLACES[canonical_code(jurisdiction)].tax_params
        found = next(
            (r for r in REGIMES.values() if r.default and part in r.parts and r.rules in tax_params), None
        )
    else:
        found = REGIMES[check_regime(given, jurisdiction, part)]
    return None if found is None or found.rules is None else found


@dataclass(frozen=True)
class _Pay:
    """The year's pay beside what a regime taxes apart, in the jurisdiction's currency."""

    cash: Array
    equity: Array  # equity income taxed as pay
    jurisdiction: str
    options: Mapping[str, Any]


def _floor(x: float, step: float) -> float:
    return math.floor(round(x / step, 9)) * step  # 1,531,500.0000001 is 1,531,500


def _jp_qualified(gain: Array, tax_year: int, pay: _Pay) -> Array:
    opts, tax = params("jp", "stock_options"), params("jp", "income_tax")
    national = float(opts["qualified_capital_gains_income_tax_rate"].at(tax_year))
    local = float(opts["qualified_capital_gains_resident_tax_rate"].at(tax_year))
    surtax = float(tax["reconstruction_tax_rate"].at(tax_year))
    resident = params("jp", "resident_tax")
    steps = [float(f["taxable_income_rounding"].at(tax_year)) for f in (tax, resident)]
    tax_steps = [float(f["tax_rounding"].at(tax_year)) for f in (tax, resident)]
    out = np.zeros(np.shape(gain))
    for i, value in np.ndenumerate(gain):
        g = max(float(value), 0.0)
        national_tax = _floor(_floor(g, steps[0]) * national * (1.0 + surtax), tax_steps[0])
        out[i] = national_tax + _floor(_floor(g, steps[1]) * local, tax_steps[1])
    return out  # taxed apart: the year's other income changes nothing


def _il_capital_track(gain: Array, tax_year: int, pay: _Pay) -> Array:
    work = pay.cash + pay.equity
    rate = float(params("il", "section_102")["capital_track_rate"].at(tax_year))
    income_tax = params("il", "income_tax")
    surtax = income_tax["surtax"].at(tax_year)
    threshold, surtax_rate = float(surtax["threshold"]), float(surtax["rate"])
    capital_surtax = float(income_tax["capital_surtax"].at(tax_year))
    gain = np.maximum(gain, 0.0)
    # the part of the gain above the threshold, the year's income from work counted first
    above = np.maximum(work + gain - threshold, 0.0) - np.maximum(work - threshold, 0.0)
    return np.asarray(gain * rate + above * (surtax_rate + capital_surtax))


# the lines of a US jurisdiction charged on FICA wages (26 U.S.C. 3101, 3121(a); the
# Additional Medicare Tax, 3101(b)(2), is on the same wages)
_FICA_LINES = ("social_security", "medicare", "additional_medicare")


def _us_iso(gain: Array, tax_year: int, pay: _Pay) -> Array:
    from calculators.tax import compute  # noqa: PLC0415 (calculators.tax imports this module)

    def lines(equity: Array) -> dict[str, Array]:
        return compute(pay.cash, pay.jurisdiction, tax_year, equity, **pay.options).lines

    with_gain, without = lines(pay.equity + np.maximum(gain, 0.0)), lines(pay.equity)
    out = np.zeros(np.shape(gain))
    for name, amount in with_gain.items():
        if name not in _FICA_LINES:  # remuneration from an ISO is not FICA wages
            out = out + (amount - without[name])
    return np.asarray(out)


def _ca_security_options_deduction(gain: Array, tax_year: int, pay: _Pay) -> Array:
    from calculators.tax.jurisdictions import ca_on  # noqa: PLC0415 (it imports the engine)

    share = float(params("ca", "federal")["security_option_deduction_rate"].at(tax_year))
    g = np.maximum(gain, 0.0)
    base = ca_on.lines_with_deduction(pay.cash, pay.equity, tax_year, pay.options)
    with_gain = ca_on.lines_with_deduction(pay.cash, pay.equity + g, tax_year, pay.options, share * g)
    return np.asarray(sum(with_gain.values()) - sum(base.values()))


def _gb_emi(gain: Array, tax_year: int, pay: _Pay) -> Array:
    from calculators.tax.jurisdictions import gb_eng  # noqa: PLC0415 (it imports the engine)

    cgt, income_tax = params("gb", "capital_gains"), params("gb", "income_tax")
    day = gb_eng.tax_year_start(tax_year)
    rates = cgt["rates"].at(day)
    basic, higher = float(rates["basic"]), float(rates["higher"])
    badr, limit = float(cgt["badr_rate"].at(day)), float(cgt["badr_lifetime_limit"].at(day))
    exempt = float(cgt["annual_exempt_amount"].at(day))
    band = float(income_tax["rates"].at(day)["thresholds"][1])  # the basic rate band
    income = pay.cash + pay.equity
    unused = np.maximum(band - np.maximum(income - gb_eng.personal_allowance(income, tax_year), 0.0), 0.0)
    g = np.maximum(gain, 0.0)
    relieved, rest = np.minimum(g, limit), np.maximum(g - limit, 0.0)
    # the annual exempt amount goes against the gains at the higher rate first
    rest_taxed = np.maximum(rest - exempt, 0.0)
    relieved_taxed = np.maximum(relieved - np.maximum(exempt - rest, 0.0), 0.0)
    band_left = np.maximum(unused - relieved_taxed, 0.0)  # relieved gains use the band first
    at_basic = np.minimum(rest_taxed, band_left)
    return np.asarray(relieved_taxed * badr + at_basic * basic + (rest_taxed - at_basic) * higher)


_TAX: dict[str, Callable[[Array, int, _Pay], Array]] = {
    "gb/capital_gains": _gb_emi,
    "ca/federal": _ca_security_options_deduction,
    "jp/stock_options": _jp_qualified,
    "il/section_102": _il_capital_track,
    "us/payroll": _us_iso,
}


def regime_tax(
    regime: str,
    gain: npt.ArrayLike,
    tax_year: int,
    cash: npt.ArrayLike = 0.0,
    equity: npt.ArrayLike = 0.0,
    jurisdiction: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Array:
    """Tax on what a regime taxes apart from pay, in the jurisdiction's currency.

    Parameters
    ----------
    regime : str
        A name of :data:`REGIMES` with rules (checked by :func:`check_regime`).
    gain : array_like
        What the regime taxes apart, each year: the options' gain at sale over the exercise
        price (``qualified``, ``iso``), the capital-gain part of the benefit (``102``,
        ``102-listed``).
    tax_year : int
        The tax year whose rates apply.
    cash, equity : array_like, optional
        The year's salary-like pay and equity income taxed as pay, of the same shape (the
        Israeli surtax counts them first; ``iso`` adds the gain to them).
    jurisdiction : str, optional
        The jurisdiction's code (``iso``: whose income taxes apply).
    options : mapping, optional
        Personal options the jurisdiction knows (``age`` …).

    Returns
    -------
    numpy.ndarray
        The tax, shaped like ``gain`` (none on a gain of 0 or less).

    References
    ----------
    国税庁 タックスアンサー No.1540 and No.1463 (``params/jp/stock_options.yaml``); No.2260
    (復興特別所得税); 国税通則法 第118条・第119条 (rounding).  Income Tax Ordinance [New Version]
    s. 102(b)(2)-(3) and s. 121B(a), (a1) (``params/il/section_102.yaml``,
    ``params/il/income_tax.yaml``).  26 U.S.C. 421(b), 422(a)(1), 3121(a)(22).

    Examples
    --------
    A gain of 10,000,000 yen: 1,500,000 所得税, 31,500 復興特別所得税, 500,000 住民税.

    >>> float(regime_tax("qualified", 10_000_000, 2025))
    2031500.0

    150,000 shekels under ``102`` beside 720,000 of pay: 25 % of it, and 3 % + 2 % of the
    148,440 above the 721,560 threshold.

    >>> round(float(regime_tax("102", 150_000, 2025, 720_000)), 2)
    44922.0
    """
    found = REGIMES.get(regime)
    if found is None or found.rules is None:  # check_regime admits no other
        raise InvalidInputError(f"{regime}: not a regime with rules of its own")
    g = np.asarray(gain, dtype=float)
    pay = _Pay(
        cash=np.broadcast_to(np.asarray(cash, dtype=float), g.shape),
        equity=np.broadcast_to(np.asarray(equity, dtype=float), g.shape),
        jurisdiction=str(jurisdiction),
        options=dict(options or {}),
    )
    return _TAX[found.rules](g, tax_year, pay)


def regimes_in_effect(offer: Any) -> dict[str, tuple[Regime, bool]]:
    """The regimes an offer's equity is taxed under, for each part it holds.

    Parameters
    ----------
    offer : Offer
        An offer (its ``jurisdiction``, ``rsu_regime``, ``option_regime`` and equity).

    Returns
    -------
    dict of str to (Regime, bool)
        ``"equity"`` (RSUs, refreshers) and ``"options"``, for those the offer has and a
        regime taxes: the regime and whether it is the country's default (none named).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.offer.model import Offer
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "IL", "currency": "ILS",
    ...     "base_salary": 500_000, "rsu_grant": 400_000})
    >>> {part: (r.name, default) for part, (r, default) in regimes_in_effect(o).items()}
    {'equity': ('102', True)}
    """
    held = {
        "equity": offer.rsu_grant > 0 or offer.refresher_grant > 0,
        "options": offer.option_shares > 0,
    }
    out: dict[str, tuple[Regime, bool]] = {}
    for part, field in PARTS.items():
        given = getattr(offer, field)
        regime = regime_of(given, offer.jurisdiction, part)
        if held[part] and regime is not None:
            out[part] = (regime, given is None)
    return out
