"""Run a sweep: validate, open the store, execute the missing runs, report.

`run_sweep` is the single entry point behind both the Python API and `abm sweep`. The
spec is validated and the output folder checked before any worker starts; runs that
already have a result file are skipped, so rerunning an interrupted sweep only
computes what is missing. Runs travel in batches sized from their measured time
(about `BATCH_SECONDS` of computing each: `abm.sweep.sizing`); batches go to Dask a
window at a time (two per worker thread), which keeps every worker busy while bounding the
memory held by results in flight, and each batch's results are written, as one file
per table, as soon as they arrive. Serial sweeps store their runs in the same batches.
"""

from __future__ import annotations

import contextlib
import itertools
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
    FEW_RUNS,
    FIRST_RUNS_WAIT,
    TIMED_RUNS,
    ClusterError,
    LocalStart,
    capacity,
    dask_client,
    default_workers,
    scheduler_address,
    worth_a_cluster,
)
from abm.sweep import standing
from abm.sweep.execute import BatchResult, Outcome, RunTask, execute_batch, simulate_task
from abm.sweep.preflight import check_memory, check_scheduler, concurrent_runs
from abm.sweep.sizing import CROSS_SECTION_BATCH_SECONDS, Sizer
from abm.sweep.progress import progress as progress_reporter
from abm.sweep.spec import Run, SweepSpec, load_spec
from abm.sweep.store import Store, SweepStatus, load, status

Executor = Callable[[Iterable[RunTask]], Iterator[BatchResult]]
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
              workers: int | None = None, progress: bool | None = None,
              batch: int | None = None) -> pd.DataFrame:
    """Run (or resume) a sweep and return all its results.

    Args:
        spec: a TOML file path, a dict of the same shape, or a `SweepSpec`.
        out: output folder; created if needed, resumed if it holds the same sweep,
            extended if the spec adds seeds, grid values or points to the sweep it
            holds (only the new runs are computed), refused if it holds a different
            sweep or results of other model code.
        client: None for DASK_SCHEDULER_ADDRESS, else the standing local cluster of
            `abm sweep --start-cluster` if it runs (see `abm.sweep.standing`), else a
            LocalCluster with one worker process per core (this process computes runs
            while it starts); a
            `distributed.Client`; a scheduler address
            ("tcp://host:port"); or "serial" to run in this process without Dask.
        workers: worker processes of the LocalCluster (default: one per core).
        progress: True shows a progress bar, False nothing; None (default) shows a bar on
            a terminal and otherwise a progress line every 10 s and 10 % of the runs.
        batch: runs per batch (a Dask task and a stored file per table); None (default)
            sizes batches to about `sizing.BATCH_SECONDS` of computing from the measured
            run times (`sizing.CROSS_SECTION_BATCH_SECONDS` when cross-sections are kept).

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
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int)
                              or batch < 1):
        raise ValueError(f"batch={batch!r} must be a positive int (runs per batch) or None")
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
            sizer = Sizer(len(missing), size=batch,
                          target=CROSS_SECTION_BATCH_SECONDS
                          if sweep.workers_at or sweep.firms_at else None)
            with _executor(client, workers, sizer) as execute, \
                    progress_reporter(len(store.runs), len(store.runs) - len(missing),
                                      progress) as bar:
                with contextlib.closing(execute(tasks)) as results:
                    for result in results:
                        store.record(result)
                        for rid in result.run_ids:
                            bar.update(rid not in result.errors)
    final = status(out)
    if final.failed:
        raise RunsFailed(final)
    return load(out)


@contextlib.contextmanager
def _executor(client: Any, workers: int | None, sizer: Sizer) -> Iterator[Executor]:
    if isinstance(client, str) and client == SERIAL:
        yield lambda tasks: _serial(tasks, sizer)
        return
    session = uuid.uuid4().hex[:8]
    if client is None and scheduler_address() is None:
        address = standing.usable(workers)
        if address is not None:  # the standing cluster (abm.sweep.standing)
            with contextlib.ExitStack() as stack:
                try:
                    dask = stack.enter_context(dask_client(address))
                except ClusterError as exc:
                    print(f"abm: note: not using the cluster of abm sweep --start-cluster "
                          f"({exc}); starting a local one", file=sys.stderr)
                else:
                    yield lambda tasks: _on_cluster(dask, tasks, session, sizer)
                    return
        yield lambda tasks: _on_local_cluster(tasks, workers or default_workers(),
                                              session, sizer)
        return
    with dask_client(client, workers=workers) as dask:
        yield lambda tasks: _on_cluster(dask, tasks, session, sizer)


def _serial(tasks: Iterable[RunTask], sizer: Sizer) -> Iterator[BatchResult]:
    """Runs in this process, stored a batch (about `sizing.BATCH_SECONDS` of runs) at a time.

    Each batch is computed as a worker computes one (`execute_batch`), so runs of a
    seed that share their past share it here too.
    """
    pending = iter(tasks)
    while batch := list(itertools.islice(pending, sizer.size(None, 1))):
        # runs computed alone go through this module's `simulate_task` (looked up here,
        # at the call, as the rest of the engine does)
        result = execute_batch(batch, lambda task: simulate_task(task))
        sizer.observe(result.cpu_times)
        yield result


def _in_batches(outcomes: Iterable[Outcome], sizer: Sizer) -> Iterator[BatchResult]:
    """Runs computed in this process, packed into batches as `sizer` sizes them.

    Each run's CPU time updates the sizer before the batch it closes is packed; the last,
    partial batch is packed when the runs end.
    """
    batch: list[Outcome] = []
    for outcome in outcomes:
        sizer.observe([outcome.cpu_time])
        batch.append(outcome)
        if len(batch) >= sizer.size(None, 1):
            yield BatchResult.pack(batch)
            batch = []
    if batch:
        yield BatchResult.pack(batch)


def _on_cluster(client: Any, tasks: Iterable[RunTask], session: str,
                sizer: Sizer) -> Iterator[BatchResult]:
    """An existing cluster (or a given Client) computes every run."""
    feeder = _Feeder(tasks, session, sizer)
    try:
        feeder.attach(client)
        yield from feeder.results()
    finally:
        feeder.cancel()


def _on_local_cluster(tasks: Iterable[RunTask], n_workers: int, session: str,
                      sizer: Sizer) -> Iterator[BatchResult]:
    """The default: this process computes runs until the local cluster is up.

    The cluster starts in a background thread and takes over the remaining tasks the
    moment it is ready; the run this process is computing then finishes here. Results
    are identical wherever a run executes. The runs computed here also give the first
    estimate of a run's time, which sizes the batches sent to the workers.

    A sweep of more than `FEW_RUNS` runs starts the cluster at once. A smaller one
    starts it once the runs timed here show that the rest is worth it
    (`cluster.worth_a_cluster`), or when `FIRST_RUNS_WAIT` seconds have not sufficed to
    time them; a sweep that this process finishes before either never starts one.
    """
    feeder = _Feeder(tasks, session, sizer)

    def until_ready(start: LocalStart) -> Iterator[Outcome]:
        while WARM_START and not start.ready:
            # the runs computed so far, timed by the sizer (`_in_batches`)
            if worth_a_cluster(sizer.remaining, sizer.recent):
                start.start()
            task = feeder.take()
            if task is None:
                return
            yield simulate_task(task)

    with LocalStart(n_workers, on_ready=feeder.attach) as start:
        if WARM_START and sizer.remaining <= FEW_RUNS:
            start.start_after(FIRST_RUNS_WAIT, lambda: len(sizer.recent) < TIMED_RUNS)
        else:
            start.start()
        try:
            yield from _in_batches(until_ready(start), sizer)
            if not start.started:                  # every run was computed here
                return
            start.wait()
            yield from feeder.results()
        finally:
            feeder.cancel()


class _Feeder:
    """Hands batches to Dask a window at a time and yields results as they complete.

    Two batches per worker thread keep every worker busy while results are written,
    and bound the memory held by results in flight. Until a run has been timed, batches
    hold one run each, and only one per worker thread is in flight: the second window's
    worth would pay a batch's fixed cost for a single run. The task iterator is shared
    with the client's own thread during a local cluster's start-up, hence the lock.
    """

    def __init__(self, tasks: Iterable[RunTask], session: str, sizer: Sizer) -> None:
        self._pending = iter(tasks)
        self._session = session
        self._sizer = sizer
        self._lock = threading.Lock()
        self._inflight: dict[str, tuple[Any, list[RunTask]]] = {}
        self._client: Any = None
        self._queue: Any = None
        self._window, self._workers, self._checked = 8, 1, -1e9

    def take(self) -> RunTask | None:
        """The next task to compute in this process (before the cluster is ready)."""
        with self._lock:
            task = next(self._pending, None)
            if task is not None:
                self._sizer.remaining -= 1
            return task

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
            self._workers = max(1, capacity(self._client))
            self._window, self._checked = max(4, 2 * self._workers), time.monotonic()
        while len(self._inflight) < self._window:
            if (self._sizer.fixed is None and self._sizer.per_run is None
                    and len(self._inflight) >= self._workers):
                return                   # the rest once a run has been timed
            size = self._sizer.size(self._sizer.remaining, self._workers)
            batch = list(itertools.islice(self._pending, size))
            if not batch:
                return
            self._sizer.remaining -= len(batch)
            future = self._client.submit(execute_batch, batch, pure=False,
                                         key=f"abm-batch-{self._session}-{batch[0].run_id}")
            self._inflight[future.key] = (future, batch)
            self._queue.add(future)

    def results(self) -> Iterator[BatchResult]:
        """Results of the submitted batches, topping the window up after each one."""
        if self._queue is None:
            return
        for future in self._queue:
            with self._lock:
                _, batch = self._inflight.pop(future.key)
            result = _collect(self._client, future, batch)
            self._sizer.observe(t for rid, t in zip(result.run_ids, result.cpu_times,
                                                     strict=False)
                                if rid not in result.errors)
            yield result
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


def _collect(client: Any, future: Any, batch: list[RunTask]) -> BatchResult:
    """The future's result; a batch that killed its workers becomes failed runs."""
    from distributed import KilledWorker

    ids = [task.run_id for task in batch]
    try:
        return future.result()
    except KilledWorker as exc:
        return BatchResult.failed(ids, f"KilledWorker: {exc}", traceback.format_exc())
    except Exception as exc:
        if client.status != "running":
            raise ClusterError("lost the connection to the Dask scheduler; rerun the same "
                               "command to resume") from exc
        return BatchResult.failed(ids, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    finally:
        future.release()
