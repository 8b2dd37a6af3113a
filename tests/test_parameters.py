"""Every number from the world is data with a date, a unit and a source."""

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from calculators.params import load_parameters, parameter_files, read_yaml

FILES = parameter_files()
STATUSES = {"official", "forecast", "assumption", "derived"}
YEAR = re.compile(r"(19|20)\d\d")


def test_parameter_files_are_found():
    names = {p.name for p in FILES}
    assert {"fx.yaml", "assumptions.yaml"} <= names
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_parameter_has_a_unit_a_reference_and_dated_values(path):
    params = load_parameters(path)
    assert params, f"{path.name} holds no parameter"
    for name, p in params.items():
        assert p.description.strip(), f"{path.name}:{name} has no description"
        assert p.unit.strip(), f"{path.name}:{name} has no unit"
        assert p.references, f"{path.name}:{name} has no reference"
        for ref in p.references:
            assert str(ref.get("title", "")).strip(), f"{path.name}:{name} reference lacks a title"
            assert str(ref.get("href", "")).strip(), f"{path.name}:{name} reference lacks an href"
        assert p.values and all(isinstance(d, dt.date) for d in p.values)
        assert p.status in STATUSES, f"{path.name}:{name}"


def test_a_parameter_without_a_reference_is_caught(tmp_path):
    bad = tmp_path / "params" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(
        yaml.safe_dump({"rate": {"description": "d", "metadata": {"unit": "x"}, "values": {"2025-01-01": 1}}})
    )
    with pytest.raises(AssertionError, match="no reference"):
        test_every_parameter_has_a_unit_a_reference_and_dated_values(bad)


def _dated_format_problems(path: Path) -> list[str]:
    """How a parameter file strays from the dated-values format (empty when it does not).

    One file per parameter family, never one per year (no ``2025.yaml``, no ``2025/`` folder);
    every parameter a mapping with a description, a metadata block with a unit and at least one
    reference (title and href), and its values keyed by effective dates written as dates
    (``2025-01-01:``, not ``2025:`` or ``"2025"``); a bracket scale's lists of equal length with
    increasing thresholds and one rate for each.
    """
    problems = []
    root = path.parents[2] if "params" in path.parts else path.parent
    for part in path.relative_to(root).with_suffix("").parts:
        if YEAR.fullmatch(part):
            problems.append(f"{path.name}: named after a year, not a parameter family")
    raw = read_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        return [*problems, f"{path.name}: not a mapping of parameters"]
    for name, entry in raw.items():
        where = f"{path.name}:{name}"
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict) or not entry["values"]:
            problems.append(f"{where}: no dated values")
            continue
        if not str(entry.get("description", "")).strip():
            problems.append(f"{where}: no description")
        meta = entry.get("metadata") or {}
        refs = meta.get("reference") or []
        if not str(meta.get("unit", "")).strip():
            problems.append(f"{where}: no unit")
        if not refs or not all(
            str(r.get("title", "")).strip() and str(r.get("href", "")).strip() for r in refs
        ):
            problems.append(f"{where}: no source reference with a title and an href")
        for key, value in entry["values"].items():
            if not isinstance(key, dt.date):
                problems.append(f"{where}: value key {key!r} is not an effective date")
            if isinstance(value, dict) and "thresholds" in value:
                if "rates" in value and len(value["rates"]) != len(value["thresholds"]):
                    problems.append(f"{where} {key}: a rate for each threshold")
                if value["thresholds"] != sorted(set(value["thresholds"])):
                    problems.append(f"{where} {key}: thresholds not increasing")
    return problems


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_parameter_file_is_in_the_dated_format(path: Path) -> None:
    assert _dated_format_problems(path) == []


def test_the_dated_format_check_catches_a_per_year_file_and_undated_values(tmp_path: Path) -> None:
    entry = {
        "description": "d",
        "metadata": {"unit": "ILS", "reference": [{"title": "t", "href": "h"}]},
        "values": {dt.date(2025, 1, 1): {"thresholds": [0, 10], "rates": [0.1, 0.2]}},
    }
    good = tmp_path / "params" / "il" / "income_tax.yaml"
    good.parent.mkdir(parents=True)
    good.write_text(yaml.safe_dump({"scale": entry}))
    assert _dated_format_problems(good) == []
    per_year = good.with_name("2025.yaml")
    per_year.write_text(good.read_text())
    assert _dated_format_problems(per_year) == ["2025.yaml: named after a year, not a parameter family"]
    undated = good.with_name("undated.yaml")
    undated.write_text(yaml.safe_dump({"scale": {**entry, "values": {2025: 1, "2026": 2}}}))
    assert _dated_format_problems(undated) == [
        "undated.yaml:scale: value key 2025 is not an effective date",
        "undated.yaml:scale: value key '2026' is not an effective date",
    ]
    unsourced = good.with_name("unsourced.yaml")
    unsourced.write_text(yaml.safe_dump({"scale": {**entry, "metadata": {"unit": "ILS"}}}))
    assert _dated_format_problems(unsourced) == [
        "unsourced.yaml:scale: no source reference with a title and an href"
    ]
    ragged = good.with_name("ragged.yaml")
    scale = {"thresholds": [0, 10, 5], "rates": [0.1, 0.2]}
    ragged.write_text(yaml.safe_dump({"scale": {**entry, "values": {dt.date(2025, 1, 1): scale}}}))
    assert len(_dated_format_problems(ragged)) == 2
