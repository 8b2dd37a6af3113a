"""Dated FX rate tables and conversion.

A table quotes every currency as units per one unit of its ``base`` currency
(the shipped table: units per USD, ECB reference rates crossed via USD), with
the date it is as of and its source.  Conversion goes through the base, in
both directions; an unknown currency or a missing rate is an error that names
it.  Money never adds across currencies silently: convert first, with a
named, dated table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.dates import read_date
from calculators.errors import InvalidInputError, MissingParameterError
from calculators.params import DATA_DIR, load_parameters
from calculators.scalar import Amount, scalar_out

__all__ = ["FxTable", "shipped_table", "convert", "as_date"]

Array = npt.NDArray[np.float64]
_DATA = DATA_DIR / "fx.yaml"


@dataclass(frozen=True)
class FxTable:
    """Rates as units of each currency per one unit of ``base``, as of a date."""

    base: str
    rates: Mapping[str, float]
    as_of: dt.date | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.base not in self.rates or not math.isclose(self.rates[self.base], 1.0):
            raise InvalidInputError(f"FX table must quote its base {self.base} as 1")
        for code, rate in self.rates.items():
            if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
                raise InvalidInputError(f"FX rate for {code} must be a positive number")

    def rate(self, code: str) -> float:
        """Units of ``code`` per unit of the base currency.

        Parameters
        ----------
        code : str
            ISO 4217 code (case-blind).

        Returns
        -------
        float
            The rate.

        Raises
        ------
        MissingParameterError
            When the table has no rate for ``code``.

        References
        ----------
        None

        Examples
        --------
        >>> FxTable("USD", {"USD": 1.0, "JPY": 150.0}).rate("jpy")
        150.0
        """
        key = _code(code)
        try:
            return float(self.rates[key])
        except KeyError:
            known = ", ".join(sorted(self.rates))
            raise MissingParameterError(f"no FX rate for {key}; the table has {known}") from None

    @overload
    def convert(self, amount: float, from_ccy: str, to_ccy: str) -> float: ...
    @overload
    def convert(self, amount: Array | Sequence[float], from_ccy: str, to_ccy: str) -> Array: ...
    def convert(self, amount: npt.ArrayLike, from_ccy: str, to_ccy: str) -> Amount:
        """Convert ``amount`` (scalar or array) from one currency to another.

        Parameters
        ----------
        amount : float or array_like
            The amount in ``from_ccy``.
        from_ccy, to_ccy : str
            ISO 4217 codes the table quotes.

        Returns
        -------
        float or numpy.ndarray
            The amount in ``to_ccy``; a float for a plain number, an array otherwise.

        References
        ----------
        None

        Examples
        --------
        >>> t = FxTable("USD", {"USD": 1.0, "JPY": 150.0, "GBP": 0.75})
        >>> t.convert(100, "usd", "JPY"), t.convert(75, "GBP", "JPY")
        (15000.0, 15000.0)
        >>> t.convert([1.0, 2.0], "USD", "GBP").tolist()
        [0.75, 1.5]
        """
        factor = self.rate(to_ccy) / self.rate(from_ccy)
        return scalar_out(np.asarray(amount, dtype=float) * factor, amount)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], as_of: Any = None, source: str = "") -> FxTable:
        """Read a two-column range: currency code, units per base (header optional).

        The base is the currency quoted as exactly 1.

        Parameters
        ----------
        rows : sequence of sequence
            Rows of ``currency, rate``; blank rows are skipped, a text second cell in the first
            row is a header.
        as_of : date, Excel serial number or ISO text, optional
            The date the rates are quoted for.
        source : str, optional
            Where the rates come from.

        Returns
        -------
        FxTable
            The table.

        Raises
        ------
        InvalidInputError
            A row that is not two cells, a rate that is not a number, or no currency quoted as 1.

        References
        ----------
        None

        Examples
        --------
        >>> FxTable.from_rows([["currency", "per USD"], ["USD", 1], ["JPY", 150]]).base
        'USD'
        """
        rates: dict[str, float] = {}
        for i, row in enumerate(rows):
            cells = [c for c in row if c is not None and not (isinstance(c, str) and not c.strip())]
            if not cells:
                continue
            if len(cells) != 2:
                raise InvalidInputError("FX rates must be two columns: currency, rate")
            code, value = cells
            if i == 0 and isinstance(value, str):
                continue  # header row
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInputError("FX rates must be numbers")
            rates[_code(code)] = float(value)
        bases = [c for c, r in rates.items() if r == 1.0]
        if not rates or not bases:
            raise InvalidInputError("FX rates need one base currency quoted as 1")
        return cls(bases[0], rates, as_date(as_of), source)


def _code(code: object) -> str:
    if not isinstance(code, str) or len(code.strip()) != 3 or not code.strip().isalpha():
        raise InvalidInputError("currency must be a 3-letter ISO 4217 code")
    return code.strip().upper()


def as_date(value: Any) -> dt.date | None:
    """A date from a cell value (a date, a datetime, an Excel serial number or ISO text), or
    ``None`` when blank: :func:`calculators.dates.read_date` for the field ``as_of``.

    Parameters
    ----------
    value : date, datetime, float, str or None
        The cell value.

    Returns
    -------
    datetime.date or None
        The date, or ``None`` for a blank.

    Raises
    ------
    InvalidInputError
        Anything that is not a day (text other than ISO, serial 60, a serial out of range).

    References
    ----------
    Excel's 1900 date system, as in :func:`calculators.dates.read_date`.

    Examples
    --------
    >>> as_date(45658), as_date("2025-03-31")
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    >>> as_date("") is None
    True
    """
    return read_date(value, "as_of")


def shipped_table(as_of: Any = None) -> FxTable:
    """The shipped reference table in force on ``as_of`` (default: the latest).

    Parameters
    ----------
    as_of : date, Excel serial number or ISO text, optional
        The day; the table used is the latest dated on or before it.

    Returns
    -------
    FxTable
        The rates of ``data/fx.yaml`` (parameter ``rates``) with their date and source.

    Raises
    ------
    MissingParameterError
        For a day before the first dated table.

    References
    ----------
    The source named in ``data/fx.yaml`` (``rates.metadata.reference``).

    Examples
    --------
    >>> t = shipped_table()
    >>> t.base, t.rate("USD")
    ('USD', 1.0)
    """
    param = load_parameters(_DATA)["rates"]
    day = as_date(as_of) or max(param.values)
    rates = param.at(day)
    chosen = max(d for d in param.values if d <= day)
    refs = param.references[0].get("title", "") if param.references else ""
    if refs and param.references[0].get("href"):
        refs += " <" + param.references[0]["href"] + ">"
    base = next(c for c, r in rates.items() if float(r) == 1.0)
    return FxTable(base, {k: float(v) for k, v in rates.items()}, chosen, refs)


@overload
def convert(amount: float, from_ccy: str, to_ccy: str, table: FxTable | None = None) -> float: ...
@overload
def convert(
    amount: Array | Sequence[float], from_ccy: str, to_ccy: str, table: FxTable | None = None
) -> Array: ...
def convert(amount: Any, from_ccy: str, to_ccy: str, table: FxTable | None = None) -> Amount:
    """Convert with ``table`` (default: the latest shipped table).

    Parameters
    ----------
    amount : float or array_like
        The amount in ``from_ccy``.
    from_ccy, to_ccy : str
        ISO 4217 codes.
    table : FxTable, optional
        The rates to use; default :func:`shipped_table`.

    Returns
    -------
    float or numpy.ndarray
        The amount in ``to_ccy``; a float for a plain number, an array otherwise.

    References
    ----------
    None

    Examples
    --------
    >>> t = FxTable("USD", {"USD": 1.0, "GBP": 0.75})
    >>> convert(300, "GBP", "USD", t)
    400.0
    >>> type(convert(100, "USD", "JPY")) is float
    True
    """
    return (table or shipped_table()).convert(amount, from_ccy, to_ccy)
