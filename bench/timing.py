"""The timing the benchmarks share: the median wall time of repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(func: Callable[[], object], repeat: int = 5, *, warm: bool = False) -> float:
    """Median wall time of ``repeat`` calls of ``func``, in seconds.

    ``warm`` makes one untimed call first, so that caches (parameter files, lru caches) are
    filled before the timing starts.
    """
    if warm:
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
