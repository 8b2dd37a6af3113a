"""What a disclosed amount says: rounded as a person says it, and whether it undercuts you.

Two rules for the numbers a user tells a recruiter (the recruiter copy of
``negotiate share``, the brief's asks):

- :func:`spoken_amount` rounds an amount as a person says it out loud (58,413,693.12 JPY
  is "58.4 million", 58,400,000), to the nearest step, up or down, with the steps of
  ``data/rounding.yaml`` — presentation conventions, not figures of the world; it is the one
  rounding of the recruiter copy and the brief alike;
- :func:`below_offers` finds each disclosed amount that is below the value of an offer the
  user already holds (on the comparison's basis, in the home currency) and returns it as a
  :class:`~calculators.notes.Note`: a recruiter who hears a number anchors on it, so telling
  less than an offer in hand gives money away.  The note is a warning, never a refusal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.notes import Note
from calculators.params import DATA_DIR, load_parameters
from calculators.scalar import Amount, scalar_out
from calculators.valuation.compare import ComparisonRow

__all__ = ["ROUNDING", "spoken_amount", "below_offers", "BELOW_OFFER"]

_DATA = DATA_DIR / "rounding.yaml"
#: the code of the note :func:`below_offers` gives
BELOW_OFFER = "disclosure_below_offer"
#: the ways :func:`spoken_amount` rounds
ROUNDING = ("nearest", "up", "down")
_TOLERANCE = 1e-9  # a float a hair off a whole step is on it (no step added or lost to noise)


def _currency(currency: object) -> str:
    if not isinstance(currency, str) or not currency.strip():
        raise InvalidInputError("currency must be a currency code such as JPY")
    return currency.strip().upper()


@overload
def spoken_amount(amount: float, currency: str, how: str = ..., significant: bool = ...) -> float: ...
@overload
def spoken_amount(
    amount: npt.ArrayLike, currency: str, how: str = ..., significant: bool = ...
) -> Amount: ...
def spoken_amount(
    amount: npt.ArrayLike, currency: str, how: str = "nearest", significant: bool = True
) -> Amount:
    """``amount`` rounded as a person says it out loud: to three significant digits, never
    finer than the currency's least step (10,000 JPY, 1,000 USD; ``data/rounding.yaml``),
    to the nearest step, up or down.

    The one rounding of every amount a user says: the recruiter copy's disclosed amounts
    (nearest), the brief's ask (nearest, or down when that would pass the market's top),
    what beating the best alternative takes (up, so that it still beats it).

    Parameters
    ----------
    amount : float or array_like
        Amounts in ``currency``.
    currency : str
        Their currency (ISO 4217, case-blind).
    how : str, default "nearest"
        ``nearest`` (a half away from zero), ``up`` or ``down`` (towards plus or minus
        infinity): one of :data:`ROUNDING`.
    significant : bool, default True
        ``False`` for an amount the person chose themselves (their target): it keeps its
        own digits and is only rounded to the least step.

    Returns
    -------
    float or numpy.ndarray
        The rounded amounts, in the shape given (a float for a plain number).

    Raises
    ------
    InvalidInputError
        When an amount is not a finite number, ``currency`` is not text or ``how`` is not
        of :data:`ROUNDING`.

    References
    ----------
    ``calculators/data/rounding.yaml``: presentation conventions, not figures of the world.

    Examples
    --------
    >>> spoken_amount(58413693.12446462, "JPY"), spoken_amount(9_876_543, "JPY")
    (58400000.0, 9880000.0)
    >>> spoken_amount([372622.4, 1234.0, 0.0, -5555.0], "USD")
    array([373000.,   1000.,      0.,  -6000.])
    >>> spoken_amount(22_449_999, "JPY", "up"), spoken_amount(417_791, "USD", "down")
    (22500000.0, 417000.0)
    >>> [spoken_amount(x, "JPY", significant=False) for x in (17_250_000, 17_251_234)]
    [17250000.0, 17250000.0]
    """
    if how not in ROUNDING:
        raise InvalidInputError("how must be one of " + ", ".join(ROUNDING))
    x = np.asarray(amount, dtype=float)
    if not np.all(np.isfinite(x)):
        raise InvalidInputError("amount must be a finite number")
    params = load_parameters(_DATA)
    least = in_force(params["spoken_least_step"])
    step = np.full_like(x, float(least.get(_currency(currency), least["default"])))
    if significant:
        digits = int(in_force(params["spoken_significant_digits"]))
        size = np.floor(np.log10(np.where(x == 0, 1.0, np.abs(x))))
        step = np.maximum(step, 10.0 ** (size - (digits - 1)))
    units = x / step
    if how == "up":
        whole = np.ceil(units - _TOLERANCE)
    elif how == "down":
        whole = np.floor(units + _TOLERANCE)
    else:
        whole = np.sign(units) * np.floor(np.abs(units) + 0.5)
    return scalar_out(whole * step + 0.0, amount)  # + 0.0: no negative zero


def below_offers(
    disclosed: Mapping[str, float], offers: Sequence[ComparisonRow], currency: str, basis: str
) -> list[Note]:
    """The disclosed amounts below an offer already held, one note each.

    An amount is below an offer when it is less than both the offer's value and that value
    said the way a person says it (:func:`spoken_amount`): the best offer itself, disclosed
    rounded down, is not below it, nor is a target rounded to the same step.  The note names
    the highest offer the amount is below and how many it is below.

    Parameters
    ----------
    disclosed : mapping of str to float
        Each disclosed amount by its field (``target``, ``best_offer``), as disclosed, in
        ``currency`` on ``basis``.
    offers : sequence of ComparisonRow
        The offers held, as :func:`~calculators.valuation.compare.compare_offers` ranks them
        (``value_home`` in ``currency``).
    currency : str
        The home currency of the comparison (ISO 4217).
    basis : str
        The basis of the comparison (for the note).

    Returns
    -------
    list of Note
        Code ``disclosure_below_offer`` with params ``field``, ``amount``, ``currency``,
        ``offer`` (the highest offer it is below), ``value`` (that offer, as said),
        ``count`` (offers it is below), ``held`` (offers held) and ``basis``; empty when no
        amount is below an offer.

    Raises
    ------
    InvalidInputError
        When an amount is not a finite number or ``currency`` is not text.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> from calculators.valuation.compare import compare_offers
    >>> ranked = compare_offers(TOKYO_OFFERS, JPY_SETTINGS)
    >>> [(r.name, r.value_home) for r in ranked]
    [('A', 15000000.0), ('B', 14000000.0)]
    >>> (note,) = below_offers({"target": 14_500_000}, ranked, "JPY", "annualized")
    >>> note.code, note.params["offer"], note.params["value"], note.params["count"]
    ('disclosure_below_offer', 'A', 15000000.0, 1)
    >>> disclosed = {"target": 14_990_000, "best_offer": 15_000_000}
    >>> p = below_offers(disclosed, ranked, "JPY", "annualized")[0].params
    >>> p["field"], p["amount"], p["offer"], p["count"], p["held"]
    ('target', 14990000.0, 'A', 1, 2)

    The best offer said rounded down, and a target between it and the exact value, are not
    below it:

    >>> held = ComparisonRow(1, "C", "C", "JP-TOKYO", "JPY", 58413693.12, 58413693.12, 0.0, 1.0)
    >>> below_offers({"best_offer": 58_400_000, "target": 58_410_000}, [held], "JPY", "annualized")
    []
    """
    ccy = _currency(currency)
    said = [(float(spoken_amount(r.value_home, ccy)), float(r.value_home), r.name) for r in offers]
    said.sort(key=lambda item: -item[1])
    notes = []
    for field, amount in disclosed.items():
        value = float(amount)
        if not math.isfinite(value):
            raise InvalidInputError(f"{field} must be a finite number")
        above = [(v, name) for v, exact, name in said if value < min(v, exact)]
        if above:
            top, name = above[0]
            notes.append(
                Note(
                    "disclosure_below_offer",
                    {
                        "field": field,
                        "amount": value,
                        "currency": ccy,
                        "offer": name,
                        "value": top,
                        "count": len(above),
                        "held": len(said),
                        "basis": basis,
                    },
                )
            )
    return notes
