"""Every number from the world is data with a date, a unit and a source."""

import datetime as dt

import pytest
import yaml

from calculators.params import load_parameters, parameter_files

FILES = parameter_files()


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
        assert p.status in {"official", "forecast", "assumption"}, f"{path.name}:{name}"


def test_a_parameter_without_a_reference_is_caught(tmp_path):
    bad = tmp_path / "params" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(
        yaml.safe_dump({"rate": {"description": "d", "metadata": {"unit": "x"}, "values": {"2025-01-01": 1}}})
    )
    with pytest.raises(AssertionError, match="no reference"):
        test_every_parameter_has_a_unit_a_reference_and_dated_values(bad)
