"""``negotiate recalc`` under attack: the hostile workbooks of :mod:`bench.hostile_recalc`.

Each case is built once on a small workbook and run through the command's entry point
(``addin.extras:main``, argument parsing and error reporting included), all cases in turn
in one process beside this one (address space capped at 4 GiB, so that a runaway shows as a
failure rather than a swapping machine), each from its file's folder, with what the command
writes to file descriptors 1 and 2 captured for each case: exit status, exactly one line on
stderr naming the file, its wording, no traceback and no path.  A refusal writes nothing; a
report writes the copy, which passes the input guard.  An audit hook logs every file that
process opens while the workbooks that name other workbooks are run: none of the workbooks
their formulas name is ever opened, and none of their private values reaches the copy.

Four cases run with a bound lowered (the command is the same; the bound is set before it
runs): the CPU time, memory, LAMBDA-call and function-call budgets, which a workbook reaches
only after seconds of work at their defaults (30 s, 2 GiB, 100,000 and 10,000 calls).  That
those defaults are the product's is asserted here too, and ``python -m bench guard`` runs
every case at them.  ``negotiate recalc`` in a process of its own (``python -m addin.cli``)
is run by tests/test_guard.py.
"""

from __future__ import annotations

import dataclasses
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
from addin.recalc import LIMITS, Limits
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
    read_own_workbook,
    with_cells,
)

ROOT = Path(__file__).resolve().parent.parent

# One process runs every job in turn: ``negotiate ARGV`` through addin.extras:main, or (the
# engine's own lock) recalc() itself with the scan's refusal of other workbooks taken out;
# from the job's folder, with recalc's bounds replaced as the job says, file descriptors 1
# and 2 captured, and every file opened logged while a job with a log runs.  One JSON line
# per job finished, in a results file, so a job that kills the process fails only its tests.
_DRIVER = r"""
import dataclasses, json, os, sys, tempfile
jobs_file, results_file = sys.argv[1:]
log = None
def hook(event, args):
    if log is not None and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        os.write(log, os.fsencode(os.path.abspath(os.fspath(args[0]))) + b"\n")
sys.addaudithook(hook)
import addin.recalc as r
from addin.extras import main
defaults, scan = r.LIMITS, r._scan_package
def unscanned(*a, **k):
    s = scan(*a, **k)
    s.other_books.clear()
    return s
with open(jobs_file, encoding="utf-8") as fh:
    jobs = json.load(fh)
results = open(results_file, "a", encoding="utf-8")
for job in jobs:
    r.LIMITS = dataclasses.replace(defaults, **job["limits"])
    os.chdir(job["cwd"])
    captured = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    saved = [os.dup(1), os.dup(2)]
    sys.stdout.flush(), sys.stderr.flush()
    os.dup2(captured[0].fileno(), 1), os.dup2(captured[1].fileno(), 2)
    if job["log"]:
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if job["argv"] is not None:
            try:
                code = main(job["argv"])
            except SystemExit as exc:
                code = exc.code
        else:
            r._scan_package = unscanned
            try:
                r.recalc(*job["recalc"])
                code = 0
            except Exception as exc:
                print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
                code = 1
            finally:
                r._scan_package = scan
    finally:
        if log is not None:
            os.close(log)
            log = None
        sys.stdout.flush(), sys.stderr.flush()
        os.dup2(saved[0], 1), os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
    said = []
    for fh in captured:
        fh.seek(0)
        said.append(fh.read().decode("utf-8", "replace"))
        fh.close()
    results.write(json.dumps({"id": job["id"], "rc": code, "stdout": said[0], "stderr": said[1]}) + "\n")
    results.flush()
r.LIMITS = defaults
"""

# A workbook reaches these bounds only after seconds of work at their defaults; they work
# the same lower, and a refusal names the bound it met.
LOWERED = {
    "backtracking": {"cpu_seconds": 0.5},
    "memory": {"memory_mib": 256},
    "lambda-calls": {"lambda_calls": 1_000},
    "udf-calls": {"udf_calls": 200},
}
AUDITED = ("read-own-workbook", "other-workbooks")  # run with every file opened logged


def reason(case) -> str:
    """What the case's refusal says under the bounds its job runs with: the case's own
    wording (which names recalc's defaults) with each lowered count in place of the default."""
    text = case.reason
    for name, value in LOWERED.get(case.name, {}).items():
        text = text.replace(f"{getattr(LIMITS, name):,}", f"{value:,}")
    return text


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, resource.getrlimit(resource.RLIMIT_AS)[1]))


@dataclasses.dataclass(frozen=True)
class Run:
    """One job: the file it ran on, what it wrote to (or would have), the log of files it
    opened (or ``None``), and what it did (as ``subprocess.run`` says it)."""

    path: Path
    out: Path
    log: Path | None
    returncode: int | None
    stdout: str
    stderr: str

    def opened(self) -> set[Path]:
        assert self.log is not None
        return {Path(p) for p in self.log.read_text(encoding="utf-8").splitlines()}


def one_line(r: Run, fragment: str) -> str:
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith(f"negotiate: {r.path.name}: "), line
    assert fragment in line.lower(), line
    for leak in ("Traceback", "Warning", "site-packages", str(ROOT), str(r.path.parent)):
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
def runs(small, tmp_path_factory) -> dict[str, Run]:
    """Every job, run once in one process: each case (``negotiate recalc FILE -o copy.xlsx``
    from the file's folder), the engine's own lock, and the write-back of unusual text."""
    folder = tmp_path_factory.mktemp("runs")
    jobs, made = [], {}

    def job(name: str, path: Path, out: Path, argv: list[str] | None, log: bool, limits: dict) -> None:
        logged = folder / f"{name}.log" if log else None
        made[name] = (path, out, logged)
        call = None if argv is not None else [str(path), str(out)]
        jobs.append(
            {
                "id": name,
                "cwd": str(path.parent),
                "argv": argv,
                "recalc": call,
                "log": str(logged) if logged else None,
                "limits": limits,
            }
        )

    for case in CASES:
        path = case.build(small, tmp_path_factory.mktemp(case.name))
        out = path.with_name("copy" + path.suffix)
        argv = ["recalc", path.name, "-o", str(out)]
        job(case.name, path, out, argv, case.name in AUDITED, LOWERED.get(case.name, {}))
    path = read_own_workbook(small, tmp_path_factory.mktemp("engine") / "engine")
    job("engine", path, path.with_name("engine-copy.xlsx"), None, True, {})
    path = with_cells(
        small,
        tmp_path_factory.mktemp("characters") / "characters.xlsx",
        {"B30": '=CHAR(1)&"x"', "B31": "=UNICHAR(55296)", "B32": '=UNICHAR(65535)&"y"', "B33": '="_x0041_"'},
    )
    out = path.with_name("copy.xlsx")
    job("characters", path, out, ["recalc", path.name, "-o", str(out)], False, {})
    listed, results = folder / "jobs.json", folder / "results.jsonl"
    listed.write_text(json.dumps(jobs), encoding="utf-8")
    driver = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(listed), str(results)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        preexec_fn=_cap_memory,
    )
    said = {}
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            result = json.loads(line)
            said[result["id"]] = result
    out_of_driver = f"the process running the jobs exited {driver.returncode}: {driver.stderr}"
    ran = {}
    for name, (path, out, logged) in made.items():
        result = said.get(name, {"rc": None, "stdout": "", "stderr": out_of_driver})
        ran[name] = Run(path, out, logged, result["rc"], result["stdout"], result["stderr"])
    assert driver.returncode == 0 or set(said) != set(made), out_of_driver
    return ran


def test_the_product_keeps_its_default_budgets():
    """The bounds lowered for :data:`LOWERED`'s cases are the product's at their defaults
    (recalc and the command use :data:`addin.recalc.LIMITS` unless given others, as the
    cases run at the other defaults show), and each case's wording names the default."""
    assert LIMITS == Limits()
    assert (LIMITS.udf_calls, LIMITS.lambda_calls, LIMITS.cpu_seconds, LIMITS.memory_mib) == (
        10_000,
        100_000,
        30.0,
        2_048,
    )
    by_name = {c.name: c for c in CASES}
    assert "functions more than 10,000 times" in by_name["udf-calls"].reason
    assert "lambda more than 100,000 times" in by_name["lambda-calls"].reason
    assert reason(by_name["udf-calls"]) == "functions more than 200 times"
    assert reason(by_name["lambda-calls"]) == "lambda more than 1,000 times"
    for name, lowered in LOWERED.items():
        for field, value in lowered.items():
            assert value < getattr(LIMITS, field), (name, field)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_hostile_workbook_is_refused_or_reported_in_one_line(case, runs):
    assert case.commands == ("recalc",)
    r = runs[case.name]
    path, out = r.path, r.out
    assert check_workbook(path) == path  # the guard lets it through: recalc is on its own
    one_line(r, reason(case))
    if case.name in REPORTED:  # evaluated the way Excel shows it: the copy is written
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert r.stdout.startswith(f"wrote {out.name}: ")
        assert check_workbook(out) == out
    else:  # refused: nothing written
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert r.stdout == ""
        assert not out.exists()
    assert not list(path.parent.glob(".recalc-*"))


@pytest.mark.parametrize("name", AUDITED)
def test_recalc_never_opens_the_workbooks_its_formulas_name(name, runs):
    """Finding 2: the user's own workbook beside the file, or one folder up, is never opened
    (every file the process opens is logged), no value of it is written anywhere, and the
    workbook is refused in one line naming the formulas, with nothing written."""
    r = runs[name]
    path = r.path
    folder = path.parent.parent
    opened = r.opened()
    assert path in opened  # the hook sees the opens
    named = {(folder / rel).resolve() for rel in OTHER_BOOKS}
    assert named and {p for p in opened if p.resolve() in named} == set()
    mine = [p for p in opened if folder in p.parents]
    assert all(p == path or p.name.startswith(".recalc-") for p in mine), mine
    assert r.returncode == 2, r.stderr
    line = one_line(r, "refer to other workbooks")
    assert "recalc never opens another file" in line and "START HERE!B30" in line
    assert str(CANARY) not in r.stderr + r.stdout and CANARY_TEXT not in r.stderr + r.stdout
    assert not r.out.exists()


def test_the_engine_itself_opens_no_other_book(runs):
    """The second lock: with the scan's refusal out of the way, a reference the engine meets
    is #REF! and the other workbook is still never opened."""
    r = runs["engine"]
    folder = r.path.parent.parent
    assert r.returncode == 0, r.stderr
    opened = r.opened()
    assert r.path in opened  # the hook saw this job's opens
    named = {(folder / rel).resolve() for rel in OTHER_BOOKS}
    assert {p for p in opened if p.resolve() in named} == set()
    with zipfile.ZipFile(r.out) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist())
    assert str(CANARY).encode() not in text and CANARY_TEXT.encode() not in text
    values = load_workbook(r.out, data_only=True)[SHEET]
    assert [values[f"B{FIRST_ROW + i}"].value for i in range(len(READ_FORMULAS))] == (
        ["#REF!"] * len(READ_FORMULAS)
    )


def test_text_longer_than_a_cell_holds_is_value_error(runs):
    """Finding 6: REPT and friends stop at Excel's 32,767 characters; SUBSTITUTE of an empty
    text leaves the text unchanged, as in Excel (Python's replace would insert)."""
    r = runs["long-text"]
    assert r.returncode == 1, r.stderr
    values = load_workbook(r.out, data_only=True)[SHEET]
    got = [values[f"B{FIRST_ROW + i}"].value for i in range(8)]
    assert got == ["#VALUE!", "#VALUE!", 30000, "#VALUE!", "#VALUE!", "#VALUE!", "#VALUE!", "#VALUE!"]
    assert r.out.stat().st_size < 2 * r.path.stat().st_size  # no long text written either


def test_a_circular_reference_is_reported_not_followed(runs):
    r = runs["circular"]
    assert r.returncode == 1
    line = one_line(r, "circular reference")
    assert "START HERE!B30, START HERE!C30" in line


def test_what_recalc_writes_is_well_formed(runs):
    """The write-back rule for content recalc adds: text a formula makes out of characters
    XML cannot hold (a control character, a lone surrogate, U+FFFF) is written escaped, as
    spreadsheet files escape it, and text that looks like an escape stays text."""
    r = runs["characters"]
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert check_workbook(r.out) == r.out
    values = load_workbook(r.out, data_only=True)[SHEET]
    got = [values[f"B{row}"].value for row in range(30, 34)]
    assert got == ["_x0001_x", "_xD800_", "_xFFFF_y", "_x005F_x0041_"]
    with zipfile.ZipFile(r.out) as zf:
        xml = zf.read(sheet_part(r.out, SHEET)).decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
