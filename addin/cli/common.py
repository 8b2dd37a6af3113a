"""What the commands share: one-line failures, strict JSON, the default workbook."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from calculators.errors import NegotiationError

AS_OF_HELP = (
    "Net bases on the calendar from this day (YYYY-MM-DD): each offer from its start_date "
    "(blank: the first of the next month), taxed by tax year; default: the Strategy sheet's as_of"
)
OFFER_YEARS_HELP = "Tax each offer year as a tax year (the yearly model), whatever the day"


def calendar_option(as_of: str | None, offer_years: bool, name: str) -> tuple[bool, Any]:
    """``(given, day)``: whether the options decide the calendar, and its day (``None``: each
    offer year a tax year); not given, the workbook's Strategy as_of decides."""
    if offer_years and as_of is not None:
        raise NegotiationError(f"{name}: --as-of and --offer-years exclude each other")
    if offer_years:
        return True, None
    if as_of is None:
        return False, None
    return True, as_of_day(as_of, name)


def as_of_day(text: str | None, name: str) -> Any:
    """``--as-of``: a date, or None; a bad one is one line naming the file and the option."""
    from calculators.dates import read_date

    if text is None:
        return None
    try:
        day = read_date(text, "--as-of")
    except NegotiationError as exc:
        raise NegotiationError(f"{name}: {exc}") from None
    if day is None:
        raise NegotiationError(f"{name}: --as-of must be a date (YYYY-MM-DD)")
    return day


def default_workbook() -> Path:
    from addin.paths import example_workbook

    return example_workbook()


def finite(value: Any) -> Any:
    """``value`` with every non-finite number (NaN, infinity) replaced by ``None``, numpy
    numbers made plain: what JSON can hold."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if hasattr(value, "item") and not isinstance(value, float):  # a numpy scalar
        value = value.item()
        if not isinstance(value, float):
            return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def json_text(data: Any) -> str:
    """Strict JSON (never ``NaN`` or ``Infinity``, which JSON does not have)."""
    return json.dumps(finite(data), indent=2, ensure_ascii=False, allow_nan=False)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"negotiate: {message}", err=True)
    raise typer.Exit(code)
