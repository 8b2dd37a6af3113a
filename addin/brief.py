"""The night-before brief: one page per company, in English or Japanese.

Read from a user's workbook (values only, through the untrusted-input guard):
the offers, settings, FX and relocation inputs (:func:`addin.reader.read_inputs`),
the Strategy inputs, leverage choices, impact ledger and expected offers, and
the Market rows (:func:`read_strategy`).  Every number is computed by the same
functions the workbook's UDFs call, with the same ranges, so the brief and the
Strategy / Market sheets agree (a test checks it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.reader import (
    BOUNDS,
    WorkbookError,
    block_end,
    open_workbook,
    read_grid,
    read_inputs,
    stream_rows,
    workbook_offers,
)
from addin.sheets.strategy import (
    EXPECTED,
    IMPACT,
    INPUTS,
    LEVERAGE,
    LEVERAGE_CHOICES,
    NAME,
)
from addin.udfs.inputs import settings_from
from addin.udfs.negotiation import (
    ask_for,
    ask_values,
    market_filters,
)
from calculators import market, negotiation
from calculators.errors import InvalidInputError, NegotiationError, NoSolutionError
from calculators.offer import check_amount
from calculators.relocation import canonical_city

__all__ = ["StrategyInputs", "read_strategy", "Brief", "build_brief", "render", "LANGS"]

LANGS = ("en", "ja")


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


@dataclass
class CompanyBrief:
    """One company's page: every number as the UDFs give it."""

    name: str
    company: str
    currency: str
    city: str
    market_tc: float
    percentile: float | None
    market_n: int
    band: dict[str, float]
    market_warnings: list[str]
    value_home: float
    batna_home: float
    batna_name: str
    leverage: list[dict[str, Any]]
    counters: dict[str, float | str]
    ask: dict[str, Any]
    deadline: str | None
    flag: str | None
    ask_note: str | None = None


@dataclass
class Brief:
    basis: str
    home_currency: str
    as_of: str
    target: float
    walk_away: float
    margin: float
    scarcity_premium: float
    companies: list[CompanyBrief] = field(default_factory=list)
    impact: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)


def _number(inputs: dict[str, Any], key: str, default: float | None = None) -> float:
    value = inputs.get(key)
    if value is None or value == "":
        if default is None:
            raise WorkbookError(f"Strategy input {key} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WorkbookError(f"Strategy input {key} must be a number")
    return check_amount(f"Strategy input {key}", float(value))


def build_brief(path: str | Path) -> Brief:
    """Every number of the brief, computed as the workbook's UDFs compute it; a refusal
    names the file."""
    name = Path(path).name
    try:
        brief = _build(path)
        _all_finite(brief)
    except NegotiationError as exc:
        if str(exc).startswith(f"{name}: "):
            raise
        raise WorkbookError(f"{name}: {exc}") from None
    return brief


def _all_finite(brief: Brief) -> None:
    """A result too large to be a number (amounts or FX rates far out of scale) is an
    error naming the offer, never ``inf`` on the page."""

    def walk(value: Any, where: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise WorkbookError(
                f"{where}: a result is out of range; check the sizes of the amounts and FX rates"
            )
        if isinstance(value, dict):
            for v in value.values():
                walk(v, where)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, where)

    for c in brief.companies:
        walk(dataclasses.asdict(c), f"offer {c.name}")
    walk([brief.target, brief.walk_away, brief.margin, brief.scarcity_premium], "Strategy")
    walk(brief.impact, "Strategy impact ledger")


def _build(path: str | Path) -> Brief:
    base = read_inputs(path)
    strat = read_strategy(path)
    offers = workbook_offers(base)
    params = base.settings
    inputs = strat.inputs
    basis = _label(inputs.get("basis")) or _label(params.get("basis")) or "annualized"
    rates = _rates(base.fx)
    home = _label(params.get("home_currency")) or offers[0].currency
    years = params.get("horizon_years")
    disc = params.get("discount_rate")
    settings = settings_from(offers, basis, home, years, disc, rates, base.relocation)
    walk = _number(inputs, "walk_away", 0.0)
    margin = _number(inputs, "margin", 0.0)
    premium = _number(inputs, "scarcity_premium", 0.0)
    level = _label(inputs.get("market_level")) or None
    as_of = dt.date.fromisoformat(str(inputs.get("as_of") or dt.date.today().isoformat())[:10])
    rows, s = negotiation.standings(offers, settings)
    expected = [(str(n), dt.date.fromisoformat(str(d)[:10])) for n, d in strat.expected if d]
    line = {e.name: e for e in negotiation.timeline(offers, as_of, expected)}
    brief = Brief(
        s.basis, s.home_currency, as_of.isoformat(), _number(inputs, "target", 0.0), walk, margin, premium
    )
    values = dict(zip((o.name for o in offers), rows, strict=True))
    for offer, row in zip(offers, rows, strict=True):
        city = canonical_city(offer.jurisdiction).name
        tc = market.offer_market_tc(offer)
        filters = market_filters(city, level, None, None, None)
        try:
            data = market.market_from_rows(strat.market, offer.currency, s.table())
            pct = market.percentile_of(tc, data, filters, as_of)
            band = market.band(data, filters, as_of=as_of)
            percentile, n, bands = pct.values["percentile"], band.n, band.values
            warnings = list(band.warnings)
        except InvalidInputError as exc:
            percentile, n, bands, warnings = None, 0, {}, [str(exc)]
        counters: dict[str, float | str] = {}
        for component in negotiation.COUNTER_COMPONENTS:
            try:
                counters[component] = negotiation.solve_counter(
                    offer, component, s, row.batna_home, row.batna_name, margin
                ).increase
            except NoSolutionError as exc:
                counters[component] = str(exc)
        try:
            result = ask_for(
                offers, offer, settings, strat.market, walk, premium, margin, level, None, rates, as_of
            )
            ask, note = ask_values(result, offer), result.counter_note
        except InvalidInputError as exc:
            ask, note = {"error": str(exc)}, None
        cited = []
        for other in offers:
            how = strat.leverage.get(other.name, "none")
            if other is offer or how == "none":
                continue
            cited.append(
                {
                    "label": other.company if how == "name" else None,
                    "currency": other.currency,
                    "market_tc": market.offer_market_tc(other),
                    "value_home": values[other.name].value_home,
                }
            )
        entry = line[offer.name]
        brief.companies.append(
            CompanyBrief(
                offer.name,
                offer.company,
                offer.currency,
                city,
                tc,
                percentile,
                n,
                bands,
                warnings,
                row.value_home,
                row.batna_home,
                row.batna_name,
                cited,
                counters,
                ask,
                entry.deadline.isoformat() if entry.deadline else None,
                entry.flag,
                note,
            )
        )
    for k, e in enumerate(strat.impact, start=1):
        up = e.get("higher_is_better")
        if isinstance(up, str):
            up = up.strip().lower() in ("yes", "true")
        try:
            value = check_amount(
                "value",
                negotiation.impact_value(e["volume"], e["before"], e["after"], e["unit_value"], bool(up)),
            )
        except InvalidInputError as exc:
            raise WorkbookError(f"Strategy impact ledger, item {k}: {exc}") from None
        brief.impact.append({**e, "value": value})
    brief.timeline = [
        {
            "offer": e.name,
            "deadline": e.deadline.isoformat() if e.deadline else None,
            "days_left": e.days_left,
            "flag": e.flag,
        }
        for e in line.values()
    ]
    return brief


def _rates(fx: Any) -> list[list[Any]] | None:
    if fx is None:
        return None
    return [["currency", f"per {fx.base}"], *[[k, v] for k, v in fx.rates.items()]]


def money(value: float, currency: str, lang: str = "en") -> str:
    """``12,345,678 JPY`` (Japanese: ``12,345,678円`` for yen)."""
    text = f"{value:,.0f}"
    if lang == "ja" and currency == "JPY":
        return text + "円"
    return f"{text} {currency}"


_T = {
    "en": {
        "title": "Negotiation brief",
        "private": "PRIVATE: for you only. Never send this page.",
        "basis": "Compared on {basis} in {ccy}, as of {date}.",
        "target": "Income target: {v} a year.",
        "market": "Market position",
        "tc": "Offer TC (base + yearly stock + target bonus): {v}",
        "pct": "Stands at percentile {p:.0f} of {n} comparable rows in {city} "
        "(p25 {p25}, p50 {p50}, p75 {p75}, p90 {p90}).",
        "nomarket": "No usable market band: {why}.",
        "warn": "Warning: {w}.",
        "standing": "Standing",
        "value": "This offer on {basis}: {v}.",
        "batna": "Best alternative (BATNA): {name} at {v}.",
        "leverage": "Leverage you may cite",
        "cite": "{who}: TC {tc} a year (worth {home} on {basis}).",
        "another": "Another offer",
        "nolev": "Nothing to cite (your disclosure choices).",
        "counters": "Counter per component (smallest raise that beats the BATNA by {m})",
        "already": "already wins: no raise needed",
        "raise": "raise by {v}",
        "bonus": "raise the yearly target bonus by {v}",
        "ask": "The ask",
        "anchor": "Anchor (open with): TC {tc} (base {base}).",
        "tgt": "Target: TC {tc} (base {base}).",
        "walk": "Walk away below {v} on {basis}.",
        "impact": "Impact talking points",
        "worth": "worth {v} a year",
        "deadline": "Deadline {d}.",
        "timeline": "Timeline",
        "days": "{d} days left",
    },
    "ja": {
        "title": "交渉ブリーフ",
        "private": "非公開：本人用。このページは送らないこと。",
        "basis": "比較基準 {basis}（{ccy}）、{date} 時点。",
        "target": "年収目標：{v}。",
        "market": "市場でのポジション",
        "tc": "オファーの総報酬（基本給＋年間株式＋目標賞与）：{v}",
        "pct": "{city} の比較可能な {n} 件中 {p:.0f} パーセンタイル"
        "（p25 {p25}、p50 {p50}、p75 {p75}、p90 {p90}）。",
        "nomarket": "使える市場データがありません：{why}。",
        "warn": "注意：{w}。",
        "standing": "現状",
        "value": "このオファー（{basis}）：{v}。",
        "batna": "最良の代替案（BATNA）：{name}、{v}。",
        "leverage": "交渉材料として示せるオファー",
        "cite": "{who}：総報酬 年 {tc}（{basis} で {home}）。",
        "another": "他社オファー",
        "nolev": "示せるものはありません（開示設定による）。",
        "counters": "項目ごとのカウンター（BATNA を {m} 上回る最小の上げ幅）",
        "already": "既に上回っています：上げ幅は不要",
        "raise": "{v} 引き上げ",
        "bonus": "年間の目標賞与を {v} 引き上げ",
        "ask": "提示額",
        "anchor": "アンカー（最初の提示）：総報酬 {tc}（基本給 {base}）。",
        "tgt": "目標：総報酬 {tc}（基本給 {base}）。",
        "walk": "{basis} で {v} を下回るなら辞退。",
        "impact": "実績（ビジネスインパクト）",
        "worth": "年 {v} の価値",
        "deadline": "回答期限 {d}。",
        "timeline": "タイムライン",
        "days": "残り {d} 日",
        "unreachable": "この項目をいくら上げても BATNA を上回れません",
        "nobase": "基本給の引き上げだけでは辞退ラインに届きません",
        "current job": "現在の職",
        "expires before an expected offer": "待っているオファーより先に期限切れ：延長を依頼",
        "expires before": "他のオファーより先に期限切れ：期限をそろえるよう依頼",
    },
}
_COMPONENTS = {
    "en": {
        "base_salary": "Base salary",
        "sign_on": "Sign-on",
        "rsu_grant": "RSU grant",
        "bonus_target": "Target bonus",
    },
    "ja": {
        "base_salary": "基本給",
        "sign_on": "サインオンボーナス",
        "rsu_grant": "RSU 付与額",
        "bonus_target": "目標賞与",
    },
}


_WARN_JA = (
    (
        re.compile(r"small sample: (\d+) comparable rows \(fewer than (\d+)\)"),
        "サンプルが少ない：比較可能な行が {0} 件（{1} 件未満）",
    ),
    (
        re.compile(r"stale data: the median row date (\S+) is (\d+) months before (\S+)"),
        "データが古い：行の日付の中央値 {0} は {2} の {1} か月前",
    ),
    (re.compile(r"rows carry no date: recency unknown"), "行に日付がなく、鮮度が不明"),
    (
        re.compile(r"(\d+) row\(s\) give a total that is not base \+ stock \+ bonus.*"),
        "{0} 行の total が base + stock + bonus と一致しないため、合計を使用",
    ),
)


def _warning(text: str, lang: str) -> str:
    if lang == "en":
        return text
    for pattern, template in _WARN_JA:
        found = pattern.fullmatch(text)
        if found:
            return template.format(*found.groups())
    return text


def _flag(flag: str | None, lang: str) -> str | None:
    if flag is None or lang == "en":
        return flag
    for start in ("expires before an expected offer", "expires before"):
        if flag.startswith(start):
            return _T["ja"][start]
    return flag


def render(brief: Brief, lang: str = "en") -> str:
    """The brief as Markdown in ``lang`` (``en`` or ``ja``)."""
    if lang not in LANGS:
        raise InvalidInputError("lang must be en or ja")
    t = _T[lang]
    h = brief.home_currency
    out = [
        f"# {t['title']}",
        "",
        f"**{t['private']}**",
        "",
        t["basis"].format(basis=brief.basis, ccy=h, date=brief.as_of),
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
        else:
            out.append("- " + t["nomarket"].format(why="; ".join(c.market_warnings)))
        if c.percentile is not None:
            out += ["- " + t["warn"].format(w=_warning(w, lang)) for w in c.market_warnings]
        out += [
            "",
            f"### {t['standing']}",
            "",
            "- " + t["value"].format(basis=brief.basis, v=money(c.value_home, h, lang)),
            "- " + t["batna"].format(name=t.get(c.batna_name, c.batna_name), v=money(c.batna_home, h, lang)),
        ]
        out += ["", f"### {t['leverage']}", ""]
        if not c.leverage:
            out.append("- " + t["nolev"])
        for cited in c.leverage:
            out.append(
                "- "
                + t["cite"].format(
                    who=cited["label"] or t["another"],
                    tc=money(cited["market_tc"], cited["currency"], lang),
                    home=money(cited["value_home"], h, lang),
                    basis=brief.basis,
                )
            )
        out += ["", f"### {t['counters'].format(m=money(brief.margin, h, lang))}", ""]
        for comp, value in c.counters.items():
            label = _COMPONENTS[lang][comp]
            if isinstance(value, str):
                text = value if lang == "en" else t["unreachable"]
            elif value == 0:
                text = t["already"]
            else:
                key = "bonus" if comp == "bonus_target" else "raise"
                text = t[key].format(v=money(value, c.currency, lang))
            out.append(f"- {label}: {text}")
        out += ["", f"### {t['ask']}", ""]
        if "error" in c.ask:
            out.append("- " + c.ask["error"])
        else:
            a = c.ask
            out += [
                "- "
                + t["anchor"].format(
                    tc=money(a["anchor_tc"], c.currency, lang), base=money(a["anchor_base"], c.currency, lang)
                ),
                "- "
                + t["tgt"].format(
                    tc=money(a["target_tc"], c.currency, lang), base=money(a["target_base"], c.currency, lang)
                ),
                "- " + t["walk"].format(v=money(a["walk_away"], h, lang), basis=brief.basis),
            ]
            if c.ask_note:
                out.append("- " + (c.ask_note if lang == "en" else t["nobase"]))
        if c.deadline:
            flag = _flag(c.flag, lang)
            out += ["", t["deadline"].format(d=c.deadline) + (f" ({flag})" if flag else "")]
    out += ["", f"## {t['impact']}", ""]
    for e in brief.impact:
        point = (e.get("point_ja") if lang == "ja" else None) or e.get("point") or e["item"]
        out.append(f"- {point}: {t['worth'].format(v=money(e['value'], h, lang))}")
    out += ["", f"## {t['timeline']}", ""]
    for e in brief.timeline:
        days = t["days"].format(d=e["days_left"]) if e["days_left"] is not None else ""
        flag = f" — {_flag(e['flag'], lang)}" if e["flag"] else ""
        out.append(f"- {e['deadline'] or '—'}: {e['offer']} ({days}){flag}")
    return "\n".join(out) + "\n"
