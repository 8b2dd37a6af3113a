"""Guard and share figures: hostile workbooks refused, the recruiter copy made.

``python -m bench guard share``.  ``guard`` builds every hostile file of
:func:`bench.hostile.all_cases` (the guard's, recalc's and share's cases, whichever modules
exist) in a temporary folder, checks it with the guard in-process, and runs each command its
case lists (``negotiate compare / brief / share / recalc``) in a fresh process, measured by a
wrapper process through ``getrusage(RUSAGE_CHILDREN)``: wall time, CPU time (user + system)
and peak memory.  The issue's bounds, for the whole process, interpreter start-up included:
under 2 s and 200 MiB.  The verdict reads CPU time, not wall time, which on a busy machine
also counts waiting for a processor (the load average is printed); the start-up of each
command on a missing file is printed first, for scale.  Last, the slowest call of each UDF
under hostile cell values, against the 5 s ceiling the UDF tests once asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import median_seconds as _median

MiB = 1 << 20
BOUND_S, BOUND_MIB = 2.0, 200
UDF_CEILING_S = 5.0
_MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr, "wall": wall,
                  "cpu": u.ru_utime + u.ru_stime, "maxrss_kib": u.ru_maxrss}))
"""


def _measure(*args: object) -> dict:
    """``negotiate ARGS`` in a fresh process: exit code, output, wall and CPU seconds, peak
    memory (KiB)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "addin.cli", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _command(command: str, path: Path, out: Path) -> list[object]:
    """The command line of one command on one file (share and recalc write ``out``)."""
    return [command, path, "-o", out] if command in ("share", "recalc") else [command, path]


def _in_process(path: Path) -> tuple[float, str]:
    """The guard alone on ``path``: its median time and what it said."""
    from addin.io.guard import VERDICTS, UnsafeWorkbookError, check_workbook

    said = ["accepted by the guard"]

    def run() -> None:
        VERDICTS.clear()  # each run scans the file (the same bytes would get the kept verdict)
        try:
            check_workbook(path)
        except UnsafeWorkbookError as exc:
            said[0] = str(exc)

    return _median(run, 3), said[0]


def _line(r: dict) -> str:
    text = (r["stderr"] or r["stdout"]).strip().splitlines()
    return (text[0] if text else "") + (f" (+{len(text) - 1} lines)" if len(text) > 1 else "")


def _verdict(r: dict) -> str:
    within = r["cpu"] < BOUND_S and r["maxrss_kib"] < BOUND_MIB * 1024
    return "ok" if within else "OVER BOUND"


_HEAD = (
    f"{'case':<30} {'finding':<7} {'command':<8} {'exit':>4} {'guard':>9} {'wall':>6} "
    f"{'cpu':>6} {'peak':>8}  {'verdict':<10} message"
)


def _row(case: str, finding: str, command: str, r: dict, guard: float | None, verdict: str) -> None:
    guard_ms = "" if guard is None else f"{guard * 1000:.1f} ms"
    print(
        f"{case:<30} {finding:<7} {command:<8} {r['rc']:>4} {guard_ms:>9} "
        f"{r['wall']:>5.2f}s {r['cpu']:>5.2f}s {r['maxrss_kib'] / 1024:>4.0f} MiB  "
        f"{verdict:<10} {_line(r)[:100]}",
        flush=True,
    )


def bench_guard() -> None:
    from addin.workbook.builder import build
    from bench.hostile import COMMANDS, all_cases

    cases = all_cases()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"hostile workbooks: {len(cases)} cases; bound {BOUND_S:g} s CPU and {BOUND_MIB} MiB "
        f"per refusing process (start-up included); load average {load}"
    )
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = build(tmp / "negotiation.xlsm")
        print(_HEAD, flush=True)
        for command in COMMANDS:  # start-up and imports, no workbook read
            r = _measure(*_command(command, tmp / "no-such-file.xlsx", tmp / "o.xlsx"))
            _row("(start-up: a missing file)", "", command, r, None, _verdict(r))
        guard, _ = _in_process(base)
        r = _measure("compare", base)
        r["stdout"] = r["stderr"] = ""  # the ranking table: not a message
        _row("(the shipped workbook)", "", "compare", r, guard, "accepted")
        over = refused_rows = 0
        for case in cases:
            folder = tmp / case.name
            folder.mkdir()
            path = case.build(base, folder)
            guard, said = _in_process(path)
            if not case.commands:
                print(
                    f"{case.name:<30} {case.finding:<7} {'(guard)':<8} {'':>4} "
                    f"{f'{guard * 1000:.1f} ms':>9} {said[:100]}"
                )
            for command in case.commands:
                r = _measure(*_command(command, path, folder / "out.xlsx"))
                verdict = (
                    "NOT REFUSED"
                    if r["rc"] == 0
                    else "OTHER REASON"
                    if case.reason.lower() not in _line(r).lower()
                    else _verdict(r)
                )
                _row(case.name, case.finding, command, r, guard, verdict)
                refused_rows += 1
                over += verdict != "ok"
            shutil.rmtree(folder)
        print(
            f"{refused_rows} refusals measured; {over} not refused, refused for another "
            "reason or over a bound"
        )
    bench_udfs()


def bench_udfs() -> None:
    """The slowest call of each UDF with one argument replaced by a hostile value (the ceiling
    the hostile-cell tests once asserted per call)."""
    import inspect
    import logging

    from addin import udfs
    from addin.cells import UDFS
    from tests.test_hostile import HUGE, INJECTIONS, NUMERIC_TEXT, TABLES, VALUES, is_table

    hostile = [
        None,
        True,
        1e308,
        float("nan"),
        float("-inf"),
        "",
        HUGE,
        INJECTIONS[0],
        NUMERIC_TEXT[0],
        [[]],
        [[HUGE] * 6] * 6,
        [1, 2, 3],
    ]
    worst: list[tuple[float, str]] = []
    logging.disable(logging.CRITICAL)  # the UDFs log what they caught: not for this page
    try:
        for name in sorted(UDFS):
            func = getattr(udfs, name)
            params = list(inspect.signature(func).parameters.values())
            realistic = [TABLES.get(p.name) if is_table(p) else VALUES.get(p.name) for p in params]
            slowest = 0.0
            for i in range(len(params)):
                for value in hostile:
                    args = list(realistic)
                    args[i] = value
                    start = time.perf_counter()
                    try:
                        func(*args)
                    except Exception:  # noqa: BLE001, S110 - the UDF tests judge results
                        pass
                    slowest = max(slowest, time.perf_counter() - start)
            worst.append((slowest, name))
    finally:
        logging.disable(logging.NOTSET)
    worst.sort(reverse=True)
    top = ", ".join(f"{n} {t * 1000:.0f} ms" for t, n in worst[:5])
    verdict = "ok" if worst[0][0] < UDF_CEILING_S else "OVER CEILING"
    print(
        f"{'UDFs under hostile cells: slowest call of each, ' + str(len(worst)) + ' UDFs':<58} "
        f"worst {worst[0][0] * 1000:,.0f} ms (ceiling {UDF_CEILING_S:g} s) {verdict}; {top}"
    )


def bench_share() -> None:
    from addin.render.share import read_disclosed, share
    from addin.workbook.builder import build

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = build(tmp / "negotiation.xlsm")
        read = _median(lambda: read_disclosed(base))
        print(f"{'share: read the disclosed fields (cached values)':<58} {read * 1000:>10.2f} ms")
        every = ("best_offer", "offers_held")
        read = _median(lambda: read_disclosed(base, every))
        print(f"{'share: ... plus two fields computed headlessly':<58} {read * 1000:>10.2f} ms")
        out = tmp / "copy.xlsx"
        whole = _median(lambda: share(base, out, force=True))
        print(f"{'share: the whole copy, in-process':<58} {whole * 1000:>10.2f} ms")
        r = _measure("share", base, "-o", tmp / "cli.xlsx")
        print(
            f"{'`negotiate share` of the shipped workbook':<58} wall {r['wall']:.2f} s, "
            f"CPU {r['cpu']:.2f} s, peak {r['maxrss_kib'] / 1024:.0f} MiB"
        )
