"""Installed like a package: a wheel (not an editable install) runs every command from any folder.

The wheel is built from a copy of this source tree with the build tools already
installed (no network, no build isolation) and installed with ``--no-deps`` into a
fresh venv; a ``.pth`` file lends that venv the dependencies of the running one, so
nothing is downloaded.  Commands then run from an unrelated temporary folder.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest
import xlwings

from addin import extras
from addin.paths import example_workbook, source_tree

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "addin",
    "calculators",
    "workbook/negotiation.xlsm",
)
PACKAGES = ("addin", "calculators")


def _run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL, **kw)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env():
    return {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not k.startswith("XLWINGS_")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(src),
        ],
        cwd=src,
    )
    (found,) = out.glob("offer_negotiation-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel, with this environment's packages lent by a .pth file."""
    home = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)])
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env=_clean_env()
        ).stdout.strip()
    )
    lent = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "zz_lent_dependencies.pth").write_text("\n".join(lent) + "\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        env=_clean_env(),
    )
    return home


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@pytest.fixture()
def elsewhere(tmp_path) -> Path:
    folder = tmp_path / "somewhere else"
    folder.mkdir()
    return folder


def _negotiate(venv, args, cwd):
    return _run([str(_bin(venv, "negotiate")), *args], cwd=cwd, env=_clean_env())


def test_the_wheel_carries_every_file_the_package_reads(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        packaged = zf.read("addin/data/negotiation.xlsm")
    data = {
        p.relative_to(ROOT).as_posix()
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc"}
    }
    assert data - names == set()
    assert "addin/server_project/templates/manifest.xml" in names
    # the one committed workbook, byte for byte: no second copy to drift
    assert packaged == (ROOT / "workbook" / "negotiation.xlsm").read_bytes()
    assert not any(n.startswith(("workbook/", "tests/")) for n in names)


def test_the_installed_package_runs_from_its_own_files(venv, elsewhere):
    code = "import addin, addin.paths; print(addin.__file__); print(addin.paths.example_workbook())"
    out = _run([str(_bin(venv, "python")), "-c", code], cwd=elsewhere, env=_clean_env()).stdout
    module, workbook = (Path(line) for line in out.splitlines())
    assert module.resolve().is_relative_to(venv.resolve())
    assert workbook.resolve().is_relative_to(venv.resolve()) and workbook.is_file()
    assert not str(module.resolve()).startswith(str(ROOT) + os.sep)


def test_negotiate_compare_from_another_folder_ranks_the_five_example_offers(venv, elsewhere, capsys):
    installed = json.loads(_negotiate(venv, ["compare", "--json"], elsewhere).stdout)
    assert [o["rank"] for o in installed["offers"]] == [1, 2, 3, 4, 5]
    from addin.cli import main

    assert main(["compare", "--json"]) == 0  # the same command in the source tree
    assert installed == json.loads(capsys.readouterr().out)
    table = _negotiate(venv, ["compare"], elsewhere).stdout
    for offer in installed["offers"]:
        assert offer["name"] in table


def test_brief_and_share_from_another_folder(venv, elsewhere, tmp_path):
    brief = json.loads(_negotiate(venv, ["brief", "--json"], elsewhere).stdout)
    assert brief
    _negotiate(venv, ["share", str(example_workbook()), "-o", "out.xlsx"], elsewhere)
    from addin.cli import main

    (tmp_path / "here").mkdir()
    assert main(["share", str(example_workbook()), "-o", str(tmp_path / "here" / "out.xlsx")]) == 0
    assert (elsewhere / "out.xlsx").read_bytes() == (tmp_path / "here" / "out.xlsx").read_bytes()


def test_the_installed_server_serves_the_functions_and_our_manifest(venv, elsewhere):
    from addin import udfs
    from addin.cells import UDFS  # filled as addin.udfs is imported
    from addin.server import MANIFEST_ID, free_port

    assert set(udfs.__all__) <= set(UDFS) and len(UDFS) >= 19
    port = free_port()
    log = (elsewhere / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(_bin(venv, "python")), "-m", "addin.server", "--port", str(port)],
        cwd=elsewhere,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30) as c:
            deadline = time.monotonic() + 120  # a bound against a hang, not a speed check
            while True:
                assert proc.poll() is None, (elsewhere / "server.log").read_text()
                try:
                    meta = c.get("/xlwings/custom-functions-meta.json")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the installed server did not answer"
                    time.sleep(0.1)
            assert {f["name"] for f in meta.json()["functions"]} == {n.upper() for n in UDFS} | {"VERSION"}
            manifest = c.get("/manifest.xml").text
            assert f"<Id>{MANIFEST_ID}</Id>" in manifest
            assert c.get("/taskpane.html").status_code == 200
            version = c.post(
                "/xlwings/custom-functions-call",
                json={
                    "client": "Office.js",
                    "func_name": "version",
                    "args": [],
                    "caller_address": "[x.xlsx]Sheet1!A1",
                    "session_id": "s",
                    "culture_info_name": "en-US",
                    "date_format": "M/d/yyyy",
                    "version": xlwings.__version__,
                    "runtime": "1.4",
                },
            ).json()
            installed = importlib.metadata.version("offer-negotiation")
            assert version["result"][0][0] == f"offer-negotiation {installed}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


# Every module of the extras, blocked: the UDFs and calculators must import and work without them.
_BLOCKED = sorted(
    {m for mods in extras.EXTRAS.values() for m in mods}
    | {"fastapi", "starlette", "schedula", "numpy_financial", "httpx"}
)
_WITHOUT_EXTRAS = textwrap.dedent("""
    import importlib, importlib.abc, pkgutil, sys
    BLOCKED = set(sys.argv[1].split(","))

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
            return None

    sys.meta_path.insert(0, Block())
    import calculators
    for info in pkgutil.walk_packages(calculators.__path__, "calculators."):
        importlib.import_module(info.name)
    from addin import udfs
    assert isinstance(udfs.fx_convert(100, "USD", "JPY"), float)
    assert 0 < udfs.net_pay(10_000_000, "JP-TOKYO") < 10_000_000
    from addin import extras
    sys.exit(extras.main(["compare"]))
""")


def test_the_udfs_and_calculators_need_no_extra():
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS, ",".join(_BLOCKED)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        env=_clean_env(),
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        'negotiate: `negotiate compare` needs the cli extra: pip install "offer-negotiation[cli]"\n'
    )


@pytest.mark.parametrize(
    ("argv", "absent", "extra"),
    [
        (["serve", "--port", "8123"], "xlwings_server", "server"),
        (["recalc", "x.xlsm"], "formulas", "recalc"),
        (["new", "mine.xlsm"], "formulas", "recalc"),
        (["build-workbook", "-o", "x.xlsm"], "formulas", "recalc"),
        (["share", "x.xlsm", "-o", "y.xlsx"], "formulas", "recalc"),
        (["share", "x.xlsm", "-o", "y.xlsx"], "openpyxl", "cli"),
        (["serve"], "typer", "cli"),
        ([], "rich", "cli"),
    ],
)
def test_a_command_without_its_extra_names_it_in_one_line(monkeypatch, capsys, argv, absent, extra):
    monkeypatch.setattr(extras, "_installed", lambda module: module != absent)
    assert extras.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert f'the {extra} extra: pip install "offer-negotiation[{extra}]"' in captured.err


def test_with_its_extras_a_command_runs(capsys):
    assert extras.missing_extra(["serve", "--port", "1"]) is None
    assert extras.main(["compare", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["offers"]


def _requirement_name(line: str) -> str:
    return re.split(r"[\s\[<>=!~;]", line.strip(), maxsplit=1)[0]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_extras_table_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["optional-dependencies"]
    dists = importlib.metadata.packages_distributions()
    for extra, modules in extras.EXTRAS.items():
        wanted = {_normal(_requirement_name(r)) for r in declared[extra]} - {"offer-negotiation"}
        provided = {_normal(d) for m in modules for d in dists[m]}
        assert provided == wanted, extra
    assert set(declared["all"][0].split("[")[1].rstrip("]").split(",")) == set(extras.EXTRAS)
    core = {_normal(_requirement_name(r)) for r in project["dependencies"]}
    assert core == {"xlwings", "numpy", "pandas", "pyyaml", "numpy-financial"}
    assert project["scripts"]["negotiate"] == "addin.extras:main"


def test_the_checkout_reads_the_committed_workbook():
    assert source_tree() == ROOT
    assert example_workbook() == ROOT / "workbook" / "negotiation.xlsm"
