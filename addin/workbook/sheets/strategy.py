"""Strategy (PRIVATE): target, walk-away, BATNA, counters, the ask, impact ledger, timeline.

Columns A to J; the recruiter-disclosure switches of :mod:`addin.workbook.sheets.disclosure`
live on the same sheet from column K.  Every computed number is a UDF formula,
one number per cell.  Sections start with a bold title in column A, which the
reader (:func:`addin.render.brief.read_strategy`) looks for.
"""

from __future__ import annotations

from typing import Any

from addin.workbook.model import Call, Model, Op, Ref, blank_if
from addin.workbook.sheets import market, relocation
from addin.workbook.sheets.layout import MAX_OFFERS, Layout
from calculators.negotiation import CITE_CHOICES, COUNTER_COMPONENTS
from calculators.relocation.cost_of_living import canonical_city

NAME = "Strategy"
BANNER = "PRIVATE: your walk-away, BATNA and counters. Never share this sheet."
INPUTS, STANDING, ASK, GAP, IMPACT, LEVERAGE, EXPECTED, TIMELINE, CURRENT = (
    "Inputs",
    "Standing and counters",
    "The ask per company",
    "Target gap",
    "Impact ledger",
    "Leverage",
    "Expected offers",
    "Timeline",
    "Current job",
)
INPUT_HELP = {
    "basis": "Basis of the BATNA, counters and walk-away (net_annualized: take-home a year)",
    "target_basis": "Basis the income target is stated on",
    "target": "Income target a year, home currency (from Params income_target)",
    "walk_away": "The least you accept on the basis, home currency",
    "margin": "Beat the best alternative by at least this much, home currency",
    "scarcity_premium": "How far above the market band your rare skills justify asking",
    "market_level": "Market rows of this level are comparable",
    "as_of": "Today: deadlines and data recency count from here",
    "current_base_salary": "The current job's base (the Relocation sheet): the last resort",
}
LEVERAGE_CHOICES = CITE_CHOICES  # how another offer may be cited, as the brief's rules read it
UNREACHABLE = "out of reach"
RAISE_HEAD = ["raise base_salary", "raise sign_on", "raise rsu_grant", "raise target bonus (amount)"]
IMPACT_HEAD = [
    "item",
    "unit",
    "before",
    "after",
    "volume",
    "unit value",
    "higher is better",
    "value a year",
    "talking point",
    "話すポイント",
]
# The ask section: your walk-away and the best alternative, each on its own line, then the
# brief's ask: the rows NEGOTIATION_ADVICE gives (its ADVICE_MEASURES, in order)
ASK_HEAD = [
    "offer",
    "your walk-away",
    "best alternative",
    "which is",
    "ask TC",
    "ask base",
    "range low",
    "range high",
    "TC to beat best alternative",
    "can win",
]
ADVICE_SHOWN = ("ask_tc", "ask_base", "low", "high", "to_beat_tc", "can_win")


BLANK_IMPACT_ROWS = 5  # rows for the user's own measurements in a new workbook
BLANK_EXPECTED_ROWS = 3


def _impact_rows(data: dict[str, Any]) -> int:
    return len(data["strategy"].get("impact") or ()) or BLANK_IMPACT_ROWS


def _expected_rows(data: dict[str, Any]) -> int:
    return len(data["strategy"].get("expected") or ()) or BLANK_EXPECTED_ROWS


def rows(data: dict[str, Any]) -> dict[str, int]:
    """The row of each section's title."""
    n = MAX_OFFERS
    out = {INPUTS: 3}
    out[STANDING] = out[INPUTS] + len(INPUT_HELP) + 3
    out[ASK] = out[STANDING] + n + 3
    out[GAP] = out[ASK] + n + 3
    out[IMPACT] = out[GAP] + n + 3
    out[LEVERAGE] = out[IMPACT] + _impact_rows(data) + 3
    out[EXPECTED] = out[LEVERAGE] + n + 3
    out[TIMELINE] = out[EXPECTED] + _expected_rows(data) + 3
    out[CURRENT] = out[TIMELINE] + n + 3
    return out


def input_cell(data: dict[str, Any], name: str) -> Ref:
    return Ref(NAME, rows(data)[INPUTS] + 2 + list(INPUT_HELP).index(name), 1)


def expected_ref(data: dict[str, Any]) -> Ref:
    top = rows(data)[EXPECTED] + 2
    return Ref(NAME, top, 0, top + _expected_rows(data) - 1, 1)


def _head(m: Model, r: int, title: str, header: list[str]) -> None:
    m.put(NAME, r, 0, title, "bold")
    for c, text in enumerate(header):
        m.put(NAME, r + 1, c, text, "head")


def fill(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    s = data["strategy"]
    at = rows(data)
    inp = {name: input_cell(data, name) for name in INPUT_HELP}
    basket = relocation.inputs_ref(data)
    home, years, disc = (lay.param("home_currency"), lay.param("horizon_years"), lay.param("discount_rate"))
    # COUNTER_OFFER and NEGOTIATION_ADVICE take the valuation arguments in this one order
    valuation = (inp["basis"], inp["margin"], basket, lay.fx, home, years, disc)
    m.put(NAME, 0, 0, "Strategy", "title")
    m.put(NAME, 1, 0, BANNER, "private")
    _head(m, at[INPUTS], INPUTS, ["input", "value", "what it means"])
    values: dict[str, Any] = {
        "basis": s["basis"],
        "target_basis": s["target_basis"],
        "target": lay.param("income_target"),
        "walk_away": s["walk_away"],
        "margin": s["margin"],
        "scarcity_premium": s["scarcity_premium"],
        "market_level": s["market_level"],
        # a date typed in (the example's), or today's whenever the workbook is recalculated
        "as_of": Call("TODAY") if s["as_of"] is None else s["as_of"].isoformat(),
        "current_base_salary": _relocation_cell(data, "current_base_salary"),
    }
    styles = {
        "target": "num",
        "walk_away": "num",
        "margin": "num",
        "scarcity_premium": "pct",
        "current_base_salary": "num",
    }
    if s["as_of"] is None:
        styles["as_of"] = "date"
    for name, help_text in INPUT_HELP.items():
        cell = inp[name]
        m.put(NAME, cell.row, 0, name)
        m.put(NAME, cell.row, 1, values[name], styles.get(name))
        m.put(NAME, cell.row, 2, help_text)

    r0 = at[STANDING]
    _head(
        m,
        r0,
        STANDING + " (basis above, home currency; raises in the offer's currency)",
        ["offer", "value", "BATNA", "BATNA is", "lead", *RAISE_HEAD],
    )
    for i in range(1, lay.n_offers + 1):
        r = r0 + 1 + i
        offer = Ref(NAME, r, 0, absolute=False)
        m.put(NAME, r, 0, lay.slot_ref(i))

        def counter(component: str | None, output: str, offer: Ref = offer) -> Call:
            return Call(
                "COUNTER_OFFER",
                (
                    lay.offers,
                    offer,
                    component,
                    *valuation,
                    None,
                    output,
                    None if component is None else UNREACHABLE,
                    lay.personal,
                    lay.calendar,
                ),
            )

        for c, output in ((1, "before"), (2, "batna"), (3, "batna_name"), (4, "lead")):
            m.put(NAME, r, c, lay.for_slot(i, counter(None, output)), None if c == 3 else "num")
        for c, component in enumerate(COUNTER_COMPONENTS, start=5):
            m.put(NAME, r, c, lay.for_slot(i, counter(component, "increase")), "num")

    standing = at[STANDING]
    r0 = at[ASK]
    _head(
        m,
        r0,
        ASK + " (walk-away, best alternative: on the basis, home currency; the ask: offer currency)",
        ASK_HEAD,
    )
    table = market.data_ref(data)
    top = at[LEVERAGE] + 2  # the leverage section's offer / cite-as rows
    leverage = Ref(NAME, top, 0, top + lay.n_offers - 1, 1)
    walk_away = inp["walk_away"]
    for i in range(1, lay.n_offers + 1):
        r = r0 + 1 + i
        m.put(NAME, r, 0, lay.slot_ref(i))
        # yours as you typed it, for every offer (blank: none set), never the BATNA instead
        m.put(NAME, r, 1, lay.for_slot(i, blank_if(Op("=", walk_away, ""), walk_away)), "num")
        # the standing section's BATNA of the same offer (its rows are in the same order)
        m.put(NAME, r, 2, Ref(NAME, standing + 1 + i, 2, absolute=False), "num")
        m.put(NAME, r, 3, Ref(NAME, standing + 1 + i, 3, absolute=False))
        advice = Call(
            "NEGOTIATION_ADVICE",
            (
                lay.offers,
                Ref(NAME, r, 0, absolute=False),
                table,
                walk_away,
                inp["scarcity_premium"],
                *valuation,
                inp["market_level"],
                inp["as_of"],
                leverage,
                lay.personal,
                lay.calendar,
            ),
        )
        for c, measure in enumerate(ADVICE_SHOWN, start=4):
            m.put(
                NAME,
                r,
                c,
                lay.for_slot(i, lay.shown(Call("INDEX", (advice, ADVICE_SHOWN.index(measure) + 2, 2)))),
                None if measure == "can_win" else "num",
            )

    r0 = at[GAP]
    _head(
        m, r0, GAP + " (target basis, home currency)", ["offer", "value", "target", "gap", "share of target"]
    )
    gap = Call(
        "TARGET_GAP",
        (
            lay.offers,
            inp["target"],
            home,
            inp["target_basis"],
            years,
            disc,
            lay.fx,
            basket,
            lay.personal,
            lay.calendar,
        ),
    )
    for i in range(1, lay.n_offers + 1):
        r = r0 + 1 + i
        for c in range(5):
            m.put(
                NAME,
                r,
                c,
                blank_if(
                    Op("=", lay.param("income_target"), ""),
                    lay.for_rank(i, Call("INDEX", (gap, i + 1, c + 1))),
                ),
                None if c == 0 else "pct" if c == 4 else "num",
            )

    r0 = at[IMPACT]
    _head(m, r0, IMPACT + " (your own measurements and estimates; value in the home currency)", IMPACT_HEAD)
    impact = list(s.get("impact") or ())
    for i in range(1, _impact_rows(data) + 1):
        r = r0 + 1 + i
        if i <= len(impact):
            e = impact[i - 1]
            plain = [
                e["item"],
                e["unit"],
                e["before"],
                e["after"],
                e["volume"],
                e["unit_value"],
                "yes" if e.get("higher_is_better") else "no",
            ]
            for c, value in enumerate(plain):
                m.put(NAME, r, c, value, "num" if c == 4 else None)
            m.put(NAME, r, 8, e["point"])
            m.put(NAME, r, 9, e.get("point_ja", ""))
        value = Call("IMPACT_VALUE", tuple(Ref(NAME, r, c, absolute=False) for c in (4, 2, 3, 5, 6)))
        m.put(NAME, r, 7, blank_if(Op("=", Ref(NAME, r, 0, absolute=False), ""), value), "num")

    r0 = at[LEVERAGE]
    _head(
        m,
        r0,
        LEVERAGE + ": how each offer may be cited to the others",
        ["offer", "cite as", "name: company and figures; figures: without the company; none: not mentioned"],
    )
    cite = s.get("leverage", {})
    names = [o["name"] for o in data["offers"]]
    for i in range(1, lay.n_offers + 1):
        m.put(NAME, r0 + 1 + i, 0, lay.slot_ref(i))
        m.put(NAME, r0 + 1 + i, 1, cite.get(names[i - 1], "none") if i <= len(names) else "none")

    r0 = at[EXPECTED]
    _head(m, r0, EXPECTED + " (still to come)", ["offer", "expected"])
    for i, e in enumerate(s.get("expected") or (), start=2):
        m.put(NAME, r0 + i, 0, e["name"])
        m.put(NAME, r0 + i, 1, e["date"].isoformat())

    r0 = at[TIMELINE]
    _head(
        m,
        r0,
        TIMELINE + " (earliest deadline first)",
        ["offer", "deadline", "start date", "days left", "flag"],
    )
    line = Call("OFFER_TIMELINE", (lay.offers, inp["as_of"], expected_ref(data)))
    for i in range(1, lay.n_offers + 1):
        for c in range(5):
            m.put(NAME, r0 + 1 + i, c, lay.for_rank(i, lay.shown(Call("INDEX", (line, i + 1, c + 1)))))

    _fill_current_job(m, lay, data)


# --- Current job (stay vs go): the FORFEITED table, what leaving forfeits, the make-whole sign-on
CURRENT_JOB_HELP = {
    "jurisdiction": "Where the current job is taxed (blank: the Relocation sheet's home city)",
    "base_salary": "Its yearly base (blank: the Relocation sheet's current_base_salary)",
    "bonus_target": "Its bonus, a fraction of base (0.2 is 20 %)",
    "next_bonus_date": "When that bonus is paid; after your last day it is lost, in full",
    "equity_currency": "Currency of the unvested amounts below (blank: the job's)",
}
BLANK_VEST_ROWS = 4  # rows for unvested grants: vest date in A, amount in B
BASE_TYPED_HERE = (
    "Its yearly base; also your alternative to the offers (Relocation's current_base_salary follows it)"
)
MIRROR_HELP = "Your current job's yearly base: the Strategy sheet's current job (type it there)"
# FORFEITED's bases shown below the leave date, each with its label
FORFEITED_ROWS = {
    "net": "forfeited after tax",
    "gross": "forfeited before tax",
    "transfer": "forfeited by a transfer, after tax",  # the bonus alone: the grants vest on
}


def current_job_ref(data: dict[str, Any]) -> Ref:
    """The FORFEITED table: the fields and the vest rows, columns A:C (a vest row's C is its
    grant date, read for a transfer; a field row's C is its help)."""
    top = rows(data)[CURRENT] + 2
    return Ref(NAME, top, 0, top + len(CURRENT_JOB_HELP) + BLANK_VEST_ROWS - 1, 2)


def leave_ref(data: dict[str, Any]) -> Ref:
    """The current job's leave_date cell (below its vest rows)."""
    return Ref(NAME, rows(data)[CURRENT] + 2 + len(CURRENT_JOB_HELP) + BLANK_VEST_ROWS, 1)


def current_job_cell(data: dict[str, Any], field: str) -> Ref:
    """One field's value cell of the current job (:data:`CURRENT_JOB_HELP`)."""
    return Ref(NAME, rows(data)[CURRENT] + 2 + list(CURRENT_JOB_HELP).index(field), 1)


def _fill_current_job(m: Model, lay: Layout, data: dict[str, Any]) -> None:
    job = dict(data["strategy"].get("current_job") or {})
    r0 = rows(data)[CURRENT]
    _head(
        m,
        r0,
        CURRENT + " (stay vs go: what leaving forfeits, in its currency)",
        ["field", "value", "what it means"],
    )
    linked = {"jurisdiction": "home_city", "base_salary": "current_base_salary"}
    # no current salary anywhere (a new workbook): the base typed here is the one input, and the
    # Relocation sheet's current_base_salary follows it (the current job as your alternative)
    mirrored = (
        job.get("base_salary") is None and data["relocation"]["costs"].get("current_base_salary") is None
    )
    if mirrored:
        del linked["base_salary"]
    for k, (name, help_text) in enumerate(CURRENT_JOB_HELP.items()):
        r = r0 + 2 + k
        value = job.get(name)
        if name == "base_salary" and mirrored:
            help_text = BASE_TYPED_HERE
        if value is None and name in linked:
            value = _relocation_cell(data, linked[name])
        m.put(NAME, r, 0, name)
        m.put(
            NAME, r, 1, value, "num" if name == "base_salary" else "pct" if name == "bonus_target" else None
        )
        m.put(NAME, r, 2, help_text)
    vests = list(job.get("unvested") or ())
    first_vest = r0 + 2 + len(CURRENT_JOB_HELP)
    for k in range(BLANK_VEST_ROWS):
        if k < len(vests):
            m.put(NAME, first_vest + k, 0, vests[k][0].isoformat())
            m.put(NAME, first_vest + k, 1, vests[k][1], "num")
        m.put(NAME, first_vest + k, 2, "Unvested: vest date (A), amount (B); grant date here for a transfer")
    table = current_job_ref(data)
    base = current_job_cell(data, "base_salary")
    if mirrored:
        # in the home city's currency only: a job paid in another is no base there
        mirror = _relocation_cell(data, "current_base_salary")
        paid_in = Ref(NAME, leave_ref(data).row + len(FORFEITED_ROWS) + 1, 1)  # FORFEITED's currency
        home = canonical_city(data["relocation"]["home_city"]).currency
        same = Call("IF", (Op("=", paid_in, home), base, ""))
        m.put(
            relocation.NAME,
            mirror.row,
            mirror.col,
            blank_if(Op("=", base, ""), same),
            relocation.money_style(data),
        )
        m.put(relocation.NAME, mirror.row, mirror.col + 1, MIRROR_HELP)
    leave = leave_ref(data)
    r = leave.row
    m.put(NAME, r, 0, "leave_date")
    m.put(NAME, r, 1, input_cell(data, "as_of"), "date")
    m.put(NAME, r, 2, "Your last day (as_of until you type one); vests and a bonus after it are lost")
    lost = {}
    for k, (basis, label) in enumerate(FORFEITED_ROWS.items()):
        lost[basis] = Ref(NAME, r + 1 + k, 1)
        call = Call("FORFEITED", (table, leave, basis, lay.fx, lay.personal))
        m.put(NAME, r + 1 + k, 0, label)
        m.put(NAME, r + 1 + k, 1, lay.shown(blank_if(Op("=", base, ""), call)), "num")
    r += len(FORFEITED_ROWS)
    currency = Ref(NAME, r + 1, 1)
    m.put(NAME, r + 1, 0, "currency")
    m.put(
        NAME,
        r + 1,
        1,
        lay.shown(
            blank_if(Op("=", base, ""), Call("FORFEITED", (table, leave, "currency", lay.fx, lay.personal)))
        ),
    )
    top = r + 3
    _head(m, top, "Make-whole sign-on (offer's currency, gross)", ["offer", "sign-on that nets it after tax"])
    for i in range(1, lay.n_offers + 1):
        row = top + 1 + i
        m.put(NAME, row, 0, lay.slot_ref(i))
        call = Call(
            "MAKE_WHOLE",
            (
                lay.offers,
                lost["net"],
                "net_first_year",
                currency,
                lay.fx,
                Ref(NAME, row, 0, absolute=False),
                lay.personal,
                lost["transfer"],
                lay.calendar,
            ),
        )
        m.put(NAME, row, 1, lay.for_slot(i, lay.shown(blank_if(Op("=", base, ""), call))), "num")


def _relocation_cell(data: dict[str, Any], key: str) -> Ref:
    names = [k for k, _, _ in relocation.input_rows(data)]
    return Ref(relocation.NAME, relocation.INPUT_TOP + 1 + names.index(key), 1)


def dress(ws: Any, wb: Any, lay: Layout, data: dict[str, Any]) -> None:
    from addin.workbook.sheets import disclosure  # noqa: PLC0415 - its block shares this sheet

    ws.set_tab_color("#C00000")
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 7, 17)
    ws.set_column(8, 9, 40)
    ws.set_column(10, 15, 14)  # the brief's ask columns: a TC of 66,900,000 fits
    at = rows(data)
    first = at[LEVERAGE] + 2
    ws.data_validation(
        first, 1, first + lay.n_offers - 1, 1, {"validate": "list", "source": list(LEVERAGE_CHOICES)}
    )
    disclosure.dress(ws, wb, lay, data)
