"""Shared fixtures. Tests never read ../shared: vectors are copied into tests/.

What several test files need and is expensive is made once per session here: the example
workbook built by ``negotiate build-workbook``, a LibreOffice profile, the Office.js server.
A command whose process boundary is not what a test is about runs in this process
(:func:`negotiate`); each command keeps tests that start it as a real process.
"""

import contextlib
import gc
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from calculators.params import read_yaml

TESTS = Path(__file__).parent
ROOT = TESTS.parent

# Bytecode is cached while the suite runs, whatever PYTHONDONTWRITEBYTECODE says: without it
# the workers and every command a test starts compile each module of the project (and
# rewrite each test file's asserts) from source again.  Nothing a test checks depends on it.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# The suite makes millions of small objects and keeps many (the engine's compiled formulas): at
# Python's default thresholds the cyclic collector runs some thousands of times a test file
# (recalc raises them for an evaluation only, addin.recalc._GC_THRESHOLDS).
gc.set_threshold(100_000, 50, 100)
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=100, print_blob=True)
settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _kept_till_the_end():
    """At the end of each worker's session, every object still alive is moved out of the cyclic
    collector's reach (``gc.freeze``): the process ends next, and pytest's last collection, a
    full one, would otherwise walk the 1.7 million objects the engine's kept formulas and
    results hold, some 1.3 s a worker, to free nothing that matters."""
    yield
    gc.freeze()


# The suite runs on every core (``-n auto --dist loadfile`` in pyproject.toml: pytest-xdist,
# each worker a process with its own session).  A file's tests run on one worker, so its
# module fixtures are made once; the files that take longest go first, so that the workers
# end together (a long file started last would run alone at the end).
_LONGEST_FIRST = (
    "tests/test_own_workbook.py",
    "tests/test_guard.py",
    "tests/test_server_security.py",
    "tests/test_share.py",
    "tests/test_hostile.py",
    "tests/test_recalc.py",
    "tests/test_server.py",
    "tests/test_install.py",
    "tests/test_recalc_security.py",
    "tests/test_cli.py",
    "tests/test_libreoffice.py",
    "tests/test_workbook.py",
    "tests/test_input_bounds.py",
    "tests/test_negotiation.py",
    "tests/tax/test_us.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {where: i for i, where in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.relative_to(ROOT).as_posix(), len(rank)))  # stable


class _VbaArchive(zipfile.ZipFile):
    """openpyxl's in-memory copy of a workbook's parts, kept by ``load_workbook(keep_vba=True)``
    (a ``ZipFile`` in append mode over a ``BytesIO``).  It is never closed: when the workbook
    becomes garbage in a reference cycle, the collector may finalise the ``BytesIO`` first,
    and the archive's own finaliser then fails writing its end records into the closed buffer
    ("Exception ignored in ZipFile.__del__"), which fails whichever test is running then.
    Discarded unclosed, the copy has nothing left to write: its finaliser is skipped."""

    def __del__(self) -> None:
        pass


def _quiet_vba_archive() -> None:
    from openpyxl.reader.excel import ExcelReader

    read = ExcelReader.read_workbook

    def read_workbook(self: ExcelReader) -> None:
        read(self)
        if isinstance(self.wb.vba_archive, zipfile.ZipFile):
            self.wb.vba_archive.__class__ = _VbaArchive

    ExcelReader.read_workbook = read_workbook


_quiet_vba_archive()


@pytest.fixture(autouse=True)
def _environment_as_found() -> Iterator[None]:
    """Each test leaves this process's environment as it found it: a command run in this
    process may set variables for itself (``negotiate serve`` configures xlwings-server in its
    environment before it starts), which every later process of the worker would inherit."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


def load_vectors(name: str) -> list[dict]:
    return read_yaml((TESTS / "vectors" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_rows():
    """The shipped example as an Offers-sheet range (field column + one column per offer)."""
    from addin.workbook.builder import example
    from calculators.offer.model import FIELDS

    offers = example()["offers"]
    header = ["field", *(o["name"] for o in offers)]
    rows = [header]
    for name in FIELDS:
        row = [name]
        for o in offers:
            v = o.get(name)
            row.append(v.isoformat() if hasattr(v, "isoformat") else v)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Ran:
    """What a command did: its exit code and what it printed (as ``subprocess.run`` says it)."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _working_directory(folder: Path | None) -> Iterator[None]:
    if folder is None:
        yield
        return
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def negotiate(*args: object, cwd: Path | None = None) -> Ran:
    """``negotiate ARGS`` in this process, through the entry point the installed command calls
    (``addin.extras:main``): exit code, stdout and stderr, as a fresh process would give them.

    A warning a library raises while the command runs is the command's to silence, as in a
    process of its own; one it lets through fails the test (the suite runs warnings as errors).
    """
    from addin.extras import main

    out, err = io.StringIO(), io.StringIO()
    with _working_directory(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # a command that exits instead of returning its code
            code = exc.code if isinstance(exc.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())


def negotiate_process(*args: object, cwd: Path | None = None, timeout: float = 300) -> Ran:
    """``python -m addin.cli ARGS`` in a process of its own (what a user's shell runs)."""
    done = subprocess.run(
        [sys.executable, "-m", "addin.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def _once_for_the_run(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder shared by every worker of the run (``pytest -n``: each worker is a process of
    its own, with its own session), held under a lock: the first worker to enter makes what
    the folder is for, the others find it made.  Without workers, a folder of the session."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder = base / name
    folder.mkdir(exist_ok=True)
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Iterator[Path]:
    """The shipped example as ``negotiate build-workbook`` makes it: the committed workbook,
    which tests/test_workbook.py holds byte for byte to a fresh build of this run.  Shared:
    tests copy it, never change it (checked at the session's end)."""
    with _once_for_the_run(tmp_path_factory, "built-example") as folder:
        path = folder / "negotiation.xlsm"
        if not path.exists():
            shutil.copyfile(ROOT / "workbook" / "negotiation.xlsm", path)
    made = path.read_bytes()
    yield path
    assert path.read_bytes() == made, "a test changed the run's built example"


def soffice() -> str:
    """The LibreOffice binary (the CI image installs it)."""
    path = shutil.which("soffice")
    assert path, "soffice is missing: .ci/run installs libreoffice-calc-nogui"
    return path


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory) -> str:
    """One private LibreOffice user profile for the session's conversions (as a file URI):
    the first conversion creates it, the others reuse it."""
    return (tmp_path_factory.mktemp("soffice") / "profile").as_uri()


def soffice_convert(
    profile: str, target: str, outdir: Path, books: Sequence[Path], timeout: float = 300
) -> list[Path]:
    """``books`` converted to ``target`` (``pdf:...``, ``csv:...``, ``xlsx``) in one LibreOffice
    run; the files written in ``outdir``, in the order of ``books`` (their stems must differ)."""
    outdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, books),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    extension = target.split(":")[0]
    made = [outdir / f"{Path(book).stem}.{extension}" for book in books]
    missing = [p.name for p in made if not p.is_file()]
    assert missing == [], done.stdout + done.stderr
    return made


SERVER_KEY = "test-key-7f3a"  # the API key of the session's server


@pytest.fixture(scope="session")
def office_server():
    """The Office.js server (``python -m addin.server``) on a free loopback port, with the
    result cache and :data:`SERVER_KEY`, started once a session.  Each test file that uses it
    checks what the server printed while the file ran (``output()[start:]``)."""
    from addin.server import Running

    with Running(api_key=SERVER_KEY) as srv:
        yield srv
