"""``negotiate serve``: the Office.js custom functions for Excel on Mac and on the web."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from calculators.errors import NegotiationError

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_WILDCARD = {"0.0.0.0", "::"}
_KEY_ENV = "NEGOTIATE_API_KEY"
_MAX_KEY_FILE = 4096  # bytes; a key is a line of text
_NO_KEY_ARGUMENT = (
    "--api-key would show the key in the process list: set NEGOTIATE_API_KEY or give --api-key-file PATH"
)
_HTTPS_NOTE = (
    "negotiate: Excel needs HTTPS, and this serves plain HTTP (enough for curl): "
    "for Excel, give a certificate with --cert cert.pem --key key.pem "
    "(e.g. made by: mkcert localhost 127.0.0.1)"
)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on (loopback by default)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
        api_key_file: Annotated[
            Path | None,
            typer.Option(
                help="Require the key this file holds on every call (enter it in the add-in's "
                "task pane); or set NEGOTIATE_API_KEY"
            ),
        ] = None,
        api_key: Annotated[
            str | None, typer.Option("--api-key", hidden=True, help="Refused: it would show the key in ps")
        ] = None,
        cert: Annotated[
            Path | None,
            typer.Option(help="TLS certificate (PEM); Excel needs HTTPS, e.g. a mkcert certificate"),
        ] = None,
        key: Annotated[Path | None, typer.Option(help="TLS private key (PEM)")] = None,
        log_level: Annotated[str, typer.Option(help="warning, info or debug")] = "warning",
    ) -> None:
        """Serve this add-in's functions to Excel on Mac and Excel on the web (xlwings Server).

        Sideload /manifest.xml from the running server; the functions appear as
        NEGOTIATE.OFFER_TC and so on. Stop with Ctrl+C.
        """
        if api_key is not None:
            raise NegotiationError(_NO_KEY_ARGUMENT)
        secret = _api_key(api_key_file)
        if (cert is None) != (key is None):
            raise typer.BadParameter("--cert and --key go together")
        for path in (cert, key):
            if path is not None and not path.is_file():
                raise typer.BadParameter(f"{path.name}: no such file")
        if log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
            raise typer.BadParameter("--log-level must be warning, info or debug")
        if host not in _LOOPBACK and not secret:
            typer.echo("negotiate: warning: listening beyond this machine without an API key", err=True)
        if host in _WILDCARD:
            typer.echo(
                f"negotiate: warning: --host {host} answers only requests addressed to "
                f"localhost; give the address other machines use instead",
                err=True,
            )
        scheme = "https" if cert else "http"
        shown = f"[{host}]" if ":" in host else host
        if cert is None:
            typer.echo(_HTTPS_NOTE, err=True)
        typer.echo(
            f"serving on {scheme}://{shown}:{port}  (manifest: "
            f"{scheme}://{shown}:{port}/manifest.xml; Ctrl+C stops)"
        )
        # A process of its own: xlwings must be imported *after* the server settings are set.
        # The key goes in its environment (readable by this user only), never its arguments.
        env = {k: v for k, v in os.environ.items() if k != _KEY_ENV}
        if secret:
            env[_KEY_ENV] = secret
        cmd = [
            sys.executable,
            "-m",
            "addin.server",
            "--host",
            host,
            "--port",
            str(port),
            "--log-level",
            log_level.lower(),
        ]
        if cert and key:
            cmd += ["--cert", str(cert), "--key", str(key)]
        code = _run(cmd, env)
        if code:  # the server printed why (a port in use, an unreadable certificate...)
            raise NegotiationError(f"the server stopped with exit status {code}")


def _api_key(path: Path | None) -> str | None:
    """The key from ``--api-key-file`` or the environment (not both), or None for no key."""
    from_env = os.environ.get(_KEY_ENV) or None
    if path is None:
        if from_env is not None and not from_env.strip():
            raise NegotiationError(f"{_KEY_ENV} is blank")
        return from_env.strip() if from_env else None
    if from_env is not None:
        raise NegotiationError(f"the key comes from {_KEY_ENV} or --api-key-file, not both")
    name = path.name
    try:
        with path.open("rb") as f:
            found = os.fstat(f.fileno())
            if not stat.S_ISREG(found.st_mode):
                raise NegotiationError(f"{name}: not a file")
            raw = f.read(_MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise NegotiationError(f"{name}: no such file") from None
    except PermissionError:
        raise NegotiationError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise NegotiationError(f"{name}: not a file") from None
    except OSError as exc:
        raise NegotiationError(f"{name}: cannot be read ({exc.strerror or 'error'})") from None
    if len(raw) > _MAX_KEY_FILE:
        raise NegotiationError(f"{name}: larger than {_MAX_KEY_FILE} bytes; a key is one line")
    if os.name == "posix" and found.st_mode & stat.S_IROTH:
        raise NegotiationError(f"{name}: readable by every user of this machine (chmod 600 {name})")
    try:
        secret = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise NegotiationError(f"{name}: not UTF-8 text") from None
    if not secret:
        raise NegotiationError(f"{name}: empty; it should hold the key")
    if any(c.isspace() or not c.isprintable() for c in secret):
        raise NegotiationError(f"{name}: the key must be one line without spaces")
    return secret


def _run(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server process; a stop signal to this command stops it too (no orphan)."""
    proc = subprocess.Popen(cmd, env=env)

    def forward(signum: int, frame: object) -> None:
        _stop(proc, signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:  # Ctrl+C reaches the server too; let it finish
                _stop(proc, signal.SIGINT)
        return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _stop(proc: subprocess.Popen[bytes], signum: int) -> None:
    try:
        proc.send_signal(signum)
    except (ValueError, OSError):  # a signal this platform cannot send (Windows: SIGINT)
        proc.terminate()
