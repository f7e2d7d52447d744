"""Where and how often the model is evaluated: batch evaluators and the evaluation log.

- `serial_batch_evaluator` / `dask_batch_evaluator(client)`: optimagic's batch-evaluator
  signature `(func, arguments, *, n_cores, error_handling, unpack_symbol) -> list`, so the
  multistart exploration sample and the numerical Jacobian (the embarrassingly parallel
  parts of an MSM estimation) run in this process or on a Dask cluster.
- `EvaluationLog`: every evaluation θ -> moments appended to an SQLite file, one committed
  row each, keyed by the exact floats of θ and a hash of what else the moments depend on
  (target statistics and periods, seeds, base economy, fixed values, model function). A
  rerun finds its earlier evaluations there and replays them instantly: a killed run
  continues where it stopped, and because the optimiser path is deterministic it ends at
  the same estimate.
- `CachedModel`: the function handed to estimagic; it consults the log, runs the model on a
  miss, refuses NaN moments and records how long the model itself ran.

The log is opened lazily in each process that evaluates (Dask workers of a local cluster
write to the same file; on a remote cluster the log path must be on a shared file system).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from optimagic.decorators import catch, unpack

SCHEMA = """
CREATE TABLE IF NOT EXISTS evaluations (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, theta TEXT NOT NULL, seeds TEXT NOT NULL,
    moments TEXT NOT NULL, seconds REAL NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    run TEXT NOT NULL, key TEXT NOT NULL, cached INTEGER NOT NULL, seconds REAL NOT NULL,
    at REAL NOT NULL);
"""


class ModelError(ValueError):
    """The model function returned unusable moments (NaN, infinite or missing)."""
# Threads of one process (an in-process Dask worker with several threads) take turns at
# writing: otherwise each waits in SQLite's busy handler, which sleeps in steps of up to
# 100 ms. Processes still rely on SQLite's own file lock (writes are one short row).
_WRITE_LOCK = threading.Lock()


def _prepare(conn: sqlite3.Connection, wait: float = 60.0) -> None:
    """WAL mode and the tables, retried while another process holds the file's lock.

    Switching the journal mode and creating the tables take a write lock that SQLite's
    busy handler does not always wait for: two worker processes opening a new log at
    once got "database is locked" at once. So: retry with growing sleeps for up to
    `wait` seconds (the connection's own timeout).
    """
    deadline, delay = time.monotonic() + wait, 0.005
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.2)


def serial_batch_evaluator(func: Callable, arguments: Sequence[Any], *, n_cores: int = 1,
                           error_handling: Any = "raise",
                           unpack_symbol: str | None = None) -> list:
    """Evaluate in this process, in order (n_cores is ignored)."""
    call = _wrap(func, error_handling, unpack_symbol)
    return [call(arg) for arg in arguments]


def dask_batch_evaluator(client: Any) -> Callable[..., list]:
    """A batch evaluator that maps `func` over `arguments` on the Dask `client`.

    Results come back in the order of `arguments`, so an optimiser fed by it follows the
    same path as a serial run. `n_cores` is accepted for the signature: the cluster's own
    queue limits concurrency to its worker threads.
    """

    def evaluate(func: Callable, arguments: Sequence[Any], *, n_cores: int = 1,
                 error_handling: Any = "raise", unpack_symbol: str | None = None) -> list:
        arguments = list(arguments)
        if not arguments:
            return []
        call = _wrap(func, error_handling, unpack_symbol)
        futures = client.map(call, arguments, pure=False)
        return client.gather(futures)

    return evaluate


def _wrap(func: Callable, error_handling: Any, unpack_symbol: str | None) -> Callable:
    """optimagic's own argument unpacking and error capture (as its joblib evaluator)."""
    reraise = str(getattr(error_handling, "value", error_handling)).lower() != "continue"
    return unpack(catch(func, default="__traceback__", reraise=reraise), symbol=unpack_symbol)


def batch_evaluator_for(evaluator: Any) -> tuple[Callable[..., list], int]:
    """The batch evaluator and its n_cores for `calibrate(evaluator=...)`.

    None runs serially in this process; a Dask Client maps onto its workers with n_cores
    = the cluster's thread capacity (abm.sweep.cluster.capacity); a callable is taken as
    a batch evaluator with one core.
    """
    if evaluator is None:
        return serial_batch_evaluator, 1
    if hasattr(evaluator, "map") and hasattr(evaluator, "gather"):
        from abm.sweep.cluster import capacity

        return dask_batch_evaluator(evaluator), max(capacity(evaluator), 1)
    if callable(evaluator):
        return evaluator, 1
    raise TypeError(f"evaluator must be None, a Dask Client or a batch evaluator, "
                    f"not {type(evaluator).__name__}")


def context_hash(parts: Mapping[str, Any]) -> str:
    """Hex digest of what, besides θ, the moments depend on (JSON, sorted keys)."""
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def theta_key(context: str, kind: str, theta: Mapping[str, float], seeds: Sequence[int]) -> str:
    """Key of one evaluation: exact floats (float.hex), names sorted, seeds, context."""
    exact = ",".join(f"{k}={float(theta[k]).hex()}" for k in sorted(theta))
    text = f"{context}|{kind}|{exact}|{','.join(str(int(s)) for s in seeds)}"
    return hashlib.sha256(text.encode()).hexdigest()


class EvaluationLog:
    """SQLite evaluation log: one committed row per evaluation, read back on rerun."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()   # one connection per process and thread
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if getattr(self._local, "pid", None) != os.getpid():
            if not self.path.parent.is_dir():
                raise ModelError(f"the evaluation log's folder {self.path.parent} does not "
                                 "exist on this machine (a remote Dask worker?): give log= "
                                 "a path on a file system the workers share")
            conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None,
                                   check_same_thread=False)  # closed by close()
            _prepare(conn)
            self._local.conn, self._local.pid = conn, os.getpid()
            with self._lock:
                self._opened.append(conn)
        return self._local.conn

    def __getstate__(self) -> dict:
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])

    def get(self, key: str) -> dict[str, float] | None:
        """The stored moments of `key`, or None."""
        row = self._connection().execute(
            "SELECT moments FROM evaluations WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, kind: str, theta: Mapping[str, float], seeds: Sequence[int],
            moments: Mapping[str, float], seconds: float) -> None:
        """Append one evaluation (committed at once: a kill loses at most the running one).

        json writes floats with repr, so the stored moments read back bit for bit.
        """
        row = (key, kind, json.dumps({k: float(v) for k, v in theta.items()}),
               json.dumps([int(s) for s in seeds]),
               json.dumps({k: float(v) for k, v in moments.items()}), seconds, time.time())
        with _WRITE_LOCK:
            self._connection().execute(
                "INSERT OR IGNORE INTO evaluations VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def call(self, run: str, key: str, cached: bool, seconds: float) -> None:
        """Record that run `run` asked for `key` (for evaluation counts and model time)."""
        with _WRITE_LOCK:
            self._connection().execute("INSERT INTO calls VALUES (?, ?, ?, ?, ?)",
                                       (run, key, int(cached), seconds, time.time()))

    def run_stats(self, run: str) -> dict[str, float]:
        """Calls, cached calls and seconds spent in the model by `run` (all processes)."""
        n, cached, seconds = self._connection().execute(
            "SELECT COUNT(*), COALESCE(SUM(cached), 0), COALESCE(SUM(seconds), 0) "
            "FROM calls WHERE run = ?", (run,)).fetchone()
        return {"n_evaluations": int(n), "n_cached": int(cached),
                "seconds_in_model": float(seconds)}

    def n_rows(self) -> int:
        """Stored evaluations."""
        return int(self._connection().execute("SELECT COUNT(*) FROM evaluations").fetchone()[0])

    def close(self) -> None:
        """Close the connections this process opened (any thread)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()


class CachedModel:
    """θ -> simulated moments through the evaluation log (picklable for Dask workers).

    `fixed` values join every θ handed to the model; `kind` is "mean" (the model
    function, mean over `seeds`) or "seed" (one row per seed, the seed-moments function).
    """

    def __init__(self, simulate: Callable[..., Any], *, names: Sequence[str],
                 model_kwargs: Mapping[str, Any], seeds: Sequence[int],
                 fixed: Mapping[str, float], log: EvaluationLog, context: str,
                 run: str, kind: str = "mean") -> None:
        self.simulate, self.names, self.model_kwargs = simulate, list(names), dict(model_kwargs)
        self.seeds, self.fixed = [int(s) for s in seeds], dict(fixed)
        self.log, self.context, self.run, self.kind = log, context, run, kind
        # progress in the calling process only (dropped when pickled to a worker)
        self.progress: Callable[[str], None] | None = None
        self.empirical: pd.Series | None = None
        self.se: pd.Series | None = None
        self._count, self._best = 0, math.inf

    def __getstate__(self) -> dict:
        return {**self.__dict__, "progress": None}

    def _report(self, theta: Mapping[str, float], moments: pd.Series, seconds: float,
                cached: bool) -> None:
        """A line per new best criterion, and every 25 evaluations."""
        self._count += 1
        if self.progress is None or self.empirical is None or self.kind != "mean":
            return
        value = float((((moments - self.empirical) / self.se) ** 2).sum())
        best = value < self._best
        self._best = min(self._best, value)
        if best or self._count % 25 == 0:
            shown = ", ".join(f"{k}={v:.4g}" for k, v in theta.items())
            how = "from the log" if cached else f"{seconds:.1f} s"
            self.progress(f"evaluation {self._count}: criterion {value:.4g}"
                          f"{' (best)' if best else ''} at {shown} ({how})")

    def theta(self, params: Any) -> dict[str, float]:
        values = params.to_dict() if hasattr(params, "to_dict") else dict(params)
        return {**{k: float(v) for k, v in self.fixed.items()},
                **{k: float(v) for k, v in values.items()}}

    def __call__(self, params: Any, seeds: Sequence[int] | None = None) -> pd.Series:
        seeds = self.seeds if seeds is None else [int(s) for s in seeds]
        theta = self.theta(params)
        key = theta_key(self.context, self.kind, theta, seeds)
        stored = self.log.get(key)
        if stored is not None:
            self.log.call(self.run, key, True, 0.0)
            moments = pd.Series(stored, dtype=float)[self.names]
            self._report(theta, moments, 0.0, True)
            return moments
        start = time.perf_counter()
        raw = self.simulate(theta, seeds=seeds, **self.model_kwargs)
        seconds = time.perf_counter() - start
        moments = _as_moments(raw, self.names)
        bad = [k for k, v in moments.items() if not math.isfinite(v)]
        if bad:
            raise ModelError(f"simulated moments {bad} are not finite at θ = {theta} "
                             f"(seeds {seeds}); the optimiser is never handed NaN")
        self.log.put(key, self.kind, theta, seeds, moments, seconds)
        self.log.call(self.run, key, False, seconds)
        self._report(theta, moments, seconds, False)
        return moments

    def seed_row(self, args: tuple[Mapping[str, float], int]) -> pd.Series:
        """Moments of one seed at θ (a batch-evaluator task)."""
        params, seed = args
        return self(params, seeds=[seed])


def _as_moments(raw: Any, names: Sequence[str]) -> pd.Series:
    """A float Series in target order from a Series, dict or one-row DataFrame."""
    if isinstance(raw, pd.DataFrame):
        if len(raw) != 1:
            raise ModelError(f"a seed-moments function must return one row per seed; "
                             f"got {len(raw)} rows for one seed")
        raw = raw.iloc[0]
    series = pd.Series(raw, dtype=float)
    missing = [n for n in names if n not in series.index]
    if missing:
        raise ModelError(f"the model function returned no moment for targets {missing}")
    return series[list(names)]
