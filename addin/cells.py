"""Converters between cell values and calculator inputs, and the UDF decorator.

Everything Excel-specific that is not a single UDF lives here, so a UDF stays
a decorator, a conversion and one call into ``calculators``.
"""

import datetime as dt
import functools
import inspect
import logging
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from calculators.dates import read_date
from calculators.defaults import Setting
from calculators.errors import InvalidInputError, NegotiationError
from calculators.offer.model import EXCEL_ERRORS, FIELDS, excel_error
from calculators.scalar import flag

__all__ = [
    "udf",
    "table",
    "cell",
    "Cell",
    "Rows",
    "opt_number",
    "opt_int",
    "opt_text",
    "opt_date",
    "opt_setting",
    "opt_field",
    "MESSAGE_PREFIX",
    "CellError",
    "TransientCellError",
    "EXCEL_ERRORS",
    "excel_error",
]

log = logging.getLogger("addin")
MESSAGE_PREFIX = "#VALUE! "
UDFS: dict[str, Callable[..., Any]] = {}
# Every argument is read with ``err_to_str``: a cell holding an Excel error reaches
# Python as its text ("#N/A"), never as None (xlwings' default), so it can be refused.
_READ = {"err_to_str": True}


# The parameters of a UDF are ``Annotated[Cell, cell("help")]`` or ``Annotated[Rows,
# table("help")]``, as xlwings-server's examples write them.  xlwings reads the first
# argument of ``Annotated`` as the argument's converter (``xlwings.udfs.xlfunc``, and
# ``xlwings.pro.udfs_officejs.xlfunc`` for the server) and the dict after it as the
# converter's options plus the help ("doc") that the Function Wizard, the generated VBA
# and the Office.js metadata show.  So at run time the converter must be one xlwings
# registers for its default value reader (``Any``, ``list``): a union such as
# ``list | None`` is no converter.  mypy sees the types Excel passes.
Cell: TypeAlias = Any
"""One argument as xlwings reads it: a number, text, logical, date or ``None`` (blank),
or a range as lists; every UDF hands it to a converter below, which checks it."""
if TYPE_CHECKING:
    Rows: TypeAlias = list[list[Any]] | None
    """A range read as rows (blank cells ``None``); a blank range is ``None``."""
else:
    Rows = list  # the converter xlwings sees, as before: its value reader


def table(doc: str) -> dict[str, Any]:
    """The xlwings options of a range argument, read as a 2-D list (blank cells ``None``).

    Use as ``Annotated[Rows, table("help")]``.
    """
    return {"ndim": 2, "doc": doc, **_READ}


def cell(doc: str) -> dict[str, Any]:
    """The xlwings options of a single-value argument (or a range, read as xlwings reads it).

    Use as ``Annotated[Cell, cell("help")]``.
    """
    return {"doc": doc, **_READ}


class CellError(str):
    """What a UDF that cannot answer returns when called from Python.

    The text is the old cell message, ``"#VALUE! <message>"`` (so it prints and
    compares as before); ``code`` is the Excel error (``"#VALUE!"``) and
    ``message`` the short reason without it.  Each runtime turns it into what it
    can show: the Office.js server raises it as an error (the cell is ``#VALUE!``,
    the message on hover), see ``addin/server_project/custom_functions``.

    >>> e = CellError("base_salary is required")
    >>> e == "#VALUE! base_salary is required", e.code, e.message
    (True, '#VALUE!', 'base_salary is required')
    """

    code: str
    message: str
    transient = False  # see TransientCellError

    def __new__(cls, message: str, code: str = "#VALUE!") -> "CellError":
        if code not in EXCEL_ERRORS:
            raise ValueError(f"not an Excel error code: {code!r}")
        self = super().__new__(cls, f"{code} {message}")
        self.code, self.message = code, message
        return self

    def __reduce__(self) -> tuple[type["CellError"], tuple[str, str]]:
        return (type(self), (self.message, self.code))  # copy and pickle keep the parts


class TransientCellError(CellError):
    """A failure that says nothing about the inputs (the stack ran out, memory under an
    evaluation's bound, a fault in the function): the same call may answer next time, so a
    cache of results never keeps it (:class:`addin.results.ResultCache`)."""

    transient = True


def message(exc: BaseException) -> CellError:
    """The one short cell message for an error."""
    return CellError(str(exc))


_MENTIONS_ERROR = "an Excel error ("  # in every message about an error cell


def _input_error(args: Sequence[Any], names: Sequence[str]) -> CellError | None:
    """The first argument holding an Excel error (a cell, or any cell of a range)."""
    for name, value in zip(names, args, strict=False):
        code = _first_error(value)
        if code is not None:
            where = "holds" if not isinstance(value, (list, tuple)) else "has a cell holding"
            return CellError(f"{name} {where} an Excel error ({code})")
    return None


# No number a cell means is written in more characters than this (a float's longest exact
# decimal, in e-notation, is under 800); longer text is refused before it is parsed.
_NUMBER_TEXT_MAX = 1_000


def _first_error(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        for v in value:
            # only a text whose first character is "#" or blank can name an error: the
            # others (most cells of a large range) are passed over without a call
            if isinstance(v, (list, tuple)) or (isinstance(v, str) and v and (v[0] == "#" or v[0].isspace())):
                code = _first_error(v)
                if code is not None:
                    return code
        return None
    return _error_code(value)


def _error_code(value: Any) -> str | None:
    """:func:`excel_error`, reading no more of a long text than an error's name can take
    (its first word, upper-cased, is the name: of a text of megabytes, the whole text
    was split and upper-cased)."""
    if not isinstance(value, str) or len(value) <= _NUMBER_TEXT_MAX:
        return excel_error(value)
    head = value.strip()[:_NUMBER_TEXT_MAX].split(" ", 1)[0].upper()
    return head if head in EXCEL_ERRORS else None  # a cut-off first word is no error's name


def udf(func: Callable[..., Any]) -> Callable[..., Any]:
    """Expose ``func`` as an Excel function that never raises into a cell.

    A :class:`NegotiationError` becomes its message; an overflow (or a result
    that is infinite or NaN, which Excel cannot show) an out-of-range message;
    anything else a generic message naming the function (the traceback goes to
    the log only, never into a cell, and no input value is repeated).  Ranges
    reach ``func`` as rows, whatever shape the caller used (see ``_range``).

    Every failure is a :class:`CellError`.  An argument holding an Excel error
    (``#N/A``...) is always an error, never a blank: the converters and the offer
    parser name the field; any error cell they did not look at still fails the
    call, naming the argument.
    """
    name = func.__name__.upper()
    code = func.__code__
    names = code.co_varnames[: code.co_argcount]

    def out_of_range() -> CellError:
        return CellError(f"{name}: a number is out of range; check the inputs' sizes")

    required = [
        p.name for p in inspect.signature(func).parameters.values() if p.default is inspect.Parameter.empty
    ]

    @functools.wraps(func)
    def safe(*args: Any) -> Any:
        if len(args) < len(required):  # as Excel calls a VBA function with arguments left out
            missing = ", ".join(required[len(args) :])
            return CellError(f"{name}: {missing} {'is' if ',' not in missing else 'are'} required")
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                result = func(*(_range(a) for a in args))
        except NegotiationError as exc:
            found = _input_error(args, names)
            if found is not None and _MENTIONS_ERROR not in str(exc):
                return found  # the error cell, not what it made a parser say
            return message(exc)
        except RecursionError:
            return TransientCellError(f"{name}: input too deeply nested")
        except (OverflowError, FloatingPointError):
            return _input_error(args, names) or out_of_range()
        except Exception:  # the cell gets a message, the log the details
            found = _input_error(args, names)
            if found is not None:
                return found
            log.exception("%s failed", name)
            return TransientCellError(f"{name} could not compute this; check the inputs")
        found = _input_error(args, names)  # an error cell no converter looked at
        if found is not None:
            return found
        # an overflow shows as infinity or NaN: Excel cannot show either
        if isinstance(result, float) and not math.isfinite(result):
            return out_of_range()
        if isinstance(result, list) and any(
            isinstance(v, float) and not math.isfinite(v)
            for row in result
            if isinstance(row, list)
            for v in row
        ):
            return out_of_range()
        return result

    # the help as the Function Wizard / Office.js show it: no source indentation
    safe.__doc__ = inspect.cleandoc(func.__doc__) if func.__doc__ else None
    UDFS[func.__name__] = safe
    import xlwings as xw  # noqa: PLC0415 - only where functions are declared: a command starts without it

    return xw.func(safe)


def _range(value: Any) -> Any:
    """A range as rows, as Excel gives it: a row or column (xlwings' 1-D list) becomes one
    row, an empty row a blank cell, an empty list blank; a single value is left alone."""
    if not isinstance(value, (list, tuple)):
        return value
    if not value:
        return None
    if not any(isinstance(v, (list, tuple)) for v in value):
        return [list(value)]
    rows = [(list(v) or [None]) if isinstance(v, (list, tuple)) else [v] for v in value]
    return None if all(r == [None] for r in rows) else rows


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, (list, tuple)):
        return all(_blank(v) for v in value)
    return False


def _scalar(value: Any, name: str) -> Any:
    """A single cell's value from what may be a 1x1 range; an Excel error is refused."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise InvalidInputError(f"{name} must be a single cell")
        value = value[0]
    code = _error_code(value)
    if code is not None:
        raise InvalidInputError(f"{name} holds an Excel error ({code})")
    return value


def _overlong_text(value: Any) -> bool:
    """Whether ``value`` (or the one cell it holds) is text too long to be a number, and no
    Excel error: its surrounding whitespace aside (``strip`` copies nothing when there is
    none), and only its beginning looked at for an error's name."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or len(value) <= _NUMBER_TEXT_MAX:
        return False
    text = value.strip()
    return len(text) > _NUMBER_TEXT_MAX and _error_code(text) is None


def opt_number(
    value: Any,
    name: str,
    default: float | None = None,
    low: float | None = None,
    high: float | None = None,
    percent: bool = False,
) -> float:
    """A number from a cell; blank takes ``default`` (required when ``None``).  A text with a
    % sign is read as a percentage only where the argument is a fraction (``percent``):
    "50%" typed as a salary is refused, not read as 0.5."""
    if _overlong_text(value):
        raise InvalidInputError(f"{name} must be a number")
    value = _scalar(value, name)
    if _blank(value):
        if default is None:
            raise InvalidInputError(f"{name} is required")
        return default
    if isinstance(value, bool):
        raise InvalidInputError(f"{name} must be a number")
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        scale = 0.01 if text.endswith("%") else 1.0
        if scale != 1.0 and not percent:
            raise InvalidInputError(f"{name} must be a number, not a percentage")
        try:
            value = float(text.rstrip("%")) * scale
        except ValueError:
            raise InvalidInputError(f"{name} must be a number") from None
    if not isinstance(value, (int, float)):
        raise InvalidInputError(f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInputError(f"{name} must be a finite number")
    if low is not None and number < low:
        raise InvalidInputError(f"{name} must be at least {low:g}")
    if high is not None and number > high:
        raise InvalidInputError(f"{name} must be at most {high:g}")
    return number


def opt_int(value: Any, name: str, default: int, low: int, high: int) -> int:
    """A whole number from a cell within ``[low, high]``."""
    number = opt_number(value, name, float(default))
    if number != int(number) or not low <= number <= high:
        raise InvalidInputError(f"{name} must be a whole number from {low} to {high}")
    return int(number)


def opt_setting(value: Any, setting: Setting) -> Any:
    """A setting (``calculators.defaults``) from a cell: blank takes its default; a value
    outside its range is refused with the setting's own one-line message."""
    if not setting.is_number:
        return setting.check(opt_text(value, setting.name, setting.default))
    return setting.check(opt_number(value, setting.name, setting.default, percent="fraction" in setting.unit))


_FIELD_DEFAULT: Any = object()


def opt_field(value: Any, name: str, field: str, default: Any = _FIELD_DEFAULT) -> Any:
    """A number argument that is an offer field's value (``calculators.offer.model.FIELDS``),
    checked against that field's bounds; blank takes the field's default, or ``default``
    (``None``: required).  ``name`` is the argument's name, for the message."""
    spec = FIELDS[field]
    low, high = spec.bounds
    fallback = spec.default if default is _FIELD_DEFAULT else default
    if spec.kind == "months" and low is not None and high is not None:
        return opt_int(value, name, fallback, int(low), int(high))
    return opt_number(value, name, fallback, low, high, percent=spec.kind == "fraction")


def opt_date(value: Any, name: str) -> dt.date | None:
    """A date from one cell (a date, a datetime, an Excel serial or ``YYYY-MM-DD`` text), or
    ``None`` for a blank; a range of several cells is refused, naming ``name``."""
    return read_date(_scalar(value, name), name)


def opt_bool(value: Any, name: str, default: bool = False) -> bool:
    """TRUE / FALSE from a cell (or the text yes / no, true / false); blank takes ``default``;
    a range gives its first cell."""
    while isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if _blank(value):
        return default
    read = flag(value)  # Excel's 1 and 0, the text yes / no
    if read is None:
        raise InvalidInputError(f"{name} must be TRUE or FALSE (or yes / no)")
    return read


def opt_text(value: Any, name: str, default: str | None = None) -> str | None:
    """Text from a cell; blank takes ``default``."""
    value = _scalar(value, name)
    if _blank(value):
        return default
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be text")
    return value.strip()


def rows_out(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """A table for Excel: a header row, then plain Python values."""
    return [list(header)] + [[_plain(v) for v in row] for row in rows]


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
