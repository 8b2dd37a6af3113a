"""The common take-home engine: registry, result type and shared rule shapes.

A jurisdiction module registers one function with :func:`register`.  The
function receives salary and equity income (numpy arrays of the same shape,
in local currency, per tax year), the tax year and its options, and returns
an ordered mapping of *line name -> amount withheld* (arrays, each >= 0).
Net pay is gross minus the sum of the lines.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import (
    InvalidInputError,
    MissingParameterError,
    UnknownJurisdictionError,
)
from calculators.params import Parameter, load_parameters
from calculators.places import JURISDICTIONS

__all__ = [
    "TaxResult",
    "Jurisdiction",
    "register",
    "get_jurisdiction",
    "supported_codes",
    "marginal_tax",
    "capped_rate",
    "params",
    "compute",
]

Array = npt.NDArray[np.float64]
LineFunc = Callable[[Array, Array, int, Mapping[str, Any]], "dict[str, Array]"]

PARAMS_DIR = Path(__file__).parent / "params"


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


_PLACES = {
    _alias.upper(): _code
    for _code, (_, _aliases) in JURISDICTIONS.items()
    for _alias in (_code, *_aliases)
}
_REGISTRY: dict[str, Jurisdiction] = {}
_ALIASES: dict[str, str] = {}


def register(
    code: str,
    *,
    currency: str,
    years: tuple[int, ...],
    aliases: tuple[str, ...] = (),
    options: Mapping[str, Any] | None = None,
    description: str = "",
) -> Callable[[LineFunc], LineFunc]:
    """Register a jurisdiction's line function under ``code`` and its aliases."""

    def inner(func: LineFunc) -> LineFunc:
        jur = Jurisdiction(
            code=code,
            currency=currency,
            years=years,
            aliases=aliases,
            options=dict(options or {}),
            lines=func,
            description=description,
        )
        _REGISTRY[code] = jur
        for name in (code, *aliases):
            _ALIASES[_norm(name)] = code
        return func

    return inner


def _norm(name: str) -> str:
    return " ".join(str(name).replace("_", "-").split()).upper()


def supported_codes() -> list[str]:
    """The registered jurisdiction codes, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def get_jurisdiction(name: str) -> Jurisdiction:
    """Look up a jurisdiction by code or alias (case-blind)."""
    _load_all()
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError("jurisdiction must be a code such as JP-TOKYO")
    code = _ALIASES.get(_norm(name))
    if code is None and _norm(name) in _PLACES:
        code = _ALIASES.get(_PLACES[_norm(name)])
    if code is None:
        raise UnknownJurisdictionError(
            "unknown jurisdiction; supported: " + ", ".join(supported_codes())
        )
    return _REGISTRY[code]


def _load_all() -> None:
    # Importing the package registers every jurisdiction module.
    import calculators.tax.jurisdictions  # noqa: F401


@functools.cache
def params(folder: str, name: str) -> dict[str, Parameter]:
    """Parameters of ``params/<folder>/<name>.yaml`` (the file's cached mapping, looked up once)."""
    return load_parameters(PARAMS_DIR / folder / f"{name}.yaml")


def marginal_tax(income: npt.ArrayLike, thresholds: list[float], rates: list[float]) -> Array:
    """Tax on ``income`` under a marginal-rate scale.

    ``thresholds[i]`` is the lower bound of the band taxed at ``rates[i]``.

    >>> float(marginal_tax(50_000, [0, 10_000, 40_000], [0.0, 0.2, 0.4]))
    10000.0
    """
    x = np.maximum(np.asarray(income, dtype=float), 0.0)
    t = np.asarray(thresholds, dtype=float)
    r = np.asarray(rates, dtype=float)
    upper = np.append(t[1:], np.inf)
    band = np.clip(x[..., None] - t, 0.0, upper - t)
    return np.asarray((band * r).sum(axis=-1), dtype=float)


def capped_rate(base: npt.ArrayLike, rate: float, cap: float | None = None) -> Array:
    """``rate`` times ``base``, the base limited to ``cap`` (a wage ceiling).

    >>> float(capped_rate(200_000, 0.062, 176_100))
    10918.2
    """
    b = np.maximum(np.asarray(base, dtype=float), 0.0)
    if cap is not None:
        b = np.minimum(b, cap)
    return np.asarray(b * rate, dtype=float)


def compute(
    gross: npt.ArrayLike,
    jurisdiction: str,
    year: int,
    equity_income: npt.ArrayLike = 0.0,
    **options: Any,
) -> TaxResult:
    """Take-home pay for salary ``gross`` plus ``equity_income`` in a tax year.

    ``gross`` is the yearly salary (cash pay, bonus included); equity income is
    taxed as employment income where the work is done.  Both are in the
    jurisdiction's currency and may be scalars or arrays of one shape.
    """
    jur = get_jurisdiction(jurisdiction)
    salary = _money(gross, "gross")
    equity = _money(equity_income, "equity_income")
    salary, equity = np.broadcast_arrays(salary, equity)
    if not isinstance(year, (int, np.integer)) or isinstance(year, bool):
        raise InvalidInputError("year must be a whole number such as 2026")
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
    lines = jur.lines(salary.astype(float), equity.astype(float), int(year), merged)
    return TaxResult(jur.code, int(year), jur.currency, salary + equity, lines)


def _money(value: npt.ArrayLike, field: str) -> Array:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{field} must be a number") from None
    if not np.all(np.isfinite(arr)):
        raise InvalidInputError(f"{field} must be a finite number")
    if np.any(arr < 0):
        raise InvalidInputError(f"{field} must not be negative")
    return arr
