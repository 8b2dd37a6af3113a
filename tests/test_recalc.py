"""Headless recalculation: every formula cell filled, every UDF cell equal to a direct call."""

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from addin.cli import main
from addin.recalc import recalc
from addin.workbook.builder import DEFAULT_PATH
from tests.formula_eval import Book, formula_text
from tests.test_workbook import check_formulas, formula_calls

_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)


def _rewrite(src, dst, edit):
    """Copy a workbook, passing each worksheet part's XML through ``edit(name, xml)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data, compress_type=info.compress_type)
    return dst


def _strip(name, xml):
    """Drop every cached result: formula cells keep only their formula, spill cells go blank."""
    spill = set()
    for ref in re.findall(r'<f\b[^>]*t="array"[^>]*ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        c1, r1, c2, r2 = range_boundaries(ref)
        cells = [f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        spill.update(cells[1:])

    def cell(m):
        attrs, body = m[1], m[2] or ""
        ref = re.search(r'\br="([A-Z]+\d+)"', attrs)[1]
        attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
        if "<f" in body:
            return f"<c{attrs}>{_FORMULA.search(body)[0]}</c>"
        if ref in spill:
            return f"<c{attrs}/>"
        return m[0]

    return _CELL.sub(cell, xml)


def _offers_cell(field):
    ws = load_workbook(DEFAULT_PATH, read_only=True)["Offers"]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == field:
            return row[0].row
    raise AssertionError(f"no {field} row on the Offers sheet")


@pytest.fixture(scope="module")
def stripped(tmp_path_factory):
    return _rewrite(DEFAULT_PATH, tmp_path_factory.mktemp("stripped") / "negotiation.xlsm", _strip)


@pytest.fixture(scope="module")
def recalculated(stripped, tmp_path_factory):
    return recalc(stripped, tmp_path_factory.mktemp("rc") / "out.xlsm")


@dataclass(frozen=True)
class Beside:
    """``negotiate recalc SRC`` (no ``-o``): SRC's bytes before, the exit code, the copy."""

    src: Path
    before: bytes
    code: int
    out: Path


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """The shipped workbook with the first offer's base salary raised, cached values stripped,
    recalculated by ``negotiate recalc`` (its entry point, in this process) without ``-o``:
    written beside the input."""
    row = _offers_cell("base_salary")
    sheet = load_workbook(DEFAULT_PATH, read_only=True).sheetnames.index("Offers") + 1

    def edit(name, xml):
        if name == f"xl/worksheets/sheet{sheet}.xml":
            xml, n = re.subn(rf'(<c r="B{row}"[^>]*>)<v>[^<]*</v>', r"\g<1><v>17500000</v>", xml)
            assert n == 1
        return _strip(name, xml)

    src = _rewrite(DEFAULT_PATH, tmp_path_factory.mktemp("changed") / "negotiation.xlsm", edit)
    before = src.read_bytes()
    code = main(["recalc", str(src)])
    return Beside(src, before, code, src.with_name("negotiation.recalc.xlsm"))


def _formula_cells(path):
    wb = load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if formula_text(c.value)
    }


def test_stripping_really_removes_the_cached_values(stripped):
    values = load_workbook(stripped, data_only=True)
    cells = _formula_cells(stripped)
    assert cells and all(values[s][c].value is None for s, c in cells)


def test_recalc_fills_every_formula_cell(stripped, recalculated):
    cells = _formula_cells(stripped)
    assert recalculated.formula_cells == len(cells)
    assert recalculated.error_cells == ()
    values = load_workbook(recalculated.path, data_only=True)
    book = Book(recalculated.path)
    empty = [
        f"{s}!{c}"
        for (s, c), f in cells.items()
        if values[s][c].value in (None, "") and book.evaluate(s, formula_text(f)) not in (None, "")
    ]  # only a formula's own ""
    assert empty == []


def test_recalc_agrees_with_the_builder_on_every_cell(recalculated):
    """recalc of the stripped file stores what the build stored, in every cell (both come from
    the formulas engine: this checks what recalc writes, and that nothing in the file changed)."""
    built = load_workbook(DEFAULT_PATH, data_only=True)
    again = load_workbook(recalculated.path, data_only=True)
    differ = []
    for ws in built.worksheets:
        for row in ws.iter_rows():
            for c in row:
                new = again[ws.title][c.coordinate].value
                if new is None and c.value == 0 and c.data_type == "n":
                    continue  # XlsxWriter pads a spill range with 0 where the result is blank
                if isinstance(c.value, (int, float)) and isinstance(new, (int, float)):
                    if new != pytest.approx(c.value, rel=1e-9, abs=1e-9):
                        differ.append(f"{ws.title}!{c.coordinate}")
                elif c.value != new:
                    differ.append(f"{ws.title}!{c.coordinate}")
    assert differ == []


def _check_udf_cells(path):
    book = Book(path)
    wb = load_workbook(path)
    checked, names = 0, set()
    problems = []
    for sheet, cells in book.formulas.items():
        for (r, c), value in cells.items():
            calls = []
            expected = book.evaluate(sheet, formula_text(value), calls)
            if not calls:
                continue
            checked += 1
            names.update(call.name for call in calls)
            ref = getattr(value, "ref", None)
            cell = wb[sheet].cell(row=r, column=c).coordinate
            if ref and ":" in ref and isinstance(expected, list):
                got = book.grid(sheet, ref)
                want = [[None] * len(got[0]) for _ in got]
                for i, row in enumerate(expected):
                    for j, v in enumerate(row if isinstance(row, list) else [row]):
                        if i < len(want) and j < len(want[0]):
                            want[i][j] = v
            else:
                while isinstance(expected, list):
                    expected = expected[0]
                got, want = book.values[sheet][(r, c)], expected
            if not _same(got, want):
                problems.append(f"{sheet}!{cell}")
    return checked, names, problems


def _same(a, b):
    a, b = (None if x == "" else x for x in (a, b))  # an empty result: blank or ""
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_a_workbook_named_as_users_name_files_gives_the_same_values(stripped, recalculated, tmp_path):
    """The file name is no part of a formula: brackets, quotes and spaces in it (which the
    engine once read into every reference, leaving the cells blank) change no value."""
    odd = tmp_path / "Offers [final] 'v2' (copy).xlsm"
    odd.write_bytes(stripped.read_bytes())
    result = recalc(odd, tmp_path / "out.xlsm")
    assert result.error_cells == () and result.formula_cells == recalculated.formula_cells
    want, got = (load_workbook(p, data_only=True) for p in (recalculated.path, result.path))
    differ = [
        f"{ws.title}!{c.coordinate}"
        for ws in want.worksheets
        for row in ws.iter_rows()
        for c in row
        if got[ws.title][c.coordinate].value != c.value
    ]
    assert differ == []


def test_every_udf_cell_equals_a_direct_call(recalculated):
    checked, names, problems = _check_udf_cells(recalculated.path)
    assert problems == []
    used = {name.upper() for _, name, _ in formula_calls(DEFAULT_PATH)}
    from addin.cells import UDFS

    assert names == {n for n in used if n.lower() in UDFS}
    assert checked >= 20


def test_recalc_follows_changed_inputs(changed):
    """A changed input changes the results, and they still equal direct calls."""
    assert changed.code == 0
    checked, _, problems = _check_udf_cells(changed.out)
    assert problems == [] and checked >= 20
    before = load_workbook(DEFAULT_PATH, data_only=True)["Compare"]
    after = load_workbook(changed.out, data_only=True)["Compare"]
    name = load_workbook(DEFAULT_PATH, data_only=True)["Offers"]["B1"].value
    rows = [r for r in range(1, 40) if before.cell(row=r, column=1).value == name]
    assert rows and after.cell(row=rows[0], column=3).value > before.cell(row=rows[0], column=3).value


def test_the_static_check_covers_the_recalc_output(recalculated, tmp_path):
    assert check_formulas(recalculated.path) == []
    import xlsxwriter

    bad = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(bad))
    ws = wb.add_worksheet()
    ws.write_formula("A1", "=OFFER_TCX(B1)")
    ws.write_formula("A2", "=FX_CONVERT(1)")
    ws.write_formula("A3", '=FX_CONVERT(100,"USD","USD")')
    wb.close()
    out = recalc(bad, tmp_path / "bad-out.xlsx")
    problems = check_formulas(out.path)
    assert [p.split(":")[0] for p in problems] == ["Sheet1!A1", "Sheet1!A2"]
    values = load_workbook(out.path, data_only=True)["Sheet1"]
    assert values["A3"].value == 100
    assert values["A2"].value.startswith("#VALUE! ")
    assert set(out.error_cells) == {"SHEET1!A1", "SHEET1!A2"}


def test_recalc_knows_the_office_js_names_too(tmp_path):
    import xlsxwriter

    path = tmp_path / "web.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_formula("A1", '=NEGOTIATE.FX_CONVERT(100,"USD","USD")*2')
    wb.close()
    out = recalc(path, tmp_path / "web-out.xlsx")
    assert load_workbook(out.path, data_only=True).active["A1"].value == 200
    assert out.udf_calls == 1


def test_recalc_keeps_everything_but_the_cached_values(recalculated):
    with zipfile.ZipFile(DEFAULT_PATH) as a, zipfile.ZipFile(recalculated.path) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                assert a.read(name) == b.read(name), name


def test_cli_recalc_writes_beside_the_input_and_never_overwrites_it(changed, tmp_path):
    """Without ``-o``, beside the input (the shipped workbook's run: :func:`changed`); with it,
    where it says, folders made, the input itself if it names the input."""
    assert changed.code == 0
    assert changed.src.read_bytes() == changed.before
    assert changed.out.is_file()
    assert {p.name for p in changed.src.parent.iterdir()} == {changed.src.name, changed.out.name}
    import xlsxwriter

    small = tmp_path / "small.xlsx"
    wb = xlsxwriter.Workbook(str(small))
    wb.add_worksheet().write_formula("A1", '=FX_CONVERT(2,"USD","USD")')
    wb.close()
    assert main(["recalc", str(small), "-o", str(tmp_path / "x" / "y.xlsx")]) == 0
    assert load_workbook(tmp_path / "x" / "y.xlsx", data_only=True).active["A1"].value == 2
    assert main(["recalc", str(small), "-o", str(small)]) == 0  # -o may name the input
    assert load_workbook(small, data_only=True).active["A1"].value == 2
    assert not [p for p in tmp_path.rglob(".recalc-*")]


def test_cli_recalc_failures_are_one_line(tmp_path, capsys):
    assert main(["recalc", str(tmp_path / "missing.xlsx")]) == 2
    (tmp_path / "text.xlsx").write_text("private salary 123", encoding="utf-8")
    assert main(["recalc", str(tmp_path / "text.xlsx")]) == 2
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert main(["recalc", str(tmp_path / "old.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err and "123" not in err
    assert "old.xlsx: refused, this is an OLE compound file" in err
    assert not list(tmp_path.glob("*.recalc.*"))


def test_cli_recalc_reports_error_cells_in_one_line_naming_the_file(tmp_path, capsys):
    import xlsxwriter

    bad = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(bad))
    ws = wb.add_worksheet()
    ws.write_formula("A1", "=OFFER_TCX(B1)")
    ws.write_formula("A2", "=1/0")
    wb.close()
    assert main(["recalc", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == "negotiate: bad.xlsx: 2 cells show an error: SHEET1!A1, SHEET1!A2\n"


def test_the_shipped_workbook_is_well_inside_recalcs_bounds(recalculated):
    """The bounds refuse hostile files, never the user's own: the shipped workbook (12 offer
    slots, 10 years laid out) uses at most a fifth of each."""
    from addin.recalc import LIMITS, _scan_package

    scan = _scan_package(DEFAULT_PATH, LIMITS)
    assert scan.formulas * 5 < LIMITS.formulas
    assert scan.distinct * 5 < LIMITS.distinct_cells
    assert scan.referenced * 5 < LIMITS.referenced_cells
    assert scan.other_books == []
    assert recalculated.udf_calls * 5 < LIMITS.udf_calls
    assert (recalculated.no_result, recalculated.long_text) == ((), 0)


def test_a_call_an_earlier_evaluation_made_is_answered_from_the_kept_results(tmp_path, monkeypatch):
    """Evaluated again, a workbook runs none of its functions (each call is answered from
    addin.recalc.RESULTS, and counted); on another day only the functions that read today run
    again; the values are the same each time.  A failure that says nothing about the inputs
    (memory ran out) is not kept: the next evaluation runs the call again."""
    import datetime as dt
    import types

    import xlsxwriter

    import addin.udfs.offers as offers
    from addin import recalc as engine
    from addin.results import ResultCache

    class Counted(ResultCache):
        runs: list[str]

        def put(self, key, result):
            self.runs.append(key[0])
            super().put(key, result)

    kept = Counted()
    kept.runs = []
    monkeypatch.setattr(engine, "RESULTS", kept)
    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, (field, value) in enumerate(
        [("company", "Own"), ("jurisdiction", "US-WA"), ("currency", "USD"), ("base_salary", 200_000)],
        start=1,
    ):
        ws.write(r + 9, 0, field)
        ws.write(r + 9, 1, value)
    ws.write("B1", 100)
    ws.write("B3", 250)
    ws.write_formula("A1", '=FX_CONVERT(B1,"USD","JPY")')  # from a cell: the engine calls it each time
    ws.write_formula("A3", '=FX_CONVERT(B3,"USD","JPY")')  # the same function, other arguments
    ws.write_formula("A2", "=INDEX(TAX_YEARS(A11:B14),2,1)")  # a blank start date: from today
    wb.close()

    def values(out):
        sheet = load_workbook(out.path, data_only=True).active
        return sheet["A1"].value, sheet["A2"].value, sheet["A3"].value

    first = recalc(path, tmp_path / "1.xlsx")
    assert sorted(kept.runs) == ["fx_convert", "fx_convert", "tax_years"] and first.udf_calls == 3
    yen, year, more = values(first)
    assert yen > 100 and more == pytest.approx(yen * 2.5, rel=1e-12) and year >= dt.date.today().year
    kept.runs.clear()
    again = recalc(path, tmp_path / "2.xlsx")
    assert kept.runs == [] and again.udf_calls == 3 and values(again) == values(first)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with monkeypatch.context() as m:
        m.setattr(engine, "dt", types.SimpleNamespace(date=types.SimpleNamespace(today=lambda: tomorrow)))
        later = recalc(path, tmp_path / "3.xlsx")
    assert kept.runs == ["tax_years"] and later.udf_calls == 3 and values(later) == values(first)

    def starved(*args):  # what a function meets when the evaluation's memory runs out
        raise MemoryError

    kept.clear()
    with monkeypatch.context() as m:
        m.setattr(offers, "fx_table", starved)
        failed = recalc(path, tmp_path / "4.xlsx")
    assert str(values(failed)[0]).startswith("#VALUE! FX_CONVERT could not compute this")
    assert values(recalc(path, tmp_path / "5.xlsx")) == values(first)  # run again, not kept
