"""Fixtures for the browser-app tests: Debian's Chromium and a live ``abm viz`` server.

Playwright is pointed at the system Chromium (``/usr/bin/chromium``, installed by
``scripts/install-browser.sh``); its own browser download is never used. When the
browser is missing the browser tests skip with the reason, except under ``CI=true``,
where they fail: a CI run that silently skipped them would prove nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ABM_CHROMIUM", "/usr/bin/chromium")
MISSING = (f"Chromium not found at {CHROMIUM}: run `bash scripts/install-browser.sh` "
           "(Debian's chromium; never `playwright install`)")
# headless in a container: no sandbox/GPU, and no background traffic to the internet
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# wide enough that the sidebar is expanded, tall enough to show both rows of panels
VIEWPORT = {"width": 1400, "height": 1500}
SERVER_START_TIMEOUT_S = 90.0


def in_ci() -> bool:
    """Whether the environment says this is a CI run (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def find_chromium() -> str | None:
    """Path of an executable system Chromium, or None."""
    path = CHROMIUM if os.path.isfile(CHROMIUM) else shutil.which(Path(CHROMIUM).name)
    return path if path and os.access(path, os.X_OK) else None


def require_chromium() -> str:
    """The Chromium path; otherwise fail under CI, skip elsewhere (with the reason)."""
    path = find_chromium()
    if path:
        return path
    if in_ci():
        pytest.fail(f"CI=true but {MISSING}", pytrace=False)
    pytest.skip(MISSING)


@pytest.fixture(scope="session")
def chromium_check() -> Any:
    """`require_chromium`, for tests that check the browser in their own body."""
    return require_chromium


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the system Chromium for the fixtures that launch it (see `require_chromium`)."""
    return require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any],
                             chromium_executable: str) -> dict[str, Any]:
    """pytest-playwright launch options: the system Chromium, headless."""
    return {**browser_type_launch_args, "executable_path": chromium_executable,
            "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Every page gets the large viewport (the sidebar collapses when narrow)."""
    return {**browser_context_args, "viewport": VIEWPORT}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def abm_command() -> list[str]:
    """The installed ``abm`` console script next to this interpreter, else ``-m abm.cli``."""
    script = Path(sys.executable).with_name("abm")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "abm.cli"]


def _wait_until_serving(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"abm viz exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"abm viz did not answer on {url} within {SERVER_START_TIMEOUT_S:.0f} s:\n"
                f"{log.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server's own process group (it was started in a new session)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class VizServer:
    """A running ``abm viz``: where it answers and where it logs."""

    url: str
    log: Path


@pytest.fixture(scope="module")
def viz_server(chromium_executable: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[VizServer]:
    """``abm viz`` on a free port (default host); yields it and stops it afterwards.

    Depends on `chromium_executable` so that, without a browser, no server is started.
    """
    del chromium_executable
    port = free_port()
    log = tmp_path_factory.mktemp("viz_server") / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen([*abm_command(), "viz", "--port", str(port), "--no-open"],
                                stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, proc, log)
        yield VizServer(url, log)
    finally:
        _stop(proc)
