"""What xlwings-server serves as Office.js custom functions: the UDFs of ``addin.udfs``.

xlwings-server imports a module named ``custom_functions`` from its project
folder; this one re-exports our UDF package, plus ``VERSION()``, a trivial
function to check that Excel reaches the server.  ``XLWINGS_ON_SERVER=true``
must be set before xlwings is first imported, or no function is registered:
:mod:`addin.server` does that.

Every UDF is a pure function of its arguments (the parameter files do not
change while the server runs) — except that a blank ``as_of`` means today for
the functions of :data:`addin.udfs.negotiation.READS_TODAY`, whose kept results
are keyed by the day as well — and a recalculation sends the same call many
times (each ``INDEX(RELOCATION_COMPARE(...), i, j)`` cell, for one).  So the
results of recent distinct calls are kept and served again for an identical
call: same function, same argument values and types.  The cache is bounded in
bytes, not in entries: each kept call costs its key (the arguments' ``repr``)
plus an estimate of its result's size, the least recently used go first once
the total passes ``CACHE_BYTES``, and a call costing more than
``CACHE_ENTRY_BYTES`` is never kept (a 16 MiB request would otherwise stay in
memory for good); a call whose arguments alone are longer than that skips the cache
without building its key.  ``NEGOTIATE_SERVER_CACHE=0`` turns it off (the benchmark
shows both).

A function that cannot answer returns a :class:`addin.cells.CellError`; here it
is raised as ``xlwings.XlwingsError(message)`` instead.  xlwings-server answers
that with HTTP 400 and the message as plain text (not 500, so the client does
not retry), and its custom-functions JavaScript throws
``CustomFunctions.Error(invalidValue, message)``: the cell is a real ``#VALUE!``
error (``ISERROR`` is TRUE, ``IFERROR`` catches it) with the message shown on
hovering over it.  Errors are kept in the cache like any other result, except a failure
that says nothing about the arguments (:class:`addin.cells.TransientCellError`).
"""

import datetime as dt
import functools
import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Any

import xlwings as xw

from addin import udfs as _udfs
from addin.cells import CellError
from addin.results import MISSING, ResultCache, repr_floor
from addin.udfs import __all__ as _UDFS
from addin.udfs.negotiation import READS_TODAY

try:
    _VERSION = f"offer-negotiation {_dist_version('offer-negotiation')}"
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "offer-negotiation (not installed)"

_CACHE_ON = os.environ.get("NEGOTIATE_SERVER_CACHE", "1") != "0"
CACHE = ResultCache()


def _memoised(func: Callable[..., Any], cache: ResultCache = CACHE) -> Callable[..., Any]:
    name = func.__name__
    dated = name in READS_TODAY  # a blank as_of is today: the day is part of the key

    @functools.wraps(func)  # keeps xlwings' metadata (__xlfunc__) and the signature
    def call(*args: Any) -> Any:
        if repr_floor(args) > cache.entry_limit:  # its key alone is more than one entry may cost
            return func(*args)
        # exact: 1, 1.0 and True differ, as do "1" and 1
        key = (name, repr((dt.date.today(), args)) if dated else repr(args))
        found = cache.get(key)
        if found is not MISSING:
            return found
        result = func(*args)
        cache.put(key, result)
        return result

    call.cache_clear = cache.clear  # type: ignore[attr-defined]
    return call


def _raising(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with a returned :class:`CellError` raised as an Excel error for Office.js."""

    @functools.wraps(func)  # keeps xlwings' metadata (__xlfunc__) and the signature
    def call(*args: Any) -> Any:
        result = func(*args)
        if isinstance(result, CellError):
            raise xw.XlwingsError(result.message)
        return result

    return call


for _name in _UDFS:
    _func = getattr(_udfs, _name)
    globals()[_name] = _raising(_memoised(_func) if _CACHE_ON else _func)
del _name, _func  # one module-level name per function: xlwings-server refuses duplicates


@xw.func
def version():
    """The add-in's name and version: a quick check that Excel reaches the server.

    Example: =NEGOTIATE.VERSION()
    """
    return _VERSION


__all__ = [*_UDFS, "version"]
