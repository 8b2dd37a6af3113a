"""Equity: vesting schedules, refreshers, price growth and stock options.

Vesting model
-------------
A schedule such as ``25/25/25/25`` gives the percentage of the grant earned in
each year of service.  Inside year *y* the year's percentage accrues evenly by
month; it is delivered on vest dates set by the frequency (``monthly``: every
month end, ``quarterly``: months 3, 6, 9, 12 of each year, ``annual``: month
12).  Nothing is delivered before the cliff; at the cliff everything accrued
so far vests at once.  Whatever has accrued is delivered at the end of the
schedule, so the fractions always add up to 1.  Leaving after month *m* keeps
exactly what vested in months 1..m.

Options
-------
An option's value at a liquidity event is ``max(P_exit - strike, 0)`` per share
with ``P_exit = price * exit_multiple / (1 + dilution) ** years``: each yearly
round issues ``dilution`` new shares per existing share, so an early holder's
claim on the exit value shrinks by ``1 / (1 + dilution)`` a round.  The
expected value weights that by ``exit_probability``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

import numpy as np
import numpy.typing as npt

from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.params import DATA_DIR, load_parameters
from calculators.scalar import Amount, finite_number, scalar_out

__all__ = [
    "FREQUENCIES",
    "CLIFF_MONTHS",
    "FREQUENCY",
    "parse_schedule",
    "monthly_vest_fractions",
    "annual_vest_fractions",
    "vest_events",
    "vested_through_month",
    "ownership_factor",
    "option_payoff",
    "exit_year",
    "OptionValue",
    "option_value",
]

Array = npt.NDArray[np.float64]

FREQUENCIES = {"monthly": 1, "quarterly": 3, "annual": 12}
_FREQ_ALIASES = {
    "monthly": "monthly",
    "month": "monthly",
    "m": "monthly",
    "quarterly": "quarterly",
    "quarter": "quarterly",
    "q": "quarterly",
    "annual": "annual",
    "annually": "annual",
    "yearly": "annual",
    "year": "annual",
    "y": "annual",
}
_MAX_YEARS = 10
_ASSUMPTIONS = DATA_DIR / "assumptions.yaml"
# The most paths option_value simulates: a memory bound of this tool (two cached arrays of 8 MB
# for each of eight cached seeds), not a figure from the world.
_MAX_PATHS = 1_000_000
#: The vesting a grant has when its cliff or frequency is left blank (the offer fields
#: ``rsu_cliff_months`` / ``rsu_frequency`` default to the same; tests/test_defaults.py checks it).
CLIFF_MONTHS = 12
FREQUENCY = "quarterly"


def parse_frequency(value: object, field: str = "rsu_frequency") -> str:
    """Normalise a vesting frequency name.

    Parameters
    ----------
    value : str or None
        ``monthly``, ``quarterly`` or ``annual`` (case-blind; ``q``, ``yearly`` and other
        short forms accepted); blank means ``quarterly``.
    field : str, optional
        The field name used in the error message.

    Returns
    -------
    str
        ``"monthly"``, ``"quarterly"`` or ``"annual"``.

    Raises
    ------
    InvalidInputError
        For any other value.

    References
    ----------
    None

    Examples
    --------
    >>> parse_frequency("Quarterly")
    'quarterly'
    >>> parse_frequency("y")
    'annual'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return FREQUENCY
    if not isinstance(value, str) or value.strip().lower() not in _FREQ_ALIASES:
        raise InvalidInputError(f"{field} must be monthly, quarterly or annual")
    return _FREQ_ALIASES[value.strip().lower()]


@lru_cache(maxsize=512)
def _parse_schedule_text(text: str, field: str) -> tuple[float, ...]:
    cleaned = text.replace("%", " ").replace(",", "/").replace(";", "/").replace("-", "/")
    parts = [p for chunk in cleaned.split("/") for p in chunk.split()]
    if not parts:
        raise InvalidInputError(f"{field} must list yearly percentages such as 25/25/25/25")
    try:
        pcts = [float(p) for p in parts]
    except ValueError:
        raise InvalidInputError(f"{field} must list yearly percentages such as 25/25/25/25") from None
    if len(pcts) > _MAX_YEARS:
        raise InvalidInputError(f"{field} may have at most {_MAX_YEARS} years")
    if any(not np.isfinite(p) or p < 0 for p in pcts):
        raise InvalidInputError(f"{field} percentages must not be negative")
    total = sum(pcts)
    if abs(total - 100.0) > 0.01:
        raise InvalidInputError(f"{field} percentages must add up to 100 (they add up to {total:g})")
    return tuple(p / 100.0 for p in pcts)


def parse_schedule(value: object, field: str = "rsu_schedule") -> tuple[float, ...]:
    """Yearly vest fractions from a schedule such as ``"5/15/40/40"``.

    Percentages are separated by ``/``, ``,`` or ``;`` and must add up to 100.

    Parameters
    ----------
    value : str, sequence of float or None
        Yearly percentages as text, a list of percentages, or a list of fractions that
        already add up to 1; blank means ``25/25/25/25``.
    field : str, optional
        The field name used in the error message.

    Returns
    -------
    tuple of float
        One fraction per year, adding up to 1.

    Raises
    ------
    InvalidInputError
        Text that is not a list of percentages, a negative one, more than ten years, or
        percentages that do not add up to 100.

    References
    ----------
    None

    Examples
    --------
    >>> parse_schedule("40/30/20/10")
    (0.4, 0.3, 0.2, 0.1)
    >>> parse_schedule(None)
    (0.25, 0.25, 0.25, 0.25)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return (0.25, 0.25, 0.25, 0.25)
    if isinstance(value, (list, tuple)):
        try:
            total = sum(float(v) for v in value)
        except (TypeError, ValueError):
            total = 0.0
        if value and abs(total - 1.0) < 1e-6:  # already fractions
            return tuple(float(v) for v in value)
        value = "/".join(str(v) for v in value)
    if not isinstance(value, str):
        raise InvalidInputError(f"{field} must list yearly percentages such as 25/25/25/25")
    return _parse_schedule_text(value.strip(), field)


_UNITS = 120_000  # one grant = 120,000 units: hundredths of a percent times 12 months


@lru_cache(maxsize=512)
def _monthly_units(schedule: tuple[float, ...], cliff_months: int, frequency: str) -> Array:
    """Grant units delivered at each month end (integers, exact)."""
    months = 12 * len(schedule)
    if cliff_months > months:
        raise InvalidInputError("the cliff must not exceed the vesting period")
    per_year = np.rint(np.asarray(schedule) * 10_000).astype(np.int64)
    accrual = np.repeat(per_year, 12)  # units accrued each month
    step = FREQUENCIES[frequency]
    month = np.arange(1, months + 1)
    is_event = month % step == 0
    if cliff_months > 0:
        is_event[cliff_months - 1] = True  # the cliff itself is a vest date
    is_event[month < cliff_months] = False
    is_event[-1] = True  # whatever has accrued is delivered at the end
    accrued = np.cumsum(accrual)
    delivered = np.maximum.accumulate(np.where(is_event, accrued, 0))
    out = np.diff(delivered, prepend=0)
    out.setflags(write=False)
    return out


def _monthly(schedule: tuple[float, ...], cliff_months: int, frequency: str) -> Array:
    return np.asarray(_monthly_units(schedule, cliff_months, frequency) / _UNITS)


def monthly_vest_fractions(
    schedule: object = None, cliff_months: float = CLIFF_MONTHS, frequency: object = FREQUENCY
) -> Array:
    """Fraction of the grant delivered at the end of each month of the schedule.

    Parameters
    ----------
    schedule : str, sequence of float or None, optional
        Yearly vest percentages (see :func:`parse_schedule`).
    cliff_months : int, optional
        Months before the first vest; what accrued before it vests at the cliff.
    frequency : str, optional
        ``monthly``, ``quarterly`` or ``annual`` vesting after the cliff.

    Returns
    -------
    numpy.ndarray
        One fraction per month of the schedule (``12 * years`` of them), adding up to 1.

    References
    ----------
    None

    Examples
    --------
    >>> f = monthly_vest_fractions("25/25/25/25", 12, "quarterly")
    >>> round(float(f[11]), 4), round(float(f[14]), 4), round(float(f.sum()), 10)
    (0.25, 0.0625, 1.0)
    """
    sched = parse_schedule(schedule)
    cliff = _whole(cliff_months, "rsu_cliff_months", default=CLIFF_MONTHS)
    return _monthly(sched, cliff, parse_frequency(frequency)).copy()


@lru_cache(maxsize=512)
def _annual(schedule: tuple[float, ...], cliff_months: int, frequency: str) -> Array:
    units = _monthly_units(schedule, cliff_months, frequency)
    out = units.reshape(len(schedule), 12).sum(axis=1) / _UNITS
    out.setflags(write=False)
    return out


def annual_vest_fractions(
    schedule: object = None,
    cliff_months: float = CLIFF_MONTHS,
    frequency: object = FREQUENCY,
    years: int | None = None,
) -> Array:
    """Fraction of the grant delivered in each year; zeros after the last vest.

    Parameters
    ----------
    schedule : str, sequence of float or None, optional
        Yearly vest percentages (see :func:`parse_schedule`).
    cliff_months : int, optional
        Months before the first vest.
    frequency : str, optional
        ``monthly``, ``quarterly`` or ``annual`` vesting after the cliff.
    years : int, optional
        Length of the result; default the schedule's length.

    Returns
    -------
    numpy.ndarray
        One fraction per year of service.

    References
    ----------
    None

    Examples
    --------
    >>> annual_vest_fractions("5/15/40/40", 12, "quarterly", years=6).tolist()
    [0.05, 0.15, 0.4, 0.4, 0.0, 0.0]
    """
    sched = parse_schedule(schedule)
    cliff = _whole(cliff_months, "rsu_cliff_months", default=CLIFF_MONTHS)
    annual = _annual(sched, cliff, parse_frequency(frequency))
    n = len(annual) if years is None else years
    out = np.zeros(n)
    m = min(n, len(annual))
    out[:m] = annual[:m]
    return out


def vest_events(
    grant: float,
    schedule: object = None,
    cliff_months: float = CLIFF_MONTHS,
    frequency: object = FREQUENCY,
    years: int | None = None,
) -> list[tuple[int, float, float]]:
    """Vest dates as ``(month, fraction, amount)``, months counted from the start.

    Parameters
    ----------
    grant : float
        Total grant value.
    schedule : str, sequence of float or None, optional
        Yearly vest percentages (see :func:`parse_schedule`).
    cliff_months : int, optional
        Months before the first vest.
    frequency : str, optional
        ``monthly``, ``quarterly`` or ``annual`` vesting after the cliff.
    years : int, optional
        Keep only the events of the first ``years`` years.

    Returns
    -------
    list of tuple of (int, float, float)
        Month (1-based), fraction of the grant and amount of each vest date.

    References
    ----------
    None

    Examples
    --------
    >>> vest_events(1000, "25/25/25/25", 12, "annual")
    [(12, 0.25, 250.0), (24, 0.25, 250.0), (36, 0.25, 250.0), (48, 0.25, 250.0)]
    """
    sched = parse_schedule(schedule, "schedule")
    fractions = monthly_vest_fractions(sched, cliff_months, parse_frequency(frequency, "frequency"))
    if years is not None:
        fractions = fractions[: 12 * years]
    months = np.flatnonzero(fractions > 1e-12)
    return [(int(m) + 1, float(fractions[m]), float(grant * fractions[m])) for m in months]


def vested_through_month(
    grant: float,
    month: float,
    schedule: object = None,
    cliff_months: float = CLIFF_MONTHS,
    frequency: object = FREQUENCY,
) -> float:
    """Grant value kept by someone who leaves at the end of ``month``.

    Parameters
    ----------
    grant : float
        Total grant value.
    month : float
        Months of service; what vested in months 1..month is kept.
    schedule : str, sequence of float or None, optional
        Yearly vest percentages (see :func:`parse_schedule`).
    cliff_months : int, optional
        Months before the first vest.
    frequency : str, optional
        ``monthly``, ``quarterly`` or ``annual`` vesting after the cliff.

    Returns
    -------
    float
        The vested value.

    References
    ----------
    None

    Examples
    --------
    >>> vested_through_month(48_000, 11), vested_through_month(48_000, 12)
    (0.0, 12000.0)
    >>> vested_through_month(48_000, 17)
    15000.0
    """
    sched = parse_schedule(schedule)
    cliff = _whole(cliff_months, "rsu_cliff_months", default=CLIFF_MONTHS)
    units = _monthly_units(sched, cliff, parse_frequency(frequency))
    m = int(max(0, min(month, len(units))))
    return float(grant * (units[:m].sum() / _UNITS))


@overload
def ownership_factor(dilution: float, rounds: float) -> float: ...
@overload
def ownership_factor(dilution: npt.ArrayLike, rounds: npt.ArrayLike) -> Amount: ...
def ownership_factor(dilution: npt.ArrayLike, rounds: npt.ArrayLike) -> Amount:
    """Share of the original stake left after ``rounds`` rounds of ``dilution`` new shares.

    Parameters
    ----------
    dilution : float or array_like
        New shares issued per existing share in each round (0.2 for 20 %).
    rounds : float or array_like
        Number of rounds.

    Returns
    -------
    float or numpy.ndarray
        ``(1 + dilution) ** -rounds``; a float for plain numbers, an array otherwise.

    References
    ----------
    None

    Examples
    --------
    >>> round(ownership_factor(0.20, 3), 4)
    0.5787
    >>> ownership_factor([0.0, 0.25], 2).tolist()
    [1.0, 0.64]
    """
    d = np.asarray(dilution, dtype=float)
    return scalar_out((1.0 + d) ** -np.asarray(rounds, dtype=float), dilution, rounds)


@overload
def option_payoff(
    price: float,
    strike: float,
    dilution: float = 0.0,
    exit_multiple: float = 1.0,
    years: float = 0.0,
) -> float: ...
@overload
def option_payoff(
    price: npt.ArrayLike,
    strike: npt.ArrayLike,
    dilution: npt.ArrayLike = 0.0,
    exit_multiple: npt.ArrayLike = 1.0,
    years: npt.ArrayLike = 0.0,
) -> Amount: ...
def option_payoff(
    price: npt.ArrayLike,
    strike: npt.ArrayLike,
    dilution: npt.ArrayLike = 0.0,
    exit_multiple: npt.ArrayLike = 1.0,
    years: npt.ArrayLike = 0.0,
) -> Amount:
    """Payoff per option at an exit after ``years`` yearly dilution rounds.

    Parameters
    ----------
    price : float or array_like
        Current price per share (409A or preferred).
    strike : float or array_like
        Exercise price per share.
    dilution : float or array_like, optional
        Yearly dilution (new shares per existing share).
    exit_multiple : float or array_like, optional
        Exit price as a multiple of today's price.
    years : float or array_like, optional
        Dilution rounds before the exit.

    Returns
    -------
    float or numpy.ndarray
        ``max(price * exit_multiple / (1 + dilution) ** years - strike, 0)``; a float for
        plain numbers, an array of the broadcast shape otherwise.

    References
    ----------
    None

    Examples
    --------
    >>> option_payoff(4.0, 1.0, 0.0, 2.0)
    7.0
    >>> option_payoff([0.5, 4.0], 1.0).tolist()
    [0.0, 3.0]
    """
    exit_price = (
        np.asarray(price, dtype=float)
        * np.asarray(exit_multiple, dtype=float)
        * ownership_factor(dilution, years)
    )
    payoff = np.maximum(exit_price - np.asarray(strike, dtype=float), 0.0)
    return scalar_out(payoff, price, strike, dilution, exit_multiple, years)


@lru_cache(maxsize=8)
def _draws(seed: int, paths: int) -> tuple[Array, Array]:
    """The seeded uniform and standard-normal draws (the same for every call with the seed)."""
    rng = np.random.default_rng(seed)
    uniform, normal = rng.random(paths), rng.standard_normal(paths)
    uniform.setflags(write=False)
    normal.setflags(write=False)
    return uniform, normal


@dataclass(frozen=True)
class OptionValue:
    """Expected value of an option grant and the spread of simulated outcomes."""

    expected_value: float
    mc_mean: float
    p10: float
    p50: float
    p90: float
    prob_zero: float
    paths: int


def option_value(
    shares: float,
    strike: float,
    price: float,
    dilution: float = 0.0,
    exit_probability: float = 1.0,
    exit_multiple: float = 1.0,
    *,
    years: float | None = None,
    volatility: float | None = None,
    paths: int | None = None,
    seed: int = 20_251_127,
) -> OptionValue:
    """Value an option grant: closed-form expectation plus a seeded Monte Carlo.

    The expectation is ``exit_probability * shares * option_payoff(...)``.
    The simulation draws, per path, whether an exit happens (Bernoulli with
    ``exit_probability``) and the exit multiple (lognormal with mean
    ``exit_multiple`` and log-volatility ``volatility``); the spread of those
    outcomes (p10 / p50 / p90, chance of nothing) is what a negotiator should
    see next to the mean.  Vectorised over paths.

    Parameters
    ----------
    shares : float
        Number of options.
    strike : float
        Exercise price per share.
    price : float
        Current price per share.
    dilution : float, optional
        Yearly dilution (new shares per existing share).
    exit_probability : float, optional
        Chance of a liquidity event.
    exit_multiple : float, optional
        Expected exit price as a multiple of today's price.
    years : float, optional
        Years (dilution rounds) until the exit; default the assumption
        ``option_exit_years`` (``data/assumptions.yaml``, as last dated).
    volatility : float, optional
        Log-volatility of the exit multiple in the simulation; default the assumption
        ``option_exit_volatility``.
    paths : int, optional
        Number of simulated paths; default the assumption ``option_monte_carlo_paths``.
    seed : int, optional
        Seed of the simulation's draws.

    Returns
    -------
    OptionValue
        The expectation, the simulated mean, p10 / p50 / p90 and the chance of nothing.

    Raises
    ------
    InvalidInputError
        A negative, infinite, NaN or non-number amount, dilution, exit multiple, years or
        volatility; an exit probability outside 0 to 1; paths that are not a whole number from
        1 to 1,000,000; a negative seed; or a value too large to be a number.

    References
    ----------
    None

    Examples
    --------
    >>> v = option_value(40_000, 1.0, 4.0, 0.2, 0.3, 1.0, years=0, volatility=0.0)
    >>> v.expected_value, abs(v.mc_mean / v.expected_value - 1) < 0.02
    (36000.0, True)
    """
    shares, strike, price, dilution, exit_multiple = (
        _amount(value, name)
        for value, name in (
            (shares, "shares"),
            (strike, "strike"),
            (price, "price"),
            (dilution, "dilution"),
            (exit_multiple, "exit_multiple"),
        )
    )
    chance = finite_number(exit_probability)
    if chance is None or not 0 <= chance <= 1:
        raise InvalidInputError("exit_probability must be a number from 0 to 1")
    exit_probability = chance
    years = _amount(_assumption("option_exit_years") if years is None else years, "years")
    volatility = _amount(
        _assumption("option_exit_volatility") if volatility is None else volatility, "volatility"
    )
    count = finite_number(_assumption("option_monte_carlo_paths") if paths is None else paths)
    if count is None or count != int(count) or not 1 <= count <= _MAX_PATHS:
        raise InvalidInputError(f"paths must be a whole number from 1 to {_MAX_PATHS:,}")
    paths = int(count)
    whole_seed = finite_number(seed)
    if not isinstance(seed, (int, np.integer)) or whole_seed is None or whole_seed < 0:
        raise InvalidInputError("seed must be a whole number, 0 or more")
    uniform, z = _draws(seed, paths)
    exits = uniform < exit_probability
    with np.errstate(over="ignore", invalid="ignore"):  # out of range: refused below
        ev = float(exit_probability * shares * option_payoff(price, strike, dilution, exit_multiple, years))
        # lognormal multiple whose mean is exit_multiple; a huge volatility sends it to 0 (its limit)
        sigma = np.float64(volatility)
        multiple = exit_multiple * np.exp(sigma * z - 0.5 * sigma**2)
        payoff = shares * option_payoff(price, strike, dilution, multiple, years) * exits
        mean = float(payoff.mean())
    if not (math.isfinite(ev) and math.isfinite(mean) and np.isfinite(payoff).all()):
        raise InvalidInputError(
            "option value is out of range: check the sizes of shares, price and exit_multiple"
        )
    p10, p50, p90 = np.percentile(payoff, [10, 50, 90])
    return OptionValue(
        expected_value=ev,
        mc_mean=mean,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        prob_zero=float(np.mean(payoff <= 0.0)),
        paths=paths,
    )


def _amount(value: object, name: str) -> float:
    number = finite_number(value)
    if number is None or number < 0:
        raise InvalidInputError(f"{name} must be a finite number, 0 or more")
    return number


def exit_year() -> int:
    """The offer year of the assumed liquidity event (``option_exit_years``, as last dated):
    when an offer's options are exercised and sold unless its ``option_exit_year`` says.

    Returns
    -------
    int
        The year, 1 or more.

    References
    ----------
    ``data/assumptions.yaml``: ``option_exit_years`` (an assumption, not a fact).

    Examples
    --------
    >>> exit_year() >= 1
    True
    """
    return max(1, round(_assumption("option_exit_years")))


def _assumption(name: str) -> float:
    """A modelling assumption of the option valuation as last dated: the valuation is of the
    options as they stand and has no date of its own, so a revised assumption applies at once."""
    return float(in_force(load_parameters(_ASSUMPTIONS)[name]))


def _whole(value: object, field: str, default: int) -> int:
    if value is None:
        return default
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInputError(f"{field} must be a whole number of months") from None
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise InvalidInputError(f"{field} must be a whole number of months")
    return int(number)
