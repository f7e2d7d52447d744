"""Where runs execute: in this process, on a local Dask cluster, or on an existing one.

The default is a `LocalCluster` with one single-threaded worker process per core: a
run is CPU-bound numpy code holding the GIL most of the time, so threads would only
contend, and BLAS/OpenMP pools inside each process are pinned to one thread so that
two processes on two cores do not run four threads. The cluster starts in the
background (`LocalStart`) while the client computes the first runs itself. Pointing
`--scheduler` (or `DASK_SCHEDULER_ADDRESS`) at a running `dask scheduler` sends the
identical tasks to that cluster instead; the client only needs network access to the
scheduler.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT = 10
# Thread pools pinned in every local worker process (set before the process starts).
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}


# The client, scheduler and nannies of a local cluster share the cores with the workers,
# so background work that whole-run tasks do not need is switched off or slowed down:
# work stealing (the scheduler already queues tasks until a worker is free), the
# statistical profiler sampling every worker 100 times a second, system monitoring for a
# dashboard that is not started, event-loop health ticks every 20 ms and memory polling
# every 100 ms. The last two settings alone cut the client's CPU use by about a third.
LOCAL_CONFIG = {"distributed.scheduler.work-stealing": False,
                "distributed.worker.profile.enabled": False,
                "distributed.admin.system-monitor.interval": "2s",
                "distributed.admin.tick.interval": "1s",
                "distributed.worker.memory.monitor-interval": "500ms"}


class ClusterError(RuntimeError):
    """The Dask cluster cannot be reached or cannot run this package's code."""


def default_workers() -> int:
    """Cores this process may use (respects CPU affinity, e.g. inside a batch job)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not available on macOS / Windows
        return max(os.cpu_count() or 1, 1)


def scheduler_address(explicit: str | None = None) -> str | None:
    """The scheduler to use: the explicit address, else DASK_SCHEDULER_ADDRESS, else None."""
    if explicit:
        return explicit
    import dask

    return os.environ.get(ENV_ADDRESS) or dask.config.get("scheduler-address", None)


@contextlib.contextmanager
def dask_client(client: Any = None, *, workers: int | None = None) -> Iterator[Any]:
    """Yield a connected `distributed.Client`, closing whatever this function started.

    Args:
        client: an existing Client (used as is and left open), a scheduler address
            ("tcp://host:port"), or None for DASK_SCHEDULER_ADDRESS or a LocalCluster.
        workers: worker processes of the LocalCluster (default: one per core).
    """
    from distributed import Client

    if isinstance(client, Client):
        if workers is not None:
            raise ClusterError("workers sizes the local cluster only, not a given Client")
        check_workers(client)
        yield client
        return
    address = scheduler_address(client if isinstance(client, str) else None)
    if address:
        if workers is not None:
            raise ClusterError("--workers sizes the local cluster only; an external "
                               "cluster has as many workers as were started on it")
        try:
            # the address was probed (abm.sweep.preflight); a scheduler that accepts TCP
            # but does not answer as Dask is given CONNECT_TIMEOUT seconds
            remote = Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT)
        except Exception as exc:  # OSError, TimeoutError, ValueError for bad addresses...
            raise ClusterError(f"cannot connect to the Dask scheduler at {address}: "
                               f"{' '.join(str(exc).split()) or type(exc).__name__}") from None
        try:
            check_workers(remote)
            yield remote
        finally:
            remote.close()
        return
    yield from _local_client(workers or default_workers())


def _local_client(n_workers: int) -> Iterator[Any]:
    import dask
    from distributed import Client, LocalCluster

    config: dict[str, Any] = {f"distributed.nanny.pre-spawn-environ.{k}": v
                              for k, v in WORKER_ENV.items()}
    config.update(LOCAL_CONFIG)
    method = _start_method()
    config["distributed.worker.multiprocessing-method"] = method
    with dask.config.set(config):
        if method == "forkserver":
            _preload_forkserver()
        # No dashboard; the scheduler's small HTTP server (health, metrics) takes any
        # free port rather than 8787, which another cluster may hold.
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               preload=["abm.sweep.execute"])
    try:
        local = Client(cluster, set_as_default=False)
        try:
            yield local
        finally:
            local.close()
    finally:
        cluster.close()


# Wall time a local cluster takes to be ready (scheduler, nannies, forkserver importing
# the model): 1.7 s measured on a 2-core machine. A sweep whose remaining runs would take
# this process less than that finishes sooner alone, and the cluster would only cost
# its 2-3 CPU-seconds of start-up (docs/PERFORMANCE.md, 'Sweeps too small for a cluster').
START_SECONDS = 2.0
# Sweeps of more runs start the cluster at once: START_SECONDS over 10 ms, about the
# shortest run at the default burn-in (1,000 workers: 12-19 ms), so they are worth it.
FEW_RUNS = 200
# A smaller sweep's first runs are timed here first; if fewer than TIMED_RUNS are done
# after this long (the first run also loads the compiled kernels, 0.4-0.6 s), its runs are
# slow and the cluster starts without the estimate: such a sweep waits at most this.
FIRST_RUNS_WAIT = 1.0
# Runs timed before their median is trusted: the first one pays the kernels' loading.
TIMED_RUNS = 3


def worth_a_cluster(remaining_runs: int, timed: Sequence[float]) -> bool:
    """Whether starting the local cluster shortens the sweep: more work remains than
    this process would do during the cluster's start-up (`START_SECONDS`).

    With the cluster, this process computes while it starts, so the sweep takes
    S + (R − S)/W for R seconds of runs, S of start-up and W workers, against R alone:
    shorter if and only if R > S (W > 1). R is the remaining runs times the median of
    the `timed` runs, once `TIMED_RUNS` of them are known.
    """
    return (len(timed) >= TIMED_RUNS
            and remaining_runs * statistics.median(timed) > START_SECONDS)


class LocalStart:
    """A local cluster started in a background thread, so the client can work meanwhile.

    Starting the worker processes takes about as long as one Python import of Dask and
    the model (a couple of seconds). Instead of waiting, the client computes runs
    itself; `on_ready(client)` is called from the start-up thread as soon as the
    cluster is up, so that work reaches the workers without waiting for the client's
    current run to end. Use as a context manager: nothing starts until `start()` (or
    the timer of `start_after`); leaving it closes the cluster if it was started.
    """

    def __init__(self, n_workers: int, on_ready: Any) -> None:
        self._steps = _local_client(n_workers)
        self._on_ready = on_ready
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._client: Any = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._closed = False

    def __enter__(self) -> LocalStart:
        return self

    def start(self) -> None:
        """Start the cluster in the background (once; later calls do nothing)."""
        with self._lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._start, daemon=True,
                                                name="abm-sweep-cluster-start")
                self._thread.start()

    def start_after(self, seconds: float, still: Callable[[], bool]) -> None:
        """`start()` in `seconds` if `still()` then holds (and the context is open)."""
        def check() -> None:
            if still():
                self.start()

        self._timer = threading.Timer(seconds, check)
        self._timer.daemon = True
        self._timer.start()

    @property
    def started(self) -> bool:
        """True once the start-up has begun."""
        return self._thread is not None

    def _start(self) -> None:
        try:
            self._client = next(self._steps)
            self._on_ready(self._client)
        except BaseException as exc:  # handed to the client's thread by wait()
            self._error = exc
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        """True once the start-up finished (successfully or not)."""
        return self._done.is_set()

    def wait(self) -> Any:
        """The connected client; ClusterError if the local cluster could not start."""
        self.start()
        self._done.wait()
        if self._error is not None:
            raise ClusterError(f"the local Dask cluster did not start: "
                               f"{type(self._error).__name__}: {self._error}") from self._error
        return self._client

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True              # a timer firing now starts nothing
            if self._thread is None:         # never started: nothing to close
                return
        self._done.wait()
        if self._client is not None:
            with contextlib.suppress(StopIteration):
                next(self._steps)  # runs the closing half of _local_client


def _start_method() -> str:
    """How local worker processes start: forkserver where available, else spawn.

    Dask's default, spawn, starts every worker as a fresh interpreter that imports
    Dask, numpy, pandas and Mesa again: seconds per sweep, which is a large share of a
    laptop sweep's wall time. A forkserver imports them once, in a single-threaded
    process started with the thread pools already pinned, and forks each worker from
    it; unlike a plain fork of this (multi-threaded) process it cannot inherit a lock
    held by another thread. Windows has neither fork nor forkserver.
    """
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _preload_forkserver() -> None:
    """Have the forkserver import the model code once, so forked workers start warm.

    It also runs one tiny simulation (`abm.sweep.warm`), so the compiled kernels are
    loaded once rather than in every worker.

    Must run inside the config context selecting forkserver: distributed sets its own
    preload list on first use, which this then extends. No effect once the server runs.

    The server is started here with Ctrl-C (SIGINT) blocked, a mask it and the workers
    forked from it inherit. A terminal sends SIGINT to the whole process group, and the
    server only starts ignoring it once its imports (a second or two: Dask, numba, the
    model) are done; interrupted before, it would print a traceback. The client alone
    handles Ctrl-C and stops the workers itself (see `execute.dask_setup`).
    """
    import signal
    from multiprocessing import forkserver, resource_tracker

    from distributed.utils import get_mp_context

    get_mp_context().set_forkserver_preload(["distributed", "abm.sweep.execute",
                                             "abm.sweep.warm"])
    # The resource tracker must be up first: starting it (which forkserver.ensure_running
    # does when it is not) unblocks SIGINT on return, and the forkserver would then start
    # with Ctrl-C deliverable. Creating a tqdm bar used to start it as a side effect.
    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def check_workers(client: Any) -> None:
    """Refuse workers that cannot import this package or run other model code.

    Results of different model code must not be mixed in one sweep (the version and
    the model-source fingerprint of `abm.provenance` are compared), and a worker
    without the package would fail every run it receives.
    """
    from abm.provenance import describe_difference
    from abm.sweep.execute import worker_info

    infos = client.run(worker_info, on_error="return")
    for address, info in infos.items():
        if isinstance(info, BaseException):
            raise ClusterError(f"Dask worker {address} cannot run the model "
                               f"({type(info).__name__}: {info}); install this project on "
                               "every worker (pip install -e .)")
        changed = describe_difference(info)
        if changed:
            raise ClusterError(f"Dask worker {address} runs other model code than this "
                               f"client (worker -> client: {changed}); install the same "
                               "version of the project on every worker")


def capacity(client: Any) -> int:
    """Threads currently available on the cluster (0 while workers are starting)."""
    try:
        return sum(int(n) for n in client.nthreads().values())
    except Exception:  # a worker leaving mid-call; the next check will see the new size
        return 0
