"""What the test suite's slowest fixtures cost, one figure each (``python -m bench suite``).

The suite shares these between tests (``tests/conftest.py``: one build of the example, one
LibreOffice profile, one server, the commands in-process); the figures say what is left and
where it sits: in the product (the builder, recalc, the guard) or in starting a process.
Nothing here is a test: timing belongs here, not in an assertion that fails under load.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _once(name: str, func: Callable[[], object]) -> object:
    """Run ``func`` once; print its wall and CPU time (this process's, and its children's)."""
    import os

    before, cpu = time.perf_counter(), os.times()
    result = func()
    wall, after = time.perf_counter() - before, os.times()
    used = (after.user - cpu.user) + (after.system - cpu.system)
    children = (after.children_user - cpu.children_user) + (after.children_system - cpu.children_system)
    print(f"{name:<58} {wall:>8.2f} s wall {used:>7.2f} s cpu {children:>7.2f} s in children")
    return result


def _process(*args: str) -> None:
    subprocess.run([sys.executable, *args], capture_output=True, check=True, stdin=subprocess.DEVNULL)


def bench_suite() -> None:
    from addin.workbook.builder import DEFAULT_PATH

    with tempfile.TemporaryDirectory(prefix="bench-suite-") as name:
        tmp = Path(name)
        _once("python -c pass (a bare interpreter)", lambda: _process("-c", "pass"))
        _once(
            "python -m addin.cli compare (a command in its own process)",
            lambda: _process("-m", "addin.cli", "compare"),
        )
        from addin.cli import main

        def compare() -> int:
            with contextlib.redirect_stdout(io.StringIO()):
                return main(["compare", "--json"])

        _once("import the CLI and run compare once in this process", compare)
        _once("compare again in this process", compare)
        from addin.workbook.builder import build

        built = _once(
            "build the example workbook (the session's built_example)",
            lambda: build(tmp / "negotiation.xlsm"),
        )
        assert isinstance(built, Path)
        _bench_recalc(tmp)
        _bench_guard(built, tmp)
        _bench_soffice(tmp, DEFAULT_PATH)


def _bench_recalc(tmp: Path) -> None:
    from addin.recalc import recalc
    from addin.workbook.builder import DEFAULT_PATH

    copy = tmp / "recalc" / "negotiation.xlsm"  # the shipped name: the engine's compile cache
    copy.parent.mkdir()
    copy.write_bytes(DEFAULT_PATH.read_bytes())
    _once("recalc the example (every formula compiled and evaluated)", lambda: recalc(copy, tmp / "r1.xlsm"))
    _once("recalc it again (compiled formulas reused)", lambda: recalc(copy, tmp / "r2.xlsm"))


def _bench_guard(base: Path, tmp: Path) -> None:
    from addin.io.guard import UnsafeWorkbookError, check_workbook
    from bench.hostile_guard import CASES

    files = {}

    def build_all() -> None:
        for case in CASES:
            (tmp / "hostile" / case.name).mkdir(parents=True)
            files[case.name] = case.build(base, tmp / "hostile" / case.name)

    def refuse_all() -> None:
        for path in files.values():
            try:
                check_workbook(path)
            except UnsafeWorkbookError:
                pass

    _once(f"build the {len(CASES)} hostile files of bench.hostile_guard", build_all)
    _once("refuse each of them once (addin.io.guard)", refuse_all)
    weighted = sum(len(c.commands) for c in CASES)
    print(f"{'':<58} the suite refuses each once per command: {weighted} refusals")


def _bench_soffice(tmp: Path, book: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice: not installed")
        return
    profile = (tmp / "profile").as_uri()

    def convert(target: str, out: str, books: list[Path]) -> Callable[[], object]:
        return lambda: subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target]
            + ["--outdir", str(tmp / out), *map(str, books)],
            capture_output=True,
            check=True,
            stdin=subprocess.DEVNULL,
        )

    _once("LibreOffice: the example to PDF, a fresh profile", convert("pdf", "pdf1", [book]))
    _once("LibreOffice: again, the profile reused", convert("pdf", "pdf2", [book]))
    copy = tmp / "copy.xlsm"
    copy.write_bytes(book.read_bytes())
    _once("LibreOffice: two workbooks to PDF in one run", convert("pdf", "pdf3", [book, copy]))
