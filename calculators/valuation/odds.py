"""Ranking odds: how likely each offer is to come first, and where the winner changes.

A seeded joint Monte Carlo over what an offer's value depends on and no one knows yet, every
scenario valued on the chosen basis as :func:`calculators.valuation.compare.compare_offers`
values an offer:

- **share prices**, one path per company (its offers share it): a one-time change now
  (``shocks``, the what-if "the stock drops 30 % once"), then yearly lognormal moves whose
  mean is the offer's ``price_growth`` and whose log-volatility is the company's
  ``volatility``.  The first RSU grant moves with the whole path, shock included; a refresher,
  granted at the price of its day, moves only from its grant on;
- **exchange rates**, one path per currency against the home currency: yearly lognormal
  moves with mean today's rate and log-volatility ``fx_volatility``; each year's pay is
  converted at that year's rate;
- **bonus payouts**: each offer's yearly bonus times a lognormal factor of mean 1 (the offer's
  ``bonus_payout`` stays the expected payout) and log-volatility ``bonus_volatility``;
- **start-up exits**, per company: an exit happens with the offer's ``exit_probability`` (one
  draw per company), at a lognormal multiple of mean ``exit_multiple`` and log-volatility
  ``exit_volatility`` (the option valuation's assumption); options are worth nothing without
  an exit, and the one-time shock moves the option price too.

The after-tax bases tax every scenario's every year exactly (salary and equity income, the
jurisdiction's progressive rules) by handing the tax engine all scenarios at once
(:func:`calculators.valuation.net.net_schedule` on arrays of incomes), never a loop over
scenarios; the disposable bases then subtract the living costs carried to the offer's city
and the one-time move costs, which are paid now, at today's rate
(:func:`calculators.relocation.move.analyse_moves`).  With every volatility 0 and every exit
certain or impossible (an exit probability of 0 or 1) each scenario is the deterministic
comparison.

The **thresholds** start from the central case (every factor at its expected value, the given
shocks applied: the deterministic comparison) and move one factor at a time, a currency's
rate held at one level over the whole horizon or a company's one-time price change, down and
up, until the central winner stops winning; a vectorised grid search refined three times in
the bracket finds each point.  The default spreads are modelling assumptions
(``data/odds.yaml``), not market figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.offer.equity import option_payoff
from calculators.offer.model import AT_GRANT, Offer, OfferBatch, cash_schedule, tc
from calculators.params import DATA_DIR, load_parameters
from calculators.relocation.move import analyse_moves
from calculators.valuation.compare import Settings, checked_settings
from calculators.valuation.net import default_tax_year, net_schedule

__all__ = [
    "MAX_SCENARIOS",
    "MAX_SHOCK",
    "MAX_VOLATILITY",
    "SCENARIOS",
    "SEED",
    "OfferOdds",
    "Threshold",
    "Odds",
    "ranking_odds",
]

Array = npt.NDArray[np.float64]

#: The most scenarios one call simulates: a time bound of this tool (a million scenarios of
#: twelve offers take seconds), not a figure from the world.
MAX_SCENARIOS = 1_000_000
#: Scenarios simulated when none is given: a choice of this tool (a probability to within
#: about half a percentage point), not a figure from the world.
SCENARIOS = 10_000
#: The seed when none is given (any whole number from 0 gives its own reproducible draws).
SEED = 20_261_201
#: The largest one-time share-price change, +1,000 % (the ``price_growth`` field's own upper
#: limit); the smallest is -1, a worthless stock.
MAX_SHOCK = 10.0
#: The largest volatility argument, a yearly log-volatility of 300 %: a bound of this tool,
#: well beyond the spreads anyone assumes for a price or a rate.
MAX_VOLATILITY = 3.0
_CELLS = 500_000  # scenario-years valued at once (memory: a few arrays of 4 MB per offer)
_GRID = 256  # points of each threshold search pass
_PASSES = 3
_FX_RANGE = (0.1, 10.0)  # threshold search: a rate from a tenth to ten times today's
_ASSUMPTIONS = DATA_DIR / "assumptions.yaml"
_DEFAULTS = DATA_DIR / "odds.yaml"


@dataclass(frozen=True)
class OfferOdds:
    """One offer's odds: the chance it ranks first and the spread of its value (home currency)."""

    name: str
    company: str
    currency: str  # the offer's own; the values are in the home currency
    probability_first: float
    p10: float
    p50: float
    p90: float
    mean: float
    central: float  # the deterministic value (every factor at its expected value)


@dataclass(frozen=True)
class Threshold:
    """Where the central winner stops winning when one factor moves.

    ``factor`` is ``"fx"`` (``subject`` a currency, ``value`` its rate in home-currency units
    per unit, held over the horizon) or ``"price"`` (``subject`` a company, ``value`` its
    one-time share-price change as a fraction, -0.22 for a fall of 22 %).  ``direction``
    ``"below"``: ``winner`` keeps winning while the factor stays above ``value``, and
    ``new_winner`` wins just below it; ``"above"`` the other way round.  ``today`` is the
    factor's central value.
    """

    factor: str
    subject: str
    direction: str
    value: float
    today: float
    winner: str
    new_winner: str


@dataclass(frozen=True)
class Odds:
    """The ranking odds of a set of offers, in the input order of the offers."""

    offers: tuple[OfferOdds, ...]
    thresholds: tuple[Threshold, ...]
    winner: str  # the central case's winner (the deterministic comparison's first)
    basis: str
    home_currency: str
    scenarios: int
    seed: int
    assumptions: Mapping[str, Any] = field(default_factory=dict)  # the spreads used


@dataclass(frozen=True)
class _Plan:
    """Everything about the offers that does not depend on a scenario."""

    offers: tuple[Offer, ...]
    settings: Settings
    kind: str  # the tc basis: first_year, annualized, total or npv
    span: int  # the years valued: the horizon, or 1 for a first-year basis
    taxed: bool
    disposable: bool
    tax_year: int
    options: Mapping[str, Any]
    sched: Mapping[str, Array]  # (n, years)
    rsu: Array  # (n, years) vest fractions of the first grant
    refresher: Array  # (n, years)
    option: Array  # (n, years)
    exit_year: Array  # (n,) the offer year each offer's options are realised in
    company: tuple[int, ...]  # company index of each offer
    companies: tuple[str, ...]
    currencies: tuple[str, ...]  # the offers' currencies (pay and equity) other than home
    rate: Array  # (n,) home units per unit of each offer's currency, today
    equity_rate: Array  # (n,) units of each offer's currency per unit of its equity currency
    basket: Array  # (n,) yearly living costs, local
    one_time: Array  # (n,) move costs, home currency
    shocks: Array  # (companies,) the given one-time changes
    volatility: Array  # (companies,)
    fx_volatility: Mapping[str, float]
    bonus_volatility: float
    exit_volatility: float


@dataclass
class _Factors:
    """Per-scenario factors of ``rows`` scenarios; a missing key is the central value."""

    rows: int
    price: dict[int, Array] = field(default_factory=dict)  # company: (rows, years) log moves
    shock: dict[int, Array] = field(default_factory=dict)  # company: (rows, 1)
    exit_draw: dict[int, Array] | None = None  # company: (rows, 1) uniform; None: expected
    exit_multiple: dict[int, Array] = field(default_factory=dict)  # company: (rows, 1)
    bonus: dict[int, Array] = field(default_factory=dict)  # offer: (rows, years)
    fx: dict[str, Array] = field(default_factory=dict)  # currency: multiple of today's rate


def ranking_odds(
    offers: Sequence[Offer],
    settings: Settings | None = None,
    *,
    scenarios: object = None,
    seed: object = None,
    shocks: Mapping[str, object] | None = None,
    volatility: object = None,
    fx_volatility: object = None,
    bonus_volatility: object = None,
    exit_volatility: object = None,
    thresholds: bool = True,
) -> Odds:
    """The chance each offer ranks first over seeded joint scenarios, its p10 / p50 / p90
    value and the thresholds where the winner changes (see the module docstring).

    Parameters
    ----------
    offers : sequence of Offer
        The offers, at least one.
    settings : Settings, optional
        Basis, horizon, discount rate, home currency, FX table, tax year, age and the
        relocation inputs of the disposable bases; default :class:`Settings`.
    scenarios : int, optional
        Scenarios to simulate, a whole number from 1 to :data:`MAX_SCENARIOS`; default
        :data:`SCENARIOS`.
    seed : int, optional
        Seed of the draws, a whole number from 0; default :data:`SEED`.  The same seed and
        inputs give the same numbers.
    shocks : mapping of str to float, optional
        One-time share-price change now by company (or offer name), a fraction from -1
        (-100 %) to 10: ``{"Seattle big tech": -0.3}``.
    volatility : float or mapping of str to float, optional
        Yearly log-volatility of share prices, one for every company or by company (or offer
        name), 0 to 3; default the assumption ``odds_price_volatility``.
    fx_volatility : float or mapping of str to float, optional
        Yearly log-volatility of each currency against home, one for all or by currency code,
        0 to 3; default the assumption ``odds_fx_volatility``.
    bonus_volatility : float, optional
        Log-volatility of the yearly bonus payout, 0 to 3; default the assumption
        ``odds_bonus_volatility``.
    exit_volatility : float, optional
        Log-volatility of a start-up's exit multiple, 0 to 3; default the option valuation's
        assumption ``option_exit_volatility``.
    thresholds : bool, optional
        Search the thresholds (``False``: the odds only).

    Returns
    -------
    Odds
        Per offer the probability of ranking first (they add up to 1), p10 / p50 / p90, mean
        and central value in the home currency; the thresholds; the central winner.

    Raises
    ------
    InvalidInputError
        Scenarios or a seed that are not whole numbers in range, a shock below -100 % or
        above +1,000 %, a volatility that is not a number from 0 to 3, a name that is no
        offer's company, or an invalid setting (:func:`checked_settings`).

    References
    ----------
    Geometric Brownian motion for prices and rates (log-normal yearly moves, mean preserved):
    J. C. Hull, *Options, Futures, and Other Derivatives*, ch. "Wiener processes and Itô's
    lemma".  The tax rules of :mod:`calculators.tax` for the after-tax bases.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER, TOKYO_OFFER, USD_JPY_FX
    >>> rsu = Offer.from_fields({"company": "C", "jurisdiction": "Seattle", "currency": "USD",
    ...                          "base_salary": 60_000, "rsu_grant": 180_000})
    >>> offers, s = [TOKYO_OFFER, SEATTLE_OFFER, rsu], Settings(fx=USD_JPY_FX)
    >>> odds = ranking_odds(offers, s, scenarios=500, seed=1)
    >>> odds.winner, round(sum(o.probability_first for o in odds.offers), 12)
    ('B', 1.0)
    >>> odds == ranking_odds(offers, s, scenarios=500, seed=1)
    True
    >>> shocked = ranking_odds(offers, s, scenarios=500, seed=1, shocks={"C": -0.5})
    >>> shocked.offers[2].probability_first < odds.offers[2].probability_first
    True
    >>> [(t.factor, t.subject, t.direction, round(t.value, 2), t.new_winner) for t in odds.thresholds]
    [('fx', 'USD', 'below', 136.36, 'A'), ('price', 'C', 'above', 0.11, 'C')]
    """
    plan = _plan(offers, settings, shocks, volatility, fx_volatility, bonus_volatility, exit_volatility)
    count = _whole(SCENARIOS if scenarios is None else scenarios, "scenarios", 1, MAX_SCENARIOS)
    first_seed = _whole(SEED if seed is None else seed, "seed", 0, 2**53)
    values = _simulate(plan, count, first_seed)
    n = len(plan.offers)
    wins = np.bincount(np.argmax(values, axis=1), minlength=n)
    spread = np.percentile(values, [10, 50, 90], axis=0)
    central = _values(plan, _Factors(1))[0]
    winner = plan.offers[int(np.argmax(central))].name
    home = plan.settings.home_currency
    assert home is not None  # checked_settings resolved it
    return Odds(
        offers=tuple(
            OfferOdds(
                name=o.name,
                company=o.company,
                currency=o.currency,
                probability_first=float(wins[i] / count),
                p10=float(spread[0, i]),
                p50=float(spread[1, i]),
                p90=float(spread[2, i]),
                mean=float(values[:, i].mean()),
                central=float(central[i]),
            )
            for i, o in enumerate(plan.offers)
        ),
        thresholds=_thresholds(plan, central) if thresholds else (),
        winner=winner,
        basis=plan.settings.basis,
        home_currency=home,
        scenarios=count,
        seed=first_seed,
        assumptions={
            "volatility": dict(zip(plan.companies, plan.volatility.tolist(), strict=True)),
            "fx_volatility": dict(plan.fx_volatility),
            "bonus_volatility": plan.bonus_volatility,
            "exit_volatility": plan.exit_volatility,
        },
    )


def _plan(
    offers: Sequence[Offer],
    settings: Settings | None,
    shocks: Mapping[str, object] | None,
    volatility: object,
    fx_volatility: object,
    bonus_volatility: object,
    exit_volatility: object,
) -> _Plan:
    offers = tuple(offers)
    if not offers:
        raise InvalidInputError("at least one offer is needed")
    s = checked_settings(offers, settings or Settings())
    home = s.home_currency
    assert home is not None
    taxed = s.basis.startswith(("net_", "disposable_"))
    disposable = s.basis.startswith("disposable_")
    kind = s.basis.split("_", 1)[1] if taxed else s.basis
    companies = tuple(dict.fromkeys(o.company for o in offers))
    company = tuple(companies.index(o.company) for o in offers)
    batch = OfferBatch.from_offers(offers, s.table())
    years = int(s.years)
    span = 1 if kind == "first_year" else years
    options = s.tax_options()
    tax_year = default_tax_year(offers) if s.tax_year is None else s.tax_year
    table = s.table()
    rate = np.array([float(table.convert(1.0, o.currency, home)) for o in offers])
    basket = np.zeros(len(offers))
    one_time = np.zeros(len(offers))
    if disposable:
        if s.move is None:
            raise InvalidInputError("disposable bases need the relocation inputs (basket and move costs)")
        results, _ = analyse_moves(offers, s.move, table, years, tax_year, options)
        basket = np.array([float(r.basket_cost[0]) for r in results])
        moved_from = s.move.basket.city.currency  # the move costs' currency, paid now
        one_time = np.array([float(table.convert(r.one_time_total, moved_from, home)) for r in results])
    currencies = tuple(dict.fromkeys(c for o in offers for c in (o.currency, o.share_currency) if c != home))
    names = _names(offers, companies)
    given_shocks = np.zeros(len(companies))
    for key, value in (shocks or {}).items():
        given_shocks[_company(names, key, "shocks")] = _fraction(value, f"shocks ({key})", -1.0, MAX_SHOCK)
    return _Plan(
        offers=offers,
        settings=s,
        kind=kind,
        taxed=taxed,
        disposable=disposable,
        tax_year=tax_year,
        options=options,
        span=span,
        sched={name: part[:, :span] for name, part in cash_schedule(batch, years).items()},
        rsu=_fit(batch.rsu_fractions, span),
        refresher=_fit(batch.refresher_fractions, span),
        option=_fit(batch.option_fractions, span),
        exit_year=batch.option_exit_year,
        company=company,
        companies=companies,
        currencies=currencies,
        rate=rate,
        equity_rate=batch.equity_rate,
        basket=basket,
        one_time=one_time,
        shocks=given_shocks,
        volatility=_by_company(volatility, names, len(companies)),
        fx_volatility=_by_currency(fx_volatility, currencies),
        bonus_volatility=_spread(bonus_volatility, "bonus_volatility", _DEFAULTS, "odds_bonus_volatility"),
        exit_volatility=_spread(exit_volatility, "exit_volatility", _ASSUMPTIONS, "option_exit_volatility"),
    )


def _names(offers: Sequence[Offer], companies: Sequence[str]) -> dict[str, int]:
    names = {o.name.strip().casefold(): companies.index(o.company) for o in offers}
    names.update({c.strip().casefold(): i for i, c in enumerate(companies)})
    return names


def _company(names: Mapping[str, int], key: object, argument: str) -> int:
    found = names.get(str(key).strip().casefold())
    if found is None:
        raise InvalidInputError(f"{argument}: a name is neither an offer's company nor an offer's name")
    return found


def _number(value: object) -> float | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _whole(value: object, name: str, low: int, high: int) -> int:
    number = _number(value)
    if number is None or number != int(number) or not low <= number <= high:
        top = f"{high:,}" if high < 2**53 else "2^53"
        raise InvalidInputError(f"{name} must be a whole number from {low:,} to {top}")
    return int(number)


def _fraction(value: object, name: str, low: float, high: float) -> float:
    number = _number(value)
    if number is None or not low <= number <= high:
        raise InvalidInputError(f"{name} must be a number from {low:g} to {high:g} (-0.3 = -30 %)")
    return number


def _spread(value: object, name: str, path: Any, default: str) -> float:
    if value is None:
        return float(in_force(load_parameters(path)[default]))
    number = _number(value)
    if number is None or not 0 <= number <= MAX_VOLATILITY:
        raise InvalidInputError(f"{name} must be a number from 0 to {MAX_VOLATILITY:g} (0.3 = 30 % a year)")
    return number


def _by_company(value: object, names: Mapping[str, int], count: int) -> Array:
    if not isinstance(value, Mapping):
        return np.full(count, _spread(value, "volatility", _DEFAULTS, "odds_price_volatility"))
    out = np.full(count, _spread(None, "volatility", _DEFAULTS, "odds_price_volatility"))
    for key, number in value.items():
        if number is not None:  # a blank keeps the default
            out[_company(names, key, "volatility")] = _spread(number, f"volatility ({key})", _DEFAULTS, "")
    return out


def _by_currency(value: object, currencies: Sequence[str]) -> dict[str, float]:
    default = "odds_fx_volatility"
    if not isinstance(value, Mapping):
        return dict.fromkeys(currencies, _spread(value, "fx_volatility", _DEFAULTS, default))
    out = dict.fromkeys(currencies, _spread(None, "fx_volatility", _DEFAULTS, default))
    for key, number in value.items():
        code = str(key).strip().upper()
        if code not in out:
            raise InvalidInputError("fx_volatility: a currency is not one of the offers' (other than home)")
        if number is not None:  # a blank keeps the default
            out[code] = _spread(number, f"fx_volatility ({code})", _DEFAULTS, default)
    return out


def _fit(fractions: Array, years: int) -> Array:
    out = np.zeros((fractions.shape[0], years))
    width = min(years, fractions.shape[1])
    out[:, :width] = fractions[:, :width]
    return out


def _simulate(plan: _Plan, count: int, seed: int) -> Array:
    """Values ``(count, n)`` in the home currency, drawn block by block from one generator
    per factor (so a block's size never changes the draws)."""
    years = plan.span
    gens = {key: np.random.default_rng([seed, *key]) for key in _factor_keys(plan)}
    out = np.empty((count, len(plan.offers)))
    step = max(1, _CELLS // years)
    for start in range(0, count, step):
        rows = min(step, count - start)
        out[start : start + rows] = _values(plan, _draw(plan, gens, rows))
    if not np.isfinite(out).all():
        raise InvalidInputError("the simulated values are out of range: check the volatilities and amounts")
    return out


def _factor_keys(plan: _Plan) -> list[tuple[int, int]]:
    keys = [(0, c) for c in range(len(plan.companies))]  # share prices
    keys += [(1, c) for c in range(len(plan.companies))]  # exits
    keys += [(2, i) for i in range(len(plan.offers))]  # bonus payouts
    return keys + [(3, k) for k in range(len(plan.currencies))]  # exchange rates


def _lognormal(gen: np.random.Generator, sigma: float, shape: tuple[int, ...]) -> Array:
    """Log moves ``sigma * z - sigma**2 / 2`` (their exponential has mean 1)."""
    z = gen.standard_normal(shape)
    z *= sigma
    z -= 0.5 * sigma**2
    return z


def _path(gen: np.random.Generator, sigma: float, rows: int, years: int) -> Array:
    """Cumulative yearly log moves ``(rows, years)`` (drawn year-major: a contiguous cumsum)."""
    return np.cumsum(_lognormal(gen, sigma, (years, rows)), axis=0).T


def _draw(plan: _Plan, gens: Mapping[tuple[int, int], np.random.Generator], rows: int) -> _Factors:
    years = plan.span
    f = _Factors(rows, exit_draw={})
    batch = plan.offers
    for c, sigma in enumerate(plan.volatility):
        members = [i for i, k in enumerate(plan.company) if k == c]
        if sigma > 0 and any(batch[i].rsu_grant > 0 or batch[i].refresher_grant > 0 for i in members):
            f.price[c] = _path(gens[(0, c)], float(sigma), rows, years)
        if any(batch[i].option_shares > 0 for i in members):
            assert f.exit_draw is not None
            f.exit_draw[c] = gens[(1, c)].random((rows, 1))
            if plan.exit_volatility > 0:
                f.exit_multiple[c] = np.exp(_lognormal(gens[(1, c)], plan.exit_volatility, (rows, 1)))
    if plan.bonus_volatility > 0:
        for i, o in enumerate(batch):
            if o.bonus_target > 0:
                f.bonus[i] = np.exp(_lognormal(gens[(2, i)], plan.bonus_volatility, (rows, years)))
    for k, code in enumerate(plan.currencies):
        sigma = plan.fx_volatility[code]
        if sigma > 0:
            f.fx[code] = np.exp(_path(gens[(3, k)], sigma, rows, years))
    return f


def _values(plan: _Plan, f: _Factors) -> Array:
    """Each offer's value ``(rows, n)`` in the home currency under the factors."""
    return np.stack([_offer_value(plan, i, f) for i in range(len(plan.offers))], axis=1)


def _varies(plan: _Plan, i: int, f: _Factors) -> bool:
    """Whether offer ``i``'s pay in its own currency differs between the scenarios ``f``
    (exchange rates aside): if not, it is taxed once, not once a scenario."""
    offer, c = plan.offers[i], plan.company[i]
    exits = f.exit_draw is not None and c in f.exit_draw
    has_equity = offer.rsu_grant > 0 or offer.refresher_grant > 0 or offer.option_shares > 0
    own_fx = offer.share_currency != offer.currency and (
        offer.share_currency in f.fx or offer.currency in f.fx
    )
    return (
        (has_equity and own_fx)
        or i in f.bonus
        or (offer.rsu_grant > 0 and (c in f.price or c in f.shock))
        or (offer.refresher_grant > 0 and c in f.price)
        or (offer.option_shares > 0 and (c in f.shock or exits or c in f.exit_multiple))
    )


def _offer_value(plan: _Plan, i: int, f: _Factors) -> Array:
    offer, c, years, sched = plan.offers[i], plan.company[i], plan.span, plan.sched
    rows = f.rows if _varies(plan, i, f) else 1
    k = np.arange(1, years + 1, dtype=float)
    shock = f.shock.get(c, plan.shocks[c])
    equity = np.zeros((rows, years))
    if offer.rsu_grant > 0 or offer.refresher_grant > 0:
        growth = np.exp(math.log1p(offer.price_growth) * k + f.price.get(c, 0.0))
        growth = np.broadcast_to(growth, (rows, years))
        if offer.rsu_grant > 0:
            equity = equity + offer.rsu_grant * plan.rsu[i] * (1.0 + shock) * growth
        if offer.refresher_grant > 0:  # granted at each year end, at that day's price
            fractions, inverse = plan.refresher[i], 1.0 / growth
            for year in range(1, years):  # year + 1 vests the grants of years 1 .. year
                weights = fractions[year - 1 :: -1]
                equity[:, year] += offer.refresher_grant * growth[:, year] * (inverse[:, :year] @ weights)
    options: Array = np.zeros((1, 1))
    if offer.option_shares > 0:
        draw = None if f.exit_draw is None else f.exit_draw.get(c)
        exits = offer.exit_probability if draw is None else (draw < offer.exit_probability)
        payoff = option_payoff(
            offer.option_price * (1.0 + np.asarray(shock)),
            offer.option_strike,
            offer.dilution,
            offer.exit_multiple * f.exit_multiple.get(c, np.ones((1, 1))),
            k,
        )
        realised = np.cumsum(plan.option[i]) * (k == plan.exit_year[i])  # once, in the exit year
        options = np.broadcast_to(offer.option_shares * realised * exits * payoff, (rows, years))
    # equity valued in another currency: today's rate to the pay's, times how far the two
    # currencies' scenarios move apart (each is a multiple of its rate against home)
    to_pay = plan.equity_rate[i]
    if offer.share_currency != offer.currency and rows > 1:  # rows > 1: the rates or equity vary
        moved = f.fx.get(offer.share_currency, 1.0) / f.fx.get(offer.currency, 1.0)
        to_pay = to_pay * np.broadcast_to(moved, (rows, years)) if np.ndim(moved) else to_pay
    equity, options = equity * to_pay, options * to_pay
    shape = (1, rows, years)  # the schedule of one offer, as net_schedule reads it
    part = {name: np.broadcast_to(sched[name][i], shape) for name in ("base", "sign_on", "relocation")}
    part["bonus"] = np.broadcast_to(sched["bonus"][i] * f.bonus.get(i, 1.0), shape)
    part["equity"], part["options"] = equity[None], options[None]
    total = sum(part.values()) + sched["retirement"][i] + sched["benefits"][i]
    for name in AT_GRANT:  # the value at grant does not move with the scenario's price
        part[name] = np.broadcast_to(sched[name][i], shape)
    local = np.broadcast_to(total, shape)
    if plan.taxed:
        taxed = net_schedule(
            [offer], {**part, "total": local}, plan.tax_year, plan.options, plan.settings.table()
        )
        local = taxed - plan.basket[i]
    home = np.broadcast_to(local[0], (f.rows, years)) * (plan.rate[i] * f.fx.get(offer.currency, 1.0))
    if plan.disposable:
        home[:, 0] -= plan.one_time[i]
    return np.asarray(tc(home, plan.kind, years, plan.settings.discount_rate), dtype=float)


def _thresholds(plan: _Plan, central: Array) -> tuple[Threshold, ...]:
    """Every factor's thresholds, found by grids of scenarios valued at once, refined in the
    bracket where the winner changes."""
    winner = int(np.argmax(central))
    searches: list[tuple[str, str, int | str, float, Array]] = []  # factor, name, key, today, grid
    for code in plan.currencies:
        today = _today_rate(plan, code)
        grid = today * np.geomspace(*_FX_RANGE, _GRID)
        searches.append(("fx", code, code, today, np.union1d(grid, [today])))
    for c, name in enumerate(plan.companies):
        members = [o for o, k in zip(plan.offers, plan.company, strict=True) if k == c]
        if any(o.rsu_grant > 0 or o.option_shares > 0 for o in members):
            today = float(plan.shocks[c])
            grid = np.union1d(np.linspace(-1.0, MAX_SHOCK, _GRID), [today])
            searches.append(("price", name, c, today, grid))
    if not searches:
        return ()
    winners = _winners(plan, [(factor, key, grid) for factor, _, key, _, grid in searches])
    found: list[Threshold] = []
    for (factor, name, key, today, grid), won in zip(searches, winners, strict=True):
        at = int(np.searchsorted(grid, today))
        for direction, side in (("below", range(at - 1, -1, -1)), ("above", range(at + 1, grid.size))):
            hit = next((j for j in side if won[j] != winner), None)
            if hit is None:
                continue
            inside, outside = float(grid[hit + 1 if direction == "below" else hit - 1]), float(grid[hit])
            for _ in range(_PASSES):
                fine = np.linspace(inside, outside, _GRID)
                (fine_won,) = _winners(plan, [(factor, key, fine)])
                j = max(1, int(np.argmax(fine_won != winner)))
                inside, outside = float(fine[j - 1]), float(fine[j])
            value = 0.5 * (inside + outside)
            (past,) = _winners(plan, [(factor, key, np.array([outside]))])
            found.append(
                Threshold(
                    factor=factor,
                    subject=name,
                    direction=direction,
                    value=value,
                    today=today,
                    winner=plan.offers[winner].name,
                    new_winner=plan.offers[int(past[0])].name,
                )
            )
    return tuple(found)


def _today_rate(plan: _Plan, code: str) -> float:
    home = plan.settings.home_currency
    assert home is not None  # checked_settings resolved it
    return float(plan.settings.table().convert(1.0, code, home))


def _winners(plan: _Plan, blocks: Sequence[tuple[str, int | str, Array]]) -> list[Array]:
    """The winner (offer index) of every grid point of every block, all valued in one pass:
    each block moves its one factor, every other factor stays central."""
    sizes = [grid.size for _, _, grid in blocks]
    rows = sum(sizes)
    f = _Factors(rows)
    start = 0
    for (factor, key, grid), size in zip(blocks, sizes, strict=True):
        if factor == "fx":
            assert isinstance(key, str)
            today = _today_rate(plan, key)
            column = f.fx.setdefault(key, np.ones((rows, 1)))
            column[start : start + size, 0] = grid / today
        else:
            assert isinstance(key, int)
            column = f.shock.setdefault(key, np.full((rows, 1), plan.shocks[key]))
            column[start : start + size, 0] = grid
        start += size
    won = np.argmax(_values(plan, f), axis=1)
    return np.split(won, np.cumsum(sizes)[:-1])
