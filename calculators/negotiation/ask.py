"""The ask per company: walk-away, counter, target and anchor, against the market band.

* The **floor** is the larger of the user's walk-away and the offer's BATNA (no
  walk-away given: the BATNA).
* The **market** the offer is compared with is the offer's own city (or a
  location the user names), on the user's level, in the offer's currency.
* The **counter** is the smallest base-salary raise beating the floor by the
  margin (:func:`calculators.negotiation.counter.solve_counter`); target and
  anchor read the market's p75 and p90 raised by the scarcity premium.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from calculators import market
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.negotiation.checks import (
    check_day,
    check_finite,
    check_margin,
    check_offer,
    check_offers,
    check_premium,
    check_rows,
    check_settings,
    check_walk_away,
    offer_index,
)
from calculators.negotiation.counter import Counter, solve_counter
from calculators.negotiation.notes import Note, note_of
from calculators.negotiation.standing import Standing, standings
from calculators.offer.model import Offer
from calculators.relocation.cost_of_living import canonical_city
from calculators.valuation.compare import Settings

__all__ = [
    "ASK_MEASURES",
    "Ask",
    "ask",
    "ask_for",
    "market_city",
    "market_band_for",
    "has_market_rows",
]

ASK_MEASURES = (
    "floor",
    "counter_base_raise",
    "offer_tc",
    "counter_tc",
    "p75",
    "p90",
    "target_tc",
    "anchor_tc",
    "target_base",
    "anchor_base",
    "n",
)


@dataclass(frozen=True)
class Ask:
    """What to ask one company for, on the market's TC definition (offer currency).

    ``floor_home`` is on the negotiation basis in the home currency: the
    least the final offer must be worth to beat both the user's walk-away and
    the BATNA (the larger of the two; the walk-away itself is the user's, see
    :mod:`calculators.negotiation.advice`).  ``counter`` reaches it plus the margin by raising base
    salary (``None``: no raise of base salary can, ``counter_note`` says why);
    ``target_tc`` and ``anchor_tc`` are never below the counter's TC.
    """

    offer: str
    currency: str
    offer_tc: float
    floor_home: float
    counter: Counter | None
    counter_note: Note | None
    counter_tc: float
    market: market.MarketStat | None
    scarcity_premium: float
    target_tc: float
    anchor_tc: float

    def base_for(self, tc_value: float, offer: Offer) -> float:
        """The base salary that gives ``tc_value`` with the other components unchanged.

        Parameters
        ----------
        tc_value : float
            A TC on the market's definition, in the offer's currency.
        offer : Offer
            The offer whose bonus and stock stay as they are.

        Returns
        -------
        float
            The base salary.

        References
        ----------
        None

        Examples
        --------
        >>> from calculators.examples import USD_SETTINGS, seattle_offers
        >>> offers = seattle_offers({"bonus_target": 0.1})
        >>> a = ask_for(offers, offers[1], USD_SETTINGS, None)
        >>> round(a.base_for(220e3, offers[1]), 2)
        200000.0
        """
        tc_value = check_finite(tc_value, "tc_value")
        stock = market.offer_market_tc(check_offer(offer)) - offer.base_salary * (
            1.0 + offer.bonus_target * offer.bonus_payout
        )
        return (tc_value - stock) / (1.0 + offer.bonus_target * offer.bonus_payout)

    def measures(self, offer: Offer) -> dict[str, Any]:
        """The ask's numbers by name, in the order of :data:`ASK_MEASURES`.

        Parameters
        ----------
        offer : Offer
            The offer the ask is for.

        Returns
        -------
        dict of str to object
            Walk-away, counter raise, TCs, market p75 / p90, target and anchor bases and the
            sample size (``None`` where there is no value).

        References
        ----------
        None

        Examples
        --------
        >>> from calculators.examples import USD_SETTINGS, seattle_offers
        >>> offers = seattle_offers()
        >>> a = ask_for(offers, offers[1], USD_SETTINGS, None)
        >>> m = a.measures(offers[1])
        >>> list(m) == list(ASK_MEASURES), m["counter_base_raise"], m["p75"], m["n"]
        (True, 20001.0, None, 0)
        """
        check_offer(offer)
        values = self.market.values if self.market is not None else {}
        out = {
            "floor": self.floor_home,
            "counter_base_raise": self.counter.increase if self.counter is not None else None,
            "offer_tc": self.offer_tc,
            "counter_tc": self.counter_tc,
            "p75": values.get("p75"),
            "p90": values.get("p90"),
            "target_tc": self.target_tc,
            "anchor_tc": self.anchor_tc,
            "target_base": self.base_for(self.target_tc, offer),
            "anchor_base": self.base_for(self.anchor_tc, offer),
            "n": self.market.n if self.market is not None else 0,
        }
        return {k: out[k] for k in ASK_MEASURES}


def ask(
    offer: Offer,
    standing: Standing,
    settings: Settings,
    walk_away: float,
    market_stat: market.MarketStat | None,
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
    the counter.  ``settings`` must come from
    :func:`calculators.negotiation.standing.prepare`.

    Parameters
    ----------
    offer : Offer
        The offer.
    standing : Standing
        Its value and BATNA (:func:`calculators.negotiation.standing.standings`).
    settings : Settings
        The settings ``standings`` returned.
    walk_away : float or None
        The user's walk-away, home currency, on the basis (``None``: the BATNA is the floor).
    market_stat : MarketStat or None
        The market band for the offer (:func:`market_band_for`).
    scarcity_premium : float, optional
        From 0 to 1: how far above the band scarce skills justify asking.
    margin : float, optional
        How far, in the home currency, the counter must beat the floor.

    Returns
    -------
    Ask
        Walk-away, counter, target and anchor, TCs in the offer's currency.

    Raises
    ------
    InvalidInputError
        A scarcity premium outside 0 to 1; a walk-away or margin that is not a finite number,
        0 or more; a market band without p75 and p90; an argument of the wrong kind.

    References
    ----------
    The band method of :func:`calculators.market.band` (Excel's ``PERCENTILE.INC``).

    Examples
    --------
    >>> from calculators.examples import USD_SETTINGS, seattle_offers
    >>> offers = seattle_offers()
    >>> rows, s = standings(offers, USD_SETTINGS)
    >>> a = ask(offers[1], rows[1], s, 0.0, None)
    >>> a.floor_home, a.counter_tc, a.target_tc == a.anchor_tc == a.counter_tc
    (200000.0, 200001.0, True)
    """
    check_offer(offer)
    if not isinstance(standing, Standing):
        raise InvalidInputError("standing must be the offer's Standing (standings)")
    check_settings(settings)
    scarcity_premium = check_premium(scarcity_premium)
    margin = check_margin(margin)
    walk = check_walk_away(walk_away)
    band = _band_values(market_stat)
    floor = standing.batna_home if walk is None else max(walk, standing.batna_home)
    name = standing.batna_name if floor == standing.batna_home else "walk-away"
    counter: Counter | None
    note = None
    try:
        counter = solve_counter(offer, "base_salary", settings, floor, name, margin)
        counter_tc = market.offer_market_tc(replace(offer, base_salary=counter.new_value))
    except NoSolutionError as exc:
        counter, note, counter_tc = None, note_of(exc), market.offer_market_tc(offer)
    up = 1.0 + scarcity_premium
    target = counter_tc
    anchor = counter_tc
    if band is not None:
        target = max(counter_tc, band[0] * up)
        anchor = max(target, band[1] * up)
    return Ask(
        offer.name,
        offer.currency,
        market.offer_market_tc(offer),
        floor,
        counter,
        note,
        counter_tc,
        market_stat,
        scarcity_premium,
        target,
        anchor,
    )


def _band_values(stat: object) -> tuple[float, float] | None:
    """The band's p75 and p90, or ``None`` without a band; one line for anything else."""
    if stat is None:
        return None
    wrong = InvalidInputError("market_stat must be a market band with p75 and p90 (market_band_for)")
    values = getattr(stat, "values", None) if isinstance(stat, market.MarketStat) else None
    if not isinstance(values, dict):
        raise wrong
    try:
        return check_finite(values.get("p75"), "market_stat p75"), check_finite(
            values.get("p90"), "market_stat p90"
        )
    except InvalidInputError:
        raise wrong from None


def market_city(offer: Offer, location: str | None = None) -> str:
    """The market location an offer is compared with: ``location``, else the offer's city.

    Parameters
    ----------
    offer : Offer
        The offer.
    location : str, optional
        The location the user names.

    Returns
    -------
    str
        The market location.

    References
    ----------
    None

    Examples
    --------
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "US-WA", "currency": "USD",
    ...                        "base_salary": 2e5})
    >>> market_city(o), market_city(o, "Bellevue")
    ('Seattle', 'Bellevue')
    """
    check_offer(offer)
    if location is not None and not isinstance(location, str):
        raise InvalidInputError("location must be text (a market location)")
    return location or canonical_city(offer.jurisdiction).name


def has_market_rows(rows: Sequence[Sequence[Any]] | None) -> bool:
    """Whether a market table holds any non-blank row under its header.

    Parameters
    ----------
    rows : sequence of sequence or None
        A market range, header row first.

    Returns
    -------
    bool
        Whether any row under the header holds a value.

    References
    ----------
    None

    Examples
    --------
    >>> has_market_rows([["location", "total"], ["Seattle", 250_000]])
    True
    >>> has_market_rows([["location", "total"], [None, ""]]), has_market_rows(None)
    (False, False)
    """

    def blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    table = check_rows(rows)
    return bool(table) and any(not all(blank(c) for c in row) for row in (table or [])[1:])


def market_band_for(
    offer: Offer,
    rows: Sequence[Sequence[Any]] | None,
    settings: Settings,
    level: str | None = None,
    location: str | None = None,
    as_of: dt.date | None = None,
) -> market.MarketStat | None:
    """The band of the market rows comparable with ``offer`` (``None``: no rows).

    Rows are stated in the offer's currency (converted with the settings' FX
    table) and kept when they are in :func:`market_city` at ``level``.

    Parameters
    ----------
    offer : Offer
        The offer.
    rows : sequence of sequence or None
        A market range, header row first.
    settings : Settings
        Its FX table converts rows in other currencies.
    level : str, optional
        The user's level (``L5`` …); blank keeps every level.
    location : str, optional
        The market location; default the offer's city.
    as_of : datetime.date, optional
        The day staleness warnings are measured from.

    Returns
    -------
    MarketStat or None
        The band (p25, p50, p75, p90), or ``None`` without market rows.

    Raises
    ------
    InvalidInputError
        Rows that are not rows of cells, an ``as_of`` that is not a date, and the market
        table's own refusals (:func:`calculators.market.market_from_rows`).

    References
    ----------
    The band method of :func:`calculators.market.band` (Excel's ``PERCENTILE.INC``).

    Examples
    --------
    >>> from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
    >>> o = seattle_offers()[1]
    >>> band = market_band_for(o, SEATTLE_L5_MARKET, USD_SETTINGS, "L5")
    >>> band.values["p75"], band.n
    (292500.0, 6)
    """
    check_offer(offer)
    check_settings(settings)
    as_of = None if as_of is None else check_day(as_of, "as_of")
    if not has_market_rows(rows):
        return None  # no market rows: the ask rests on the alternatives alone
    data = market.market_from_rows(list(rows or []), offer.currency, settings.table())
    filters = market.Filters(location=market_city(offer, location), level=level)
    return market.band(data, filters, as_of=as_of)


def ask_for(
    offers: Sequence[Offer],
    offer: Offer,
    settings: Settings,
    market_rows: Sequence[Sequence[Any]] | None,
    walk_away: float | None = None,
    scarcity_premium: float = 0.0,
    margin: float = 0.0,
    level: str | None = None,
    location: str | None = None,
    as_of: dt.date | None = None,
    known: tuple[Sequence[Standing], Settings] | None = None,
) -> Ask:
    """The ask for ``offer`` among ``offers``: its standing, the floor, the market band.

    ``walk_away`` ``None`` makes the BATNA the floor.  ``known`` is what
    :func:`~calculators.negotiation.standing.standings` gave for these offers and
    settings, when already computed.

    Parameters
    ----------
    offers : sequence of Offer
        Every offer compared.
    offer : Offer
        The offer to ask about (one of ``offers``).
    settings : Settings
        The comparison settings.
    market_rows : sequence of sequence or None
        A market range, header row first.
    walk_away : float, optional
        The user's walk-away, home currency; default the BATNA.
    scarcity_premium : float, optional
        From 0 to 1: how far above the band scarce skills justify asking.
    margin : float, optional
        How far, in the home currency, the counter must beat the floor.
    level : str, optional
        The user's level in the market rows.
    location : str, optional
        The market location; default the offer's city.
    as_of : datetime.date, optional
        The day staleness warnings are measured from.
    known : tuple of (sequence of Standing, Settings), optional
        The standings already computed for these offers and settings.

    Returns
    -------
    Ask
        The ask for ``offer``.

    Raises
    ------
    InvalidInputError
        An offer not among ``offers`` (named by its company), a walk-away that is not a
        finite number, 0 or more, and the refusals of :func:`ask` and :func:`market_band_for`.

    References
    ----------
    The band method of :func:`calculators.market.band` (Excel's ``PERCENTILE.INC``).

    Examples
    --------
    >>> from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
    >>> offers = seattle_offers()
    >>> a = ask_for(offers, offers[1], USD_SETTINGS, SEATTLE_L5_MARKET, level="L5")
    >>> a.counter.increase, a.target_tc, a.anchor_tc
    (20001.0, 292500.0, 310000.0)
    """
    offers = check_offers(offers)
    index = offer_index(offers, offer, "the offer to ask about")
    walk = check_walk_away(walk_away)
    if known is None:
        rows, s = standings(offers, settings)
    else:
        wrong = InvalidInputError("known must be what standings gave for these offers")
        if not isinstance(known, tuple) or len(known) != 2 or not isinstance(known[1], Settings):
            raise wrong
        rows, s = list(known[0]), known[1]
        if len(rows) != len(offers) or not all(isinstance(r, Standing) for r in rows):
            raise wrong
    row = rows[index]
    floor = row.batna_home if walk is None else walk
    stat = market_band_for(offer, market_rows, s, level, location, as_of)
    return ask(offer, row, s, floor, stat, scarcity_premium, margin)
