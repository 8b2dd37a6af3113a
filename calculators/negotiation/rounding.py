"""Amounts a person can say: the brief's asks rounded to the step of their currency and size.

The steps are data (``data/ask_rounding.yaml``, ``ask_step``): per currency, the step paired
with the largest threshold at or below the amount (100,000 JPY for a salary in millions,
1,000 USD for one in thousands); a currency not listed keeps three significant figures.
Which way to round is the caller's: an ask capped by the market is rounded *down* when
rounding to the nearest step would pass the cap, what it takes to beat an alternative is
rounded *up* (so that it still beats it), a figure merely cited is rounded to the nearest.
"""

from __future__ import annotations

import bisect
import math

from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.negotiation.checks import check_finite
from calculators.params import DATA_DIR, load_parameters

__all__ = ["ROUNDING", "spoken_step", "spoken"]

_DATA = DATA_DIR / "ask_rounding.yaml"
ROUNDING = ("nearest", "up", "down")  # the ways :func:`spoken` rounds


def _code(currency: object) -> str:
    if not isinstance(currency, str) or not currency.strip():
        raise InvalidInputError("currency must be a currency code such as JPY")
    return currency.strip().upper()


def spoken_step(amount: float, currency: str) -> float:
    """The step an amount of ``currency`` is said in, by its size.

    Parameters
    ----------
    amount : float
        The amount (its size picks the step; the sign is ignored).
    currency : str
        An ISO 4217 code (case-blind).

    Returns
    -------
    float
        The step, in units of ``currency``: the step of the largest threshold at or below
        ``amount`` in ``ask_step``, or (a currency not listed) the step that keeps its
        significant figures, never below 1.

    Raises
    ------
    InvalidInputError
        An amount that is not a finite number, or a currency that is not text.

    References
    ----------
    ``calculators/data/ask_rounding.yaml`` (``ask_step``): a presentation convention.

    Examples
    --------
    >>> spoken_step(14_000_000, "JPY"), spoken_step(376_530, "usd"), spoken_step(840, "GBP")
    (100000.0, 1000.0, 100.0)
    >>> spoken_step(123_456, "XYZ")  # not listed: three significant figures
    1000.0
    """
    value = abs(check_finite(amount, "amount"))
    table = in_force(load_parameters(_DATA)["ask_step"])
    scale = table["currencies"].get(_code(currency))
    if scale is not None:
        i = bisect.bisect_right([float(t) for t in scale["thresholds"]], value) - 1
        return float(scale["steps"][max(i, 0)])
    if value < 1:
        return 1.0
    digits = int(table["significant_figures"])
    return float(max(1.0, 10.0 ** (math.floor(math.log10(value)) - digits + 1)))


def spoken(amount: float, currency: str, how: str = "nearest") -> float:
    """``amount`` rounded to its :func:`spoken_step`: to the nearest step, up or down.

    Parameters
    ----------
    amount : float
        The amount, in ``currency``.
    currency : str
        An ISO 4217 code (case-blind).
    how : str, optional
        ``nearest`` (half away from zero), ``up`` or ``down`` (towards plus or minus infinity).

    Returns
    -------
    float
        A whole number of steps.

    Raises
    ------
    InvalidInputError
        An amount that is not a finite number, a currency that is not text, or a way of
        rounding not of :data:`ROUNDING`.

    References
    ----------
    ``calculators/data/ask_rounding.yaml`` (``ask_step``): a presentation convention.

    Examples
    --------
    >>> spoken(22_405_499, "JPY"), spoken(22_405_499, "JPY", "down"), spoken(284_933, "USD", "up")
    (22400000.0, 22400000.0, 285000.0)
    >>> spoken(41_484_655, "JPY", "up"), spoken(1_125_190, "ILS")
    (41500000.0, 1125000.0)
    """
    if how not in ROUNDING:
        raise InvalidInputError("how must be one of " + ", ".join(ROUNDING))
    value = check_finite(amount, "amount")
    step = spoken_step(value, currency)
    units = value / step
    if how == "up":
        whole = math.ceil(units - 1e-9)
    elif how == "down":
        whole = math.floor(units + 1e-9)
    else:
        whole = int(math.copysign(math.floor(abs(units) + 0.5), units))
    return float(whole * step)
