"""Market data: comparable pay, filtered, with percentiles and bands.

A market dataset is a table of comparable pay the user assembles (Levels.fyi,
Glassdoor, LinkedIn, recruiters): one row per data point with ``company``,
``title``, ``level``, ``location``, ``years_experience``, ``base``,
``stock_per_year``, ``bonus``, ``total``, ``currency``, ``date``, ``source``.

Like for like
-------------
Both sides use one TC definition, the one these sites use: **yearly base +
average yearly stock + target bonus**; sign-on, relocation, refreshers,
benefits and stock options are left out.  A market row's TC is the sum of its
components where it has them (its ``total`` only where all three are blank);
an offer's TC is :func:`offer_market_tc`.

Method
------
*Percentile of a value* (Excel's ``PERCENTRANK.INC``, without its rounding):
with the comparable values sorted ascending ``x_0 <= ... <= x_{n-1}``, a value
equal to a data point stands at ``100 * (number of values strictly below it) /
(n - 1)``; for a value between two data points the percentile is interpolated
linearly between theirs; below the smallest it is 0, above the largest 100.
Without ties this is ``100 - 100 * (r - 1) / (n - 1)`` for the value ranked
``r``-th from the top (the shared reference vector); tied values share the
lowest of their positions.
*Band* (Excel's ``PERCENTILE.INC``, numpy's ``linear``): the *p*-th percentile
is read at position ``(n - 1) * p / 100`` of the sorted values, interpolating
between neighbours.  Both need at least two comparable rows; fewer than
``market_small_sample`` rows or rows whose median date is older than
``market_stale_months`` (both in ``data/negotiation.yaml``) carry a warning in the result.

Synthetic rows
--------------
A row whose ``source`` names it synthetic (a word of ``market_synthetic_words`` in
``data/market.yaml``; the example workbook's sample says "synthetic, illustrative") is not
pay anyone reported: a band or percentile resting on such rows says so first among its
warnings (``market_synthetic``), and counts them (:attr:`MarketStat.synthetic`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from calculators.dates import read_date
from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.fx import FxTable
from calculators.notes import Note
from calculators.offer.model import MAX_AMOUNT, Offer, check_amount
from calculators.params import DATA_DIR, load_parameters

__all__ = [
    "COLUMNS",
    "MarketData",
    "Filters",
    "MarketStat",
    "market_from_rows",
    "percentile_of",
    "band",
    "offer_market_tc",
    "next_level",
    "BAND_PERCENTILES",
    "METHOD_PERCENTILE",
    "METHOD_BAND",
]

Array = npt.NDArray[np.float64]
_DATA = DATA_DIR / "negotiation.yaml"
_SOURCES = DATA_DIR / "market.yaml"
BAND_PERCENTILES = (25.0, 50.0, 75.0, 90.0)
METHOD_PERCENTILE = "rank: 100 x values below / (n - 1), interpolated (PERCENTRANK.INC)"
METHOD_BAND = "linear at (n - 1) x p (PERCENTILE.INC)"

COLUMNS = {
    "company": ("company", "employer"),
    "title": ("title", "role", "job_title"),
    "level": ("level", "grade"),
    "location": ("location", "city"),
    "years_experience": ("years_experience", "yoe", "experience", "years"),
    "base": ("base", "base_salary"),
    "stock_per_year": ("stock_per_year", "stock", "equity_per_year", "stock_yearly"),
    "bonus": ("bonus",),
    "total": ("total", "tc", "total_compensation"),
    "currency": ("currency", "ccy"),
    "date": ("date", "as_of", "reported"),
    "source": ("source",),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_TEXT = ("company", "title", "level", "location", "currency", "source")


def _setting(name: str, as_of: dt.date | None) -> float:
    """A market-data assumption as in force on ``as_of``, the date the rows are judged at
    (the date their recency is measured to); without one, the latest dated value.  Before
    its first dated value the assumption had no other version, so that one applies."""
    param = load_parameters(_DATA)[name]
    return float(in_force(param, None if as_of is None else max(as_of, param.dates[0])))


def _synthetic_words() -> tuple[str, ...]:
    """The words that mark a row's source as synthetic (``data/market.yaml``), lower case."""
    words = in_force(load_parameters(_SOURCES)["market_synthetic_words"])
    return tuple(str(w).strip().lower() for w in words if str(w).strip())


def _norm(text: object) -> str:
    return "_".join(str(text).strip().lower().replace("-", "_").split())


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


@dataclass(frozen=True)
class MarketData:
    """Comparable pay as columns (numpy arrays, one element per row).

    ``tc`` is the like-for-like TC of every row; ``days`` its date as days
    since 1970-01-01 (NaN where the row has no date); a text column is kept
    as integer codes into its case-folded distinct values (code -1: blank),
    so filtering a million rows compares integers, not strings.
    """

    tc: Array
    years: Array
    days: Array
    text: Mapping[str, tuple[npt.NDArray[np.int32], tuple[str, ...]]]
    currency: str | None
    notes: tuple[Note, ...] = ()  # what reading the rows found (code market_total_mismatch)
    # per text column, each distinct value as first written (parallel to its case-folded one)
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tc)

    @property
    def synthetic(self) -> npt.NDArray[np.bool_]:
        """Per row, whether its ``source`` marks it synthetic (``data/market.yaml``)."""
        codes, cats = self.text["source"]
        marks = [re.compile(rf"\b{re.escape(w)}\b") for w in _synthetic_words()]
        hit = [i for i, c in enumerate(cats) if any(m.search(c) for m in marks)]
        return np.isin(codes, hit) if hit else np.zeros(len(self), dtype=bool)

    @property
    def newest(self) -> dt.date | None:
        """The date of the most recent dated row (``None``: no row has a date)."""
        dated = self.days[~np.isnan(self.days)]
        return None if dated.size == 0 else _day(float(dated.max()))

    @classmethod
    def from_columns(
        cls,
        tc: npt.ArrayLike,
        currency: str | None = None,
        years: npt.ArrayLike | None = None,
        days: npt.ArrayLike | None = None,
        **text: Sequence[Any] | npt.ArrayLike,
    ) -> MarketData:
        """Build from column arrays (vectorised; e.g. from a pandas DataFrame's columns).

        Parameters
        ----------
        tc : array_like
            Like-for-like TC of every row.
        currency : str, optional
            The currency of ``tc``.
        years : array_like, optional
            Years of experience per row (NaN where unknown).
        days : array_like, optional
            Row dates as days since 1970-01-01 (NaN where unknown).
        **text
            Text columns (``location``, ``level``, ``title``, ``company``), one value per row.

        Returns
        -------
        MarketData
            The columns, text kept as codes into their case-folded distinct values.

        Raises
        ------
        InvalidInputError
            An unknown text column.

        References
        ----------
        None

        Examples
        --------
        >>> d = MarketData.from_columns([1.0, 2.0], location=["Tokyo", "tokyo"])
        >>> d.text["location"][1]
        ('tokyo',)
        """
        values = np.asarray(tc, dtype=float)
        n = values.size
        unknown = set(text) - set(_TEXT)
        if unknown:
            raise InvalidInputError("market columns: unknown text column", code="market_unknown_column")
        coded = {name: _labelled(text.get(name), n, name) for name in _TEXT}
        return cls(
            values,
            np.full(n, np.nan) if years is None else np.asarray(years, dtype=float),
            np.full(n, np.nan) if days is None else np.asarray(days, dtype=float),
            {name: (codes, cats) for name, (codes, cats, _) in coded.items()},
            currency,
            (),
            {name: labels for name, (_, _, labels) in coded.items()},
        )


def _codes(column: Any, n: int, name: str) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """Integer codes of a text column into its sorted, case-folded distinct values."""
    codes, cats, _ = _labelled(column, n, name)
    return codes, cats


def _labelled(
    column: Any, n: int, name: str
) -> tuple[npt.NDArray[np.int32], tuple[str, ...], tuple[str, ...]]:
    """:func:`_codes`, with each case-folded value as it was first written (its label)."""
    if column is None:
        return np.full(n, -1, dtype=np.int32), (), ()
    codes, uniques = _factor(column, lambda: InvalidInputError(f"market table: {name} must be text"))
    folded = [None if _blank(u) else str(u).strip().lower() for u in uniques]
    cats = sorted({f for f in folded if f is not None})
    index = {c: i for i, c in enumerate(cats)}
    first: dict[str, str] = {}
    for u, f in zip(uniques, folded, strict=True):
        if f is not None:
            first.setdefault(f, str(u).strip())
    remap = np.array([index[f] if f is not None else -1 for f in folded] + [-1], dtype=np.int32)
    return remap[codes], tuple(cats), tuple(first[c] for c in cats)


@dataclass(frozen=True)
class Filters:
    """Which rows are comparable.  Blank (``None``) filters keep every row.

    Text filters match case-blind and whole-cell; ``location``, ``level`` and
    ``title`` accept several values separated by ``|`` (``"Tokyo|Yokohama"``).
    ``since`` keeps rows dated on or after it (rows without a date are kept
    only when ``since`` is blank).
    """

    location: str | None = None
    level: str | None = None
    title: str | None = None
    company: str | None = None
    min_years: float | None = None
    max_years: float | None = None
    since: dt.date | None = None

    def describe(self) -> str:
        """The filters in use, by name only (their values may be private).

        Returns
        -------
        str
            The names of the filters set, comma-separated, or ``"no filter"``.

        References
        ----------
        None

        Examples
        --------
        >>> Filters(location="Tokyo", min_years=3).describe(), Filters().describe()
        ('location, min_years', 'no filter')
        """
        names = [
            k
            for k in ("location", "level", "title", "company", "min_years", "max_years", "since")
            if getattr(self, k) not in (None, "")
        ]
        return ", ".join(names) or "no filter"


@dataclass(frozen=True)
class MarketStat:
    """A percentile or a band, with what it rests on."""

    values: dict[str, float]  # "percentile" or "p25", "p50", ...
    n: int
    method: str
    currency: str | None
    warnings: tuple[Note, ...] = field(default_factory=tuple)  # synthetic, small sample, stale, undated
    median_date: dt.date | None = None  # the comparable rows' median date (None: undated)
    newest: dt.date | None = None  # the most recent of their dates
    synthetic: int = 0  # how many of them are synthetic (their source says so)


def _factor(
    values: Sequence[object], refusal: Callable[[], InvalidInputError]
) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Hash a column once: codes into its distinct values (-1: None / NaN); a cell that
    cannot be hashed (a list, a dict) is ``refusal()``."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        arr = values
    else:
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
    try:
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    except TypeError:
        raise refusal() from None
    return np.asarray(codes), list(uniques)


def _by_unique(
    values: Sequence[object], convert: Any, refusal: Callable[[], InvalidInputError], missing: float = np.nan
) -> Array:
    """Apply a scalar ``convert`` to each distinct value only, then spread the results; a bool
    cell (hashing would merge True with 1) or a list is ``refusal()``."""
    if any(isinstance(v, (bool, np.bool_)) for v in values):
        raise refusal()
    codes, uniques = _factor(values, refusal)
    table = np.array([convert(u) for u in uniques] + [missing], dtype=float)
    return np.asarray(table[codes])


def _not_a_date() -> InvalidInputError:
    return InvalidInputError("market table: date must be a date (YYYY-MM-DD)", code="market_not_a_date")


def _day(days: float) -> dt.date:
    """The date ``days`` days after 1970-01-01 (a fraction of a day is dropped)."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(days))


def _date_days(value: object) -> float:
    """Days since 1970-01-01 of a date cell (:func:`read_date`); a blank or NaT cell is NaN."""
    if _blank(value) or value is pd.NaT:
        return math.nan
    try:
        day = read_date(value, "market table: date")
    except InvalidInputError:
        raise _not_a_date() from None
    assert day is not None  # a blank was handled above
    return float((day - dt.date(1970, 1, 1)).days)


_PLAIN_NUMBERS = {"floating", "integer", "mixed-integer-float", "empty"}


def _not_a_number(name: str) -> InvalidInputError:
    return InvalidInputError(
        f"market table: {name} must be a number", code="market_not_a_number", params={"column": name}
    )


def _number(value: object, name: str) -> float:
    if _blank(value):
        return math.nan
    if isinstance(value, bool):
        raise _not_a_number(name)
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            raise _not_a_number(name) from None
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise _not_a_number(name)
    return float(value)


def _numbers(values: Sequence[object], name: str) -> Array:
    """A numeric column: blank is NaN; text like ``1,000`` is read (vectorised)."""
    out: Array | None = None
    if pd.api.types.infer_dtype(values, skipna=True) in _PLAIN_NUMBERS:
        out = np.asarray(values, dtype=float)  # None -> NaN; anything else: the slow path
    if out is None:
        out = _by_unique(values, lambda v: _number(v, name), lambda: _not_a_number(name))
    finite = out[~np.isnan(out)]
    if not np.isfinite(finite).all():
        raise InvalidInputError(
            f"market table: {name} must be a finite number", code="market_not_finite", params={"column": name}
        )
    if (np.abs(finite) > MAX_AMOUNT).any():
        try:
            check_amount(name, float(finite[np.abs(finite) > MAX_AMOUNT][0]), "market table")
        except InvalidInputError as exc:  # the same line, with its code
            raise InvalidInputError(
                str(exc), code="market_too_large", params={"column": name, "most": MAX_AMOUNT}
            ) from None
    if (finite < 0).any():
        raise InvalidInputError(
            f"market table: {name} must not be negative", code="market_negative", params={"column": name}
        )
    return out


def market_from_rows(
    rows: Sequence[Sequence[Any]],
    currency: str | None = None,
    fx: FxTable | None = None,
) -> MarketData:
    """Read a market range (a header row, then one row per data point).

    Rows in another currency than ``currency`` are converted with ``fx``;
    without ``currency`` every row must be in one currency (or have none).
    Blank rows are skipped; a row's blank parts count as 0.  Each column is
    hashed once and only its distinct values are parsed, so a million rows
    read in seconds, not minutes.

    Parameters
    ----------
    rows : sequence of sequence
        A header row (``location``, ``level``, ``base``, ``stock_per_year``, ``bonus``,
        ``total``, ``currency``, ``date`` …), then the data rows.
    currency : str, optional
        The currency to express every row in.
    fx : FxTable, optional
        The dated rates for rows in other currencies.

    Returns
    -------
    MarketData
        The rows as columns.

    Raises
    ------
    InvalidInputError
        A header without a pay column, a value that is not a number or a date, or rows in
        several currencies without ``currency`` and ``fx``.

    References
    ----------
    None

    Examples
    --------
    >>> data = market_from_rows([["location", "base", "stock_per_year", "bonus"],
    ...                          ["Tokyo", 10e6, 2e6, 1e6], ["Tokyo", 12e6, 0, None]])
    >>> data.tc.tolist()
    [13000000.0, 12000000.0]
    """
    if not rows or not isinstance(rows[0], (list, tuple)):
        raise InvalidInputError("market table is empty: give a header row and data rows", code="market_empty")
    header = [_ALIASES.get(_norm(h)) if not _blank(h) else None for h in rows[0]]
    known = [h for h in header if h is not None]
    if len(known) != len(set(known)):
        raise InvalidInputError("market table: a column is listed twice", code="market_column_twice")
    if not ({"base", "total"} & set(known)):
        raise InvalidInputError(
            "market table needs a base or a total column (header row)", code="market_no_pay_column"
        )
    width = len(header)
    body = rows[1:]
    if not body:
        raise InvalidInputError(
            "market table is empty: no data rows under the header", code="market_no_data_rows"
        )
    try:
        grid = np.array(body, dtype=object)
    except ValueError:
        grid = np.empty(0, dtype=object)
    if grid.ndim != 2 or grid.shape[1] != width:
        raise InvalidInputError("market table is ragged: rows have different lengths", code="market_ragged")
    columns: list[Any] = [grid[:, j] for j in range(width)]
    cols = {name: columns[j] for j, name in enumerate(header) if name is not None}
    n = len(body)
    nums = {
        name: _numbers(cols[name], name) if name in cols else np.full(n, np.nan)
        for name in ("base", "stock_per_year", "bonus", "total", "years_experience")
    }
    parts = np.vstack([nums["base"], nums["stock_per_year"], nums["bonus"]])
    has_parts = ~np.isnan(parts).all(axis=0)
    tc = np.where(has_parts, np.nansum(parts, axis=0), nums["total"])
    keep = np.ones(n, dtype=bool)
    for i in np.flatnonzero(np.isnan(tc)):  # a blank row is skipped, any other is an error
        if not all(_blank(c) for c in grid[i]):
            raise InvalidInputError(
                "market table: every row needs a base or a total", code="market_row_without_pay"
            )
        keep[i] = False
    if not keep.any():
        raise InvalidInputError(
            "market table is empty: no data rows under the header", code="market_no_data_rows"
        )
    notes: list[Note] = []
    differs = keep & has_parts & ~np.isnan(nums["total"]) & (np.abs(tc - nums["total"]) > 0.5)
    if differs.any():
        notes.append(Note("market_total_mismatch", {"rows": int(differs.sum())}))
    coded = {name: _labelled(cols.get(name), n, name) for name in _TEXT}
    text = {name: (codes, cats) for name, (codes, cats, _) in coded.items()}
    labels = {name: names for name, (_, _, names) in coded.items()}
    days = _by_unique(cols["date"], _date_days, _not_a_date) if "date" in cols else np.full(n, np.nan)
    if not keep.all():
        tc, days, years = tc[keep], days[keep], nums["years_experience"][keep]
        text = {k: (codes[keep], cats) for k, (codes, cats) in text.items()}
    else:
        years = nums["years_experience"]
    tc, ccy = _one_currency(tc, text["currency"], currency, fx)
    return MarketData(tc, years, days, text, ccy, tuple(notes), labels)


def _one_currency(
    tc: Array,
    column: tuple[npt.NDArray[np.int32], tuple[str, ...]],
    currency: str | None,
    fx: FxTable | None,
) -> tuple[Array, str | None]:
    codes, cats = column
    present = sorted({cats[c].upper() for c in np.unique(codes) if c >= 0})
    if currency is None:
        if len(present) > 1:
            raise InvalidInputError(
                "market table mixes currencies: give the currency to compare in",
                code="market_mixed_currencies",
            )
        return tc, (present[0] if present else None)
    target = currency.strip().upper()
    if not present or present == [target]:
        return tc, target
    if fx is None:
        raise InvalidInputError(
            "market table mixes currencies: an FX table is needed", code="market_needs_fx"
        )
    out = tc.copy()
    for i, cat in enumerate(cats):
        if cat.upper() != target:
            mask = codes == i
            out[mask] = tc[mask] * float(fx.convert(1.0, cat, target))
    return out, target


def _place_names(wanted: str) -> set[str]:
    """A location filter's names: itself, and every name of its jurisdiction when it is a
    jurisdiction code or one of its city names (``US-WA`` matches rows in Seattle).

    >>> sorted(_place_names("us-wa"))[:3]
    ['bellevue', 'redmond', 'seattle']
    """
    from calculators.places import names_of  # noqa: PLC0415

    return {wanted.strip().lower(), *(n.lower() for n in names_of(wanted))}


def _mask(data: MarketData, f: Filters) -> npt.NDArray[np.bool_]:
    mask = np.ones(len(data), dtype=bool)
    for name in ("location", "level", "title", "company"):
        wanted = getattr(f, name)
        if wanted:
            keys = {
                k
                for w in str(wanted).split("|")
                if w.strip()
                for k in (_place_names(w) if name == "location" else {w.strip().lower()})
            }
            codes, cats = data.text[name]
            chosen = [i for i, c in enumerate(cats) if c in keys]
            mask &= np.isin(codes, chosen) if chosen else False
    if f.min_years is not None:
        mask &= data.years >= f.min_years
    if f.max_years is not None:
        mask &= data.years <= f.max_years
    if f.since is not None:
        mask &= data.days >= float((f.since - dt.date(1970, 1, 1)).days)
    return mask


def _select(data: MarketData, f: Filters) -> tuple[Array, Array, npt.NDArray[np.bool_]]:
    """The comparable rows' TC, dates and whether each is synthetic."""
    if f == Filters():
        values, days, synthetic = data.tc, data.days, data.synthetic
    else:
        mask = _mask(data, f)
        values, days, synthetic = data.tc[mask], data.days[mask], data.synthetic[mask]
    if values.size == 0:
        raise InvalidInputError(
            "no comparable market rows after filtering on " + f.describe(),
            code="market_no_rows",
            params={"filters": f.describe()},
        )
    if values.size < 2:
        raise InvalidInputError(
            "only 1 comparable market row after filtering: at least 2 are needed for a percentile",
            code="market_one_row",
        )
    return np.asarray(values, dtype=float), days, synthetic


def _stat(
    values: dict[str, float],
    data: MarketData,
    selected: tuple[Array, Array, npt.NDArray[np.bool_]],
    method: str,
    as_of: dt.date | None,
) -> MarketStat:
    """A percentile or band with what its comparable rows rest on: size, dates, warnings."""
    x, days, synthetic = selected
    dated = days[~np.isnan(days)]
    median = None if dated.size == 0 else _day(float(np.median(dated)))
    newest = None if dated.size == 0 else _day(float(dated.max()))
    n = int(x.size)
    count = int(synthetic.sum())
    warnings = _warnings(data, days, n, as_of)
    if count:
        warnings = (Note("market_synthetic", {"rows": count, "n": n}), *warnings)
    return MarketStat(values, n, method, data.currency, warnings, median, newest, count)


def _warnings(data: MarketData, days: Array, n: int, as_of: dt.date | None) -> tuple[Note, ...]:
    """What the comparable rows' size and dates warn of, as notes (codes ``market_...``)."""
    out = list(data.notes)
    small = int(_setting("market_small_sample", as_of))
    if n < small:
        out.append(Note("market_small_sample", {"n": n, "least": small}))
    if as_of is not None:
        dated = days[~np.isnan(days)]
        if dated.size == 0:
            out.append(Note("market_undated"))
        else:
            median = dt.date(1970, 1, 1) + dt.timedelta(days=float(np.median(dated)))
            months = (as_of - median).days / 30.4375
            limit = _setting("market_stale_months", as_of)
            if months > limit:
                params = {"median": median.isoformat(), "months": round(months), "as_of": as_of.isoformat()}
                out.append(Note("market_stale", params))
    return tuple(out)


def percentile_of(
    value: float,
    data: MarketData,
    filters: Filters | None = None,
    as_of: dt.date | None = None,
) -> MarketStat:
    """Where ``value`` stands among the comparable rows (0 to 100).

    Parameters
    ----------
    value : float
        The TC to place.
    data : MarketData
        The market rows.
    filters : Filters, optional
        Which rows are comparable; default every row.
    as_of : datetime.date, optional
        The day staleness warnings are measured from.

    Returns
    -------
    MarketStat
        ``values["percentile"]``, the sample size, the method and warnings (small sample,
        stale data).

    Raises
    ------
    InvalidInputError
        A value that is not a finite number, or no comparable row.

    References
    ----------
    The method of Excel's ``PERCENTRANK.INC`` (:data:`METHOD_PERCENTILE`).

    Examples
    --------
    >>> d = market_from_rows([["total"], *[[v] for v in (10, 20, 30, 40, 50)]])
    >>> percentile_of(40, d).values["percentile"], percentile_of(45, d).values["percentile"]
    (75.0, 87.5)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError("value must be a finite number", code="market_value_not_finite")
    f = filters or Filters()
    selected = _select(data, f)
    x = selected[0]
    n = x.size
    below = x < value
    count_below = int(below.sum())
    if (x == value).any():
        position = float(count_below)
    elif count_below == 0:
        position = 0.0
    elif count_below == n:
        position = float(n - 1)
    else:
        lower = float(x[below].max())
        upper = float(x[~below].min())
        pos_lower = float((x < lower).sum())  # tied values share their lowest position
        position = pos_lower + (count_below - pos_lower) * (value - lower) / (upper - lower)
    pct = 100.0 * position / (n - 1)
    return _stat({"percentile": pct}, data, selected, METHOD_PERCENTILE, as_of)


def band(
    data: MarketData,
    filters: Filters | None = None,
    percentiles: Sequence[float] = BAND_PERCENTILES,
    as_of: dt.date | None = None,
) -> MarketStat:
    """The band of comparable TC at ``percentiles`` (default p25, p50, p75, p90).

    Parameters
    ----------
    data : MarketData
        The market rows.
    filters : Filters, optional
        Which rows are comparable; default every row.
    percentiles : sequence of float, optional
        Percentiles from 0 to 100.
    as_of : datetime.date, optional
        The day staleness warnings are measured from.

    Returns
    -------
    MarketStat
        ``values`` keyed ``p25``, ``p50`` …, the sample size, the method and warnings.

    Raises
    ------
    InvalidInputError
        A percentile outside 0 to 100, or no comparable row.

    References
    ----------
    The method of Excel's ``PERCENTILE.INC`` (:data:`METHOD_BAND`; numpy's ``linear``).

    Examples
    --------
    >>> d = market_from_rows([["total"], *[[v] for v in (10, 20, 30, 40, 50)]])
    >>> band(d).values
    {'p25': 20.0, 'p50': 30.0, 'p75': 40.0, 'p90': 46.0}
    >>> d = MarketData.from_columns([1.0, 2.0, 3.0], location=["Tokyo", "Osaka", "tokyo"])
    >>> band(d, Filters(location="Tokyo"), [50]).values
    {'p50': 2.0}
    """
    ps = [float(p) for p in percentiles]
    if not ps or any(not math.isfinite(p) or not 0 <= p <= 100 for p in ps):
        raise InvalidInputError("percentiles must be numbers from 0 to 100", code="market_percentiles_range")
    f = filters or Filters()
    selected = _select(data, f)
    values = np.percentile(selected[0], ps, method="linear")
    out = {f"p{p:g}": float(v) for p, v in zip(ps, values, strict=True)}
    return _stat(out, data, selected, METHOD_BAND, as_of)


def next_level(
    data: MarketData, filters: Filters, as_of: dt.date | None = None
) -> tuple[str, MarketStat] | None:
    """The level above ``filters.level`` among the same rows, and its band.

    Among the rows the other filters keep (location, title, ...), each level with at least
    two rows is ranked by its median TC; the next level is the one whose median is the
    least above the median of ``filters.level``'s rows.  No level given, no such rows, or
    no level above: ``None``.

    Parameters
    ----------
    data : MarketData
        The market rows.
    filters : Filters
        Which rows are comparable, ``level`` the one you are at.
    as_of : datetime.date, optional
        The day staleness warnings are measured from.

    Returns
    -------
    tuple of (str, MarketStat) or None
        The level as its rows first write it, and its band (:func:`band`).

    References
    ----------
    None

    Examples
    --------
    >>> d = market_from_rows([["level", "total"], ["L4", 80], ["L4", 90], ["L5", 100],
    ...                       ["L5", 120], ["L6", 150], ["L6", 170]])
    >>> level, stat = next_level(d, Filters(level="l5"))
    >>> level, stat.values["p90"]
    ('L6', 168.0)
    >>> next_level(d, Filters(level="L6")) is None
    True
    """
    if not isinstance(filters, Filters) or not filters.level:
        return None
    mine = {w.strip().lower() for w in str(filters.level).split("|") if w.strip()}
    others = _mask(data, dataclasses.replace(filters, level=None))
    codes, cats = data.text["level"]
    at = others & np.isin(codes, [i for i, c in enumerate(cats) if c in mine])
    if at.sum() < 2:
        return None
    here = float(np.median(data.tc[at]))
    above = []
    for i, c in enumerate(cats):
        rows = others & (codes == i)
        if c not in mine and rows.sum() >= 2 and (median := float(np.median(data.tc[rows]))) > here:
            above.append((median, i))
    if not above:
        return None
    i = min(above)[1]
    label = (data.labels.get("level") or cats)[i]
    return label, band(data, dataclasses.replace(filters, level=label), as_of=as_of)


def offer_market_tc(offer: Offer) -> float:
    """An offer's TC on the market's definition: base + average yearly stock + target bonus.

    Year-1 base, ``base * bonus_target * bonus_payout`` and the RSU grant spread
    evenly over its vesting years; no sign-on, refreshers, options or benefits.

    Parameters
    ----------
    offer : Offer
        The offer.

    Returns
    -------
    float
        The TC in the offer's currency.

    References
    ----------
    None: the definition the market data sets use for yearly TC (base, stock per year,
    bonus).

    Examples
    --------
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "JP-TOKYO", "currency": "JPY",
    ...     "base_salary": 14e6, "bonus_target": 0.15, "rsu_grant": 12e6, "sign_on": 1e6})
    >>> offer_market_tc(o)
    19100000.0
    """
    stock = offer.rsu_grant / max(len(offer.rsu_schedule), 1)
    return float(offer.base_salary * (1.0 + offer.bonus_target * offer.bonus_payout) + stock)
