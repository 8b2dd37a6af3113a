"""The ``negotiate`` entry point: name the missing extra before a command needs it.

The package installs the UDFs and calculators alone; each group of commands needs an
extra (``pyproject.toml`` ``[project.optional-dependencies]``).  A command run without
its extra stops with one line naming it, e.g.::

    negotiate: `negotiate serve` needs the server extra: pip install "offer-negotiation[server]"

instead of an import error from deep inside.  ``pip install "offer-negotiation[all]"``
installs every extra.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

__all__ = ["EXTRAS", "COMMAND_EXTRAS", "missing_extra", "main"]

DIST = "offer-negotiation"
# The modules each extra provides, as imported (one line per requirement in pyproject.toml).
EXTRAS: dict[str, tuple[str, ...]] = {
    "cli": ("typer", "rich", "openpyxl", "xlsxwriter", "defusedxml", "olefile"),
    "recalc": ("formulas",),
    "server": ("xlwings_server", "uvicorn"),
}
# The extras a command needs beyond "cli" (every command needs "cli": it is the CLI).
# new, build-workbook and share compute the cached values with recalc's formula engine.
COMMAND_EXTRAS: dict[str, tuple[str, ...]] = {
    "build-workbook": ("recalc",),
    "new": ("recalc",),
    "recalc": ("recalc",),
    "serve": ("server",),
    "share": ("recalc",),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing_extra(argv: Sequence[str]) -> str | None:
    """The one-line message for the first extra the command in ``argv`` lacks, or None."""
    command = next((a for a in argv if not a.startswith("-")), None)
    for extra in ("cli", *COMMAND_EXTRAS.get(command or "", ())):
        if not all(_installed(m) for m in EXTRAS[extra]):
            what = f"`negotiate {command}`" if command else "`negotiate`"
            return f'{what} needs the {extra} extra: pip install "{DIST}[{extra}]"'
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``negotiate``; exit 2 with one line on stderr when an extra is missing."""
    args = list(sys.argv[1:] if argv is None else argv)
    message = missing_extra(args)
    if message is not None:
        print(f"negotiate: {message}", file=sys.stderr)
        return 2
    from addin.cli import main as run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
