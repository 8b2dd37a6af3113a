"""Guard and share figures: hostile workbooks refused, the recruiter copy made.

``python -m bench guard share``.  Hostile files are made in a temporary folder
(a zip bomb, a billion-laughs shared-strings part, an OLE file renamed .xlsx, a
foreign VBA project, a million-row sheet); each is checked in-process (the
guard alone) and refused by ``negotiate compare`` in a fresh process, whose CPU
time and peak memory are measured with ``getrusage(RUSAGE_CHILDREN)``.  The
issue's bounds: under 2 s and 200 MiB per refusal.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MiB = 1 << 20
_MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "wall": wall, "cpu": u.ru_utime + u.ru_stime,
                  "maxrss_kib": u.ru_maxrss}))
"""


def _measure(*args: object) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "addin.cli",
                          *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _rewrite(src: Path, dst: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename) or zin.read(info))
    return dst


def _fixtures(base: Path, tmp: Path) -> dict[str, Path]:
    from addin.workbook import quickstart_vba

    bomb = _rewrite(base, tmp / "bomb.xlsx", {})
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/media/image1.png", "w", force_zip64=True) as fh:
            for _ in range(16):
                fh.write(bytes(16 * MiB))
    laughs = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<si><t>&a9;</t></si></sst>')
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam") as zf:
        vba = zf.read("xl/vbaProject.bin")  # another VBA project: the xlwings add-in's
    ole = tmp / "legacy.xlsx"
    ole.write_bytes(quickstart_vba())
    with zipfile.ZipFile(base) as zf:
        sheet = zf.read("xl/worksheets/sheet2.xml").decode()
    cut = sheet.index("</sheetData>")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(100, 1_000_100))
    return {
        "zip bomb (256 MiB of zeros)": bomb,
        "billion laughs (sharedStrings)": _rewrite(base, tmp / "laughs.xlsx",
                                                   {"xl/sharedStrings.xml": laughs.encode()}),
        "OLE file renamed .xlsx": ole,
        "foreign VBA project": _rewrite(base, tmp / "macro.xlsm", {"xl/vbaProject.bin": vba}),
        "million-row sheet": _rewrite(base, tmp / "million.xlsx", {
            "xl/worksheets/sheet2.xml": (sheet[:cut] + rows + sheet[cut:]).encode()}),
    }


def _median(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_guard() -> None:
    from addin.guard import UnsafeWorkbookError, check_workbook
    from addin.workbook import build

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = build(tmp / "negotiation.xlsm")
        print(f"{'guard, in-process: the shipped workbook (accepted)':<58} "
              f"{_median(lambda: check_workbook(base)) * 1000:>10.2f} ms")
        for label, path in _fixtures(base, tmp).items():
            def refuse(path: Path = path) -> None:
                try:
                    check_workbook(path)
                except UnsafeWorkbookError:
                    return
                raise AssertionError("not refused")
            inproc = _median(refuse)
            r = _measure("compare", path)
            assert r["rc"] != 0
            verdict = "ok" if r["cpu"] < 2 and r["maxrss_kib"] < 200 * 1024 else "OVER BOUND"
            print(f"{'refused: ' + label:<58} {inproc * 1000:>10.2f} ms in-process; "
                  f"`negotiate compare`: wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, "
                  f"peak {r['maxrss_kib'] / 1024:.0f} MiB (bound 2 s, 200 MiB) {verdict}")
        r = _measure("compare", base)
        print(f"{'`negotiate compare` of the shipped workbook (for scale)':<58} "
              f"wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, peak {r['maxrss_kib'] / 1024:.0f} MiB")


def bench_share() -> None:
    from addin.share import read_disclosed, share
    from addin.workbook import build

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
        print(f"{'`negotiate share` of the shipped workbook':<58} wall {r['wall']:.2f} s, "
              f"CPU {r['cpu']:.2f} s, peak {r['maxrss_kib'] / 1024:.0f} MiB")
