"""The registry of places (calculators/places.yaml) is the one place a place is named.

* every code and alias is written, as a string, in that file and in no other source file
  under calculators/ or addin/ (Python string literals other than docstrings; YAML scalars);
* every jurisdiction's supported years are the years its parameter files cover;
* the add-in's help text lists every place and every city.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from addin.udfs import _docs
from calculators import places
from calculators.params import load_parameters, read_yaml
from calculators.relocation.cost_of_living import CITIES, canonical_city
from calculators.tax import get_jurisdiction, supported_codes

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "calculators" / "places.yaml"
PARAMS = ROOT / "calculators" / "tax" / "params"
# Inputs, not facts about places: the example and blank workbooks' contents name places the
# way a user types them into the sheets.
# Inputs as a user writes them (offers naming their place), not facts about places: the
# example workbook's data and the invented offers the docstring Examples share.
USER_INPUTS = {
    ROOT / "addin" / "data" / "example.yaml",
    ROOT / "addin" / "data" / "blank.yaml",
    ROOT / "calculators" / "examples.py",
}


def _all_names() -> set[str]:
    out: set[str] = set()
    for p in places.PLACES.values():
        out |= {p.code, *p.aliases, p.city_name, *p.city_aliases, *p.city_only}
    return out


def _python_strings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.value


def _yaml_strings(node: object, in_table: bool = False) -> Iterator[str]:
    """Scalars of a YAML document.  The keys of a dated value table (``values: {date: {KEY:
    ...}}``) are references to the registry (a country or city key), not names: they are
    checked against it by test_cost_of_living_tables_use_registry_keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and not in_table:
                yield key
            if key == "values" and isinstance(value, dict):
                for table in value.values():
                    yield from _yaml_strings(table, in_table=True)
            else:
                yield from _yaml_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_strings(item)
    elif isinstance(node, str):
        yield node


def _source_files() -> list[Path]:
    files = []
    for top in ("calculators", "addin"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".py", ".yaml") and path not in USER_INPUTS:
                if "__pycache__" not in path.parts:
                    files.append(path)
    return files


def test_every_place_name_is_written_in_exactly_one_file() -> None:
    names = _all_names()
    found: dict[str, set[str]] = {name: set() for name in names}
    for path in _source_files():
        if path.suffix == ".py":
            strings = _python_strings(path)
        else:
            strings = _yaml_strings(read_yaml(path.read_text(encoding="utf-8")))
        for s in strings:
            if s in found:
                found[s].add(str(path.relative_to(ROOT)))
    wrong = {n: sorted(f) for n, f in found.items() if f != {"calculators/places.yaml"}}
    assert not wrong, wrong


def test_the_scan_sees_a_restated_name(tmp_path: Path) -> None:
    # the check above must fail on a module that restates a place
    module = tmp_path / "m.py"
    module.write_text('"""Docstring naming Tokyo is prose."""\nCITY = "Tokyo"\n', encoding="utf-8")
    assert list(_python_strings(module)) == ["Tokyo"]
    table = {"x": {"values": {"2025-01-01": {"TOKYO": 1}}, "note": "Tokyo"}}
    assert list(_yaml_strings(table)) == ["x", "values", "note", "Tokyo"]


def test_no_name_stands_for_two_places() -> None:
    seen: dict[str, str] = {}
    for p in places.PLACES.values():
        for name in (p.code, *p.names):
            key = " ".join(name.upper().split())
            assert seen.setdefault(key, p.code) == p.code, name


def test_cost_of_living_tables_use_registry_keys() -> None:
    data = read_yaml((ROOT / "calculators/data/cost_of_living.yaml").read_text("utf-8"))
    keys = {p.city_key for p in places.PLACES.values()} | {p.country for p in places.PLACES.values()}
    for name, entry in data.items():
        for table in entry["values"].values():
            if isinstance(table, dict) and name.startswith(("ppp_household", "regional", "rent")):
                assert set(table) <= keys, (name, set(table) - keys)


@pytest.mark.parametrize("code", sorted(places.PLACES))
def test_every_name_finds_its_place(code: str) -> None:
    p = places.PLACES[code]
    for name in (p.code, *p.names):
        assert places.canonical_code(name.lower()) == code
        assert get_jurisdiction(name).code == code
    for name in (p.city_key, p.city_name, p.code, *p.city_aliases, *p.city_only):
        assert canonical_city(name).key == p.city_key
    assert get_jurisdiction(code).currency == p.currency == CITIES[p.city_key].currency


def test_every_place_has_its_tax_module_registered() -> None:
    assert supported_codes() == sorted(places.PLACES)
    for p in places.PLACES.values():
        assert get_jurisdiction(p.code).lines.__module__ == p.tax_module


def _years_of_files(files: tuple[str, ...]) -> tuple[int, ...]:
    """Independently of the engine: the years from the first in which every parameter of the
    files is in force to the last year any of them is dated in."""
    loaded = [load_parameters(PARAMS / f"{f}.yaml") for f in files]
    dated = {d.year for params in loaded for p in params.values() for d in p.values}
    names = {name for params in loaded for name in params}

    def in_force(name: str, year: int) -> bool:
        return any(name in params and min(params[name].values) <= dt.date(year, 12, 31) for params in loaded)

    return tuple(y for y in range(min(dated), max(dated) + 1) if all(in_force(n, y) for n in names))


@pytest.mark.parametrize("code", sorted(places.PLACES))
def test_supported_years_are_the_years_the_parameter_files_cover(code: str) -> None:
    p = places.PLACES[code]
    years = _years_of_files(p.tax_params)
    assert years, code
    assert get_jurisdiction(code).years == years


@pytest.mark.parametrize("code", sorted(places.PLACES))
def test_the_listed_parameter_files_are_the_ones_the_module_reads(code: str) -> None:
    # the rules read no parameter file that is not listed for the place (listed files count
    # towards its years)
    from calculators.tax import engine

    p = places.PLACES[code]
    engine.params.cache_clear()
    read: set[str] = set()
    original = engine.load_parameters

    def spy(path: str | Path):  # type: ignore[no-untyped-def]
        rel = Path(path).relative_to(PARAMS)
        read.add(str(rel.with_suffix("")))
        return original(path)

    engine.load_parameters = spy  # type: ignore[assignment]
    try:
        for year in get_jurisdiction(code).years:
            engine.compute([50_000.0, 400_000.0], code, year, equity_income=10_000.0)
    finally:
        engine.load_parameters = original
        engine.params.cache_clear()
    assert read, code
    assert read <= set(p.tax_params), read - set(p.tax_params)


def test_the_udf_help_lists_every_place_and_city() -> None:
    for p in places.PLACES.values():
        assert p.code in _docs.JUR_DOC
        assert p.city_name in _docs.CITY_DOC
    assert _docs.JUR_DOC == "Where the work is taxed: " + ", ".join(places.PLACES) + " or a city"


def test_every_place_has_a_source_note() -> None:
    for p in places.PLACES.values():
        assert p.currency in p.source and p.country in p.source, p.code
