"""The negotiation: standings and BATNA, counter-offers, the ask, the timeline, the brief.

* :mod:`~calculators.negotiation.standing`: each offer's value and its best
  alternative (another offer or the current job), the target gap, impact value;
* :mod:`~calculators.negotiation.counter`: the counter-offer solver;
* :mod:`~calculators.negotiation.checks`: the input checks every function above makes;
* :mod:`~calculators.negotiation.ask`: walk-away, target and anchor against the
  market band of the offer's city (the function ``NEGOTIATION_ASK``);
* :mod:`~calculators.negotiation.advice`: the ask a person can say, anchored on the market
  band, the scarcity premium and the offers that beat it; what beating the best alternative
  takes beside it, whether the offer can win and what could move it; the user's walk-away;
* :mod:`~calculators.negotiation.timeline`: deadlines that lose leverage;
* :mod:`~calculators.negotiation.brief`: all of it for every company, as plain
  data with message codes (:mod:`~calculators.negotiation.notes`).
"""

from calculators.negotiation.advice import EVIDENCE, MOVES, Advice, Move, advise
from calculators.negotiation.ask import (
    ASK_MEASURES,
    Ask,
    ask,
    ask_for,
    has_market_rows,
    market_band_for,
    market_city,
)
from calculators.negotiation.brief import (
    CITE_CHOICES,
    Brief,
    Cited,
    CompanyBrief,
    ImpactItem,
    ImpactResult,
    MarketSource,
    Strategy,
    negotiation_brief,
)
from calculators.negotiation.checks import COUNTER_COMPONENTS, check_component, check_margin
from calculators.negotiation.counter import (
    Counter,
    living_offset,
    solve_counter,
    solve_many,
)
from calculators.negotiation.notes import Note, note_of
from calculators.negotiation.standing import (
    CURRENT,
    Standing,
    counter_offer,
    current_job,
    impact_value,
    prepare,
    standings,
    target_gap,
)
from calculators.negotiation.timeline import TimelineEntry, timeline

__all__ = [
    "ASK_MEASURES",
    "EVIDENCE",
    "MOVES",
    "Advice",
    "MarketSource",
    "Move",
    "advise",
    "CITE_CHOICES",
    "COUNTER_COMPONENTS",
    "CURRENT",
    "Ask",
    "Brief",
    "Cited",
    "CompanyBrief",
    "Counter",
    "ImpactItem",
    "ImpactResult",
    "Note",
    "Standing",
    "Strategy",
    "TimelineEntry",
    "ask",
    "ask_for",
    "negotiation_brief",
    "check_component",
    "check_margin",
    "counter_offer",
    "current_job",
    "has_market_rows",
    "impact_value",
    "living_offset",
    "market_band_for",
    "market_city",
    "note_of",
    "prepare",
    "solve_counter",
    "solve_many",
    "standings",
    "target_gap",
    "timeline",
]
