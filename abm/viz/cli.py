"""``abm viz``: serve the browser app with ``solara run``, locally and offline.

Wraps ``solara run abm.viz.app`` with safe defaults: it binds 127.0.0.1 unless another
host is given explicitly, runs in production mode (no file watching), and makes no
network requests of its own: the offline front-end links are created before start,
and Solara's version check and usage telemetry are switched off.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import warnings

APP = "abm.viz.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad input in one line with exit status 2, like `abm run`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"abm viz: error: {message}\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port {text!r} is not an integer") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port {port} is outside 0..65535 (0 = any free port)")
    return port


def parser() -> argparse.ArgumentParser:
    """Command-line options of ``abm viz``."""
    p = _Parser(prog="abm viz", description="Step through the economy in the browser "
                "(Mesa SolaraViz on a local Solara server).")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to bind (default {DEFAULT_HOST}, this machine only); "
                        "another address exposes the app to the network")
    p.add_argument("--no-open", action="store_true",
                   help="do not open a web browser (servers, tests)")
    return p


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def solara_args(host: str, port: int, open_browser: bool) -> list[str]:
    """Arguments for ``solara run`` (without the program name)."""
    return ["run", APP, "--host", host, "--port", str(port), "--production",
            "--no-check-version", "--open" if open_browser else "--no-open"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``abm viz [--port P] [--host H] [--no-open]``; returns the exit status."""
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not is_loopback(args.host):
        print(f"abm viz: warning: binding {args.host}: the app (and its controls) is "
              "reachable from other machines", file=sys.stderr)
    # before solara reads its settings: no usage telemetry from a local research tool
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

    from abm.viz.assets import describe, ensure_vega_links

    report = ensure_vega_links()
    print(f"abm viz: {describe(report)}", file=sys.stderr if not report.ok else sys.stdout)

    from solara.__main__ import cli as solara_cli
    from solara.server import settings

    settings.telemetry.mixpanel_enable = False
    # Solara warns on every plain-http page load that is not literally "localhost"
    # (cross-site iframe cookies need https); irrelevant for a local app
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    try:
        solara_cli.main(args=solara_args(args.host, args.port, not args.no_open),
                        prog_name="solara", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        return 0
    return 0
