"""``negotiate recalc WORKBOOK [-o OUT]``: evaluate every formula and store the results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def recalc(
        workbook: Annotated[Path, typer.Argument(help="Workbook to evaluate (.xlsx / .xlsm)")],
        output: Annotated[Path | None, typer.Option(
            "-o", "--output",
            help="Where to write (default: WORKBOOK.recalc.xlsm beside it; the input is "
                 "rewritten only when -o names it)")] = None,
    ) -> None:
        """Evaluate every formula (Excel built-ins and this add-in's functions) headlessly.

        The results are stored as the cells' cached values, so the file shows numbers
        in any spreadsheet program, even without the add-in.
        """
        from addin.recalc import recalc as run

        result = run(workbook, output)
        typer.echo(f"wrote {result.path.name}: {result.formula_cells} formula cells, "
                   f"{result.spilled_cells} spilled cells, {result.udf_calls} function calls")
        if result.error_cells:
            shown = ", ".join(result.error_cells[:5])
            more = f" and {len(result.error_cells) - 5} more" if len(result.error_cells) > 5 else ""
            typer.echo(f"negotiate: {len(result.error_cells)} cells show an error: {shown}{more}",
                       err=True)
            raise typer.Exit(1)
