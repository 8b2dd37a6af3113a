"""The Offer model: fields, validation, year-by-year cash schedule and TC bases.

Year *k* (1-based) of an offer: base grows by ``annual_raise``; the bonus is
``base_k * bonus_target * bonus_payout``; sign-on is paid in years 1 and 2;
RSUs vest ``rsu_grant * f_k * (1 + price_growth) ** k`` where ``f_k`` is the
year's vest fraction (cliff and frequency included); a refresher of value
``refresher_grant`` is granted at the end of every year and vests from the
next year on its own schedule; options vest on ``option_schedule`` and count
once, in their exit year (``option_exit_year``, blank: the assumed exit), the
ones vested by then at their expected payoff net of the strike; the retirement
match is ``base_k * match`` up to its cap; benefits are yearly; the relocation
package is paid in year 1.
NPV discounts year *k* by ``(1 + r) ** k`` (end of year, like Excel's NPV).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from calculators.dates import read_date
from calculators.defaults import BASIS, DISCOUNT_RATE, YEARS
from calculators.errors import InvalidInputError, NegotiationError
from calculators.fx import FxTable, shipped_table
from calculators.offer import equity
from calculators.places import canonical_code
from calculators.scalar import Amount, finite_number, flag
from calculators.tax.equity_regimes import PARTS, check_regime

__all__ = [
    "EXCEL_ERRORS",
    "EQUITY_FIELDS",
    "excel_error",
    "MAX_AMOUNT",
    "MAX_MONTHS",
    "check_amount",
    "FIELDS",
    "FieldSpec",
    "Offer",
    "OfferBatch",
    "COMPONENTS",
    "AT_GRANT",
    "BASES",
    "cash_schedule",
    "tc",
    "is_blank",
    "norm_field",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FieldSpec:
    """How one offer field is read and checked."""

    kind: (
        str  # text, jurisdiction, currency, money, fraction, months, year, schedule, frequency, date,
        # regime, flag
    )
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    required: bool = False

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The valid range of a number field, both ends inclusive (``None``: unbounded).

        Money is 0 to :data:`MAX_AMOUNT` (``low`` may raise the floor), months 0 to
        :data:`MAX_MONTHS`, a fraction its own ``low`` / ``high``; other kinds ``(None, None)``.
        The offer parser and the add-in's converters both read it.
        """
        if self.kind == "money":
            return (0.0 if self.low is None else self.low), MAX_AMOUNT
        if self.kind == "months":
            return 0, MAX_MONTHS
        if self.kind == "fraction":
            return self.low, self.high
        if self.kind == "year":
            return YEARS.low, YEARS.high
        return None, None


# The largest amount any field, input or market row may hold, in any currency.  No one's
# pay, grant or cost comes near it, even in the currencies with the most units to the US
# dollar (a trillion Vietnamese dong or Iranian rials is still millions of dollars), so a
# bigger number is a typing or file error.  Below it every sum the calculators make (12
# offers, 50 years, equity growth, FX) stays far from float overflow, and amounts stay exact
# to the cent (1e12 * 100 < 2 ** 53): a result is never ``inf`` or ``NaN``.
MAX_AMOUNT = 1e12
# The longest cliff or clawback period a field may hold, in months: 50 years, the longest
# horizon (calculators.defaults.YEARS); more is a typing error.
MAX_MONTHS = 600


def pay_amount(value: object, name: str) -> float:
    """An amount of pay given as an argument: a finite number from 0 to :data:`MAX_AMOUNT`.

    Parameters
    ----------
    value : object
        The argument's value.
    name : str
        The argument, as the message names it.

    Returns
    -------
    float
        The amount.

    Raises
    ------
    InvalidInputError
        Not a number (text, a bool), not finite or negative, or beyond :data:`MAX_AMOUNT`.

    References
    ----------
    None

    Examples
    --------
    >>> pay_amount(1_000_000, "amount")
    1000000.0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidInputError(f"{name} must be a number, 0 or more")
    number = finite_number(value)
    if number is None or number < 0:
        raise InvalidInputError(f"{name} must be a finite number, 0 or more")
    if number > MAX_AMOUNT:
        raise InvalidInputError(f"{name} is beyond {MAX_AMOUNT:,.0f}, more than any pay in any currency")
    return number


def check_amount(name: str, number: float, label: str | None = None) -> float:
    """``number`` if it is finite and at most :data:`MAX_AMOUNT` in size, else an
    :class:`InvalidInputError` naming ``name`` (and ``label``: the offer or the table).

    Parameters
    ----------
    name : str
        The field name, for the message.
    number : float
        The amount.
    label : str, optional
        The offer or table it belongs to, for the message.

    Returns
    -------
    float
        ``number`` unchanged.

    Raises
    ------
    InvalidInputError
        A NaN, an infinity or an amount beyond :data:`MAX_AMOUNT`.

    References
    ----------
    None

    Examples
    --------
    >>> check_amount("base_salary", 185_000.0)
    185000.0
    >>> check_amount("base_salary", 1e13, "offer 2")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: offer 2: base_salary is beyond ...
    """
    where = f"{label}: " if label else ""
    if not math.isfinite(number):
        raise InvalidInputError(f"{where}{name} must be a finite number")
    if abs(number) > MAX_AMOUNT:
        raise InvalidInputError(
            f"{where}{name} is beyond {MAX_AMOUNT:,.0f}, more than any pay in any currency; check the cell"
        )
    return number


FIELDS: dict[str, FieldSpec] = {
    "company": FieldSpec("text", None, "Employer", required=True),
    "jurisdiction": FieldSpec("jurisdiction", None, "Where the work is taxed, e.g. JP-TOKYO", required=True),
    "currency": FieldSpec("currency", None, "ISO 4217 code of the pay, e.g. JPY", required=True),
    "base_salary": FieldSpec("money", None, "Yearly base salary", low=0.0, required=True),
    "annual_raise": FieldSpec("fraction", 0.0, "Yearly raise, 0.03 = 3 %", -0.5, 1.0),
    "bonus_target": FieldSpec("fraction", 0.0, "Target bonus as a fraction of base", 0.0, 3.0),
    "bonus_payout": FieldSpec("fraction", 1.0, "Expected payout multiplier of the target", 0.0, 3.0),
    "sign_on": FieldSpec("money", 0.0, "Sign-on bonus paid in year 1"),
    "sign_on_year2": FieldSpec("money", 0.0, "Sign-on bonus paid in year 2"),
    "clawback_months": FieldSpec("months", 0, "Sign-on / relocation repayable pro rata before this"),
    "rsu_grant": FieldSpec("money", 0.0, "Total RSU grant value at grant (not per year)"),
    "rsu_schedule": FieldSpec("schedule", "25/25/25/25", "Yearly vest percentages, e.g. 25/25/25/25"),
    "rsu_cliff_months": FieldSpec("months", equity.CLIFF_MONTHS, "Months before the first vest"),
    "rsu_frequency": FieldSpec("frequency", equity.FREQUENCY, "monthly, quarterly or annual after the cliff"),
    "refresher_grant": FieldSpec("money", 0.0, "Value of the refresher granted at each year end"),
    "refresher_schedule": FieldSpec("schedule", None, "Vest percentages of each refresher"),
    "price_growth": FieldSpec("fraction", 0.0, "Yearly change of the share price", -0.99, 10.0),
    "option_shares": FieldSpec("money", 0.0, "Number of stock options"),
    "option_strike": FieldSpec("money", 0.0, "Strike price per share"),
    "option_price": FieldSpec("money", 0.0, "Current price per share (409A / preferred)"),
    "option_schedule": FieldSpec("schedule", "25/25/25/25", "Yearly vest percentages of the options"),
    "option_cliff_months": FieldSpec("months", equity.CLIFF_MONTHS, "Months before the first option vest"),
    "dilution": FieldSpec("fraction", 0.0, "New shares per existing share in each yearly round", 0.0, 5.0),
    "exit_probability": FieldSpec("fraction", 1.0, "Chance of a liquidity event", 0.0, 1.0),
    "exit_multiple": FieldSpec("fraction", 1.0, "Company value at exit over today's", 0.0, 1000.0),
    "retirement_match": FieldSpec("fraction", 0.0, "Employer match as a fraction of base", 0.0, 1.0),
    "retirement_match_cap": FieldSpec("money", 0.0, "Cap on the yearly match; 0 or blank: no cap"),
    "benefits": FieldSpec("money", 0.0, "Yearly value of other benefits"),
    "relocation_package": FieldSpec("money", 0.0, "One-time relocation payment"),
    "start_date": FieldSpec("date", None, "Start date"),
    "deadline": FieldSpec("date", None, "When the offer expires"),
    "equity_currency": FieldSpec(
        "currency", None, "Currency of the RSU, refresher and option values, e.g. USD; blank: the pay's"
    ),
    "option_exit_year": FieldSpec(
        "year", None, "Offer year the options are exercised and sold (blank: the assumed exit year)"
    ),
    "option_regime": FieldSpec(
        "regime",
        None,
        "Tax regime of the options where the law has one (JP: qualified; IL: 102, 102-listed, wage; "
        "US: iso; CA: 110(1)(d); UK: emi); blank: the country's default",
    ),
    "rsu_regime": FieldSpec(
        "regime", None, "Tax regime of the RSUs (IL: 102, 102-listed, wage); blank: the country's default"
    ),
    "transfer": FieldSpec(
        "flag",
        False,
        "TRUE: this offer is your current job moved (same employer), so the grants on the Strategy "
        "sheet keep vesting; blank: a new employer",
    ),
}

# The fields whose amounts are in the offer's equity_currency (the rest of its money, in currency)
EQUITY_FIELDS = ("rsu_grant", "refresher_grant", "option_strike", "option_price")

# The error values a spreadsheet cell can hold, as text (xlwings reads them so with
# ``err_to_str``).  A cell holding one is an input error, never a blank.
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#PYTHON!",
)


def excel_error(value: object) -> str | None:
    """The Excel error a cell value stands for, or ``None``.

    A text that is an error value, or starts with one and a space (the text a
    failed function shows, ``"#VALUE! reason"``), stands for it; no legitimate
    text starts like that.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    str or None
        The error value (``"#VALUE!"`` …), or ``None`` for any other value.

    References
    ----------
    None

    Examples
    --------
    >>> excel_error("#N/A"), excel_error("#VALUE! base_salary is required"), excel_error("N/A")
    ('#N/A', '#VALUE!', None)
    """
    if not isinstance(value, str):
        return None
    head = value.strip().split(" ", 1)[0].upper()
    return head if head in EXCEL_ERRORS else None


COMPONENTS = ("base", "bonus", "sign_on", "equity", "options", "retirement", "benefits", "relocation")
# parts of cash_schedule beside the components: what of "equity" and "options" was worth as
# much at grant (not added to the total: they are in it through those two)
AT_GRANT = ("equity_at_grant", "options_at_grant")
BASES = ("first_year", "annualized", "total", "npv")


@dataclass(frozen=True)
class Offer:
    """One validated offer; amounts are in ``currency``, the RSU, refresher and option values
    (grant values, strike and share price) in ``equity_currency`` (``None``: ``currency``)."""

    name: str
    company: str
    jurisdiction: str
    currency: str
    base_salary: float
    equity_currency: str | None = None
    option_exit_year: int | None = None
    option_regime: str | None = None
    rsu_regime: str | None = None
    annual_raise: float = 0.0
    bonus_target: float = 0.0
    bonus_payout: float = 1.0
    sign_on: float = 0.0
    sign_on_year2: float = 0.0
    clawback_months: int = 0
    rsu_grant: float = 0.0
    rsu_schedule: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    rsu_cliff_months: int = equity.CLIFF_MONTHS
    rsu_frequency: str = equity.FREQUENCY
    refresher_grant: float = 0.0
    refresher_schedule: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    price_growth: float = 0.0
    option_shares: float = 0.0
    option_strike: float = 0.0
    option_price: float = 0.0
    option_schedule: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    option_cliff_months: int = equity.CLIFF_MONTHS
    dilution: float = 0.0
    exit_probability: float = 1.0
    exit_multiple: float = 1.0
    retirement_match: float = 0.0
    retirement_match_cap: float = 0.0
    benefits: float = 0.0
    relocation_package: float = 0.0
    start_date: dt.date | None = None
    deadline: dt.date | None = None
    transfer: bool = False  # the current job moved: its grants keep vesting
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def share_currency(self) -> str:
        """The currency of the equity values: ``equity_currency``, or the pay's when blank."""
        return self.equity_currency or self.currency

    @classmethod
    def from_fields(cls, values: Mapping[str, Any], label: str = "offer") -> Offer:
        """Validate raw field values (blank = ``None`` = default).

        ``label`` names the offer in messages (``"offer 2"``), never its values.

        Parameters
        ----------
        values : mapping of str to object
            Field name (case-blind; see :data:`FIELDS`) to cell value; ``name`` is accepted too.
        label : str, optional
            How messages name the offer.

        Returns
        -------
        Offer
            The validated offer, defaults filled in.

        Raises
        ------
        InvalidInputError
            An unknown field, a missing required field, an Excel error in a cell, or a value
            outside its field's bounds.

        References
        ----------
        None

        Examples
        --------
        >>> o = Offer.from_fields({"Company": "A", "jurisdiction": "US-WA",
        ...                        "currency": "usd", "base_salary": 185000})
        >>> o.currency, o.rsu_schedule
        ('USD', (0.25, 0.25, 0.25, 0.25))
        """
        raw = {norm_field(k): v for k, v in values.items() if k is not None}
        unknown = [k for k in raw if k not in FIELDS and k != "name"]
        if unknown:
            raise InvalidInputError(f"{label}: {len(unknown)} unknown field name(s)")
        for name, value in raw.items():  # an error cell is never a blank (or a default)
            code = excel_error(value)
            if code is not None:
                raise InvalidInputError(f"{label}: {name} holds an Excel error ({code})")
        kwargs: dict[str, Any] = {}
        for name, spec in FIELDS.items():
            value = raw.get(name)
            if isinstance(value, (float, np.floating)) and not math.isfinite(value):
                raise InvalidInputError(f"{label}: {name} must be a finite number")  # never blank
            if is_blank(value):
                if spec.required:
                    raise InvalidInputError(f"{label}: {name} is required")
                continue
            kwargs[name] = _convert(name, spec, value, label)
        if "refresher_schedule" not in kwargs:
            kwargs["refresher_schedule"] = kwargs.get("rsu_schedule", (0.25,) * 4)
        for cliff, sched in (
            ("rsu_cliff_months", "rsu_schedule"),
            ("option_cliff_months", "option_schedule"),
        ):
            if kwargs.get(cliff, 12) > 12 * len(kwargs.get(sched, (0.25,) * 4)):
                raise InvalidInputError(f"{label}: {cliff} must not exceed the vesting period")
        if kwargs["base_salary"] <= 0:
            raise InvalidInputError(f"{label}: base_salary must be a positive number")
        for part, named in PARTS.items():
            if named in kwargs:
                try:
                    kwargs[named] = check_regime(kwargs[named], kwargs["jurisdiction"], part)
                except InvalidInputError as exc:
                    raise InvalidInputError(f"{label}: {exc}") from None
        given = raw.get("name")
        kwargs["name"] = str(given) if not is_blank(given) else str(kwargs["company"])
        return cls(**kwargs)


def norm_field(key: object) -> str:
    """A field name as the offer fields spell it: ``" Base-Salary "`` -> ``base_salary``.

    Parameters
    ----------
    key : object
        The field name as written in a cell.

    Returns
    -------
    str
        Lower case, hyphens and runs of spaces as one underscore.

    References
    ----------
    None

    Examples
    --------
    >>> norm_field(" Base-Salary "), norm_field("RSU  grant")
    ('base_salary', 'rsu_grant')
    """
    return "_".join(str(key).strip().lower().replace("-", "_").split())


def is_blank(value: object) -> bool:
    """True for an empty cell: ``None``, text of only whitespace, or a float NaN.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        Whether the cell counts as missing (0 does not).

    References
    ----------
    None

    Examples
    --------
    >>> is_blank(None), is_blank("  "), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(name: str, value: object, label: str, percent: bool = False) -> float:
    """A field's number; a text with a % sign only where the field is a fraction (``percent``):
    "50%" typed as a salary is a slip, not half a unit of money."""
    if isinstance(value, bool):
        raise InvalidInputError(f"{label}: {name} must be a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        scale = 1.0
        if text.endswith("%"):
            if not percent:
                raise InvalidInputError(f"{label}: {name} must be a number, not a percentage")
            text, scale = text[:-1], 0.01
        try:
            number = float(text) * scale
        except ValueError:
            raise InvalidInputError(f"{label}: {name} must be a number") from None
    else:
        raise InvalidInputError(f"{label}: {name} must be a number")
    if not math.isfinite(number):
        raise InvalidInputError(f"{label}: {name} must be a finite number")
    return number


def _convert(name: str, spec: FieldSpec, value: object, label: str) -> Any:
    kind = spec.kind
    if kind == "text":
        return str(value).strip()
    if kind == "currency":
        code = str(value).strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise InvalidInputError(f"{label}: {name} must be a 3-letter ISO 4217 code")
        return code
    if kind == "jurisdiction":
        try:
            return canonical_code(value)
        except NegotiationError as exc:
            raise type(exc)(f"{label}: {exc}") from None
    if kind == "schedule":
        return equity.parse_schedule(value, name)
    if kind == "frequency":
        return equity.parse_frequency(value, name)
    if kind == "regime":
        return str(value)  # checked against the offer's jurisdiction once that is read
    if kind == "date":
        return _date(name, value, label)
    if kind == "flag":
        read = flag(value)
        if read is None:
            raise InvalidInputError(f"{label}: {name} must be TRUE or FALSE (or yes / no)")
        return read
    number = _number(name, value, label, percent=kind == "fraction")
    if kind == "year":
        low, high = spec.bounds
        if number != int(number) or not low <= number <= high:  # type: ignore[operator]
            raise InvalidInputError(
                f"{label}: {name} must be a whole year of the offer from {low:g} to {high:g}"
            )
        return int(number)
    if kind == "months":
        if number < 0 or number != int(number) or number > MAX_MONTHS:
            raise InvalidInputError(f"{label}: {name} must be a whole number of months")
        return int(number)
    if kind == "money" and number < 0:
        raise InvalidInputError(f"{label}: {name} must not be negative")
    if kind == "money":
        check_amount(name, number, label)
    if kind == "fraction":
        low = -math.inf if spec.low is None else spec.low
        high = math.inf if spec.high is None else spec.high
        if not low <= number <= high:
            raise InvalidInputError(
                f"{label}: {name} must be a fraction between {low:g} and {high:g} (0.15 = 15 %)"
            )
    return number


def _date(name: str, value: object, label: str) -> dt.date:
    day = read_date(value, f"{label}: {name}")
    if day is None:  # from_fields skips blanks; a caller of _convert might not
        raise InvalidInputError(f"{label}: {name} must be a date (YYYY-MM-DD)")
    return day


@dataclass(frozen=True)
class OfferBatch:
    """Offers as arrays, one element per offer: the vectorised form of ``Offer``."""

    base_salary: Array
    annual_raise: Array
    bonus_target: Array
    bonus_payout: Array
    sign_on: Array
    sign_on_year2: Array
    rsu_grant: Array
    rsu_fractions: Array  # (n, S) yearly vest fractions, cliff and frequency applied
    refresher_grant: Array
    refresher_fractions: Array  # (n, S)
    price_growth: Array
    option_shares: Array
    option_strike: Array
    option_price: Array
    option_fractions: Array  # (n, S)
    dilution: Array
    exit_probability: Array
    exit_multiple: Array
    retirement_match: Array
    retirement_match_cap: Array
    benefits: Array
    relocation_package: Array
    equity_rate: Array  # units of the offer's currency per unit of its equity currency
    option_exit_year: Array  # the offer year the options are realised in

    @classmethod
    def from_offers(cls, offers: Sequence[Offer], fx: FxTable | None = None) -> OfferBatch:
        """The offers as columns: one array per field, one element per offer.

        Equity valued in another currency than the pay (``equity_currency``) is converted to
        the pay's at ``fx`` (blank: the shipped table), so every amount of an offer's row is in
        the offer's currency.

        Parameters
        ----------
        offers : sequence of Offer
            At least one offer.
        fx : FxTable, optional
            The rates for equity valued in another currency than the pay.

        Returns
        -------
        OfferBatch
            The fields as arrays, vest fractions padded to the longest schedule.

        Raises
        ------
        InvalidInputError
            No offer.

        References
        ----------
        None

        Examples
        --------
        >>> o = Offer.from_fields({"company": "A", "jurisdiction": "US-WA", "currency": "USD",
        ...                        "base_salary": 185_000})
        >>> b = OfferBatch.from_offers([o, o])
        >>> len(b), b.base_salary.tolist()
        (2, [185000.0, 185000.0])
        """
        if not offers:
            raise InvalidInputError("at least one offer is needed")
        width = max(
            max(len(o.rsu_schedule), len(o.refresher_schedule), len(o.option_schedule)) for o in offers
        )

        def pad(rows: list[Array]) -> Array:
            out = np.zeros((len(rows), width))
            for i, row in enumerate(rows):
                out[i, : len(row)] = row
            return out

        def col(name: str) -> Array:
            return np.array([float(getattr(o, name)) for o in offers])

        def equity_rate(o: Offer) -> float:
            if o.share_currency == o.currency:
                return 1.0
            try:
                return float((fx or shipped_table()).convert(1.0, o.share_currency, o.currency))
            except NegotiationError as exc:  # the table lacks one of them: say which field
                raise type(exc)(f"{o.name}: equity_currency {o.share_currency}: {exc}") from None

        own = {"equity_rate", "option_exit_year"}
        plain = {
            f.name: col(f.name)
            for f in fields(cls)
            if not f.name.endswith("_fractions") and f.name not in own
        }
        return cls(
            **plain,
            equity_rate=np.array([equity_rate(o) for o in offers]),
            option_exit_year=np.array([float(o.option_exit_year or equity.exit_year()) for o in offers]),
            rsu_fractions=pad(
                [
                    equity.annual_vest_fractions(o.rsu_schedule, o.rsu_cliff_months, o.rsu_frequency)
                    for o in offers
                ]
            ),
            refresher_fractions=pad([np.asarray(o.refresher_schedule) for o in offers]),
            option_fractions=pad(
                [
                    equity.annual_vest_fractions(o.option_schedule, o.option_cliff_months, o.rsu_frequency)
                    for o in offers
                ]
            ),
        )

    def __len__(self) -> int:
        return len(self.base_salary)


def _fit(fractions: Array, years: int) -> Array:
    n, width = fractions.shape
    if width >= years:
        return fractions[:, :years]
    return np.concatenate([fractions, np.zeros((n, years - width))], axis=1)


def cash_schedule(batch: OfferBatch, years: int, beyond: int = 0) -> dict[str, Array]:
    """Year-by-year value of every component, each an array ``(n_offers, years)``.

    Keys are :data:`COMPONENTS`, ``total`` (their sum), and :data:`AT_GRANT`: the part of
    ``equity`` and of ``options`` worth as much at grant (in ``total`` already, through
    their parts).  Nothing is blank or NaN after the last vest: those years are 0.

    Parameters
    ----------
    batch : OfferBatch
        The offers.
    years : int
        Horizon in years.
    beyond : int, optional
        Years laid out after the horizon as well (0 or more; the dated model takes one, for
        the tax year the horizon ends in).

    Returns
    -------
    dict of str to numpy.ndarray
        One ``(n_offers, years + beyond)`` array per component and the ``total``.

    References
    ----------
    None: the year-*k* rules of the offer fields (base grows by ``annual_raise``, an RSU vest
    is ``rsu_grant x pct_k x (1 + price_growth) ** k``).

    Examples
    --------
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "US-WA", "currency": "USD",
    ...     "base_salary": 185_000, "sign_on": 60_000, "rsu_grant": 300_000,
    ...     "rsu_schedule": "5/15/40/40"})
    >>> s = cash_schedule(OfferBatch.from_offers([o]), 3)
    >>> s["equity"].tolist(), s["total"].tolist()
    ([[15000.0, 45000.0, 120000.0]], [[260000.0, 230000.0, 305000.0]])
    """
    if not isinstance(years, (int, np.integer)):
        raise InvalidInputError(YEARS.problem())
    years = YEARS.check(years)
    if not isinstance(beyond, (int, np.integer)) or isinstance(beyond, bool) or beyond < 0:
        raise InvalidInputError("beyond must be a whole number of years, 0 or more")
    years = years + int(beyond)
    k = np.arange(1, years + 1, dtype=float)
    col = lambda a: a[:, None]  # noqa: E731
    growth = (1.0 + col(batch.price_growth)) ** k
    base = col(batch.base_salary) * (1.0 + col(batch.annual_raise)) ** (k - 1.0)
    bonus = base * col(batch.bonus_target) * col(batch.bonus_payout)
    sign_on = np.zeros_like(base)
    sign_on[:, 0] = batch.sign_on
    if years >= 2:
        sign_on[:, 1] = batch.sign_on_year2
    rsu = col(batch.rsu_grant) * _fit(batch.rsu_fractions, years) * growth
    # refresher granted at the end of year j vests (1 + g)^m-weighted in year j + m
    h = _fit(batch.refresher_fractions, years) * growth
    refresher = np.zeros_like(base)
    refresher[:, 1:] = col(batch.refresher_grant) * np.cumsum(h, axis=1)[:, :-1]
    # options are realised once, in their exit year: the options vested by then, at the payoff
    # after that many dilution rounds, net of the strike, weighted by the chance of an exit
    payoff = equity.option_payoff(
        col(batch.option_price),
        col(batch.option_strike),
        col(batch.dilution),
        col(batch.exit_multiple),
        k,
    )
    vested = np.cumsum(_fit(batch.option_fractions, years), axis=1)
    at_exit = k == col(batch.option_exit_year)
    options = (
        col(batch.option_shares)
        * vested
        * at_exit
        * col(batch.exit_probability)
        * payoff
        * col(batch.equity_rate)
    )
    match = base * col(batch.retirement_match)
    cap = col(batch.retirement_match_cap)
    retirement = np.where(cap > 0, np.minimum(match, cap), match)
    benefits = np.broadcast_to(col(batch.benefits), base.shape).copy()
    relocation = np.zeros_like(base)
    relocation[:, 0] = batch.relocation_package
    parts = {
        "base": base,
        "bonus": bonus,
        "sign_on": sign_on,
        "equity": (rsu + refresher) * col(batch.equity_rate),
        "options": options,
        "retirement": retirement,
        "benefits": benefits,
        "relocation": relocation,
    }
    total = np.zeros_like(base)
    for part in parts.values():
        total = total + part
    parts["total"] = total
    # what of the equity and options was worth as much at grant (the share price then, less
    # the strike): a listed company's section 102 plan taxes that part as pay, the rise apart
    at_grant = col(batch.rsu_grant) * _fit(batch.rsu_fractions, years)
    at_grant[:, 1:] += (
        col(batch.refresher_grant) * np.cumsum(_fit(batch.refresher_fractions, years), axis=1)[:, :-1]
    )
    parts["equity_at_grant"] = at_grant * col(batch.equity_rate)
    in_the_money = np.maximum(col(batch.option_price) - col(batch.option_strike), 0.0)
    parts["options_at_grant"] = np.minimum(
        col(batch.option_shares)
        * vested
        * at_exit
        * col(batch.exit_probability)
        * in_the_money
        * col(batch.equity_rate),
        options,
    )
    return parts


@overload
def tc(
    totals: Sequence[float],
    basis: str = BASIS.default,
    years: int | None = None,
    discount_rate: float = DISCOUNT_RATE.default,
) -> float: ...
@overload
def tc(
    totals: Array | Sequence[Sequence[float]],
    basis: str = BASIS.default,
    years: int | None = None,
    discount_rate: float = DISCOUNT_RATE.default,
) -> Array: ...
def tc(
    totals: npt.ArrayLike,
    basis: str = BASIS.default,
    years: int | None = None,
    discount_rate: float = DISCOUNT_RATE.default,
) -> Amount:
    """Total compensation on a basis from year totals ``(n, Y)`` (or ``(Y,)``).

    ``first_year``: year 1; ``total``: sum over ``years``; ``annualized``: that sum
    divided by ``years``; ``npv``: year *k* discounted by ``(1 + r) ** k``.

    Parameters
    ----------
    totals : array_like
        Year totals, ``(Y,)`` for one offer or ``(n, Y)`` for several.
    basis : str, optional
        ``first_year``, ``annualized``, ``total`` or ``npv``.
    years : int, optional
        Horizon; default every year of ``totals``.
    discount_rate : float, optional
        Yearly rate for ``npv``, above -1.

    Returns
    -------
    float or numpy.ndarray
        One TC per offer; a float for a plain list of year totals, an array ``(n,)`` (0-d for
        a 1-D array) otherwise.

    Raises
    ------
    InvalidInputError
        A horizon beyond the years given, an unknown basis or a discount rate of -1 or less.

    References
    ----------
    Excel's ``NPV`` (end-of-year discounting) and ``numpy_financial.npv``.

    Examples
    --------
    >>> round(tc([100.0, 110.0], "npv", discount_rate=0.1), 6)
    181.818182
    >>> tc([[100.0, 110.0], [1.0, 2.0]], "annualized").tolist()
    [105.0, 1.5]
    """
    t = np.atleast_1d(np.asarray(totals, dtype=float))
    h = t.shape[-1] if years is None else years
    if not 1 <= h <= t.shape[-1]:
        raise InvalidInputError(f"years must be between 1 and {t.shape[-1]}")
    t = t[..., :h]
    if basis == "first_year":
        return _per_offer(t[..., 0], totals)
    if basis == "total":
        return _per_offer(t.sum(axis=-1), totals)
    if basis == "annualized":
        return _per_offer(t.sum(axis=-1) / h, totals)
    if basis == "npv":
        if not math.isfinite(discount_rate) or discount_rate <= -1:
            raise InvalidInputError("discount_rate must be a number above -1")
        # end-of-year discounting, the convention of Excel's NPV and of
        # numpy_financial.npv with a zero cash flow at t = 0 (tests check both agree)
        # Each year's discount factor by the C library's pow and each sum by math.fsum (exact):
        # a matrix product sums in the order the BLAS build and the CPU choose, so the same
        # offer could value differently in the last digit on another machine, or in a batch of
        # offers than alone, and the committed workbook's cached values would not rebuild.
        discount = np.array([(1.0 + discount_rate) ** -k for k in range(1, h + 1)])
        flat = (t * discount).reshape(-1, h)
        return _per_offer(np.array([math.fsum(row) for row in flat]).reshape(t.shape[:-1]), totals)
    raise InvalidInputError("basis must be one of " + ", ".join(BASES))


def _per_offer(value: Array, totals: object) -> Amount:
    """One offer's year totals given as plain numbers give a float (a 0-d result); an array
    stays an array."""
    out = np.asarray(value, dtype=float)
    return float(out) if out.ndim == 0 and not isinstance(totals, np.ndarray) else out
