"""Hostile workbooks for ``negotiate recalc``: formulas it must not follow or blow up on.

Each builder makes one file from a freshly built example workbook (``base``) in ``folder``:
the example with formulas (and, for some, a defined name, a merged or linked range, or the
other workbooks a formula names) added to its *Start here* sheet, which holds none of its
own.  ``finding`` names the issue's finding.  These files pass the input guard, so only
recalc, which evaluates formulas, has anything to refuse: every case lists ``recalc`` alone.

Two kinds of answer: a refusal (exit 2, nothing written) for what is beyond recalc's bounds
or refers to another workbook (recalc never opens another file), and a report (exit 1, the
copy written) for what evaluates to an error the way Excel shows it: text longer than Excel
allows in a cell is ``#VALUE!``, a circular reference has no result.
:data:`REPORTED` names the second kind.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench.hostile import Case, rewrite, sheet_part

SHEET = "Start here"  # text only: every formula on it is one a case added
CANARY = 7_349_118_263  # the private value in the workbooks the references name
CANARY_TEXT = "CANARY-salary-floor-9921"
FIRST_ROW = 30  # below the sheet's own text


# --- helpers --------------------------------------------------------------------------------


def _cell(ref: str, value: object) -> str:
    if isinstance(value, tuple):  # ("array", its range, formula)
        return f'<c r="{ref}"><f t="array" ref="{value[1]}">{escape(value[2][1:])}</f></c>'
    if isinstance(value, str) and value.startswith("="):
        return f'<c r="{ref}"><f>{escape(value[1:])}</f></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def _rows(cells: Mapping[str, object]) -> str:
    by_row: dict[int, list[str]] = {}
    for ref, value in cells.items():
        by_row.setdefault(int(re.sub(r"[A-Z]", "", ref)), []).append(_cell(ref, value))
    return "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(by_row.items()))


def with_cells(
    base: Path,
    dst: Path,
    cells: Mapping[str, object],
    *,
    names: Mapping[str, str] | None = None,
    after_data: str = "",
) -> Path:
    """The example with ``cells`` (ref -> formula "=..." or value) on the *Start here* sheet,
    defined ``names`` (name -> formula text) in the workbook, and ``after_data`` (XML such
    as ``<mergeCells>``) right after the sheet's data."""
    part = sheet_part(base, SHEET)
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode("utf-8")
        workbook = zf.read("xl/workbook.xml").decode("utf-8")
    cut = xml.index("</sheetData>")
    xml = xml[:cut] + _rows(cells) + "</sheetData>" + after_data + xml[cut + len("</sheetData>") :]
    replace = {part: xml.encode("utf-8")}
    if names:
        defined = "".join(
            f"<definedName name={quoteattr(n)}>{escape(v)}</definedName>" for n, v in names.items()
        )
        if "<definedNames>" in workbook:
            workbook = workbook.replace("<definedNames>", "<definedNames>" + defined, 1)
        else:
            workbook = workbook.replace("</sheets>", f"</sheets><definedNames>{defined}</definedNames>", 1)
        replace["xl/workbook.xml"] = workbook.encode("utf-8")
    dst.parent.mkdir(parents=True, exist_ok=True)
    return rewrite(base, dst, replace=replace)


def _column(formulas: list[str], col: str = "B") -> dict[str, object]:
    return {f"{col}{FIRST_ROW + i}": f for i, f in enumerate(formulas)}


def private_book(path: Path, value: object, sheet: str = "Strategy") -> Path:
    """A small workbook holding ``value`` at B5..B9 of ``sheet`` and A1 of Sheet1: what a
    reference into another workbook would read if recalc followed it."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    for row in range(4, 9):
        ws.write(row, 1, value)
    wb.add_worksheet("Sheet1").write(0, 0, value)
    wb.close()
    return path


# --- the cases ------------------------------------------------------------------------------

# Parallel to each other: each case function is one call of with_cells with the case's own file
# name and cells (whole_sheet_name and merged_cells, broadcast and whole_sheet_range...); kept one
# function per case because CASES names them one by one, each with its docstring.

# Every way a formula can name another workbook.  The file lives in inbox/; the books named
# are beside it, one folder up (../home/), or nowhere (a Windows path), as the issue found.
OTHER_BOOK_FORMULAS = [
    "='[negotiation.xlsx]Strategy'!B5",  # beside the file
    "='../home/[negotiation.xlsx]Strategy'!B6",  # one folder up
    "=[other.xlsx]Sheet1!A1",  # unquoted
    "='C:\\dir\\[x.xlsx]S'!A1",  # a Windows path
    "='file:/../../home/[negotiation.xlsx]Strategy'!B7",  # a file: URL, up again
    "=SUM('[negotiation.xlsx]Strategy'!B5:B9)",  # a range there
    "=Leak*1",  # a defined name pointing there
    "=INDIRECT(\"'[negotiation.xlsx]Strategy'!B8\")",  # text made a reference at run time
    '=HYPERLINK("[negotiation.xlsx]Strategy!B9","x")',
]
# the referenced books, relative to the case's folder: each holds a private value
OTHER_BOOKS = {
    "inbox/negotiation.xlsx": CANARY,
    "home/negotiation.xlsx": CANARY,
    "inbox/other.xlsx": CANARY_TEXT,
}


def other_workbooks(base: Path, folder: Path) -> Path:
    """The issue's finding 2: formulas reading the user's own workbook beside the file, or
    one folder up, and every other spelling of a reference into another book."""
    for rel, value in OTHER_BOOKS.items():
        private_book(folder / rel, value)
    return with_cells(
        base,
        folder / "inbox" / "offer.xlsx",
        _column(OTHER_BOOK_FORMULAS),
        names={"Leak": "'[negotiation.xlsx]Strategy'!$B$5"},
    )


READ_FORMULAS = [  # the finding as reported: each one read the private value
    "='[negotiation.xlsx]Strategy'!B5",
    "='../home/[negotiation.xlsx]Strategy'!B6",
    "='file:/../../home/[negotiation.xlsx]Strategy'!B7",
    "=SUM('[negotiation.xlsx]Strategy'!B5:B9)",
    "=Leak*1",
]


def read_own_workbook(base: Path, folder: Path) -> Path:
    """The issue's finding 2 as reported: only formulas the engine used to follow (beside the
    file, one folder up, a file: URL, a range, a defined name), so that nothing else stops
    the evaluation before they are read."""
    for rel, value in OTHER_BOOKS.items():
        private_book(folder / rel, value)
    return with_cells(
        base,
        folder / "inbox" / "offer.xlsx",
        _column(READ_FORMULAS),
        names={"Leak": "'[negotiation.xlsx]Strategy'!$B$5"},
    )


def whole_sheet_range(base: Path, folder: Path) -> Path:
    """Finding 6: ``=SUM(B1:XFD1048576)``, 17 billion cells (with one far cell, as the issue
    built it, the input guard refuses the far cell; the range alone is recalc's to bound)."""
    return with_cells(base, folder / "whole-sheet.xlsx", _column(["=SUM(B1:XFD1048576)"], "C"))


def whole_sheet_name(base: Path, folder: Path) -> Path:
    """The same range behind a defined name."""
    return with_cells(
        base,
        folder / "whole-sheet-name.xlsx",
        _column(["=SUM(Everything)"]),
        names={"Everything": "'Start here'!$A:$XFD"},
    )


def built_range(base: Path, folder: Path) -> Path:
    """A range spanned with ``:`` from two small ones: the whole sheet again (the engine
    cannot read it; refused for what it says, before the engine tries)."""
    return with_cells(base, folder / "built-range.xlsx", _column(["=SUM(A1:A2:XFD1048576)"]))


def referenced_total(base: Path, folder: Path) -> Path:
    """Each range allowed (a whole column), read by too many formulas: 63 million cells."""
    return with_cells(
        base,
        folder / "referenced-total.xlsx",
        {f"{col}{FIRST_ROW + i}": "=SUM(D:D)" for i in range(20) for col in "BCE"},
    )


def distinct_total(base: Path, folder: Path) -> Path:
    """Each range allowed (a whole column), too many of them: the engine would hold 600 bytes
    for each of their 10 million cells."""
    return with_cells(
        base,
        folder / "distinct-total.xlsx",
        {f"B{FIRST_ROW + i}": f"=SUM({c}:{c})" for i, c in enumerate("DEFGHIJKLM")},
    )


def long_text(base: Path, folder: Path) -> Path:
    """Finding 6: ``REPT`` and friends building text past Excel's 32,767 characters a cell
    (900 million characters, as found); each is #VALUE!, as in Excel."""
    return with_cells(
        base,
        folder / "long-text.xlsx",
        _column(
            [
                '=REPT("x",30000)&REPT("x",30000)',
                '=REPT("x",1000000000)',
                '=LEN(SUBSTITUTE(REPT("a",30000),"",REPT("b",30000)))',  # Excel: unchanged, 30000
                '=SUBSTITUTE(REPT("ab",16000),"a",REPT("c",30000))',
                '=CONCATENATE(REPT("x",20000),REPT("y",20000))',
                '=TEXTJOIN(",",TRUE,REPT("x",20000),REPT("y",20000))',
                '=CONCAT(REPT("x",20000),REPT("y",20000))',
                '=REPLACE(REPT("x",30000),1,1,REPT("y",30000))',
            ]
        ),
    )


def many_formulas(base: Path, folder: Path) -> Path:
    """12,000 formulas, more than recalc's budget (the example has about 1,100)."""
    cols = "BCDEFGHIJK"
    cells = {f"{c}{r}": "=1" for r in range(FIRST_ROW, FIRST_ROW + 1_100) for c in cols}
    return with_cells(base, folder / "many-formulas.xlsx", cells)


def long_formula(base: Path, folder: Path) -> Path:
    """A formula longer than the 8,192 characters Excel allows."""
    return with_cells(base, folder / "long-formula.xlsx", _column(["=" + "+".join(["1"] * 5000)]))


def udf_calls(base: Path, folder: Path) -> Path:
    """This add-in's functions called 22,500 times with different arguments."""
    return with_cells(
        base,
        folder / "udf-calls.xlsx",
        _column(['=SUM(MAKEARRAY(150,150,LAMBDA(r,c,FX_CONVERT(r*1000+c,"USD","USD"))))']),
    )


def lambda_calls(base: Path, folder: Path) -> Path:
    """LAMBDA evaluated 160,000 times (a million took 33 s)."""
    return with_cells(
        base, folder / "lambda-calls.xlsx", _column(["=SUM(MAKEARRAY(400,400,LAMBDA(r,c,r+c)))"])
    )


def huge_arrays(base: Path, folder: Path) -> Path:
    """Functions told to build arrays of billions of cells."""
    return with_cells(
        base,
        folder / "huge-arrays.xlsx",
        _column(
            [
                "=SUM(MAKEARRAY(100000,100000,LAMBDA(r,c,r)))",
                "=SUM(MUNIT(100000))",
                "=SUM(EXPAND(1,1048576,16384,0))",
                "=SUM(WRAPROWS({1,2},100000000,0))",
                "=ROWS(VSTACK(A1:XFD1,A1:A1000000))",
            ]
        ),
    )


def broadcast(base: Path, folder: Path) -> Path:
    """Two small ranges, a column and a row, added: two million cells."""
    return with_cells(base, folder / "broadcast.xlsx", _column(["=SUM(A1:A2000+B1:ALL1)"], "C"))


def merged_cells(base: Path, folder: Path) -> Path:
    """The whole sheet merged: openpyxl, under the engine, makes an object per cell."""
    return with_cells(
        base,
        folder / "merged.xlsx",
        _column(["=1+1"]),
        after_data='<mergeCells count="1"><mergeCell ref="B100:XFD1048576"/></mergeCells>',
    )


def linked_cells(base: Path, folder: Path) -> Path:
    """The whole sheet under one hyperlink: the same, through the hyperlinks."""
    return with_cells(
        base,
        folder / "linked.xlsx",
        _column(["=1+1"]),
        after_data='<hyperlinks><hyperlink ref="B100:XFD1048576" '
        'location="\'Start here\'!A1" display="x"/></hyperlinks>',
    )


def circular(base: Path, folder: Path) -> Path:
    """Two cells computed from each other."""
    return with_cells(base, folder / "circular.xlsx", {"B30": "=C30+1", "C30": "=B30+1"})


def backtracking(base: Path, folder: Path) -> Path:
    """A wildcard whose regular expression backtracks for hours on a 3,000-character text:
    only the CPU-time budget stops it."""
    return with_cells(
        base, folder / "backtracking.xlsx", {"B30": "a" * 3000, "B31": '=COUNTIF(B30,"*a*a*a*a*a*a*a*a*b")'}
    )


def memory(base: Path, folder: Path) -> Path:
    """Text results each within every bound, 100,000 of them: 2.7 GB, which only the memory
    budget stops."""
    return with_cells(
        base,
        folder / "memory.xlsx",
        {"B30": "a" * 30000, "B31": "=SUMPRODUCT(LEN(MID(B30,2,ROW(A1:A100000))))"},
    )


def refused_copy(base: Path, folder: Path) -> Path:
    """Two array formulas whose ranges reach past the 200,000 rows the input guard allows:
    the file passes (it holds two cells of them), the copy with their results would not (it
    would hold every row of them), so it is never written."""
    return with_cells(
        base,
        folder / "refused-copy.xlsx",
        {"B30": ("array", "B30:B100029", "=1"), "B100030": ("array", "B100030:B200029", "=2")},
    )


REPORTED = ("long-text", "circular")  # exit 1, written

CASES: list[Case] = [
    Case(
        "read-own-workbook",
        "11.2",
        read_own_workbook,
        "4 formulas and 1 defined name refer to other workbooks (",
        ("recalc",),
    ),
    Case("other-workbooks", "11.2", other_workbooks, "refer to other workbooks (", ("recalc",)),
    Case(
        "whole-sheet-range",
        "11.6",
        whole_sheet_range,
        "refers to b1:xfd1048576, 17,178,820,608 cells",
        ("recalc",),
    ),
    Case(
        "whole-sheet-name",
        "11.6",
        whole_sheet_name,
        "the name everything refers to 'start here'!a:xfd, 17,179,869,184 cells",
        ("recalc",),
    ),
    Case("built-range", "11.6", built_range, "refers to a1:a2:xfd1048576, 17,179,869,184 cells", ("recalc",)),
    Case("referenced-total", "11.6", referenced_total, "more than 50,000,000 cells in all", ("recalc",)),
    Case("distinct-total", "11.6", distinct_total, "more than 2,000,000 different cells", ("recalc",)),
    Case("long-text", "11.6", long_text, "text longer than 32,767 characters", ("recalc",)),
    Case("many-formulas", "11.6", many_formulas, "more than 10,000 formulas", ("recalc",)),
    Case("long-formula", "11.6", long_formula, "longer than 8,192 characters", ("recalc",)),
    Case("udf-calls", "11.6", udf_calls, "functions more than 10,000 times", ("recalc",)),
    Case("lambda-calls", "11.6", lambda_calls, "lambda more than 100,000 times", ("recalc",)),
    Case("huge-arrays", "11.6", huge_arrays, "would make an array of", ("recalc",)),
    Case("broadcast", "11.6", broadcast, "+ would make an array of 1,998,000 cells", ("recalc",)),
    Case("merged-cells", "11.6", merged_cells, "merges more than 1,048,576 cells", ("recalc",)),
    Case("linked-cells", "11.6", linked_cells, "more than 1,048,576 cells a hyperlink", ("recalc",)),
    Case("circular", "11.6", circular, "circular reference", ("recalc",)),
    Case("backtracking", "11.6", backtracking, "s of cpu time", ("recalc",)),
    Case("memory", "11.6", memory, "mib of memory", ("recalc",)),
    # the recalc bullet: nothing the guard would refuse is ever written back out
    Case(
        "refused-copy",
        "11",
        refused_copy,
        "the recalculated copy would be refused by the input check",
        ("recalc",),
    ),
]
