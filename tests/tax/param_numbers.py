"""Every number in a parsed YAML value, shared by the tax tests that scan parameter files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def numbers(value: Any) -> Iterator[float]:
    """Each int or float inside ``value`` (nested dicts and lists), as a float; booleans are not numbers."""
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield float(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)
