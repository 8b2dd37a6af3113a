"""Read a user's workbook: the Offers range and the Params settings.

Values only (cached results where a cell holds a formula); nothing is ever
executed or written back.  Layout is found by labels, not fixed positions, so
a user's own rows and columns survive.

Memory stays small whatever the file declares: a sheet's ``<dimension>`` is never
used (openpyxl's read-only sheets pad every row out to it, so a small file declaring
``A1:XFD1048576`` would fill memory).  Each sheet is streamed and read only inside
the bounds of :data:`BOUNDS` (rows x columns its layout uses), a cell holding a number
that is not finite (NaN, infinity) is refused naming it, and so is a cell openpyxl
cannot convert.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.io.guard import check_workbook
from addin.workbook.sheets.layout import MAX_OFFERS
from addin.workbook.sheets.market import TOP as MARKET_TOP
from addin.workbook.sheets.market import USER_ROWS as MARKET_ROWS
from calculators.defaults import AGE
from calculators.errors import InvalidInputError, NegotiationError
from calculators.fx import FxTable
from calculators.offer.model import FIELDS as OFFER_FIELDS

__all__ = [
    "WorkbookInputs",
    "read_inputs",
    "WorkbookError",
    "BOUNDS",
    "SheetGrid",
    "read_grid",
    "stream_rows",
    "workbook_offers",
    "block_end",
    "MIN_ROW_HEIGHT",
    "MIN_COL_WIDTH",
    "MAX_MERGES",
]


class WorkbookError(InvalidInputError):
    """A workbook could not be read; the message names the file and the reason."""


#: Rows and columns read from each sheet, whatever the file declares.  Every bound is the
#: sheet's layout with generous room for a user's own rows; a block (FX table, market rows,
#: a Strategy section) that runs to its bound without ending is refused, never cut short.
BOUNDS: dict[str, tuple[int, int]] = {
    # a header and one row per field: more rows than fields is a field twice or unknown
    "Offers": (2 * (1 + len(OFFER_FIELDS)), MAX_OFFERS + 1),
    # the settings, then one FX row per currency (ISO 4217 has under 200)
    "Params": (500, 2),
    # the inputs block near the top (home city, basket, move costs, overrides per city)
    "Relocation": (500, 2),
    # sections of at most a dozen rows each, plus the user's impact and expected rows
    "Strategy": (2_000, 10),
    # the disclosure switches: the field keys in K, the switches in L
    "Strategy switches": (200, 12),
    # one field per row near the top
    "Recruiter": (200, 2),
    # the user's own extract: its 12 columns, twice the rows the sheet's formulas read
    "Market": (MARKET_TOP + 1 + 2 * MARKET_ROWS, 12),
}


@dataclass(frozen=True)
class WorkbookInputs:
    offers: list[list[Any]]
    settings: dict[str, Any]
    fx: FxTable | None
    relocation: list[list[Any]] | None = None  # the Relocation sheet's input / value rows
    name: str = "workbook"  # the file's name, for messages
    # the Params sheet's personal facts: its rows from age to the FX table's title, as typed
    # (the range every function's age argument reads); None without an age row
    personal: list[list[Any]] | None = None


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    return get_column_letter(col)


class _BadCell(Exception):
    def __init__(self, coordinate: str, problem: str) -> None:
        super().__init__(coordinate, problem)
        self.coordinate, self.problem = coordinate, problem


_NOT_FINITE = "holds a number that is not finite (NaN or infinity)"


def _parser_class() -> type:
    """openpyxl's own sheet parser, told to name a cell it cannot convert (text in a number
    cell, an impossible date) and, unless ``finite`` is off, a number that is not finite
    (``NaN``, ``inf``, ``1E999``); only in the columns read, the others are skipped."""
    from openpyxl.utils import coordinate_to_tuple  # noqa: PLC0415
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser  # noqa: PLC0415

    class Parser(WorkSheetParser):  # type: ignore[misc]
        min_read = 1
        max_read = 1
        finite = True

        def parse_cell(self, element: Any) -> dict[str, Any]:
            style = element.get("s")
            try:
                if style and int(style) in self.date_formats:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        cell = super().parse_cell(element)
                    if caught:  # a date serial beyond the calendar; openpyxl would warn
                        cell["value"] = _BadCell(self._here(element), "holds a date outside the calendar")
                else:
                    cell = super().parse_cell(element)
            except Exception:  # a value it cannot convert: openpyxl's int() of "NaN", "inf"
                coord = element.get("r")
                try:
                    row, col = coordinate_to_tuple(coord) if coord else (self.row_counter, self.col_counter)
                except Exception:
                    raise _BadCell(str(coord)[:20], "is not a valid cell reference") from None
                value = self._number(element) if self.min_read <= col <= self.max_read else None
                cell = {"row": row, "column": col, "value": value}
            value = cell["value"]
            if self.min_read <= cell["column"] <= self.max_read:
                if isinstance(value, _BadCell):
                    raise value
                if self.finite and isinstance(value, float) and not math.isfinite(value):
                    raise _BadCell(self._here(element), _NOT_FINITE)
            elif isinstance(value, _BadCell):
                cell["value"] = None
            return cell

        def _number(self, element: Any) -> float:
            try:
                if element.get("t", "n") != "n":
                    raise ValueError
                return float(element.findtext(VALUE_TAG) or "")
            except ValueError:
                raise _BadCell(self._here(element), "holds a value that cannot be read") from None

        def _here(self, element: Any) -> str:
            return element.get("r") or f"{_column_letter(self.col_counter)}{self.row_counter}"

    return Parser


_PARSER: type | None = None


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _whole(value: Any) -> int:
    """An attribute's whole number (a level, a column index); 0 when it is none."""
    number = _number(value)
    return int(min(max(number, 0.0), 1e9)) if number is not None else 0


#: Below this height (points) a row shows nothing legible: it counts as hidden.  Excel's
#: default is 15 points; a row of 0.1 point is hidden in all but name.
MIN_ROW_HEIGHT = 2.0
#: Below this width (characters of the default font) a column shows nothing legible: it
#: counts as hidden.  Excel's default is about 8.43.
MIN_COL_WIDTH = 0.5
#: Merged ranges touching a grid's area, at most; more is refused (Excel itself forbids
#: overlapping merges, so an area of ``r x c`` cells holds at most ``r * c`` of them).
MAX_MERGES = 10_000


@dataclass(frozen=True)
class SheetGrid:
    """The values of a sheet's bounded area and which of its rows and columns are hidden.

    ``rows[r - 1][c - min_col]`` is cell (r, c); rows past the last one in the file are
    absent.  Hidden: hidden, smaller than :data:`MIN_ROW_HEIGHT` / :data:`MIN_COL_WIDTH`, or
    inside a collapsed outline group.  With ``looks`` (see :func:`read_grid`), ``formats``
    holds the number format code of each cell in the area that has one other than General,
    and ``covered`` each cell covered by a merged range (in it, not its top-left cell), with
    the range.
    """

    title: str
    rows: list[list[Any]]
    min_col: int
    hidden_rows: frozenset[int]
    hidden_cols: frozenset[int]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    covered: dict[tuple[int, int], str] = field(default_factory=dict)

    def coordinate(self, row: int, col: int) -> str:
        return f"{_column_letter(col)}{row}"


_MAX_OUTLINE = 8  # Excel's outline levels: 0 to 7


def _collapsed(levels: dict[int, int], collapsed: set[int], summary_after: bool) -> set[int]:
    """Rows (or columns) inside an outline group whose summary row is collapsed."""
    out: set[int] = set()
    for index, level in levels.items():
        for k in range(1, min(level, _MAX_OUTLINE) + 1):
            lo = hi = index  # the run of rows at level >= k around ``index``
            while levels.get(lo - 1, 0) >= k:
                lo -= 1
            while levels.get(hi + 1, 0) >= k:
                hi += 1
            if (hi + 1 if summary_after else lo - 1) in collapsed:
                out.add(index)
                break
    return out


def _outline(attrs: dict[str, Any], at: int, levels: dict[int, int], collapsed: set[int]) -> None:
    """Note the outline level and the collapsed flag a row's (or column's) attributes give
    row (or column) ``at``: the same attributes on both (ECMA-376 Part 1, 18.3.1.73 ``row``,
    18.3.1.13 ``col``)."""
    level = _whole(attrs.get("outlineLevel"))
    if level > 0:
        levels[at] = level
    if _truthy(attrs.get("collapsed", "0")):
        collapsed.add(at)


def _summary_after(parser: Any, attribute: str) -> bool:
    """Whether an outline group's summary row (``summaryBelow``) or column (``summaryRight``)
    comes after the group: Excel's default, unless the sheet's outline properties say not."""
    props = getattr(parser, "sheet_properties", None)
    outline = getattr(props, "outlinePr", None) if props is not None else None
    value = getattr(outline, attribute, None) if outline is not None else None
    return value is None or bool(value)


def _hidden_rows(parser: Any, last: int) -> frozenset[int]:
    fmt = getattr(parser, "sheet_format", None)
    by_default = False
    if fmt is not None:
        default_height = _number(getattr(fmt, "defaultRowHeight", None))
        by_default = _truthy(getattr(fmt, "zeroHeight", None)) or (
            default_height is not None and default_height < MIN_ROW_HEIGHT
        )
    hidden: set[int] = set(range(1, last + 1)) if by_default else set()
    levels: dict[int, int] = {}
    collapsed: set[int] = set()
    for key, attrs in parser.row_dimensions.items():
        r = int(key)
        height = _number(attrs.get("ht"))
        if "hidden" in attrs:
            (hidden.add if _truthy(attrs["hidden"]) else hidden.discard)(r)
        elif by_default and height is not None and height >= MIN_ROW_HEIGHT:
            hidden.discard(r)
        # Excel draws a row at its ``ht`` with or without ``customHeight``
        if height is not None and height < MIN_ROW_HEIGHT:
            hidden.add(r)
        _outline(attrs, r, levels, collapsed)
    return frozenset(hidden | _collapsed(levels, collapsed, _summary_after(parser, "summaryBelow")))


def _hidden_cols(parser: Any, last: int) -> frozenset[int]:
    fmt = getattr(parser, "sheet_format", None)
    default_width = _number(getattr(fmt, "defaultColWidth", None)) if fmt is not None else None
    # a default width too small to see hides every column without a width of its own
    hidden: set[int] = (
        set(range(1, last + 1)) if default_width is not None and default_width < MIN_COL_WIDTH else set()
    )
    levels: dict[int, int] = {}
    collapsed: set[int] = set()
    for attrs in parser.column_dimensions.values():
        lo = _whole(attrs.get("min"))
        hi = min(_whole(attrs.get("max")) or lo, last + 1)  # one past: a summary column
        width = _number(attrs.get("width"))
        for c in range(max(lo, 1), hi + 1):
            if _truthy(attrs.get("hidden", "0")) or (width is not None and width < MIN_COL_WIDTH):
                hidden.add(c)
            elif width is not None:
                hidden.discard(c)
            _outline(attrs, c, levels, collapsed)
    return frozenset(hidden | _collapsed(levels, collapsed, _summary_after(parser, "summaryRight")))


class _Stream:
    """``(row number, values)`` of one sheet inside its :data:`BOUNDS`, in order; a row
    missing from the file is a row of blanks.  It stops at the bound, whatever the file
    declares; ``parser`` then holds what it saw of the rows' and columns' attributes."""

    def __init__(
        self, wb: Any, name: str, title: str, bound: str | None = None, min_col: int = 1, finite: bool = True
    ) -> None:
        global _PARSER
        if _PARSER is None:
            _PARSER = _parser_class()
        self.name, self.title, self.min_col = name, title, min_col
        self.max_row, self.max_col = BOUNDS[bound or title]
        ws = wb[title]
        ws.reset_dimensions()  # never the declared size
        try:
            # openpyxl's own read-only plumbing (pinned >=3.1,<3.2 in pyproject)
            self.source = ws._get_source()
            self.parser = _PARSER(
                self.source,
                ws._shared_strings,
                data_only=wb.data_only,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise WorkbookError(f"{name}: the {title} sheet cannot be read ({type(exc).__name__})") from None
        self.parser.min_read, self.parser.max_read = min_col, self.max_col
        self.parser.finite = finite
        self.styles: dict[tuple[int, int], int] = {}  # (row, column) -> style id, when not 0

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        width = self.max_col - self.min_col + 1
        expected = 1
        try:
            with self.source:
                for index, cells in self.parser.parse():
                    if index > self.max_row:
                        break
                    if index < expected:
                        continue  # rows out of order: the first one given wins
                    while expected < index:
                        yield expected, [None] * width
                        expected += 1
                    values: list[Any] = [None] * width
                    for cell in cells:
                        c = cell["column"]
                        if self.min_col <= c <= self.max_col:
                            values[c - self.min_col] = _cell(cell["value"])
                            if cell.get("style_id"):
                                self.styles[(index, c)] = cell["style_id"]
                    yield index, values
                    expected += 1
        except _BadCell as bad:
            raise WorkbookError(f"{self.name}: {self.title}!{bad.coordinate} {bad.problem}") from None
        except Exception as exc:  # openpyxl raises many kinds on a damaged sheet
            raise WorkbookError(
                f"{self.name}: the {self.title} sheet cannot be read ({type(exc).__name__})"
            ) from None


def stream_rows(
    wb: Any, name: str, title: str, bound: str | None = None, min_col: int = 1
) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a sheet inside its bounds, one at a time (see :class:`_Stream`)."""
    return iter(_Stream(wb, name, title, bound, min_col))


def read_grid(
    wb: Any,
    name: str,
    title: str,
    bound: str | None = None,
    min_col: int = 1,
    finite: bool = True,
    looks: bool = False,
) -> SheetGrid:
    """The whole bounded area of a sheet, with its hidden rows and columns.  ``finite``:
    refuse a cell holding NaN or infinity (off where the fields' own checks name them).
    ``looks``: also the cells' number formats and the merged ranges covering cells (a second,
    streaming pass over the sheet for its ``<mergeCell>`` elements)."""
    stream = _Stream(wb, name, title, bound, min_col, finite)
    rows = [values for _, values in stream]
    formats: dict[tuple[int, int], str] = {}
    covered: dict[tuple[int, int], str] = {}
    if looks:
        for (r, c), style_id in stream.styles.items():
            code = _number_format(wb, wb[title], r, c, style_id)
            if code != "General":
                formats[(r, c)] = code
        covered = _covered(wb, name, title, stream.max_row, min_col, stream.max_col)
    return SheetGrid(
        title,
        rows,
        min_col,
        _hidden_rows(stream.parser, stream.max_row),
        _hidden_cols(stream.parser, stream.max_col),
        formats,
        covered,
    )


def _number_format(wb: Any, ws: Any, row: int, col: int, style_id: int) -> str:
    """The number format code of a cell's style, as openpyxl resolves it (a custom format
    that reuses a built-in id wins, as in Excel); General for a style the file lacks."""
    from openpyxl.cell.read_only import ReadOnlyCell  # noqa: PLC0415

    try:
        return str(ReadOnlyCell(ws, row, col, None, style_id=style_id).number_format or "General")
    except (IndexError, KeyError, TypeError):
        return "General"


def _covered(
    wb: Any, name: str, title: str, max_row: int, min_col: int, max_col: int
) -> dict[tuple[int, int], str]:
    """Cells of the area (rows 1 to ``max_row``, columns ``min_col`` to ``max_col``) covered
    by a merged range: in it but not its top-left cell, which is the one shown.  Streamed
    (each element cleared once read, the parse ends with ``</mergeCells>``); a ``ref`` that is
    no range is refused, and so are more than :data:`MAX_MERGES` ranges touching the area."""
    from openpyxl.utils import range_boundaries  # noqa: PLC0415
    from openpyxl.xml.constants import SHEET_MAIN_NS  # noqa: PLC0415
    from openpyxl.xml.functions import iterparse  # noqa: PLC0415 - defusedxml's when present

    merge, merges = f"{{{SHEET_MAIN_NS}}}mergeCell", f"{{{SHEET_MAIN_NS}}}mergeCells"
    ranges: set[tuple[int, int, int, int]] = set()
    try:
        with wb[title]._get_source() as source:
            for _, element in iterparse(source):
                if element.tag == merge:
                    ref = str(element.get("ref") or "")
                    try:
                        c1, r1, c2, r2 = range_boundaries(ref)
                    except Exception:
                        raise WorkbookError(
                            f"{name}: the {title} sheet's merged range {ref[:20]!r} is not a cell range"
                        ) from None
                    if None in (c1, r1, c2, r2):
                        raise WorkbookError(
                            f"{name}: the {title} sheet's merged range {ref[:20]!r} is not a cell range"
                        )
                    if r1 <= max_row and c1 <= max_col and c2 >= min_col:
                        ranges.add((c1, r1, c2, r2))
                        if len(ranges) > MAX_MERGES:
                            raise WorkbookError(
                                f"{name}: the {title} sheet has more than {MAX_MERGES:,} merged ranges"
                            )
                element.clear()
                if element.tag == merges:
                    break
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged sheet
        raise WorkbookError(f"{name}: the {title} sheet cannot be read ({type(exc).__name__})") from None
    out: dict[tuple[int, int], str] = {}
    for c1, r1, c2, r2 in sorted(ranges):
        label = f"{_column_letter(c1)}{r1}:{_column_letter(c2)}{r2}"
        for r in range(r1, min(r2, max_row) + 1):
            for c in range(max(c1, min_col), min(c2, max_col) + 1):
                if (r, c) != (r1, c1):
                    out.setdefault((r, c), label)
    return out


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _trim_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows down to the first empty one (the field rows under the header)."""
    height = next((i for i, row in enumerate(rows) if all(_blank(v) for v in row)), len(rows))
    return rows[:height]


def _offer_columns(rows: list[list[Any]]) -> list[list[Any]]:
    """Column A and the offer columns B to M; an empty column between offers is kept (it is
    no offer), the field help column and anything right of it never are."""
    from addin.workbook.sheets.offers import HELP_HEADER  # noqa: PLC0415

    width = MAX_OFFERS + 1
    if rows:
        header = [str(v).strip().lower() if v is not None else "" for v in rows[0]]
        if HELP_HEADER in header[1:width]:
            width = header.index(HELP_HEADER, 1)  # a workbook laid out before 12 slots
    return [list(r[:width]) + [None] * (width - len(r[:width])) for r in rows]


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return value


def open_workbook(p: Path) -> Any:
    """The workbook, read-only and values only, after the guard."""
    from openpyxl import load_workbook  # noqa: PLC0415 - keeps CLI start-up light

    check_workbook(p)  # the untrusted-input guard, before openpyxl sees the file
    if not p.is_file():
        raise WorkbookError(f"{p.name}: no such workbook")
    if not zipfile.is_zipfile(p):
        raise WorkbookError(f"{p.name}: not an .xlsx/.xlsm workbook")
    try:
        with warnings.catch_warnings():  # openpyxl's notes on unsupported extensions
            warnings.simplefilter("ignore")
            return load_workbook(p, read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError(f"{p.name}: cannot be read ({type(exc).__name__})") from None


def block_end(name: str, title: str, what: str) -> WorkbookError:
    """A block read to the first blank row must end before the sheet's bound."""
    limit = BOUNDS[title][0]
    return WorkbookError(
        f"{name}: the {title} sheet's {what} runs past row {limit:,}, the "
        "last row read; end it with a blank row or shorten it"
    )


def read_inputs(path: str | Path) -> WorkbookInputs:
    """Offers and settings of a workbook laid out like the shipped one."""
    p = Path(path)
    wb = open_workbook(p)
    name = p.name
    try:
        if "Offers" not in wb.sheetnames:
            raise WorkbookError(f"{name}: has no Offers sheet")
        # NaN or infinity in an offer is named by the offer's field checks
        offers = _offer_columns(_trim_rows(read_grid(wb, name, "Offers", finite=False).rows))
        settings: dict[str, Any] = {}
        fx, personal = None, None
        if "Params" in wb.sheetnames:
            settings, fx, personal = _params(name, read_grid(wb, name, "Params").rows)
        relocation = (
            _relocation(name, read_grid(wb, name, "Relocation").rows)
            if "Relocation" in wb.sheetnames
            else None
        )
    finally:
        wb.close()
    if not offers:
        raise WorkbookError(f"{name}: the Offers sheet is empty")
    return WorkbookInputs(offers, settings, fx, relocation, name, personal)


def workbook_offers(inputs: WorkbookInputs) -> list[Any]:
    """The validated offers of ``inputs``; a refusal names the file, the offer (its number
    and Offers column) and the field."""
    from calculators.offer.table import offers_from_table  # noqa: PLC0415

    def label(n: int, col: int) -> str:
        return f"offer {n} (Offers column {_column_letter(col + 1)})"

    try:
        return offers_from_table(inputs.offers, label=label)
    except NegotiationError as exc:
        raise WorkbookError(f"{inputs.name}: {exc}") from None


def _relocation(name: str, rows: list[list[Any]]) -> list[list[Any]] | None:
    """The ``input | value`` rows under the Relocation sheet's ``input`` header."""
    out: list[list[Any]] = []
    started = False
    for row in rows:
        key, value = row[0], row[1]
        label = str(key).strip().lower() if key is not None else ""
        if not started:
            started = label == "input"
            continue
        if not label:
            return out or None
        out.append([key, _cell(value)])
    if started and len(rows) >= BOUNDS["Relocation"][0]:
        raise block_end(name, "Relocation", "inputs block")
    return out or None


def _params(
    name: str, rows: list[list[Any]]
) -> tuple[dict[str, Any], FxTable | None, list[list[Any]] | None]:
    settings: dict[str, Any] = {}
    fx_rows: list[list[Any]] = []
    personal: list[list[Any]] | None = None
    in_fx = False
    ended = False
    facts = False  # within the personal facts: from the age row to the FX table's title
    for key, value in rows:
        label = str(key).strip().lower() if key is not None else ""
        if label == AGE.name and personal is None:
            personal, facts = [], True
        elif label.startswith("fx rates") or label == "currency":
            facts = False
        if facts and personal is not None:
            personal.append([key, value])
        if in_fx:
            if not label:
                ended = True
                break
            fx_rows.append([key, value])
        elif label == "currency":
            in_fx = True
        elif label:
            settings[label] = value
    if in_fx and not ended and len(rows) >= BOUNDS["Params"][0]:
        raise block_end(name, "Params", "FX table")
    fx = None
    if fx_rows:
        try:
            fx = FxTable.from_rows(fx_rows, settings.get("as_of"), str(settings.get("source") or ""))
        except NegotiationError as exc:
            raise WorkbookError(f"{name}: Params {exc}") from None
    return settings, fx, personal
