"""A local Dask cluster that outlives one sweep, so that the next sweeps skip its start-up.

Starting the default local cluster (scheduler, nannies, worker processes importing the
model) costs a few seconds of wall time and a few CPU-seconds: more than a sweep of a
few hundred small runs computes. `abm sweep --start-cluster [--workers N]` starts the
same cluster as the default one in a detached background process and records its
address, process id and model-code fingerprint in a small JSON file
(`$ABM_CLUSTER_FILE`, default `~/.cache/abm/cluster.json`). Every later `abm sweep`
(or `run_sweep`) without `--scheduler`, `--serial` or `DASK_SCHEDULER_ADDRESS` uses the
recorded cluster while it runs and holds the same model code; otherwise (stopped,
crashed, model code changed since, other `--workers`) it starts its own as before.
`abm sweep --stop-cluster` stops it.

    python -m abm.sweep.standing serve --workers N   # what --start-cluster runs
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ENV_FILE = "ABM_CLUSTER_FILE"
START_TIMEOUT = 120.0


def cluster_file() -> Path:
    """Where the standing cluster's address is recorded."""
    explicit = os.environ.get(ENV_FILE)
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "abm" / "cluster.json"


# Clusters started by this process, kept so that they are reaped when they end.
_STARTED: dict[int, subprocess.Popen[bytes]] = {}


def _alive(pid: int) -> bool:
    if pid in _STARTED:
        return _STARTED[pid].poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process reusing the number
        return False
    return True


def recorded() -> dict[str, Any] | None:
    """The running standing cluster's record (address, pid, workers, code), or None."""
    try:
        info = json.loads(cluster_file().read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or not isinstance(info.get("pid"), int) or \
            not isinstance(info.get("address"), str) or not _alive(info["pid"]):
        return None
    return info


def usable(workers: int | None) -> str | None:
    """The standing cluster's address if this sweep can use it, else None.

    It must be running, hold the model code of this process (a cluster started before
    the code changed would be refused by the worker check) and, when `workers` is
    given, have that many workers.
    """
    from abm.provenance import code_fingerprint

    info = recorded()
    if info is None or info.get("code") != code_fingerprint():
        return None
    if workers is not None and workers != info.get("workers"):
        return None
    return info["address"]


def start(workers: int) -> dict[str, Any]:
    """Start a standing cluster of `workers` processes in the background; its record.

    Raises:
        RuntimeError: one is already running, or it did not come up in time.
    """
    info = recorded()
    if info is not None:
        raise RuntimeError(f"a standing cluster is already running at {info['address']} "
                           f"(pid {info['pid']}); stop it with abm sweep --stop-cluster")
    path = cluster_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log = open(path.with_suffix(".log"), "w")  # noqa: SIM115  (handed to the child)
    proc = subprocess.Popen([sys.executable, "-m", "abm.sweep.standing", "serve",
                             "--workers", str(workers)], stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log, start_new_session=True)
    log.close()
    _STARTED[proc.pid] = proc
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        info = recorded()
        if info is not None and info["pid"] == proc.pid:
            return info
        if proc.poll() is not None:
            raise RuntimeError(f"the standing cluster did not start (see "
                               f"{path.with_suffix('.log')})")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the standing cluster did not start within {START_TIMEOUT:.0f} s")


def stop(timeout: float = 60.0) -> dict[str, Any] | None:
    """Stop the standing cluster (SIGTERM to its process); its record, or None if none ran."""
    info = recorded()
    if info is None:
        cluster_file().unlink(missing_ok=True)
        return None
    os.kill(info["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(info["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return info


def serve(workers: int) -> None:
    """Run the cluster until SIGTERM or SIGINT, keeping its record up to date."""
    from abm.provenance import code_fingerprint, version
    from abm.sweep.cluster import _local_client

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    path = cluster_file()
    steps = _local_client(workers)
    client = next(steps)
    try:
        info = {"address": client.scheduler.address, "pid": os.getpid(), "workers": workers,
                "code": code_fingerprint(), "version": version(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(info))
        os.replace(tmp, path)
        while not stopping.wait(1.0):
            pass
    finally:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text()).get("pid") == os.getpid():
                path.unlink()
        with contextlib.suppress(StopIteration):
            next(steps)


def _main() -> None:
    parser = argparse.ArgumentParser(prog="python -m abm.sweep.standing")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()
    serve(args.workers)


if __name__ == "__main__":
    _main()
