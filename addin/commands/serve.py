"""``negotiate serve``: the Office.js custom functions for Excel on Mac and on the web."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_HTTPS_NOTE = ("negotiate: Excel needs HTTPS, and this serves plain HTTP (enough for curl): "
               "for Excel, give a certificate with --cert cert.pem --key key.pem "
               "(e.g. made by: mkcert localhost 127.0.0.1)")


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on (loopback by default)")]
        = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
        api_key: Annotated[str | None, typer.Option(
            "--api-key", envvar="NEGOTIATE_API_KEY", show_envvar=True,
            help="Require this key on every call (enter it in the add-in's task pane)")] = None,
        cert: Annotated[Path | None, typer.Option(
            help="TLS certificate (PEM); Excel needs HTTPS, e.g. a mkcert certificate")] = None,
        key: Annotated[Path | None, typer.Option(help="TLS private key (PEM)")] = None,
        log_level: Annotated[str, typer.Option(help="warning, info or debug")] = "warning",
    ) -> None:
        """Serve this add-in's functions to Excel on Mac and Excel on the web (xlwings Server).

        Sideload /manifest.xml from the running server; the functions appear as
        NEGOTIATE.OFFER_TC and so on. Stop with Ctrl+C.
        """
        if (cert is None) != (key is None):
            raise typer.BadParameter("--cert and --key go together")
        for path in (cert, key):
            if path is not None and not path.is_file():
                raise typer.BadParameter(f"{path.name}: no such file")
        if log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
            raise typer.BadParameter("--log-level must be warning, info or debug")
        if host not in _LOOPBACK and not api_key:
            typer.echo("negotiate: warning: listening beyond this machine without --api-key",
                       err=True)
        scheme = "https" if cert else "http"
        shown = f"[{host}]" if ":" in host else host
        if cert is None:
            typer.echo(_HTTPS_NOTE, err=True)
        typer.echo(f"serving on {scheme}://{shown}:{port}  (manifest: "
                   f"{scheme}://{shown}:{port}/manifest.xml; Ctrl+C stops)")
        # A process of its own: xlwings must be imported *after* the server settings are set.
        env = {k: v for k, v in os.environ.items() if k != "NEGOTIATE_API_KEY"}
        if api_key:
            env["NEGOTIATE_API_KEY"] = api_key
        cmd = [sys.executable, "-m", "addin.server", "--host", host, "--port", str(port),
               "--log-level", log_level.lower()]
        if cert and key:
            cmd += ["--cert", str(cert), "--key", str(key)]
        code = _run(cmd, env)
        if code:  # the server printed why (a port in use, an unreadable certificate...)
            from calculators.errors import NegotiationError

            raise NegotiationError(f"the server stopped with exit status {code}")


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
