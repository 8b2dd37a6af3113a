"""Deadlines and start dates on one line, flagging offers that expire too early."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from calculators.errors import InvalidInputError
from calculators.negotiation.checks import check_day, check_offers
from calculators.negotiation.notes import Note
from calculators.offer.model import Offer

__all__ = ["TimelineEntry", "timeline"]


@dataclass(frozen=True)
class TimelineEntry:
    """One offer on the timeline; ``flag`` (a :class:`Note`) when it loses leverage."""

    name: str
    deadline: dt.date | None
    start_date: dt.date | None
    days_left: int | None
    flag: Note | None


def timeline(
    offers: Sequence[Offer],
    today: dt.date,
    expected: Sequence[tuple[str, dt.date]] = (),
) -> list[TimelineEntry]:
    """Deadlines and start dates on one line, earliest deadline first.

    An offer is flagged when it expires before a pending offer is expected
    (``expected``: name and date; code ``deadline_before_expected``) or before
    another offer's deadline (``deadline_before_others``, with their ``count``):
    the leverage of holding them at once is lost unless its deadline moves.

    Parameters
    ----------
    offers : sequence of Offer
        The offers, with their ``deadline`` and ``start_date``.
    today : datetime.date
        The day days are counted from.
    expected : sequence of tuple of (str, datetime.date), optional
        Offers still to come: name and the day each is expected.

    Returns
    -------
    list of TimelineEntry
        One entry per offer, earliest deadline first (offers without one last).

    Raises
    ------
    InvalidInputError
        A ``today`` or expected date that is not a date, ``expected`` that is not pairs of a
        name and a date, or offers that are not offers.

    References
    ----------
    None

    Examples
    --------
    >>> mk = lambda n, d: Offer.from_fields({"company": n, "jurisdiction": "US-WA",
    ...                                      "currency": "USD", "base_salary": 1e5, "deadline": d})
    >>> entries = timeline([mk("A", "2026-12-10"), mk("B", "2026-12-20")], dt.date(2026, 12, 1),
    ...                    [("C", dt.date(2026, 12, 15))])
    >>> [(e.name, e.days_left, e.flag and e.flag.code) for e in entries]
    [('A', 9, 'deadline_before_expected'), ('B', 19, None)]
    """
    offers = check_offers(offers)
    today = check_day(today, "as_of")
    pending = sorted(_expected(expected), key=lambda e: e[1])
    out = []
    for o in sorted(offers, key=lambda o: (o.deadline is None, o.deadline or dt.date.max)):
        flag = None
        if o.deadline is not None:
            later = [n for n, d in pending if d > o.deadline]
            others = [
                p.name for p in offers if p is not o and p.deadline is not None and p.deadline > o.deadline
            ]
            if later:
                flag = Note("deadline_before_expected")
            elif others:
                flag = Note("deadline_before_others", {"count": len(others)})
        days = (o.deadline - today).days if o.deadline is not None else None
        out.append(TimelineEntry(o.name, o.deadline, o.start_date, days, flag))
    return out


def _expected(expected: object) -> list[tuple[str, dt.date]]:
    """The offers still to come as (name, day) pairs, or one line."""
    if isinstance(expected, str) or not isinstance(expected, Sequence):
        raise InvalidInputError("expected must be pairs: name, date")
    out = []
    for pair in expected:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidInputError("expected must be pairs: name, date")
        out.append((str(pair[0]), check_day(pair[1], "expected: the date")))
    return out
