"""Office.js custom functions for Excel on Mac and on the web, served by xlwings-server.

``negotiate serve`` (or ``python -m addin.server``) runs the maintained
``xlwings-server`` package with our UDF module: the manifest
(``/manifest.xml``), the functions' metadata and code
(``/xlwings/custom-functions-meta.json``, ``/xlwings/custom-functions-code.js``)
and the call endpoint Excel's Office.js client posts to
(``/xlwings/custom-functions-call``).

xlwings-server imports a module named ``custom_functions`` from its project
folder; ours (``addin/server_project``) re-exports :mod:`addin.udfs`.  Two
things must happen before xlwings is first imported in the server process,
which is why the server always runs in a process of its own: the environment
variable ``XLWINGS_ON_SERVER=true`` (without it ``@xw.func`` records nothing
and the server silently serves no functions) and the other settings below.

Defaults: loopback only (``127.0.0.1``), functions under the ``NEGOTIATE``
namespace, CORS limited to Office's own origins, no key.  With a key (the
environment variable ``NEGOTIATE_API_KEY``, never a command-line argument)
every call must carry it in its ``Authorization`` header.  A client never
sees a traceback: a function that cannot answer is a 400 reply holding its
one-line message, which Excel shows as a ``#VALUE!`` error with that message
(see ``server_project/custom_functions``); anything else becomes a short
generic reply.

Around xlwings-server, :class:`_Guard` answers every request first:

- the ``Host`` header must name this machine's loopback (``localhost``,
  ``127.0.0.1``, ``[::1]``, any port) or the ``--host`` the server listens on,
  else 400.  A web page that re-points its own name at 127.0.0.1 (DNS
  rebinding) sends its own name, so it reads nothing; and ``/manifest.xml``,
  which repeats the request's host, only ever names a trusted one;
- the path must be plain: segments of letters, digits and ``._~@+-``, none
  empty or starting with a dot, nothing percent-encoded that decodes to
  anything else (``..%2f``, ``%2e%2e``, ``%5c``, ``%00``, double encoding),
  else 400;
- bodies over 16 MiB are refused (413).

xlwings-server's static mount looks a path up in the project's folder without
checking where it lands; :func:`_contain_static_files` replaces it with one that
resolves every path (symbolic links too) and serves it only from inside its folder.
"""

from __future__ import annotations

import argparse
import functools
import ipaddress
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from addin.recalc import NAMESPACE  # one name for the namespace (imports no xlwings)

__all__ = [
    "PROJECT_DIR",
    "OFFICE_ORIGINS",
    "NAMESPACE",
    "MANIFEST_ID",
    "LOOPBACK_HOSTS",
    "configure",
    "create_app",
    "trusted_hosts",
    "host_name",
    "plain_path",
    "serve",
    "main",
    "free_port",
    "Running",
]

PROJECT_DIR = Path(__file__).resolve().parent / "server_project"
# The add-in's own Id in /manifest.xml (a fixed version-4 UUID of ours): Office tells add-ins
# apart by it, so it must not be the xlwings-server template's default, which every
# xlwings add-in that keeps the default shares.  Fixed, so a re-sideloaded manifest
# replaces the earlier one instead of adding a second add-in.
MANIFEST_ID = "1686c153-4b29-4d74-9059-bb6c4f360b26"
# Pages of Office itself that may call the server from the browser (Excel on the web,
# Office Scripts).  The add-in's own task pane and functions run on the server's origin.
OFFICE_ORIGINS = (
    "https://excel.officeapps.live.com",
    "https://excel.cloud.microsoft",
    "https://office.live.com",
    "https://www.office.com",
)
_API_KEY_ENV = "NEGOTIATE_API_KEY"
_MAX_BODY = 16 * 2**20  # bytes; a full Offers range is a few kilobytes
# Host names every server answers to, whatever --host says: this machine's loopback.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
# Addresses that mean "every interface": a bind address, never a name a client asks for.
_WILDCARDS = frozenset({"0.0.0.0", "[::]"})
# Names from the environment that would make xlwings-server's manifest point elsewhere than
# the (trusted) host it was fetched from.
_MANIFEST_HOST_ENV = ("XLWINGS_HOSTNAME", "RENDER_EXTERNAL_URL", "WEBSITE_HOSTNAME", "CODESPACES")
log = logging.getLogger("addin.server")


def configure(api_key: str | None = None, namespace: str = NAMESPACE, log_level: str = "WARNING") -> None:
    """Set xlwings-server's settings in this process's environment.

    Must run before xlwings is first imported: raises if it already was.
    """
    if "xlwings" in sys.modules and os.environ.get("XLWINGS_ON_SERVER") != "true":
        raise RuntimeError("xlwings was imported before the server was configured")
    env = os.environ
    env["XLWINGS_ON_SERVER"] = "true"
    env["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # personal use (see the README)
    env["XLWINGS_ENVIRONMENT"] = "prod"
    env["XLWINGS_FUNCTIONS_NAMESPACE"] = namespace
    env["XLWINGS_PROJECT_NAME"] = "Offer negotiation"
    env["XLWINGS_MANIFEST_ID_PROD"] = MANIFEST_ID  # the environment is always prod (above)
    env["XLWINGS_CORS_ALLOW_ORIGINS"] = json.dumps(list(OFFICE_ORIGINS))
    env["XLWINGS_ENABLE_EXAMPLES"] = "false"
    env["XLWINGS_ENABLE_HOTRELOAD"] = "false"
    env["XLWINGS_ENABLE_SOCKETIO"] = "false"  # only streaming functions need it; we have none
    env["XLWINGS_ENABLE_WASM"] = "false"  # its mounts would serve the project's Python files
    for name in _MANIFEST_HOST_ENV:
        env.pop(name, None)
    env["XLWINGS_LOG_LEVEL"] = log_level
    env["DOTENV_PATH"] = str(PROJECT_DIR / ".env")  # never a stray .env of the working folder
    if api_key:
        env[_API_KEY_ENV] = api_key
        env["XLWINGS_AUTH_PROVIDERS"] = json.dumps(["custom"])
    else:
        env.pop(_API_KEY_ENV, None)
        env["XLWINGS_AUTH_PROVIDERS"] = "[]"


def create_app(host: str | None = "127.0.0.1") -> Any:
    """The ASGI application: xlwings-server's, with our guards around it.

    ``host`` is the address the server listens on: requests naming it in their
    ``Host`` header are answered, besides those naming the loopback.
    """
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import PlainTextResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from xlwings_server import main as server

    _skip_pyodide_probes()
    app = server.app
    _contain_static_files(app)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Any, exc: Exception) -> Any:
        # FastAPI's default reply repeats the request body; ours does not.
        return PlainTextResponse("malformed request", status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Any, exc: Any) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return PlainTextResponse(detail, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _any_error(request: Any, exc: Exception) -> Any:
        log.error("request failed: %s", type(exc).__name__)
        return PlainTextResponse("An error occurred.", status_code=500)

    return _Guard(server.main_app, trusted_hosts(host))


def trusted_hosts(host: str | None = None) -> frozenset[str]:
    """The host names (lower case, IPv6 in brackets) requests may name: loopback and ``host``."""
    names = set(LOOPBACK_HOSTS)
    if host:
        bare = host.strip().lower()
        if ":" in bare and not bare.startswith("["):
            bare = f"[{bare}]"  # an IPv6 address as --host gives it
        name = host_name(bare)
        if name is not None and name not in _WILDCARDS:
            names.add(name)
    return frozenset(names)


_PORT = re.compile(r"[0-9]{1,5}")
# A DNS name or a dotted IPv4 address: labels of letters, digits, "_" and inner hyphens,
# no trailing dot.
_NAME = re.compile(
    r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*"
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
)


def host_name(header: str) -> str | None:
    """The host a ``Host`` header names (lower case, IPv6 compressed in brackets), or None.

    ``host``, ``host:port``, ``[v6]`` and ``[v6]:port``; anything else (a second
    colon outside brackets, a port that is not a number, a user part, spaces) is
    None.  Unlike splitting on the first ``:``, an IPv6 literal stays whole.
    """
    split = _split_host(header)
    return None if split is None else split[0]


def _split_host(header: str) -> tuple[str, int | None] | None:
    value = header.lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        literal, rest = value[1:end], value[end + 1 :]
        try:
            address = ipaddress.IPv6Address(literal)
        except ValueError:
            return None
        if address.scope_id:
            return None
        name = f"[{address.compressed}]"
    else:
        name, colon, port = value.partition(":")
        rest = colon + port
        if not _NAME.fullmatch(name):
            return None
    if not rest:
        return name, None
    if not (rest.startswith(":") and _PORT.fullmatch(rest[1:])) or int(rest[1:]) > 65535:
        return None
    return name, int(rest[1:])


# One path segment as our routes and static files spell them.
_SEGMENT = re.compile(r"[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]*")


def plain_path(path: str) -> bool:
    """True if every segment of ``path`` (after its leading ``/``) is plain.

    Refused: an empty segment (``//``, a trailing ``/``), one starting with a dot
    (``.``, ``..``, ``.env``), and any character outside ``A-Za-z0-9._~@+-``
    (``\\``, ``%``, NUL, control characters, non-ASCII look-alikes).
    """
    if path == "/":
        return True
    if not path.startswith("/"):
        return False
    return all(_SEGMENT.fullmatch(part) for part in path[1:].split("/"))


def _plain_request_path(scope: dict[str, Any]) -> bool:
    path = scope.get("path", "")
    if not isinstance(path, str) or not plain_path(path):
        return False
    raw = scope.get("raw_path")
    if raw is None:
        return True
    try:
        text = raw.decode("ascii")
    except (UnicodeDecodeError, AttributeError):
        return False
    # Percent-encoding that decodes to something else than its plain spelling (an encoded
    # separator, dot, backslash or NUL, or a second round of encoding) is refused too.
    return unquote(text) == path and plain_path(text)


@functools.cache
def _static_class() -> type:
    """The class of our static mounts (made on first use: starlette is imported late)."""
    from starlette.staticfiles import StaticFiles

    class ContainedStatic(StaticFiles):
        """Static files looked up in ``roots`` in turn, only ever from inside one of them.

        The path is resolved (``realpath``: ``..`` and symbolic links) and kept
        only if it lies inside the resolved folder and is a regular file.
        """

        def __init__(self, roots: Sequence[str | Path]) -> None:
            self.roots = [os.path.realpath(r) for r in roots if os.path.isdir(r)]
            if not self.roots:
                raise RuntimeError("no static folder")
            super().__init__(directory=self.roots[0])

        def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
            if not plain_path("/" + path.replace(os.sep, "/")):
                return "", None
            for root in self.roots:
                full = os.path.realpath(os.path.join(root, path))
                if full == root or os.path.commonpath([root, full]) != root:
                    continue
                try:
                    found = os.stat(full)
                except (OSError, ValueError):
                    continue
                if stat.S_ISREG(found.st_mode):
                    return full, found
            return "", None

    return ContainedStatic


def _contain_static_files(app: Any) -> None:
    """Replace every static-file mount of ``app`` with a :class:`ContainedStatic` one.

    xlwings-server's ``OverridableStaticFiles`` looks in the project folder
    first, joining the request path onto it unchecked; ours keeps the same
    folders in the same order (project, then package) and checks containment.
    """
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    contained = _static_class()
    routes = app.router.routes
    for i, route in enumerate(routes):
        served = getattr(route, "app", None)
        if not isinstance(route, Mount) or not isinstance(served, StaticFiles):
            continue
        if isinstance(served, contained):
            continue  # already ours
        roots = [getattr(served, "user_dir", None), getattr(served, "package_dir", None)]
        roots = [r for r in roots if r is not None] or list(served.all_directories)
        routes[i] = Mount(route.path, app=contained(roots), name=route.name)


def _skip_pyodide_probes() -> None:
    """Answer xlwings' "is this Pyodide's JsNull?" without an import per cell.

    xlwings 0.37.8 tries ``from pyodide.ffi import JsNull`` for every cell of
    every argument; outside Pyodide each failed import searches ``sys.path``
    (about 0.1 ms a cell, 25 ms for an Offers range).  Here there is no
    Pyodide, so no value is a JsNull: the answer is always "no".
    """
    import importlib.util

    import xlwings.pro.udfs_officejs as officejs
    import xlwings.utils

    if importlib.util.find_spec("pyodide") is not None:
        return
    xlwings.utils.is_jsnull = lambda value: False
    officejs.js_to_none = lambda arg: arg


class _Guard:
    """ASGI middleware in front of every route: a trusted ``Host``, a plain path, a bounded
    body, and never an exception to the client.

    The body limit uses the declared ``Content-Length`` and the bytes actually
    received, so a chunked upload cannot get round it.
    """

    def __init__(self, app: Any, hosts: frozenset[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = hosts

    def _trusted(self, scope: dict[str, Any]) -> dict[str, Any] | None:
        """``scope`` with its one ``Host`` header in the canonical spelling, or None if the
        header is missing, doubled, malformed or names a host not trusted."""
        headers = list(scope.get("headers") or [])
        values = [v for k, v in headers if k == b"host"]
        if len(values) != 1:  # none, or two that could disagree
            return None
        try:
            split = _split_host(values[0].decode("ascii"))
        except UnicodeDecodeError:
            return None
        if split is None or split[0] not in self.hosts:
            return None
        name, port = split
        canonical = (name if port is None else f"{name}:{port}").encode("ascii")
        # What the application sees (the manifest repeats it) is the trusted name as we
        # spell it, never the client's variant of it.
        headers = [(k, canonical if k == b"host" else v) for k, v in headers]
        return {**scope, "headers": headers}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        trusted = self._trusted(scope)
        if scope["type"] == "websocket":  # none of our routes; refused unless trusted
            if trusted is None or not _plain_request_path(scope):
                await send({"type": "websocket.close", "code": 1008})
            else:
                await self.app(trusted, receive, send)
            return
        if trusted is None:
            await _plain(send, 400, b"unknown host")
            return
        scope = trusted
        if not _plain_request_path(scope):
            await _plain(send, 400, b"bad path")
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > _MAX_BODY:
            await _plain(send, 413, b"request too large")
            return
        seen = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > _MAX_BODY:
                raise _TooLarge
            return message

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _plain(send, 413, b"request too large")
        except Exception as exc:  # never a traceback to the client
            log.error("request failed: %s", type(exc).__name__)
            if not started:
                await _plain(send, 500, b"An error occurred.")


class _TooLarge(Exception):
    pass


async def _plain(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    api_key: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    log_level: str = "warning",
) -> None:
    """Configure, build and run the server until interrupted."""
    configure(api_key=api_key, log_level=log_level.upper())
    import uvicorn

    uvicorn.run(
        create_app(host),
        host=host,
        port=port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        log_level=log_level.lower(),
        access_log=False,
        server_header=False,
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m addin.server", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--cert", default=None, help="TLS certificate (PEM); Excel needs HTTPS")
    p.add_argument("--key", default=None, help="TLS private key (PEM)")
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; the API key comes from the environment (``NEGOTIATE_API_KEY``).

    It is not a command-line argument so that it does not show in the process list.
    """
    args = _parser().parse_args(argv)
    if bool(args.cert) != bool(args.key):
        print("negotiate serve: --cert and --key go together", file=sys.stderr)
        return 2
    serve(args.host, args.port, os.environ.get(_API_KEY_ENV) or None, args.cert, args.key, args.log_level)
    return 0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Running:
    """A server in a child process on a free loopback port (tests, benchmarks).

    ``with Running(api_key=...) as srv: srv.url`` starts it, waits until it
    answers (at most ``timeout`` seconds) and stops it on exit.
    """

    def __init__(self, api_key: str | None = None, timeout: float = 60.0, cache: bool = True) -> None:
        self.api_key, self.timeout, self.cache = api_key, timeout, cache
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: Any = None
        self.log: Any = None
        self._printed = ""

    def __enter__(self) -> Running:
        import subprocess
        import tempfile
        import time
        import urllib.request

        env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
        env.pop(_API_KEY_ENV, None)
        if self.api_key:
            env[_API_KEY_ENV] = self.api_key
        env["NEGOTIATE_SERVER_CACHE"] = "1" if self.cache else "0"
        self.log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would block it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "addin.server", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.output()}")
            try:
                with opener.open(f"{self.url}/manifest.xml", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not answer within {self.timeout:g} s")

    def __exit__(self, *exc: object) -> None:
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.log is not None:
            self._printed = self.output()
            self.log.close()
            self.log = None

    def output(self) -> str:
        """What the server has printed (so far, or until it stopped)."""
        if self.log is None:
            return self._printed
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


if __name__ == "__main__":
    sys.exit(main())
