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
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from abm.sweep.cluster import ClusterError, capacity, dask_client
from abm.sweep.execute import RunResult, RunTask, execute_run
from abm.sweep.spec import Run, SweepSpec, load_spec
from abm.sweep.store import Store, SweepStatus, load, status

Executor = Callable[[Iterable[RunTask]], Iterator[RunResult]]
SERIAL = "serial"


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
            refused if it holds a different one.
        client: None for DASK_SCHEDULER_ADDRESS or else a LocalCluster with one worker
            process per core; a `distributed.Client`; a scheduler address
            ("tcp://host:port"); or "serial" to run in this process without Dask.
        workers: worker processes of the LocalCluster (default: one per core).
        progress: show a progress bar; None shows it only on an interactive terminal.

    Returns:
        The tidy long DataFrame of every completed run, equal to `load(out)`.

    Raises:
        SpecError: the spec is invalid (nothing ran).
        StoreError: `out` holds a different sweep or is in use (nothing ran).
        ClusterError: the Dask scheduler cannot be reached or its workers lack the model.
        RunsFailed: some runs raised; all others are stored.
    """
    sweep = load_spec(spec)
    with Store.open(out, sweep) as store:
        missing = [i for i in range(sweep.n_runs) if i not in store.done]
        if missing:
            tasks = (task_for(sweep, sweep.run(i)) for i in missing)  # built as submitted
            with _executor(client, workers) as execute, \
                    _progress(sweep.n_runs, sweep.n_runs - len(missing), progress) as bar:
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
    with dask_client(client, workers=workers) as dask:
        session = uuid.uuid4().hex[:8]
        yield lambda tasks: _on_dask(dask, tasks, session)


def _serial(tasks: Iterable[RunTask]) -> Iterator[RunResult]:
    for task in tasks:
        yield execute_run(task)


def _on_dask(client: Any, tasks: Iterable[RunTask], session: str) -> Iterator[RunResult]:
    """Submit tasks a window at a time and yield results as they complete."""
    from distributed import as_completed

    pending = iter(tasks)
    inflight: dict[str, tuple[Any, RunTask]] = {}
    queue = as_completed(loop=client.loop)
    window = {"size": 8, "checked": -1e9}

    def refill() -> None:
        # Two tasks per worker thread keep every worker busy while results are written;
        # the cluster may grow or shrink, so its size is re-read every few seconds.
        if time.monotonic() - window["checked"] > 5.0:
            window["size"], window["checked"] = max(8, 2 * capacity(client)), time.monotonic()
        while len(inflight) < window["size"]:
            task = next(pending, None)
            if task is None:
                return
            future = client.submit(execute_run, task, key=f"abm-run-{session}-{task.run_id}",
                                   pure=False)
            inflight[future.key] = (future, task)
            queue.add(future)

    try:
        refill()
        for future in queue:
            _, task = inflight.pop(future.key)
            yield _collect(client, future, task)
            refill()
    finally:
        if inflight:  # interrupted: drop queued runs (best effort, the client may be gone)
            with contextlib.suppress(Exception):
                client.cancel([f for f, _ in inflight.values()])


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


class _Bar:
    """tqdm bar counting done and failed runs (elapsed and remaining time from tqdm)."""

    def __init__(self, total: int, initial: int, enabled: bool | None) -> None:
        from tqdm import tqdm

        disable = None if enabled is None else not enabled
        self.failed = 0
        self._bar = tqdm(total=total, initial=initial, unit="run", desc="sweep",
                         file=sys.stderr, disable=disable, dynamic_ncols=True, smoothing=0.05)
        self._bar.set_postfix(failed=0)

    def update(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
            self._bar.set_postfix(failed=self.failed, refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


@contextlib.contextmanager
def _progress(total: int, initial: int, enabled: bool | None) -> Iterator[_Bar]:
    bar = _Bar(total, initial, enabled)
    try:
        yield bar
    finally:
        bar.close()
