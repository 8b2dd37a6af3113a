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

import collections
import copy
import dataclasses
import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.cells import opt_number
from addin.io.guard import check_workbook
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
from addin.messages import LANGS, basis_words, money, say
from addin.render.brief_messages import COMPONENTS, LABELS
from addin.udfs.inputs import personal_from, settings_from
from addin.workbook.sheets.strategy import (
    BLANK_VEST_ROWS,
    CURRENT_JOB_HELP,
    EXPECTED,
    IMPACT,
    INPUTS,
    LEVERAGE,
    LEVERAGE_CHOICES,
    NAME,
)
from addin.workbook.sheets.strategy import CURRENT as CURRENT_JOB_SECTION
from calculators.errors import InvalidInputError, NegotiationError
from calculators.negotiation import (
    CURRENT,
    Brief,
    CompanyBrief,
    ImpactItem,
    Note,
    Strategy,
    negotiation_brief,
)
from calculators.offer.model import check_amount
from calculators.valuation.disclosure import spoken_amount
from calculators.valuation.forfeit import CurrentJob, Forfeited, current_job_from_table, forfeited

__all__ = [
    "StrategyInputs",
    "read_strategy",
    "strategy_of",
    "build_brief",
    "brief_data",
    "warnings_of",
    "render",
    "money",
    "LANGS",
]


@dataclass(frozen=True)
class StrategyInputs:
    """What the Strategy and Market sheets hold (values only)."""

    inputs: dict[str, Any]
    leverage: dict[str, str]
    impact: list[dict[str, Any]]
    expected: list[list[Any]]
    market: list[list[Any]]
    current_job: list[list[Any]] = dataclasses.field(default_factory=list)  # field / value, vests
    leave_date: Any = None


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
    job, leave = _current_job(rows)
    return StrategyInputs(inputs, leverage, impact, expected, market_rows, job, leave)


def _current_job(rows: list[list[Any]]) -> tuple[list[list[Any]], Any]:
    """The current-job section's field / value and vest rows (column A blank where a vest
    row is empty), and its leave date; none in a workbook made before the section was."""
    for i, row in enumerate(rows):
        if _label(row[0]).startswith(CURRENT_JOB_SECTION):
            table: list[list[Any]] = []
            for r in rows[i + 2 : i + 3 + len(CURRENT_JOB_HELP) + BLANK_VEST_ROWS]:
                if _label(r[0]) == "leave_date":
                    return table, r[1] if len(r) > 1 else None
                table.append(list(r[:3]))  # a vest row's third column: its grant date
            return table, None
    return [], None


def forfeited_of(
    strat: StrategyInputs,
    as_of: dt.date,
    fx: Any,
    age: int | None = None,
    personal: tuple[tuple[str, Any], ...] = (),
) -> Forfeited | None:
    """What leaving the current job on the Strategy sheet forfeits (its leave date, else
    ``as_of``), at the workbook's rates, your age and personal facts; ``None`` when no current
    job is given."""
    job = current_job_of(strat)
    if job is None:
        return None
    try:
        return forfeited(job, strat.leave_date or as_of, fx=fx, age=age, personal=personal)
    except NegotiationError as exc:  # a bad field, or a currency the rates do not quote
        raise WorkbookError(f"Strategy current job: {exc}") from None


def current_job_of(strat: StrategyInputs) -> CurrentJob | None:
    """The current job on the Strategy sheet; ``None`` when its base salary is blank."""
    rows = strat.current_job
    given = {_label(r[0]).lower() for r in rows if len(r) > 1 and _label(r[1])}
    if "base_salary" not in given:
        return None
    try:
        return current_job_from_table(rows)
    except NegotiationError as exc:  # a bad field
        raise WorkbookError(f"Strategy current job: {exc}") from None


def _number(inputs: dict[str, Any], key: str, default: float | None = None, percent: bool = False) -> float:
    value = inputs.get(key)
    if value is None or value == "":
        if default is None:
            raise WorkbookError(f"Strategy input {key} is required")
        return default
    if percent and isinstance(value, str):  # "10%" is 0.1, as the sheet's functions read it
        try:
            value = opt_number(value, f"Strategy input {key}", None, percent=True)
        except NegotiationError as exc:
            raise WorkbookError(str(exc)) from None
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


def calendar_on(params: dict[str, Any]) -> bool:
    """Whether the Params setting calendar is on, as the sheets' formulas read it
    (``calendar=TRUE``): TRUE is on; FALSE, blank or absent (a workbook made before the
    setting was) is off; anything else (text, a number) is refused naming it, where the
    sheets would quietly take it as off."""
    value = params.get("calendar")
    if isinstance(value, bool):
        return value
    if value is None or _label(value) == "":
        return False
    raise WorkbookError("Params calendar must be TRUE or FALSE")


def strategy_as_of(path: str | Path) -> Any:
    """The Strategy sheet's as_of cell as stored (``None`` without a Strategy sheet): the one
    Strategy value ``compare`` reads."""
    p = Path(path)
    wb = open_workbook(p)
    try:
        if NAME not in wb.sheetnames:
            return None
        rows = read_grid(wb, p.name, NAME).rows
    finally:
        wb.close()
    inputs = {_label(r[0]).lower(): r[1] for r in _section(p.name, rows, INPUTS)}
    return inputs.get("as_of")


def calendar_day(as_of: Any, params: dict[str, Any]) -> dt.date | None:
    """The day the net bases follow the calendar from, as the sheets' valuation functions take
    it: the Strategy sheet's as_of where the Params setting calendar is TRUE (yes, 1); none
    where it is FALSE, blank or absent (a workbook made before the setting was): each offer
    year a tax year."""
    if not calendar_on(params) or as_of is None or _label(as_of) == "":
        return None
    return _date(as_of, "input as_of")


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
        scarcity_premium=_number(inputs, "scarcity_premium", 0.0, percent=True),
        market_level=_label(inputs.get("market_level")) or None,
        leverage=dict(strat.leverage),
        impact=impact,
        expected=tuple((str(n), _date(d, "expected offers: the date")) for n, d in strat.expected if d),
    )


def _start_lines(c: CompanyBrief, t: dict[str, str], said: Any, spoken_cash: Any) -> list[str]:
    """The brief's line on the offer's best start day (none without a current job)."""
    if c.start_note is not None:
        return ["- " + t["start_none"].format(why=said(c.start_note))]
    found = c.start
    if found is None:
        return []
    ref = found.reference.start.isoformat()
    span = t["start_span"].format(
        first=found.days[0].start.isoformat(), last=found.days[-1].start.isoformat()
    )
    if found.best.gain < 0:  # every start takes home less than staying: say so first
        loss = spoken_cash(-found.best.gain, found.currency, "up")
        return ["- " + t["start_worse"].format(best=found.best.start.isoformat(), v=loss) + span]
    if found.best.start == found.reference.start or found.worth <= 0:
        return ["- " + t["start_same"].format(ref=ref) + span]
    events = t["and"].join(t["event_" + kind].format(d=day.isoformat()) for kind, day in found.kept)
    later = found.best.start > found.reference.start
    why = t["start_kept" if later else "start_lost"].format(events=events) if events else ""
    worth = spoken_cash(found.worth, found.currency, "down")
    line = t["start"].format(best=found.best.start.isoformat(), ref=ref, v=worth, why=why)
    a, b = found.leave_years
    moved = t["start_year" if found.abroad else "start_year_home"].format(a=a, b=b) if a != b else ""
    return ["- " + line + moved + span]


def build_brief(path: str | Path, calendar: dt.date | None = None, decided: bool = False) -> Brief:
    """The brief of a workbook, as :func:`calculators.negotiation.negotiation_brief` gives it;
    a refusal names the file.  The net bases follow the calendar
    (:attr:`calculators.valuation.compare.Settings.as_of`) from ``calendar``, else from the
    Strategy sheet's as_of where the Params calendar is on, as the sheets' functions do
    (:func:`calendar_day`); ``decided``
    with no ``calendar``: each offer year a tax year.

    The same file (its bytes), asked the same way on the same day, has the same brief: the
    last few are kept (``negotiate brief`` in English and Japanese, as text and as JSON,
    computes it once), each only if the file's bytes were the same after the brief as before
    it; every caller gets a copy of its own."""
    name = Path(path).name
    try:
        check_workbook(Path(path))  # bounded and safe before its bytes are read for the key
        key = (_sha256(path), calendar, decided, _today())
    except OSError:
        key = None  # read_inputs names what is wrong with the file
    except NegotiationError as exc:  # as _build_brief reports it
        if str(exc).startswith(f"{name}: "):
            raise
        raise WorkbookError(f"{name}: {exc}") from None
    if key is not None and key in _BRIEFS:
        _BRIEFS.move_to_end(key)
        return copy.deepcopy(_BRIEFS[key])
    made = _build_brief(path, calendar, decided)
    try:
        unchanged = key is not None and _sha256(path) == key[0]
    except OSError:
        unchanged = False
    if unchanged and key is not None:
        _BRIEFS[key] = copy.deepcopy(made)
        while len(_BRIEFS) > 8:
            _BRIEFS.popitem(last=False)
    return made


_BRIEFS: collections.OrderedDict[tuple[Any, ...], Brief] = collections.OrderedDict()  # see build_brief


def _sha256(path: str | Path) -> bytes:
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _today() -> dt.date:
    return dt.date.today()  # a blank as_of is today: part of a kept brief's key


def _build_brief(path: str | Path, calendar: dt.date | None, decided: bool) -> Brief:
    name = Path(path).name
    try:
        base = read_inputs(path)
        strat = read_strategy(path)
        offers = workbook_offers(base)
        params = base.settings
        basis = _label(strat.inputs.get("basis")) or _label(params.get("basis")) or None
        home = _label(params.get("home_currency")) or None
        try:  # the Params sheet's personal facts, named as the sheet's own refusal would be
            personal_from(base.personal)
        except NegotiationError as exc:
            raise WorkbookError(f"{name}: Params {exc}") from None
        settings = settings_from(
            offers,
            basis,
            home,
            params.get("horizon_years"),
            params.get("discount_rate"),
            _rates(base.fx),
            base.relocation,
            base.personal,
        )
        strategy = strategy_of(strat)
        day = calendar if calendar is not None or decided else calendar_day(strat.inputs.get("as_of"), params)
        if day is not None:  # as the sheets' functions take the Strategy sheet's as_of
            settings = dataclasses.replace(settings, as_of=day)
        lost = forfeited_of(strat, strategy.as_of, settings.table(), settings.age, settings.personal)
        if lost is not None:
            strategy = dataclasses.replace(strategy, forfeited=lost, current_job=current_job_of(strat))
        try:
            return negotiation_brief(offers, settings, strategy, strat.market)
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


def _plain(value: Any) -> Any:
    """JSON-ready values: dates as ``YYYY-MM-DD``, dataclasses and tuples as dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _warned(note: Note, lang: str) -> dict[str, Any]:
    return {"code": note.code, "params": _plain(note.params), "text": say(note, lang, plain=True)}


def warnings_of(c: CompanyBrief) -> tuple[Note, ...]:
    """Everything the brief warns of for one company: the market band's warnings (synthetic,
    small sample, old data) or why there is none, the ask's notes, the deadline's flag."""
    advice = c.advice.notes if c.advice is not None else ()
    return (*c.market_notes, *advice, *((c.flag,) if c.flag is not None else ()))


def _offer_data(brief: Brief, c: CompanyBrief, lang: str) -> dict[str, Any]:
    """One company's advice as data, amounts in the home currency (``local``: the offer's)."""
    a = c.advice
    assert a is not None  # negotiation_brief gives every company its advice
    r = a.rate

    def home(v: float | None) -> float | None:
        return None if v is None else v * r

    stat = c.band_stat
    leverage = []
    for x in c.leverage:
        entry: dict[str, Any] = {"name": x.label, "amount": x.amount, "currency": x.amount_currency}
        if x.label is not None:  # a named offer may be told in its own currency too
            entry["own"] = {"currency": x.currency, "tc": x.market_tc}
        entry["value"] = x.value_home
        leverage.append(entry)
    return {
        "name": c.name,
        "company": c.company,
        "currency": c.currency,
        "can_win": a.can_win,
        "evidence": a.evidence,
        "ask": {
            "total": home(a.ask_tc),
            "base": home(a.ask_base),
            "currency": brief.home_currency,
            "low": home(a.low),
            "high": home(a.high),
            "local": {
                "currency": c.currency,
                "total": a.ask_tc,
                "base": a.ask_base,
                "low": a.low,
                "high": a.high,
            },
        },
        "to_beat_best_alternative": home(a.to_beat_tc),
        "to_beat_local": a.to_beat_tc,
        "walk_away": a.walk_away,
        "best_alternative": {"name": a.best_alternative, "value": a.best_value},
        # the extra sign-on (gross, offer currency) that nets what leaving forfeits
        "make_whole_sign_on": c.make_whole.sign_on if c.make_whole is not None else None,
        "transfer": c.transfer,  # the current job moved: its grants keep vesting
        # the best start of the next twelve months against staying (the current job's currency)
        "best_start": None
        if c.start is None
        else {
            "date": c.start.best.start.isoformat(),
            "instead_of": c.start.reference.start.isoformat(),
            "worth": c.start.worth,
            "currency": c.start.currency,
            "kept": [{"kind": k, "date": d.isoformat()} for k, d in c.start.kept],
            "weighed": [c.start.days[0].start.isoformat(), c.start.days[-1].start.isoformat()],
        },
        "value": a.value_home,
        "value_at_ask": a.value_at_ask,
        "offer_tc": home(a.offer_tc),
        "market_p75": home(c.band.get("p75")),
        "market_p90": home(c.band.get("p90")),
        "market": {
            "n": c.market_n,
            "level": c.level,
            "method": stat.method if stat is not None else None,
            "median_date": _plain(stat.median_date) if stat is not None else None,
            "newest": _plain(stat.newest) if stat is not None else None,
            "synthetic": bool(stat is not None and stat.synthetic),
            "synthetic_rows": stat.synthetic if stat is not None else 0,
            "band": dict(c.band),
            "percentile": c.percentile,
        },
        "leverage": leverage,
        "moves": [_plain(m) for m in a.moves],
        "counters": dict(c.counters),
        "warnings": [_warned(n, lang) for n in warnings_of(c)],
    }


def brief_data(brief: Brief, lang: str = "en") -> dict[str, Any]:
    """The brief as plain JSON-ready values (dates as ``YYYY-MM-DD``; notes as code and params).

    ``companies`` holds each company's figures as the calculators give them (its ``ask`` the
    NEGOTIATION_ASK function's measures); ``market`` what the market table rests on and
    ``offers`` the advice per company, amounts in the home currency, each warning with its
    ``text`` in ``lang``.
    """
    if lang not in LANGS:
        raise InvalidInputError("lang must be en or ja")
    out: dict[str, Any] = _plain(
        {
            f.name: getattr(brief, f.name)
            for f in dataclasses.fields(brief)
            if f.name not in ("market", "notes", "companies")
        }
    )
    out["companies"] = [
        {
            f.name: _plain(getattr(c, f.name))
            for f in dataclasses.fields(c)
            if f.name not in ("advice", "band_stat")
        }
        for c in brief.companies
    ]
    out["basis_words"] = basis_words(brief.basis, lang, brief.years or None)
    out["market"] = {
        "synthetic": brief.market.synthetic > 0,
        "n": brief.market.n,
        "synthetic_rows": brief.market.synthetic,
        "as_of": _plain(brief.market.newest),
        "warnings": [_warned(n, lang) for n in brief.notes],
    }
    out["offers"] = [_offer_data(brief, c, lang) for c in brief.companies]
    return out


def render(brief: Brief, lang: str = "en") -> str:
    """The brief as Markdown in ``lang`` (``en`` or ``ja``): plain words, every amount you
    say rounded as said, no internal identifier."""
    if lang not in LANGS:
        raise InvalidInputError("lang must be en or ja")
    t = LABELS[lang]

    def said(note: Note) -> str:
        return say(note, lang, plain=True)

    def cash(value: float, currency: str) -> str:
        return money(value, currency, lang)

    h = brief.home_currency
    words = basis_words(brief.basis, lang, brief.years or None)
    out = [
        f"# {t['title']}",
        "",
        f"**{t['private']}**",
        "",
        t["basis"].format(basis=words, ccy=h, date=brief.as_of.isoformat()),
    ]
    if brief.calendar is not None and brief.basis.startswith(("net_", "disposable_")):
        out.append(t["calendar"].format(date=brief.calendar.isoformat()))
    if brief.target:
        out.append(t["target"].format(v=cash(brief.target, h)))
    if brief.walk_away_set:
        out.append(t["walk_all"].format(v=cash(brief.walk_away, h), basis=words))
    else:
        out.append(t["walk_none"])
    lost = brief.forfeited
    if lost is not None:
        out.append(
            t["forfeit"].format(
                date=lost.leave_date.isoformat(),
                net=cash(lost.net, lost.currency),
                gross=cash(lost.gross, lost.currency),
                equity=cash(lost.equity, lost.currency),
                bonus=cash(lost.bonus, lost.currency),
            )
        )
    for note in brief.notes:
        out += ["", f"**{_sentence(said(note), lang)}**"]
    for c in brief.companies:
        out += _company(brief, c, lang, words)
    out += ["", f"## {t['impact']}", ""]
    for e in brief.impact:
        point = (e.text.get("point_ja") if lang == "ja" else None) or e.text.get("point") or e.item
        out.append(f"- {point}: {t['worth'].format(v=cash(e.value, h))}")
    out += ["", f"## {t['timeline']}", ""]
    for entry in brief.timeline:
        days = t["days"].format(d=entry.days_left) if entry.days_left is not None else ""
        flag = f" — {said(entry.flag)}" if entry.flag is not None else ""
        deadline = entry.deadline.isoformat() if entry.deadline else "—"
        out.append(f"- {deadline}: {entry.name} ({days}){flag}")
    return "\n".join(out) + "\n"


def _sentence(text: str, lang: str) -> str:
    """A note said as a line of its own: capitalised and closed with a full stop."""
    if lang == "ja":
        return text if text.endswith("。") else text + "。"
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _company(brief: Brief, c: CompanyBrief, lang: str, words: str) -> list[str]:
    """One company's page: market evidence, leverage, the ask, components, deadline."""
    t = LABELS[lang]
    h = brief.home_currency
    a = c.advice
    assert a is not None  # negotiation_brief gives every company its advice

    def said(note: Note) -> str:
        return say(note, lang, plain=True)

    def cash(value: float, currency: str) -> str:
        return money(value, currency, lang)

    def spoken_cash(value: float, currency: str, how: str = "nearest") -> str:
        return money(spoken_amount(value, currency, how), currency, lang)

    out = [
        "",
        f"## {c.name} ({c.city}, {c.currency})",
        "",
        f"### {t['market']}",
        "",
        "- " + t["tc"].format(v=cash(c.market_tc, c.currency)),
    ]
    if c.percentile is not None:
        b = {k: cash(v, c.currency) for k, v in c.band.items()}
        level = t["level"].format(level=c.level) if c.level else ""
        out.append("- " + t["pct"].format(p=c.percentile, n=c.market_n, city=c.city, level=level))
        stat = c.band_stat
        median = stat.median_date.isoformat() if stat is not None and stat.median_date else t["undated"]
        newest = stat.newest.isoformat() if stat is not None and stat.newest else t["undated"]
        out.append("- " + t["band"].format(**b, median=median, newest=newest))
        out += ["- " + t["warn"].format(w=said(w)) for w in c.market_notes]
    else:
        out.append("- " + t["nomarket"].format(why="; ".join(said(w) for w in c.market_notes)))
    out += ["", f"### {t['leverage']}", ""]
    if not c.leverage:
        out.append("- " + t["nolev"])
    for x in c.leverage:
        home = cash(x.value_home, h)
        if x.label is None:
            out.append(
                "- " + t["cite_anon"].format(tc=cash(x.amount, x.amount_currency), home=home, basis=words)
            )
            continue
        also = (
            ""
            if x.currency == x.amount_currency
            else t["cite_also"].format(v=cash(x.amount, x.amount_currency))
        )
        out.append(
            "- "
            + t["cite"].format(
                who=x.label, tc=cash(x.market_tc, x.currency), also=also, home=home, basis=words
            )
        )
    out += ["", f"### {t['ask']}", ""]
    held = any(n.code in ("ask_above_market", "ask_no_evidence") for n in a.notes)
    line = t["ask_held"] if held else t["ask_line"]
    out.append("- " + line.format(tc=cash(a.ask_tc, c.currency), base=cash(a.ask_base, c.currency)))
    premium = f"{100 * brief.scarcity_premium:g}"
    if a.evidence == "market":
        out.append(
            "- "
            + t["backed_market"].format(
                n=c.market_n,
                premium=premium,
                low=spoken_cash(a.low, c.currency, "up"),
                high=spoken_cash(a.high, c.currency, "down"),
            )
        )
    else:
        out.append(
            "- "
            + t["backed_offer"].format(
                premium=premium,
                low=spoken_cash(a.low, c.currency, "up"),
                high=spoken_cash(a.high, c.currency, "down"),
                most=round(100 * (a.high / a.offer_tc - 1)) if a.offer_tc else 0,
            )
        )
    if c.leverage and a.leverage_tc is not None and a.leverage_tc > a.low:
        out.append("- " + t["lifted"])
    if a.to_beat_tc is None:
        out.append("- " + t["to_beat_none"])
    elif not a.to_beat_raise:
        out.append("- " + t["to_beat_won"])
    else:
        out.append(
            "- "
            + t["to_beat"].format(
                tc=cash(a.to_beat_tc, c.currency), raise_=spoken_cash(a.to_beat_raise, c.currency, "up")
            )
        )
    out += ["- " + _sentence(said(n), lang) for n in a.notes]
    if a.walk_away is None:
        out.append("- " + t["walk_unset"])
    else:
        out.append("- " + t["walk"].format(v=cash(a.walk_away, h), basis=words))
    best = t["current_job"] if a.best_alternative == CURRENT else a.best_alternative
    out.append("- " + t["best"].format(name=best, v=cash(a.best_value, h), basis=words))
    if c.make_whole is not None:
        said_whole = t["whole_transfer" if c.transfer else "whole"]
        out.append("- " + said_whole.format(v=spoken_cash(c.make_whole.sign_on, c.currency, "up")))
    elif c.make_whole_note is not None:
        out.append("- " + t["whole_none"].format(why=said(c.make_whole_note)))
    out += _start_lines(c, t, said, spoken_cash)
    out.append("- " + t["value"].format(v=cash(a.value_home, h), at=cash(a.value_at_ask, h), basis=words))
    head = t["counters"].format(m=cash(brief.margin, h)) if brief.margin else t["counters_bare"]
    out += ["", f"### {head}", ""]
    for comp, value in c.counters.items():
        label = COMPONENTS[lang][comp]
        if value is None:
            text = said(c.unreachable[comp])
        elif value == 0:
            text = t["already"]
        else:
            key = "bonus" if comp == "bonus_target" else "raise"
            text = t[key].format(v=spoken_cash(value, c.currency, "up"))
        out.append(f"- {label}: {text}")
    if c.deadline:
        flag = said(c.flag) if c.flag is not None else None
        out += ["", t["deadline"].format(d=c.deadline.isoformat()) + (f" ({flag})" if flag else "")]
    return out
