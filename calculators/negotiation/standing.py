"""Standings: each offer's value and its best alternative, the target gap, impact value.

* **Metric**: any basis of :data:`calculators.valuation.compare.BASES` (gross, ``net_*``,
  ``disposable_*``; first year, annualised, total, NPV), in the home currency.
* **BATNA** of an offer: the best *other* offer, or the current job (modelled
  as an offer in the home city, as :mod:`calculators.relocation.move` models staying put),
  on the same metric.
* **Counter** of one offer against its BATNA (:func:`counter_offer`, solved by
  :mod:`calculators.negotiation.counter`).
* **Target gap** and **impact value**.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from calculators.errors import InvalidInputError
from calculators.negotiation.checks import (
    check_component,
    check_margin,
    check_offers,
    check_settings,
    offer_index,
)
from calculators.negotiation.counter import Counter, solve_counter
from calculators.offer.model import Offer
from calculators.relocation.move import MoveInputs, stay_offer
from calculators.valuation.compare import Settings, checked_settings, metric, to_home
from calculators.valuation.net import default_tax_year

__all__ = [
    "CURRENT",
    "Standing",
    "current_job",
    "prepare",
    "standings",
    "counter_offer",
    "target_gap",
    "impact_value",
]

CURRENT = "current job"  # the BATNA's name when the current job is the best alternative


def current_job(move: MoveInputs | None) -> Offer | None:
    """The current job as an offer in the home city (``None`` without a current salary).

    Parameters
    ----------
    move : MoveInputs or None
        The relocation inputs, with ``current_base_salary``.

    Returns
    -------
    Offer or None
        The stay-put offer (:func:`calculators.relocation.move.stay_offer`).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.relocation.cost_of_living import Basket, canonical_city
    >>> m = MoveInputs(Basket(canonical_city("Tokyo"), {}), {"current_base_salary": 11e6})
    >>> current_job(m).name, current_job(None)
    ('stay', None)
    """
    if move is not None and not isinstance(move, MoveInputs):
        raise InvalidInputError("move must be the relocation inputs (move_inputs_from_rows)")
    if move is None or move.cost("current_base_salary") <= 0:
        return None
    return stay_offer(move, move.basket.city)


def prepare(offers: Sequence[Offer], settings: Settings) -> tuple[list[Offer], Settings]:
    """Offers plus the current job (if known) and settings with the tax year fixed.

    Fixing the tax year once (the latest every jurisdiction covers) makes every
    later evaluation, of one offer or of all, use the same rules.

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    settings : Settings
        The comparison settings.

    Returns
    -------
    list of Offer
        The offers, then the current job when one is known.
    Settings
        The checked settings with ``tax_year`` set.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.fx import FxTable
    >>> from calculators.relocation.cost_of_living import Basket, canonical_city
    >>> m = MoveInputs(Basket(canonical_city("Tokyo"), {}), {"current_base_salary": 11e6})
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "JP-TOKYO", "currency": "JPY",
    ...                        "base_salary": 15e6})
    >>> everyone, s = prepare([o], Settings(fx=FxTable("JPY", {"JPY": 1.0}), move=m))
    >>> [x.name for x in everyone], s.tax_year is not None
    (['A', 'stay'], True)
    """
    s = checked_settings(check_offers(offers), check_settings(settings))
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

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    settings : Settings
        The comparison settings (the ``move`` inputs give the current job).

    Returns
    -------
    list of Standing
        One per offer: its value and its BATNA's, in the home currency.
    Settings
        The settings used, tax year fixed.

    Raises
    ------
    InvalidInputError
        Fewer than two alternatives (offers and the current job together).

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> rows, _ = standings(TOKYO_OFFERS, JPY_SETTINGS)
    >>> [(r.name, r.batna_name, r.lead) for r in rows]
    [('A', 'B', 1000000.0), ('B', 'A', -1000000.0)]
    """
    offers = check_offers(offers)
    everyone, s = prepare(offers, settings)
    if len(everyone) < 2:
        raise InvalidInputError(
            "a BATNA needs a second offer or the current job's base (current_base_salary)",
            code="batna_needs_two",
        )
    values = to_home(metric(everyone, s), s)
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
    """The smallest raise of ``component`` that makes ``offer`` beat its BATNA by ``margin``.

    Parameters
    ----------
    offers : sequence of Offer
        Every offer compared.
    offer : Offer
        The offer to counter (one of ``offers``).
    component : str
        The component to raise (:data:`calculators.negotiation.counter.COUNTER_COMPONENTS`).
    settings : Settings
        The comparison settings.
    margin : float, optional
        How far, in the home currency, the countered offer must beat its BATNA.
    limit : float, optional
        The largest raise the solver tries; default its stated range.

    Returns
    -------
    Counter
        The raise, the new value of the component and the values before and after.

    Raises
    ------
    InvalidInputError
        An unknown component, a negative margin or an offer not among ``offers`` (named by
        its company).
    NoSolutionError
        No raise in range beats the BATNA.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> a, b = TOKYO_OFFERS
    >>> c = counter_offer([a, b], b, "base_salary", JPY_SETTINGS)
    >>> c.batna_name, c.increase, c.new_value
    ('A', 1000001.0, 15000001.0)
    """
    component = check_component(component)
    margin = check_margin(margin)
    offers = check_offers(offers)
    index = offer_index(offers, offer, "the offer to counter")
    rows, s = standings(offers, settings)
    row = rows[index]
    return solve_counter(offer, component, s, row.batna_home, row.batna_name, margin, limit)


def target_gap(
    offers: Sequence[Offer],
    target: float,
    settings: Settings,
) -> list[tuple[str, float, float, float]]:
    """Per offer: value, gap to the income target (value - target) and value / target.

    ``target`` is in the home currency on the same basis (a yearly basis for a
    yearly target).

    Parameters
    ----------
    offers : sequence of Offer
        The offers.
    target : float
        The income target, home currency, on the settings' basis.
    settings : Settings
        The comparison settings.

    Returns
    -------
    list of tuple of (str, float, float, float)
        Per offer: name, value, value minus target and value over target.

    Raises
    ------
    InvalidInputError
        A target that is not a positive number.

    References
    ----------
    None

    Examples
    --------
    >>> from calculators.examples import JPY_SETTINGS, TOKYO_OFFERS
    >>> o = TOKYO_OFFERS[0]
    >>> target_gap([o], 17e6, JPY_SETTINGS)
    [('A', 15000000.0, -2000000.0, 0.8823529411764706)]
    """
    if (
        isinstance(target, bool)
        or not isinstance(target, (int, float))
        or not math.isfinite(target)
        or target <= 0
    ):
        raise InvalidInputError("target must be a positive number (home currency a year)")
    offers = check_offers(offers)
    s = checked_settings(offers, check_settings(settings))
    values = to_home(metric(offers, s), s)
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

    Parameters
    ----------
    volume : float
        How often a year the improvement counts.
    before, after : float
        The measure before and after the improvement.
    unit_value : float
        What one unit of change is worth each time.
    higher_is_better : bool, optional
        Whether a higher measure is the improvement.

    Returns
    -------
    float
        Yearly value (negative for a regression).

    Raises
    ------
    InvalidInputError
        A value that is not a finite number, or a negative volume or unit value.

    References
    ----------
    None

    Examples
    --------
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
