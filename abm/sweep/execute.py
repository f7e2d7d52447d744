"""Sweep runs, as executed on a Dask worker (or in-process for serial sweeps).

A task is a whole simulation. Runs travel in batches: `execute_batch(tasks)` runs
several `RunTask`s (parameters, seed, what to keep) one after another and returns a
`BatchResult` whose tables are compact `Block`s (one float array per table and batch,
see `abm.sweep.compact`), ready to be written by the process that owns the results
store. `execute_run(task)` runs one task and returns labelled DataFrames (a
`RunResult`), for callers that want one run's frames. Workers never touch the store,
so they need no shared file system with the client.

A run that raises is returned as a failed `RunResult` (error and traceback) rather
than raised, so one bad parameter point cannot stop the sweep and the failure is
recorded with its parameters. Runs are engines (`abm.engine.Engine`), not Mesa models:
Mesa keeps no reference to a finished run (a worker's memory stays flat over thousands
of runs), and a worker never imports Mesa. Nor pandas, unless the sweep keeps
cross-sections: the model table travels as arrays (`abm.table.Columns`).
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from abm.engine import Engine
from abm.fused.numpy_math import numerics
from abm.params import Params
from abm.simulate import check_seed
from abm.sweep.compact import Block, order
from abm.table import Columns

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run.

    Attributes:
        run_id: position of the run in the sweep.
        seed: the model's root seed.
        params: full, validated parameters.
        values: (column, value) pairs of the swept parameters, in column order.
        workers_at, firms_at: periods at which to save cross-sections.
    """

    run_id: int
    seed: int
    params: Params
    values: tuple[tuple[str, Any], ...] = ()
    workers_at: tuple[int, ...] = ()
    firms_at: tuple[int, ...] = ()


@dataclass
class RunResult:
    """The outcome of one run: tidy frames on success, the error on failure."""

    run_id: int
    wall_time: float
    host: str
    model: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True when the run finished and produced its model-level frame."""
        return self.error is None


@dataclass
class Outcome:
    """One run's unlabelled tables (or its error), before packing into a batch: the
    model table as arrays, cross-sections as DataFrames."""

    run_id: int
    wall_time: float
    host: str
    tables: dict[str, Columns | pd.DataFrame] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    cpu_time: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchResult:
    """The outcomes of a batch of runs, with the successful runs' tables as `Block`s.

    Attributes:
        run_ids, wall_times: every run of the batch, in the order computed.
        errors: run_id -> (error, traceback) of the runs that raised.
        blocks: table name ("model", "workers", "firms") -> the successful runs' rows.
        numerics: the arithmetic of the process that computed them ("libm" or
            "numpy-simd", `abm.fused.numpy_math.numerics`); "" for a lost batch.
    """

    run_ids: list[int]
    wall_times: list[float]
    host: str
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    cpu_times: list[float] = field(default_factory=list)
    numerics: str = ""

    @classmethod
    def pack(cls, outcomes: list[Outcome]) -> BatchResult:
        """Gather run outcomes into one batch (done where the runs were computed)."""
        good = [o for o in outcomes if o.ok]
        names = dict.fromkeys(name for o in good for name in o.tables)
        blocks = {name: _block([o.tables[name] for o in good], [o.run_id for o in good])
                  for name in names}
        return cls(run_ids=[o.run_id for o in outcomes],
                   wall_times=[o.wall_time for o in outcomes],
                   host=outcomes[0].host if outcomes else host_label(),
                   errors={o.run_id: (o.error or "", o.traceback or "")
                           for o in outcomes if not o.ok},
                   blocks=blocks, cpu_times=[o.cpu_time for o in outcomes],
                   numerics=numerics())

    @classmethod
    def failed(cls, run_ids: list[int], error: str, trace: str) -> BatchResult:
        """A batch lost as a whole (e.g. its worker died): every run failed."""
        return cls(run_ids=list(run_ids), wall_times=[0.0] * len(run_ids), host="",
                   errors={rid: (error, trace) for rid in run_ids})


def _block(tables: list[Any], run_ids: list[int]) -> Block:
    if isinstance(tables[0], Columns):
        return Block.stack(tables, run_ids)
    return Block.pack(tables, run_ids)


def simulate_task(task: RunTask) -> Outcome:
    """Simulate one run; never raises for errors inside the model."""
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        model_df, tables = _simulate(task)
    except Exception as exc:  # recorded, not raised: the rest of the sweep continues
        return Outcome(task.run_id, time.perf_counter() - start, host_label(),
                       error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(),
                       cpu_time=time.thread_time() - cpu)
    return Outcome(task.run_id, time.perf_counter() - start, host_label(),
                   tables={"model": model_df, **tables}, cpu_time=time.thread_time() - cpu)


def execute_batch(tasks: list[RunTask],
                  run_one: Callable[[RunTask], Outcome] | None = None) -> BatchResult:
    """Simulate the runs of a batch and pack their tables compactly.

    Runs of one seed that differ only in parameters acting after period 0 (an AI run and
    its no-AI counterfactual, technology structures, policy levers: `abm.branch`) share
    one burn-in and period 0 when they travel in the same batch; every table equals the
    separate run's bit for bit, so where a run was computed never shows in the results.
    `run_one` computes a run on its own (default `simulate_task`).
    """
    run_one = simulate_task if run_one is None else run_one
    outcomes: dict[int, Outcome] = {}
    for group in _shared_groups(tasks):
        if len(group) > 1:
            outcomes.update(_simulate_branches(group, run_one))
        else:
            outcomes[group[0].run_id] = run_one(group[0])
    return BatchResult.pack([outcomes[task.run_id] for task in tasks])


def _shared_groups(tasks: list[RunTask]) -> list[list[RunTask]]:
    """The batch's runs grouped by (seed, past): model tables only, in order of arrival.

    Runs that keep cross-sections run alone (they step their own model).
    """
    from abm.branch import past_key

    groups: dict[Any, list[RunTask]] = {}
    for task in tasks:
        key = (("alone", task.run_id) if task.workers_at or task.firms_at
               else (task.seed, past_key(task.params)))
        groups.setdefault(key, []).append(task)
    return list(groups.values())


def _simulate_branches(group: list[RunTask], run_one: Callable[[RunTask], Outcome]
                       ) -> dict[int, Outcome]:
    """Runs sharing a past, as branches of one burn-in (`abm.branch.branch`).

    The group's CPU and wall time are split evenly over its runs (they feed only batch
    sizing and the journal). If the shared computation fails, each run is simulated on
    its own, so that an error is recorded against the run that causes it.
    """
    from abm.branch import after_zero_names, branch

    base = group[0].params
    marked = after_zero_names(base)
    variants = {str(t.run_id): {k: getattr(t.params, k) for k in marked
                                if getattr(t.params, k) != getattr(base, k)} for t in group}
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        frames = branch(base, seed=group[0].seed, variants=variants, tables=True)
    except Exception:                                   # attribute the error to its run
        return {t.run_id: run_one(t) for t in group}
    wall = (time.perf_counter() - start) / len(group)
    cpu_each = (time.thread_time() - cpu) / len(group)
    host = host_label()
    return {t.run_id: Outcome(t.run_id, wall, host, tables={"model": frames[str(t.run_id)]},
                              cpu_time=cpu_each) for t in group}


def execute_run(task: RunTask) -> RunResult:
    """Simulate one run; never raises for errors inside the model.

    Returns:
        A `RunResult` whose frames start with the columns run_id, the swept
        parameters and seed, followed by period (and worker or firm) and the outputs.
    """
    start = time.perf_counter()
    try:
        model_table, tables = _simulate(task)
    except Exception as exc:  # recorded, not raised: the rest of the sweep continues
        return RunResult(task.run_id, time.perf_counter() - start, host_label(),
                         error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    return RunResult(task.run_id, time.perf_counter() - start, host_label(),
                     model=_label(model_table.frame().reset_index(), task),
                     tables={k: _label(v, task) for k, v in tables.items()})


def _simulate(task: RunTask) -> tuple[Columns, dict[str, pd.DataFrame]]:
    """The model table (as arrays: its frame is `simulate`'s) and the kept
    cross-sections (DataFrames, column period)."""
    from abm.feedback import compilation_notice

    check_seed(task.seed)
    compilation_notice()
    model = Engine(task.params, seed=task.seed)
    if not task.workers_at and not task.firms_at:
        for _ in range(task.params.n_periods):
            model.step()
        return model.model_table(), {}
    import pandas as pd

    wanted = {"workers": set(task.workers_at), "firms": set(task.firms_at)}
    frames: dict[str, list[pd.DataFrame]] = {"workers": [], "firms": []}
    for period in range(task.params.n_periods + 1):
        if period > 0:
            model.step()
        for name, at in wanted.items():
            if period in at:
                cross = model.worker_frame() if name == "workers" else model.firm_frame()
                frames[name].append(cross.reset_index().assign(period=period))
    tables = {name: pd.concat(parts, ignore_index=True)
              for name, parts in frames.items() if parts}
    return model.model_table(), tables


def _label(df: pd.DataFrame, task: RunTask) -> pd.DataFrame:
    """Prefix the identifying columns: run_id, swept parameters, seed, then period."""
    out = order(df)
    ids = [("run_id", task.run_id), *task.values, ("seed", task.seed)]
    for position, (name, value) in enumerate(ids):
        out.insert(position, name, value)
    return out


def host_label() -> str:
    """hostname:pid of this process, to tell which worker ran (or lost) a run."""
    return f"{socket.gethostname()}:{os.getpid()}"


def dask_setup(worker: Any) -> None:
    """Dask preload hook of local-cluster workers: leave Ctrl-C to the client.

    A terminal sends SIGINT to the whole process group, local workers included. The
    client stops them itself when interrupted; without this each worker would also
    print a KeyboardInterrupt traceback. Runs in the worker's main thread at start-up.
    """
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_info() -> dict[str, Any]:
    """Package version, model-code fingerprint and thread settings of a worker.

    The client compares version and fingerprint with its own before a sweep.
    """
    from abm.provenance import code_fingerprint, version

    return {"version": version(), "code": code_fingerprint(), "host": host_label(),
            "omp_threads": os.environ.get("OMP_NUM_THREADS")}
