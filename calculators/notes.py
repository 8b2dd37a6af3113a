"""Messages as data: a code and its parameters (numbers, names), never a sentence.

What a calculator reports beside its numbers (a market band resting on few or old
rows, why a counter cannot win, a deadline that loses leverage) is a :class:`Note`.
The add-in says each code in the user's language (``addin/messages.py``
holds one template per code in English and Japanese); the calculators never
write the sentence a user reads in a result.  An error may carry a code and
params too (:class:`calculators.errors.NegotiationError`): :func:`note_of` reads
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calculators.errors import NegotiationError

__all__ = ["Note", "note_of", "TEXT"]

TEXT = "text"  # the code of a line that has no code of its own: its params hold the line


@dataclass(frozen=True)
class Note:
    """One message: its ``code`` and the values it names (``params``).

    >>> Note("deadline_before_others", {"count": 2}).params["count"]
    2
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def note_of(error: NegotiationError) -> Note:
    """The note an error carries: its code and params, or (no code) its line as text.

    Parameters
    ----------
    error : NegotiationError
        A deliberate error of the calculators.

    Returns
    -------
    Note
        Its code and params; an error without a code gives code ``text`` and its line.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.errors import InvalidInputError
    >>> note_of(InvalidInputError("x must be a number"))
    Note(code='text', params={'text': 'x must be a number'})
    >>> note_of(InvalidInputError("no rows", code="market_no_rows", params={"filters": "level"}))
    Note(code='market_no_rows', params={'filters': 'level'})
    """
    if error.code:
        return Note(error.code, dict(error.params))
    return Note(TEXT, {"text": str(error)})
