"""The Office.js server under attack: path traversal, foreign Host headers, a growing result
cache and an API key on a command line.

The HTTP tests talk to a real server process over loopback with raw sockets, so that every
path reaches the server byte for byte as written (urllib and httpx normalise ``..``).
"""

import asyncio
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import httpx
import pytest

from addin.server import PROJECT_DIR, free_port, host_name, plain_path, trusted_hosts
from addin.workbook.builder import DEFAULT_PATH
from tests.conftest import SERVER_KEY

KEY = SERVER_KEY
CALL = "/xlwings/custom-functions-call"
STATIC = PROJECT_DIR / "static"
# Enough "../" to climb from the static folder (or one below it) to the root.
DEPTH = len(STATIC.resolve().parts) + 3
SECRET = "canary-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    """A file outside the static folder holding a secret no legitimate reply contains."""
    path = tmp_path_factory.mktemp("canary") / "secret.txt"
    path.write_text(SECRET + "\n")
    return path


@pytest.fixture(scope="module")
def server(office_server):
    """The session's server; what it printed while this file ran holds no traceback."""
    start = len(office_server.output())
    yield office_server
    log = office_server.output()[start:]
    assert "Traceback" not in log


def raw(port, target, host="default", method="GET", headers=(), body=b"", version="HTTP/1.1"):
    """(status, body) of one request sent byte for byte; status None if the server hung up."""
    if isinstance(target, str):
        target = target.encode("latin-1")
    lines = [method.encode() + b" " + target + b" " + version.encode()]
    if host == "default":
        host = f"127.0.0.1:{port}"
    if host is not None:
        lines.append(b"Host: " + (host.encode("latin-1") if isinstance(host, str) else host))
    for name, value in headers:
        lines.append(f"{name}: {value}".encode("latin-1"))
    if body:
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        reply = http.client.HTTPResponse(s, method=method)
        try:
            reply.begin()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return None, b""
        return reply.status, reply.read()


def asgi(app, scope, timeout=30):
    """(status, body) of one GET through an ASGI app in this process."""
    sent = []
    requested = []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the reply is sent

    async def send(message):
        sent.append(message)

    from starlette.exceptions import HTTPException

    try:
        asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout))
    except HTTPException as exc:  # what the app's error middleware would turn into a reply
        assert not sent
        return exc.status_code, b""
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


# --- 1. static files only from inside their folder -----------------------------------------


def _absolute(path):
    return str(Path(path).resolve()).lstrip("/")


# Each way of writing "one folder up" (the separator included).
UP = {
    "plain": "../",
    "encoded slash": "..%2f",
    "encoded slash upper": "..%2F",
    "encoded dots": "%2e%2e/",
    "encoded dots upper": "%2E%2E/",
    "one dot encoded": ".%2e/",
    "other dot encoded": "%2e./",
    "all encoded": "%2e%2e%2f",
    "backslash": "..\\",
    "encoded backslash": "..%5c",
    "encoded backslash upper": "..%5C",
    "double encoded": "%252e%252e%252f",
    "double encoded slash": "..%252f",
    "overlong utf-8": "%c0%ae%c0%ae%c0%af",
    "overlong slash": "..%c0%af",
    "full-width": "%ef%bc%8e%ef%bc%8e%ef%bc%8f",
    "dot segment first": "./../",
    "semicolon": "..;/",
    "tab": "..\t/",
}
PREFIXES = ["/static/", "/static/js/", "/static/vendor/@alpinejs/", "/", "/xlwings/", "/favicon.ico/"]


def _targets(canary):
    return {
        "passwd": "etc/passwd",
        "workbook": _absolute(DEFAULT_PATH),
        "canary": _absolute(canary),
    }


def _assert_refused(status, reply, what, canary_text=SECRET):
    assert status in (400, 404), (what, status, reply[:200])
    assert len(reply) < 64, (what, reply[:200])
    for leak in (b"root:", b"PK\x03\x04", canary_text.encode()):
        assert leak not in reply, (what, leak)


@pytest.mark.parametrize("way", sorted(UP))
def test_no_traversal_form_reads_a_file_outside_the_static_folder(server, canary, way):
    up = UP[way]
    for name, target in _targets(canary).items():
        if "%2f" in up.lower():
            target = target.replace("/", up[-3:])  # the target's own separators encoded alike
        for prefix in PREFIXES:
            path = prefix + up * DEPTH + target
            status, reply = raw(server.port, path)
            _assert_refused(status, reply, (way, name, path))


@pytest.mark.parametrize(
    "path",
    [
        "/static//etc/passwd",
        "/static///etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/%2Fetc/passwd",
        "/static/%5cetc%5cpasswd",
        "/static/\\etc\\passwd",
        "//etc/passwd",
        "/static/js/negotiate.js%00",
        "/static/js/negotiate.js%00.png",
        "/static/" + "../" * DEPTH + "etc/passwd%00.js",
        b"/static/js/negotiate.js\x00",
        b"/static/" + b"../" * DEPTH + b"etc/passwd\x00",
        "/static/" + "../" * DEPTH + "proc/self/environ",
        "/static/" + "../" * DEPTH + "proc/self/cmdline",
        "/static/../custom_functions/__init__.py",
        "/static/..%2fcustom_functions%2f__init__.py",
        "/static/..%2f..%2f..%2fworkbook%2fnegotiation.xlsm",  # the report's own example
        "/static/../../../workbook/negotiation.xlsm",
        "/static/js/../../../../workbook/negotiation.xlsm",
        "/static/../__init__.py",
        "/static/../../server.py",
        "/static/../main.py",  # the package's folder, xlwings-server's fall-back
        "/static/.env",
        "/static/js/.",
        "/static/js/",
        "/static/js/negotiate%2ejs",
        "/static/js%2fnegotiate.js",
        "/static/" + "a" * 5000,
    ],
)
def test_absolute_nul_and_other_forms_are_refused(server, path):
    _assert_refused(*raw(server.port, path), path)


def test_the_absolute_form_of_a_request_target_is_checked_too(server):
    base = f"http://127.0.0.1:{server.port}"
    for path in (
        "/static/" + "../" * DEPTH + "etc/passwd",
        "/static/..%2f..%2f..%2fworkbook%2fnegotiation.xlsm",
    ):
        _assert_refused(*raw(server.port, base + path), base + path)
    status, reply = raw(server.port, base + "/static/js/negotiate.js")
    assert status == 200 and reply == (STATIC / "js" / "negotiate.js").read_bytes()


def test_every_method_on_a_traversal_is_refused(server):
    path = "/static/" + "..%2f" * DEPTH + "etc/passwd"
    for method in ("GET", "HEAD", "POST", "OPTIONS", "PUT"):
        status, reply = raw(server.port, path, method=method)
        assert status in (400, 404, 405), (method, status)
        assert b"root:" not in reply


def test_the_static_files_still_serve(server):
    for rel in ("js/negotiate.js", "js/auth.js", "js/ribbon.js"):  # ours
        status, reply = raw(server.port, "/static/" + rel)
        assert (status, reply) == (200, (STATIC / rel).read_bytes()), rel
    from xlwings_server.config import PACKAGE_DIR

    for rel in (
        "js/config.js",
        "images/icons/xlwings-32.png",  # the package's fall-back
        "vendor/@alpinejs/csp/3.17.5/LICENSE",
    ):
        status, reply = raw(server.port, "/static/" + rel)
        assert (status, reply) == (200, (PACKAGE_DIR / "static" / rel).read_bytes()), rel
    assert raw(server.port, "/static/js/no-such-file.js")[0] == 404
    assert raw(server.port, "/static/js")[0] == 404  # a folder is not a file
    assert raw(server.port, "/xlwings/custom-functions-meta.json")[0] == 200
    assert raw(server.port, "/favicon.ico")[0] == 200


def test_the_contained_static_files_refuse_links_and_traversal_on_their_own(tmp_path):
    """Without the guard in front: the static app itself never leaves its folders."""
    from addin.server import _static_class

    ours, theirs, outside = tmp_path / "ours", tmp_path / "theirs", tmp_path / "outside"
    for folder in (ours, theirs, outside):
        folder.mkdir()
    (ours / "a.js").write_text("ours")
    (theirs / "a.js").write_text("theirs")
    (theirs / "b.js").write_text("theirs b")
    (outside / "secret.txt").write_text(SECRET)
    (ours / "link.txt").symlink_to(outside / "secret.txt")
    (ours / "dir").symlink_to(outside, target_is_directory=True)
    static = _static_class()([ours, theirs])
    assert static.lookup_path("a.js")[0] == str((ours / "a.js").resolve())  # ours first
    assert static.lookup_path("b.js")[0] == str((theirs / "b.js").resolve())
    for path in (
        "link.txt",
        "dir/secret.txt",
        "../outside/secret.txt",
        "../theirs/a.js",
        "/etc/passwd",
        "..",
        ".",
        "",
        "a.js\x00",
        "..\\outside\\secret.txt",
        str(outside / "secret.txt"),
    ):
        assert static.lookup_path(path) == ("", None), path

    def get(path):
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [],
        }
        return asgi(static, scope)

    assert get("/a.js") == (200, b"ours")
    for path in (
        "/../outside/secret.txt",
        "/link.txt",
        "/dir/secret.txt",
        "/" + "../" * DEPTH + _absolute(outside / "secret.txt"),
    ):
        status, reply = get(path)
        assert status == 404 and SECRET.encode() not in reply, path


def test_plain_path_rules():
    for good in (
        "/",
        "/manifest.xml",
        "/static/js/negotiate.js",
        "/static/vendor/@alpinejs/csp/3.17.5/LICENSE",
        CALL,
    ):
        assert plain_path(good), good
    for bad in (
        "",
        "static",
        "//",
        "/static/",
        "/static//x",
        "/static/../x",
        "/static/./x",
        "/static/.env",
        "/static/a\\b",
        "/static/a%2fb",
        "/static/a\x00",
        "/static/\uff0e\uff0e/x",
        "/static/a b",
        "/static/a;b",
        "/static/a:b",
    ):
        assert not plain_path(bad), bad


# --- 1 (second half). A trusted Host on every route ----------------------------------------

ROUTES = [
    ("GET", "/manifest.xml"),
    ("GET", "/manifest"),
    ("GET", "/static/js/negotiate.js"),
    ("GET", "/static/" + "../" * DEPTH + "etc/passwd"),
    ("GET", "/xlwings/custom-functions-meta.json"),
    ("GET", "/xlwings/custom-functions-code.js"),
    ("GET", "/taskpane.html"),
    ("GET", "/"),
    ("GET", "/favicon.ico"),
    ("POST", CALL),
    ("OPTIONS", CALL),
]
FOREIGN = [
    "attacker.example",
    "attacker.example:{port}",
    "127.0.0.1.attacker.example:{port}",
    "localhost.attacker.example",
    "127.0.0.1@attacker.example",
    "[::1].attacker.example",
    "attacker.example#127.0.0.1",
    "127.0.0.1:{port}:{port}",
    "127.0.0.1:port",
    "[::1",
    "::1",
    "[::2]:{port}",
    "0.0.0.0:{port}",
    "127.0.0.2:{port}",
    "",
    "localhost.",
    "local host",
    "xn--lcalhost-9za",
    "127.0.0.1\t:80",
]
TRUSTED = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "[::1]:{port}",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "LocalHost:{port}",
    "[0:0:0:0:0:0:0:1]:{port}",
]


def _call_body():
    import xlwings

    return (
        b'{"client": "Office.js", "func_name": "version", "args": [], "version": "'
        + xlwings.__version__.encode()
        + b'", "runtime": "1.4", "culture_info_name": '
        b'"en-US", "date_format": "M/d/yyyy", "caller_address": "[b.xlsm]S!A1"}'
    )


@pytest.mark.parametrize("method,path", ROUTES)
def test_a_foreign_host_is_refused_on_every_route(server, method, path):
    body = _call_body() if method == "POST" else b""
    headers = [("Authorization", KEY), ("Content-Type", "application/json")]
    if method == "OPTIONS":
        headers += [
            ("Origin", "https://excel.officeapps.live.com"),
            ("Access-Control-Request-Method", "POST"),
        ]
    for host in FOREIGN:
        host = host.format(port=server.port)
        status, reply = raw(server.port, path, host=host, method=method, headers=headers, body=body)
        assert (status, reply) == (400, b"unknown host"), (path, host, status, reply[:100])


def test_a_missing_or_doubled_host_is_refused(server):
    assert raw(server.port, "/manifest.xml", host=None, version="HTTP/1.0") == (400, b"unknown host")
    status, reply = raw(server.port, "/manifest.xml", host=None)  # HTTP/1.1 requires one
    assert status == 400 and b"<OfficeApp" not in reply
    twice = [("Host", "attacker.example")]
    assert raw(server.port, "/manifest.xml", headers=twice) == (400, b"unknown host")
    status, reply = raw(server.port, "/manifest.xml", host=b"attacker.example\xff")
    assert status == 400 and b"<OfficeApp" not in reply


def test_loopback_hosts_are_answered_and_the_manifest_names_the_host_asked(server):
    for host in TRUSTED:
        host = host.format(port=server.port)
        status, reply = raw(server.port, "/manifest.xml", host=host)
        assert status == 200, (host, reply[:100])
        named = host.lower().replace("[0:0:0:0:0:0:0:1]", "[::1]")
        assert f"http://{named}/xlwings/custom-functions-meta".encode() in reply, host
        status, reply = raw(
            server.port,
            CALL,
            host=host,
            method="POST",
            body=_call_body(),
            headers=[("Authorization", KEY), ("Content-Type", "application/json")],
        )
        assert status == 200 and b"offer-negotiation" in reply, (host, reply[:100])


def test_forwarded_headers_do_not_move_the_manifest(server):
    status, reply = raw(
        server.port,
        "/manifest.xml",
        headers=[
            ("X-Forwarded-Host", "attacker.example"),
            ("X-Forwarded-Server", "attacker.example"),
            ("Forwarded", "host=attacker.example"),
        ],
    )
    assert status == 200 and b"attacker.example" not in reply
    assert f"http://127.0.0.1:{server.port}/".encode() in reply


def test_a_dns_rebinding_page_reads_nothing(server):
    """The page's own name re-pointed at 127.0.0.1: its requests carry that name and no
    Origin (same-origin, as the browser sees it); the Host check is what refuses them."""
    for path in (
        "/static/js/negotiate.js",
        "/manifest.xml",
        "/static/..%2f..%2f..%2fworkbook%2fnegotiation.xlsm",
    ):
        assert raw(server.port, path, host=f"rebind.attacker.example:{server.port}") == (400, b"unknown host")


def test_host_name_parsing():
    assert host_name("LOCALHOST:8000") == "localhost"
    assert host_name("[::1]:8000") == "[::1]"
    assert host_name("[0:0::1]") == "[::1]"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert host_name("mybox.lan:443") == "mybox.lan"
    for bad in (
        "",
        ":8000",
        "::1",
        "[::1",
        "[::1]x",
        "[::1]:",
        "[::1]:80:80",
        "a:b",
        "a b",
        "a@b",
        "[fe80::1%25eth0]",
        "[v1.x]",
        "localhost.",
        "-a.example",
        "a:65536",
        "a:123456",
    ):
        assert host_name(bad) is None, bad


def test_trusted_hosts_are_loopback_and_the_listening_address():
    assert trusted_hosts(None) == {"localhost", "127.0.0.1", "[::1]"}
    assert trusted_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "[::1]"}
    assert "192.168.1.20" in trusted_hosts("192.168.1.20")
    assert "mybox.lan" in trusted_hosts("MyBox.lan")
    assert "[fd00::5]" in trusted_hosts("fd00::5")
    assert "[fd00::5]" in trusted_hosts("[fd00:0::5]")
    for wildcard in ("0.0.0.0", "::"):  # bind addresses, not names a client asks for
        assert trusted_hosts(wildcard) == {"localhost", "127.0.0.1", "[::1]"}


def test_the_guard_answers_the_listening_address_given(tmp_path):
    """--host mybox.lan: requests naming it pass; any other name still gets 400."""
    from addin.server import _Guard

    reached = []

    async def inner(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = _Guard(inner, trusted_hosts("mybox.lan"))

    def get(host, path="/manifest.xml"):
        headers = [] if host is None else [(b"host", host)]
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "headers": headers,
            "query_string": b"",
            "root_path": "",
        }
        return asgi(guard, scope)

    assert get(b"mybox.lan:8000") == (200, b"ok")
    assert get(b"localhost:8000") == (200, b"ok")
    assert get(b"attacker.example:8000") == (400, b"unknown host")
    assert get(None) == (400, b"unknown host")
    assert get(b"mybox.lan", "/static/../x") == (400, b"bad path")
    assert reached == ["/manifest.xml", "/manifest.xml"]


# --- 10. the result cache is bounded in bytes ----------------------------------------------

BUDGET = 16 * 2**20  # the cache's whole budget, keys and results


def _cache_module():
    os.environ.pop("NEGOTIATE_SERVER_CACHE", None)
    import addin.server_project.custom_functions as cf

    return cf


def _growth_after(calls):
    """Bytes still allocated after ``calls()`` ran (tracemalloc), its own garbage freed."""
    import gc

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        calls()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("size", [3 * 2**18, 8 * 2**20])  # 0.75 MiB (kept), 8 MiB (never)
def test_forty_large_calls_do_not_grow_the_cache_past_its_budget(size):
    """Each call a distinct argument of ``size`` bytes (its refusal is cached like any other
    result): the cache keeps at most its budget, whatever the number of entries."""
    import xlwings as xw

    cf = _cache_module()
    cf.fx_convert.cache_clear()

    def calls():
        for i in range(40):
            with pytest.raises(xw.XlwingsError):
                cf.fx_convert(f"{i:03d}" + "x" * size, "USD", "JPY")

    grew = _growth_after(calls)
    assert grew < BUDGET + 2**20, f"{grew / 2**20:.0f} MiB kept after 40 calls"
    cache = getattr(cf, "CACHE", None)
    if cache is not None:
        assert cache.size <= cache.budget <= BUDGET
        if size < cache.entry_limit:  # the most recent were kept, the oldest evicted
            assert 0 < len(cache) < 40
        else:
            assert len(cache) == 0
    cf.fx_convert.cache_clear()


def test_a_number_cell_refuses_overlong_text_before_reading_it():
    """Text longer than any number is refused as no number at once (an 8 MiB argument cost
    46 ms a call before), whatever it holds; blank and Excel-error text still read as such."""
    from addin.cells import opt_number
    from calculators.errors import InvalidInputError

    for text in ("001" + "x" * 8 * 2**20, "1" * 1_001, [[" 7 " + "0" * 2_000]]):
        with pytest.raises(InvalidInputError, match="^amount must be a number$"):
            opt_number(text, "amount")
    assert opt_number("5" + " " * 5_000, "amount") == 5.0
    assert opt_number(" " * 5_000, "amount", default=7.0) == 7.0
    assert opt_number("0" * 994 + "1234.5", "amount") == 1234.5  # 1,000 characters
    with pytest.raises(InvalidInputError, match=r"holds an Excel error \(#N/A\)"):
        opt_number("#N/A " + "x" * 5_000, "amount")
    # a UDF's arguments are searched for an error the same way, whatever their length
    from addin import udfs

    long = "x" * 5_000
    for text, code in (("#N/A " + long, "#N/A"), (" #div/0! " + long, "#DIV/0!"), ("#N/A\t" + long, None)):
        refused = udfs.fx_convert(text, "USD", "JPY")
        if code is None:
            assert refused.message == "amount must be a number", refused
        else:
            assert refused.message == f"amount holds an Excel error ({code})", refused


def test_the_cache_still_serves_repeated_calls_and_evicts_the_oldest():
    cf = _cache_module()
    cache = cf.ResultCache(budget=10_000, entry_limit=3_000)
    counted = []

    def square(x):
        counted.append(x)
        return [[x, "row"], [x, None]]

    square.__name__ = "square"
    memo = cf._memoised(square, cache)
    assert memo(3) == memo(3) == [[3, "row"], [3, None]] and counted == [3]
    served = memo(3)
    served[0][0] = "changed"  # a served result is a copy: the kept one stays
    assert memo(3)[0][0] == 3 and counted == [3]
    for x in range(200):
        memo(x)
    assert cache.size <= 10_000 and 0 < len(cache) < 200
    memo(199)
    assert counted.count(199) == 1  # the most recent is still kept
    memo(0)
    assert counted.count(0) == 2  # the oldest went
    memo("y" * 5_000)  # costs more than one entry may
    memo("y" * 5_000)
    assert counted.count("y" * 5_000) == 2 and cache.size <= 10_000
    memo(199)
    assert memo(199.0) == [[199.0, "row"], [199.0, None]]
    assert counted[-1] == 199.0 and type(counted[-1]) is float  # 199.0 is not 199


def test_a_call_too_long_to_keep_never_builds_its_key():
    """Arguments whose text alone is over the entry limit skip the cache: their ``repr`` (23 ms
    for 8 MiB) is never made; a shorter call is still keyed and kept."""
    cf = _cache_module()
    cache = cf.ResultCache(budget=10_000, entry_limit=3_000)
    shown = []

    class Loud(str):
        def __repr__(self):
            shown.append(len(self))
            return super().__repr__()

    memo = cf._memoised(lambda x: [["ok"]], cache)
    assert memo([[Loud("y" * 3_000)]]) == [["ok"]] and shown == [] and len(cache) == 0
    assert memo(Loud("y" * 10)) == [["ok"]] and shown == [10] and len(cache) == 1
    for value in ("é\n'\"" * 50, ("ab", [["c", 1.5], [None, "\x00"]]), 7, ""):
        assert cf.repr_floor(value) <= len(repr(value)), value
    assert cf.repr_floor([["ab"], ["cde"]]) == 9


def test_forty_large_calls_over_http_leave_the_server_near_its_size(server):
    """The server process itself, after 40 calls each sending 8 MiB (under the 16 MiB
    request limit): its resident memory grows by far less than the 320 MiB sent."""

    def rss():
        text = Path(f"/proc/{server.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", text)[1]) * 1024

    big = 8 * 2**20
    with httpx.Client(
        base_url=server.url,
        trust_env=False,
        timeout=60,
        headers={"Authorization": KEY, "Content-Type": "application/json"},
    ) as client:

        def call(i):
            payload = (
                b'{"client": "Office.js", "func_name": "fx_convert", "args": [[["'
                + f"{i:03d}".encode()
                + b"x" * big
                + b'"]], [["USD"]], [["JPY"]]], '
                b'"version": "0", "runtime": "1.4", "caller_address": "[b.xlsm]S!A1",'
                b' "culture_info_name": "en-US", "date_format": "M/d/yyyy"}'
            )
            return client.post(CALL, content=payload)

        for i in range(3):  # the allocator's first growth, before measuring
            call(1000 + i)
        before = rss()
        for i in range(40):
            r = call(i)
            assert (r.status_code, r.text) == (400, "amount must be a number")
        grew = rss() - before
    assert grew < 120 * 2**20, f"the server grew by {grew / 2**20:.0f} MiB"


# --- 11. the API key never on a command line -----------------------------------------------


def _children(pid):
    """Process ids whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _serve(tmp_path, extra_args, env_key):
    """Start ``negotiate serve`` (the real command), wait until it answers; (proc, port)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_") and k != "NEGOTIATE_API_KEY"}
    if env_key:
        env["NEGOTIATE_API_KEY"] = env_key
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "addin.cli", "serve", "--port", str(port), *extra_args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 120  # a bound against a hang, not a speed check
    with httpx.Client(trust_env=False, timeout=30) as c:
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if c.get(f"http://127.0.0.1:{port}/manifest.xml").status_code == 200:
                    return proc, port
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "negotiate serve did not answer"
            time.sleep(0.1)


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _assert_key_hidden(proc, port, key, tmp_path):
    children = _children(proc.pid)
    assert children, "the server process was not found"
    for pid in (proc.pid, *children):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        assert key.encode() not in cmdline, pid
    listing = subprocess.run(
        ["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert str(proc.pid) in listing and key not in listing
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30) as c:
        payload = {
            "client": "Office.js",
            "func_name": "version",
            "args": [],
            "version": "0",
            "runtime": "1.4",
        }
        assert c.post(CALL, json=payload).status_code == 401  # the key is in force
        assert c.post(CALL, json=payload, headers={"Authorization": key}).status_code == 200


@pytest.mark.parametrize("how", ["environment", "key file"])
def test_the_key_never_shows_in_the_process_list(tmp_path, how):
    key = "ps-secret-" + secrets.token_hex(12)
    if how == "environment":
        proc, port = _serve(tmp_path, [], key)
    else:
        keyfile = tmp_path / "api-key"
        keyfile.write_text(key + "\n")
        keyfile.chmod(0o600)
        proc, port = _serve(tmp_path, ["--api-key-file", str(keyfile)], None)
    try:
        _assert_key_hidden(proc, port, key, tmp_path)
    finally:
        _stop(proc)
    assert key not in (tmp_path / "serve.log").read_text()


@pytest.fixture
def started(monkeypatch):
    """``negotiate serve`` in this process, its server process replaced by a record."""
    from addin.cli import serve

    runs = []
    monkeypatch.setattr(serve, "_run", lambda cmd, env: runs.append((cmd, env)) or 0)
    monkeypatch.delenv("NEGOTIATE_API_KEY", raising=False)
    return runs


def _one_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize("args", [["--api-key", "cli-secret-1"], ["--api-key=cli-secret-1"]])
def test_an_api_key_argument_is_refused_with_the_way_to_give_it(started, capsys, args):
    from addin.cli import main

    assert main(["serve", *args]) == 2 and started == []
    line = _one_line(capsys)
    assert line.startswith("negotiate: --api-key would show the key in the process list")
    assert "NEGOTIATE_API_KEY" in line and "--api-key-file" in line
    assert "cli-secret-1" not in line


def test_the_key_reaches_the_server_by_its_environment_only(started, capsys, tmp_path, monkeypatch):
    from addin.cli import main

    keyfile = tmp_path / "k"
    keyfile.write_text("  file-secret-2\n")
    keyfile.chmod(0o600)
    assert main(["serve", "--api-key-file", str(keyfile)]) == 0
    cmd, env = started[-1]
    assert env["NEGOTIATE_API_KEY"] == "file-secret-2"
    assert not any("file-secret-2" in part for part in cmd)
    monkeypatch.setenv("NEGOTIATE_API_KEY", "env-secret-3")
    assert main(["serve"]) == 0
    cmd, env = started[-1]
    assert env["NEGOTIATE_API_KEY"] == "env-secret-3" and "env-secret-3" not in " ".join(cmd)
    assert "secret" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "case,expected",
    [
        ("missing", "k: no such file"),
        ("empty", "k: empty; it should hold the key"),
        ("blank", "k: empty; it should hold the key"),
        ("too big", "k: larger than 4096 bytes; a key is one line"),
        ("world-readable", "k: readable by every user of this machine (chmod 600 k)"),
        ("two lines", "k: the key must be one line without spaces"),
        ("not text", "k: not UTF-8 text"),
        ("a folder", "k: not a file"),
        ("and the environment", "the key comes from NEGOTIATE_API_KEY or --api-key-file, not both"),
    ],
)
def test_a_bad_key_file_is_one_clear_line(started, capsys, tmp_path, monkeypatch, case, expected):
    from addin.cli import main

    path = tmp_path / "k"
    content = {
        "empty": b"",
        "blank": b" \n\t\n",
        "too big": b"k" * 5000,
        "two lines": b"first\nsecond\n",
        "not text": b"\xff\xfe\x00k",
        "world-readable": b"secret-4",
        "and the environment": b"secret-4",
    }
    if case == "a folder":
        path.mkdir()
    elif case != "missing":
        path.write_bytes(content[case])
        path.chmod(0o644 if case == "world-readable" else 0o600)
    if case == "and the environment":
        monkeypatch.setenv("NEGOTIATE_API_KEY", "env-secret-5")
    assert main(["serve", "--api-key-file", str(path)]) == 2 and started == []
    line = _one_line(capsys)
    assert line == f"negotiate: {expected}"
    assert str(tmp_path) not in line and "secret" not in line


def test_no_code_or_doc_of_ours_offers_an_api_key_argument():
    from addin.cli import serve

    root = Path(__file__).resolve().parents[1]
    for path in [
        *sorted((root / "addin").rglob("*.py")),
        *sorted((root / "addin" / "server_project").rglob("*.html")),
        *sorted((root / "addin" / "server_project").rglob("*.js")),
    ]:
        text = path.read_text(encoding="utf-8")
        if path.resolve() == Path(serve.__file__).resolve():
            continue  # the refusal itself names it
        assert not re.search(r"--api-key(?![-\w])", text), path.relative_to(root)
    readme = (root / "README.md").read_text(encoding="utf-8")
    (synopsis,) = [line for line in readme.splitlines() if line.startswith("negotiate serve ")]
    assert "--api-key-file FILE" in synopsis
    assert not re.search(r"--api-key(?![-\w])", synopsis)
    assert "NEGOTIATE_API_KEY" in readme
