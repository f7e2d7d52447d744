"""Run a sweep: validate, open the store, execute the missing runs, report.

`run_sweep` is the single entry point behind both the Python API and `abm sweep`. The
spec is validated and the output folder checked before any worker starts; runs that
already have a result file are skipped, so rerunning an interrupted sweep only
computes what is missing. Tasks go to Dask a window at a time (a few per worker
thread), which keeps every worker busy while bounding the memory held by results in
flight, and each result is written as soon as it arrives.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from abm.sweep.cluster import (
    ClusterError,
    LocalStart,
    capacity,
    dask_client,
    default_workers,
    scheduler_address,
)
from abm.sweep.execute import RunResult, RunTask, execute_run
from abm.sweep.preflight import check_memory, check_scheduler, concurrent_runs
from abm.sweep.progress import progress as progress_reporter
from abm.sweep.spec import Run, SweepSpec, load_spec
from abm.sweep.store import Store, SweepStatus, load, status

Executor = Callable[[Iterable[RunTask]], Iterator[RunResult]]
SERIAL = "serial"
# While the default local cluster starts, compute runs in this process (see
# _on_local_cluster); False leaves every run to the workers.
WARM_START = True


class RunsFailed(RuntimeError):
    """Some runs raised; the others completed and are stored.

    Attributes:
        status: the sweep's `SweepStatus`, whose `failures` list each failed run's
            parameters, seed and error.
    """

    def __init__(self, sweep_status: SweepStatus) -> None:
        self.status = sweep_status
        first = sweep_status.failures[0]
        super().__init__(f"{sweep_status.failed} of {sweep_status.total} runs failed "
                         f"(first: run {first['run_id']}: {first['error']}); rerun the same "
                         f"sweep to retry them; details in {sweep_status.out}/manifest.json")


def task_for(spec: SweepSpec, run: Run) -> RunTask:
    """The self-contained task a worker executes for `run`."""
    return RunTask(run_id=run.run_id, seed=run.seed, params=run.point.params,
                   values=run.point.values, workers_at=spec.workers_at, firms_at=spec.firms_at)


def run_sweep(spec: SweepSpec | Mapping[str, Any] | str | os.PathLike[str],
              out: str | os.PathLike[str], client: Any = None, *,
              workers: int | None = None, progress: bool | None = None) -> pd.DataFrame:
    """Run (or resume) a sweep and return all its results.

    Args:
        spec: a TOML file path, a dict of the same shape, or a `SweepSpec`.
        out: output folder; created if needed, resumed if it holds the same sweep,
            extended if the spec adds seeds, grid values or points to the sweep it
            holds (only the new runs are computed), refused if it holds a different
            sweep or results of other model code.
        client: None for DASK_SCHEDULER_ADDRESS or else a LocalCluster with one worker
            process per core (this process computes runs while it starts); a
            `distributed.Client`; a scheduler address
            ("tcp://host:port"); or "serial" to run in this process without Dask.
        workers: worker processes of the LocalCluster (default: one per core).
        progress: True shows a progress bar, False nothing; None (default) shows a bar on
            a terminal and otherwise a progress line every 10 s and 10 % of the runs.

    Returns:
        The tidy long DataFrame of every completed run, equal to `load(out)`.

    Raises:
        SpecError: the spec is invalid, or its runs need more memory than is available
            (nothing ran, no folder created).
        StoreError: `out` holds a different sweep, results of other model code, or is
            in use (nothing ran).
        ClusterError: the Dask scheduler cannot be reached or its workers lack the model.
        RunsFailed: some runs raised; all others are stored.
    """
    sweep = load_spec(spec)
    # refusals that need no folder come first, so a refused sweep leaves nothing behind
    check_memory(sweep, concurrent_runs(client, workers))
    check_scheduler(client)
    with Store.open(out, sweep) as store:
        for note in store.notes:
            print(f"abm: note: {note}", file=sys.stderr)
        missing = store.missing()
        if missing:
            tasks = (task_for(sweep, run) for run in missing)  # built as submitted
            with _executor(client, workers) as execute, \
                    progress_reporter(len(store.runs), len(store.runs) - len(missing),
                                      progress) as bar:
                with contextlib.closing(execute(tasks)) as results:
                    for result in results:
                        store.record(result)
                        bar.update(result.ok)
    final = status(out)
    if final.failed:
        raise RunsFailed(final)
    return load(out)


@contextlib.contextmanager
def _executor(client: Any, workers: int | None) -> Iterator[Executor]:
    if isinstance(client, str) and client == SERIAL:
        yield _serial
        return
    session = uuid.uuid4().hex[:8]
    if client is None and scheduler_address() is None:
        yield lambda tasks: _on_local_cluster(tasks, workers or default_workers(), session)
        return
    with dask_client(client, workers=workers) as dask:
        yield lambda tasks: _on_cluster(dask, tasks, session)


def _serial(tasks: Iterable[RunTask]) -> Iterator[RunResult]:
    for task in tasks:
        yield execute_run(task)


def _on_cluster(client: Any, tasks: Iterable[RunTask], session: str) -> Iterator[RunResult]:
    """An existing cluster (or a given Client) computes every run."""
    feeder = _Feeder(tasks, session)
    try:
        feeder.attach(client)
        yield from feeder.results()
    finally:
        feeder.cancel()


def _on_local_cluster(tasks: Iterable[RunTask], n_workers: int,
                      session: str) -> Iterator[RunResult]:
    """The default: this process computes runs until the local cluster is up.

    The cluster starts in a background thread and takes over the remaining tasks the
    moment it is ready; the run this process is computing then finishes here. Results
    are identical wherever a run executes.
    """
    feeder = _Feeder(tasks, session)
    with LocalStart(n_workers, on_ready=feeder.attach) as start:
        try:
            while WARM_START and not start.ready:
                task = feeder.take()
                if task is None:
                    break
                yield execute_run(task)
            start.wait()
            yield from feeder.results()
        finally:
            feeder.cancel()


class _Feeder:
    """Hands tasks to Dask a window at a time and yields results as they complete.

    Two tasks per worker thread keep every worker busy while results are written, and
    bound the memory held by results in flight. The task iterator is shared with the
    client's own thread during a local cluster's start-up, hence the lock.
    """

    def __init__(self, tasks: Iterable[RunTask], session: str) -> None:
        self._pending = iter(tasks)
        self._session = session
        self._lock = threading.Lock()
        self._inflight: dict[str, tuple[Any, RunTask]] = {}
        self._client: Any = None
        self._queue: Any = None
        self._window, self._checked = 8, -1e9

    def take(self) -> RunTask | None:
        """The next task to compute in this process (before the cluster is ready)."""
        with self._lock:
            return next(self._pending, None)

    def attach(self, client: Any) -> None:
        """Start feeding `client` (may be called from the cluster start-up thread)."""
        from distributed import as_completed

        with self._lock:
            self._client = client
            self._queue = as_completed(loop=client.loop)
            self._refill()

    def _refill(self) -> None:
        # the cluster may grow or shrink (adaptive clusters), so re-read its size now and then
        if time.monotonic() - self._checked > 5.0:
            self._window, self._checked = max(8, 2 * capacity(self._client)), time.monotonic()
        while len(self._inflight) < self._window:
            task = next(self._pending, None)
            if task is None:
                return
            future = self._client.submit(execute_run, task, pure=False,
                                         key=f"abm-run-{self._session}-{task.run_id}")
            self._inflight[future.key] = (future, task)
            self._queue.add(future)

    def results(self) -> Iterator[RunResult]:
        """Results of the submitted tasks, topping the window up after each one."""
        if self._queue is None:
            return
        for future in self._queue:
            with self._lock:
                _, task = self._inflight.pop(future.key)
            yield _collect(self._client, future, task)
            with self._lock:
                self._refill()

    def cancel(self) -> None:
        """Drop queued runs after an interruption (best effort: the client may be gone)."""
        with self._lock:
            futures = [f for f, _ in self._inflight.values()]
            self._inflight.clear()
        if futures:
            with contextlib.suppress(Exception):
                self._client.cancel(futures)


def _collect(client: Any, future: Any, task: RunTask) -> RunResult:
    """The future's result; a task that killed its workers becomes a failed run."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return RunResult(task.run_id, 0.0, "", error=f"KilledWorker: {exc}",
                         traceback=traceback.format_exc())
    except Exception as exc:
        if client.status != "running":
            raise ClusterError("lost the connection to the Dask scheduler; rerun the same "
                               "command to resume") from exc
        return RunResult(task.run_id, 0.0, "", error=f"{type(exc).__name__}: {exc}",
                         traceback=traceback.format_exc())
    finally:
        future.release()
