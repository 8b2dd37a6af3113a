"""Results of recent calls of our functions, kept to answer an identical call again.

Every UDF is a pure function of its arguments (the parameter files do not change while a
process runs), except that a blank ``as_of`` means today for the functions of
:data:`addin.udfs.negotiation.READS_TODAY`: a caller keeps their results keyed by the day as
well.  Two callers keep results here: the server (:mod:`addin.server_project.custom_functions`,
one recalculation in Excel sends the same call many times) and ``recalc``
(:mod:`addin.recalc`, a workbook evaluated again after a few cells changed calls most of its
functions with the same arguments as before).  The cache is bounded in bytes, not in
entries: each kept call costs its key (the arguments' text) plus an estimate of its result's
size, the least recently used go first once the total passes ``CACHE_BYTES``, and a call
costing more than ``CACHE_ENTRY_BYTES`` is never kept.
"""

import sys
import threading
from collections import OrderedDict
from typing import Any

__all__ = [
    "CACHE_BYTES",
    "CACHE_ENTRY_BYTES",
    "MISSING",
    "ResultCache",
    "copy_result",
    "repr_floor",
    "size_of",
]

CACHE_BYTES = 16 * 2**20  # all kept calls together (keys and results), every function
CACHE_ENTRY_BYTES = CACHE_BYTES // 16  # one call costing more is never kept


def copy_result(value: Any) -> Any:
    """A fresh outer structure, so that converting a served result cannot alter the kept one."""
    if isinstance(value, list):
        return [copy_result(v) for v in value]
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


MISSING = object()


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
        """The kept result (a fresh copy), or ``MISSING``."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return MISSING
            self._kept.move_to_end(key)
            return copy_result(found[0])

    def put(self, key: tuple[str, str], result: Any) -> None:
        """Keep ``result`` for ``key``, unless it costs more than one entry may or is a
        failure that says nothing about the arguments (``transient``, as
        :class:`addin.cells.TransientCellError`): the next identical call runs again."""
        if getattr(result, "transient", False):
            return
        cost = sys.getsizeof(key[0]) + sys.getsizeof(key[1]) + size_of(result)
        if cost > self.entry_limit:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._kept[key] = (copy_result(result), cost)
            self.size += cost
            while self.size > self.budget:
                _, (_, freed) = self._kept.popitem(last=False)
                self.size -= freed

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.size = 0
