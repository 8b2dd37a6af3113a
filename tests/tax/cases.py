"""The fixture cases the jurisdiction tests share: loading them and checking one.

A fixture (``fixtures/<place>_<year>_<oracle>.yaml`` or ``fixtures/<place>_official.yaml``) is a
table of cases, each with ``salary``, optional ``equity`` and ``options``, and the ``expected``
amount of each line; :func:`assert_lines` checks the engine's lines against one case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from calculators.params import read_yaml
from calculators.tax import compute

FIXTURES = Path(__file__).parent / "fixtures"

__all__ = ["FIXTURES", "oracle_cases", "official_cases", "assert_lines"]


def oracle_cases(*patterns: str, name_oracle: bool = False) -> list[Any]:
    """``pytest.param(year, tolerance, case)`` for every case of the fixtures matching ``patterns``
    (ids ``<year>-<case>``, or ``<oracle>-<year>-<case>`` with ``name_oracle``)."""
    out = []
    for path in sorted(p for pattern in patterns for p in FIXTURES.glob(pattern)):
        doc = read_yaml(path.read_text(encoding="utf-8"))
        prefix = f"{doc['oracle']}-" if name_oracle else ""
        for case in doc["cases"]:
            out.append(
                pytest.param(doc["year"], doc["tolerance"], case, id=f"{prefix}{doc['year']}-{case['name']}")
            )
    return out


def official_cases(name: str) -> list[Any]:
    """``pytest.param(case)`` for every case of ``fixtures/<name>.yaml``, by case name."""
    doc = read_yaml((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    return [pytest.param(c, id=c["name"]) for c in doc["cases"]]


def assert_lines(code: str, year: int, case: dict[str, Any], tolerance: float) -> None:
    """Every ``expected`` line of ``case`` is what the engine computes for ``code``, within ``tolerance``."""
    result = compute(
        case["salary"], code, year, equity_income=case.get("equity", 0), **case.get("options", {})
    )
    for line, expected in case["expected"].items():
        assert float(result.lines[line]) == pytest.approx(expected, abs=tolerance), line
