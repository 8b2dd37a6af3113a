"""Sub-commands of ``negotiate`` beyond ``compare`` and ``build-workbook``.

Each module here defines ``register(app)``, which adds its command(s) to the
Typer app; :func:`register_all` finds them, so a new command is a new module.
Modules import their heavy dependencies inside the command, keeping start-up light.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def register_all(app: Any) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(app)
