"""The ``negotiate`` command: compare offers, build the workbook.

Exit 0 on success; on failure one clear line on stderr and a non-zero exit,
never a traceback.

One module per command, each with ``register(app)``, imported here by name."""

from __future__ import annotations

import os
import warnings

import typer

from addin.cli import brief, build_workbook, compare, new, recalc, serve, share
from calculators.errors import NegotiationError

# xlwings' server mode (set by `negotiate serve` for its own process) makes importing xlwings
# demand a licence key: no other command wants it, whatever the calling environment holds.
os.environ.pop("XLWINGS_ON_SERVER", None)


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Compare and negotiate job offers across countries and currencies.",
)


for _command in (brief, build_workbook, compare, new, recalc, serve, share):
    _command.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning every failure into one line on stderr."""
    try:
        with warnings.catch_warnings():  # a library's warning is no message of ours: it
            warnings.simplefilter("ignore")  # names its install path; results are checked
            code = app(args=argv, standalone_mode=False)
        if isinstance(code, int):  # click returns the code of a typer.Exit in this mode
            return code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except NegotiationError as exc:
        typer.echo(f"negotiate: {exc}", err=True)
        return 2
    except Exception as exc:  # usage errors (typer's own click) and anything unexpected
        if type(exc).__name__ == "NoArgsIsHelpError":
            return 2  # the help text has been printed
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            text = " ".join(exc.format_message().split())
            typer.echo(f"negotiate: {text}", err=True)
            return int(exc.exit_code) or 2
        typer.echo(f"negotiate: unexpected error ({type(exc).__name__})", err=True)
        return 1
    return 0
