"""The one definition of each comparison setting and personal fact: default and valid range.

Every layer reads these: :class:`calculators.valuation.compare.Settings` takes its defaults from
them and checks with them, the tax engine applies :data:`AGE` (each jurisdiction states
only the ages its rules model, where it registers), and the add-in builds its converters,
help texts and command options from them.  None of them is a figure from the world: they
are choices of this tool (a horizon, a default persona), so they live here, not in the
dated parameter files.

The horizon is 1 to 50 years: the calculators' overflow reasoning (``MAX_AMOUNT`` in
:mod:`calculators.offer.model`) is made for 50 years of 12 offers, and a career-length horizon
is the longest anyone compares offers over.  A workbook *lays out* fewer years
(``addin.workbook.sheets.layout.MAX_YEARS``): that is the sheet's capacity, not the range of the
setting.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from calculators.errors import InvalidInputError
from calculators.params import Parameter

__all__ = ["Setting", "BASIS", "YEARS", "DISCOUNT_RATE", "AGE", "in_force"]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default and valid range.

    ``low`` / ``high`` bound a number (both inclusive; ``None``: unbounded); ``whole``
    asks for a whole number; a setting with neither a number default nor bounds is text.

    >>> YEARS.check(10), YEARS.check(None), YEARS.doc("Horizon in years")
    (10, 4, 'Horizon in years, 1 to 50 (blank: 4)')
    >>> YEARS.check(60)
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: years must be a whole number from 1 to 50
    """

    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    whole: bool = False
    unit: str = ""

    @property
    def is_number(self) -> bool:
        """True for a numeric setting."""
        return self.whole or isinstance(self.default, (int, float)) or self.low is not None

    def range_text(self) -> str:
        """The valid range as help text shows it.

        Returns
        -------
        str
            ``"low to high"``; empty when either end is unbounded.

        References
        ----------
        None

        Examples
        --------
        >>> YEARS.range_text(), AGE.range_text()
        ('1 to 50', '')
        """
        if self.low is None or self.high is None:
            return ""
        return f"{self.low:g} to {self.high:g}"

    def within(self, low: float, high: float) -> Setting:
        """The same setting with another valid range (a jurisdiction's ages).

        Parameters
        ----------
        low, high : float
            The new range, both ends inclusive.

        Returns
        -------
        Setting
            A copy with that range; name, default and kind unchanged.

        References
        ----------
        None

        Examples
        --------
        >>> AGE.within(18, 66).check(None), AGE.within(18, 66).range_text()
        (35, '18 to 66')
        """
        return replace(self, low=low, high=high)

    def problem(self, where: str = "") -> str:
        """The one-line message for a value outside the setting, naming it and its range.

        Parameters
        ----------
        where : str, optional
            What the range belongs to (a jurisdiction code), added to the message.

        Returns
        -------
        str
            The message, e.g. ``"age must be a whole number from 18 to 66 for IL"``.

        References
        ----------
        None

        Examples
        --------
        >>> AGE.within(18, 66).problem("IL")
        'age must be a whole number from 18 to 66 for IL'
        """
        kind = "a whole number" if self.whole else "a number"
        span = f" from {self.low:g} to {self.high:g}" if self.range_text() else ""
        return f"{self.name} must be {kind}{span}{f' for {where}' if where else ''}"

    def check(self, value: object, where: str = "") -> Any:
        """``value`` checked against the setting; ``None`` takes the default.

        Parameters
        ----------
        value : object
            The value given, or ``None`` for none.
        where : str, optional
            What the range belongs to (a jurisdiction code), for the message.

        Returns
        -------
        int, float or str
            The value (an ``int`` for a whole-number setting, stripped text for a text one).

        Raises
        ------
        InvalidInputError
            One line naming the setting and its range.

        References
        ----------
        None

        Examples
        --------
        >>> DISCOUNT_RATE.check(0.05), YEARS.check(4.0), BASIS.check(" npv ")
        (0.05, 4, 'npv')
        """
        if value is None:
            return self.default
        if not self.is_number:
            if not isinstance(value, str):
                raise InvalidInputError(f"{self.name} must be text")
            return value.strip()
        number_types = (int, float, np.integer, np.floating)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, number_types):
            raise InvalidInputError(self.problem(where))
        number = float(value)
        if not math.isfinite(number) or (self.whole and number != int(number)):
            raise InvalidInputError(self.problem(where))
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise InvalidInputError(self.problem(where))
        return int(number) if self.whole else number

    def doc(self, text: str, blank: str = "blank") -> str:
        """Help text for an argument that takes this setting.

        Parameters
        ----------
        text : str
            What the argument is, for the person in the Function Wizard.
        blank : str, optional
            What leaving the argument out is called: ``"blank"`` for a cell, ``"default"``
            for a command option.

        Returns
        -------
        str
            ``text``, the range and the default (``"(blank: 4)"``).

        References
        ----------
        None

        Examples
        --------
        >>> DISCOUNT_RATE.doc("Yearly discount rate for npv")
        'Yearly discount rate for npv, -0.99 to 1 (blank: 0)'
        """
        span = self.range_text()
        default = f"{self.default:g}" if isinstance(self.default, (int, float)) else str(self.default)
        return f"{text}{', ' + span if span else ''} ({blank}: {default})"


#: How offers are compared (the bases are those of :data:`calculators.valuation.compare.BASES`).
BASIS = Setting("basis", "annualized")
#: How a start day is weighed (:func:`calculators.valuation.start.best_start`): over the year
#: after the latest start, the window every start's first year fits in.
START_BASIS = Setting("basis", "first_year")
#: Horizon of a comparison or schedule, in years (see the module docstring for the range).
YEARS = Setting("years", 4, low=1, high=50, whole=True, unit="year")
#: Yearly discount rate of the npv bases, a fraction (0.05 = 5 %); below -0.99 the discount
#: factor explodes, above 1 (100 % a year) no one discounts pay.
DISCOUNT_RATE = Setting("discount_rate", 0.0, low=-0.99, high=1.0, unit="fraction per year")
#: The person's age in whole years where contributions depend on it.  The default is the
#: reference persona's; the valid range belongs to each jurisdiction (the ages its rules
#: model, stated where it registers) and the tax engine checks it.
AGE = Setting("age", 35, whole=True, unit="year")


def in_force(param: Parameter, when: dt.date | int | None = None) -> Any:
    """The value of a dated parameter in force on a date.

    Parameters
    ----------
    param : Parameter
        The dated parameter.
    when : datetime.date or int, optional
        The date (a year means its 1 January) the value is used for; ``None``: the latest
        dated value, for a reading that has no date of its own.

    Returns
    -------
    object
        The value in force.

    References
    ----------
    None

    Examples
    --------
    >>> p = Parameter("x", "demo", "n", (), {dt.date(2025, 1, 1): 1, dt.date(2026, 1, 1): 2})
    >>> in_force(p), in_force(p, 2025), in_force(p, dt.date(2026, 3, 1))
    (2, 1, 2)
    """
    return param.at(param.dates[-1] if when is None else when)
