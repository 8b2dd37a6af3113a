"""The house style, checked by the suite (so CI checks it): ruff's lint and format, and mypy on
``calculators/`` and ``addin/`` (the files ``pyproject.toml`` names)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint_is_clean():
    r = _run("ruff", "check", ".")
    assert r.returncode == 0, r.stdout[-3000:]


def test_ruff_format_is_clean():
    r = _run("ruff", "format", "--check", ".")
    assert r.returncode == 0, r.stdout[-3000:]


def test_mypy_is_clean_on_calculators_and_addin():
    r = _run("mypy")
    assert r.returncode == 0, r.stdout[-3000:]
    assert "calculators" in _pyproject_files() and "addin" in _pyproject_files()


def _pyproject_files() -> list[str]:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as fh:
        return list(tomllib.load(fh)["tool"]["mypy"]["files"])
