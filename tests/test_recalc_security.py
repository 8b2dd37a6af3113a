"""``negotiate recalc`` under attack: the hostile workbooks of :mod:`bench.hostile_recalc`.

Each case is built once from a freshly built example workbook and run through the real CLI
in a subprocess (address space capped at 4 GiB, so that a runaway shows as a failure rather
than a swapping machine): exit status, exactly one line on stderr naming the file, its
wording, no traceback and no path.  A refusal writes nothing; a report writes the copy, which
passes the input guard.  The workbook that names other workbooks is run with an audit hook
that logs every file the process opens: none of the workbooks its formulas name is ever
opened, and none of their private values reaches the copy.

One case runs with a bound lowered (the CLI is the same; the bound is set before it
starts): the CPU-time budget, whose default of 60 s would make a slow test.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.io.guard import check_workbook
from bench.hostile import sheet_part
from bench.hostile_recalc import (
    CANARY,
    CANARY_TEXT,
    CASES,
    FIRST_ROW,
    OTHER_BOOKS,
    READ_FORMULAS,
    REPORTED,
    SHEET,
    with_cells,
)

ROOT = Path(__file__).resolve().parent.parent
_RUN = r"""
import json, os, sys
log, limits, argv = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
if log:
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # before the hook
    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            os.write(fd, os.fsencode(os.path.abspath(os.fspath(args[0]))) + b"\n")
    sys.addaudithook(hook)
if limits:
    import dataclasses
    import addin.recalc
    addin.recalc.LIMITS = dataclasses.replace(addin.recalc.LIMITS, **limits)
from addin.cli import main
sys.exit(main(argv))
"""
# the defaults (30 s of CPU, 2 GiB) would make slow tests; the bounds work the same lower
LOWERED = {"backtracking": {"cpu_seconds": 2}, "memory": {"memory_mib": 768}}


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, resource.getrlimit(resource.RLIMIT_AS)[1]))


def recalc(path: Path, out: Path, *, log: Path | None = None, limits: dict | None = None):
    """``negotiate recalc PATH -o OUT`` in a fresh process, from the file's folder."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            _RUN,
            str(log or ""),
            json.dumps(limits or {}),
            "recalc",
            path.name,
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=path.parent,
        preexec_fn=_cap_memory,
    )


def one_line(r, path: Path, fragment: str) -> str:
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith(f"negotiate: {path.name}: "), line
    assert fragment in line.lower(), line
    for leak in ("Traceback", "Warning", "site-packages", str(ROOT), str(path.parent)):
        assert leak not in r.stderr + r.stdout, leak
    return line


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small workbook with the example's *Start here* sheet and nothing else: every case
    adds its formulas there, so recalc's refusals are tested without evaluating the whole
    example each time (``python -m bench guard`` builds the same cases on the full example)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "Start here"
    ws["A2"] = 1
    path = tmp_path_factory.mktemp("small") / "small.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def hostile(small, tmp_path_factory):
    """case name -> its file (built on the small workbook), each once in a folder of its own."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            case = next(c for c in CASES if c.name == name)
            made[name] = case.build(small, tmp_path_factory.mktemp(name))
        return made[name]

    return get


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_hostile_workbook_is_refused_or_reported_in_one_line(case, hostile):
    assert case.commands == ("recalc",)
    path = hostile(case.name)
    assert check_workbook(path) == path  # the guard lets it through: recalc is on its own
    out = path.with_name("copy" + path.suffix)
    r = recalc(path, out, limits=LOWERED.get(case.name))
    one_line(r, path, case.reason)
    if case.name in REPORTED:  # evaluated the way Excel shows it: the copy is written
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert r.stdout.startswith(f"wrote {out.name}: ")
        assert check_workbook(out) == out
    else:  # refused: nothing written
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert r.stdout == ""
        assert not out.exists()
    assert not list(path.parent.glob(".recalc-*"))


@pytest.mark.parametrize("name", ["read-own-workbook", "other-workbooks"])
def test_recalc_never_opens_the_workbooks_its_formulas_name(name, hostile, tmp_path):
    """Finding 2: the user's own workbook beside the file, or one folder up, is never opened
    (every file the process opens is logged), no value of it is written anywhere, and the
    workbook is refused in one line naming the formulas, with nothing written."""
    path = hostile(name)
    folder = path.parent.parent
    log, out = tmp_path / "opened.log", path.with_name("audited.xlsx")
    r = recalc(path, out, log=log)
    opened = {Path(p) for p in log.read_text(encoding="utf-8").splitlines()}
    assert path in opened  # the hook sees the opens
    named = {(folder / rel).resolve() for rel in OTHER_BOOKS}
    assert named and {p for p in opened if p.resolve() in named} == set()
    mine = [p for p in opened if folder in p.parents]
    assert all(p == path or p.name.startswith(".recalc-") for p in mine), mine
    assert r.returncode == 2, r.stderr
    line = one_line(r, path, "refer to other workbooks")
    assert "recalc never opens another file" in line and "START HERE!B30" in line
    assert str(CANARY) not in r.stderr + r.stdout and CANARY_TEXT not in r.stderr + r.stdout
    assert not out.exists()


def test_the_engine_itself_opens_no_other_book(small, tmp_path):
    """The second lock: with the scan's refusal out of the way, a reference the engine meets
    is #REF! and the other workbook is still never opened."""
    from bench.hostile_recalc import read_own_workbook

    path = read_own_workbook(small, tmp_path / "engine")
    folder = path.parent.parent
    log, out = tmp_path / "opened.log", path.with_name("engine-copy.xlsx")
    r = subprocess.run(
        [sys.executable, "-c", _RUN_UNSCANNED, str(log), str(path), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=path.parent,
        preexec_fn=_cap_memory,
    )
    assert r.returncode == 0, r.stderr
    opened = {Path(p) for p in log.read_text(encoding="utf-8").splitlines()}
    named = {(folder / rel).resolve() for rel in OTHER_BOOKS}
    assert {p for p in opened if p.resolve() in named} == set()
    with zipfile.ZipFile(out) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist())
    assert str(CANARY).encode() not in text and CANARY_TEXT.encode() not in text
    values = load_workbook(out, data_only=True)[SHEET]
    assert [values[f"B{FIRST_ROW + i}"].value for i in range(len(READ_FORMULAS))] == (
        ["#REF!"] * len(READ_FORMULAS)
    )


_RUN_UNSCANNED = r"""
import os, sys
log, path, out = sys.argv[1:]
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        os.write(fd, os.fsencode(os.path.abspath(os.fspath(args[0]))) + b"\n")
sys.addaudithook(hook)
import addin.recalc as r
scan = r._scan_package
def unscanned(*a, **k):
    s = scan(*a, **k)
    s.other_books.clear()
    return s
r._scan_package = unscanned
r.recalc(path, out)
"""


def test_text_longer_than_a_cell_holds_is_value_error(hostile):
    """Finding 6: REPT and friends stop at Excel's 32,767 characters; SUBSTITUTE of an empty
    text leaves the text unchanged, as in Excel (Python's replace would insert)."""
    path = hostile("long-text")
    out = path.with_name("checked.xlsx")
    r = recalc(path, out)
    assert r.returncode == 1, r.stderr
    values = load_workbook(out, data_only=True)[SHEET]
    got = [values[f"B{FIRST_ROW + i}"].value for i in range(8)]
    assert got == ["#VALUE!", "#VALUE!", 30000, "#VALUE!", "#VALUE!", "#VALUE!", "#VALUE!", "#VALUE!"]
    assert out.stat().st_size < 2 * path.stat().st_size  # no long text written either


def test_a_circular_reference_is_reported_not_followed(hostile):
    path = hostile("circular")
    out = path.with_name("checked.xlsx")
    r = recalc(path, out)
    assert r.returncode == 1
    line = one_line(r, path, "circular reference")
    assert "START HERE!B30, START HERE!C30" in line


def test_what_recalc_writes_is_well_formed(small, tmp_path):
    """The write-back rule for content recalc adds: text a formula makes out of characters
    XML cannot hold (a control character, a lone surrogate, U+FFFF) is written escaped, as
    spreadsheet files escape it, and text that looks like an escape stays text."""
    path = with_cells(
        small,
        tmp_path / "characters.xlsx",
        {"B30": '=CHAR(1)&"x"', "B31": "=UNICHAR(55296)", "B32": '=UNICHAR(65535)&"y"', "B33": '="_x0041_"'},
    )
    out = tmp_path / "copy.xlsx"
    r = recalc(path, out)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert check_workbook(out) == out
    values = load_workbook(out, data_only=True)[SHEET]
    got = [values[f"B{row}"].value for row in range(30, 34)]
    assert got == ["_x0001_x", "_xD800_", "_xFFFF_y", "_x005F_x0041_"]
    with zipfile.ZipFile(out) as zf:
        xml = zf.read(sheet_part(out, SHEET)).decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
