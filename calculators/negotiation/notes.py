"""Messages as data: a code and its parameters (numbers, names), never a sentence.

What the brief reports beside its numbers (why a counter cannot win, a deadline
that loses leverage, a market band resting on few or old rows) is a
:class:`Note`.  The add-in says each code in the user's language; the
calculators never write the sentence a user reads.

:mod:`calculators.market` states its warnings and refusals as English lines;
:func:`market_note` reads them back into codes by their fixed wording (one table,
:data:`MARKET_LINES`, beside the texts' one source), until that module gives the
codes itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from calculators.errors import NegotiationError

__all__ = ["Note", "note_of", "market_note", "MARKET_LINES", "TEXT"]

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

    >>> from calculators.errors import InvalidInputError
    >>> note_of(InvalidInputError("x must be a number"))
    Note(code='text', params={'text': 'x must be a number'})
    """
    if error.code:
        return Note(error.code, dict(error.params))
    return market_note(str(error))


# The lines of calculators/market.py (_warnings, market_from_rows, _select): pattern, code,
# and the names of the pattern's groups' params (numbers are read back as numbers).
MARKET_LINES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (
        re.compile(r"small sample: (\d+) comparable rows \(fewer than (\d+)\)"),
        "market_small_sample",
        ("n", "least"),
    ),
    (
        re.compile(r"stale data: the median row date (\S+) is (\d+) months before (\S+)"),
        "market_stale",
        ("median", "months", "as_of"),
    ),
    (re.compile(r"rows carry no date: recency unknown"), "market_undated", ()),
    (
        re.compile(r"(\d+) row\(s\) give a total that is not base \+ stock \+ bonus; the sum is used.*"),
        "market_total_mismatch",
        ("rows",),
    ),
    (re.compile(r"no comparable market rows after filtering on (.+)"), "market_no_rows", ("filters",)),
    (re.compile(r"only 1 comparable market row after filtering: .*"), "market_one_row", ()),
)


def market_note(line: str) -> Note:
    """A line of :mod:`calculators.market` as a note (any other line: code ``text``).

    >>> market_note("small sample: 3 comparable rows (fewer than 10)")
    Note(code='market_small_sample', params={'n': 3, 'least': 10})
    """
    for pattern, code, names in MARKET_LINES:
        found = pattern.fullmatch(line)
        if found:
            values = [int(g) if g.isdigit() else g for g in found.groups()]
            return Note(code, dict(zip(names, values, strict=True)))
    return Note(TEXT, {"text": line})
