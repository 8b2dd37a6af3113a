"""What leaving the current job forfeits: its unvested equity and the bonus not yet paid.

The current job (:class:`CurrentJob`) is a base salary, a bonus target (a fraction of the
base, as an offer's ``bonus_target``) paid on one next bonus date, and its unvested equity as
a list of ``(vest date, amount)`` in the equity's currency, all where the job is (its
jurisdiction, whose currency the job is paid in).  Leaving on ``leave_date``
(:func:`forfeited`, the day before the new job starts, or that day) gives up:

- every vest dated **after** the leave date (a vest on the leave date itself is yours);
- the bonus, when its date is **after** the leave date, *in full*.  A pro-rata bonus for
  the part of the bonus year worked is **not** assumed: most plans pay only to people
  employed on the payment date, so nothing of it is counted as kept; where your plan pays a
  share on leaving, enter the bonus you would lose (the target less that share).  A bonus
  dated on or before the leave date is paid, so nothing is forfeited.

**After tax** is what the forfeited amounts would have put in your pocket: for each calendar
year in which some of them would have been paid, the take-home pay of a year's base salary
plus them, less the take-home pay of the base salary alone, from
:func:`calculators.tax.engine.compute` for the job's jurisdiction (cash: the bonus, equity:
the vests, as the engine taxes them).  Each year's are taxed on top of one year's base, not
stacked into one year; every year uses the rules of one tax year (``tax_year``, or the latest
the jurisdiction's parameter files cover), as the comparison does.  Amounts are in the
current job's currency (equity in another currency converted with the FX table given, or
the latest shipped one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calculators.dates import read_date
from calculators.errors import InvalidInputError, UnknownJurisdictionError
from calculators.fx import FxTable, shipped_table
from calculators.offer.model import pay_amount
from calculators.personal import as_options
from calculators.tax import compute, get_jurisdiction, supported_codes

__all__ = ["CURRENT_JOB_FIELDS", "CurrentJob", "Forfeited", "current_job_from_table", "forfeited"]

#: The labels of a current-job table (:func:`current_job_from_table`); vests are rows of
#: their own, a vest date then its amount.
CURRENT_JOB_FIELDS = (
    "name",
    "jurisdiction",
    "base_salary",
    "bonus_target",
    "next_bonus_date",
    "equity_currency",
)


@dataclass(frozen=True)
class CurrentJob:
    """The job you would leave: pay, the next bonus and the unvested equity.

    ``base_salary`` is yearly, in the jurisdiction's currency; ``bonus_target`` a fraction of
    it (0.2 is 20 %), paid on ``next_bonus_date`` (blank: no bonus pending); ``unvested`` the
    ``(vest date, amount)`` pairs still to vest, amounts in ``equity_currency`` (blank: the
    jurisdiction's).  Built from cells, every field is checked (one line naming it).

    Examples
    --------
    >>> job = CurrentJob("Tokyo", 12_000_000, 0.2, "2026-06-30",
    ...                  (("2026-03-15", 1_500_000), ("2026-09-15", 1_500_000)))
    >>> job.currency, job.bonus, job.unvested[0]
    ('JPY', 2400000.0, (datetime.date(2026, 3, 15), 1500000.0))
    >>> CurrentJob("Tokyo", -1)
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: current job: base_salary must be a finite number, 0 or more
    """

    jurisdiction: str
    base_salary: float
    bonus_target: float = 0.0
    next_bonus_date: dt.date | None = None
    unvested: tuple[tuple[dt.date, float], ...] = ()
    equity_currency: str | None = None
    name: str = "Current job"
    # the grant date of each vest, in the order of ``unvested`` (None: not given); read where
    # the grants keep vesting after a move (an internal transfer) and the vest is shared by workdays
    granted: tuple[dt.date | None, ...] = ()

    def __post_init__(self) -> None:
        where = "current job: "
        if not isinstance(self.jurisdiction, str) or not self.jurisdiction.strip():
            raise InvalidInputError(where + "jurisdiction must be a jurisdiction code or city")
        try:
            code = get_jurisdiction(self.jurisdiction.strip()).code
        except UnknownJurisdictionError:
            raise InvalidInputError(
                where + "jurisdiction is not one with tax rules: " + ", ".join(supported_codes())
            ) from None
        object.__setattr__(self, "jurisdiction", code)
        object.__setattr__(self, "base_salary", pay_amount(self.base_salary, where + "base_salary"))
        bonus = pay_amount(self.bonus_target, where + "bonus_target")
        if bonus > 10:
            raise InvalidInputError(where + "bonus_target is a fraction of base (0.2 is 20 %), at most 10")
        object.__setattr__(self, "bonus_target", bonus)
        object.__setattr__(
            self, "next_bonus_date", read_date(self.next_bonus_date, where + "next_bonus_date")
        )
        if isinstance(self.unvested, (str, bytes)) or not isinstance(self.unvested, Iterable):
            raise InvalidInputError(where + "unvested must be a list of (vest date, amount)")
        vests = []
        grants = tuple(self.granted) if isinstance(self.granted, Iterable) else ()
        for i, pair in enumerate(self.unvested, start=1):
            field = f"{where}unvested vest {i}"
            if isinstance(pair, (str, bytes)) or not isinstance(pair, Iterable) or len(tuple(pair)) != 2:
                raise InvalidInputError(f"{field} must be a (vest date, amount) pair")
            day, amount = tuple(pair)
            vest_day = read_date(day, field + " date")
            if vest_day is None:
                raise InvalidInputError(f"{field} date must be a date (YYYY-MM-DD)")
            grant = read_date(grants[i - 1], field + " grant date") if i <= len(grants) else None
            vests.append((vest_day, pay_amount(amount, field + " amount"), grant))
        vests.sort(key=lambda v: (v[0], v[1]))
        object.__setattr__(self, "unvested", tuple((d, a) for d, a, _ in vests))
        object.__setattr__(self, "granted", tuple(g for _, _, g in vests))
        ccy = self.equity_currency
        if ccy is not None and (not isinstance(ccy, str) or (ccy.strip() and len(ccy.strip()) != 3)):
            raise InvalidInputError(where + "equity_currency must be a 3-letter currency code")
        object.__setattr__(self, "equity_currency", ccy.strip().upper() if ccy and ccy.strip() else None)
        if not isinstance(self.name, str):
            raise InvalidInputError(where + "name must be text")

    @property
    def currency(self) -> str:
        """The currency the job pays in: its jurisdiction's."""
        return get_jurisdiction(self.jurisdiction).currency

    @property
    def bonus(self) -> float:
        """The next bonus, as an amount (base times target)."""
        return self.base_salary * self.bonus_target

    def equity_rate(self, fx: FxTable | None = None) -> float:
        """Units of the job's currency per unit of its equity's.

        Parameters
        ----------
        fx : FxTable, optional
            The rates (blank: the shipped table).

        Returns
        -------
        float
            1 where the equity is valued in the job's own currency.

        References
        ----------
        None

        Examples
        --------
        >>> CurrentJob("Tokyo", 12_000_000).equity_rate()
        1.0
        """
        ccy = self.equity_currency or self.currency
        return (
            1.0 if ccy == self.currency else float((fx or shipped_table()).convert(1.0, ccy, self.currency))
        )


@dataclass(frozen=True)
class Forfeited:
    """What leaving on ``leave_date`` gives up (the current job's currency)."""

    job: str
    currency: str
    leave_date: dt.date
    tax_year: int
    equity: float  # the vests after the leave date, gross
    bonus: float  # the bonus dated after the leave date, gross (0 when paid before)
    vests: tuple[tuple[dt.date, float], ...]  # the forfeited vests, job's currency
    net: float  # what they would have put in your pocket, after tax
    # the bonus alone after tax: what a transfer (the job moved, its grants vesting on) forfeits
    bonus_net: float = 0.0

    @property
    def gross(self) -> float:
        """Equity and bonus together, before tax."""
        return self.equity + self.bonus

    @property
    def tax(self) -> float:
        """What the tax and contributions would have taken of them."""
        return self.gross - self.net


def current_job_from_table(rows: object) -> CurrentJob:
    """A current job from a two-column table: field and value, and a row per vest.

    A row is a field of :data:`CURRENT_JOB_FIELDS` (as ``base_salary`` or ``Base salary``)
    and its value, or an unvested grant: its vest date (a date or Excel serial), its amount
    and, in a third column, its grant date (read where the grant keeps vesting after a
    move; text there is the sheet's help, not a date).  Blank rows, and rows whose value is
    blank, are skipped.

    Parameters
    ----------
    rows : sequence of sequences
        The cells, row by row (the first two columns are read).

    Returns
    -------
    CurrentJob
        The job, every field checked.

    Raises
    ------
    InvalidInputError
        Not a table; a label that is neither a field nor a date; a field given twice; no
        jurisdiction or base salary; any field's own check.

    References
    ----------
    None

    Examples
    --------
    >>> job = current_job_from_table([["jurisdiction", "Tokyo"], ["Base salary", 12_000_000],
    ...     ["bonus_target", 0.2], ["next_bonus_date", "2026-06-30"], ["2026-09-15", 1_500_000]])
    >>> job.base_salary, job.unvested
    (12000000.0, ((datetime.date(2026, 9, 15), 1500000.0),))
    >>> current_job_from_table([["salary", 1]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: current_job_table row 1: the label must be a vest date or ...
    """
    where = "current_job_table"
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise InvalidInputError(f"{where} must be a range of rows (field, value)")
    values: dict[str, object] = {}
    vests: list[tuple[object, object, dt.date | None]] = []
    for i, row in enumerate(rows, start=1):
        cells = [row] if isinstance(row, (str, bytes)) or not isinstance(row, Iterable) else list(row)
        label = cells[0] if cells else None
        value = cells[1] if len(cells) > 1 else None
        if label is None or (isinstance(label, str) and not label.strip()):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        key = "_".join(label.strip().lower().split()) if isinstance(label, str) else ""
        if key in CURRENT_JOB_FIELDS:
            if key in values:
                raise InvalidInputError(f"{where} row {i}: {key} is given twice")
            values[key] = value
            continue
        try:
            day = read_date(label, f"{where} row {i}")
        except InvalidInputError:
            day = None
        if day is None:
            raise InvalidInputError(
                f"{where} row {i}: the label must be a vest date or one of " + ", ".join(CURRENT_JOB_FIELDS)
            )
        third = cells[2] if len(cells) > 2 else None
        grant = None  # a grant date in the third column; other text there is the sheet's help
        if third is not None and not _is_text(third) and not (isinstance(third, str) and not third.strip()):
            bad = InvalidInputError(f"{where} row {i}: the grant date must be a date (YYYY-MM-DD)")
            if isinstance(third, bool):
                raise bad
            try:
                grant = read_date(third, f"{where} row {i} grant date")
            except InvalidInputError:
                raise bad from None
            if grant is None:
                raise bad
        vests.append((day, value, grant))
    for needed in ("jurisdiction", "base_salary"):
        if needed not in values:
            raise InvalidInputError(f"{where}: {needed} is missing")
    return CurrentJob(
        jurisdiction=values["jurisdiction"],  # type: ignore[arg-type]
        base_salary=values["base_salary"],  # type: ignore[arg-type]
        bonus_target=values.get("bonus_target", 0.0),  # type: ignore[arg-type]
        next_bonus_date=values.get("next_bonus_date"),  # type: ignore[arg-type]
        unvested=tuple((d, v) for d, v, _ in vests),  # type: ignore[arg-type, misc]
        equity_currency=values.get("equity_currency"),  # type: ignore[arg-type]
        name=values.get("name", "Current job"),  # type: ignore[arg-type]
        granted=tuple(g for _, _, g in vests),
    )


def _is_text(value: object) -> bool:
    """Text that does not begin as a date does (the sheet's help text in that column)."""
    return isinstance(value, str) and not re.match(r"\s*\d{1,4}\s*[-/.]", value)


def forfeited(
    job: CurrentJob,
    leave_date: object,
    tax_year: int | None = None,
    fx: FxTable | None = None,
    age: int | None = None,
    personal: Iterable[tuple[str, Any]] = (),
) -> Forfeited:
    """What leaving ``job`` on ``leave_date`` forfeits, before and after tax.

    Parameters
    ----------
    job : CurrentJob
        The current job.
    leave_date : date, Excel serial or ``YYYY-MM-DD`` text
        The last day at the job; vests and a bonus dated after it are forfeited.
    tax_year : int, optional
        The tax rules used (blank: the latest the jurisdiction's files cover).
    fx : FxTable, optional
        Converts equity in another currency (blank: the latest shipped table).
    age : int, optional
        Where the jurisdiction's tax depends on age (blank: the default age).
    personal : iterable of (name, value), optional
        Your other personal facts (:func:`calculators.personal.personal_facts`); the job's
        jurisdiction takes the ones it knows.

    Returns
    -------
    Forfeited
        The forfeited equity and bonus (gross), the vests, and after tax (``net``), in the
        job's currency.

    Raises
    ------
    InvalidInputError
        ``job`` is not a :class:`CurrentJob`; ``leave_date`` is not a date; an age or tax
        year the rules do not take.
    MissingParameterError
        A tax year the jurisdiction's files do not cover.

    References
    ----------
    None: the tax is :func:`calculators.tax.engine.compute`'s for the job's jurisdiction.
    A bonus is not pro-rated (see the module's notes).

    Examples
    --------
    >>> job = CurrentJob("Tokyo", 12_000_000, 0.2, "2026-06-30",
    ...                  (("2026-03-15", 1_500_000), ("2026-09-15", 1_500_000)))
    >>> f = forfeited(job, "2026-04-30")
    >>> f.equity, f.bonus, f.gross, 0 < f.net < f.gross
    (1500000.0, 2400000.0, 3900000.0, True)
    >>> forfeited(job, "2026-12-31").gross
    0.0
    >>> forfeited(job, "next spring")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: leave_date must be a date (YYYY-MM-DD)
    """
    if not isinstance(job, CurrentJob):
        raise InvalidInputError("current_job must be a current job (base, bonus, unvested equity)")
    leave = read_date(leave_date, "leave_date")
    if leave is None:
        raise InvalidInputError("leave_date must be a date (YYYY-MM-DD)")
    jur = get_jurisdiction(job.jurisdiction)
    year = max(jur.years) if tax_year is None else tax_year
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InvalidInputError("tax_year must be a whole year")
    rate = job.equity_rate(fx)
    # each vest in the job's currency, converted: an amount within bounds in its own currency
    # may be beyond them in the job's (dollars become some 157 times as many yen)
    vests = tuple(
        (day, pay_amount(amount * rate, "unvested equity (in the job's currency)"))
        for day, amount in job.unvested
        if day > leave
    )
    bonus_day = job.next_bonus_date
    bonus = job.bonus if bonus_day is not None and bonus_day > leave else 0.0
    # per calendar year the forfeited cash (bonus) and equity, taxed on top of a year's base
    by_year: dict[int, list[float]] = {}
    for day, amount in vests:
        by_year.setdefault(day.year, [0.0, 0.0])[1] += amount
    if bonus and bonus_day is not None:
        by_year.setdefault(bonus_day.year, [0.0, 0.0])[0] += bonus
    opts = {k: v for k, v in as_options(age, personal).items() if k in jur.options}
    base = job.base_salary
    net = bonus_net = 0.0
    if by_year:
        extra = [base + c for c, _ in by_year.values()]
        cash = np.array([base, *extra, *extra])  # each year with its vests, then without
        equity = np.array([0.0] + [e for _, e in by_year.values()] + [0.0] * len(by_year))
        take_home = compute(cash, jur.code, int(year), equity, **opts).net
        net = float(np.sum(take_home[1 : 1 + len(by_year)] - take_home[0]))
        bonus_net = float(np.sum(take_home[1 + len(by_year) :] - take_home[0]))
    return Forfeited(
        job=job.name,
        currency=job.currency,
        leave_date=leave,
        tax_year=int(year),
        equity=float(sum(a for _, a in vests)),
        bonus=float(bonus),
        vests=vests,
        net=net,
        bonus_net=bonus_net,
    )
