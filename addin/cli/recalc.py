"""``negotiate recalc WORKBOOK [-o OUT]``: evaluate every formula and store the results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def problems(name: str, result: object) -> str | None:
    """The one line that says what in the recalculated ``result`` needs a look, or ``None``.

    A formula cell with no result is what a circular reference leaves (the engine does not
    iterate).  Text longer than Excel allows in a cell is ``#VALUE!``, as Excel makes it.
    """
    from addin.recalc import LIMITS, cell_list

    errors = list(getattr(result, "error_cells", ()))
    missing = tuple(getattr(result, "no_result", ()))
    parts = []
    if missing:
        n = len(missing)
        parts.append(
            f"{n} formula cell{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} "
            f"no result, as a circular reference leaves them ({cell_list(missing)})"
        )
    if errors:
        n = len(errors)
        what = f"{n} cell{'s' if n != 1 else ''} show{'' if n != 1 else 's'}"
        note = ""
        if getattr(result, "long_text", 0):
            note = (
                f" (text longer than {LIMITS.text_chars:,} characters, Excel's limit for a cell, is #VALUE!)"
            )
        parts.append(f"{what} an error: {cell_list(errors)}{note}")
    return f"{name}: " + "; ".join(parts) if parts else None


def register(app: typer.Typer) -> None:
    @app.command()
    def recalc(
        workbook: Annotated[Path, typer.Argument(help="Workbook to evaluate (.xlsx / .xlsm)")],
        output: Annotated[
            Path | None,
            typer.Option(
                "-o",
                "--output",
                help="Where to write (default: WORKBOOK.recalc.xlsm beside it; the input is "
                "rewritten only when -o names it)",
            ),
        ] = None,
    ) -> None:
        """Evaluate every formula (Excel built-ins and this add-in's functions) headlessly.

        The results are stored as the cells' cached values, so the file shows numbers
        in any spreadsheet program, even without the add-in.  No other file is ever
        opened: a workbook referring to another workbook is refused.  A workbook
        beyond recalc's bounds (ranges, formulas, function calls, CPU time, memory) is
        refused with one line, and nothing is written.
        """
        from addin.recalc import recalc as run

        result = run(workbook, output)
        typer.echo(
            f"wrote {result.path.name}: {result.formula_cells} formula cells, "
            f"{result.spilled_cells} spilled cells, {result.udf_calls} function calls"
        )
        line = problems(workbook.name, result)
        if line:
            typer.echo(f"negotiate: {line}", err=True)
            raise typer.Exit(1)
