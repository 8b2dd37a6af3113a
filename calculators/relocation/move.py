"""The move itself: one-time costs, the move-year ledger, disposable surplus,
break-even against staying, clawback exposure and FX risk.

All amounts the user states about the move (flights, movers, temporary
housing, visa fees) are in the home currency; the deposit is months of the
destination rent; double rent is months of the home rent.  Results come back
in the home currency through a named, dated FX table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError
from calculators.fx import FxTable
from calculators.offer.clawback import clawback_due
from calculators.offer.model import Offer, OfferBatch, cash_schedule, check_amount
from calculators.relocation.cost_of_living import Basket, City, canonical_city, carry_basket
from calculators.tax import compute, get_jurisdiction
from calculators.valuation.net import default_tax_year, net_schedule

__all__ = [
    "MoveInputs",
    "MOVE_FIELDS",
    "MoveResult",
    "analyse_moves",
    "fx_breakeven",
    "FX_REACH",
    "FX_MOVES",
    "moved_table",
    "move_inputs_from_rows",
    "stay_offer",
]

Array = npt.NDArray[np.float64]

MOVE_FIELDS = {
    "flights": "Flights for the move, home currency",
    "movers": "Moving company / shipping, home currency",
    "temporary_housing_months": "Months in temporary housing at the destination",
    "temporary_housing_monthly": "Monthly cost of temporary housing, home currency",
    "deposit_months": "Rental deposit, months of the destination rent",
    "double_rent_months": "Months paying the home rent after moving out",
    "visa_fees": "Visa and immigration fees you pay, home currency",
    "current_base_salary": "Your current job's yearly base (the stay-put alternative)",
    "current_annual_raise": "Your current job's yearly raise",
}


@dataclass(frozen=True)
class MoveInputs:
    """The user's basket at home, what a move costs them, and their overrides.

    ``overrides`` maps a city key to ``{"rent_relative": x, "price_relative": y}``
    for a user who knows better than the shipped statistics.
    """

    basket: Basket
    costs: Mapping[str, float] = field(default_factory=dict)
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    # Parallel to stay_offer's docstring (Raises, References None, an Example opening on a Tokyo
    # basket): kept separate because each function documents and runs its own example.
    def cost(self, name: str) -> float:
        """One move cost or current-job figure of the inputs, 0 when not given.

        Parameters
        ----------
        name : str
            A key of :data:`MOVE_FIELDS`.

        Returns
        -------
        float
            The amount (home currency, months, or a fraction, as the field says).

        Raises
        ------
        InvalidInputError
            A negative or NaN amount.

        References
        ----------
        None

        Examples
        --------
        >>> from calculators.relocation.cost_of_living import canonical_city
        >>> m = MoveInputs(Basket(canonical_city("Tokyo"), {}), {"flights": 300_000})
        >>> m.cost("flights"), m.cost("movers")
        (300000.0, 0.0)
        """
        value = float(self.costs.get(name, 0.0) or 0.0)
        if value < 0 or value != value:
            raise InvalidInputError(f"{name} must be a number, 0 or more")
        return value


@dataclass(frozen=True)
class MoveResult:
    """One offer's move, in the home currency unless named otherwise."""

    name: str
    city: str
    currency: str
    gross: Array  # per year, local
    net: Array  # per year, local
    basket_cost: Array  # per year, local
    one_time_costs: dict[str, float]  # home currency
    ledger_notes: dict[str, float]  # cash items of the move year not counted as costs
    disposable_home: Array  # per year, one-time costs in year 1
    break_even_month: int | None
    clawback_exposure: float  # local, if leaving on day one
    fx_rate: float  # home per local
    fx_sensitivity: dict[str, float]  # disposable annualized at FX moves

    @property
    def one_time_total(self) -> float:
        return float(sum(self.one_time_costs.values()))


def _offer_city(offer: Offer) -> City:
    return canonical_city(offer.jurisdiction)


# Parallel to MoveInputs.cost's docstring (Raises, References None, an Example opening on a Tokyo
# basket): kept separate because each function documents and runs its own example.
def stay_offer(inputs: MoveInputs, home: City) -> Offer:
    """The current job as an offer in ``home``: what staying put pays, for the comparison.

    Parameters
    ----------
    inputs : MoveInputs
        The move inputs, with ``current_base_salary`` and ``current_annual_raise``.
    home : City
        The home city.

    Returns
    -------
    Offer
        An offer named ``stay`` in the home jurisdiction and currency.

    Raises
    ------
    InvalidInputError
        Without a current base salary.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.relocation.cost_of_living import canonical_city
    >>> tokyo = canonical_city("Tokyo")
    >>> s = stay_offer(MoveInputs(Basket(tokyo, {}), {"current_base_salary": 11_000_000}), tokyo)
    >>> s.name, s.jurisdiction, s.base_salary
    ('stay', 'JP-TOKYO', 11000000.0)
    """
    base = inputs.cost("current_base_salary")
    if base <= 0:
        raise InvalidInputError("current_base_salary is required for the stay-put comparison")
    return Offer.from_fields(
        {
            "company": "current job",
            "name": "stay",
            "jurisdiction": home.jurisdiction,
            "currency": home.currency,
            "base_salary": base,
            "annual_raise": inputs.cost("current_annual_raise"),
        }
    )


def _one_time(inputs: MoveInputs, dest_basket: Basket, fx: FxTable, home: City) -> dict[str, float]:
    months = inputs.cost("temporary_housing_months")
    deposit_local = inputs.cost("deposit_months") * dest_basket.spending.get("rent", 0.0)
    return {
        "flights": inputs.cost("flights"),
        "movers": inputs.cost("movers"),
        "temporary_housing": months * inputs.cost("temporary_housing_monthly"),
        "deposit": float(fx.convert(deposit_local, dest_basket.city.currency, home.currency)),
        "double_rent": inputs.cost("double_rent_months") * inputs.basket.spending.get("rent", 0.0),
        "visa_fees": inputs.cost("visa_fees"),
    }


def _departure_resident_tax(
    inputs: MoveInputs, home: City, year: int, options: Mapping[str, Any] | None = None
) -> float:
    """Japan's 住民税 on last year's income, still due after leaving (resident on 1 January):
    whatever home has a resident tax among its tax lines, not a city named in code; at the
    personal ``options`` (your age: the social insurance it deducts depends on it)."""
    allowed = get_jurisdiction(home.jurisdiction).options
    opts = {k: v for k, v in (options or {}).items() if k in allowed}
    lines = compute(inputs.cost("current_base_salary"), home.jurisdiction, year, **opts).lines
    if "resident_tax_income_levy" not in lines:  # the home's rules have no such tax
        return 0.0
    return float(lines["resident_tax_income_levy"] + lines["resident_tax_per_capita"])


# The moves of the exchange rates the relocation comparison shows the disposable surplus at.
FX_MOVES = (-0.2, -0.1, 0.1, 0.2)


def moved_table(fx: FxTable, home: str, move: float) -> FxTable:
    """``fx`` with every currency but ``home`` worth ``1 + move`` times as much in ``home``.

    Parameters
    ----------
    fx : FxTable
        Today's rates.
    home : str
        The currency that stays put.
    move : float
        The change of every other currency against it, 0.1 = 10 % dearer.

    Returns
    -------
    FxTable
        The moved rates, quoted per unit of ``home``.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import USD_JPY_FX
    >>> round(moved_table(USD_JPY_FX, "JPY", 0.1).convert(1.0, "USD", "JPY"), 6) == round(
    ...     USD_JPY_FX.convert(1.0, "USD", "JPY") * 1.1, 6)
    True
    """
    rates = {code: float(fx.convert(1.0, home, code)) / (1.0 + move) for code in fx.rates}
    rates[home] = 1.0
    return FxTable(home, rates, fx.as_of, f"{fx.source} (every rate {move:+.0%} against {home})")


def _moved(
    offer: Offer,
    carried: Basket,
    fx: FxTable,
    home: str,
    move: float,
    annual: float,
    horizon: tuple[Any, ...],
) -> float:
    """The offer's yearly surplus (pay after tax less living costs), home currency, with every
    currency but home ``move`` dearer: each part moves with its own currency, so a yen salary
    in Tokyo with dollar RSUs moves only by the RSUs' yen value (taxed in yen)."""
    city = carried.city.currency
    local = {offer.currency, offer.share_currency, city, get_jurisdiction(offer.jurisdiction).currency}
    if len(local) == 1:  # one currency throughout: the surplus moves with it, or not at all
        return (
            annual
            * float(fx.convert(1.0, offer.currency, home))
            * (1.0 + (move if offer.currency != home else 0.0))
        )
    years, year, options = horizon
    table = moved_table(fx, home, move)
    sched = cash_schedule(OfferBatch.from_offers([offer], table), years)
    net = net_schedule([offer], sched, year, options, table)[0]
    basket = 12.0 * carried.monthly * float(table.convert(1.0, city, offer.currency))
    return float(np.mean(net - basket)) * float(table.convert(1.0, offer.currency, home))


def _break_even(diff_by_year: Array, upfront: float) -> int | None:
    monthly = np.repeat(diff_by_year / 12.0, 12)
    cumulative = -upfront + np.cumsum(monthly)
    if upfront <= 0 and monthly.size and monthly[0] >= 0:
        return 0
    hits = np.flatnonzero(cumulative >= 0)
    return int(hits[0]) + 1 if hits.size else None


def analyse_moves(
    offers: Sequence[Offer],
    inputs: MoveInputs,
    fx: FxTable,
    years: int,
    tax_year: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> tuple[list[MoveResult], Array | None]:
    """Every offer's move against staying; returns the results and the stay-put disposable.

    Without a current salary there is no staying to compare with: the stay-put disposable is
    ``None`` and no offer has a break-even month.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    inputs : MoveInputs
        The basket at home, the move costs, the current job and the overrides.
    fx : FxTable
        The dated rates that bring every amount to the home currency.
    years : int
        Horizon in years.
    tax_year : int, optional
        The tax year whose rules apply; default the latest every jurisdiction covers.
    options : mapping, optional
        Personal options for the tax rules (``age`` …).

    Returns
    -------
    list of MoveResult
        One result per offer.
    numpy.ndarray or None
        Disposable surplus per year of staying, home currency; ``None`` without a current salary.

    References
    ----------
    The tax rules of :mod:`calculators.tax` and the price relatives of
    :func:`calculators.relocation.cost_of_living.price_relative`.

    Examples
    --------
    >>> from calculators.examples import USD_JPY_FX
    >>> rows = [["home_city", "Tokyo"], ["rent", 150_000], ["flights", 300_000],
    ...         ["current_base_salary", 11_000_000], ["price_relative:Seattle", 0.011],
    ...         ["rent_relative:Seattle", 0.017]]
    >>> o = Offer.from_fields({"company": "S", "jurisdiction": "Seattle", "currency": "USD",
    ...                        "base_salary": 200_000})
    >>> (r,), stay = analyse_moves([o], move_inputs_from_rows(rows), USD_JPY_FX, 2, tax_year=2025)
    >>> r.city, r.one_time_total, r.break_even_month
    ('Seattle', 300000.0, 1)
    """
    home = inputs.basket.city
    stay = stay_offer(inputs, home) if inputs.cost("current_base_salary") > 0 else None
    everyone = [*offers, *([stay] if stay is not None else [])]
    sched = cash_schedule(OfferBatch.from_offers(everyone, fx), years)
    year = default_tax_year(everyone) if tax_year is None else tax_year
    net = net_schedule(everyone, sched, year, options, fx)
    stay_disp = net[-1] - 12.0 * inputs.basket.monthly if stay is not None else None
    results = []
    for i, offer in enumerate(offers):
        city = _offer_city(offer)
        carried = carry_basket(inputs.basket, city, inputs.overrides.get(city.key))
        basket_local = 12.0 * carried.monthly * float(fx.convert(1.0, city.currency, offer.currency))
        rate = float(fx.convert(1.0, offer.currency, home.currency))
        moving = city.key != home.key
        costs = _one_time(inputs, carried, fx, home) if moving else {}
        notes = (
            {"jp_resident_tax_after_leaving": _departure_resident_tax(inputs, home, year, options)}
            if moving
            else {}
        )
        disposable = (net[i] - basket_local) * rate
        disposable[0] -= sum(costs.values())
        annual = float(np.mean(net[i] - basket_local))
        results.append(
            MoveResult(
                name=offer.name,
                city=city.name,
                currency=offer.currency,
                gross=sched["total"][i],
                net=net[i],
                basket_cost=np.full(years, basket_local),
                one_time_costs=costs,
                ledger_notes={k: v for k, v in notes.items() if v},
                disposable_home=disposable,
                break_even_month=None
                if stay_disp is None
                else _break_even((net[i] - basket_local) * rate - stay_disp, sum(costs.values())),
                clawback_exposure=clawback_due(offer, 0),
                fx_rate=rate,
                fx_sensitivity={
                    f"{s:+.0%}": _moved(offer, carried, fx, home.currency, s, annual, (years, year, options))
                    - sum(costs.values()) / years
                    for s in FX_MOVES
                },
            )
        )
    return results, stay_disp


def fx_breakeven(
    a: Offer,
    b: Offer,
    inputs: MoveInputs,
    fx: FxTable,
    years: int,
    tax_year: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> tuple[str, float | None]:
    """The rate (home currency per unit of ``a``'s foreign currency) at which a and b tie.

    ``a``'s foreign currency is its pay's, or its equity's when the pay is in the home
    currency.  Only that currency's rate moves: every part of either offer in it (pay, RSUs,
    living costs) is revalued and retaxed at each rate tried, everything else stays, so a yen
    salary with dollar RSUs against a dollar offer ties where the dollar parts make up the
    difference.  The tie is on the disposable surplus a year (after tax, living costs and the
    move), searched from 1/FX_REACH to FX_REACH times today's rate.

    Parameters
    ----------
    a, b : Offer
        The offer whose currency moves, and the one it is compared with.
    inputs : MoveInputs
        The basket at home and the move costs.
    fx : FxTable
        Today's rates.
    years : int
        Horizon in years.
    tax_year : int, optional
        The tax year whose rules apply; default the latest both jurisdictions cover.
    options : mapping, optional
        Personal options for the tax rules (``age`` …).

    Returns
    -------
    str
        The currency that moves (the home currency when ``a`` has none other).
    float or None
        The tie rate; ``None`` when ``a`` is paid wholly in the home currency or no rate in
        the range makes them tie.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import USD_JPY_FX
    >>> rows = [["home_city", "Tokyo"], ["rent", 150_000], ["price_relative:Seattle", 0.011],
    ...         ["rent_relative:Seattle", 0.017]]
    >>> fields = {"company": "S", "jurisdiction": "Seattle", "currency": "USD",
    ...           "base_salary": 200_000}
    >>> seattle = Offer.from_fields(fields)
    >>> tokyo = Offer.from_fields({**fields, "jurisdiction": "Tokyo", "currency": "JPY",
    ...                            "base_salary": 15_000_000})
    >>> code, rate = fx_breakeven(seattle, tokyo, move_inputs_from_rows(rows), USD_JPY_FX, 2, 2025)
    >>> code, round(rate, 1), fx_breakeven(tokyo, seattle, move_inputs_from_rows(rows), USD_JPY_FX, 2, 2025)
    ('USD', 72.5, ('JPY', None))
    """
    home = inputs.basket.city.currency
    code = next((c for c in (a.currency, a.share_currency) if c != home), home)
    if code == home:
        return home, None
    today = float(fx.convert(1.0, code, home))

    def gap(log_rate: float) -> float:
        rates = dict(moved_table(fx, home, 0.0).rates)  # per unit of home; then one moves
        rates[code] = math.exp(-log_rate)
        table = FxTable(home, rates, fx.as_of, fx.source)
        results, _ = analyse_moves([a, b], inputs, table, years, tax_year, options)
        return float(np.mean(results[0].disposable_home) - np.mean(results[1].disposable_home))

    centre, reach = math.log(today), math.log(FX_REACH)
    low, high = centre - reach, centre + reach
    g_low, g_high = gap(low), gap(high)
    if g_low == 0 or g_high == 0 or (g_low > 0) == (g_high > 0):
        return code, math.exp(low if g_low == 0 else high) if 0 in (g_low, g_high) else None
    for _ in range(_FX_STEPS):  # the Illinois method: regula falsi that halves a stale end
        mid = high - g_high * (high - low) / (g_high - g_low)
        g_mid = gap(mid)
        if g_mid == 0 or abs(high - low) < _FX_TOLERANCE:
            return code, math.exp(mid)
        if (g_mid > 0) == (g_high > 0):
            high, g_high, g_low = mid, g_mid, g_low / 2.0
        else:
            low, g_low, high, g_high = high, g_high, mid, g_mid
    return code, math.exp(0.5 * (low + high))


# How far FX_BREAKEVEN looks for a tie (a factor either side of today's rate), how many
# steps it takes at most and how close (in log rate) the tie is when it stops.
FX_REACH = 50.0
_FX_STEPS = 60
_FX_TOLERANCE = 1e-10


_OVERRIDES = ("rent_relative", "price_relative")


def move_inputs_from_rows(rows: Sequence[Sequence[Any]], home_city: Any = None) -> MoveInputs:
    """Read a two-column range ``input | value`` into :class:`MoveInputs`.

    Inputs: ``home_city``, ``housing_size``, the basket categories (monthly, home
    currency), the move costs of :data:`MOVE_FIELDS`, and overrides written as
    ``rent_relative:Seattle`` or ``price_relative:London``.  Blank values are missing.

    Parameters
    ----------
    rows : sequence of sequence
        The range; a first row headed ``input`` is skipped.
    home_city : str, optional
        The home city; default the range's ``home_city`` row.

    Returns
    -------
    MoveInputs
        The basket, the costs and the overrides.

    Raises
    ------
    InvalidInputError
        An unknown row, a value that is not a non-negative number, an unknown city or
        housing size.

    References
    ----------
    None

    Examples
    --------
    >>> m = move_inputs_from_rows([["input", "value"], ["home_city", "Tokyo"],
    ...                            ["rent", 150_000], ["price_relative:London", 0.005]])
    >>> m.basket.city.key, m.basket.monthly, dict(m.overrides)
    ('TOKYO', 150000.0, {'LONDON': {'price_relative': 0.005}})
    """
    from calculators.relocation.cost_of_living import CATEGORIES, HOUSING_SIZES  # noqa: PLC0415

    values: dict[str, Any] = {}
    for row in rows:
        cells = list(row) + [None, None]
        key, value = cells[0], cells[1]
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        name = "_".join(str(key).strip().lower().split())
        if name in {"input", "setting", "item"}:
            continue  # header row
        values[name] = value
    city = canonical_city(home_city if home_city not in (None, "") else values.get("home_city"))
    size = values.get("housing_size") or "studio_1br"
    if size not in HOUSING_SIZES:
        raise InvalidInputError("housing_size must be " + " or ".join(HOUSING_SIZES))
    spending: dict[str, float] = {}
    costs: dict[str, float] = {}
    overrides: dict[str, dict[str, float]] = {}
    for name, value in values.items():
        if name in {"home_city", "housing_size"} or value is None or value == "":
            continue
        kind, _, where = name.partition(":")
        if kind not in (*CATEGORIES, *MOVE_FIELDS, *_OVERRIDES):
            raise InvalidInputError(
                "relocation inputs: a row is not a known input (see the Relocation sheet)"
            )
        number = _number(kind, value)
        if kind in _OVERRIDES:
            overrides.setdefault(canonical_city(where).key, {})[kind] = number
        elif kind in CATEGORIES:
            spending[kind] = number
        else:
            costs[kind] = number
    return MoveInputs(Basket(city, spending, size), costs, overrides)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError(f"{name} must be a number")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInputError(f"{name} must be a finite number")
    if number < 0:
        raise InvalidInputError(f"{name} must not be negative")
    return check_amount(name, number)
