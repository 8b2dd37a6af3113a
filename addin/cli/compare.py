"""``negotiate compare``: rank the offers of a workbook."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from addin.cells import opt_setting
from addin.cli.common import AS_OF_HELP, OFFER_YEARS_HELP, calendar_option, default_workbook, json_text
from calculators.defaults import AGE, BASIS, DISCOUNT_RATE, YEARS, Setting
from calculators.errors import NegotiationError


def _out_of_range(name: str, rows: list[dict[str, Any]]) -> None:
    """A result too large to be a number (an FX rate or amount far out of scale) is an
    error naming the file and the offer, never ``inf`` in a ranking."""

    def finite_all(value: Any) -> bool:
        if isinstance(value, dict):
            return all(finite_all(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return all(finite_all(v) for v in value)
        return not isinstance(value, float) or math.isfinite(value)

    for row in rows:
        for key, value in row.items():
            if not finite_all(value):
                raise NegotiationError(
                    f"{name}: offer {row.get('name')!s}: {key} is out of "
                    "range; check the sizes of the amounts and FX rates"
                )


def _param(params: dict[str, Any], key: str, setting: Setting, name: str) -> Any:
    """A setting from the workbook's Params sheet, read as the sheet's own functions read it
    (:func:`addin.cells.opt_setting`: blank takes the setting's default, "5%" is 0.05 where the
    setting is a fraction); a bad value is one line naming the file, the Params row and the
    setting's range."""
    try:
        return opt_setting(params.get(key), setting)
    except NegotiationError as exc:
        raise NegotiationError(f"{name}: Params {key}: {exc}") from None


def _strategy_day(path: Path, params: dict[str, Any]) -> Any:
    """The day the workbook's sheets' net bases follow the calendar from: its Strategy as_of
    where its Params calendar is on (else none: each offer year a tax year)."""
    from addin.render.brief import calendar_day, calendar_on, strategy_as_of

    try:
        if not calendar_on(params):  # off: the Strategy sheet is not read
            return None
        return calendar_day(strategy_as_of(path), params)
    except NegotiationError as exc:
        raise NegotiationError(f"{path.name}: {exc}") from None


def compare(
    workbook: Annotated[
        Path | None, typer.Argument(help="Workbook to read (default: the shipped one)")
    ] = None,
    basis: Annotated[
        str | None,
        typer.Option(help=BASIS.doc("first_year, annualized, total or npv; net_... after tax", "default")),
    ] = None,
    years: Annotated[int | None, typer.Option(help=YEARS.doc("Horizon in years", "default"))] = None,
    currency: Annotated[str | None, typer.Option(help="Home currency, e.g. JPY")] = None,
    discount_rate: Annotated[
        float | None, typer.Option(help=DISCOUNT_RATE.doc("Yearly discount rate for npv", "default"))
    ] = None,
    tax_year: Annotated[int | None, typer.Option(help="Tax rules applied to every year (net bases)")] = None,
    age: Annotated[
        int | None, typer.Option(help=AGE.doc("Your age, where contributions depend on it", "default"))
    ] = None,
    as_of: Annotated[str | None, typer.Option(help=AS_OF_HELP)] = None,
    offer_years: Annotated[bool, typer.Option("--offer-years", help=OFFER_YEARS_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    detail: Annotated[bool, typer.Option("--detail", help="Add the year-by-year schedule")] = False,
) -> None:
    """Rank the offers of a workbook on one basis, in the home currency.

    Bases: first_year, annualized, total, npv (gross) and net_first_year, net_annualized,
    net_total, net_npv (after income tax and employee contributions).  An option left out
    takes the workbook's Params value, else the default shown.  The net bases follow the
    calendar from the Strategy sheet's as_of (--as-of: another day; --offer-years: none): a
    start late in a tax year splits the first year over two.
    """
    from addin.io.reader import WorkbookError, read_inputs, workbook_offers
    from addin.udfs.inputs import personal_from
    from calculators.offer.model import COMPONENTS, OfferBatch, cash_schedule
    from calculators.relocation.move import analyse_moves, move_inputs_from_rows
    from calculators.tax.equity_regimes import PARTS, regimes_in_effect
    from calculators.valuation.compare import Settings, compare_offers, home_currency
    from calculators.valuation.net import default_tax_year

    path = workbook or default_workbook()
    inputs = read_inputs(path)
    given, day = calendar_option(as_of, offer_years, inputs.name)
    offers = workbook_offers(inputs)
    s = inputs.settings
    try:
        move = move_inputs_from_rows(inputs.relocation) if inputs.relocation else None
    except NegotiationError as exc:
        raise WorkbookError(f"{inputs.name}: Relocation {exc}") from None
    try:  # the Params sheet's personal facts (age, church_tax, credit_points …), as its functions read them
        given_age, personal = personal_from(inputs.personal)
    except NegotiationError as exc:
        raise WorkbookError(f"{inputs.name}: Params {exc}") from None
    if age is None:  # --age, else the Params sheet's (blank: the default)
        age = given_age
    settings = Settings(
        basis=(basis or str(s.get("basis") or BASIS.default)).strip().lower(),
        years=years if years is not None else _param(s, "horizon_years", YEARS, inputs.name),
        discount_rate=discount_rate
        if discount_rate is not None
        else _param(s, "discount_rate", DISCOUNT_RATE, inputs.name),
        home_currency=home_currency(offers, currency or s.get("home_currency")),
        fx=inputs.fx,
        tax_year=tax_year if tax_year is not None else default_tax_year(offers),
        age=age,
        personal=personal,
        move=move,
        as_of=day if given else _strategy_day(path, s),
    )
    try:
        ranked = compare_offers(offers, settings)
    except NegotiationError as exc:  # e.g. an age an offer's country does not model: name the file
        raise WorkbookError(f"{inputs.name}: {exc}") from None
    table = settings.table()
    sched = cash_schedule(OfferBatch.from_offers(offers, table), settings.years) if detail else None
    result: dict[str, Any] = {
        "basis": settings.basis,
        "years": settings.years,
        "discount_rate": settings.discount_rate,
        "home_currency": settings.home_currency,
        "tax_year": settings.tax_year if settings.basis.startswith(("net_", "disposable_")) else None,
        "as_of": settings.as_of.isoformat() if settings.as_of else None,
        "fx": {
            "base": table.base,
            "as_of": table.as_of.isoformat() if table.as_of else None,
            "source": table.source,
        },
        "offers": [r.__dict__ for r in ranked],
    }
    if settings.basis.startswith("disposable_") and settings.move is not None:
        moves, stay = analyse_moves(
            offers,
            settings.move,
            table,
            settings.years,
            settings.tax_year,
            settings.tax_options(),
        )
        by_name = {m.name: m for m in moves}
        result["stay_disposable_per_year"] = None if stay is None else float(stay.mean())
        for row in result["offers"]:
            m = by_name[row["name"]]
            row["break_even_month"] = m.break_even_month
            row["one_time_costs"] = m.one_time_total
            row["fx_sensitivity"] = m.fx_sensitivity
            row["one_time_cost_items"] = m.one_time_costs
            row["move_year_cash_not_counted"] = m.ledger_notes
    if result["tax_year"]:  # a net basis: say how each offer's equity is taxed where a regime does
        by_offer = {o.name: o for o in offers}
        for row in result["offers"]:
            row["equity_regimes"] = [
                f"{'RSUs' if part == 'equity' else 'options'} taxed under {regime.name}, {regime.summary}"
                + (f" (the country's default; the offer's {PARTS[part]} sets another)" if default else "")
                for part, (regime, default) in regimes_in_effect(by_offer[row["name"]]).items()
            ]
    if sched is not None:
        index = {o.name: i for i, o in enumerate(offers)}
        for row in result["offers"]:
            i = index[row["name"]]
            row["schedule"] = [
                {"year": k + 1, **{c: float(sched[c][i, k]) for c in (*COMPONENTS, "total")}}
                for k in range(settings.years)
            ]
    _out_of_range(inputs.name, result["offers"])
    if as_json:
        typer.echo(json_text(result))
        return
    _print_table(result, detail)


def _print_table(result: dict[str, Any], detail: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    ccy = result["home_currency"]
    console = Console(width=None if sys.stdout.isatty() else 180)
    table = Table(
        title=f"Offers ranked on {result['basis']} over {result['years']} years (home currency {ccy})"
        + (
            f", on the calendar from {result['as_of']}"
            if result["as_of"] and result["basis"].startswith(("net_", "disposable_"))
            else ""
        )
    )
    for head in (
        "rank",
        "offer",
        "jurisdiction",
        "currency",
        "local value",
        f"{ccy} value",
        f"gap to best ({ccy})",
    ):
        table.add_column(head, justify="right" if head != "offer" else "left")
    moving = "break_even_month" in result["offers"][0]
    shifts = list(result["offers"][0].get("fx_sensitivity") or ())  # as the calculators report them
    if moving:
        table.add_column("break-even month", justify="right")
        for shift in shifts:
            table.add_column(f"FX {shift}", justify="right")
    for r in result["offers"]:
        cells = [
            str(r["rank"]),
            r["name"],
            r["jurisdiction"],
            r["currency"],
            f"{r['value_local']:,.0f}",
            f"{r['value_home']:,.0f}",
            f"{r['gap_to_best_home']:,.0f}",
        ]
        if moving:
            month = r["break_even_month"]
            cells.append("never" if month is None else str(month))
            cells += [f"{r['fx_sensitivity'][k]:,.0f}" for k in shifts]
        table.add_row(*cells)
    console.print(table)
    if moving and result["stay_disposable_per_year"] is None:
        console.print(
            "No current salary on the Relocation sheet (current_base_salary): no break-even against staying."
        )
    elif moving:
        console.print(
            f"Staying in the current job: {result['stay_disposable_per_year']:,.0f} {ccy} "
            "disposable a year. Break-even: months until the move has paid for itself "
            "against staying. FX columns: disposable a year if the offer's currency "
            "moves that much against the home currency."
        )
        due = {
            r["name"]: r["move_year_cash_not_counted"]
            for r in result["offers"]
            if r["move_year_cash_not_counted"]
        }
        if due:
            amount = next(iter(next(iter(due.values())).values()))
            console.print(
                f"Moving abroad, Japan's resident tax on last year's income "
                f"({amount:,.0f} {ccy}) is still due in the move year; it is owed "
                "whether or not you move, so it is not counted against the move."
            )
    fx = result["fx"]
    console.print(f"FX: units per {fx['base']} as of {fx['as_of']} ({fx['source']})")
    if result["tax_year"]:
        console.print(f"Tax: the {result['tax_year']} rules of each jurisdiction, applied to every year")
        for r in result["offers"]:
            for line in r.get("equity_regimes", ()):
                console.print(f"{r['name']}: {line}")
    if detail:
        for r in result["offers"]:
            sub = Table(title=f"{r['name']} ({r['currency']}) by year")
            keys = list(r["schedule"][0])
            for k in keys:
                sub.add_column(k, justify="right")
            for row in r["schedule"]:
                sub.add_row(*(f"{row[k]:,.0f}" if k != "year" else str(row[k]) for k in keys))
            console.print(sub)


def register(app: Any) -> None:
    app.command()(compare)
