"""``negotiate share``: the recruiter copy of a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: Any) -> None:
    @app.command("share")
    def share(
        workbook: Annotated[Path, typer.Argument(help="Your workbook (it is only read)")],
        output: Annotated[Path, typer.Option("-o", "--output", help="The copy to write (.xlsx)")],
        include: Annotated[
            list[str] | None,
            typer.Option(
                "--include", help="Also disclose this field (repeatable), even if its switch is off"
            ),
        ] = None,
        lang: Annotated[str, typer.Option(help="Labels in en or ja")] = "en",
        force: Annotated[bool, typer.Option("--force", help="Replace an existing output")] = False,
        pdf: Annotated[
            bool, typer.Option("--pdf", help="Also write a one-page PDF beside it (needs LibreOffice)")
        ] = False,
    ) -> None:
        """Write the recruiter copy: the disclosed fields of the Recruiter sheet, values only.

        A new workbook with one sheet and nothing else of yours: no formulas, names, hidden
        sheets, comments or metadata. The same input gives identical bytes. Amounts are rounded
        as a person says them; one disclosed below an offer you already hold is a warning on
        stderr (the copy is still written).
        """
        from addin.render.share import share as make_copy

        def warn(line: str) -> None:  # what the copy discloses against your interest: not a refusal
            typer.echo(f"negotiate: warning: {line}", err=True)

        path = make_copy(workbook, output, tuple(include or ()), lang.strip().lower(), force, pdf, warn)
        typer.echo(f"wrote {path.name}" + (f" and {path.with_suffix('.pdf').name}" if pdf else ""))
