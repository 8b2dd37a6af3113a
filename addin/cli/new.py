"""``negotiate new PATH [--offers FILE] [--runtime web]``: a workbook for your own offers."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from addin.workbook.sheets.layout import MAX_YEARS
from calculators.defaults import YEARS
from calculators.errors import InvalidInputError


def read_offers(path: Path) -> list[dict[str, Any]]:
    """Offers from a YAML list of mappings, a YAML ``offers:`` list, or a CSV laid out like
    the Offers sheet (field names down the first column, one column per offer, the first
    row naming the offers) or one offer per row (field names across the first row)."""
    import yaml  # noqa: PLC0415

    from addin.workbook.sheets.layout import MAX_OFFERS  # noqa: PLC0415
    from calculators.offer.table import offers_from_table  # noqa: PLC0415
    from calculators.params import read_yaml  # noqa: PLC0415

    if not path.is_file():
        raise InvalidInputError(f"{path.name}: no such offers file")
    if path.stat().st_size > 1_000_000:
        raise InvalidInputError(f"{path.name}: an offers file is at most 1 MB")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows: list[list[Any]] = [
            [c if c.strip() else None for c in row] for row in csv.reader(text.splitlines())
        ]
        width = max((len(r) for r in rows), default=0)
        rows = [r + [None] * (width - len(r)) for r in rows if any(c is not None for c in r)]
        if not rows:
            raise InvalidInputError(f"{path.name}: the offers file is empty")
    else:
        try:
            loaded = read_yaml(text)
        except yaml.YAMLError:
            raise InvalidInputError(f"{path.name}: not valid YAML") from None
        if isinstance(loaded, dict):
            loaded = loaded.get("offers")
        if not isinstance(loaded, list) or not all(isinstance(o, dict) for o in loaded):
            raise InvalidInputError(f"{path.name}: expected a list of offers (field: value)")
        fields = list(dict.fromkeys(str(k) for o in loaded for k in o if str(k) != "name"))
        rows = [["field", *(o.get("name") for o in loaded)]]
        rows += [[f, *(_plain(o.get(f)) for o in loaded)] for f in fields]
    try:
        offers = offers_from_table(rows)  # every field checked, as the workbook will
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from None
    if len(offers) > MAX_OFFERS:
        raise InvalidInputError(f"{path.name}: a workbook holds at most {MAX_OFFERS} offers")
    return [_as_cells(rows, j) for j in _offer_columns(rows)]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _offer_columns(rows: list[list[Any]]) -> list[int]:
    from calculators.offer.table import has_field_rows  # noqa: PLC0415

    if not has_field_rows(rows):
        rows[:] = [list(c) for c in zip(*rows, strict=True)]
    return [j for j in range(1, len(rows[0])) if any(r[j] is not None for r in rows[1:])]


def _as_cells(rows: list[list[Any]], j: int) -> dict[str, Any]:
    """One offer column as field -> cell value (numbers as numbers, as a user types them)."""
    out: dict[str, Any] = {}
    if rows[0][j] is not None:
        out["name"] = str(rows[0][j])
    for row in rows[1:]:
        value = row[j]
        if value is None or row[0] is None:
            continue
        if isinstance(value, str):
            text = value.strip()
            try:
                value = float(value.replace(",", ""))
            except ValueError:
                value = text
            else:  # nan, inf and 1e999 stay text: the offer's own check names the field
                value = text if not math.isfinite(value) else int(value) if value.is_integer() else value
        elif isinstance(value, float) and not math.isfinite(value):
            value = str(value)  # a YAML .nan or .inf: no cell can hold it as a number
        out[str(row[0]).strip().lower()] = value
    out.setdefault("name", out.get("company"))
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def new(
        path: Annotated[Path, typer.Argument(help="The workbook to create (.xlsm); never an existing file")],
        offers: Annotated[
            Path | None,
            typer.Option("--offers", help="Fill it with these offers: YAML or CSV (see the README)"),
        ] = None,
        runtime: Annotated[
            str,
            typer.Option(
                "--runtime",
                help="windows (classic xlwings, bare names) or web (Excel on Mac / "
                "the web: the add-in's NEGOTIATE. functions)",
            ),
        ] = "windows",
        home_city: Annotated[
            str | None,
            typer.Option("--home-city", help="Where you live now (blank: Tokyo); sets the home currency"),
        ] = None,
        years: Annotated[
            int | None,
            typer.Option("--years", help=f"Horizon in years, 1 to {MAX_YEARS} (blank: {YEARS.default})"),
        ] = None,
    ) -> None:
        """Write a workbook for your own offers: the example's sheets, none of its data."""
        from addin.workbook.builder import RUNTIMES  # noqa: PLC0415
        from addin.workbook.builder import new as write  # noqa: PLC0415

        if runtime not in RUNTIMES:
            raise InvalidInputError("--runtime must be " + " or ".join(RUNTIMES))
        if years is not None and not 1 <= years <= MAX_YEARS:
            raise InvalidInputError(f"--years must be from 1 to {MAX_YEARS}")
        if path.suffix.lower() != ".xlsm":
            raise InvalidInputError(
                f"{path.name}: the workbook must be an .xlsm file (it carries the add-in's macros)"
            )
        if path.exists() or path.is_symlink():
            raise InvalidInputError(f"{path.name}: already exists; nothing was written (choose another name)")
        if not path.parent.is_dir():
            raise InvalidInputError(f"{path.name}: its folder does not exist")
        rows = read_offers(offers) if offers is not None else []
        try:
            written = write(path, rows, runtime, home_city, years)
        except FileExistsError:
            raise InvalidInputError(f"{path.name}: already exists; nothing was written") from None
        typer.echo(
            f"wrote {written.name}: {len(rows)} offer{'' if len(rows) == 1 else 's'}; "
            "fill the Offers sheet, then "
            f"`negotiate recalc {written.name}` or open it in Excel"
        )
