"""The negotiation functions' input checks: one line naming the field, never a value.

Every public function of :mod:`calculators.negotiation` checks what it is given with these
before it computes: a bad cell or a wrong argument is an
:class:`~calculators.errors.InvalidInputError` naming the field and the problem, never a raw
``TypeError`` and never an offer's repr (which would repeat its salary).  An offer is named
by its company only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from calculators.errors import InvalidInputError
from calculators.offer.model import Offer
from calculators.scalar import finite_number
from calculators.valuation.compare import Settings

__all__ = [
    "COUNTER_COMPONENTS",
    "check_component",
    "check_margin",
    "check_walk_away",
    "check_premium",
    "check_finite",
    "check_offer",
    "check_offers",
    "offer_index",
    "check_settings",
    "check_rows",
    "check_day",
]

COUNTER_COMPONENTS = ("base_salary", "sign_on", "rsu_grant", "bonus_target")
_NUMBERS = (int, float, np.integer, np.floating)


def check_component(component: object) -> str:
    """The component's canonical name, or one clear error.

    Parameters
    ----------
    component : str
        A component of :data:`COUNTER_COMPONENTS` (case-blind, spaces allowed).

    Returns
    -------
    str
        The canonical name.

    Raises
    ------
    InvalidInputError
        Any other value.

    References
    ----------
    None

    Examples
    --------
    >>> check_component(" Base_Salary ")
    'base_salary'
    """
    name = "_".join(str(component or "").strip().lower().split()) if isinstance(component, str) else ""
    if name not in COUNTER_COMPONENTS:
        raise InvalidInputError("component must be one of " + ", ".join(COUNTER_COMPONENTS))
    return name


def _home_amount(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _NUMBERS):
        raise InvalidInputError(f"{name} must be a number (home currency, 0 or more)")
    number = finite_number(value)
    if number is None or number < 0:
        raise InvalidInputError(f"{name} must be a finite number, 0 or more (home currency)")
    return number


def check_margin(margin: object) -> float:
    """A margin in the home currency: a finite number, 0 or more.

    Parameters
    ----------
    margin : float
        How far the counter must beat the BATNA.

    Returns
    -------
    float
        The margin.

    Raises
    ------
    InvalidInputError
        A non-number, a negative or a non-finite margin.

    References
    ----------
    None

    Examples
    --------
    >>> check_margin(0), check_margin(250_000)
    (0.0, 250000.0)
    """
    return _home_amount(margin, "margin")


def check_walk_away(walk_away: object) -> float | None:
    """A walk-away in the home currency (a finite number, 0 or more), or ``None`` for none.

    Parameters
    ----------
    walk_away : float or None
        The least the user accepts, on the basis; ``None``: the BATNA is the floor.

    Returns
    -------
    float or None
        The walk-away.

    Raises
    ------
    InvalidInputError
        Text, a bool, NaN, an infinite or a negative walk-away.

    References
    ----------
    None

    Examples
    --------
    >>> check_walk_away(9_000_000), check_walk_away(None)
    (9000000.0, None)
    """
    return None if walk_away is None else _home_amount(walk_away, "walk_away")


def check_premium(scarcity_premium: object) -> float:
    """A scarcity premium: a fraction from 0 to 1.

    Parameters
    ----------
    scarcity_premium : float
        How far above the market band scarce skills justify asking (0.1 = 10 %).

    Returns
    -------
    float
        The premium.

    Raises
    ------
    InvalidInputError
        Anything else (code ``scarcity_premium_range``).

    References
    ----------
    None

    Examples
    --------
    >>> check_premium(0.1)
    0.1
    """
    number = finite_number(scarcity_premium)
    if number is None or not 0 <= number <= 1:
        raise InvalidInputError(
            "scarcity_premium must be a fraction from 0 to 1", code="scarcity_premium_range"
        )
    return number


def check_finite(value: object, name: str) -> float:
    """A finite number (of either sign), or one line naming ``name``.

    Parameters
    ----------
    value : float
        The value given.
    name : str
        The field, for the message.

    Returns
    -------
    float
        The number.

    Raises
    ------
    InvalidInputError
        Text, a bool, NaN or an infinite value.

    References
    ----------
    None

    Examples
    --------
    >>> check_finite(-2, "batna_home")
    -2.0
    """
    number = finite_number(value)
    if number is None:
        raise InvalidInputError(f"{name} must be a finite number")
    return number


def check_offer(offer: object, name: str = "offer") -> Offer:
    """An :class:`~calculators.offer.model.Offer`, or one line saying what it must be.

    Parameters
    ----------
    offer : Offer
        The offer.
    name : str, optional
        The field, for the message.

    Returns
    -------
    Offer
        The same offer.

    Raises
    ------
    InvalidInputError
        Anything but an offer.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import TOKYO_OFFER
    >>> check_offer(TOKYO_OFFER).company
    'A'
    """
    if not isinstance(offer, Offer):
        raise InvalidInputError(f"{name} must be an offer (Offer.from_fields)")
    return offer


def check_offers(offers: object, name: str = "offers") -> list[Offer]:
    """The offers as a list, each an :class:`~calculators.offer.model.Offer`.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    name : str, optional
        The field, for the message.

    Returns
    -------
    list of Offer
        The offers.

    Raises
    ------
    InvalidInputError
        Anything but a sequence of one or more offers.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import TOKYO_OFFERS
    >>> len(check_offers(TOKYO_OFFERS))
    2
    """
    wrong = InvalidInputError(f"{name} must be a list of at least one offer (Offer.from_fields)")
    if not isinstance(offers, Sequence) or isinstance(offers, str) or not offers:
        raise wrong
    if not all(isinstance(o, Offer) for o in offers):
        raise wrong
    return list(offers)


def offer_index(offers: Sequence[Offer], offer: object, what: str = "offer") -> int:
    """Where ``offer`` stands in ``offers`` (the same object, else an equal offer).

    Parameters
    ----------
    offers : sequence of Offer
        The offers compared.
    offer : Offer
        The offer looked for.
    what : str, optional
        What the offer is for, for the message (``"the offer to counter"``).

    Returns
    -------
    int
        Its position.

    Raises
    ------
    InvalidInputError
        Not an offer, or not one of ``offers`` (named by its company, never its figures).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import TOKYO_OFFERS
    >>> offer_index(TOKYO_OFFERS, TOKYO_OFFERS[1])
    1
    """
    sought = check_offer(offer, what)
    for same in (lambda o: o is sought, lambda o: o == sought):
        found = next((i for i, o in enumerate(offers) if same(o)), None)
        if found is not None:
            return found
    raise InvalidInputError(f"{what} ({sought.company}) must be one of the offers compared")


def check_settings(settings: object) -> Settings:
    """The comparison settings, or one line saying what they must be.

    Parameters
    ----------
    settings : Settings
        The comparison settings.

    Returns
    -------
    Settings
        The same settings.

    Raises
    ------
    InvalidInputError
        Anything but a :class:`~calculators.valuation.compare.Settings`.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import USD_SETTINGS
    >>> check_settings(USD_SETTINGS).home_currency
    'USD'
    """
    if not isinstance(settings, Settings):
        raise InvalidInputError("settings must be comparison Settings (calculators.valuation.compare)")
    return settings


def check_rows(rows: object, name: str = "market table") -> list[Sequence[Any]] | None:
    """A range as a list of rows (each a sequence of cells), or ``None`` for none.

    Parameters
    ----------
    rows : sequence of sequence or None
        The range, header row first.
    name : str, optional
        The table, for the message.

    Returns
    -------
    list of sequence or None
        The rows.

    Raises
    ------
    InvalidInputError
        A value that is not rows of cells (a number, text, a row that is not a sequence).

    References
    ----------
    None

    Examples
    --------
    >>> check_rows([["location", "total"], ["Seattle", 250_000]])
    [['location', 'total'], ['Seattle', 250000]]
    >>> check_rows(None) is None
    True
    """
    if rows is None:
        return None

    def sequence(value: object) -> bool:
        return isinstance(value, np.ndarray) or (
            isinstance(value, Sequence) and not isinstance(value, (str, bytes))
        )

    if not sequence(rows) or not all(sequence(r) for r in rows):  # type: ignore[attr-defined]
        raise InvalidInputError(f"{name} must be rows of cells, the header row first")
    return list(rows)  # type: ignore[call-overload]


def check_day(value: object, name: str) -> dt.date:
    """A calendar day given as a date (a datetime counts as its date); anything else is refused.

    Stricter than :func:`calculators.dates.read_date`, deliberately: the negotiation functions
    take Python dates; reading a cell (a serial number, ISO text) is the caller's step.

    Parameters
    ----------
    value : datetime.date
        The day.
    name : str
        The field, for the message.

    Returns
    -------
    datetime.date
        The day.

    Raises
    ------
    InvalidInputError
        Anything but a date or a datetime.

    References
    ----------
    None

    Examples
    --------
    >>> check_day(dt.datetime(2026, 12, 1, 9, 30), "as_of")
    datetime.date(2026, 12, 1)
    """
    if isinstance(value, dt.datetime):
        if value != value:  # NaT
            raise InvalidInputError(f"{name} must be a date (YYYY-MM-DD)")
        return value.date()
    if not isinstance(value, dt.date):
        raise InvalidInputError(f"{name} must be a date (YYYY-MM-DD)")
    return value
