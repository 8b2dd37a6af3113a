"""The ask you can say out loud: anchored on evidence, with the walk-away as your own number.

Per offer, on the market's TC definition in the offer's currency:

* **Evidence band.** With comparable market rows: from p75 to p90 of the band, each raised
  by your scarcity premium.  Without a usable band the only evidence is the offer itself and
  the offers you may cite: from the offer's TC raised by the premium to at most
  ``ask_credible_raise`` above it (``data/negotiation.yaml``).
* **Leverage** lifts the ask within the band: the TC at which this offer would match the
  strongest offer you may cite that *beats* it on the basis.
* **The ask** is the larger of the band's low end and that TC, never above the band's top;
  an offer already inside the band asks for the top, one already above it holds (the market
  backs no raise: ``ask_above_market``).  Rounded as a person says it
  (:func:`calculators.valuation.disclosure.spoken_amount`), never above the band's top.
* **What beating your best alternative takes** is the counter solver's base-salary raise
  (:mod:`calculators.negotiation.counter`), shown beside the ask, never as the ask.  When it
  is above the ask by more than your premium the offer **cannot win on base alone**
  (``cannot_win``): the advice names what could still move it, a sign-on or a larger grant on
  top of the ask (within ``move_sign_on_most`` / ``move_equity_most`` of the ask's base) or
  the next level's band, or says it is leverage only.
* **The walk-away** is yours, never replaced by the best alternative; both are given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from calculators import market
from calculators.defaults import in_force
from calculators.errors import InvalidInputError, NoSolutionError
from calculators.negotiation.checks import (
    check_finite,
    check_margin,
    check_offer,
    check_premium,
    check_settings,
    check_walk_away,
)
from calculators.negotiation.counter import Counter, solve_counter
from calculators.negotiation.notes import Note
from calculators.negotiation.standing import Standing
from calculators.offer.model import Offer
from calculators.params import DATA_DIR, load_parameters
from calculators.valuation.compare import Settings, metric, to_home
from calculators.valuation.disclosure import spoken_amount

__all__ = ["EVIDENCE", "MOVES", "Move", "Advice", "advise"]

_DATA = DATA_DIR / "negotiation.yaml"
EVIDENCE = ("market", "offer")  # what the ask rests on: the market band, or the offer alone
MOVES = ("sign_on", "equity", "level")  # what may still move an offer that cannot win on base
_TINY = 1e-9


@dataclass(frozen=True)
class Move:
    """One thing that could still make an offer win: its ``kind`` (:data:`MOVES`).

    ``amount`` is the extra sign-on or RSU grant on top of the ask (offer currency, rounded
    up); for ``level``, ``level`` names the level and ``low`` / ``high`` its band with the
    premium.
    """

    kind: str
    amount: float | None = None
    level: str | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Advice:
    """What to ask one company for, and what it rests on.

    Amounts ``*_tc``, ``ask_base``, ``low`` and ``high`` are on the market's TC definition in
    the offer's ``currency``; ``value_*``, ``walk_away`` and ``best_value`` on the basis in
    the home currency; ``rate`` is one unit of the offer's currency in the home currency.
    ``to_beat_tc`` is ``None`` when no base-salary raise beats the best alternative.
    """

    offer: str
    currency: str
    evidence: str
    can_win: bool
    offer_tc: float
    ask_tc: float
    ask_base: float
    low: float
    high: float
    leverage_tc: float | None
    to_beat_tc: float | None
    to_beat_raise: float | None
    value_home: float
    value_at_ask: float
    walk_away: float | None
    best_alternative: str
    best_value: float
    moves: tuple[Move, ...]
    notes: tuple[Note, ...]
    rate: float


def _setting(name: str) -> float:
    return float(in_force(load_parameters(_DATA)[name]))


def _parts(offer: Offer) -> tuple[float, float]:
    """The offer's yearly stock on the market definition, and base's multiplier (bonus)."""
    up = 1.0 + offer.bonus_target * offer.bonus_payout
    return market.offer_market_tc(offer) - offer.base_salary * up, up


def _said_ask(offer: Offer, want: float, low: float, cap: float) -> tuple[float, float]:
    """The ask's base and TC as said: each rounded to its step, to the nearest step unless
    that passes ``cap`` (then down) or falls below ``low`` while the next step up stays within
    ``cap`` (then up); the base never below the offer's."""
    stock, up = _parts(offer)

    def said(exact: float, tc_of: Callable[[float], float]) -> float:
        value = spoken_amount(exact, offer.currency)
        if tc_of(value) > cap * (1 + _TINY):
            value = spoken_amount(exact, offer.currency, "down")
        elif tc_of(value) < low * (1 - _TINY):
            higher = spoken_amount(exact, offer.currency, "up")
            value = higher if tc_of(higher) <= cap * (1 + _TINY) else value
        return value

    base = max(said((want - stock) / up, lambda b: stock + b * up), offer.base_salary)
    tc = stock + base * up
    total = said(tc, lambda v: v)
    if total < market.offer_market_tc(offer):  # rounded below the offer itself: say it exactly
        total = tc
    return base, total


def _value(offer: Offer, s: Settings) -> float:
    return float(to_home(metric([offer], s), s)[0])


def _solve(
    offer: Offer, component: str, s: Settings, target: float, name: str, margin: float
) -> Counter | None:
    try:
        return solve_counter(offer, component, s, target, name, margin)
    except NoSolutionError:
        return None


def _moves(
    offer: Offer,
    s: Settings,
    standing: Standing,
    margin: float,
    ask_base: float,
    to_beat: float | None,
    up: float,
    above: tuple[str, market.MarketStat] | None,
) -> tuple[Move, ...]:
    """What could still make an offer that cannot win on base alone win (on top of the ask)."""
    out = []
    at_ask = replace(offer, base_salary=ask_base)
    sign_on = _solve(at_ask, "sign_on", s, standing.batna_home, standing.batna_name, margin)
    if sign_on is not None and sign_on.increase <= _setting("move_sign_on_most") * ask_base:
        out.append(Move("sign_on", spoken_amount(sign_on.increase, offer.currency, "up")))
    grant = _solve(at_ask, "rsu_grant", s, standing.batna_home, standing.batna_name, margin)
    years = max(len(offer.rsu_schedule), 1)
    if grant is not None and grant.increase / years <= _setting("move_equity_most") * ask_base:
        out.append(Move("equity", spoken_amount(grant.increase, offer.currency, "up")))
    if above is not None and to_beat is not None:
        level, stat = above
        p75, p90 = stat.values.get("p75"), stat.values.get("p90")
        if p75 is not None and p90 is not None and to_beat <= p90 * up * (1 + _TINY):
            out.append(Move("level", None, level, p75 * up, p90 * up))
    return tuple(out)


def advise(
    offer: Offer,
    standing: Standing,
    settings: Settings,
    counter: Counter | None,
    walk_away: float | None = None,
    market_stat: market.MarketStat | None = None,
    scarcity_premium: float = 0.0,
    margin: float = 0.0,
    rival: tuple[str, float] | None = None,
    above: tuple[str, market.MarketStat] | None = None,
) -> Advice:
    """The ask for one offer, what beating the best alternative takes, and the walk-away.

    Parameters
    ----------
    offer : Offer
        The offer negotiated.
    standing : Standing
        Its value and best alternative (:func:`calculators.negotiation.standing.standings`).
    settings : Settings
        The settings ``standings`` returned (tax year fixed).
    counter : Counter or None
        The smallest base-salary raise beating the best alternative by ``margin``
        (:func:`calculators.negotiation.counter.solve_counter`); ``None``: none does.
    walk_away : float, optional
        Your walk-away, home currency, on the basis (``None``: you set none).
    market_stat : MarketStat, optional
        The band of the comparable market rows (``None``: no usable band).
    scarcity_premium : float, optional
        From 0 to 1: how far above the evidence your rare skills justify asking.
    margin : float, optional
        How far, in the home currency, beating the best alternative must go.
    rival : tuple of (str, float), optional
        The strongest offer you may cite that beats this one: its name and value (home
        currency, on the basis).
    above : tuple of (str, MarketStat), optional
        The next level up and its band (:func:`calculators.market.next_level`).

    Returns
    -------
    Advice
        The ask (rounded as said), the evidence band, what beating the best alternative
        takes, whether the offer can win, what could move it, your walk-away, and notes.

    Raises
    ------
    InvalidInputError
        An argument that is not what it must be (a premium outside 0 to 1, a negative
        walk-away or margin, a band without p75 and p90).

    References
    ----------
    The band method of :func:`calculators.market.band` (Excel's ``PERCENTILE.INC``); the
    assumptions ``ask_credible_raise``, ``move_sign_on_most`` and ``move_equity_most`` of
    ``calculators/data/negotiation.yaml`` and the steps of ``data/rounding.yaml``.

    Examples
    --------
    >>> from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
    >>> from calculators.negotiation.ask import market_band_for
    >>> from calculators.negotiation.standing import standings
    >>> offers = seattle_offers()
    >>> rows, s = standings(offers, USD_SETTINGS)
    >>> b, row = offers[1], rows[1]
    >>> counter = solve_counter(b, "base_salary", s, row.batna_home, row.batna_name)
    >>> band = market_band_for(b, SEATTLE_L5_MARKET, s, "L5")
    >>> a = advise(b, row, s, counter, 150e3, band, rival=("A", rows[0].value_home))
    >>> a.ask_tc, a.low, a.high, a.to_beat_tc, a.can_win, a.walk_away
    (293000.0, 292500.0, 310000.0, 201000.0, True, 150000.0)
    """
    check_offer(offer)
    if not isinstance(standing, Standing):
        raise InvalidInputError("standing must be the offer's Standing (standings)")
    s = check_settings(settings)
    if counter is not None and not isinstance(counter, Counter):
        raise InvalidInputError("counter must be the offer's base-salary Counter (solve_counter) or None")
    walk = check_walk_away(walk_away)
    premium = check_premium(scarcity_premium)
    margin = check_margin(margin)
    up = 1.0 + premium
    offer_tc = market.offer_market_tc(offer)
    notes: list[Note] = []
    if market_stat is not None:
        values = market_stat.values if isinstance(market_stat, market.MarketStat) else {}
        try:
            p75 = check_finite(values.get("p75"), "market_stat p75")
            p90 = check_finite(values.get("p90"), "market_stat p90")
        except InvalidInputError:
            raise InvalidInputError("market_stat must be a market band with p75 and p90") from None
        evidence, low, high = "market", p75 * up, p90 * up
    else:
        evidence, low = "offer", offer_tc * up
        high = max(low, offer_tc * (1.0 + _setting("ask_credible_raise")))
    leverage_tc = None
    if rival is not None:
        name, value = rival[0], check_finite(rival[1], "rival value")
        matched = _solve(offer, "base_salary", s, value, str(name), 0.0)
        leverage_tc = (
            high if matched is None else market.offer_market_tc(replace(offer, base_salary=matched.new_value))
        )
    want = min(high, low if leverage_tc is None else max(low, leverage_tc))
    held = False
    if want <= offer_tc * (1 + _TINY):
        if evidence == "market" and offer_tc < high:
            want = high
        else:
            held = True
    if held:
        ask_base, ask_tc = offer.base_salary, offer_tc
        notes.append(Note("ask_above_market") if evidence == "market" else Note("ask_no_evidence"))
    else:
        ask_base, ask_tc = _said_ask(offer, want, low, high)
    to_beat_tc = to_beat_raise = None
    exact_to_beat = None
    if counter is not None:
        exact_to_beat = market.offer_market_tc(replace(offer, base_salary=counter.new_value))
        to_beat_tc = (
            max(spoken_amount(exact_to_beat, offer.currency, "up"), offer_tc)
            if counter.increase
            else offer_tc
        )
        to_beat_raise = counter.increase
    can_win = exact_to_beat is not None and exact_to_beat <= ask_tc * up * (1 + _TINY)
    moves: tuple[Move, ...] = ()
    ccy = offer.currency
    if not can_win:
        if to_beat_tc is None:
            notes.append(Note("cannot_win_unreachable", {"ask": ask_tc, "currency": ccy}))
        else:
            notes.append(Note("cannot_win", {"to_beat": to_beat_tc, "ask": ask_tc, "currency": ccy}))
        moves = _moves(offer, s, standing, margin, ask_base, exact_to_beat, up, above)
        for m in moves:
            if m.kind == "level":
                notes.append(
                    Note("move_level", {"level": m.level, "low": m.low, "high": m.high, "currency": ccy})
                )
            elif m.kind == "sign_on":
                notes.append(Note("move_sign_on", {"amount": m.amount, "currency": ccy}))
            else:  # an offer without RSUs (a start-up's options only) is asked for a first grant
                code = "move_equity" if offer.rsu_grant > 0 else "move_equity_new"
                notes.append(Note(code, {"amount": m.amount, "currency": ccy}))
        if not moves:
            notes.append(Note("leverage_only"))
    elif exact_to_beat is not None and exact_to_beat > ask_tc * (1 + _TINY):
        notes.append(Note("ask_stretch", {"to_beat": to_beat_tc, "currency": ccy}))
    value_at_ask = standing.value_home if held else _value(replace(offer, base_salary=ask_base), s)
    home = s.home_currency or offer.currency
    if walk is None:
        notes.append(Note("walk_away_not_set"))
    elif value_at_ask < walk:
        notes.append(Note("below_walk_away", {"value": value_at_ask, "walk_away": walk, "home": home}))
    rate = float(s.table().convert(1.0, offer.currency, home))
    if not math.isfinite(rate):
        where = f"offer {offer.name}"
        raise InvalidInputError(
            f"{where}: a result is out of range; check the sizes of the amounts and FX rates",
            code="result_out_of_range",
            params={"where": where},
        )
    return Advice(
        offer.name,
        offer.currency,
        evidence,
        can_win,
        offer_tc,
        ask_tc,
        ask_base,
        low,
        high,
        leverage_tc,
        to_beat_tc,
        to_beat_raise,
        standing.value_home,
        value_at_ask,
        walk,
        standing.batna_name,
        standing.batna_home,
        moves,
        tuple(notes),
        rate,
    )
