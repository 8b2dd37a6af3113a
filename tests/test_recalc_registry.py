"""recalc binds our functions into the formulas engine for one evaluation only.

The engine keeps one function table for the whole process; recalc adds our functions to it
for the evaluation and puts back exactly what was there, also when the evaluation fails.
Formulas it compiled are kept for the next evaluation of a book of the same name, and must
then compute from that book's cells, not from what the last one held.
"""

from __future__ import annotations

import dataclasses

import pytest
import xlsxwriter
from formulas.functions import get_functions
from openpyxl import load_workbook

from addin.recalc import LIMITS, evaluate, recalc, udfs_bound
from calculators.errors import NegotiationError


def _book(path, formulas, values=()):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    for cell, value in values:
        ws.write(cell, value)
    for cell, formula in formulas:
        ws.write_formula(cell, formula)
    wb.close()
    return path


def _snapshot():
    return dict(get_functions())


def test_no_function_of_ours_is_in_the_engine_outside_an_evaluation():
    registry = get_functions()
    assert "FX_CONVERT" not in registry and "NEGOTIATE.FX_CONVERT" not in registry
    with udfs_bound():
        assert {"FX_CONVERT", "NEGOTIATE.FX_CONVERT", "_XLDUDF_NEGOTIATE_FX_CONVERT"} <= set(registry)
    assert "FX_CONVERT" not in registry


def test_after_a_recalc_the_engine_table_is_as_before(tmp_path):
    before = _snapshot()
    path = _book(
        tmp_path / "a.xlsx",
        [("A1", '=FX_CONVERT(100,"USD","USD")*2'), ("A2", "=NO_SUCH_FUNCTION(1)"), ("A3", "=SUM(1,2)")],
    )
    out = recalc(path, tmp_path / "a-out.xlsx")
    sheet = load_workbook(out.path, data_only=True)["Sheet1"]
    assert (sheet["A1"].value, sheet["A3"].value) == (200, 3)
    after = _snapshot()
    assert after.keys() == before.keys()  # nothing of ours left, nor the unknown name
    assert all(after[k] is before[k] for k in before)  # and every entry the same object


def test_a_failing_evaluation_leaves_the_table_as_before(tmp_path):
    before = _snapshot()
    path = _book(tmp_path / "b.xlsx", [(f"A{i}", f'=FX_CONVERT({i},"USD","USD")') for i in range(1, 6)])
    tight = dataclasses.replace(LIMITS, udf_calls=2)
    with pytest.raises(NegotiationError, match="more than 2 times"):
        recalc(path, tmp_path / "b-out.xlsx", limits=tight)
    after = _snapshot()
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)


def test_an_exception_inside_the_block_restores_the_table():
    registry = get_functions()
    before = _snapshot()
    saved = registry["SUM"]
    with pytest.raises(RuntimeError), udfs_bound():
        registry["SUM"] = len  # something the block did not put there, changed meanwhile
        registry["ADDED_MEANWHILE"] = len
        raise RuntimeError
    registry["SUM"] = saved  # the block restores its own entries and drops added ones
    after = _snapshot()
    assert after.keys() == before.keys()


def test_a_kept_formula_computes_from_the_new_books_cells(tmp_path):
    """The same formula at the same cell of a book of the same name, compiled once: each
    evaluation reads its own book's inputs and counts its own calls."""
    results = []
    for amount in (100, 250):
        folder = tmp_path / str(amount)
        folder.mkdir()
        path = _book(
            folder / "same.xlsx",
            [("B1", '=FX_CONVERT(A1,"USD","USD")'), ("B2", "=A1*2")],
            [("A1", amount)],
        )
        values, calls = evaluate(path)
        results.append((values[("SHEET1", 1, 2)], values[("SHEET1", 2, 2)], calls))
    assert results == [(100, 200, 1), (250, 500, 1)]
