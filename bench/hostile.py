"""Hostile workbooks built from the shipped one: the security tests and ``python -m bench guard``
share these builders, so the benchmark measures exactly the files the tests refuse.

Each :class:`Case` builds one file from a freshly built example workbook (``base``) into a
folder, names a fragment its refusal must contain, and lists the commands that must refuse it
(``compare``, ``brief``, ``share``, ``recalc``).  The cases live in three modules by area:
:mod:`bench.hostile_guard` (the zip and XML guard), :mod:`bench.hostile_recalc` (formulas
recalc must not follow or blow up on) and :mod:`bench.hostile_share` (the recruiter copy and
the numbers read from a workbook); :func:`all_cases` gathers them.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

COMMANDS = ("compare", "brief", "share", "recalc")
_MODULES = ("bench.hostile_guard", "bench.hostile_recalc", "bench.hostile_share")


@dataclass(frozen=True)
class Case:
    """One hostile file: how to build it, and what its refusal says."""

    name: str  # short, unique, used as a test id
    finding: str  # the finding it answers, e.g. "11.4"
    build: Callable[[Path, Path], Path]  # (base workbook, folder) -> the hostile file
    reason: str  # a fragment every refusal message contains (lower case)
    commands: tuple[str, ...] = COMMANDS


def rewrite(
    src: Path,
    dst: Path,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    compression: int = zipfile.ZIP_DEFLATED,
    compresslevel: int | None = None,
) -> Path:
    """A copy of the package ``src`` at ``dst`` with parts replaced, added or dropped
    (``compresslevel``: zlib's, for a large part whose size is what matters, not its ratio)."""
    replace, add = replace or {}, add or {}
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", compression, compresslevel=compresslevel) as zout,
    ):
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace[info.filename] if info.filename in replace else zin.read(info)
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def sheet_part(path: Path, title: str) -> str:
    """The zip part name of the worksheet titled ``title`` in the package at ``path``."""
    import re

    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', wb)
    if rid is None:
        raise KeyError(title)
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def all_cases() -> list[Case]:
    """Every hostile case of every area module that exists."""
    out: list[Case] = []
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        out.extend(module.CASES)
    return out
