"""The night-before brief: one page per company, in English or Japanese.

Read from a user's workbook (values only, through the untrusted-input guard):
the offers, settings, FX and relocation inputs (:func:`addin.io.reader.read_inputs`),
the Strategy inputs, leverage choices, impact ledger and expected offers, and
the Market rows (:func:`read_strategy`).  What the brief says is decided by
:func:`calculators.negotiation.negotiation_brief` (the same functions the
workbook's UDFs call); this module only reads the workbook and renders that
data, with the words of :mod:`addin.messages` (what a message code says) and
:mod:`addin.render.brief_messages` (the page's labels).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.io.reader import (
    BOUNDS,
    WorkbookError,
    block_end,
    open_workbook,
    read_grid,
    read_inputs,
    stream_rows,
    workbook_offers,
)
from addin.messages import LANGS, say
from addin.render.brief_messages import COMPONENTS, LABELS
from addin.udfs.inputs import settings_from
from addin.workbook.sheets.strategy import (
    EXPECTED,
    IMPACT,
    INPUTS,
    LEVERAGE,
    LEVERAGE_CHOICES,
    NAME,
)
from calculators.errors import InvalidInputError, NegotiationError
from calculators.negotiation import CURRENT, Brief, ImpactItem, Note, Strategy, negotiation_brief
from calculators.offer.model import check_amount

__all__ = ["StrategyInputs", "read_strategy", "strategy_of", "build_brief", "brief_data", "render", "LANGS"]


@dataclass(frozen=True)
class StrategyInputs:
    """What the Strategy and Market sheets hold (values only)."""

    inputs: dict[str, Any]
    leverage: dict[str, str]
    impact: list[dict[str, Any]]
    expected: list[list[Any]]
    market: list[list[Any]]


def _label(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _section(name: str, rows: list[list[Any]], title: str) -> list[list[Any]]:
    """The rows under a section's title and header row, to the first blank row."""
    for i, row in enumerate(rows):
        if _label(row[0]).startswith(title):
            out: list[list[Any]] = []
            for r in rows[i + 2 :]:
                if not _label(r[0]):
                    return out
                out.append(r)
            if len(rows) >= BOUNDS[NAME][0]:
                raise block_end(name, NAME, f"{title} section")
            return out
    raise WorkbookError(f"{name}: the Strategy sheet has no {title} section")


def _market_table(wb: Any, name: str) -> list[list[Any]]:
    """The Market sheet's header row and the rows under it, to the first blank row; read a
    row at a time and never past the sheet's bound."""
    table: list[list[Any]] = []
    last = 0
    for index, r in stream_rows(wb, name, "Market"):
        last = index
        if not table:
            if {"base", "total"} & {_label(c).lower() for c in r}:
                table.append(r)
            continue
        if all(c is None or _label(c) == "" for c in r):
            return table
        table.append(r)
    if not table:
        raise WorkbookError(f"{name}: the Market sheet has no header row (base or total)")
    if last >= BOUNDS["Market"][0]:
        raise block_end(name, "Market", "table")
    return table


def read_strategy(path: str | Path) -> StrategyInputs:
    """The Strategy sheet's inputs and the Market sheet's rows of a workbook."""
    p = Path(path)
    name = p.name
    wb = open_workbook(p)
    try:
        for sheet in (NAME, "Market"):
            if sheet not in wb.sheetnames:
                raise WorkbookError(f"{name}: has no {sheet} sheet")
        rows = read_grid(wb, name, NAME).rows
        market_rows = _market_table(wb, name)
    finally:
        wb.close()
    inputs = {_label(r[0]).lower(): r[1] for r in _section(name, rows, INPUTS)}
    leverage = {}
    for r in _section(name, rows, LEVERAGE):
        choice = _label(r[1]).lower() or "none"
        if choice not in LEVERAGE_CHOICES:
            raise WorkbookError(f"{name}: Strategy leverage: cite as must be " + ", ".join(LEVERAGE_CHOICES))
        leverage[_label(r[0])] = choice
    keys = (
        "item",
        "unit",
        "before",
        "after",
        "volume",
        "unit_value",
        "higher_is_better",
        "value",
        "point",
        "point_ja",
    )
    impact = [dict(zip(keys, r[:10], strict=True)) for r in _section(name, rows, IMPACT)]
    expected = [r[:2] for r in _section(name, rows, EXPECTED)]
    return StrategyInputs(inputs, leverage, impact, expected, market_rows)


def _number(inputs: dict[str, Any], key: str, default: float | None = None) -> float:
    value = inputs.get(key)
    if value is None or value == "":
        if default is None:
            raise WorkbookError(f"Strategy input {key} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WorkbookError(f"Strategy input {key} must be a number")
    return check_amount(f"Strategy input {key}", float(value))


def _yes(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true")
    return bool(value)


def _date(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise WorkbookError(f"Strategy {what} must be a date (YYYY-MM-DD)") from None


def strategy_of(strat: StrategyInputs) -> Strategy:
    """The Strategy sheet's values as the calculators' :class:`Strategy` (blank as_of: today)."""
    inputs = strat.inputs
    walk = inputs.get("walk_away")
    as_of = _date(inputs.get("as_of") or dt.date.today(), "input as_of")
    texts = ("unit", "point", "point_ja")
    impact = tuple(
        ImpactItem(
            e["item"],
            e["volume"],
            e["before"],
            e["after"],
            e["unit_value"],
            _yes(e.get("higher_is_better")),
            {k: e.get(k) for k in texts},
        )
        for e in strat.impact
    )
    return Strategy(
        as_of=as_of,
        target=_number(inputs, "target", 0.0),
        walk_away=None if walk is None or walk == "" else _number(inputs, "walk_away"),
        margin=_number(inputs, "margin", 0.0),
        scarcity_premium=_number(inputs, "scarcity_premium", 0.0),
        market_level=_label(inputs.get("market_level")) or None,
        leverage=dict(strat.leverage),
        impact=impact,
        expected=tuple((str(n), _date(d, "expected offers: the date")) for n, d in strat.expected if d),
    )


def build_brief(path: str | Path) -> Brief:
    """The brief of a workbook, as :func:`calculators.negotiation.negotiation_brief` gives it;
    a refusal names the file."""
    name = Path(path).name
    try:
        base = read_inputs(path)
        strat = read_strategy(path)
        offers = workbook_offers(base)
        params = base.settings
        basis = _label(strat.inputs.get("basis")) or _label(params.get("basis")) or None
        home = _label(params.get("home_currency")) or None
        settings = settings_from(
            offers,
            basis,
            home,
            params.get("horizon_years"),
            params.get("discount_rate"),
            _rates(base.fx),
            base.relocation,
        )
        try:
            return negotiation_brief(offers, settings, strategy_of(strat), strat.market)
        except NegotiationError as exc:
            if exc.code == "impact_item":  # name the sheet the ledger is on
                raise WorkbookError(f"Strategy {exc}") from None
            raise
    except NegotiationError as exc:
        if str(exc).startswith(f"{name}: "):
            raise
        raise WorkbookError(f"{name}: {exc}") from None


def _rates(fx: Any) -> list[list[Any]] | None:
    if fx is None:
        return None
    return [["currency", f"per {fx.base}"], *[[k, v] for k, v in fx.rates.items()]]


def brief_data(brief: Brief) -> dict[str, Any]:
    """The brief as plain JSON-ready values (dates as ``YYYY-MM-DD``; notes as code and params)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return plain(dataclasses.asdict(brief))  # type: ignore[no-any-return]


def money(value: float, currency: str, lang: str = "en") -> str:
    """``12,345,678 JPY`` (Japanese: ``12,345,678円`` for yen)."""
    text = f"{value:,.0f}"
    if lang == "ja" and currency == "JPY":
        return text + "円"
    return f"{text} {currency}"


def render(brief: Brief, lang: str = "en") -> str:
    """The brief as Markdown in ``lang`` (``en`` or ``ja``)."""
    if lang not in LANGS:
        raise InvalidInputError("lang must be en or ja")
    t = LABELS[lang]

    def said(note: Note) -> str:
        return say(note, lang)

    h = brief.home_currency
    out = [
        f"# {t['title']}",
        "",
        f"**{t['private']}**",
        "",
        t["basis"].format(basis=brief.basis, ccy=h, date=brief.as_of.isoformat()),
    ]
    if brief.target:
        out.append(t["target"].format(v=money(brief.target, h, lang)))
    for c in brief.companies:
        out += [
            "",
            f"## {c.name} ({c.city}, {c.currency})",
            "",
            f"### {t['market']}",
            "",
            "- " + t["tc"].format(v=money(c.market_tc, c.currency, lang)),
        ]
        if c.percentile is not None:
            b = {k: money(v, c.currency, lang) for k, v in c.band.items()}
            out.append(
                "- "
                + t["pct"].format(
                    p=c.percentile,
                    n=c.market_n,
                    city=c.city,
                    p25=b["p25"],
                    p50=b["p50"],
                    p75=b["p75"],
                    p90=b["p90"],
                )
            )
            out += ["- " + t["warn"].format(w=said(w)) for w in c.market_notes]
        else:
            out.append("- " + t["nomarket"].format(why="; ".join(said(w) for w in c.market_notes)))
        batna = t["current_job"] if c.batna_name == CURRENT else c.batna_name
        out += [
            "",
            f"### {t['standing']}",
            "",
            "- " + t["value"].format(basis=brief.basis, v=money(c.value_home, h, lang)),
            "- " + t["batna"].format(name=batna, v=money(c.batna_home, h, lang)),
        ]
        out += ["", f"### {t['leverage']}", ""]
        if not c.leverage:
            out.append("- " + t["nolev"])
        for cited in c.leverage:
            out.append(
                "- "
                + t["cite"].format(
                    who=cited.label or t["another"],
                    tc=money(cited.market_tc, cited.currency, lang),
                    home=money(cited.value_home, h, lang),
                    basis=brief.basis,
                )
            )
        out += ["", f"### {t['counters'].format(m=money(brief.margin, h, lang))}", ""]
        for comp, value in c.counters.items():
            label = COMPONENTS[lang][comp]
            if value is None:
                text = said(c.unreachable[comp])
            elif value == 0:
                text = t["already"]
            else:
                key = "bonus" if comp == "bonus_target" else "raise"
                text = t[key].format(v=money(value, c.currency, lang))
            out.append(f"- {label}: {text}")
        out += ["", f"### {t['ask']}", ""]
        if c.ask_error is not None:
            out.append("- " + said(c.ask_error))
        else:
            a = c.ask
            out += [
                "- "
                + t["anchor"].format(
                    tc=money(_num(a["anchor_tc"]), c.currency, lang),
                    base=money(_num(a["anchor_base"]), c.currency, lang),
                ),
                "- "
                + t["tgt"].format(
                    tc=money(_num(a["target_tc"]), c.currency, lang),
                    base=money(_num(a["target_base"]), c.currency, lang),
                ),
                "- " + t["walk"].format(v=money(_num(a["walk_away"]), h, lang), basis=brief.basis),
            ]
            if c.ask_note is not None:
                out.append("- " + t["nobase"].format(why=said(c.ask_note)))
        if c.deadline:
            flag = said(c.flag) if c.flag is not None else None
            out += ["", t["deadline"].format(d=c.deadline.isoformat()) + (f" ({flag})" if flag else "")]
    out += ["", f"## {t['impact']}", ""]
    for e in brief.impact:
        point = (e.text.get("point_ja") if lang == "ja" else None) or e.text.get("point") or e.item
        out.append(f"- {point}: {t['worth'].format(v=money(e.value, h, lang))}")
    out += ["", f"## {t['timeline']}", ""]
    for entry in brief.timeline:
        days = t["days"].format(d=entry.days_left) if entry.days_left is not None else ""
        flag = f" — {said(entry.flag)}" if entry.flag is not None else ""
        deadline = entry.deadline.isoformat() if entry.deadline else "—"
        out.append(f"- {deadline}: {entry.name} ({days}){flag}")
    return "\n".join(out) + "\n"


def _num(value: float | None) -> float:
    if value is None:  # the measures the page shows are always numbers
        raise InvalidInputError("the ask is missing a figure")
    return value
