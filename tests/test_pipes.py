"""A compiled formula run as plain calls (addin.pipes) gives what schedula's run gives."""

import collections
import math

import numpy as np
import pytest
import schedula as sh
from openpyxl import Workbook

from addin import pipes
from addin import recalc as engine

# Formulas of every kind the engine meets: arithmetic, text, ranges, errors made and passed
# on, a function the engine does not know, an empty reference, our functions and INDEX of a
# table one of them returns
_FORMULAS = {
    "B1": "=A1*2+A2/4",
    "B2": "=A1/0",
    "B3": '=IF(A1>1,"big","small")&" "&TEXT(A2,"0.0")',
    "B4": "=SUM(A1:A3)+AVERAGE(A1:A2)",
    "B5": "=IFERROR(1/0, -1)",
    "B6": "=NOT_A_FUNCTION(A1)",
    "B7": "=A9+1",
    "B8": '=FX_CONVERT(100, "USD", "JPY")',
    "B9": '=INDEX(NET_PAY(15000000, "JP-13"), 2, 2)',
    "B10": "=B2+1",
    "B11": '=NET_PAY(-5, "JP-13")',
    "B12": "=ROUND(B1, 0)=B1",
    "B13": "=A3&A3",
    "B14": "=MAX(A1:A3)-MIN(A1:A3)",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipes") / "mixed.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 3, 10, "text"
    for ref, formula in _FORMULAS.items():
        ws[ref] = formula
    wb.save(path)
    return path


def _same(a, b):
    if hasattr(a, "value") or hasattr(b, "value"):
        return type(a) is type(b) and _same(
            np.asarray(a.value, dtype=object), np.asarray(b.value, dtype=object)
        )
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
        return a.shape == b.shape and all(_same(x, y) for x, y in zip(a.ravel(), b.ravel(), strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and bool(np.all(a == b))


@pytest.fixture()
def both_ways(monkeypatch):
    """Each formula run directly and by schedula: the calls made, the plans, the differences."""
    seen = collections.Counter()
    different = []
    direct = pipes.LazyPipe.__call__

    def twice(self, *args, **kw):
        by_schedula = self.by_schedula(*args, **kw)
        made = direct(self, *args, **kw)
        seen["planned" if self._plan is not pipes._NO_PLAN else "left to schedula"] += 1
        seen[type(self).__name__] += 1
        try:
            same = _same(made, by_schedula)
        except Exception as exc:  # the engine would swallow it, and the cell have no value
            same = exc
        if same is not True:
            different.append((self.__name__, by_schedula, made, same))
        return made

    monkeypatch.setattr(pipes.LazyPipe, "__call__", twice)  # formulas compiled before too
    return seen, different


@pytest.mark.parametrize("book", ["shipped", "mixed"])
def test_every_formula_run_directly_is_what_schedula_gives(book, built_example, mixed, both_ways):
    seen, different = both_ways
    # the functions' results may be kept from an earlier evaluation: the formulas run either way
    evaluation = engine._evaluate(built_example if book == "shipped" else mixed)
    assert evaluation.no_result == ()
    assert different == []
    assert seen["planned"] > (1_000 if book == "shipped" else 10), seen  # the direct run ran
    assert seen["LazyPipe"] == seen["planned"], seen  # every cell compiled lazily, and run directly


def test_the_values_are_the_same_with_every_formula_left_to_schedula(mixed, monkeypatch):
    engine.RESULTS.clear()
    monkeypatch.setattr(engine, "_COMPILED", collections.OrderedDict())
    direct = engine.evaluate(mixed)
    monkeypatch.setattr(engine, "_COMPILED", collections.OrderedDict())
    monkeypatch.setattr(pipes.LazyPipe, "__call__", pipes.LazyPipe.by_schedula)  # schedula runs each
    engine.RESULTS.clear()
    assert engine.evaluate(mixed) == direct
    values = direct[0]
    assert values[("SHEET", 1, 2)] == 8.5 and values[("SHEET", 2, 2)] == "#DIV/0!"
    assert values[("SHEET", 6, 2)] == "#NAME?" and values[("SHEET", 10, 2)] == "#DIV/0!"
    assert values[("SHEET", 5, 2)] == -1 and values[("SHEET", 3, 2)] == "big 10.0"


def test_a_step_that_raises_is_run_again_by_schedula(monkeypatch):
    """A formula of an operator that raises: schedula runs it and reports it its own way."""
    calls = collections.Counter()

    def fails(x):
        calls["made"] += 1
        raise ZeroDivisionError

    dsp = sh.Dispatcher(raises=True)
    dsp.add_function("fails", fails, ["a"], ["b"])
    pipe = pipes.LazyPipe(dsp, "f", ["a"], ["b"], wildcard=False, shrink=False)
    with pytest.raises(sh.DispatcherError):
        pipe(1)
    assert calls["made"] == 2  # once directly, once by schedula, whose error is the one raised
    dsp.add_function("double", lambda x: 2 * x, ["b"], ["c"])
    doubled = pipes.LazyPipe(dsp, "h", ["b"], ["c"], wildcard=False, shrink=False)
    assert doubled(4) == 8 and doubled._plan is not pipes._NO_PLAN
    assert doubled._schedula is None  # run directly: schedula's pipe never made
