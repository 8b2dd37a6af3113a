"""Reading the Offers layout from a plain 2-D table (what a cell range holds).

The layout: the first column holds field names, the first row offer names, one
column per offer.  The transposed layout (field names across the first row,
one row per offer) is accepted too.  Field names are case-blind; a blank cell
is a missing value, never zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from calculators.errors import InvalidInputError
from calculators.offer.model import FIELDS, Offer, excel_error, is_blank, norm_field

__all__ = ["as_rows", "offers_from_table", "select_offer", "has_field_rows"]

_HEADER_WORDS = {"field", "fields", "offer", "offers", "name", ""}


def as_rows(table: object, what: str = "offers") -> list[list[Any]]:
    """A rectangular list of rows from a cell value, a row or a 2-D range.

    Parameters
    ----------
    table : object
        A single cell value, a list (one row) or a list of lists (a range).
    what : str, optional
        What the range holds, for the error message.

    Returns
    -------
    list of list
        The rows, all of one length.

    Raises
    ------
    InvalidInputError
        An empty or ragged range.

    References
    ----------
    None

    Examples
    --------
    >>> as_rows(5), as_rows([1, 2]), as_rows([[1, 2], [3, 4]])
    ([[5]], [[1, 2]], [[1, 2], [3, 4]])
    """
    if table is None:
        raise InvalidInputError(f"{what} range is empty")
    if not isinstance(table, (list, tuple)):
        return [[table]]
    if not table:
        raise InvalidInputError(f"{what} range is empty")
    if not isinstance(table[0], (list, tuple)):
        return [list(table)]
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in table]
    if len({len(r) for r in rows}) != 1:
        raise InvalidInputError(f"{what} range is ragged: rows have different lengths")
    if not rows[0]:
        raise InvalidInputError(f"{what} range is empty")
    return rows


def _is_field(value: object) -> bool:
    return isinstance(value, str) and norm_field(value) in FIELDS


def has_field_rows(rows: list[list[Any]]) -> bool:
    """True when field names run down the first column.

    Parameters
    ----------
    rows : list of list
        A rectangular range (see :func:`as_rows`).

    Returns
    -------
    bool
        ``True`` for the Offers layout, ``False`` for the transposed one.

    References
    ----------
    None

    Examples
    --------
    >>> has_field_rows([["company", "Acme"], ["base_salary", 100]])
    True
    >>> has_field_rows([["company", "base_salary"], ["Acme", 100]])
    False
    """
    down = sum(_is_field(r[0]) for r in rows)
    across = sum(_is_field(c) for c in rows[0])
    return down >= across


def offers_from_table(table: object, label: Callable[[int, int], str] | None = None) -> list[Offer]:
    """Validate every offer of an Offers-layout range.

    ``label(n, j)`` names the ``n``-th offer, found in column ``j`` of the range, in
    messages (default ``offer n``).

    Parameters
    ----------
    table : object
        The range, in the Offers layout or transposed; an optional header row names the offers.
    label : callable, optional
        ``label(n, j) -> str``, the offer's name in error messages.

    Returns
    -------
    list of Offer
        One offer per non-blank column.

    Raises
    ------
    InvalidInputError
        An unknown or repeated field name, an Excel error in a field name, no offer, or an
        invalid field value (see :meth:`calculators.offer.model.Offer.from_fields`).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import OFFER_TABLE
    >>> [o.name for o in offers_from_table(OFFER_TABLE)]
    ['A', 'B']
    """
    rows = as_rows(table)
    if not has_field_rows(rows):
        rows = [list(col) for col in zip(*rows, strict=True)]
    has_header = not _is_field(rows[0][0]) and (
        is_blank(rows[0][0]) or norm_field(rows[0][0]) in _HEADER_WORDS
    )
    header = rows[0] if has_header else None
    body = rows[1:] if has_header else rows
    body = [r for r in body if not all(is_blank(c) for c in r)]
    if not body:
        raise InvalidInputError("offers range has no field rows")
    names = [norm_field(r[0]) if not is_blank(r[0]) else "" for r in body]
    for position, name in enumerate(names, start=2 if has_header else 1):
        code = excel_error(body[position - (2 if has_header else 1)][0])
        if code is not None:
            raise InvalidInputError(f"offers range: field name {position} holds an Excel error ({code})")
        if name not in FIELDS:
            # a name that reads as a field name is repeated; any other text is not (it may be
            # anything, a value typed there)
            raw = body[position - (2 if has_header else 1)][0]
            word = isinstance(raw, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", raw.strip())
            said = f" ({name})" if word else ""
            raise InvalidInputError(
                f"offers range: field name {position}{said} is not a known field"
                " (see the field list on the Offers sheet)"
            )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInputError("field listed twice: " + ", ".join(dupes))
    offers: list[Offer] = []
    for j in range(1, len(rows[0])):
        column = [r[j] for r in body]
        if all(is_blank(v) for v in column):
            continue  # an empty column is not an offer
        values: dict[str, Any] = dict(zip(names, column, strict=True))
        if header is not None and not is_blank(header[j]):
            values["name"] = str(header[j]).strip()
        n = len(offers) + 1
        offers.append(Offer.from_fields(values, label=label(n, j) if label else f"offer {n}"))
    if not offers:
        raise InvalidInputError("offers range holds no offer column")
    return offers


def select_offer(offers: Sequence[Offer], name: object = None, what: str = "offer") -> Offer:
    """The offer called ``name`` (case-blind), or the only one when ``name`` is blank.

    Parameters
    ----------
    offers : sequence of Offer
        The offers of a range.
    name : str, optional
        An offer name or company; blank when the range holds one offer.
    what : str, optional
        What the range holds, for the error message.

    Returns
    -------
    Offer
        The offer named.

    Raises
    ------
    InvalidInputError
        No offer of that name, or a blank name for a range of several offers.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import OFFER_TABLE
    >>> select_offer(offers_from_table(OFFER_TABLE), "beta").name
    'B'
    """
    if is_blank(name):
        if len(offers) != 1:
            raise InvalidInputError(
                f"{what} range holds {len(offers)} offers; give offer_name or select one column"
            )
        return offers[0]
    key = str(name).strip().casefold()
    for offer in offers:
        if offer.name.casefold() == key or offer.company.casefold() == key:
            return offer
    raise InvalidInputError("offer_name matches no offer column of the range")
