"""Ranking offers on one basis, in one home currency.

A *basis* turns each offer's year-by-year schedule into one number in the
offer's own currency; the number is then converted to the home currency with
a named, dated FX table, and the offers are ranked on it (best first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.defaults import BASIS, DISCOUNT_RATE, YEARS
from calculators.errors import InvalidInputError
from calculators.fx import FxTable, shipped_table
from calculators.offer.model import BASES as KINDS
from calculators.offer.model import Offer, OfferBatch, cash_schedule, tc
from calculators.personal import as_options
from calculators.relocation.move import MoveInputs, analyse_moves
from calculators.tax.engine import MONTHS
from calculators.valuation.dated import dated_monthly_net, dated_tax
from calculators.valuation.net import default_tax_year, net_schedule

__all__ = [
    "LocalValues",
    "BASES",
    "ComparisonRow",
    "Settings",
    "metric",
    "compare_offers",
    "checked_settings",
    "home_currency",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Settings:
    """How offers are compared: basis, horizon, discounting and currency.

    The defaults and ranges are those of :mod:`calculators.defaults` (``BASIS``, ``YEARS``,
    ``DISCOUNT_RATE``; ``age`` ``None``: ``AGE``'s default, applied by the tax engine).
    ``home_currency`` ``None`` is the first offer's currency (:func:`home_currency`), as in
    every user-facing route; :func:`checked_settings` resolves it for the offers compared.
    """

    basis: str = BASIS.default
    years: int = YEARS.default
    discount_rate: float = DISCOUNT_RATE.default
    home_currency: str | None = None
    fx: FxTable | None = None
    tax_year: int | None = None  # rules applied to every year; None: the latest covered
    age: int | None = None  # where contributions depend on it (Japan's nursing care from 40)
    move: MoveInputs | None = None  # basket and move costs, for the disposable bases
    # the other personal facts (church_tax, credit_points …), as calculators.personal checks them
    personal: tuple[tuple[str, Any], ...] = ()
    # the net bases on the calendar from this day (calculators.valuation.dated: each offer from
    # its start_date, else the first of the next month, taxed by tax year); None: each offer
    # year is taxed as a tax year
    as_of: dt.date | None = None

    def tax_options(self) -> dict[str, Any]:
        """Your age and personal facts as the tax rules take them (each jurisdiction the ones
        it knows).

        Returns
        -------
        dict
            ``age`` when set, and every personal fact.

        References
        ----------
        None

        Examples
        --------
        >>> options = Settings(age=45, personal=(("church_tax", True),)).tax_options()
        >>> sorted(options.items())
        [('age', 45), ('church_tax', True)]
        """
        return as_options(self.age, self.personal)

    # Parallel to to_home's docstring (References None, an Example on USD_JPY_FX): kept separate
    # because each function documents and runs its own example.
    def table(self) -> FxTable:
        """The FX table of the comparison: ``fx``, or the latest shipped table.

        Returns
        -------
        FxTable
            The rates used to bring every offer to the home currency.

        References
        ----------
        None

        Examples
        --------
        >>> from calculators.examples import USD_JPY_FX
        >>> Settings(fx=USD_JPY_FX).table() is USD_JPY_FX, Settings().table().base
        (True, 'USD')
        """
        return self.fx or shipped_table()


Metric = Callable[[Sequence[Offer], dict[str, Array], Settings], Array]


def _gross(kind: str) -> Metric:
    def run(offers: Sequence[Offer], sched: dict[str, Array], s: Settings) -> Array:
        return tc(sched["total"], kind, s.years, s.discount_rate)

    return run


def _monthly_npv(offers: Sequence[Offer], s: Settings, yearly_offset: Array | None = None) -> Array:
    """On the calendar, the net present value by month: each pay month's take-home pay
    (:func:`calculators.valuation.dated.dated_monthly_net`), plus a twelfth of its offer year's
    ``yearly_offset`` (the living costs of a disposable basis), discounted by
    ``(1 + r) ** (m / 12)`` at the end of month *m*."""
    assert s.as_of is not None
    rules = default_tax_year(offers) if s.tax_year is None else s.tax_year
    monthly = dated_monthly_net(offers, s.years, rules, s.as_of, s.tax_options(), s.table())
    if yearly_offset is not None:
        monthly = monthly + np.repeat(np.asarray(yearly_offset) / MONTHS, MONTHS, axis=-1)
    months = np.arange(1, monthly.shape[-1] + 1)
    return np.asarray(monthly @ (1.0 + s.discount_rate) ** (-months / MONTHS))


def _net(kind: str) -> Metric:
    def run(offers: Sequence[Offer], sched: dict[str, Array], s: Settings) -> Array:
        if s.as_of is None:
            net = net_schedule(offers, sched, s.tax_year, s.tax_options(), s.table())
        elif kind == "npv":  # on the calendar, discounted month by month
            return _monthly_npv(offers, s)
        else:  # on the calendar: the first year of a start late in a tax year is two part-years
            rules = default_tax_year(offers) if s.tax_year is None else s.tax_year
            taken = dated_tax(offers, s.years, rules, s.as_of, s.tax_options(), s.table())
            net = sched["total"] - taken
        return tc(net, kind, s.years, s.discount_rate)

    return run


def _disposable(kind: str) -> Metric:
    def run(offers: Sequence[Offer], sched: dict[str, Array], s: Settings) -> Array:
        if s.move is None:
            raise InvalidInputError("disposable bases need the relocation inputs (basket and move costs)")
        results, _ = analyse_moves(offers, s.move, s.table(), s.years, s.tax_year, s.tax_options())
        local = np.vstack([r.disposable_home / r.fx_rate for r in results])
        if s.as_of is not None:  # on the calendar: the dated take-home pay less the living costs
            living = local - np.vstack([r.net for r in results])
            if kind == "npv":
                return _monthly_npv(offers, s, living)
            rules = default_tax_year(offers) if s.tax_year is None else s.tax_year
            taken = dated_tax(offers, s.years, rules, s.as_of, s.tax_options(), s.table())
            local = living + (sched["total"] - taken)
        return tc(local, kind, s.years, s.discount_rate)

    return run


BASES: dict[str, Metric] = {
    **{name: _gross(name) for name in KINDS},
    **{f"net_{name}": _net(name) for name in KINDS},
    **{f"disposable_{name}": _disposable(name) for name in KINDS},
}


def checked_settings(offers: Sequence[Offer], settings: Settings) -> Settings:
    """The settings for comparing ``offers``: basis and currency normalised (no home currency:
    the first offer's), horizon and discount rate checked against :mod:`calculators.defaults`.

    Parameters
    ----------
    offers : sequence of Offer
        The offers compared; the first one's currency is the home currency when none is given.
    settings : Settings
        The settings as given.

    Returns
    -------
    Settings
        The same settings, basis lower-case, home currency upper-case and never ``None``.

    Raises
    ------
    InvalidInputError
        An unknown basis, a horizon or discount rate out of range, or neither a home currency
        nor an offer.
    MissingParameterError
        A home currency the FX table does not quote.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import TOKYO_OFFER, USD_JPY_FX
    >>> s = checked_settings([TOKYO_OFFER], Settings(basis=" NPV ", home_currency="usd", fx=USD_JPY_FX))
    >>> s.basis, s.home_currency, checked_settings([TOKYO_OFFER], Settings(fx=USD_JPY_FX)).home_currency
    ('npv', 'USD', 'JPY')
    """
    basis = str(settings.basis).strip().lower()
    if basis not in BASES:
        raise InvalidInputError("basis must be one of " + ", ".join(BASES))
    years = YEARS.check(settings.years)
    rate = DISCOUNT_RATE.check(settings.discount_rate)
    home = home_currency(offers, settings.home_currency)
    settings.table().rate(home)  # names a missing currency early
    return replace(settings, basis=basis, years=years, discount_rate=rate, home_currency=home)


@dataclass(frozen=True)
class LocalValues:
    """One value per offer, each in that offer's currency, with the currencies beside them:
    amounts in different currencies never share an array without saying which is which.

    Compare them only through :func:`to_home`.
    """

    amounts: Array
    currencies: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.amounts) != len(self.currencies):
            raise ValueError("one currency per amount")

    def __len__(self) -> int:
        return len(self.currencies)


def metric(offers: Sequence[Offer], settings: Settings) -> LocalValues:
    """Each offer's value on ``settings.basis`` in its own currency.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    settings : Settings
        Basis, horizon, discount rate, tax year and the other settings.

    Returns
    -------
    LocalValues
        One value per offer with that offer's currency (convert with :func:`to_home`
        before comparing).

    References
    ----------
    The tax rules of :mod:`calculators.tax` for the ``net_*`` bases; Excel's ``NPV`` for
    ``npv`` (:func:`calculators.offer.model.tc`).

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER, TOKYO_OFFER, USD_JPY_FX
    >>> settings = Settings(basis="net_annualized", years=2, fx=USD_JPY_FX)
    >>> values = metric([TOKYO_OFFER, SEATTLE_OFFER], settings)
    >>> values.amounts.round().tolist(), values.currencies
    ([10240659.0, 84689.0], ('JPY', 'USD'))
    """
    s = checked_settings(offers, settings)
    sched = cash_schedule(OfferBatch.from_offers(offers, s.table()), s.years)
    amounts = np.asarray(BASES[s.basis](offers, sched, s), dtype=float)
    return LocalValues(amounts, tuple(o.currency for o in offers))


def home_currency(offers: Sequence[Offer], given: object = None) -> str:
    """The currency to rank in when the user names one or none: the user's, else the first
    offer's (the rule every entry point follows: the UDFs, the commands and the brief).

    Parameters
    ----------
    offers : sequence of Offer
        The offers being compared, first the one whose currency is the fallback.
    given : object, optional
        The currency the user gave; blank (``None`` or empty text) for none.

    Returns
    -------
    str
        An upper-case currency code.

    References
    ----------
    None

    Examples
    --------
    >>> a = Offer.from_fields({"company": "A", "jurisdiction": "Seattle", "currency": "USD",
    ...                        "base_salary": 110_000})
    >>> home_currency([a]), home_currency([a], " jpy ")
    ('USD', 'JPY')
    """
    if given is None or (isinstance(given, str) and not given.strip()):
        if not offers:
            raise InvalidInputError("home_currency is required when there is no offer")
        return offers[0].currency
    return str(given).strip().upper()


# Parallel to Settings.table's docstring (References None, an Example on USD_JPY_FX): kept separate
# because each function documents and runs its own example.
def to_home(values: LocalValues, settings: Settings) -> Array:
    """Convert per-offer local values to the home currency.

    Parameters
    ----------
    values : LocalValues
        One value per offer with its currency (:func:`metric`).
    settings : Settings
        The home currency (``None``: the first offer's) and the FX table.

    Returns
    -------
    numpy.ndarray
        One value per offer in the home currency.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import USD_JPY_FX
    >>> to_home(LocalValues(np.array([15e6, 110e3]), ("JPY", "USD")), Settings(fx=USD_JPY_FX)).tolist()
    [15000000.0, 16500000.0]
    """
    table = settings.table()
    given = settings.home_currency
    if given is None or (isinstance(given, str) and not given.strip()):
        given = values.currencies[0] if values.currencies else None  # the first offer's
    home = str(given or "").strip().upper()
    if not home:
        raise InvalidInputError("home_currency is required when there is no offer")
    return np.array(
        [float(table.convert(v, c, home)) for v, c in zip(values.amounts, values.currencies, strict=True)]
    )


@dataclass(frozen=True)
class ComparisonRow:
    """One ranked offer."""

    rank: int
    name: str
    company: str
    jurisdiction: str
    currency: str
    value_local: float
    value_home: float
    gap_to_best_home: float
    fx_rate: float  # units of home currency per unit of the offer's currency


def compare_offers(offers: Sequence[Offer], settings: Settings | None = None) -> list[ComparisonRow]:
    """Rank offers on a basis, best first (ties keep the input order).

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    settings : Settings, optional
        Basis, horizon, discount rate, home currency and FX table; default :class:`Settings`.

    Returns
    -------
    list of ComparisonRow
        One row per offer, best first, with its value locally and in the home currency and
        its gap to the best.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import SEATTLE_OFFER, TOKYO_OFFER, USD_JPY_FX
    >>> rows = compare_offers([TOKYO_OFFER, SEATTLE_OFFER], Settings(fx=USD_JPY_FX))
    >>> [(r.rank, r.name, r.value_home) for r in rows]
    [(1, 'B', 16500000.0), (2, 'A', 15000000.0)]
    """
    s = checked_settings(offers, settings or Settings())
    local = metric(offers, s)
    home = to_home(local, s)
    order = np.argsort(-home, kind="stable")
    best = float(home[order[0]])
    table = s.table()
    assert s.home_currency is not None  # checked_settings resolved it
    return [
        ComparisonRow(
            rank=rank,
            name=offers[i].name,
            company=offers[i].company,
            jurisdiction=offers[i].jurisdiction,
            currency=offers[i].currency,
            value_local=float(local.amounts[i]),
            value_home=float(home[i]),
            gap_to_best_home=float(home[i]) - best,
            fx_rate=float(table.convert(1.0, offers[i].currency, s.home_currency)),
        )
        for rank, i in enumerate(order, start=1)
    ]
