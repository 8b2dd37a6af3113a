"""The negotiation: metric, BATNA, counter-offers, the ask, target gap, impact, timing.

* **Metric**: any basis of :data:`calculators.compare.BASES` (gross, ``net_*``,
  ``disposable_*``; first year, annualised, total, NPV), in the home currency.
* **BATNA** of an offer: the best *other* offer, or the current job (modelled
  as an offer in the home city, as :mod:`calculators.move` models staying put),
  on the same metric.
* **Counter**: :mod:`calculators.negotiation_counter`.
* **The ask** per company: walk-away, target and anchor (see :func:`ask`).
* **Target gap**, **impact value** and the **timeline** of deadlines.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from calculators.compare import Settings, checked_settings, metric, to_home
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.market import MarketStat, offer_market_tc
from calculators.move import MoveInputs, stay_offer
from calculators.negotiation_counter import (
    COUNTER_COMPONENTS,
    Counter,
    check_component,
    check_margin,
    solve_counter,
)
from calculators.net import default_tax_year
from calculators.offer import Offer

__all__ = [
    "COUNTER_COMPONENTS",
    "Counter",
    "Standing",
    "Ask",
    "TimelineEntry",
    "current_job",
    "prepare",
    "standings",
    "counter_offer",
    "target_gap",
    "impact_value",
    "ask",
    "timeline",
    "check_component",
    "check_margin",
]

CURRENT = "current job"


def current_job(move: MoveInputs | None) -> Offer | None:
    """The current job as an offer in the home city (``None`` without a current salary)."""
    if move is None or move.cost("current_base_salary") <= 0:
        return None
    return stay_offer(move, move.basket.city)


def prepare(offers: Sequence[Offer], settings: Settings) -> tuple[list[Offer], Settings]:
    """Offers plus the current job (if known) and settings with the tax year fixed.

    Fixing the tax year once (the latest every jurisdiction covers) makes every
    later evaluation, of one offer or of all, use the same rules.
    """
    s = checked_settings(settings)
    everyone = list(offers)
    stay = current_job(s.move)
    if stay is not None:
        everyone.append(stay)
    if s.tax_year is None:
        s = replace(s, tax_year=default_tax_year(everyone))
    return everyone, s


@dataclass(frozen=True)
class Standing:
    """One offer's value and its best alternative, in the home currency."""

    name: str
    value_home: float
    batna_home: float
    batna_name: str

    @property
    def lead(self) -> float:
        return self.value_home - self.batna_home


def standings(offers: Sequence[Offer], settings: Settings) -> tuple[list[Standing], Settings]:
    """Every offer's value and BATNA (the best other offer or the current job).

    >>> from calculators.fx import FxTable
    >>> fx = FxTable("JPY", {"JPY": 1.0})
    >>> mk = lambda n, b: Offer.from_fields({"company": n, "jurisdiction": "JP-TOKYO",
    ...                                      "currency": "JPY", "base_salary": b})
    >>> rows, _ = standings([mk("A", 15e6), mk("B", 14e6)], Settings(fx=fx))
    >>> [(r.name, r.batna_name, r.lead) for r in rows]
    [('A', 'B', 1000000.0), ('B', 'A', -1000000.0)]
    """
    everyone, s = prepare(offers, settings)
    if len(everyone) < 2:
        raise InvalidInputError("a BATNA needs a second offer or the current job (current_base_salary)")
    values = to_home(everyone, metric(everyone, s), s)
    names = [o.name if i < len(offers) else CURRENT for i, o in enumerate(everyone)]
    out = []
    for i in range(len(offers)):
        others = [j for j in range(len(everyone)) if j != i]
        best = max(others, key=lambda j: values[j])
        out.append(Standing(offers[i].name, float(values[i]), float(values[best]), names[best]))
    return out, s


def counter_offer(
    offers: Sequence[Offer],
    offer: Offer,
    component: str,
    settings: Settings,
    margin: float = 0.0,
    limit: float | None = None,
) -> Counter:
    """The smallest raise of ``component`` that makes ``offer`` beat its BATNA by ``margin``."""
    component = check_component(component)
    margin = check_margin(margin)
    rows, s = standings(offers, settings)
    row = next((r for r, o in zip(rows, offers, strict=True) if o is offer), None)
    if row is None:
        raise InvalidInputError("the offer to counter must be one of the offers compared")
    return solve_counter(offer, component, s, row.batna_home, row.batna_name, margin, limit)


def target_gap(
    offers: Sequence[Offer],
    target: float,
    settings: Settings,
) -> list[tuple[str, float, float, float]]:
    """Per offer: value, gap to the income target (value - target) and value / target.

    ``target`` is in the home currency on the same basis (a yearly basis for a
    yearly target).

    >>> from calculators.fx import FxTable
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "JP-TOKYO", "currency": "JPY",
    ...                        "base_salary": 15e6})
    >>> target_gap([o], 17e6, Settings(fx=FxTable("JPY", {"JPY": 1.0})))
    [('A', 15000000.0, -2000000.0, 0.8823529411764706)]
    """
    if (
        isinstance(target, bool)
        or not isinstance(target, (int, float))
        or not math.isfinite(target)
        or target <= 0
    ):
        raise InvalidInputError("target must be a positive number (home currency a year)")
    s = checked_settings(settings)
    values = to_home(offers, metric(offers, s), s)
    return [
        (o.name, float(v), float(v - target), float(v / target)) for o, v in zip(offers, values, strict=True)
    ]


def impact_value(
    volume: float, before: float, after: float, unit_value: float, higher_is_better: bool = False
) -> float:
    """Yearly business value of a measured improvement: ``volume x change x unit_value``.

    ``change`` is ``before - after`` (a latency, a battery drain, a cloud bill:
    lower is better) or ``after - before`` when ``higher_is_better``.  ``volume``
    is how often a year the improvement counts (requests, devices); ``unit_value``
    what one unit of change is worth each time.  A regression gives a negative value.

    >>> impact_value(1e9, 80, 15, 0.00001)  # 1e9 requests a year, 65 ms saved, 0.00001 per ms
    650000.0
    """
    for name, value in (("volume", volume), ("before", before), ("after", after), ("unit_value", unit_value)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidInputError(f"{name} must be a finite number")
    if volume < 0 or unit_value < 0:
        raise InvalidInputError("volume and unit_value must not be negative")
    change = (after - before) if higher_is_better else (before - after)
    return float(volume * change * unit_value)


@dataclass(frozen=True)
class Ask:
    """What to ask one company for, on the market's TC definition (offer currency).

    ``walk_away_home`` is on the negotiation basis in the home currency: the
    least the final offer must be worth (the user's walk-away, and never less
    than the BATNA).  ``counter`` reaches it plus the margin by raising base
    salary; ``target_tc`` and ``anchor_tc`` are never below the counter's TC.
    """

    offer: str
    currency: str
    offer_tc: float
    walk_away_home: float
    counter: Counter | None
    counter_note: str | None
    counter_tc: float
    market: MarketStat | None
    scarcity_premium: float
    target_tc: float
    anchor_tc: float

    def base_for(self, tc_value: float, offer: Offer) -> float:
        """The base salary that gives ``tc_value`` with the other components unchanged."""
        stock = offer_market_tc(offer) - offer.base_salary * (1.0 + offer.bonus_target * offer.bonus_payout)
        return (tc_value - stock) / (1.0 + offer.bonus_target * offer.bonus_payout)


def ask(
    offer: Offer,
    standing: Standing,
    settings: Settings,
    walk_away: float,
    market: MarketStat | None,
    scarcity_premium: float = 0.0,
    margin: float = 0.0,
) -> Ask:
    """Walk-away, target and anchor for one offer.

    * walk-away = max(user's walk-away, BATNA) on the basis (home currency);
    * counter = the smallest base-salary raise beating the walk-away by ``margin``;
    * target = max(counter TC, market p75 x (1 + scarcity premium));
    * anchor = max(target, market p90 x (1 + scarcity premium)).

    The premium is the user's own judgement of how rare their skills are (the
    upper band is justified by scarcity); without market data target = anchor =
    the counter.  ``settings`` must come from :func:`prepare`.
    """
    if not math.isfinite(scarcity_premium) or not 0 <= scarcity_premium <= 1:
        raise InvalidInputError("scarcity_premium must be a fraction from 0 to 1")
    floor = max(float(walk_away), standing.batna_home)
    name = standing.batna_name if floor == standing.batna_home else "walk-away"
    counter: Counter | None
    note = None
    try:
        counter = solve_counter(offer, "base_salary", settings, floor, name, margin)
        counter_tc = offer_market_tc(replace(offer, base_salary=counter.new_value))
    except NoSolutionError as exc:
        counter, note, counter_tc = None, str(exc), offer_market_tc(offer)
    up = 1.0 + scarcity_premium
    target = counter_tc
    anchor = counter_tc
    if market is not None:
        target = max(counter_tc, market.values["p75"] * up)
        anchor = max(target, market.values["p90"] * up)
    return Ask(
        offer.name,
        offer.currency,
        offer_market_tc(offer),
        floor,
        counter,
        note,
        counter_tc,
        market,
        scarcity_premium,
        target,
        anchor,
    )


@dataclass(frozen=True)
class TimelineEntry:
    name: str
    deadline: dt.date | None
    start_date: dt.date | None
    days_left: int | None
    flag: str | None


def _day(value: object, what: str) -> dt.date:
    """A calendar day (a datetime counts as its date); anything else is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise InvalidInputError(f"{what} must be a date (YYYY-MM-DD)")
    return value


def timeline(
    offers: Sequence[Offer],
    today: dt.date,
    expected: Sequence[tuple[str, dt.date]] = (),
) -> list[TimelineEntry]:
    """Deadlines and start dates on one line, earliest deadline first.

    An offer is flagged when it expires before a pending offer is expected
    (``expected``: name and date) or before another offer's deadline: the
    leverage of holding them at once is lost unless its deadline moves.
    """
    today = _day(today, "as_of")
    pending = sorted(((n, _day(d, "expected: the date")) for n, d in expected), key=lambda e: e[1])
    out = []
    for o in sorted(offers, key=lambda o: (o.deadline is None, o.deadline or dt.date.max)):
        flag = None
        if o.deadline is not None:
            later = [n for n, d in pending if d > o.deadline]
            others = [
                p.name for p in offers if p is not o and p.deadline is not None and p.deadline > o.deadline
            ]
            if later:
                flag = "expires before an expected offer arrives: ask to extend"
            elif others:
                flag = f"expires before {len(others)} other offer(s): ask to align deadlines"
        days = (o.deadline - today).days if o.deadline is not None else None
        out.append(TimelineEntry(o.name, o.deadline, o.start_date, days, flag))
    return out
