"""Excel-shaped values through xlwings' own converters, as the classic (Windows) route calls us.

On Windows, ``xlwings.udfs.call_udf`` reads every argument with
``xlwings.conversion.read(range_or_None, value, options)`` using the options that
``@xw.func`` recorded from our annotations, calls the function, and writes the
result with ``xlwings.conversion.write(result, None, ret_options)``.  Those
pipelines are pure Python; only their last step, the cleaning of each cell value,
lives in ``xlwings/_xlwindows.py``, a module that needs pywin32 and a Windows DLL
to import.  :func:`windows_engine` takes that step's functions out of the
installed xlwings' own source (not a copy of ours) and registers them as the
``"excel"`` engine for the duration of a test.

Values are shaped as COM hands them over: a range is a tuple of row tuples
(``((1.0,), (2.0,))`` is a column), a single cell a scalar, an empty cell ``None``,
an error cell an ``int`` (``-2146826246`` is ``#N/A``), a date a ``datetime``.
"""

import ast
import datetime as dt
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlwings
from xlwings import conversion
from xlwings.main import Engine
from xlwings.utils import np_datetime_to_datetime

from addin import udfs
from addin.vba import import_functions

MISSING = -2147352572  # what VBA passes for an omitted Optional argument (call_udf's check)
NA = -2146826246  # a #N/A cell as COM gives it (xlwings' _xlwindows.cell_errors)
_WANTED = {
    "time_types",
    "cell_errors",
    "_com_time_to_datetime",
    "_datetime_to_com_time",
    "_clean_value_data_element",
    "Engine",
}


def _wanted(node):
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name in _WANTED
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.If):  # `if np: time_types = time_types + (np.datetime64,)`
        targets = [t for n in node.body if isinstance(n, ast.Assign) for t in n.targets]
    return any(isinstance(t, ast.Name) and t.id in _WANTED for t in targets)


@pytest.fixture(scope="module")
def windows_engine():
    """xlwings' Windows engine's value cleaning, from xlwings' own source, as engine "excel"."""
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    tree.body = [n for n in tree.body if _wanted(n)]
    assert {getattr(n, "name", None) for n in tree.body} >= {"_clean_value_data_element", "Engine"}
    pywintypes = types.SimpleNamespace(TimeType=type("TimeType", (), {}))
    win32timezone = types.SimpleNamespace(TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.UTC))
    space = {
        "dt": dt,
        "np": np,
        "pd": pd,
        "pywintypes": pywintypes,
        "win32timezone": win32timezone,
        "np_datetime_to_datetime": np_datetime_to_datetime,
    }
    exec(compile(tree, "xlwings/_xlwindows.py", "exec"), space)  # noqa: S102 - xlwings' code
    engine = Engine(impl=space["Engine"]())
    assert engine.name == "excel" and "excel" not in xlwings.engines.engines_by_name
    xlwings.engines.add(engine)
    try:
        yield space
    finally:
        xlwings.engines.engines.remove(engine)
        del xlwings.engines.engines_by_name["excel"]


@pytest.fixture(scope="module")
def registered():
    return import_functions().functions


def excel_call(registered, name, *args):
    """``call_udf``'s argument and result handling around one registered UDF."""
    func = registered[name]
    info = func.__xlfunc__
    values = []
    for i, arg in enumerate(args):
        arg_info = info["args"][min(i, len(info["args"]) - 1)]
        if isinstance(arg, int) and arg == MISSING:
            values.append(arg_info.get("optional", None))
        else:
            values.append(conversion.read(None, arg, arg_info["options"]))
    return conversion.write(func(*values), None, info["ret"]["options"])


def _net(gross):
    return udfs.net_pay(gross, "US-WA", 2026)


def _fx(amount):
    return udfs.fx_convert(amount, "USD", "JPY")


def test_the_registered_options_read_grosses_and_amounts_two_dimensional(registered):
    for name, arg in (("net_pay", 0), ("fx_convert", 0)):
        assert registered[name].__xlfunc__["args"][arg]["options"]["ndim"] == 2


@pytest.mark.parametrize("name, direct", [("net_pay", _net), ("fx_convert", _fx)])
def test_a_column_comes_back_as_a_column(windows_engine, registered, name, direct):
    rest = ("US-WA", 2026.0) if name == "net_pay" else ("USD", "JPY")
    out = excel_call(registered, name, ((100_000.0,), (185_000.0,)), *rest)
    assert out == [[direct(100_000)], [direct(185_000)]]
    assert len(out) == 2 and all(len(row) == 1 for row in out)


@pytest.mark.parametrize("name, direct", [("net_pay", _net), ("fx_convert", _fx)])
def test_a_row_comes_back_as_a_row_and_a_block_as_a_block(windows_engine, registered, name, direct):
    rest = ("US-WA", 2026.0) if name == "net_pay" else ("USD", "JPY")
    assert excel_call(registered, name, ((100_000.0, 185_000.0),), *rest) == [
        [direct(100_000), direct(185_000)]
    ]
    block = excel_call(registered, name, ((1e5, 2e5, 3e5), (4e5, 5e5, 6e5)), *rest)
    assert block == [[direct(v) for v in (1e5, 2e5, 3e5)], [direct(v) for v in (4e5, 5e5, 6e5)]]


@pytest.mark.parametrize("name, direct", [("net_pay", _net), ("fx_convert", _fx)])
def test_a_single_cell_is_one_value(windows_engine, registered, name, direct):
    rest = ("US-WA", 2026.0) if name == "net_pay" else ("USD", "JPY")
    out = excel_call(registered, name, 185_000.0, *rest)
    assert out == [[direct(185_000)]]  # a 1x1 array: Excel shows the number in the cell
    assert isinstance(out[0][0], float) and out[0][0] > 0


@pytest.mark.parametrize("name, direct", [("net_pay", _net), ("fx_convert", _fx)])
def test_blank_cells_stay_blank_and_a_blank_range_is_refused(windows_engine, registered, name, direct):
    rest = ("US-WA", 2026.0) if name == "net_pay" else ("USD", "JPY")
    out = excel_call(registered, name, ((100_000.0,), (None,), (185_000.0,)), *rest)
    assert out == [[direct(100_000)], [""], [direct(185_000)]]  # xlwings writes None as ""
    empty = excel_call(registered, name, ((None,), (None,)), *rest)
    assert len(empty) == 1 and isinstance(empty[0][0], str) and empty[0][0].startswith("#")
    assert "required" in empty[0][0] or "empty" in empty[0][0]


@pytest.mark.parametrize("name, rest", [("net_pay", ("US-WA", 2026.0)), ("fx_convert", ("USD", "JPY"))])
def test_an_error_cell_in_a_range_is_an_error_not_a_blank(windows_engine, registered, name, rest):
    """FX_CONVERT leaves a blank amount blank: a #N/A read as blank would pass unnoticed."""
    out = excel_call(registered, name, ((100_000.0,), (NA,)), *rest)
    assert len(out) == 1 and len(out[0]) == 1
    assert not isinstance(out[0][0], (int, float)) and "#N/A" in str(out[0][0])


def test_omitted_optionals_take_their_defaults(windows_engine, registered):
    out = excel_call(registered, "net_pay", ((185_000.0,),), "US-WA", MISSING, MISSING, MISSING)
    assert out == [[udfs.net_pay(185_000, "US-WA")]]


def test_a_table_argument_and_a_spilled_table(windows_engine, registered, example_rows):
    """An Offers range (with blank cells) in, a header-row table out, as call_udf does it."""
    com = tuple(tuple(float(v) if isinstance(v, int) else v for v in row) for row in example_rows)
    tc = excel_call(registered, "offer_tc", com, "npv", 4.0, 0.05, "Tokyo big tech")
    assert tc == [[udfs.offer_tc(example_rows, "npv", 4, 0.05, "Tokyo big tech")]]
    sched = excel_call(registered, "offer_schedule", com, 4.0, MISSING, MISSING, "Tokyo big tech")
    direct = udfs.offer_schedule(example_rows, 4, None, None, "Tokyo big tech")
    assert len(sched) == 5 and sched[0] == direct[0] and sched[0][0] == "year"
    assert [row[0] for row in sched[1:]] == [1, 2, 3, 4]
    assert sched[1:] == [["" if v is None else v for v in row] for row in direct[1:]]


def test_a_date_cell_reaches_the_function_as_a_date(windows_engine, registered, example_rows):
    com = tuple(tuple(row) for row in example_rows)
    out = excel_call(registered, "offer_timeline", com, dt.datetime(2026, 12, 1), MISSING)
    assert out == [
        ["" if v is None else v for v in row] for row in udfs.offer_timeline(example_rows, "2026-12-01")
    ]
