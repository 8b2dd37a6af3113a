"""The one date reader: Excel serials (1900 date system), ISO text, date objects; and that
the FX as-of date, market-table dates and offer dates all go through it, each naming its field."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from calculators.dates import read_date
from calculators.errors import InvalidInputError
from calculators.fx import as_date, shipped_table
from calculators.market import market_from_rows
from calculators.offer.model import Offer

D = dt.date

# value, the day (None: blank). Serials: Excel shows 1 as 1900-01-01, 59 as 1900-02-28,
# 61 as 1900-03-01, 45658 as 2025-01-01 and 2958465 as 9999-12-31.
DAYS = [
    (None, None),
    ("", None),
    ("   ", None),
    (1, D(1900, 1, 1)),
    (59, D(1900, 2, 28)),
    (59.9, D(1900, 2, 28)),
    (61, D(1900, 3, 1)),
    (45658, D(2025, 1, 1)),
    (45658.75, D(2025, 1, 1)),
    (np.int64(45658), D(2025, 1, 1)),
    (np.float64(45658), D(2025, 1, 1)),
    (2958465, D(9999, 12, 31)),
    ("2025-03-31", D(2025, 3, 31)),
    (" 2025-03-31 ", D(2025, 3, 31)),
    ("2025-03-31T10:00", D(2025, 3, 31)),
    ("2025-03-31 10:00:00", D(2025, 3, 31)),
    (D(2025, 3, 31), D(2025, 3, 31)),
    (dt.datetime(2025, 3, 31, 23, 59), D(2025, 3, 31)),
    (pd.Timestamp("2025-03-31 08:00"), D(2025, 3, 31)),
]

NOT_DAYS = [
    60,  # Excel's 1900-02-29, a day that never was
    60.5,
    0,
    0.5,
    -1,
    2958466,
    20250331,
    math.nan,
    math.inf,
    -math.inf,
    True,
    False,
    np.bool_(True),
    pd.NaT,
    np.datetime64("2025-03-31"),
    "2025-03-31xyz",
    "2025-03-31T",
    "2025-03-31T25:00",
    "20250331",
    "2025-W14-1",
    "2025-090",
    "31/03/2025",
    "2025-02-30",
    "45658",
    "２０２５-03-31",
    [45658],
]


@pytest.mark.parametrize(("value", "day"), DAYS)
def test_a_day_reads_as_excel_and_iso_say(value, day):
    assert read_date(value, "x") == day
    assert as_date(value) == day


@pytest.mark.parametrize("value", NOT_DAYS)
def test_anything_else_is_one_line_naming_the_field(value):
    with pytest.raises(InvalidInputError, match=r"^when must be a date \(YYYY-MM-DD\)$"):
        read_date(value, "when")


def test_serial_59_and_61_are_two_days_apart_in_the_calendar_as_in_excel():
    assert (read_date(61, "x") - read_date(59, "x")).days == 1  # 60 was the day that never was


@pytest.mark.parametrize("value", NOT_DAYS)
def test_each_caller_names_its_own_field(value):
    with pytest.raises(InvalidInputError, match=r"^as_of must be a date"):
        as_date(value)
    with pytest.raises(InvalidInputError, match=r"^as_of must be a date"):
        shipped_table(value)
    fields = {"company": "A", "jurisdiction": "US-WA", "currency": "USD", "base_salary": 1e5}
    if not (isinstance(value, float) and math.isnan(value)) and value is not pd.NaT:  # blanks in a table
        with pytest.raises(InvalidInputError, match=r"^market table: date must be a date") as exc:
            market_from_rows([["total", "date"], [1, value], [2, "2026-01-01"]])
        assert exc.value.code == "market_not_a_date"
    if not (isinstance(value, float) and not math.isfinite(value)):  # those are "finite number"
        with pytest.raises(InvalidInputError, match=r"^offer: deadline must be a date"):
            Offer.from_fields({**fields, "deadline": value}, label="offer")


def test_a_market_table_takes_nan_and_nat_as_a_blank_date():
    d = market_from_rows([["total", "date"], [1, math.nan], [2, pd.NaT], [3, 46023]])
    assert np.isnan(d.days[:2]).all() and d.days[2] == (D(2026, 1, 1) - D(1970, 1, 1)).days
