"""The counter-offer solver: the smallest raise of one component that beats the BATNA.

For an offer, a component (``base_salary``, ``sign_on``, ``rsu_grant``,
``bonus_target``) and a basis of :data:`calculators.valuation.compare.BASES`, the
counter is the smallest whole number of currency units ``x`` (of the offer's
currency) such that, raised by ``x``, the offer's value in the home currency
beats its BATNA by more than the margin::

    value(x) - batna > margin      and      value(x - 1) - batna <= margin

For ``bonus_target`` ``x`` is the raise of the target bonus *amount* (year-1
base times the target fraction), so "one unit" means the same as for the
other components; the new fraction is reported with it.

How it is solved
----------------
After tax, FX and the cost of living the value is not linear, and Japan's
take-home rules have legal cliff edges where net pay *falls* as gross rises
(see :mod:`calculators.tax.jurisdictions.jp_tokyo`), so the value is not
strictly monotone in the component.  The search therefore never assumes
monotonicity; it keeps a bracket ``lo < hi`` of whole amounts with ``lo``
losing and ``hi`` winning, both *evaluated*:

1. 256 amounts spaced geometrically from 1 to the ceiling are evaluated in
   one vectorised call; ``hi`` is the smallest that wins, ``lo = 0`` (which
   loses, or the offer would already win).
2. 256 evenly spaced amounts strictly inside ``(lo, hi)`` are evaluated; the
   smallest winner becomes ``hi`` and its evaluated predecessor ``lo``; repeat
   until ``hi = lo + 1``.  (Going back to 0 in the first even pass finds a
   winning window below the geometric grid's first winner, for example just
   before a cliff edge, when it is wider than 1/256 of that amount.)

So the answer always wins and one unit less always loses, whatever the shape
of the value; it is the first crossing of the target on the search grid
(a winning window narrower than the grid step of a pass, below the amount
found, could be missed).  The vectorised
evaluation taxes all candidate amounts in one call per jurisdiction; the two
final amounts are re-checked with :func:`calculators.valuation.compare.metric` itself,
and should they disagree the search is redone with it.

No solution: when the component does not move the value at all (for example
an RSU grant on ``first_year`` when nothing vests in year 1), or when no raise
up to the ceiling (``counter_search_ceiling`` times the base salary; for
``bonus_target`` its field limit of 300 %) or the user's ``limit`` gets there,
:class:`~calculators.errors.NoSolutionError` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError, NoSolutionError
from calculators.negotiation.checks import (
    COUNTER_COMPONENTS,
    check_component,
    check_finite,
    check_margin,
    check_offer,
    check_offers,
    check_settings,
)
from calculators.offer.model import FIELDS, Offer, OfferBatch, cash_schedule, tc
from calculators.params import DATA_DIR, load_parameters
from calculators.relocation.move import analyse_moves
from calculators.tax import get_jurisdiction
from calculators.valuation.compare import BASES, Settings, home_currency, metric, to_home
from calculators.valuation.dated import PARTS, dated_withheld, default_start
from calculators.valuation.net import TAXED, default_tax_year, withheld_parts

__all__ = [
    "Counter",
    "solve_counter",
    "solve_many",
    "living_offset",
]

Array = npt.NDArray[np.float64]
_DATA = DATA_DIR / "negotiation.yaml"
_GRID = 256
Evaluator = Callable[[Array], Array]


@dataclass(frozen=True)
class Counter:
    """One solved counter-offer (amounts in the offer's currency, values in the home one)."""

    offer: str
    component: str
    basis: str
    currency: str
    increase: float  # whole units; for bonus_target the raise of the target bonus amount
    new_value: float  # the component after the raise (bonus_target: a fraction)
    value_home: float  # the offer's value on the basis after the raise
    before_home: float
    batna_home: float
    batna_name: str
    margin: float

    @property
    def already_wins(self) -> bool:
        return self.increase == 0


def _ceiling(offer: Offer, component: str, limit: float | None, year: int) -> float:
    """The most the search adds; the ceiling multiple is the one in force in ``year``, the
    year of the rules the offer is valued under (the settings' tax year)."""
    multiple = float(load_parameters(_DATA)["counter_search_ceiling"].at(year))
    if component == "bonus_target":
        high = float(FIELDS["bonus_target"].high or 3.0)
        top = min(high, limit) if limit is not None else high
        return math.floor((top - offer.bonus_target) * offer.base_salary)
    top_units = multiple * offer.base_salary
    if limit is not None:
        top_units = min(top_units, limit - float(getattr(offer, component)))
    return math.floor(top_units)


def _raised(offer: Offer, component: str, x: float) -> Offer:
    if component == "bonus_target":
        return replace(offer, bonus_target=offer.bonus_target + x / offer.base_salary)
    changes: dict[str, Any] = {component: float(getattr(offer, component)) + x}
    return replace(offer, **changes)


def living_offset(offer: Offer, s: Settings) -> Array | None:
    """Per year, what the disposable bases subtract from take-home (basket, move costs).

    It does not depend on the offer's pay, so the solver computes it once per offer.
    ``None`` for the gross and net bases.

    Parameters
    ----------
    offer : Offer
        The offer.
    s : Settings
        Checked settings, tax year resolved.

    Returns
    -------
    numpy.ndarray or None
        The offset per year in the offer's currency, or ``None``.

    Raises
    ------
    InvalidInputError
        A disposable basis without relocation inputs; an argument that is not an offer or
        settings.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> o = TOKYO_OFFERS[0]
    >>> living_offset(o, JPY_SETTINGS) is None
    True
    """
    check_offer(offer)
    if not check_settings(s).basis.startswith("disposable_"):
        return None
    if s.move is None:
        raise InvalidInputError("disposable bases need the relocation inputs (basket and move costs)")
    opts = s.tax_options()
    res = analyse_moves([offer], s.move, s.table(), s.years, s.tax_year, opts)[0][0]
    return np.asarray(res.disposable_home / res.fx_rate - res.net)


# Parallel to calculators/valuation/equivalent.py:_fast (the same raise of one component, valued
# in one vectorised call, dated on the calendar the same way): kept apart because this one values
# in the home currency with the living-cost offset given, that one in the offer's currency.
def _fast(offer: Offer, component: str, s: Settings, offset: Array | None) -> Evaluator:
    """Value in the home currency of the offer raised by each amount: one vectorised call (on
    the calendar, a net basis taxes the pay by tax year from the start, as
    :func:`calculators.valuation.dated.dated_tax` does for the reference)."""
    one = OfferBatch.from_offers([offer], s.table())
    kind = s.basis.split("_", 1)[1] if s.basis.startswith(("net_", "disposable_")) else s.basis
    home = home_currency([offer], s.home_currency)  # none given: the offer's own, as for one offer
    table = s.table()
    rate = float(table.convert(1.0, offer.currency, home))
    allowed = get_jurisdiction(offer.jurisdiction).options
    opts = {k: v for k, v in s.tax_options().items() if k in allowed}
    year = s.tax_year if s.tax_year is not None else default_tax_year([offer])  # as metric()
    on_calendar = s.as_of is not None and s.basis.startswith(("net_", "disposable_"))
    if on_calendar and s.basis.endswith("npv"):  # discounted month by month: the reference path
        return _exact(offer, component, s)
    dated = (offer.start_date or default_start(s.as_of)) if on_calendar and s.as_of is not None else None

    def run(amounts: Array) -> Array:
        k = amounts.size
        batch = replace(one, **{f: np.repeat(getattr(one, f), k, axis=0) for f in one.__dataclass_fields__})
        column = getattr(batch, component).copy()
        column += amounts / offer.base_salary if component == "bonus_target" else amounts
        batch = replace(batch, **{component: column})
        sched = cash_schedule(batch, s.years)
        if s.basis in BASES and not s.basis.startswith(("net_", "disposable_")):
            values = tc(sched["total"], kind, s.years, s.discount_rate)
            return np.asarray(values * rate)
        if dated is not None:  # on the calendar (a disposable basis: the offset added below)
            laid = cash_schedule(batch, s.years, beyond=1)  # the tax year the horizon ends in, whole
            taken = dated_withheld(offer, {p: laid[p] for p in PARTS}, dated, year, opts, table)
            net = sched["total"] - taken
        else:
            parts = {c: np.ravel(sched[c]) for c in TAXED}
            taken = withheld_parts(offer, parts, year, opts, table)
            net = sched["total"] - np.reshape(taken, np.shape(sched["total"]))
        if offset is not None:
            net = net + offset
        return np.asarray(tc(net, kind, s.years, s.discount_rate) * rate)

    return run


def _exact(offer: Offer, component: str, s: Settings) -> Evaluator:
    """The same values through :func:`calculators.valuation.compare.metric` (the reference)."""

    def run(amounts: Array) -> Array:
        raised = [_raised(offer, component, float(x)) for x in amounts]
        return to_home(metric(raised, s), s)

    return run


def _search(evaluate: Evaluator, target: float, ceiling: float) -> tuple[int, float] | None:
    """Smallest whole amount on the grid that wins (value > target), refined to one unit."""
    grid = np.unique(np.ceil(np.geomspace(1.0, max(ceiling, 1.0), _GRID)))
    grid = grid[grid <= ceiling]
    if grid.size == 0:
        return None
    values = evaluate(grid)
    wins = np.flatnonzero(values > target)
    if wins.size == 0:
        return None
    j = int(wins[0])
    hi, hi_value = int(grid[j]), float(values[j])
    lo = 0  # look again below the first winner on an even grid: an earlier, narrow window
    while hi - lo > 1:
        inner = np.unique(np.linspace(lo, hi, _GRID + 2)[1:-1].round())
        inner = inner[(inner > lo) & (inner < hi)]
        values = evaluate(inner)
        wins = np.flatnonzero(values > target)
        if wins.size:
            j = int(wins[0])
            hi, hi_value = int(inner[j]), float(values[j])
            lo = int(inner[j - 1]) if j > 0 else lo
        else:
            lo = int(inner[-1])
    return hi, hi_value


def solve_counter(
    offer: Offer,
    component: str,
    settings: Settings,
    batna_home: float,
    batna_name: str,
    margin: float = 0.0,
    limit: float | None = None,
    before_home: float | None = None,
    offset: Array | None = None,
) -> Counter:
    """The smallest whole raise of ``component`` that makes ``offer`` beat ``batna_home``.

    ``settings`` must be checked and carry the resolved tax year (see
    :func:`calculators.negotiation.standing.prepare`).  ``limit`` is the most the
    component may become (the employer's cap, say): in the offer's currency,
    or a fraction for ``bonus_target``.  ``before_home`` (the offer's value as
    :func:`~calculators.valuation.compare.metric` gives it) and ``offset``
    (:func:`living_offset`) may be passed when already known.

    Parameters
    ----------
    offer : Offer
        The offer to counter.
    component : str
        The component to raise (:data:`~calculators.negotiation.checks.COUNTER_COMPONENTS`).
    settings : Settings
        Checked settings, tax year resolved.
    batna_home : float
        The best alternative's value, home currency.
    batna_name : str
        The best alternative's name.
    margin : float, optional
        How far, in the home currency, the countered offer must beat the BATNA.
    limit : float, optional
        The most the component may become.
    before_home : float, optional
        The offer's value before the raise, when known.
    offset : numpy.ndarray, optional
        :func:`living_offset`, when known.

    Returns
    -------
    Counter
        The raise (0 when the offer already wins) and the values before and after.

    Raises
    ------
    InvalidInputError
        An argument that is not what it must be (a component not of
        :data:`~calculators.negotiation.checks.COUNTER_COMPONENTS`, a negative margin, a
        BATNA, limit or value that is not a finite number).
    NoSolutionError
        No raise up to the solver's ceiling (``counter_search_ceiling`` in
        ``data/negotiation.yaml``) or ``limit`` beats the BATNA.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> from calculators.negotiation.standing import prepare
    >>> a, b = TOKYO_OFFERS
    >>> _, s = prepare([a], JPY_SETTINGS)
    >>> c = solve_counter(b, "base_salary", s, 15e6, "A")
    >>> c.increase, c.already_wins
    (1000001.0, False)
    """
    check_offer(offer)
    check_settings(settings)
    component = check_component(component)
    margin = check_margin(margin)
    batna_home = check_finite(batna_home, "batna_home")
    batna_name = str(batna_name)
    limit = None if limit is None else check_finite(limit, "limit")
    before_home = None if before_home is None else check_finite(before_home, "before_home")
    if offset is not None and (not isinstance(offset, np.ndarray) or not np.isfinite(offset).all()):
        raise InvalidInputError("offset must be living_offset's array of finite numbers")
    target = batna_home + margin
    if offset is None:
        offset = living_offset(offer, settings)
    fast = _fast(offer, component, settings, offset)
    near = before_home is not None and abs(before_home - target) <= 1e-9 * max(1.0, abs(target))
    if before_home is None or near:  # a value computed among other offers may differ in the
        before = float(_exact(offer, component, settings)(np.zeros(1))[0])  # last bit: recheck
    else:
        before = float(before_home)
    common = dict(
        offer=offer.name,
        component=component,
        basis=settings.basis,
        currency=offer.currency,
        before_home=before,
        batna_home=batna_home,
        batna_name=batna_name,
        margin=margin,
    )
    if before > target:
        return Counter(increase=0.0, new_value=float(getattr(offer, component)), value_home=before, **common)  # type: ignore[arg-type]
    year = settings.tax_year if settings.tax_year is not None else default_tax_year([offer])
    ceiling = _ceiling(offer, component, limit, year)
    found = _search(fast, target, ceiling) if ceiling >= 1 else None
    if found is not None:
        check = _exact(offer, component, settings)(np.array([found[0], found[0] - 1.0]))
        if check[0] > target and (found[0] == 1 or check[1] <= target):
            found = (found[0], float(check[0]))  # the value as the comparison computes it
        else:
            found = _search(_exact(offer, component, settings), target, ceiling)
    if found is None:
        raise _why(fast, component, settings.basis, ceiling, limit)
    x, value = found
    raised = _raised(offer, component, float(x))
    return Counter(increase=float(x), new_value=float(getattr(raised, component)), value_home=value, **common)  # type: ignore[arg-type]


def _why(fast: Evaluator, component: str, basis: str, ceiling: float, limit: float | None) -> NoSolutionError:
    """Why no counter exists, as an error with its message code (see :mod:`calculators.errors`)."""
    if ceiling < 1:
        return NoSolutionError(
            f"{component} is already at its limit: no increase is possible",
            code="counter_at_limit",
            params={"component": component},
        )
    ends = fast(np.array([0.0, float(ceiling)]))
    if abs(float(ends[1] - ends[0])) <= 1e-9 * max(1.0, abs(float(ends[0]))):
        return NoSolutionError(
            f"no increase of {component} can win: it does not change the {basis} value of this offer",
            code="counter_no_effect",
            params={"component": component, "basis": basis},
        )
    if limit is not None:
        text, code = "your limit", "counter_beyond_limit"
    else:
        text, code = "the solver's ceiling", "counter_beyond_ceiling"
    return NoSolutionError(
        f"no increase of {component} up to {text} makes this offer beat its best alternative on {basis}",
        code=code,
        params={"component": component, "basis": basis},
    )


def _pairs(batnas: object, n: int) -> list[tuple[float, str]]:
    """The BATNAs as ``n`` pairs of a finite value and a name, or one line."""
    wrong = InvalidInputError("batnas must be one (value, name) pair per offer")
    if isinstance(batnas, str) or not isinstance(batnas, Sequence) or len(batnas) != n:
        raise wrong
    out = []
    for pair in batnas:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise wrong
        out.append((check_finite(pair[0], "batnas: the value"), str(pair[1])))
    return out


def solve_many(
    offers: Sequence[Offer],
    components: Sequence[str],
    settings: Settings,
    batnas: Sequence[tuple[float, str]],
    margin: float = 0.0,
    values: Sequence[float] | None = None,
) -> list[Counter | NoSolutionError]:
    """Every offer x component (a :class:`NoSolutionError` where none exists).

    ``batnas`` and ``values`` (each offer's own value) come from
    :func:`calculators.negotiation.standing.standings`.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    components : sequence of str
        The components to counter with.
    settings : Settings
        The settings :func:`~calculators.negotiation.standing.standings` returned.
    batnas : sequence of tuple of (float, str)
        Each offer's BATNA value (home currency) and name.
    margin : float, optional
        How far the countered offer must beat its BATNA.
    values : sequence of float, optional
        Each offer's own value, home currency.

    Returns
    -------
    list of Counter or NoSolutionError
        For each offer in turn, one entry per component.

    Raises
    ------
    InvalidInputError
        Offers, components, BATNAs, margin or values that are not what they must be.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> from calculators.negotiation.standing import standings
    >>> rows, s = standings(TOKYO_OFFERS, JPY_SETTINGS)
    >>> out = solve_many(TOKYO_OFFERS, ["base_salary"], s, [(r.batna_home, r.batna_name) for r in rows])
    >>> [(c.offer, c.increase) for c in out]
    [('A', 0.0), ('B', 1000001.0)]
    """
    offers = check_offers(offers)
    check_settings(settings)
    if isinstance(components, str) or not isinstance(components, Sequence):
        raise InvalidInputError("components must be a list of " + ", ".join(COUNTER_COMPONENTS))
    components = [check_component(c) for c in components]
    margin = check_margin(margin)
    pairs = _pairs(batnas, len(offers))
    if values is not None:
        if isinstance(values, str) or not isinstance(values, Sequence) or len(values) != len(offers):
            raise InvalidInputError("values must be one number per offer (home currency)")
        values = [check_finite(v, "values") for v in values]
    out: list[Counter | NoSolutionError] = []
    for i, (offer, (batna, name)) in enumerate(zip(offers, pairs, strict=True)):
        offset = living_offset(offer, settings)
        before = None if values is None else values[i]
        for component in components:
            try:
                out.append(
                    solve_counter(
                        offer, component, settings, batna, name, margin, before_home=before, offset=offset
                    )
                )
            except NoSolutionError as exc:
                out.append(exc)
    return out
