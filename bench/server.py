"""Benchmarks of the Office.js route and of the headless recalculation.

``python -m bench server recalc`` prints:

- one client, over loopback, keep-alive: p50 / p99 per UDF, over the calls the
  shipped workbook makes (each function's calls cycled), beside the trivial
  ``VERSION()`` on the same server in the same run;
- 2,000 calls from 50 concurrent clients: throughput, p50 / p99, errors, for the
  workbook's call mix and for ``VERSION()``;
- a full recalculation of the shipped workbook through the server: every UDF
  cell's call sent as Excel sends it (all at once, 50 connections at most);
- each of these with the server's result cache off (every call computed) and on
  (as served; the first recalculation meets an empty cache);
- the headless recalculation of the whole workbook (``negotiate recalc``), in a
  warm process and as a fresh command;
- the server's refusals (a traversal path, a foreign ``Host``) against a static
  file it serves, each over a fresh connection; the server's resident memory
  around 40 calls of 8 MiB and 40 of 0.75 MiB (the result cache is bounded in
  bytes); and the cost of that byte accounting per call.

Client and server share this machine's cores; every loop is bounded.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ONE_CLIENT_CALLS = 300  # per function
CONCURRENT_CLIENTS = 50
CONCURRENT_CALLS = 2_000
CALL = "/xlwings/custom-functions-call"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def workbook_calls(path: Any = None) -> list[tuple[str, str, list[Any]]]:
    """(cell, function, arguments) of every UDF call the workbook's formulas make."""
    from addin.workbook.builder import DEFAULT_PATH
    from tests.formula_eval import Book, formula_text

    book = Book(path or DEFAULT_PATH)
    calls = []
    for sheet, cells in book.formulas.items():
        for (r, c), value in sorted(cells.items()):
            made: list[Any] = []
            book.evaluate(sheet, formula_text(value), made)
            calls += [(f"{sheet}!R{r}C{c}", call.name.lower(), call.args) for call in made]
    return calls


def _office_body(func_name: str, args: list[Any], address: str) -> dict[str, Any]:
    import xlwings

    def arg(value: Any) -> Any:
        if isinstance(value, list):
            return [row if isinstance(row, list) else [row] for row in value]
        return [[value]]

    sheet = address.split("!")[0]
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": [arg(a) for a in args],
        "caller_address": f"[negotiation.xlsm]{sheet}!A1",
        "session_id": "bench",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }


def _one_client(url: str, bodies: list[dict[str, Any]], n: int) -> list[float]:
    import httpx

    times = []
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as client:
        for body in bodies[:3]:
            client.post(CALL, json=body).raise_for_status()  # warm
        for i in range(n):
            body = bodies[i % len(bodies)]
            start = time.perf_counter()
            r = client.post(CALL, json=body)
            times.append(time.perf_counter() - start)
            if r.status_code != 200:
                raise RuntimeError(f"{body['func_name']}: HTTP {r.status_code}")
    return times


def _concurrent(
    url: str, bodies: list[dict[str, Any]], clients: int, calls: int
) -> tuple[float, list[float], int]:
    """(wall seconds, per-call latencies, errors) of ``calls`` calls over ``clients`` threads."""
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_client = [calls // clients + (1 if i < calls % clients else 0) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def work(k: int) -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=url, trust_env=False, timeout=60) as client:
            client.post(CALL, json=bodies[k % len(bodies)])  # connect before the clock starts
            barrier.wait()
            for i in range(per_client[k]):
                body = bodies[(k * 7 + i) % len(bodies)]
                start = time.perf_counter()
                try:
                    r = client.post(CALL, json=body)
                    bad += r.status_code != 200 or "#VALUE!" in r.text
                except httpx.HTTPError:
                    bad += 1
                mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors[0]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def bench_server() -> None:
    calls = workbook_calls()
    distinct = len({(name, repr(args)) for _, name, args in calls})
    print(
        f"Office.js route: the shipped workbook makes {len(calls)} UDF calls "
        f"({distinct} distinct, {len({c[1] for c in calls})} functions); loopback, client "
        f"and server on the same machine"
    )
    for cache in (False, True):
        print(f"--- server result cache {'ON (as served)' if cache else 'OFF (every call computed)'}")
        _bench_server(calls, cache)
    bench_server_security()


SECURITY_REQUESTS = 500  # per kind of request


def _raw_get(port: int, target: bytes, host: bytes) -> tuple[int, int]:
    """(status, body bytes) of one GET over a fresh connection, the path sent as written."""
    import http.client
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        reply = http.client.HTTPResponse(s, method="GET")
        reply.begin()
        return reply.status, len(reply.read())


def _rss(pid: int) -> int:
    import re

    found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(found[1]) * 1024 if found else 0


def _large_calls(url: str, n: int, size: int, tag: str) -> int:
    """Send ``n`` distinct calls of ``size`` bytes each; the number answered 400 (refused)."""
    import httpx

    refused = 0
    with httpx.Client(
        base_url=url, trust_env=False, timeout=120, headers={"Content-Type": "application/json"}
    ) as client:
        for i in range(n):
            payload = (
                b'{"client": "Office.js", "func_name": "fx_convert", "args": [[["'
                + f"{tag}{i:04d}".encode()
                + b"x" * size
                + b'"]], [["USD"]], '
                b'[["JPY"]]], "version": "0", "runtime": "1.4", '
                b'"caller_address": "[b.xlsm]S!A1", "culture_info_name": "en-US", '
                b'"date_format": "M/d/yyyy"}'
            )
            refused += client.post(CALL, content=payload).status_code == 400
    return refused


def bench_server_security() -> None:
    from addin.server import PROJECT_DIR, Running

    depth = len((PROJECT_DIR / "static").resolve().parts) + 3
    print("--- server refusals and memory (cache on)")
    with Running() as srv:
        host = f"127.0.0.1:{srv.port}".encode()
        kinds = {
            "static file served (/static/js/negotiate.js)": (b"/static/js/negotiate.js", host),
            "traversal refused (..%2f to /etc/passwd)": (
                b"/static/" + b"..%2f" * depth + b"etc/passwd",
                host,
            ),
            "traversal refused (plain ../)": (b"/static/" + b"../" * depth + b"etc/passwd", host),
            "foreign Host refused (attacker.example)": (
                b"/manifest.xml",
                b"attacker.example:" + str(srv.port).encode(),
            ),
            "manifest served (trusted Host)": (b"/manifest.xml", host),
        }
        print(
            f"  {SECURITY_REQUESTS} requests each, a fresh connection per request"
            f"{'':10} p50        p99    statuses"
        )
        for label, (target, named) in kinds.items():
            _raw_get(srv.port, target, named)  # warm
            times, statuses = [], set()
            for _ in range(SECURITY_REQUESTS):
                start = time.perf_counter()
                status, _ = _raw_get(srv.port, target, named)
                times.append(time.perf_counter() - start)
                statuses.add(status)
            print(f"  {label:<52} {_ms(statistics.median(times))} {_ms(_pct(times, 99))}  {sorted(statuses)}")

        start_rss = _rss(srv.proc.pid)
        for size, tag, note in (
            (8 * 2**20, "a", "never kept: over the 1 MiB entry limit"),
            (3 * 2**18, "b", "kept, oldest evicted past 16 MiB"),
        ):
            _large_calls(srv.url, 3, size, tag + "warm")
            before = _rss(srv.proc.pid)
            start = time.perf_counter()
            refused = _large_calls(srv.url, 40, size, tag)
            wall = time.perf_counter() - start
            after = _rss(srv.proc.pid)
            print(
                f"  40 distinct calls of {size / 2**20:.2f} MiB ({note}): server RSS "
                f"{before / 2**20:.0f} -> {after / 2**20:.0f} MiB "
                f"({(after - before) / 2**20:+.0f} MiB), {wall:.2f} s, {refused} refused as "
                f"the function's 400"
            )
        print(
            f"  server RSS from start of these calls to end: {start_rss / 2**20:.0f} -> "
            f"{_rss(srv.proc.pid) / 2**20:.0f} MiB (cache budget 16 MiB)"
        )

    _bench_cache_accounting()


def _bench_cache_accounting() -> None:
    """What bounding the cache in bytes costs a call: sizing its result and storing it."""
    import os

    os.environ.pop("NEGOTIATE_SERVER_CACHE", None)
    os.environ.pop("XLWINGS_ON_SERVER", None)
    import addin.server_project.custom_functions as cf
    from addin import udfs
    from addin.results import size_of

    results = []
    for _, name, args in workbook_calls():
        results.append(((name, repr(tuple(args))), getattr(udfs, name)(*args)))
    biggest = max(results, key=lambda kv: size_of(kv[1]))
    n = 20
    start = time.perf_counter()
    for _ in range(n):
        for _, result in results:
            size_of(result)
    sizing = (time.perf_counter() - start) / (n * len(results))
    cache = cf.ResultCache()
    start = time.perf_counter()
    for _ in range(n):
        for key, result in results:
            cache.put(key, result)
            cache.get(key)
    put_get = (time.perf_counter() - start) / (n * len(results))
    print(
        f"  result cache accounting over the workbook's {len(results)} results: size_of "
        f"{sizing * 1e6:.1f} us a result, put + get {put_get * 1e6:.1f} us a call; largest "
        f"result {size_of(biggest[1]):,} bytes ({biggest[0][0]}); all kept: "
        f"{cache.size:,} bytes in {len(cache)} entries"
    )


def _bench_server(calls: list[tuple[str, str, list[Any]]], cache: bool) -> None:
    from addin.server import Running

    by_func: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cell, name, args in calls:
        by_func[name].append(_office_body(name, args, cell))
    trivial = [_office_body("version", [], "Compare!A1")]
    mix = [_office_body(name, args, cell) for cell, name, args in calls]
    with Running(cache=cache) as srv:
        recalcs = []
        for _ in range(5):  # the first one meets an empty cache: opening the workbook
            wall, lat, errors = _concurrent(srv.url, mix, min(CONCURRENT_CLIENTS, len(mix)), len(mix))
            recalcs.append(wall)
            if errors:
                print(f"  full recalculation: {errors} calls failed")
        full = max(recalcs[0], statistics.median(recalcs[1:]))
        print(
            f"full recalculation through the server ({len(mix)} UDF cells sent at once, "
            f"50 connections): first {_ms(recalcs[0])}, then median "
            f"{_ms(statistics.median(recalcs[1:]))} (target < 2,000 ms: "
            f"{'ok' if full < 2 else 'OVER TARGET'})"
        )

        t = _one_client(srv.url, trivial, ONE_CLIENT_CALLS)
        print(
            f"one client, {ONE_CLIENT_CALLS} calls each (cycling the workbook's calls)"
            f"      p50        p99   (target p50 < 5 ms)"
        )
        print(f"  {'VERSION (trivial)':<30} {_ms(statistics.median(t))} {_ms(_pct(t, 99))}")
        worst = 0.0
        for name in sorted(by_func):
            t = _one_client(srv.url, by_func[name], ONE_CLIENT_CALLS)
            p50 = statistics.median(t)
            worst = max(worst, p50)
            verdict = "ok" if p50 < 0.005 else "OVER TARGET"
            print(
                f"  {name.upper():<30} {_ms(p50)} {_ms(_pct(t, 99))}  "
                f"({len(by_func[name])} calls in the workbook)  {verdict}"
            )
        print(f"  slowest UDF p50 {worst * 1000:.2f} ms: {'ok' if worst < 0.005 else 'OVER TARGET'}")

        print(f"{CONCURRENT_CALLS:,} calls from {CONCURRENT_CLIENTS} concurrent clients")
        results = {}
        for label, bodies in (("VERSION (trivial)", trivial), ("workbook call mix", mix)):
            wall, lat, errors = _concurrent(srv.url, bodies, CONCURRENT_CLIENTS, CONCURRENT_CALLS)
            results[label] = CONCURRENT_CALLS / wall
            print(
                f"  {label:<30} {CONCURRENT_CALLS / wall:8.0f} calls/s  "
                f"p50 {_ms(statistics.median(lat))}  p99 {_ms(_pct(lat, 99))}  "
                f"errors {errors}"
            )
        ratio = results["workbook call mix"] / results["VERSION (trivial)"]
        print(
            f"  workbook mix / trivial throughput: {ratio:.2f} "
            f"(target >= 0.5: {'ok' if ratio >= 0.5 else 'UNDER TARGET'})"
        )
        bad = [line for line in srv.output().splitlines() if "Traceback" in line]
        if bad:
            print(f"  the server logged {len(bad)} tracebacks")


def bench_recalc() -> None:
    from addin.recalc import RESULTS, recalc
    from addin.workbook.builder import DEFAULT_PATH
    from calculators.tax.engine import forget

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsm"
        times, again = [], []
        for _ in range(5):
            RESULTS.clear()  # every function run: a workbook evaluated for the first time
            forget()  # and every tax computed
            start = time.perf_counter()
            result = recalc(DEFAULT_PATH, out)
            times.append(time.perf_counter() - start)
        for _ in range(3):  # the functions' results kept from the evaluation before
            start = time.perf_counter()
            recalc(DEFAULT_PATH, out)
            again.append(time.perf_counter() - start)
        warm = statistics.median(times[1:])
        print(
            f"headless recalc of the shipped workbook ({result.formula_cells} formula cells, "
            f"{result.udf_calls} UDF calls), warm process, median of 4: {_ms(warm)} "
            f"(target < 2,000 ms: {'ok' if warm < 2 else 'OVER TARGET'})"
        )
        print(
            "the same again with the results of the calls kept from the evaluation before, "
            f"median of 3: {_ms(statistics.median(again))}"
        )
        cold = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "addin.cli", "recalc", str(DEFAULT_PATH), "-o", str(out)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            cold.append(time.perf_counter() - start)
        print(
            f"`negotiate recalc` as a fresh command (imports included), median of 3: "
            f"{_ms(statistics.median(cold))}"
        )
