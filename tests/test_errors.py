"""Errors are Excel errors: what a failing UDF is in each runtime, and error cells as inputs.

* Python (tests, the CLI, ``negotiate recalc``): a :class:`CellError`, a ``str`` whose
  text is the old message ``"#VALUE! ..."`` and which carries the Excel error code.
* Office.js (xlwings-server): raised as an XlwingsError -> HTTP 400 -> the served JS
  throws ``CustomFunctions.Error(invalidValue, message)``; see tests/test_server.py.
* Classic Windows (xlwings COM server): xlwings' own ``XLPython.CallUDF`` run here with
  pywin32 stubbed.  pywin32 cannot hand Excel a chosen error code (its
  ``PythonOleArgHelper::MakeObjToVariant`` stores DISP_E_PARAMNOTFOUND for any
  ``VARIANT(VT_ERROR, code)``), so the result stays the readable text.
* An Excel error in an input cell (read with ``err_to_str``) is an error naming the
  field, never a blank silently defaulted.
"""

import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from addin import udfs
from addin.cells import MESSAGE_PREFIX, UDFS, CellError, excel_error
from calculators.offer.model import EXCEL_ERRORS

ROOT = Path(__file__).resolve().parent.parent
ERRORS = (
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NUM!",
    "#NAME?",
    "#NULL!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)


def _field(rows, name):
    return next(k for k, r in enumerate(rows) if str(r[0]).lower() == name)


@pytest.fixture
def one_offer(example_rows):
    return [[r[0], r[1]] for r in example_rows]


# --- Python: a failing UDF returns a CellError -------------------------------------


def test_a_failing_udf_returns_a_cell_error_whose_text_is_the_old_message(one_offer):
    rows = [list(r) for r in one_offer]
    rows[_field(rows, "base_salary")][1] = None
    out = udfs.offer_tc(rows)
    assert isinstance(out, CellError) and isinstance(out, str)
    assert out == "#VALUE! offer 1: base_salary is required"
    assert str(out) == out and out.startswith(MESSAGE_PREFIX)
    assert (out.code, out.message) == ("#VALUE!", "offer 1: base_salary is required")
    generic = udfs.net_pay(10_000_000, "Atlantis")
    assert isinstance(generic, CellError) and generic.message.startswith("unknown jurisdiction")


def test_every_failure_path_of_the_decorator_is_a_cell_error(monkeypatch, one_offer):
    import calculators.valuation.compare as compare

    for exc in (OverflowError("x"), RuntimeError("secret detail 42"), RecursionError()):

        def boom(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr("addin.udfs.offers.metric", boom)
        out = udfs.offer_tc(one_offer)
        assert isinstance(out, CellError) and out.code == "#VALUE!", exc
        assert "secret" not in out
    assert compare.metric is not None


def test_a_cell_error_survives_copy_and_pickle():
    e = CellError("years must be a whole number from 1 to 50")
    for twin in (copy.copy(e), copy.deepcopy(e), pickle.loads(pickle.dumps(e))):
        assert type(twin) is CellError and twin == e
        assert (twin.code, twin.message) == (e.code, e.message)
    assert CellError("no rate", "#N/A") == "#N/A no rate"
    with pytest.raises(ValueError):
        CellError("x", "#OOPS!")


def test_a_good_result_is_not_a_cell_error(one_offer):
    assert type(udfs.offer_tc(one_offer)) is float
    table = udfs.offer_schedule(one_offer, 2)
    assert not any(isinstance(v, CellError) for row in table for v in row)


# --- an Excel error in an input cell ------------------------------------------------


@pytest.mark.parametrize("code", ERRORS)
def test_offer_tc_refuses_an_error_in_an_offer_field(one_offer, code):
    rows = [list(r) for r in one_offer]
    rows[_field(rows, "bonus_target")][1] = code
    out = udfs.offer_tc(rows)  # xlwings' default read it as blank: 18,000,000-ish
    assert isinstance(out, CellError), out
    assert out.message == f"offer 1: bonus_target holds an Excel error ({code})"


def test_every_offer_field_and_the_offer_name_refuse_an_error(one_offer):
    for i, row in enumerate(one_offer[1:], start=1):
        rows = [list(r) for r in one_offer]
        rows[i][1] = "#N/A"
        out = udfs.offer_tc(rows)
        assert out == f"#VALUE! offer 1: {row[0]} holds an Excel error (#N/A)", row[0]
    rows = [list(r) for r in one_offer]
    rows[0][1] = "#REF!"
    assert udfs.offer_tc(rows) == "#VALUE! offer 1: name holds an Excel error (#REF!)"
    rows = [list(r) for r in one_offer]
    rows[3][0] = "#NAME?"
    assert udfs.offer_tc(rows) == ("#VALUE! offers range: field name 4 holds an Excel error (#NAME?)")


@pytest.mark.parametrize("code", ERRORS)
def test_net_pay_refuses_an_error_in_any_argument(code):
    assert udfs.net_pay(code, "JP-TOKYO") == f"#VALUE! gross holds an Excel error ({code})"
    assert udfs.net_pay([[code]], "JP-TOKYO").message == f"gross holds an Excel error ({code})"
    assert udfs.net_pay(10_000_000, code).message == (f"jurisdiction holds an Excel error ({code})")
    assert udfs.net_pay(10_000_000, "JP-TOKYO", code).message == (f"year holds an Excel error ({code})")
    column = [[9_000_000], [code], [11_000_000]]
    out = udfs.net_pay(column, "JP-TOKYO")
    assert isinstance(out, CellError) and code in out.message and "gross" in out.message


def test_offer_compare_refuses_an_error_in_any_offer_column(example_rows):
    for column in range(1, len(example_rows[0])):
        rows = [list(r) for r in example_rows]
        rows[_field(rows, "annual_raise")][column] = "#N/A"
        out = udfs.offer_compare(rows)
        assert out == f"#VALUE! offer {column}: annual_raise holds an Excel error (#N/A)"
    rows = [list(r) for r in example_rows]
    assert not isinstance(udfs.offer_compare(rows, "annualized", "#DIV/0!"), list)
    assert udfs.offer_compare(rows, "#N/A").message == "basis holds an Excel error (#N/A)"
    assert udfs.offer_compare(rows, None, None, None, None, [["USD", "#N/A"]]).message == (
        "rates has a cell holding an Excel error (#N/A)"
    )


def test_an_error_cell_no_converter_reads_still_fails_the_call(example_rows):
    """A cell the function ignores (here a column of an unused offer... or a market row)
    is still not silently dropped: the call fails naming the argument."""
    rows = [list(r) for r in example_rows] + [["", *([None] * (len(example_rows[0]) - 1))]]
    rows[-1][1] = "#SPILL!"  # a blank field row (skipped as blank) holding an error
    out = udfs.offer_compare(rows)
    assert isinstance(out, CellError) and "#SPILL!" in out.message


def test_a_failed_function_fed_into_another_is_an_error():
    failed = udfs.net_pay("lots", "JP-TOKYO")
    out = udfs.fx_convert(failed, "USD", "JPY")
    assert isinstance(out, CellError) and out.message == "amount holds an Excel error (#VALUE!)"


def test_text_that_merely_mentions_an_error_is_not_one():
    assert [excel_error(v) for v in ("N/A", "see #N/A", "#N/Ax", "", None, 2042, "#n/a")] == [
        None,
        None,
        None,
        None,
        None,
        None,
        "#N/A",
    ]
    assert set(ERRORS) <= set(EXCEL_ERRORS)


def test_every_udf_argument_is_read_with_err_to_str():
    for name, func in UDFS.items():
        hints = func.__wrapped__.__annotations__
        code = func.__wrapped__.__code__
        for param in code.co_varnames[: code.co_argcount]:
            assert hints[param].__metadata__[0].get("err_to_str") is True, (name, param)


# --- classic Windows: xlwings' own COM-server path, pywin32 stubbed ----------------

_HARNESS = r'''import ctypes
import json
import sys
import types
from unittest import mock


_TYPES = {"TimeType", "CDispatch", "CoClassBaseClass", "DispatchBaseClass"}


class _Stub(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = type(name, (), {}) if name in _TYPES else mock.MagicMock(name=name)
        setattr(self, name, value)
        return value


for mod in ("pywintypes", "win32api", "win32con", "win32event", "pythoncom", "win32com",
            "win32com.client", "win32com.client.dynamic", "win32com.server",
            "win32com.server.dispatcher", "win32com.server.policy", "win32com.server.util",
            "win32gui", "win32process", "win32timezone"):
    sys.modules[mod] = _Stub(mod)
    parent, _, child = mod.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, sys.modules[mod])
sys.modules["pythoncom"].__file__ = "pythoncom.pyd"
for name in ("windll", "oledll"):
    setattr(ctypes, name, mock.MagicMock(name=name))
ctypes.PyDLL = mock.MagicMock(name="PyDLL")

import numpy  # noqa: E402,F401  (imported as on Linux, before the platform is faked)
import yaml  # noqa: E402,F401

sys.platform = "win32"  # xlwings picks its Windows engine and xlfunc at import
import xlwings  # noqa: E402

sys.platform = "linux"
assert xlwings.has_pywin32 and xlwings.func is xlwings.udfs.xlfunc
from xlwings.com_server import XLPython  # noqa: E402


sys.modules["win32com.server.util"].unwrap = mock.Mock(side_effect=TypeError("not wrapped"))
IID = sys.modules["pywintypes"].IID.return_value


class FakeRange:
    """What pywin32 hands the COM server for a range argument: a Range dispatch whose
    ``Value`` is a tuple of row tuples (an error cell is its int code)."""

    def __init__(self, value):
        self.Value = value
        self.Worksheet = mock.MagicMock(name="Worksheet")
        self.Row = self.Column = 1
        self.Rows = types.SimpleNamespace(Count=len(value))
        self.Columns = types.SimpleNamespace(Count=len(value[0]))
        self._oleobj_ = mock.MagicMock()
        self._oleobj_.GetTypeInfo.return_value.GetTypeAttr.return_value.iid = IID


def as_com(arg):
    if isinstance(arg, dict):
        return FakeRange(tuple(tuple(r) for r in arg["range"]))
    return arg


calls = json.loads(sys.stdin.read())
out = []
server = XLPython()
for fname, args in calls:
    res = server.CallUDF("addin.udfs", fname, tuple(as_com(a) for a in args), None, None)
    out.append({"type": type(res).__name__, "is_str": isinstance(res, str),
                "value": res if isinstance(res, (str, int, float, list, tuple)) else repr(res)})
print(json.dumps(out))
'''

_NA = -2146826246  # what pywin32 hands Python for a #N/A cell (VT_ERROR scode)
_DIV0 = -2146826281


def _classic(calls):
    """Results of ``XLPython().CallUDF`` (what the generated VBA assigns to the cell)."""
    done = subprocess.run(
        [sys.executable, "-c", _HARNESS],
        input=json.dumps(calls),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        stdin=None,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_classic_route_error_cells_are_errors_and_failures_are_readable_text(one_offer):
    offer = [list(r) for r in one_offer]
    na = [list(r) for r in one_offer]
    na[_field(na, "bonus_target")][1] = _NA
    out = _classic(
        [
            ["net_pay", [10_000_000, "JP-TOKYO"]],
            ["net_pay", [{"range": [[_NA]]}, "JP-TOKYO"]],
            ["net_pay", [{"range": [[9_000_000], [_DIV0]]}, "JP-TOKYO"]],
            ["offer_tc", [{"range": na}]],
            ["offer_tc", [{"range": offer}]],
            ["net_pay", [10_000_000, "Atlantis"]],
        ]
    )
    assert out[0] == {"type": "float", "is_str": False, "value": udfs.net_pay(10_000_000, "JP-TOKYO")}
    assert out[1]["value"] == "#VALUE! gross holds an Excel error (#N/A)"
    assert out[2]["value"] == "#VALUE! gross (row 2, column 1 of the range) holds an Excel error (#DIV/0!)"
    assert out[3]["value"] == "#VALUE! offer 1: bonus_target holds an Excel error (#N/A)"
    assert out[4] == {"type": "float", "is_str": False, "value": udfs.offer_tc(offer)}
    assert out[5]["value"] == str(udfs.net_pay(10_000_000, "Atlantis"))
    for failed in (out[1], out[2], out[3], out[5]):
        # a str: pywin32 makes it a BSTR, so the Windows cell shows this text
        assert failed["is_str"] and failed["value"].startswith(MESSAGE_PREFIX)
