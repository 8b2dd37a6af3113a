"""Ranking odds: how likely each offer is to rank first, and where the winner changes."""

import math
from typing import Annotated

from addin.cells import Cell, Rows, cell, opt_number, opt_text, rows_out, table, udf
from addin.udfs._docs import AGE_DOC, BASIS_DOC, BASKET_DOC, DISCOUNT_DOC, OFFERS_DOC, RATES_DOC, YEARS_DOC
from addin.udfs.inputs import settings_from
from calculators.defaults import in_force
from calculators.errors import InvalidInputError
from calculators.offer.table import offers_from_table
from calculators.params import DATA_DIR, load_parameters
from calculators.valuation.odds import MAX_SCENARIOS, MAX_SHOCK, MAX_VOLATILITY, SCENARIOS, ranking_odds

# The UDF names here are to be listed again in addin/udfs/__init__.py's __all__, deliberately:
# the package re-exports every submodule's functions by name, where xlwings looks for them.
__all__ = ["offer_odds"]

_SHOW = ("odds", "thresholds")
_ASSUMED = load_parameters(DATA_DIR / "odds.yaml")  # the spreads used when a cell is blank


def _spread_doc(text: str, name: str) -> str:
    return f"{text}, 0 to {MAX_VOLATILITY:g} (blank: the assumption {float(in_force(_ASSUMED[name])):g})"


_FACTORS = {"fx": "exchange rate", "price": "share price change"}


def _optional(value: object, name: str, percent: bool = False) -> float | None:
    """A number from a cell, or ``None`` for a blank (the calculators' default then applies)."""
    number = opt_number(
        value, name, math.nan, percent=percent
    )  # a NaN typed in is refused; only a blank gives it
    return None if math.isnan(number) else number


def _by_company(
    value: object, name: str, known: set[str], low: float | None = None, high: float | None = None
) -> float | dict[str, float] | None:
    """One number for every company, or rows of company (or offer name) and number; blank:
    ``None`` (the calculators' default then applies).  Bounds not given are the calculators'
    to check."""
    rows = value if isinstance(value, list) else [[value]]
    rows = [r if isinstance(r, list) else [r] for r in rows]
    filled = [r for r in rows if any(v not in (None, "") for v in r)]
    if not filled:
        return None
    if len(filled) == 1 and len([v for v in filled[0] if v not in (None, "")]) == 1:
        single = next(v for v in filled[0] if v not in (None, ""))
        return opt_number(single, name, low=low, high=high, percent=True)
    out: dict[str, float] = {}
    for k, row in enumerate(filled, start=1):
        who = opt_text(row[0], f"{name} row {k}: the company")
        if who is None or who.casefold() not in known:
            raise InvalidInputError(
                f"{name} row {k}: the company is neither an offer's company nor an offer's name"
            )
        if len(row) < 2 or row[1] in (None, ""):
            raise InvalidInputError(f"{name} row {k}: give the company and its number")
        if who.casefold() in {k.casefold() for k in out}:
            raise InvalidInputError(f"{name} row {k}: the company is given twice")
        out[who] = opt_number(row[1], f"{name} row {k}", low=low, high=high, percent=True)
    return out


@udf
def offer_odds(
    offers_table: Annotated[Rows, table(OFFERS_DOC)],
    basis: Annotated[Cell, cell(BASIS_DOC)] = None,
    scenarios: Annotated[
        Cell, cell(f"Joint scenarios to simulate, 1 to {MAX_SCENARIOS:,} (blank: {SCENARIOS:,})")
    ] = None,
    seed: Annotated[
        Cell, cell("Seed of the draws, a whole number from 0: the same seed, the same odds")
    ] = None,
    price_shock: Annotated[
        Rows,
        table(
            f"One-time share-price change now, -0.3 = a fall of 30 %, -1 to {MAX_SHOCK:g}; or rows "
            "of company and change (blank: none)"
        ),
    ] = None,
    shock_company: Annotated[
        Cell, cell("Company (or offer) whose share price changes once (blank: every company's)")
    ] = None,
    volatility: Annotated[
        Rows,
        table(
            _spread_doc(
                "Yearly volatility of share prices, 0.3 = 30 %, or rows of company and it",
                "odds_price_volatility",
            )
        ),
    ] = None,
    fx_volatility: Annotated[
        Cell, cell(_spread_doc("Yearly volatility of each currency against home", "odds_fx_volatility"))
    ] = None,
    home_currency: Annotated[Cell, cell("Currency to rank in, e.g. JPY (blank: the first offer's)")] = None,
    years: Annotated[Cell, cell(YEARS_DOC)] = None,
    discount_rate: Annotated[Cell, cell(DISCOUNT_DOC)] = None,
    rates: Annotated[Rows, table(RATES_DOC)] = None,
    basket: Annotated[Rows, table(BASKET_DOC + " (needed by the disposable bases)")] = None,
    show: Annotated[
        Cell,
        cell(
            "odds: each offer's chance of ranking first; thresholds: where the winner changes (blank: odds)"
        ),
    ] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """Each offer's chance of ranking first over seeded scenarios of prices, FX, bonus, exits.

    Spills chance first, p10, p50, p90; "thresholds": where the winner changes.
    Example: =OFFER_ODDS(Offers!A1:F32, "net_annualized", 10000, 1, -0.3, "Seattle big tech")
    """
    offers = offers_from_table(offers_table)
    settings = settings_from(offers, basis, home_currency, years, discount_rate, rates, basket, age)
    part = (opt_text(show, "show", "odds") or "odds").lower()
    if part not in _SHOW:
        raise InvalidInputError("show must be odds or thresholds")
    known = {o.company.casefold() for o in offers} | {o.name.casefold() for o in offers}
    shock = _by_company(price_shock, "price_shock", known, -1.0, MAX_SHOCK)
    company = opt_text(shock_company, "shock_company")
    if company is not None and company.casefold() not in known:
        raise InvalidInputError("shock_company is neither an offer's company nor an offer's name")
    if company is not None and not isinstance(shock, float):
        raise InvalidInputError(
            "shock_company needs a price_shock (one number: rows of company and change name their own)"
        )
    shocks = shock if isinstance(shock, dict) else None
    if isinstance(shock, float):  # one company's stock, or every company's
        shocks = (
            {company: shock} if company is not None else dict.fromkeys((o.company for o in offers), shock)
        )
    odds = ranking_odds(
        offers,
        settings,
        scenarios=_optional(scenarios, "scenarios"),
        seed=_optional(seed, "seed"),
        shocks=shocks,
        volatility=_by_company(volatility, "volatility", known),
        fx_volatility=_optional(fx_volatility, "fx_volatility", percent=True),
        thresholds=part == "thresholds",
    )
    if part == "thresholds":
        return rows_out(
            ["winner", "if this moves", "of", "goes", "past", "today", "then wins"],
            [
                [t.winner, _FACTORS[t.factor], t.subject, t.direction, t.value, t.today, t.new_winner]
                for t in odds.thresholds
            ],
        )
    return rows_out(
        ["offer", "company", "currency", "chance first", "p10", "p50", "p90", "mean", "central"],
        [
            [o.name, o.company, o.currency, o.probability_first, o.p10, o.p50, o.p90, o.mean, o.central]
            for o in odds.offers
        ],
    )
