"""The night-before brief as data: per company, market position, standing, leverage,
counters and the ask; the impact ledger and the timeline.

The ask a person can say (:mod:`calculators.negotiation.advice`: anchored on the market band,
your premium and the offers that beat this one, rounded; what beating your best alternative
takes beside it; your own walk-away) is each company's ``advice``; ``ask`` keeps the
measures of the function ``NEGOTIATION_ASK`` (:mod:`calculators.negotiation.ask`).  Only
offers that beat the one negotiated are cited against it, strongest first, each with its TC
in the negotiating company's currency.

:func:`negotiation_brief` takes plain inputs (the offers, the comparison
settings with their FX table, the :class:`Strategy` and the market rows) and
returns frozen dataclasses of numbers, names and :class:`~calculators.negotiation.notes.Note`
records (a message code and its parameters): what the brief says, decided here,
never the sentences it is said in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from calculators import market
from calculators.errors import InvalidInputError, NegotiationError, NoSolutionError
from calculators.negotiation.advice import Advice, advise
from calculators.negotiation.ask import ask, has_market_rows, market_city
from calculators.negotiation.checks import (
    COUNTER_COMPONENTS,
    check_day,
    check_finite,
    check_margin,
    check_offers,
    check_rows,
    check_settings,
    check_walk_away,
)
from calculators.negotiation.counter import Counter, solve_many
from calculators.negotiation.notes import Note, note_of
from calculators.negotiation.standing import impact_value, standings
from calculators.negotiation.timeline import TimelineEntry, timeline
from calculators.offer.model import Offer, check_amount
from calculators.tax import get_jurisdiction
from calculators.tax.equity_regimes import PARTS, regimes_in_effect
from calculators.tax.jurisdictions.jp_social import RSU_OPTION, RSU_TREATMENTS
from calculators.valuation.compare import Settings, metric, to_home
from calculators.valuation.disclosure import spoken_amount
from calculators.valuation.equivalent import MakeWhole, make_whole
from calculators.valuation.forfeit import CurrentJob, Forfeited
from calculators.valuation.start import BestStart, best_start

__all__ = [
    "CITE_CHOICES",
    "Strategy",
    "ImpactItem",
    "ImpactResult",
    "Cited",
    "MarketSource",
    "CompanyBrief",
    "Brief",
    "negotiation_brief",
]

CITE_CHOICES = ("name", "figures", "none")  # how another offer may be cited: named, figures only, not


@dataclass(frozen=True)
class ImpactItem:
    """One line of the impact ledger; ``text`` carries the user's own words through
    (unit, talking points by language) untouched."""

    item: str
    volume: float
    before: float
    after: float
    unit_value: float
    higher_is_better: bool = False
    text: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Strategy:
    """The user's negotiation inputs (home currency on the settings' basis).

    ``walk_away`` ``None``: the BATNA is the floor; ``leverage`` maps an offer's
    name to one of :data:`CITE_CHOICES` (missing: ``none``); ``expected``: offers
    still to come, name and date; ``market_level`` filters the market rows;
    ``forfeited`` what leaving the current job gives up
    (:func:`calculators.valuation.forfeit.forfeited`), which every offer's
    make-whole sign-on replaces; ``current_job`` the job left, against which each offer's
    best start day is weighed (:func:`calculators.valuation.start.best_start`).
    """

    as_of: dt.date
    target: float = 0.0
    walk_away: float | None = None
    margin: float = 0.0
    scarcity_premium: float = 0.0
    market_level: str | None = None
    leverage: Mapping[str, str] = field(default_factory=dict)
    impact: tuple[ImpactItem, ...] = ()
    expected: tuple[tuple[str, dt.date], ...] = ()
    forfeited: Forfeited | None = None  # what leaving the current job gives up (None: no job)
    current_job: CurrentJob | None = None  # the job left: each offer's best start is weighed on it


@dataclass(frozen=True)
class ImpactResult:
    """A ledger line with its yearly value in the home currency."""

    item: str
    volume: float
    before: float
    after: float
    unit_value: float
    higher_is_better: bool
    value: float
    text: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cited:
    """Another offer cited as leverage: ``label`` its company, ``None`` for figures only.

    Named, ``currency`` and ``market_tc`` are the other offer's own and ``name`` its column;
    ``amount`` is that TC in the currency of the company negotiated with (``amount_currency``),
    rounded as said.  Figures only, nothing names the other offer: ``name`` is blank and
    ``currency`` / ``market_tc`` are ``amount_currency`` / ``amount``.
    """

    label: str | None
    currency: str
    market_tc: float
    value_home: float
    name: str = ""
    amount: float = 0.0
    amount_currency: str = ""


@dataclass(frozen=True)
class MarketSource:
    """What the market table holds: ``n`` data rows, ``synthetic`` of them marked so in their
    source, the most recent row date (``newest``)."""

    n: int
    synthetic: int
    newest: dt.date | None


@dataclass(frozen=True)
class CompanyBrief:
    """One company's page.

    Market figures are in the offer's currency on the market's TC definition,
    standing values in the home currency on the basis.  ``counters`` holds the
    raise per component (:data:`~calculators.negotiation.counter.COUNTER_COMPONENTS`;
    ``None`` where none can win, ``unreachable`` says why); ``ask`` the measures of
    :data:`~calculators.negotiation.ask.ASK_MEASURES`, empty when ``ask_error``.
    """

    name: str
    company: str
    currency: str
    city: str
    market_tc: float
    percentile: float | None
    market_n: int
    band: dict[str, float]
    market_notes: tuple[Note, ...]  # warnings on the band, or (no band) why there is none
    value_home: float
    batna_home: float
    batna_name: str
    leverage: tuple[Cited, ...]
    counters: dict[str, float | None]
    unreachable: dict[str, Note]
    ask: dict[str, float | None]
    ask_note: Note | None  # why no base-salary raise reaches the floor
    ask_error: Note | None
    deadline: dt.date | None
    flag: Note | None
    advice: Advice | None = None  # the ask as said, what beating the alternative takes, walk-away
    level: str | None = None  # the market level compared with (None: every level)
    band_stat: market.MarketStat | None = None  # the band with its method, dates and warnings
    # the extra sign-on (gross, offer currency) that nets what leaving forfeits, or why none
    make_whole: MakeWhole | None = None
    make_whole_note: Note | None = None
    # the best day to start over the next twelve months against the current job, or why none
    start: BestStart | None = None
    start_note: Note | None = None
    transfer: bool = False  # the offer is the current job moved: its grants keep vesting


@dataclass(frozen=True)
class Brief:
    """The whole brief.  ``walk_away`` is 0 when the user set none (``walk_away_set``);
    ``notes`` are about the market data as a whole (synthetic, none)."""

    basis: str
    home_currency: str
    as_of: dt.date
    target: float
    walk_away: float
    margin: float
    scarcity_premium: float
    companies: tuple[CompanyBrief, ...]
    impact: tuple[ImpactResult, ...]
    timeline: tuple[TimelineEntry, ...]
    years: int | None = None  # the horizon the basis is valued over
    walk_away_set: bool = True
    market: MarketSource = MarketSource(0, 0, None)
    notes: tuple[Note, ...] = ()
    forfeited: Forfeited | None = None  # what leaving the current job gives up, if anything
    # the net bases on the calendar from this day (Settings.as_of); None: each offer year a tax year
    calendar: dt.date | None = None


@dataclass(frozen=True)
class _Position:
    city: str
    tc: float
    band: market.MarketStat | None
    percentile: float | None
    notes: tuple[Note, ...]
    refused: InvalidInputError | None
    above: tuple[str, market.MarketStat] | None  # the next level up and its band


def _position(
    offer: Offer,
    rows: Sequence[Sequence[Any]],
    s: Settings,
    level: str | None,
    as_of: dt.date,
    tables: dict[str, market.MarketData | InvalidInputError],
) -> _Position:
    """The offer's city, market TC, band and percentile there (each computed once), the
    band's warnings, or the refusal that left it without, and the next level's band
    (``tables``: the market rows read once per currency)."""
    city = market_city(offer)
    tc = market.offer_market_tc(offer)
    filters = market.Filters(location=city, level=level)
    if offer.currency not in tables:
        try:
            tables[offer.currency] = market.market_from_rows(list(rows), offer.currency, s.table())
        except InvalidInputError as exc:
            tables[offer.currency] = exc
    try:
        data = tables[offer.currency]
        if isinstance(data, InvalidInputError):
            raise data
        pct = market.percentile_of(tc, data, filters, as_of)
        band = market.band(data, filters, as_of=as_of)
    except InvalidInputError as exc:
        return _Position(city, tc, None, None, (note_of(exc),), exc, None)
    above = market.next_level(data, filters, as_of)
    return _Position(city, tc, band, pct.values["percentile"], band.warnings, None, above)


def _source(
    rows: Sequence[Sequence[Any]], s: Settings, tables: dict[str, market.MarketData | InvalidInputError]
) -> MarketSource:
    """What the market table holds (rows, synthetic rows, newest date), read once more only
    when no offer's currency could read it."""
    if not has_market_rows(rows):
        return MarketSource(0, 0, None)
    data = next((t for t in tables.values() if isinstance(t, market.MarketData)), None)
    if data is None:
        try:
            data = market.market_from_rows(list(rows), s.home_currency, s.table())
        except InvalidInputError:
            return MarketSource(0, 0, None)
    return MarketSource(len(data), int(data.synthetic.sum()), data.newest)


def _cited(
    offer: Offer,
    offers: Sequence[Offer],
    values: dict[str, float],
    choices: Mapping[str, str],
    s: Settings,
) -> tuple[Cited, ...]:
    """The offers that may be cited against ``offer`` and beat it on the basis, strongest
    first, each TC also in ``offer``'s currency (rounded as said)."""
    mine = values[offer.name]
    stronger = [
        o
        for o in offers
        if o is not offer and choices.get(o.name, "none") != "none" and values[o.name] > mine
    ]
    stronger.sort(key=lambda o: values[o.name], reverse=True)
    out = []
    for other in stronger:
        tc = market.offer_market_tc(other)
        amount = float(s.table().convert(tc, other.currency, offer.currency))
        _finite(amount, f"offer {other.name}")
        said = spoken_amount(amount, offer.currency)
        if choices.get(other.name) == "name":
            out.append(
                Cited(other.company, other.currency, tc, values[other.name], other.name, said, offer.currency)
            )
        else:  # figures only: nothing of it names the other offer, not even its currency
            out.append(Cited(None, offer.currency, said, values[other.name], "", said, offer.currency))
    return tuple(out)


def _strategy(strategy: object) -> Strategy:
    """The strategy with its numbers and choices checked once, before any offer is valued."""
    if not isinstance(strategy, Strategy):
        raise InvalidInputError("strategy must be a negotiation Strategy")
    check_day(strategy.as_of, "Strategy as_of")
    target = check_finite(strategy.target, "Strategy target")
    if target < 0:
        raise InvalidInputError("Strategy target must be a finite number, 0 or more")
    check_walk_away(strategy.walk_away)
    check_margin(strategy.margin)
    if strategy.forfeited is not None and not isinstance(strategy.forfeited, Forfeited):
        raise InvalidInputError("Strategy forfeited must be what leaving forfeits (Forfeited)")
    if strategy.current_job is not None and not isinstance(strategy.current_job, CurrentJob):
        raise InvalidInputError("Strategy current_job must be the job you would leave (CurrentJob)")
    if strategy.market_level is not None and not isinstance(strategy.market_level, str):
        raise InvalidInputError("Strategy market_level must be text (L5, ...)")
    cite = InvalidInputError("leverage: cite as must be " + ", ".join(CITE_CHOICES), code="cite_choice")
    if not isinstance(strategy.leverage, Mapping):
        raise cite
    if isinstance(strategy.impact, (str, bytes)) or not isinstance(strategy.impact, Sequence):
        raise InvalidInputError("Strategy impact must be a list of impact items")
    for k, e in enumerate(strategy.impact, start=1):
        if not isinstance(e, ImpactItem):
            raise InvalidInputError(
                f"impact ledger, item {k}: not an impact item", code="impact_item", params={"index": k}
            )
    return strategy


def _impact(items: Sequence[ImpactItem]) -> tuple[ImpactResult, ...]:
    out = []
    for k, e in enumerate(items, start=1):
        try:
            value = check_amount(
                "value", impact_value(e.volume, e.before, e.after, e.unit_value, e.higher_is_better)
            )
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"impact ledger, item {k}: {exc}", code="impact_item", params={"index": k}
            ) from None
        out.append(
            ImpactResult(
                e.item, e.volume, e.before, e.after, e.unit_value, e.higher_is_better, value, dict(e.text)
            )
        )
    return tuple(out)


def negotiation_brief(
    offers: Sequence[Offer],
    settings: Settings,
    strategy: Strategy,
    market_rows: Sequence[Sequence[Any]],
) -> Brief:
    """Every number of the brief, and what it cites and warns of, as data.

    Per offer: its market TC, percentile and band among the market rows of its
    city at the strategy's level; its value and BATNA; the other offers it may
    cite (by the strategy's leverage choices); the smallest raise of each
    component that beats the BATNA by the margin; the ask
    (:func:`~calculators.negotiation.ask.ask_for`); its deadline and flag.
    A result that is not a finite number is refused, naming the offer.

    Parameters
    ----------
    offers : sequence of Offer
        The offers held.
    settings : Settings
        The comparison settings (basis, horizon, home currency, FX, relocation inputs).
    strategy : Strategy
        The user's target, walk-away, margin, scarcity premium, level, leverage choices,
        impact ledger and expected offers.
    market_rows : sequence of sequence
        The market range, header row first.

    Returns
    -------
    Brief
        The settings used, one :class:`CompanyBrief` per offer, the impact ledger and the
        timeline.

    Raises
    ------
    InvalidInputError
        An unknown leverage choice, or a result that is not a finite number.

    References
    ----------
    The band and percentile methods of :mod:`calculators.market` (Excel's ``PERCENTILE.INC``
    and ``PERCENTRANK.INC``).

    Examples
    --------
    >>> from calculators.examples import SEATTLE_L5_MARKET, USD_SETTINGS, seattle_offers
    >>> offers = seattle_offers()
    >>> strategy = Strategy(dt.date(2026, 12, 1), market_level="L5")
    >>> brief = negotiation_brief(offers, USD_SETTINGS, strategy, SEATTLE_L5_MARKET)
    >>> b = brief.companies[1]
    >>> b.batna_name, b.counters["base_salary"], b.ask["target_tc"], b.market_n
    ('A', 20001.0, 292500.0, 6)
    """
    offers = check_offers(offers)
    check_settings(settings)
    strategy = _strategy(strategy)
    market_rows = check_rows(market_rows) or []
    choices = {name: (how or "none") for name, how in strategy.leverage.items()}
    if any(how not in CITE_CHOICES for how in choices.values()):
        raise InvalidInputError("leverage: cite as must be " + ", ".join(CITE_CHOICES), code="cite_choice")
    rows, s = standings(offers, settings)
    line = {e.name: e for e in timeline(offers, strategy.as_of, strategy.expected)}
    values = dict(zip((o.name for o in offers), rows, strict=True))
    for row in rows:  # a value too large for a float is out of range, not a bad argument
        _finite([row.value_home, row.batna_home], f"offer {row.name}")
    solved = solve_many(
        offers,
        COUNTER_COMPONENTS,
        s,
        [(r.batna_home, r.batna_name) for r in rows],
        strategy.margin,
        [r.value_home for r in rows],
    )
    with_market = has_market_rows(market_rows)
    tables: dict[str, market.MarketData | InvalidInputError] = {}
    worth = {name: r.value_home for name, r in values.items()}
    companies = []
    for i, (offer, row) in enumerate(zip(offers, rows, strict=True)):
        at = _position(offer, market_rows, s, strategy.market_level, strategy.as_of, tables)
        city, tc, band, percentile, notes, refused = (
            at.city,
            at.tc,
            at.band,
            at.percentile,
            at.notes,
            at.refused,
        )
        counters: dict[str, float | None] = {}
        unreachable: dict[str, Note] = {}
        base_counter: Counter | None = None
        per_offer = solved[i * len(COUNTER_COMPONENTS) : (i + 1) * len(COUNTER_COMPONENTS)]
        for component, solution in zip(COUNTER_COMPONENTS, per_offer, strict=True):
            if isinstance(solution, NoSolutionError):
                counters[component] = None
                unreachable[component] = note_of(solution)
            else:
                counters[component] = solution.increase
                if component == "base_salary":
                    base_counter = solution
        ask_error = ask_note = None
        try:
            if with_market and refused is not None:
                raise refused  # the band the ask rests on could not be made (as ask_for says)
            floor = row.batna_home if strategy.walk_away is None else strategy.walk_away
            asked = ask(
                offer,
                row,
                s,
                floor,
                band if with_market else None,
                strategy.scarcity_premium,
                strategy.margin,
            )
            measures: dict[str, float | None] = asked.measures(offer)
            ask_note = asked.counter_note
        except InvalidInputError as exc:
            measures, ask_error = {}, note_of(exc)
        cited = _cited(offer, offers, worth, choices, s)
        advice = advise(
            offer,
            row,
            s,
            base_counter,
            strategy.walk_away,
            band if refused is None else None,
            strategy.scarcity_premium,
            strategy.margin,
            (cited[0].name or "another offer", cited[0].value_home) if cited else None,
            at.above,
        )
        advice = dataclasses.replace(
            advice, notes=advice.notes + _regime_notes(offer, s) + _social_notes(offer, s)
        )
        whole, whole_note = _made_whole(offer, strategy.forfeited, s)
        start, start_note = _best_start(offer, strategy, s)
        entry = line[offer.name]
        companies.append(
            CompanyBrief(
                offer.name,
                offer.company,
                offer.currency,
                city,
                tc,
                percentile,
                band.n if band is not None else 0,
                dict(band.values) if band is not None else {},
                notes,
                row.value_home,
                row.batna_home,
                row.batna_name,
                cited,
                counters,
                unreachable,
                measures,
                ask_note,
                ask_error,
                entry.deadline,
                entry.flag,
                advice,
                strategy.market_level,
                band,
                whole,
                whole_note,
                start,
                start_note,
                offer.transfer,
            )
        )
    impact = _impact(strategy.impact)
    for c in companies:
        _finite(dataclasses.asdict(c), f"offer {c.name}")
    walk = strategy.walk_away if strategy.walk_away is not None else 0.0
    _finite([strategy.target, walk, strategy.margin, strategy.scarcity_premium], "Strategy")
    _finite([e.value for e in impact], "Strategy impact ledger")
    assert s.home_currency is not None  # the settings standings() checked
    source = _source(market_rows, s, tables)
    overall: list[Note] = []
    if source.synthetic:
        overall.append(Note("market_sample_synthetic", {"rows": source.synthetic, "n": source.n}))
    if not with_market:
        overall.append(Note("market_none"))
    return Brief(
        s.basis,
        s.home_currency,
        strategy.as_of,
        strategy.target,
        walk,
        strategy.margin,
        strategy.scarcity_premium,
        tuple(companies),
        impact,
        tuple(line.values()),
        s.years,
        strategy.walk_away is not None,
        source,
        tuple(overall),
        strategy.forfeited if strategy.forfeited is not None and strategy.forfeited.net > 0 else None,
        s.as_of,
    )


# The make-whole sign-on replaces what leaving forfeits as it would have reached you: after
# the tax of year 1 where the offer is, whatever the comparison's basis (as the Strategy
# sheet's MAKE_WHOLE column computes it).
MAKE_WHOLE_BASIS = "net_first_year"


def _made_whole(
    offer: Offer, lost: Forfeited | None, settings: Settings
) -> tuple[MakeWhole | None, Note | None]:
    """The offer's make-whole sign-on for ``lost`` (nothing to replace: ``None, None``).  A
    transfer (the current job moved) keeps the grants vesting: it replaces the bonus alone, and
    with no bonus lost needs none."""
    if lost is None or lost.net <= 0:
        return None, None
    wanted = lost.bonus_net if offer.transfer else lost.net
    if wanted <= 0:
        return None, Note("transfer_keeps_grants", {"amount": lost.equity, "currency": lost.currency})
    on_net = dataclasses.replace(settings, basis=MAKE_WHOLE_BASIS)
    try:
        return make_whole(offer, wanted, on_net, lost.currency), None
    except (InvalidInputError, NoSolutionError) as exc:  # e.g. no sign-on nets that much
        return None, note_of(exc)


def _regime_notes(offer: Offer, s: Settings) -> tuple[Note, ...]:
    """On a basis after tax, what the country's default equity regime is worth to this offer
    against its equity taxed as pay: a question for the recruiter (is the plan under it?)."""
    if not s.basis.startswith(("net_", "disposable_")):
        return ()
    notes = []
    for part, (regime, default) in regimes_in_effect(offer).items():
        if default:
            as_pay = (
                dataclasses.replace(offer, rsu_regime="wage")
                if PARTS[part] == "rsu_regime"
                else dataclasses.replace(offer, option_regime="wage")
            )
            ours, theirs = to_home(metric([offer, as_pay], s), s)
            params = {"regime": regime.name, "amount": float(ours - theirs), "currency": s.home_currency}
            notes.append(Note(f"regime_default_{part}", {**params, "basis": s.basis}))
    return tuple(notes)


def _social_notes(offer: Offer, s: Settings) -> tuple[Note, ...]:
    """On a basis after tax, an offer whose RSU vests its country keeps outside social
    insurance by default (Japan: a foreign parent's plan) while you have not said how they are
    delivered: what they would cost counted as pay (quarterly vests) and as a yearly bonus."""
    jur = get_jurisdiction(offer.jurisdiction)
    if not s.basis.startswith(("net_", "disposable_")) or RSU_OPTION not in jur.options:
        return ()
    if (offer.rsu_grant <= 0 and offer.refresher_grant <= 0) or RSU_OPTION in dict(s.personal):
        return ()
    ours = float(to_home(metric([offer], s), s)[0])
    costs = {}
    for choice in RSU_TREATMENTS[1:]:  # the default, excluded, is what the value already is
        counted = dataclasses.replace(
            s, personal=tuple(sorted({**dict(s.personal), RSU_OPTION: choice}.items()))
        )
        costs[f"as_{choice}"] = ours - float(to_home(metric([offer], counted), counted)[0])
    if max(costs.values()) <= 0:
        return ()
    # counted as pay at a salary already in the top grades, the vests cost nothing more
    code = "rsu_social_default" if costs["as_remuneration"] >= 1 else "rsu_social_default_top_grade"
    return (Note(code, {**costs, "currency": s.home_currency, "basis": s.basis}),)


def _finite(value: Any, where: str) -> None:
    """A result too large to be a number (amounts or FX rates far out of scale) is an
    error naming where, never ``inf`` on the page."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(
            f"{where}: a result is out of range; check the sizes of the amounts and FX rates",
            code="result_out_of_range",
            params={"where": where},
        )
    if isinstance(value, dict):
        for v in value.values():
            _finite(v, where)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _finite(v, where)


def _best_start(offer: Offer, strategy: Strategy, settings: Settings) -> tuple[BestStart | None, Note | None]:
    """The offer's best start over the twelve months from the first of next month, against
    the current job (no job: ``None, None``; a start that cannot be weighed: why)."""
    if strategy.current_job is None:
        return None, None
    try:
        found = best_start(
            strategy.current_job,
            offer,
            as_of=strategy.as_of,
            options=settings.tax_options(),
            fx=settings.table(),
        )
    except NegotiationError as exc:  # a rate the table lacks, a date out of reach
        return None, note_of(exc)
    return found, None
