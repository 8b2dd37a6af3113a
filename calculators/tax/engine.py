"""The common take-home engine: registry, result type and shared rule shapes.

A jurisdiction module registers one function with :func:`register`; its code,
currency and names come from the registry of places (``calculators/places.yaml``,
where the place names the module), and the tax years it supports are the years
its parameter files cover (:func:`covered_years`).  A jurisdiction whose rules depend
on the person's age states the ages they model (``register(ages=...)``: the dated parameter
``modelled_ages`` of its files, ``{from_age, to_age}``, or a ``(low, high)`` pair); the
engine then applies the one default age (:data:`calculators.defaults.AGE`) and checks the
age against the year's range before the jurisdiction's function runs, which reads
``options["age"]`` as a checked whole number.  The
function receives salary and equity income (numpy arrays of the same shape,
in local currency, per tax year), the tax year and its options, and returns
an ordered mapping of *line name -> amount withheld* (arrays, each >= 0).
Net pay is gross minus the sum of the lines.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import importlib
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.defaults import AGE
from calculators.errors import (
    InvalidInputError,
    MissingParameterError,
)
from calculators.params import Parameter, load_parameters
from calculators.places import PLACES, canonical_code, place_for_module
from calculators.scalar import Amount, scalar_out

__all__ = [
    "TaxResult",
    "Jurisdiction",
    "register",
    "covered_years",
    "get_jurisdiction",
    "supported_codes",
    "marginal_tax",
    "capped_rate",
    "params",
    "compute",
    "forget",
    "MONTHS",
    "checked_pay_months",
]

Array = npt.NDArray[np.float64]
LineFunc = Callable[[Array, Array, int, Mapping[str, Any]], "dict[str, Array]"]

PARAMS_DIR = Path(__file__).parent / "params"
MONTHS = 12  # months in a tax year, the most a job can pay in one


def checked_pay_months(value: object) -> int:
    """The months of a tax year a job pays in: a whole number from 1 to :data:`MONTHS`.

    Parameters
    ----------
    value : int
        The number of months.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    InvalidInputError
        Not a whole number from 1 to 12, naming ``pay_months``.

    References
    ----------
    None

    Examples
    --------
    >>> checked_pay_months(3)
    3
    >>> checked_pay_months(0)
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: pay_months must be a whole number from 1 to 12
    """
    if (
        not isinstance(value, (int, np.integer))
        or isinstance(value, (bool, np.bool_))
        or not 1 <= value <= MONTHS
    ):
        raise InvalidInputError(f"pay_months must be a whole number from 1 to {MONTHS}")
    return int(value)


@dataclass(frozen=True)
class Jurisdiction:
    """A registered set of rules."""

    code: str
    currency: str
    years: tuple[int, ...]
    aliases: tuple[str, ...]
    options: Mapping[str, Any]
    lines: LineFunc
    description: str = ""
    ages: tuple[int, int] | None = None  # the ages the rules model (latest covered year), inclusive
    age_limits: Parameter | None = None  # their dated source, where the rules register one

    def ages_in(self, year: int) -> tuple[int, int] | None:
        """The ages (whole years, both inclusive) the rules model in a tax year.

        Parameters
        ----------
        year : int
            Tax year.

        Returns
        -------
        tuple of int or None
            ``(low, high)``, from the dated ``age_limits`` where the rules registered them;
            ``None`` for rules that do not depend on age.

        References
        ----------
        The ``modelled_ages`` parameter of the jurisdiction's files, which cites its source.

        Examples
        --------
        >>> get_jurisdiction("London").ages_in(2025)
        (16, 120)
        """
        if self.age_limits is None:
            return self.ages
        return _age_range(self.age_limits.at(year))


@dataclass(frozen=True)
class TaxResult:
    """Take-home pay with every withholding line reported separately."""

    jurisdiction: str
    year: int
    currency: str
    gross: Array
    lines: dict[str, Array]

    @property
    def total_withheld(self) -> Array:
        total = np.zeros_like(self.gross)
        for amount in self.lines.values():
            total = total + amount
        return total

    @property
    def net(self) -> Array:
        return self.gross - self.total_withheld


_REGISTRY: dict[str, Jurisdiction] = {}


def covered_years(files: Sequence[str]) -> tuple[int, ...]:
    """The tax years a set of parameter files covers.

    ``files`` are paths under ``params/`` without ``.yaml`` (``"us/federal"``).  The years
    run from the first in which every parameter named in the files has a value in force
    to the last in which any of them takes a new dated value.

    Parameters
    ----------
    files : sequence of str
        Parameter files as ``"<folder>/<name>"``.

    Returns
    -------
    tuple of int
        The covered years, ascending; empty when the files hold no parameter.

    References
    ----------
    None

    Examples
    --------
    >>> covered_years(["gb/income_tax", "gb/national_insurance"])
    (2025, 2026)
    """
    first: dict[str, int] = {}
    last = 0
    for file in files:
        folder, name = file.split("/")
        for key, param in params(folder, name).items():
            first[key] = min(first.get(key, param.dates[0].year), param.dates[0].year)
            last = max(last, param.dates[-1].year)
    if not first:
        return ()
    return tuple(range(max(first.values()), last + 1))


def register(
    *,
    ages: Parameter | tuple[int, int] | None = None,
    options: Mapping[str, Any] | None = None,
    description: str = "",
) -> Callable[[LineFunc], LineFunc]:
    """Register a jurisdiction's line function for the place whose tax module defines it.

    Parameters
    ----------
    ages : Parameter or tuple of int, optional
        The ages (whole years, both inclusive) the rules model, for rules that depend on
        age: a dated parameter whose values are ``{from_age, to_age}`` (the ``modelled_ages``
        of the jurisdiction's files), or a ``(low, high)`` pair.  The jurisdiction then takes
        the ``age`` option, whose default is :data:`calculators.defaults.AGE`'s, and the engine
        checks it against the tax year's range.
    options : mapping, optional
        The other options the rules accept, with their defaults (``{"credit_points": 2.25}``).
    description : str, optional
        One line saying what the rules cover.

    Returns
    -------
    callable
        A decorator that records the line function and returns it unchanged.

    References
    ----------
    None

    Examples
    --------
    >>> london = get_jurisdiction("London")
    >>> london.options["age"] == AGE.default, london.ages[0] <= AGE.default <= london.ages[1]
    (True, True)
    """

    def inner(func: LineFunc) -> LineFunc:
        place = place_for_module(func.__module__)
        opts = dict(options or {})
        if ages is not None:
            opts["age"] = AGE.default
        years = covered_years(place.tax_params)
        limits, span = (ages, _age_range(ages.at(years[-1]))) if isinstance(ages, Parameter) else (None, ages)
        _REGISTRY[place.code] = Jurisdiction(
            code=place.code,
            currency=place.currency,
            years=years,
            aliases=place.names,
            options=opts,
            lines=func,
            description=description,
            ages=span,
            age_limits=limits,
        )
        return func

    return inner


def supported_codes() -> list[str]:
    """The registered jurisdiction codes, sorted.

    Returns
    -------
    list of str
        Codes such as ``"JP-TOKYO"``.

    References
    ----------
    None

    Examples
    --------
    >>> supported_codes()[:3]
    ['CA-ON', 'DE', 'GB-ENG']
    """
    _load_all()
    return sorted(_REGISTRY)


def get_jurisdiction(name: str) -> Jurisdiction:
    """Look up a jurisdiction by code or alias (case-blind).

    Parameters
    ----------
    name : str
        A jurisdiction code or a city alias.

    Returns
    -------
    Jurisdiction
        The registered rules, their currency and the years they cover.

    Raises
    ------
    UnknownJurisdictionError
        When no place has that code or alias.

    References
    ----------
    None

    Examples
    --------
    >>> j = get_jurisdiction("Seattle")
    >>> j.code, j.currency
    ('US-WA', 'USD')
    """
    _load_all()
    return _REGISTRY[canonical_code(name)]


def _load_all() -> None:
    # Importing each place's tax module registers it.
    for place in PLACES.values():
        if place.code not in _REGISTRY:
            importlib.import_module(place.tax_module)


@functools.cache
def params(folder: str, name: str) -> dict[str, Parameter]:
    """Parameters of ``params/<folder>/<name>.yaml`` (the file's cached mapping, looked up once).

    Parameters
    ----------
    folder : str
        The parameter folder (``"gb"``).
    name : str
        The file name without ``.yaml`` (``"income_tax"``).

    Returns
    -------
    dict of str to Parameter
        The file's parameters by name.

    References
    ----------
    None

    Examples
    --------
    >>> params("gb", "income_tax")["personal_allowance"].unit
    'GBP'
    """
    return load_parameters(PARAMS_DIR / folder / f"{name}.yaml")


@overload
def marginal_tax(income: float, thresholds: list[float], rates: list[float]) -> float: ...
@overload
def marginal_tax(income: Array | Sequence[float], thresholds: list[float], rates: list[float]) -> Array: ...
def marginal_tax(income: npt.ArrayLike, thresholds: list[float], rates: list[float]) -> Amount:
    """Tax on ``income`` under a marginal-rate scale.

    ``thresholds[i]`` is the lower bound of the band taxed at ``rates[i]``.

    Parameters
    ----------
    income : float or array_like
        Taxable income (negative counts as 0).
    thresholds : list of float
        Lower bound of each band, ascending, the first usually 0.
    rates : list of float
        Rate of each band, as a fraction.

    Returns
    -------
    float or numpy.ndarray
        The tax; a float for a plain number, an array shaped like ``income`` otherwise.

    References
    ----------
    None

    Examples
    --------
    >>> marginal_tax(50_000, [0, 10_000, 40_000], [0.0, 0.2, 0.4])
    10000.0
    >>> marginal_tax([5_000, 50_000], [0, 10_000, 40_000], [0.0, 0.2, 0.4]).tolist()
    [0.0, 10000.0]
    """
    x = np.maximum(np.asarray(income, dtype=float), 0.0)
    t = np.asarray(thresholds, dtype=float)
    r = np.asarray(rates, dtype=float)
    # the tax below each band's lower bound, added up band by band in order, and the band
    # each income falls in: one look-up an income instead of every band for every income
    below = np.concatenate(([0.0], np.cumsum(np.diff(t) * r[:-1])))
    k = np.searchsorted(t, x, side="right") - 1
    inside = k >= 0
    at = np.where(inside, k, 0)
    tax = np.where(inside, below[at] + (x - t[at]) * r[at], 0.0)
    return scalar_out(tax, income)


@overload
def capped_rate(base: float, rate: float, cap: float | None = None, *, floor: float = 0.0) -> float: ...
@overload
def capped_rate(
    base: Array | Sequence[float], rate: float, cap: float | None = None, *, floor: float = 0.0
) -> Array: ...
def capped_rate(base: npt.ArrayLike, rate: float, cap: float | None = None, *, floor: float = 0.0) -> Amount:
    """``rate`` times the part of ``base`` between ``floor`` and ``cap`` (a wage band).

    The one shape of a contribution on a band of pay: nothing below ``floor`` (an exemption or
    a threshold), nothing above ``cap`` (a wage ceiling).

    Parameters
    ----------
    base : float or array_like
        The amount the rate applies to (below ``floor`` counts as ``floor``).
    rate : float
        The rate, as a fraction.
    cap : float, optional
        Ceiling on the base; ``None`` for no ceiling.
    floor : float, optional
        The part of the base the rate does not apply to (0: from the first unit).

    Returns
    -------
    float or numpy.ndarray
        The charge; a float for a plain number, an array shaped like ``base`` otherwise.

    References
    ----------
    None

    Examples
    --------
    >>> capped_rate(200_000, 0.062, 176_100)
    10918.2
    >>> capped_rate([-5.0, 1_000.0], 0.5).tolist()
    [0.0, 500.0]
    >>> capped_rate([1_000.0, 3_000.0, 9_000.0], 0.1, 5_000.0, floor=2_000.0).tolist()
    [0.0, 100.0, 300.0]
    """
    b = np.maximum(np.asarray(base, dtype=float), floor)
    if cap is not None:
        b = np.minimum(b, cap)
    return scalar_out((b - floor) * rate, base)


def compute(
    gross: npt.ArrayLike,
    jurisdiction: str,
    year: int,
    equity_income: npt.ArrayLike = 0.0,
    *,
    rsu_income: npt.ArrayLike | None = None,
    pay_months: int = MONTHS,
    arrival: bool = False,
    departure: bool = False,
    exempt_income: npt.ArrayLike = 0.0,
    **options: Any,
) -> TaxResult:
    """Take-home pay for salary ``gross`` plus ``equity_income`` in a tax year.

    ``gross`` is the yearly salary (cash pay, bonus included); equity income is
    taxed as employment income where the work is done.  Both are in the
    jurisdiction's currency and may be scalars or arrays of one shape.  ``age``, where the
    jurisdiction takes it, is a whole number within the ages it registered (default
    :data:`calculators.defaults.AGE`); outside them the error names age and the range.

    Parameters
    ----------
    gross : float or array_like
        Yearly salary, local currency, not negative.
    jurisdiction : str
        A jurisdiction code or alias (``"GB-ENG"``, ``"London"``).
    year : int
        Tax year; one the jurisdiction's parameter files cover.
    equity_income : float or array_like, optional
        RSU vests and option income taxed as employment income.
    rsu_income : float or array_like, optional
        The part of ``equity_income`` that is share awards (RSU vests), for rules that treat it
        apart from option gains (Japan's ``rsu_social_insurance``); blank: all of it.  Given to
        the rules as the option ``rsu_income``.
    pay_months : int, optional
        How many months of the tax year the job pays in, its last ``pay_months`` (a job that
        starts in October pays in three of a calendar tax year): rules that work on the month
        (payroll contributions with monthly ceilings) spread the year's pay over them.  Given
        to the rules as the option ``pay_months``; default the whole year.
    arrival : bool, optional
        The tax year the person becomes resident here, arriving from another country; each
        rule that treats that year apart reads it as the option ``arrival`` (the US: a
        dual-status year without the standard deduction).  Default: resident all year.
    departure : bool, optional
        The tax year the person leaves for another country, its pay the months before
        leaving: ``pay_months`` are then the first months of the year.  Read as the option
        ``departure`` (Japan: no 住民税 on the year's income; the US: a dual-status year).
    exempt_income : float or array_like, optional
        Income of the year that is not taxed here but counts for the rate, in local currency:
        pay abroad before arriving.  Read as the option ``exempt_income`` (Germany's
        Progressionsvorbehalt, § 32b EStG); default none.
    **options
        The jurisdiction's options (``age`` and others); ``None`` keeps the default.

    Returns
    -------
    TaxResult
        Gross, every withholding line and the net, as arrays of the inputs' shape.

    Raises
    ------
    InvalidInputError
        A negative or non-numeric amount, a year that is not a whole calendar year (1 to 9999),
        an unknown option.
    MissingParameterError
        A year the parameter files do not cover.

    Notes
    -----
    A call of plain numbers, or of arrays of a few numbers, is answered from the latest such
    calls when it was made before: the rules are pure functions of their inputs and of the
    parameter files, read once.  Each caller gets a copy of the result.

    References
    ----------
    The rules of each jurisdiction module, which cite their sources.

    Examples
    --------
    >>> r = compute(50_000, "London", 2025)
    >>> list(r.lines), round(float(r.net), 2)
    (['income_tax', 'employee_ni'], 39520.08)
    """
    key = _plain_key(
        (gross, jurisdiction, year, equity_income, rsu_income, pay_months, arrival, departure, exempt_income),
        options,
    )
    # the rules the code names now (a kept result of rules since replaced is not theirs)
    jur = get_jurisdiction(jurisdiction)
    if key is not None:
        with _KEPT_LOCK:
            kept = _KEPT.get(key)
            if kept is not None:
                _KEPT.move_to_end(key)
        if kept is not None and kept[0] is jur:
            return _copy(kept[1])
    result = _compute(
        gross,
        jur,
        year,
        equity_income,
        rsu_income=rsu_income,
        pay_months=pay_months,
        arrival=arrival,
        departure=departure,
        exempt_income=exempt_income,
        **options,
    )
    if key is not None:
        with _KEPT_LOCK:
            _KEPT[key] = (jur, _copy(result))
            while len(_KEPT) > _KEPT_MAX:
                _KEPT.popitem(last=False)
    return result


# The latest results of calls of plain numbers, by their arguments (see compute's Notes):
# some 1 to 4 KiB each.  A result is kept as a copy and handed out as one: nobody holds the kept.
_KEPT: collections.OrderedDict[tuple[Any, ...], tuple[Jurisdiction, TaxResult]] = collections.OrderedDict()
_KEPT_MAX = 4_096
_KEPT_SIZE = 16  # numbers in an array kept: a few offers, years or counters at once
_KEPT_LOCK = threading.Lock()
_PLAIN = (bool, int, str, type(None))


def forget() -> None:
    """Drop the results :func:`compute` keeps, so that the next calls run the rules.

    For a benchmark, which times the rules and not the look-up.

    Returns
    -------
    None

    References
    ----------
    None

    Examples
    --------
    >>> forget()
    """
    with _KEPT_LOCK:
        _KEPT.clear()


def _plain_key(args: tuple[Any, ...], options: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The arguments as a key: each one a plain number (a float, or numpy's float of no
    dimension, by its exact bits, so that -0.0 is not 0.0), an array of at most
    :data:`_KEPT_SIZE` floats (its shape and bits), text, a flag or ``None``; else ``None``
    (not kept)."""
    key: list[Any] = []
    named = [(None, value) for value in args] + sorted(options.items())
    for name, value in named:
        kind = type(value)
        if kind is np.ndarray and value.ndim == 0 and value.dtype.kind == "f" or kind is np.float64:
            value, kind = float(value), float  # one number: what compute makes of a float
        if kind is float:
            key.append((name, "f", value.hex()))
        elif kind is np.ndarray and value.dtype == np.float64 and value.size <= _KEPT_SIZE:
            key.append((name, value.shape, value.tobytes()))  # a few numbers, by their bits
        elif kind in _PLAIN:
            key.append((name, kind.__name__, value))
        else:
            return None
    return tuple(key)


def _copy(result: TaxResult) -> TaxResult:
    return TaxResult(
        result.jurisdiction,
        result.year,
        result.currency,
        result.gross.copy(),
        {name: amount.copy() for name, amount in result.lines.items()},
    )


def _compute(
    gross: npt.ArrayLike,
    jur: Jurisdiction,
    year: int,
    equity_income: npt.ArrayLike,
    *,
    rsu_income: npt.ArrayLike | None,
    pay_months: int,
    arrival: bool,
    departure: bool,
    exempt_income: npt.ArrayLike,
    **options: Any,
) -> TaxResult:
    salary = _money(gross, "gross")
    equity = _money(equity_income, "equity_income")
    salary, equity = np.broadcast_arrays(salary, equity)
    if (
        not isinstance(year, (int, np.integer))
        or isinstance(year, bool)
        or not dt.MINYEAR <= year <= dt.MAXYEAR
    ):
        raise InvalidInputError("year must be a whole number such as 2026")  # a calendar year
    if int(year) not in jur.years:
        covered = ", ".join(str(y) for y in jur.years)
        raise MissingParameterError(f"year {year} not covered for {jur.code}; covered: {covered}")
    unknown = sorted(set(options) - set(jur.options))
    if unknown:
        raise InvalidInputError(
            f"unknown option {', '.join(unknown)} for {jur.code}; options: "
            + (", ".join(sorted(jur.options)) or "none")
        )
    merged = {**jur.options, **{k: v for k, v in options.items() if v is not None}}
    ages = jur.ages_in(int(year))
    if ages is not None:  # the one age check, before the jurisdiction's rules run
        merged["age"] = AGE.within(*ages).check(merged["age"], jur.code)
    rsu = equity if rsu_income is None else np.broadcast_to(_money(rsu_income, "rsu_income"), equity.shape)
    merged["rsu_income"] = np.minimum(rsu.astype(float), equity.astype(float))
    merged["pay_months"] = checked_pay_months(pay_months)
    for flag, value in (("arrival", arrival), ("departure", departure)):
        if not isinstance(value, (bool, np.bool_)):
            raise InvalidInputError(f"{flag} must be true or false")
        merged[flag] = bool(value)
    merged["exempt_income"] = np.broadcast_to(_money(exempt_income, "exempt_income"), salary.shape)
    lines = jur.lines(salary.astype(float), equity.astype(float), int(year), merged)
    # a rule given 0-d arrays may hand back plain floats (scalar in, float out): the result's
    # lines are arrays of the inputs' shape whatever the rule returned
    shaped = {
        name: np.array(np.broadcast_to(amount, salary.shape), dtype=float) for name, amount in lines.items()
    }
    return TaxResult(jur.code, int(year), jur.currency, salary + equity, shaped)


def _age_range(value: Mapping[str, Any]) -> tuple[int, int]:
    return int(value["from_age"]), int(value["to_age"])


def _money(value: npt.ArrayLike, field: str) -> Array:
    if type(value) is float:  # one plain number, the common case: the same checks without numpy's
        if not math.isfinite(value):
            raise InvalidInputError(f"{field} must be a finite number")
        if value < 0:
            raise InvalidInputError(f"{field} must not be negative")
        return np.array(value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{field} must be a number") from None
    if not np.all(np.isfinite(arr)):
        raise InvalidInputError(f"{field} must be a finite number")
    if np.any(arr < 0):
        raise InvalidInputError(f"{field} must not be negative")
    return arr
