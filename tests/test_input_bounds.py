"""Hostile numbers and layouts, refused in one line; the readers' memory bounded.

The files are the cases of :mod:`bench.hostile_share`, built from the session's example
workbook and run through the command's entry point in this process (exit status, exactly one
line on stderr, its wording, no traceback, no warning or install path: a warning a library
raises fails the test, as the suite runs warnings as errors); the numpy overflow warning is
also checked in a process of its own, where it would reach the terminal.  The readers are also run
in-process on the dimension bomb with the input guard switched off, so what is tested is
their own bound, not the guard's.
"""

from __future__ import annotations

import json
import math
import resource
from pathlib import Path

import numpy as np
import pytest

import addin.io.guard
import addin.io.reader
import addin.render.brief
import addin.render.share
from addin.workbook.builder import DEFAULT_PATH
from bench.hostile_share import CASES, _edit, dimension_bomb, offers_cell
from calculators.errors import InvalidInputError
from calculators.offer.model import MAX_AMOUNT, Offer
from tests.conftest import negotiate, negotiate_process

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    """``negotiate ARGS`` in this process (exit code, stdout, stderr)."""
    return negotiate(*args, cwd=cwd)


@pytest.fixture(scope="module")
def base(built_example):
    """The example workbook (see tests.conftest.built_example; copied, never changed)."""
    return built_example


@pytest.fixture(scope="module")
def hostile(base, tmp_path_factory):
    """case name -> its file, each built once."""
    folder = tmp_path_factory.mktemp("hostile")
    made: dict[str, Path] = {}

    def get(case):
        if case.name not in made:
            made[case.name] = case.build(base, folder)
        return made[case.name]

    return get


def _one_line(r, fragment: str, file: Path) -> str:
    lines = r.stderr.splitlines()
    assert r.returncode == 2, (r.returncode, r.stderr, r.stdout[-500:])
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith(f"negotiate: {file.name}: "), line
    assert fragment in line.lower(), line
    for leak in ("Traceback", "Warning", "site-packages", str(ROOT), str(file.parent)):
        assert leak not in r.stderr + r.stdout, leak
    return line


@pytest.mark.parametrize(
    "case,command",
    [(c, cmd) for c in CASES for cmd in c.commands],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_each_hostile_file_is_refused_in_one_line(case, command, hostile, tmp_path):
    path = hostile(case)
    out = tmp_path / "copy.xlsx"
    extra = ["-o", out] if command == "share" else []
    r = run(command, path, *extra, cwd=tmp_path)
    _one_line(r, case.reason, path)
    assert r.stdout == ""
    assert not out.exists()


def test_the_hidden_value_is_never_what_the_copy_shows(hostile, tmp_path):
    """The finding as reported: the hidden row's value came out in the copy."""
    case = next(c for c in CASES if c.name == "hidden-duplicate")
    path = hostile(case)
    with pytest.raises(addin.render.share.ShareError, match="hidden row"):
        addin.render.share.read_disclosed(path)


def test_share_refuses_a_1e308_salary_once_it_computes_from_it(hostile, tmp_path):
    """The default disclosure copies the Recruiter sheet's cached values and never reads the
    salary; disclosing the best offer computes from it, and then it is refused."""
    case = next(c for c in CASES if c.name == "salary-1e308")
    path = hostile(case)
    r = run("share", path, "-o", tmp_path / "copy.xlsx", "--include", "best_offer", cwd=tmp_path)
    _one_line(
        r, "the field best_offer cannot be computed: offer 1: base_salary is beyond 1,000,000,000,000", path
    )
    assert not (tmp_path / "copy.xlsx").exists()


def test_json_is_never_nan_or_infinity(hostile, tmp_path):
    def refuse(constant):
        raise AssertionError(f"{constant} in JSON output")

    for command in ("compare", "brief"):
        r = run(command, DEFAULT_PATH, "--json")
        assert r.returncode == 0 and r.stderr == "", r.stderr
        json.loads(r.stdout, parse_constant=refuse)
    # the report's case: a 1e308 salary printed Infinity and NaN; now one line, no output
    case = next(c for c in CASES if c.name == "salary-1e308")
    for command in ("compare", "brief"):
        r = run(command, hostile(case), "--json", cwd=tmp_path)
        _one_line(r, "base_salary is beyond", hostile(case))
        assert r.stdout == ""
    # and whatever a result holds, the JSON writer makes it null, never NaN
    from addin.cli.common import json_text

    data = {
        "a": math.nan,
        "b": [math.inf, -math.inf, np.float64("nan"), np.float64(2.5)],
        "c": {"d": np.int64(3), "e": 1.5, "f": None, "g": True},
    }
    assert json.loads(json_text(data), parse_constant=refuse) == {
        "a": None,
        "b": [None, None, None, 2.5],
        "c": {"d": 3, "e": 1.5, "f": None, "g": True},
    }


_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="0" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/></ext></extLst>'
)


def test_no_library_warning_reaches_the_terminal(base, tmp_path):
    """An Excel-saved sheet with a data validation extension made openpyxl print a warning
    naming its install path; a number out of scale made numpy print one."""
    path = _edit(
        base,
        tmp_path,
        "extension.xlsx",
        "Offers",
        lambda xml: xml.replace("</worksheet>", _EXT + "</worksheet>"),
    )
    for command in ("compare", "brief"):
        r = run(command, path, cwd=tmp_path)
        assert r.returncode == 0 and r.stderr == "", r.stderr
    r = run("share", path, "-o", tmp_path / "copy.xlsx", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    fx = next(c for c in CASES if c.name == "fx-rate-1e308")
    path = fx.build(base, tmp_path)
    for r in (run("compare", path, cwd=tmp_path), negotiate_process("compare", path, cwd=tmp_path)):
        assert len(r.stderr.splitlines()) == 1 and "overflow" not in r.stderr, r.stderr


def test_the_amount_bound_is_inclusive_and_names_the_field_and_offer():
    fields = {"company": "A", "jurisdiction": "US-WA", "currency": "USD"}
    assert Offer.from_fields({**fields, "base_salary": MAX_AMOUNT}).base_salary == MAX_AMOUNT
    with pytest.raises(InvalidInputError, match=r"^offer 2: rsu_grant is beyond 1,000,000,000,000"):
        Offer.from_fields({**fields, "base_salary": 1e5, "rsu_grant": MAX_AMOUNT * 1.0001}, "offer 2")
    for bad in (math.nan, math.inf, np.float64("nan")):  # NaN is never a blank
        with pytest.raises(InvalidInputError, match="base_salary must be a finite number"):
            Offer.from_fields({**fields, "base_salary": bad})


def test_a_salary_at_the_bound_is_compared(base, tmp_path):
    path = offers_cell(f"{MAX_AMOUNT:.0f}", "at-bound.xlsx")(base, tmp_path)
    r = run("compare", path, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["offers"][0]["value_local"] > MAX_AMOUNT / 2


# -- the readers' own bound (finding 11.3, second defence) ------------------------------------


@pytest.fixture()
def no_guard(monkeypatch):
    """The input guard switched off: the readers alone face the file."""

    def passthrough(path, *args, **kwargs):
        return Path(path)

    for module in (addin.io.guard, addin.io.reader, addin.render.brief, addin.render.share):
        monkeypatch.setattr(module, "check_workbook", passthrough)


def _address_space() -> int:
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    return kib * 1024


def test_the_readers_read_a_dimension_bomb_in_bounded_memory(base, tmp_path, no_guard):
    """Every sheet declares A1:XFD1048576 and holds a cell in the last row: the readers read
    what their layout uses and return the same as for the plain workbook.  The address-space
    limit is a net, not a measurement (the old readers went past 3 GiB; figures are in
    ``python -m bench share``)."""
    from addin.io.reader import read_inputs
    from addin.render.brief import build_brief, read_strategy
    from addin.render.share import read_disclosed

    bomb = dimension_bomb(base, tmp_path)
    assert bomb.stat().st_size < 200_000
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    net = _address_space() + (1 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (net if hard == resource.RLIM_INFINITY else min(net, hard), hard))
    try:
        got = (
            read_inputs(bomb),
            read_strategy(bomb),
            read_disclosed(bomb, ("best_offer",)),
            build_brief(bomb),
        )
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    want = (read_inputs(base), read_strategy(base), read_disclosed(base, ("best_offer",)), build_brief(base))
    assert got[0].offers == want[0].offers and got[0].settings == want[0].settings
    assert got[0].relocation == want[0].relocation
    assert got[1] == want[1]
    assert got[2] == want[2]
    assert got[3] == want[3]
