"""``negotiate build-workbook``: rebuild the example workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from addin.cli.common import fail


def build_workbook(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Where to write (blank: workbook/negotiation.xlsm of the source tree)"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is not an unmodified build of the example")
    ] = False,
) -> None:
    """Build the example workbook (deterministic: the same input gives identical bytes).

    It writes the example only; `negotiate new` starts a workbook for your own offers.
    """
    from addin.paths import SOURCE_WORKBOOK, source_tree
    from addin.workbook.builder import build, is_example_build

    if output is None:
        root = source_tree()
        if root is None:
            fail("give -o PATH: outside the source tree there is no shipped workbook to rebuild")
        output = (root or Path()) / SOURCE_WORKBOOK
    if output.exists() and not force and not is_example_build(output):
        fail(
            f"{output.name}: not an unmodified build of the example (your data may be in "
            "it); nothing was written. Use -o another path, or --force to replace it"
        )
    path = build(output)
    typer.echo(f"wrote {path.name}")


def register(app: Any) -> None:
    app.command("build-workbook")(build_workbook)
