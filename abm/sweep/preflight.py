"""Checks made before a sweep creates anything: memory for its size, the scheduler address.

Both refuse with one line, in bounded time, leaving no folder behind: a sweep that
cannot fit in memory would otherwise die in the middle (or take the machine down with
it), and an unreachable scheduler would otherwise cost Dask's 30-second connect timeout
and a traceback.
"""

from __future__ import annotations

import re
import socket
from typing import Any

from abm.sweep.cluster import ClusterError, default_workers, scheduler_address
from abm.sweep.spec import SpecError, SweepSpec

# Peak resident memory of a run is at most about 200 bytes per worker without agents
# (docs/PERFORMANCE.md, "bytes per worker, peak RSS growth": 165 at 1e6 workers).
BYTES_PER_WORKER = 200
PROBE_TIMEOUT = 3.0
_SCHEMES = ("tcp", "tls", "ws", "wss")
_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[0-9a-fA-F:.]+\]|"
                      r"[A-Za-z0-9_.-]+):(?P<port>\d{1,5})/?$")


def concurrent_runs(client: Any, workers: int | None) -> int:
    """Runs held in this machine's memory at once: 1 serially, else one per local worker
    plus the one this process computes while the local cluster starts; 0 for a cluster
    elsewhere (its workers' memory is not this machine's)."""
    if isinstance(client, str) and client == "serial":
        return 1
    if client is None and scheduler_address() is None:
        return (workers or default_workers()) + 1
    return 0


def check_memory(spec: SweepSpec, concurrent: int, available: int | None = None) -> None:
    """Refuse a sweep whose concurrent runs need more memory than the machine has free.

    Raises:
        SpecError: one line with the estimate, what is available and what to change.
    """
    if concurrent <= 0:
        return
    if available is None:
        import psutil

        available = int(psutil.virtual_memory().available)
    largest = max(p.params.n_workers for p in spec.points)
    need = BYTES_PER_WORKER * largest * concurrent
    if need > available:
        raise SpecError(f"the sweep needs about {need / 2**30:.1f} GiB of memory "
                        f"({BYTES_PER_WORKER} bytes per worker x n_workers={largest:,} x "
                        f"{concurrent} runs at once) but {available / 2**30:.1f} GiB are "
                        "available; use fewer --workers, --serial, or a smaller n_workers")


def check_scheduler(client: Any) -> None:
    """Validate and probe the scheduler address a sweep would connect to, if any.

    A malformed address is refused at once; a well-formed one must accept a TCP
    connection within PROBE_TIMEOUT seconds.

    Raises:
        ClusterError: the address is malformed or nothing listens there.
    """
    if (client is not None and not isinstance(client, str)) or client == "serial":
        return  # a distributed.Client (already connected), or no Dask at all
    address = scheduler_address(client)
    if not address:
        return
    match = _ADDRESS.match(address.strip())
    if match is None:
        raise ClusterError(f"scheduler address {address!r} is not of the form "
                           "tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)")
    scheme = match.group("scheme") or "tcp"
    if scheme not in _SCHEMES:
        raise ClusterError(f"scheduler address {address!r}: unknown protocol {scheme!r}; "
                           f"allowed: {', '.join(_SCHEMES)}")
    host, port = match.group("host").strip("[]"), int(match.group("port"))
    if not 0 < port < 65536:
        raise ClusterError(f"scheduler address {address!r}: port {port} is not in 1-65535")
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT):
            pass
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise ClusterError(f"cannot connect to the Dask scheduler at {address}: {reason} "
                           f"(checked for {PROBE_TIMEOUT:.0f} s); is the scheduler running?"
                           ) from None
