"""Shared fixtures. Tests never read ../shared: vectors are copied into tests/."""

from pathlib import Path

import pytest
import yaml
from hypothesis import settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200, print_blob=True)
settings.load_profile("ci")


def load_vectors(name: str) -> list[dict]:
    return yaml.safe_load((TESTS / "vectors" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_rows():
    """The shipped example as an Offers-sheet range (field column + one column per offer)."""
    from addin.workbook import example
    from calculators.offer import FIELDS

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
