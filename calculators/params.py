"""Dated, sourced parameters read from YAML files.

A parameter file maps names to entries of the form::

    standard_deduction:
      description: Standard deduction, single filer
      metadata:
        unit: USD
        period: year
        reference:
          - title: IRS Rev. Proc. 2024-40, section 3.02
            href: https://www.irs.gov/pub/irs-drop/rp-24-40.pdf
      values:
        2025-01-01: 15000

``values`` is keyed by effective date; the value in force on a date is the one
with the latest effective date on or before it.  A value may be a number, a
list or a mapping (a bracket scale is ``{thresholds: [...], rates: [...]}``;
where brackets change on different dates, each date has its own row, the
scale in force from then).  A file holds one parameter family (``il/income_tax.yaml``),
never one year.  An entry whose figure is a forecast or an assumption says so in
``metadata.status`` (``official``, ``forecast`` or ``assumption``); a figure the
rules compute from other parameters, kept as data so a test can recompute it,
is ``derived``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from calculators.errors import MissingParameterError

DATA_DIR = Path(__file__).parent / "data"  # the parameter files shipped with the rules

__all__ = ["DATA_DIR", "Parameter", "load_parameters", "parameter_files", "numbers", "read_yaml"]

# libyaml's parser where PyYAML was built with it (the wheels are): the same documents, the
# same safe constructor, several times faster than the pure-Python parser
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Parameter:
    """One named, dated, sourced parameter."""

    name: str
    description: str
    unit: str
    references: tuple[dict[str, str], ...]
    values: dict[dt.date, Any] = field(repr=False)
    status: str = "official"
    period: str | None = None

    def at(self, when: dt.date | int) -> Any:
        """Value in force on ``when`` (a date, or a year meaning 1 January).

        Parameters
        ----------
        when : datetime.date or int
            The day, or a year (its 1 January).

        Returns
        -------
        object
            The value with the latest effective date on or before ``when`` (a number, a list or
            a mapping).

        Raises
        ------
        MissingParameterError
            When ``when`` is before the first effective date.

        References
        ----------
        None

        Examples
        --------
        >>> p = Parameter("x", "demo", "USD", ({"title": "t", "href": "h"},),
        ...               {dt.date(2025, 1, 1): 1, dt.date(2026, 1, 1): 2})
        >>> p.at(2025), p.at(dt.date(2026, 6, 30))
        (1, 2)
        """
        day = dt.date(when, 1, 1) if isinstance(when, int) else when
        dates = self.dates
        i = bisect.bisect_right(dates, day)
        if i == 0:
            raise MissingParameterError(f"{self.name} has no value before {dates[0].isoformat()}")
        return self.values[dates[i - 1]]

    @cached_property
    def dates(self) -> list[dt.date]:
        """Effective dates, oldest first."""
        return sorted(self.values)


def _as_date(key: Any, name: str, path: Path) -> dt.date:
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        raise MissingParameterError(f"{path.name}: {name} has a value key that is not a date") from None


def read_yaml(text: str) -> Any:
    """A YAML document as plain data, read with the safe constructor (no Python objects).

    Parameters
    ----------
    text : str
        The document.

    Returns
    -------
    Any
        Mappings, lists, strings, numbers, dates, booleans or None.

    Raises
    ------
    yaml.YAMLError
        Text that is not YAML.

    References
    ----------
    None

    Examples
    --------
    >>> read_yaml("values: {2025-01-01: 15000}")
    {'values': {datetime.date(2025, 1, 1): 15000}}
    """
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python


@cache
def load_parameters(path: str | Path) -> dict[str, Parameter]:
    """Read every parameter of one YAML file (cached per path).

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file.

    Returns
    -------
    dict of str to Parameter
        The file's parameters by name, with their dated values and references.

    Raises
    ------
    MissingParameterError
        A missing file, a file that is not a mapping, an entry without ``values`` or a value
        key that is not a date.

    References
    ----------
    None

    Examples
    --------
    >>> fx = load_parameters(Path(__file__).parent / "data" / "fx.yaml")["rates"]
    >>> fx.status, bool(fx.references)
    ('official', True)
    """
    path = Path(path)
    try:
        raw = read_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingParameterError(f"parameter file {path.name} is missing") from None
    if not isinstance(raw, dict):
        raise MissingParameterError(f"{path.name} is not a mapping of parameters")
    out: dict[str, Parameter] = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or "values" not in entry:
            raise MissingParameterError(f"{path.name}: {name} has no values")
        meta = entry.get("metadata") or {}
        refs = tuple(meta.get("reference") or ())
        out[name] = Parameter(
            name=name,
            description=str(entry.get("description", "")),
            unit=str(meta.get("unit", "")),
            references=refs,
            values={_as_date(k, name, path): v for k, v in entry["values"].items()},
            status=str(meta.get("status", "official")),
            period=meta.get("period"),
        )
    return out


def parameter_files(root: Path | None = None) -> list[Path]:
    """Every parameter YAML file shipped under ``calculators/``.

    Parameters
    ----------
    root : pathlib.Path, optional
        The folder to search; default the ``calculators`` package.

    Returns
    -------
    list of pathlib.Path
        The files under a ``params`` folder or in ``data/``, sorted.

    References
    ----------
    None

    Examples
    --------
    >>> any(p.name == "fx.yaml" for p in parameter_files())
    True
    """
    base = root or Path(__file__).parent
    return sorted(p for p in base.rglob("*.yaml") if "params" in p.parts or p.parent.name == "data")


def numbers(value: Any) -> Iterator[float]:
    """Each number inside a parameter's value (nested mappings and lists), as a float.

    Parameters
    ----------
    value : object
        A value as :meth:`Parameter.at` returns it: a number, a list or a mapping.

    Returns
    -------
    iterator of float
        Every int or float in it, in order; booleans are not numbers.

    References
    ----------
    None

    Examples
    --------
    >>> list(numbers({"thresholds": [0, 1_000], "rates": [0.1, 0.2], "indexed": True}))
    [0.0, 1000.0, 0.1, 0.2]
    """
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
