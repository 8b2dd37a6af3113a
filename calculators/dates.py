"""Calendar days from cell values: one reader for every date the calculators take.

A cell gives a date as a ``date``/``datetime`` (xlwings, pandas), an Excel serial
number (Excel's 1900 date system, as the formula layer passes dates) or ISO text.
Serial 60 is Excel's 1900-02-29, a day that never was, and is refused; serials 1-59
are the days before it (serial 1 is 1900-01-01), 61 on are one day later than a
plain count from 1899-12-31 would say.  The last serial is 2958465 (9999-12-31).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np

from calculators.errors import InvalidInputError

__all__ = ["read_date"]

_EPOCH = dt.date(1899, 12, 30)  # serial 0 for serials from 61 on (past the fictitious 1900-02-29)
_LEAP_BUG = 60  # Excel's serial of 1900-02-29
_LAST = 2_958_465  # Excel's serial of 9999-12-31
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_date(value: object, name: str) -> dt.date | None:
    """A calendar day from a cell value, or ``None`` for a blank (``None`` or empty text).

    Accepted: a ``date``; a ``datetime`` (its date); an Excel serial number from 1
    (1900-01-01) to 2958465 (9999-12-31), a fraction being the time of day; text
    ``YYYY-MM-DD``, alone or followed by ``T`` or a space and a time of day.  Refused,
    with one line naming ``name``: serial 60 (Excel's 1900-02-29, which never was), a
    serial out of range, NaN or infinite, a bool, NaT, other text (``20250331``,
    ``2025-W14-1``, ``31/03/2025``) and any other type.

    Parameters
    ----------
    value : date, datetime, int, float, str or None
        The cell value.
    name : str
        The field, as the error message names it (``"as_of"``, ``"offer A: deadline"``).

    Returns
    -------
    datetime.date or None
        The day, or ``None`` for a blank.

    Raises
    ------
    InvalidInputError
        ``"<name> must be a date (YYYY-MM-DD)"`` for anything that is not a day.

    References
    ----------
    Microsoft, "Excel incorrectly assumes that the year 1900 is a leap year"
    <https://learn.microsoft.com/en-us/troubleshoot/microsoft-365-apps/excel/wrongly-assumes-1900-is-leap-year>;
    "Excel specifications and limits" (latest date: December 31, 9999)
    <https://support.microsoft.com/en-us/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3>.

    Examples
    --------
    >>> read_date(45658, "as_of"), read_date(" 2025-03-31 ", "as_of"), read_date(1, "as_of")
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31), datetime.date(1900, 1, 1))
    >>> read_date("", "as_of") is None
    True
    >>> read_date(60, "as_of")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: as_of must be a date (YYYY-MM-DD)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day = _day(value)
    if day is None:
        raise InvalidInputError(f"{name} must be a date (YYYY-MM-DD)")
    return day


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None if value != value else value.date()  # NaT is a datetime unequal to itself
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        serial = float(value)
        if not (math.isfinite(serial) and 1 <= serial < _LAST + 1) or int(serial) == _LEAP_BUG:
            return None
        days = int(serial) + (1 if serial < _LEAP_BUG else 0)
        return _EPOCH + dt.timedelta(days=days)
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DAY.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _ISO_DAY.match(text) and text[10] in "T ":
                return dt.datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None
