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
hovering over it.  Errors are kept in the cache like any other result.
"""

import datetime as dt
import functools
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Any

import xlwings as xw

from addin import udfs as _udfs
from addin.cells import CellError
from addin.udfs import __all__ as _UDFS
from addin.udfs.negotiation import READS_TODAY

try:
    _VERSION = f"offer-negotiation {_dist_version('offer-negotiation')}"
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "offer-negotiation (not installed)"

CACHE_BYTES = 16 * 2**20  # all kept calls together (keys and results), every function
CACHE_ENTRY_BYTES = CACHE_BYTES // 16  # one call costing more is never kept
_CACHE_ON = os.environ.get("NEGOTIATE_SERVER_CACHE", "1") != "0"


def _copy(value: Any) -> Any:
    """A fresh outer structure, so that converting a served result cannot alter the kept one."""
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def size_of(value: Any) -> int:
    """Bytes ``value`` holds, counting nested lists and tuples (a UDF result: cells, rows)."""
    size = sys.getsizeof(value)
    if isinstance(value, (list, tuple)):
        size += sum(size_of(v) for v in value)
    return size


def repr_floor(value: Any) -> int:
    """Characters ``repr(value)`` has at least (a text's own length plus its quotes, summed
    over nested lists and tuples), read without building it: an argument that long makes a
    key no cache entry may hold."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, (list, tuple)):
        return sum(repr_floor(v) for v in value)
    return 0


_MISSING = object()


class ResultCache:
    """Least-recently-used results, bounded by their total size in bytes.

    Shared by every function (the key names the function); safe across the
    server's worker threads.
    """

    def __init__(self, budget: int = CACHE_BYTES, entry_limit: int = CACHE_ENTRY_BYTES) -> None:
        self.budget, self.entry_limit = budget, entry_limit
        self.size = 0
        self._kept: OrderedDict[tuple[str, str], tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple[str, str]) -> Any:
        """The kept result (a fresh copy), or ``_MISSING``."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return _MISSING
            self._kept.move_to_end(key)
            return _copy(found[0])

    def put(self, key: tuple[str, str], result: Any) -> None:
        cost = sys.getsizeof(key[0]) + sys.getsizeof(key[1]) + size_of(result)
        if cost > self.entry_limit:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._kept[key] = (_copy(result), cost)
            self.size += cost
            while self.size > self.budget:
                _, (_, freed) = self._kept.popitem(last=False)
                self.size -= freed

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.size = 0


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
        if found is not _MISSING:
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
