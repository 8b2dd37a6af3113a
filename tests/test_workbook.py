"""The shipped workbook: reproducible, carrying xlwings' VBA, formulas that resolve."""

import inspect
import zipfile

import pytest
import xlsxwriter.worksheet
from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.formulas import FORMULAE

from addin import udfs
from addin.cells import UDFS
from addin.workbook import builder
from addin.workbook.builder import DEFAULT_PATH, build, quickstart_vba
from tests.conftest import negotiate

EXCEL_BUILTINS = {f.upper() for f in FORMULAE}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The example built in this run by ``negotiate build-workbook -o``."""
    path = tmp_path_factory.mktemp("fresh") / "negotiation.xlsm"
    ran = negotiate("build-workbook", "-o", path)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    return path


def test_build_is_byte_identical(fresh, tmp_path):
    """Built again in this process: the same bytes.  (The committed workbook, built by
    another process, must equal it too: the next test.)"""
    again = build(tmp_path / "negotiation.xlsm")
    assert fresh.read_bytes() == again.read_bytes()


def test_committed_workbook_equals_a_fresh_build(fresh):
    """``negotiate build-workbook -o <tmp>/negotiation.xlsm`` (exit 0, nothing on stderr)
    wrote there the committed workbook, byte for byte."""
    assert fresh.parent != DEFAULT_PATH.parent
    assert DEFAULT_PATH.read_bytes() == fresh.read_bytes(), (
        "workbook/negotiation.xlsm is stale: run `negotiate build-workbook`"
    )


def test_formulas_are_written_as_xlsxwriter_writes_them():
    """The builder's worksheet skips xlsxwriter's rewriting only where it changes nothing: every
    formula of the committed workbook, and formulas naming functions xlsxwriter prefixes with
    ``_xlfn.`` (dynamic arrays, the future functions, its any-character-then-INGLE pattern),
    come out as xlsxwriter's own worksheet writes them; with future functions on, or expanded
    (a dynamic array formula), the formula is xlsxwriter's to rewrite."""
    wb = load_workbook(DEFAULT_PATH, keep_vba=True)
    committed = [c.value for ws in wb for row in ws.iter_rows() for c in row if str(c.value).startswith("=")]
    assert len(committed) > 500
    handed = [  # formulas xlsxwriter prefixes, and one it does not
        "=FILTER(A1:A3,B1:B3>0)",
        "{=SORT(A1:A3)}",
        "=SUM(XLOOKUP(1,A:A,B:B))",
        "=aSINGLE(A1)",
        "=_xlfn.STDEV.S(A1:A3)",
        "=STDEV.S(A1:A3)+CONCAT(A1,B1)",
        '="FILTER(" & A1',
        committed[0],
    ]
    ours = builder._Worksheet()
    theirs = xlsxwriter.worksheet.Worksheet()
    assert not ours.use_future_functions
    for formula in committed + handed:  # the only case the builder's worksheet rewrites itself
        assert ours._prepare_formula(formula) == theirs._prepare_formula(formula), formula
    for future in (False, True):  # the others it hands to xlsxwriter
        ours.use_future_functions = theirs.use_future_functions = future
        for formula in handed:
            assert ours._prepare_formula(formula) == theirs._prepare_formula(formula), formula
            assert ours._prepare_formula(formula, True) == theirs._prepare_formula(formula, True), formula


def test_vba_part_is_xlwings_own():
    with zipfile.ZipFile(DEFAULT_PATH) as zf:
        assert zf.read("xl/vbaProject.bin") == quickstart_vba()
        assert "xl/vbaProject.bin" in zf.namelist()


def test_xlwings_conf_names_our_udf_module():
    wb = load_workbook(DEFAULT_PATH, keep_vba=False)
    conf = {row[0]: row[1] for row in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert conf["UDF Modules"] == "addin.udfs"
    assert {"Start here", "Offers", "Compare", "Params"} <= set(wb.sheetnames)


def _arity(name):
    sig = inspect.signature(UDFS[name.lower()])
    params = list(sig.parameters.values())
    required = sum(p.default is inspect.Parameter.empty for p in params)
    return required, len(params)


def formula_calls(path):
    """(sheet!cell, function name, argument count) of every call in every formula."""
    wb = load_workbook(path, keep_vba=False)
    calls = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                text = value.text if hasattr(value, "text") else value
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                stack = []  # [name, commas, empty] per open call
                for tok in Tokenizer(text).items:
                    closing = tok.type == Token.FUNC and tok.subtype == Token.CLOSE
                    if stack and not closing:
                        stack[-1][2] = False
                    if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
                        stack.append([tok.value[:-1], 0, True])
                    elif tok.type == Token.SEP and tok.subtype == Token.ARG:
                        stack[-1][1] += 1
                    elif closing:
                        name, commas, empty = stack.pop()
                        calls.append((f"{ws.title}!{cell.coordinate}", name, 0 if empty else commas + 1))
    return calls


def check_formulas(path):
    problems = []
    for where, name, nargs in formula_calls(path):
        key = name.upper().removeprefix("_XLFN.").removeprefix("_XLUDF.")
        if key.lower() in UDFS:
            low, high = _arity(key)
            if not low <= nargs <= high:
                problems.append(f"{where}: {key} takes {low}..{high} arguments, not {nargs}")
        elif key not in EXCEL_BUILTINS:
            problems.append(f"{where}: unknown function {key}")
    return problems


def test_every_formula_names_a_builtin_or_a_udf_with_the_right_arity():
    calls = formula_calls(DEFAULT_PATH)
    assert {c[1] for c in calls} >= {
        "OFFER_TC",
        "FX_CONVERT",
        "OFFER_SCHEDULE",
        "INDEX",
        "RANK",
        "OFFER_COMPARE",
        "OPTION_VALUE",
    }
    assert check_formulas(DEFAULT_PATH) == []


def test_the_static_check_catches_a_wrong_name_and_a_wrong_arity(tmp_path):
    import xlsxwriter

    path = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_formula("A1", "=OFFER_TCX(B1)")
    ws.write_formula("A2", "=OFFER_TC(B1,1,2,3,4,5,6,7,8,9)")
    ws.write_formula("A3", "=SUM(OFFER_TC(B1),FX_CONVERT(1))")
    wb.close()
    problems = check_formulas(path)
    assert any("unknown function OFFER_TCX" in p for p in problems)
    assert any("A2: OFFER_TC takes 1..9 arguments, not 10" in p for p in problems)
    assert any("A3: FX_CONVERT takes 3..5 arguments, not 1" in p for p in problems)
    assert len(problems) == 3


def test_cached_values_are_what_the_udfs_return(example_rows):
    wb = load_workbook(DEFAULT_PATH, data_only=True)
    compare = wb["Compare"]
    names = [compare.cell(row=r, column=1).value for r in range(8, 13)]
    assert set(names) == set(example_rows[0][1:])
    for r, name in zip(range(8, 13), names, strict=True):
        npv = compare.cell(row=r, column=5).value
        assert npv == pytest.approx(udfs.offer_tc(example_rows, "npv", 4, 0.05, name))


def test_a_draft_without_the_settled_blanks_gives_every_value_of_the_whole_draft(tmp_path):
    """An empty workbook (what ``negotiate new`` writes); the example's build, whose used slots
    and years must stay in the draft, is the committed workbook, built before any cell was left
    out (test_committed_workbook_equals_a_fresh_build)."""
    data = builder.blank()
    m, lay = builder.model(data)
    blanks, stand_ins = builder.settled_blanks(m)
    assert ("Compare", lay.slot_row(1), 4) in blanks  # no offer: every slot's row is settled
    assert ("Compare", lay.slot_row(1), 0) in stand_ins  # the slot's name: the by-year table refers to it
    assert not blanks & stand_ins and len(blanks) > 800
    whole = builder.evaluated(m, lay, data, tmp_path / "w.xlsm", prune=False)
    pruned = builder.evaluated(m, lay, data, tmp_path / "p.xlsm")
    assert all(whole[(s.upper(), r + 1, c + 1)] == "" for s, r, c in blanks | stand_ins)
    assert pruned == whole
