"""recalc sets the formulas engine up for one evaluation only (``engine_bound``).

The engine keeps one function table (and its operators and classes) for the whole process;
recalc adds our functions and its bounds to it for the evaluation and puts back exactly what
was there, also when the evaluation fails, when blocks nest and when two threads evaluate at
once.  Formulas it compiled are kept for the next evaluation of a book of the same name, and
must then compute from that book's cells, not from what the last one held.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest
import xlsxwriter
from formulas.functions import get_functions
from openpyxl import load_workbook

from addin.recalc import LIMITS, engine_bound, evaluate, recalc
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
    """The engine's process-wide state recalc changes: its function and operator tables,
    the classes' methods and the module's progress bar, each as the object it holds."""
    import formulas.excel as engine
    from formulas.functions.operators import OPERATORS
    from formulas.tokens.function import LambdaFunction
    from formulas.tokens.operand import Empty

    return {
        "functions": dict(get_functions()),
        "operators": dict(OPERATORS),
        "attributes": [engine.tqdm, Empty.__dict__["compile"], LambdaFunction.__dict__["__call__"]],
    }


def _as_before(before):
    after = _snapshot()
    for part in ("functions", "operators"):
        assert after[part].keys() == before[part].keys()  # nothing of ours left, nor an unknown name
        assert all(after[part][k] is before[part][k] for k in before[part])  # every entry the same object
    assert all(a is b for a, b in zip(after["attributes"], before["attributes"], strict=True))


def test_no_function_of_ours_is_in_the_engine_outside_an_evaluation():
    registry = get_functions()
    assert "FX_CONVERT" not in registry and "NEGOTIATE.FX_CONVERT" not in registry
    with engine_bound():
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
    _as_before(before)


def test_a_failing_evaluation_leaves_the_table_as_before(tmp_path):
    before = _snapshot()
    path = _book(tmp_path / "b.xlsx", [(f"A{i}", f'=FX_CONVERT({i},"USD","USD")') for i in range(1, 6)])
    tight = dataclasses.replace(LIMITS, udf_calls=2)
    with pytest.raises(NegotiationError, match="more than 2 times"):
        recalc(path, tmp_path / "b-out.xlsx", limits=tight)
    _as_before(before)


def test_an_exception_inside_the_block_restores_the_table():
    registry = get_functions()
    before = _snapshot()
    with pytest.raises(RuntimeError), engine_bound():
        registry["SUM"] = len  # an entry the block did not set, changed meanwhile
        registry["ADDED_MEANWHILE"] = len
        raise RuntimeError
    _as_before(before)  # SUM has its own function back, the added entry is gone


def test_a_nested_block_goes_on_and_puts_back_what_it_found(tmp_path):
    """A block nested in the same thread does not wait for itself (the lock is re-entrant),
    evaluates, and leaves the outer block's entries set; the outer one then puts back all."""
    before = _snapshot()
    path = _book(tmp_path / "n.xlsx", [("A1", '=FX_CONVERT(B1,"USD","USD")+LEN(REPT("a",3))')], [("B1", 7)])
    with engine_bound():
        inside = _snapshot()
        values, calls = evaluate(path)
        assert (values[("SHEET1", 1, 1)], calls) == (10, 1)
        _as_before(inside)
    _as_before(before)


def test_two_threads_evaluating_at_once_leave_the_table_as_before(tmp_path):
    """Evaluations in two threads take turns: each gets its own results and calls, and the
    table ends as it began (two unlocked blocks would each put back what the other set)."""
    before = _snapshot()
    paths = {  # inputs in cells: a call of constants only is folded when compiled, and kept
        n: _book(
            tmp_path / f"t{n}.xlsx",
            [(f"A{i}", f'=FX_CONVERT(B{i},"USD","USD")') for i in range(1, 4)],
            [(f"B{i}", n * i) for i in range(1, 4)],
        )
        for n in (1, 10)
    }
    start = threading.Barrier(2)
    results: dict[int, list[tuple[list[object], int]]] = {n: [] for n in paths}
    failures: list[BaseException] = []

    def run(n):
        try:
            start.wait()
            for _ in range(3):
                values, calls = evaluate(paths[n])
                results[n].append(([values[("SHEET1", i, 1)] for i in range(1, 4)], calls))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures and not any(t.is_alive() for t in threads)
    assert results == {n: [([n, 2 * n, 3 * n], 3)] * 3 for n in paths}
    _as_before(before)


def test_another_threads_evaluation_waits_for_the_block(tmp_path):
    """While one thread's block is open, another thread's evaluation does not start: it
    would find our entries set and put them back when it ends."""
    path = _book(tmp_path / "w.xlsx", [("A1", '=FX_CONVERT(B1,"USD","USD")')], [("B1", 5)])
    before = _snapshot()
    out: list[object] = []
    other = threading.Thread(target=lambda: out.append(evaluate(path)))
    with engine_bound():
        other.start()
        other.join(timeout=1.0)
        assert other.is_alive() and not out  # waiting for the block to end
        assert "FX_CONVERT" in get_functions()
    other.join(timeout=120)
    assert out == [({("SHEET1", 1, 1): 5}, 1)]
    _as_before(before)


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
