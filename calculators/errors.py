"""The one error family of the calculators.

Every error the calculators raise on purpose is a :class:`NegotiationError`.
The add-in turns any of them into one short cell message (``str(error)``),
so messages name the field and the problem and never repeat a private value.

An error may also carry a message ``code`` and its ``params`` (numbers, names):
what a renderer needs to say the same thing in another language without reading
the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "NegotiationError",
    "InvalidInputError",
    "UnknownJurisdictionError",
    "MissingParameterError",
    "CurrencyMismatchError",
    "NoSolutionError",
]


class NegotiationError(Exception):
    """Base of every deliberate error raised by the calculators.

    ``code`` (optional) names the message, ``params`` its values; ``str(error)``
    stays the English line.

    >>> e = NoSolutionError("sign_on is already at its limit", code="counter_at_limit",
    ...                     params={"component": "sign_on"})
    >>> (str(e), e.code, e.params)
    ('sign_on is already at its limit', 'counter_at_limit', {'component': 'sign_on'})
    """

    def __init__(self, *args: object, code: str | None = None, params: Mapping[str, Any] | None = None):
        super().__init__(*args)
        self.code = code
        self.params: dict[str, Any] = dict(params or {})

    def __reduce__(self) -> Any:  # keep the code and params through pickling
        return (_rebuild, (type(self), self.args, self.code, self.params))


def _rebuild(
    cls: type[NegotiationError], args: tuple[object, ...], code: str | None, params: dict[str, Any]
) -> NegotiationError:
    return cls(*args, code=code, params=params)


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
