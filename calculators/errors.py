"""The one error family of the calculators.

Every error the calculators raise on purpose is a :class:`NegotiationError`.
The add-in turns any of them into one short cell message (``str(error)``),
so messages name the field and the problem and never repeat a private value.
"""

from __future__ import annotations

__all__ = [
    "NegotiationError",
    "InvalidInputError",
    "UnknownJurisdictionError",
    "MissingParameterError",
    "CurrencyMismatchError",
    "NoSolutionError",
]


class NegotiationError(Exception):
    """Base of every deliberate error raised by the calculators."""


class InvalidInputError(NegotiationError, ValueError):
    """An input is missing, of the wrong type or outside its allowed range."""


class UnknownJurisdictionError(NegotiationError, KeyError):
    """A jurisdiction (or city) code is not one we have rules for."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class MissingParameterError(NegotiationError, LookupError):
    """A dated parameter (tax year, FX rate, price index) is not in the data."""


class CurrencyMismatchError(NegotiationError, ValueError):
    """Amounts in different currencies were combined without a dated rate."""


class NoSolutionError(NegotiationError, ArithmeticError):
    """A solver could not reach its goal (for example no counter-offer can win)."""
