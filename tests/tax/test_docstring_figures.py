"""No jurisdiction docstring restates a figure that lives in its parameter files.

A rate or amount from the world is data in ``calculators/tax/params/<country>/*.yaml``; the
rules' docstrings name the parameter (``standard_deduction``) instead of copying its value,
so a new year's file cannot leave the prose behind.  The check reads every docstring of the
jurisdiction modules outside their Examples sections (worked examples print what the code
computes) and looks for a parameter's rate written as a percentage (``6.2 %``) or an amount
of 1,000 or more written with thousands separators (``12,570``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import calculators.tax.jurisdictions as jurisdictions
from calculators.params import numbers, read_yaml
from calculators.tax.engine import PARAMS_DIR

MODULES = sorted(p for p in Path(jurisdictions.__file__).parent.glob("*.py") if p.stem != "__init__")

# Figures that equal a parameter's value but are not that parameter, each with its reason.
NOT_A_PARAMETER = {
    # HMRC's yearly NI Primary Threshold, compared with twelve monthly thresholds: NI is
    # worked on the monthly parameters, the yearly one is not read (it equals the allowance).
    ("gb_eng", "12,570"),
    # A printed row of the 協会けんぽ 保険料額表 quoted as the source's own example of the rounding.
    ("jp_social", "300,000"),
    ("jp_social", "58,000"),
    # A measured count of rounding steps, and the taxable income below which a credit is lost.
    ("jp_tokyo", "110,000"),
    ("us_ny", "2,000"),
}


def _written_forms(folder: str) -> dict[str, str]:
    """How each rate and amount of a country's parameter files would be written in prose."""
    forms: dict[str, str] = {}
    for path in sorted((PARAMS_DIR / folder).glob("*.yaml")):
        for name, entry in read_yaml(path.read_text(encoding="utf-8")).items():
            for value in entry["values"].values():
                for x in numbers(value):
                    if 0 < x < 1:
                        pct = f"{round(x * 100, 6):g}"
                        forms[f"{pct}%"] = forms[f"{pct} %"] = name
                    elif x >= 1_000 and x == int(x):
                        forms[f"{int(x):,}"] = name
    return forms


def _prose(source: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of every docstring line outside Examples sections and doctests."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
            continue
        doc = ast.get_docstring(node, clean=False)
        if not doc:
            continue
        first = node.body[0].lineno
        lines = doc.splitlines()
        in_examples = False
        for i, line in enumerate(lines):
            text = line.strip()
            underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if underline and set(underline) == {"-"} and len(underline) >= len(text) > 0:
                in_examples = text == "Examples"
            if in_examples or text.startswith((">>>", "...")):
                continue
            yield first + i, line


def _restated(path: Path) -> list[str]:
    forms = _written_forms(path.stem[:2])  # jp_tokyo -> params/jp
    pattern = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?(?: ?%)?)(?![\d,]*\d)")
    found = []
    for lineno, line in _prose(path.read_text(encoding="utf-8")):
        for token in pattern.findall(line):
            if token in forms and (path.stem, token) not in NOT_A_PARAMETER:
                found.append(f"{path.name}:{lineno}: {token} is {forms[token]}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_docstring_restates_a_parameter(path: Path) -> None:
    assert _restated(path) == []


def test_the_check_finds_a_restated_rate_and_amount(tmp_path: Path) -> None:
    module = tmp_path / "us_xx.py"
    module.write_text(
        '"""Payroll.\n\nSocial security: 6.2 % of wages up to 176,100.\n\nExamples\n--------\n'
        'Up to 176,100:\n\n>>> 1\n1\n"""\n'
    )
    assert _restated(module) == [
        "us_xx.py:3: 6.2 % is social_security_rate",
        "us_xx.py:3: 176,100 is social_security_wage_base",
    ]
