"""Exchange rates between an offer's components, and the make-whole sign-on.

**Component equivalent.** For an offer, an ``amount`` of one component (``from``) and
another component (``to``), the equivalent is the whole number of currency units ``y`` of
``to`` that raises the offer's value on the basis at least as much as the amount of
``from`` does, while ``y - 1`` does not::

    value(to + y) >= value(from + amount)      and      value(to + y - 1) < value(from + amount)

Where the value rises with the component (every gross basis; after tax away from Japan's
statutory edges) that ``y`` is unique: the smallest that reaches.  Where it falls somewhere,
``y`` is the first crossing on the search grid, as for the counter: a reaching window
narrower than a pass's grid step, below the one found, may be passed over.

On a gross basis that is a ratio of the schedule (a base raise counts every year, a
sign-on once, an RSU grant as it vests within the horizon).  After tax it is not: the tax
is progressive and Japan's statutory grades make take-home pay *fall* at some raises, so the
equivalent is solved, never scaled.  The search mirrors the counter-offer solver's
(:mod:`calculators.negotiation.counter`): candidates evaluated 256 at a time in one
vectorised tax call, a bracket whose lower end is short and whose upper end reaches, both
evaluated, narrowed to one unit, then both ends re-checked with
:func:`calculators.valuation.compare.metric`, the comparison's own function.  For
``bonus_target`` the unit is the year-1 target bonus *amount* (as for the counter).

**Make-whole.** The extra year-1 sign-on (gross) whose value, after the tax of year 1
where the job is, replaces an amount forfeited by leaving (unvested equity, a bonus not
yet paid), given as what it would have put in your pocket: the whole ``x`` with
``gain(x) >= forfeited`` (and ``gain(x - 1)`` short of it, found as the equivalent is), so
the gain applied is the forfeited amount to within one unit.
A lump sum in year 1 is counted in year 1 on every basis (the horizon and discounting
apply to both sides alike), so the basis says only *before tax* (the gross bases: ``x`` is
the forfeited amount) or *after tax* (``net_*``, and ``disposable_*``, whose living costs
do not depend on pay).

Values are compared in the offer's own currency: converting to a home currency multiplies
both sides by the same rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError, NoSolutionError
from calculators.fx import FxTable
from calculators.offer.model import FIELDS, MAX_AMOUNT, Offer, OfferBatch, cash_schedule, pay_amount, tc
from calculators.relocation.move import analyse_moves
from calculators.tax import get_jurisdiction
from calculators.valuation.compare import Settings, checked_settings, metric
from calculators.valuation.dated import PARTS, dated_withheld, default_start
from calculators.valuation.net import TAXED, default_tax_year, withheld_parts

__all__ = [
    "EQUIVALENT_COMPONENTS",
    "MAKE_WHOLE_BASIS",
    "Equivalent",
    "MakeWhole",
    "component_equivalent",
    "make_whole",
]

Array = npt.NDArray[np.float64]
Evaluator = Callable[[Array], Array]

#: The components an equivalent or a make-whole may move (offer fields, amounts in the
#: offer's currency; ``bonus_target`` as the amount of the year-1 target bonus).
EQUIVALENT_COMPONENTS = (
    "base_salary",
    "bonus_target",
    "sign_on",
    "sign_on_year2",
    "rsu_grant",
    "refresher_grant",
    "relocation_package",
    "benefits",
)
#: The basis a make-whole is solved on when none is given: after tax (a gross make-whole is
#: the forfeited amount itself).
MAKE_WHOLE_BASIS = "net_first_year"
_GRID = 256
# Two values this close (relative) are equal: far above float rounding of a sum of a few
# years, far below one currency unit's effect on any value an offer can have.
_SAME = 1e-12


@dataclass(frozen=True)
class Equivalent:
    """One component equivalent (amounts and values in the offer's currency)."""

    offer: str
    basis: str
    currency: str
    from_component: str
    to_component: str
    amount: float  # of from_component (bonus_target: of the year-1 target bonus)
    equivalent: float  # whole units of to_component
    before: float  # the offer's value on the basis as it stands
    change: float  # what ``amount`` of from_component adds to the value
    change_equivalent: float  # what ``equivalent`` of to_component adds to it


@dataclass(frozen=True)
class MakeWhole:
    """The sign-on that replaces a forfeited amount (offer's currency)."""

    offer: str
    basis: str
    currency: str
    forfeited: float  # what is to be replaced, in the offer's currency
    sign_on: float  # the extra year-1 sign-on, gross, whole units
    new_sign_on: float  # the offer's sign_on with it
    gain: float  # what it adds to year 1 on the basis (after tax on the net bases)

    @property
    def tax(self) -> float:
        """What the tax and contributions take of the extra sign-on."""
        return self.sign_on - self.gain


def _component(value: object, name: str) -> str:
    text = "_".join(value.strip().lower().split()) if isinstance(value, str) else ""
    if text not in EQUIVALENT_COMPONENTS:
        raise InvalidInputError(f"{name} must be one of " + ", ".join(EQUIVALENT_COMPONENTS))
    return text


def _room(offer: Offer, component: str) -> float:
    """The most ``component`` may still rise, in currency units (the field's bound)."""
    if component == "bonus_target":
        high = float(FIELDS["bonus_target"].high or 0.0)
        return max(0.0, (high - offer.bonus_target) * offer.base_salary)
    return max(0.0, MAX_AMOUNT - float(getattr(offer, component)))


def _raised(offer: Offer, component: str, x: float) -> Offer:
    if component == "bonus_target":
        return replace(offer, bonus_target=offer.bonus_target + x / offer.base_salary)
    changes: dict[str, Any] = {component: float(getattr(offer, component)) + x}
    return replace(offer, **changes)


def _offset(offer: Offer, s: Settings, year: int) -> Array | None:
    """Per year, what the disposable bases subtract from take-home; ``None`` otherwise."""
    if not s.basis.startswith("disposable_"):
        return None
    if s.move is None:
        raise InvalidInputError("disposable bases need the relocation inputs (basket and move costs)")
    opts = s.tax_options()
    res = analyse_moves([offer], s.move, s.table(), s.years, year, opts)[0][0]
    return np.asarray(res.disposable_home / res.fx_rate - res.net)


# Parallel to calculators/negotiation/counter.py:_fast (see the note there).
def _fast(offer: Offer, component: str, s: Settings, year: int) -> Evaluator:
    """The offer's value on the basis (its currency) with ``component`` raised by each amount,
    in one vectorised call: the same sums, in the same order, as ``metric`` (on the calendar, a
    net basis taxes the pay by tax year from the start, as ``dated_tax`` does for ``metric``)."""
    one = OfferBatch.from_offers([offer], s.table())
    on_calendar = s.as_of is not None and s.basis.startswith(("net_", "disposable_"))
    if on_calendar and s.basis.endswith("npv"):  # discounted month by month: the reference path
        return _exact(offer, component, s)
    dated = (offer.start_date or default_start(s.as_of)) if on_calendar and s.as_of is not None else None
    kind = s.basis.split("_", 1)[1] if s.basis.startswith(("net_", "disposable_")) else s.basis
    allowed = get_jurisdiction(offer.jurisdiction).options
    opts = {k: v for k, v in s.tax_options().items() if k in allowed}
    offset = _offset(offer, s, year)

    def run(amounts: Array) -> Array:
        k = amounts.size
        batch = replace(one, **{f.name: np.repeat(getattr(one, f.name), k, axis=0) for f in fields(one)})
        column = getattr(batch, component).copy()
        column += amounts / offer.base_salary if component == "bonus_target" else amounts
        sched = cash_schedule(replace(batch, **{component: column}), s.years)
        if kind == s.basis:
            return np.asarray(tc(sched["total"], kind, s.years, s.discount_rate))
        if dated is not None:  # on the calendar (a disposable basis: the offset added below)
            laid = cash_schedule(replace(batch, **{component: column}), s.years, beyond=1)
            net = sched["total"] - dated_withheld(
                offer, {p: laid[p] for p in PARTS}, dated, year, opts, s.table()
            )
        else:
            parts = {c: np.ravel(sched[c]) for c in TAXED}
            taken = withheld_parts(offer, parts, year, opts, s.table())
            net = sched["total"] - np.reshape(taken, np.shape(sched["total"]))
        if offset is not None:
            net = net + offset
        return np.asarray(tc(net, kind, s.years, s.discount_rate))

    return run


def _exact(offer: Offer, component: str, s: Settings) -> Evaluator:
    """The same values through :func:`calculators.valuation.compare.metric` (the reference)."""

    def run(amounts: Array) -> Array:
        return metric([_raised(offer, component, float(x)) for x in amounts], s).amounts

    return run


def _first_reaching(evaluate: Evaluator, target: float, ceiling: float) -> tuple[int, float] | None:
    """The smallest whole amount on the search grid whose value reaches ``target``, refined to
    one unit (its predecessor short of it); ``None`` when no amount up to ``ceiling`` does."""
    tol = _SAME * max(1.0, abs(target))
    if float(evaluate(np.zeros(1))[0]) >= target - tol:
        return 0, float(evaluate(np.zeros(1))[0])
    grid = np.unique(np.ceil(np.geomspace(1.0, max(ceiling, 1.0), _GRID)))
    grid = grid[grid <= ceiling]
    if grid.size == 0:
        return None
    values = evaluate(grid)
    reach = np.flatnonzero(values >= target - tol)
    if reach.size == 0:
        return None
    hi, hi_value = int(grid[reach[0]]), float(values[reach[0]])
    lo = 0  # an even grid from 0: a reaching window below the first one of the geometric grid
    while hi - lo > 1:
        inner = np.unique(np.linspace(lo, hi, _GRID + 2)[1:-1].round())
        inner = inner[(inner > lo) & (inner < hi)]
        values = evaluate(inner)
        reach = np.flatnonzero(values >= target - tol)
        if reach.size:
            j = int(reach[0])
            hi, hi_value = int(inner[j]), float(values[j])
            lo = int(inner[j - 1]) if j > 0 else lo
        else:
            lo = int(inner[-1])
    return hi, hi_value


def _solve(offer: Offer, component: str, s: Settings, year: int, target: float) -> tuple[int, float] | None:
    """:func:`_first_reaching` on the fast evaluator, both ends re-checked with ``metric``
    (searched again with it should they disagree)."""
    ceiling = math.floor(_room(offer, component))
    found = _first_reaching(_fast(offer, component, s, year), target, ceiling)
    if found is None or found[0] == 0:
        return found
    tol = _SAME * max(1.0, abs(target))
    check = _exact(offer, component, s)(np.array([found[0], found[0] - 1.0]))
    if check[0] >= target - tol and check[1] < target - tol:
        return found[0], float(check[0])
    return _first_reaching(_exact(offer, component, s), target, ceiling)


def _prepared(offer: object, settings: object) -> tuple[Offer, Settings, int]:
    if not isinstance(offer, Offer):
        raise InvalidInputError("offer must be an offer (Offer.from_fields)")
    if not isinstance(settings, Settings):
        raise InvalidInputError("settings must be comparison Settings (calculators.valuation.compare)")
    s = checked_settings([offer], settings)
    year = s.tax_year if s.tax_year is not None else default_tax_year([offer])
    return offer, replace(s, tax_year=year), year


def component_equivalent(
    offer: Offer, from_component: str, to_component: str, amount: float, settings: Settings
) -> Equivalent:
    """How much of ``to_component`` changes the offer's value on the basis as ``amount`` of
    ``from_component`` does, to one currency unit.

    Parameters
    ----------
    offer : Offer
        The offer.
    from_component : str
        The component given (:data:`EQUIVALENT_COMPONENTS`, case-blind).
    to_component : str
        The component to express it in.
    amount : float
        How much more of ``from_component``, in the offer's currency (for ``bonus_target``:
        of the year-1 target bonus), 0 or more.
    settings : Settings
        Basis, horizon, discount rate, tax year (blank: the latest the rules cover) and, for
        the disposable bases, the relocation inputs.

    Returns
    -------
    Equivalent
        The whole amount of ``to_component`` whose change reaches the change that ``amount``
        of ``from_component`` makes while one unit less falls short (the first such on the
        search grid; see the module's notes), and both changes.

    Raises
    ------
    InvalidInputError
        A component not of :data:`EQUIVALENT_COMPONENTS`, an amount that is not a finite
        number from 0 to the amount ceiling or takes ``from_component`` beyond its field's
        bound, settings that are not :class:`~calculators.valuation.compare.Settings`.
    NoSolutionError
        No amount of ``to_component`` within its field's bound changes the value that much
        (for example an RSU grant on ``first_year`` when nothing vests in year 1).

    References
    ----------
    None: the offer's value is :func:`calculators.valuation.compare.metric`'s, the tax that
    of :mod:`calculators.tax`.

    Examples
    --------
    On a gross basis the rates are ratios of the schedule: over 4 years a base raise counts
    4 times, a sign-on once.

    >>> from calculators.examples import TOKYO_OFFER
    >>> s = Settings(basis="total", years=4)
    >>> component_equivalent(TOKYO_OFFER, "base_salary", "sign_on", 1_000_000, s).equivalent
    4000000.0

    After tax it is solved, not scaled: the sign-on is taxed in its one year at that year's
    rates (here past the health-insurance ceiling), a raise in each year at its own.

    >>> e = component_equivalent(TOKYO_OFFER, "base_salary", "sign_on", 1_000_000,
    ...                          Settings(basis="net_total", years=4, tax_year=2026))
    >>> e.equivalent, e.change, e.change_equivalent
    (3926982.0, 2159024.0, 2159024.0)
    """
    offer, s, year = _prepared(offer, settings)
    source = _component(from_component, "from_component")
    target_component = _component(to_component, "to_component")
    given = pay_amount(amount, "amount")
    if given > _room(offer, source):
        raise InvalidInputError(f"amount takes {source} beyond the most the field may hold")
    before, after = (float(v) for v in _exact(offer, source, s)(np.array([0.0, given])))
    found = _solve(offer, target_component, s, year, after)
    if found is None:
        raise _why_not(offer, target_component, s, year)
    x, value = found
    return Equivalent(
        offer=offer.name,
        basis=s.basis,
        currency=offer.currency,
        from_component=source,
        to_component=target_component,
        amount=given,
        equivalent=float(x),
        before=before,
        change=after - before,
        change_equivalent=value - before,
    )


def _why_not(offer: Offer, component: str, s: Settings, year: int) -> NoSolutionError:
    ceiling = float(math.floor(_room(offer, component)))
    ends = _fast(offer, component, s, year)(np.array([0.0, ceiling]))
    if ceiling < 1 or abs(float(ends[1] - ends[0])) <= _SAME * max(1.0, abs(float(ends[0]))):
        return NoSolutionError(
            f"no amount of {component} changes the {s.basis} value of this offer",
            code="equivalent_no_effect",
            params={"component": component, "basis": s.basis},
        )
    return NoSolutionError(
        f"no amount of {component} within the field's limit changes the {s.basis} value of this "
        "offer that much",
        code="equivalent_beyond_limit",
        params={"component": component, "basis": s.basis},
    )


def make_whole(
    offer: Offer,
    forfeited: float,
    settings: Settings,
    forfeited_currency: str | None = None,
    fx: FxTable | None = None,
) -> MakeWhole:
    """The extra year-1 sign-on (gross) that replaces ``forfeited``, after tax on the net bases.

    Parameters
    ----------
    offer : Offer
        The offer that would pay it.
    forfeited : float
        What leaving gives up, as it would have reached you (after tax at the current job),
        0 or more.
    settings : Settings
        The basis (gross: before tax; ``net_*`` / ``disposable_*``: after the tax of year 1
        where the job is), the tax year (blank: the latest the rules cover) and the age.
    forfeited_currency : str, optional
        The currency of ``forfeited`` (blank: the offer's).
    fx : FxTable, optional
        The rates that convert it (blank: the settings' table).

    Returns
    -------
    MakeWhole
        The whole extra sign-on whose gain in year 1 reaches ``forfeited`` while one unit less
        falls short (so the gain is within one unit of it), the new sign-on and the gain.

    Raises
    ------
    InvalidInputError
        A forfeited amount that is not a finite number from 0 to the amount ceiling, a
        currency the rates do not quote, settings that are not
        :class:`~calculators.valuation.compare.Settings`.
    NoSolutionError
        No sign-on up to the amount ceiling nets that much.

    References
    ----------
    None: the tax is :mod:`calculators.tax`'s for the offer's jurisdiction and year.

    Examples
    --------
    >>> from calculators.examples import TOKYO_OFFER
    >>> m = make_whole(TOKYO_OFFER, 2_000_000, Settings(basis="net_first_year"))
    >>> m.sign_on > 2_000_000, 0 <= m.gain - 2_000_000 < 1
    (True, True)
    >>> make_whole(TOKYO_OFFER, 2_000_000, Settings(basis="first_year")).sign_on
    2000000.0
    """
    offer, s, year = _prepared(offer, settings)
    basis = s.basis
    after_tax = s.basis.startswith(("net_", "disposable_"))
    # year 1, where the sign-on is paid; living costs do not depend on pay, so a disposable
    # basis gains what the net one does
    s = replace(s, basis="net_first_year" if after_tax else "first_year", move=None)
    wanted = pay_amount(forfeited, "forfeited")
    if forfeited_currency is not None:
        if not isinstance(forfeited_currency, str) or not forfeited_currency.strip():
            raise InvalidInputError("forfeited_currency must be a 3-letter currency code")
        table = fx or s.table()
        wanted = float(table.convert(wanted, forfeited_currency.strip().upper(), offer.currency))
    before = float(_exact(offer, "sign_on", s)(np.zeros(1))[0])
    found = _solve(offer, "sign_on", s, year, before + wanted)
    if found is None:
        raise NoSolutionError(
            "no sign-on up to the amount ceiling replaces the forfeited amount",
            code="make_whole_beyond_limit",
        )
    x, value = found
    return MakeWhole(
        offer=offer.name,
        basis=basis,
        currency=offer.currency,
        forfeited=wanted,
        sign_on=float(x),
        new_sign_on=offer.sign_on + x,
        gain=value - before,
    )
