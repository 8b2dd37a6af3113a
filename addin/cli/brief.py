"""``negotiate brief``: the night-before page, per company, in English or Japanese."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from addin.cli.common import AS_OF_HELP, OFFER_YEARS_HELP


def register(app: Any) -> None:
    @app.command("brief")
    def brief(
        workbook: Annotated[
            Path | None, typer.Argument(help="Workbook to read (default: the shipped one)")
        ] = None,
        lang: Annotated[str, typer.Option(help="en or ja")] = "en",
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Write the Markdown here (default: print it)")
        ] = None,
        as_json: Annotated[
            bool,
            typer.Option(
                "--json",
                help="Print the brief as data: per offer the ask, what beating your best "
                "alternative takes, your walk-away, the market p90 (home currency) and the "
                "warnings, said in --lang",
            ),
        ] = False,
        as_of: Annotated[str | None, typer.Option(help=AS_OF_HELP)] = None,
        offer_years: Annotated[bool, typer.Option("--offer-years", help=OFFER_YEARS_HELP)] = False,
    ) -> None:
        """The negotiation brief: market evidence, leverage, the ask, walk-away, counters.

        PRIVATE: it holds your walk-away and best alternative; never send it.
        """
        from addin.cli.common import calendar_option, json_text
        from addin.paths import example_workbook
        from addin.render.brief import LANGS, brief_data, build_brief, render
        from calculators.errors import InvalidInputError

        code = lang.strip().lower()
        if code not in LANGS:
            raise InvalidInputError("--lang must be en or ja")
        path = workbook or example_workbook()
        given, day = calendar_option(as_of, offer_years, path.name)
        data = build_brief(path, day, given)
        text = json_text(brief_data(data, code)) + "\n" if as_json else render(data, code)
        if output is None:
            typer.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output.name}")
