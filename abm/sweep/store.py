"""The results store: a Parquet dataset per table, a journal and a manifest under one folder.

Layout of an output folder::

    manifest.json          spec, spec hash, package version, every run's parameters,
                           seed, status, wall time and error (rewritten atomically)
    journal.jsonl          one line per finished or failed run, appended as they arrive
    model/run-000042.parquet    model-level statistics of run 42, one row per period
    workers/run-000042.parquet  worker cross-sections (only when kept)
    firms/run-000042.parquet    firm cross-sections (only when kept)

Every file is written under a temporary dot-name and renamed into place, so a file
either exists complete or not at all, whatever interrupts the sweep. The model file is
written last: its presence is what marks a run as done, which makes resuming a matter
of listing one folder. The journal and the manifest are conveniences for status
reports; the Parquet files are the truth.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

import abm
from abm.sweep.execute import RunResult
from abm.sweep.spec import SweepSpec

MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
TABLES = ("model", "workers", "firms")
FORMAT = 1
_SORT = {"model": ["run_id", "period"], "workers": ["run_id", "period", "worker"],
         "firms": ["run_id", "period", "firm"]}


class StoreError(ValueError):
    """The output folder cannot be used for this sweep (changed spec, busy, not a sweep)."""


def run_file(root: Path, table: str, run_id: int) -> Path:
    """Path of one run's Parquet file in `table`."""
    return root / table / f"run-{run_id:06d}.parquet"


def _run_id(path: Path) -> int:
    return int(path.stem.split("-", 1)[1])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomic(path: Path, write: Any) -> None:
    """Write through `write(tmp_path)` to a hidden temporary name, fsync, rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_json(path: Path, obj: Any) -> None:
    _write_atomic(path, lambda tmp: tmp.write_text(json.dumps(obj, indent=1, default=str)))


def _write_parquet(path: Path, df: pd.DataFrame, meta: dict[str, Any]) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[b"abm.sweep.run"] = json.dumps(meta, default=str).encode()
    table = table.replace_schema_metadata(schema_meta)
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of a sweep folder; StoreError when there is none."""
    path = Path(root) / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise StoreError(f"{root} is not a sweep output folder (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None


def done_ids(root: Path) -> set[int]:
    """Runs whose model file exists, i.e. that completed."""
    folder = Path(root) / "model"
    if not folder.is_dir():
        return set()
    return {_run_id(p) for p in folder.glob("run-*.parquet")}


def read_journal(root: Path) -> dict[int, dict[str, Any]]:
    """Last journal event of every run; a line cut short by a kill is skipped."""
    events: dict[int, dict[str, Any]] = {}
    path = Path(root) / JOURNAL
    if not path.exists():
        return events
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                event = json.loads(line)
                events[int(event["run_id"])] = event
            except (ValueError, KeyError, TypeError):
                continue
    return events


class Store:
    """A sweep's output folder, opened for writing by one process at a time.

    Use `Store.open(root, spec)` inside a `with` block: it refuses a folder holding a
    different sweep, takes an exclusive lock, removes temporaries left by a killed
    process and writes the initial manifest.
    """

    def __init__(self, root: Path, spec: SweepSpec) -> None:
        self.root, self.spec = Path(root), spec
        self._journal: IO[str] | None = None
        self._lock: IO[str] | None = None
        self._manifest_written = 0.0
        self.done: set[int] = set()
        self.events: dict[int, dict[str, Any]] = {}

    # -- opening ----------------------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(cls, root: str | os.PathLike[str], spec: SweepSpec) -> Iterator[Store]:
        """Open (creating or resuming) the folder `root` for `spec`."""
        store = cls(Path(root), spec)
        store._prepare()
        try:
            yield store
        finally:
            store.close()

    def _prepare(self) -> None:
        root = self.root
        if root.exists() and not root.is_dir():
            raise StoreError(f"--out {root} exists and is not a folder")
        if (root / MANIFEST).exists():
            check_compatible(read_manifest(root), self.spec, root)
        elif root.exists() and any(p.name != LOCK for p in root.iterdir()):
            raise StoreError(f"{root} is not empty and holds no sweep ({MANIFEST} missing); "
                             "choose a new or empty folder")
        for table in TABLES:
            (root / table).mkdir(parents=True, exist_ok=True)
        self._take_lock()
        for table in (*TABLES, "."):
            for tmp in (root / table).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        self.done = done_ids(root)
        self.events = read_journal(root)
        self._journal = open(root / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115
        self.write_manifest()

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # no advisory locks on this platform: single-user use only
            return
        fh = open(self.root / LOCK, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            owner = fh.read().strip() or "unknown"
            fh.close()
            raise StoreError(f"{self.root} is in use by another sweep (pid {owner}); "
                             "wait for it to finish or stop it first") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock = fh

    def close(self) -> None:
        """Write the final manifest and release the lock."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
            self.done = done_ids(self.root)  # an interrupt may have hit mid-record
            self.write_manifest()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # -- recording --------------------------------------------------------------------
    def record(self, result: RunResult) -> None:
        """Store one run's outcome: Parquet files (model last) or the failure."""
        run = self.spec.run(result.run_id)
        event = {"run_id": result.run_id, "status": "done" if result.ok else "failed",
                 "seed": run.seed, "params": dict(run.point.values),
                 "wall_time": round(result.wall_time, 6), "host": result.host,
                 "time": _now()}
        if result.ok:
            assert result.model is not None
            meta = {**event, "spec_hash": self.spec.spec_hash, "version": abm.__version__}
            for name, df in result.tables.items():
                _write_parquet(run_file(self.root, name, result.run_id), df, meta)
            _write_parquet(run_file(self.root, "model", result.run_id), result.model, meta)
            self.done.add(result.run_id)
        else:
            event.update(error=result.error, traceback=result.traceback)
        self.events[result.run_id] = event
        assert self._journal is not None
        self._journal.write(json.dumps(event, default=str) + "\n")
        self._journal.flush()
        if time.monotonic() - self._manifest_written > 10.0:
            self.write_manifest()

    def write_manifest(self) -> None:
        """Rewrite manifest.json from the spec, the finished files and the journal."""
        spec = self.spec
        runs = []
        for run in spec.runs():
            event = self.events.get(run.run_id, {})
            state = ("done" if run.run_id in self.done
                     else "failed" if event.get("status") == "failed" else "pending")
            entry = {"run_id": run.run_id, "params": dict(run.point.values),
                     "variant": run.point.variant, "replicate": run.replicate,
                     "seed": run.seed, "status": state,
                     "wall_time": event.get("wall_time") if state != "pending" else None,
                     "host": event.get("host") if state != "pending" else None}
            if state == "failed":
                entry["error"] = event.get("error")
            runs.append(entry)
        counts = {s: sum(r["status"] == s for r in runs) for s in ("done", "failed", "pending")}
        manifest = {
            "format": FORMAT, "package": "ai-inequality-abm", "version": abm.__version__,
            "source": spec.source, "spec": spec.canonical, "spec_hash": spec.spec_hash,
            "runs_hash": spec.runs_hash, "dims": list(spec.dims),
            "variants": _variant_params(spec),
            "updated": _now(), "counts": {"total": len(runs), **counts}, "runs": runs,
        }
        _write_json(self.root / MANIFEST, manifest)
        self._manifest_written = time.monotonic()


def _variant_params(spec: SweepSpec) -> dict[str, dict[str, Any]]:
    """Scenario parameters of each variant used, before [fixed] and the swept values."""
    import scenarios

    base = scenarios.variants(scenarios.load(spec.scenario))
    return {v: base[v].to_dict() for v in dict.fromkeys(p.variant for p in spec.points)}


def check_compatible(manifest: dict[str, Any], spec: SweepSpec, root: Path) -> None:
    """Refuse to mix a different sweep into an existing folder."""
    if manifest.get("spec_hash") != spec.spec_hash:
        old = manifest.get("spec", {})
        changed = [k for k in dict.fromkeys([*old, *spec.canonical])
                   if old.get(k) != spec.canonical.get(k)]
        raise StoreError(f"{root} holds a sweep of a different spec (changed: "
                         f"{', '.join(changed) or 'format'}); use a new --out folder, or "
                         f"delete {root} to start over")
    if manifest.get("version") != abm.__version__:
        raise StoreError(f"{root} was written by abm {manifest.get('version')}, this is "
                         f"abm {abm.__version__}; use a new --out folder so that results of "
                         "different model versions are not mixed")
    if manifest.get("runs_hash") != spec.runs_hash:
        raise StoreError(f"the parameters of scenario {spec.scenario!r} changed since {root} "
                         "was started; use a new --out folder so that results are not mixed")


# -- reading ---------------------------------------------------------------------------
def load(out: str | os.PathLike[str], table: str = "model") -> pd.DataFrame:
    """Load a sweep's results as one tidy long DataFrame.

    Args:
        out: the sweep's output folder.
        table: "model" (default: one row per run and period), "workers" or "firms"
            (the kept cross-sections, one row per run, period and agent).

    Returns:
        Columns run_id, the swept parameters, seed, period, (worker or firm,) outputs;
        sorted by run_id and period. Only completed runs are included.
    """
    root = Path(out)
    if table not in TABLES:
        raise ValueError(f"table={table!r} must be one of {list(TABLES)}")
    manifest = read_manifest(root)
    done = done_ids(root)
    files = sorted(p for p in (root / table).glob("run-*.parquet") if _run_id(p) in done)
    if not files:
        return pd.DataFrame(columns=["run_id", *manifest.get("dims", []), "seed", "period"])
    data = pads.dataset([str(p) for p in files], format="parquet").to_table()
    df = data.to_pandas()
    return df.sort_values(_SORT[table], kind="stable").reset_index(drop=True)


@dataclass
class SweepStatus:
    """Progress of a sweep folder, for `abm sweep --status` and scripts."""

    out: Path
    scenario: str
    source: str
    total: int
    done: int
    failed: int
    pending: int
    wall_time: float
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every run finished successfully."""
        return self.done == self.total


def status(out: str | os.PathLike[str]) -> SweepStatus:
    """Counts of done, failed and pending runs, and the failures with their errors."""
    root = Path(out)
    manifest = read_manifest(root)
    done = done_ids(root)
    events = read_journal(root)
    failures, wall = [], 0.0
    for run in manifest.get("runs", []):
        rid = run["run_id"]
        event = events.get(rid, {})
        if rid in done:
            wall += float(event.get("wall_time") or run.get("wall_time") or 0.0)
        elif event.get("status") == "failed":
            failures.append({"run_id": rid, "params": run["params"], "seed": run["seed"],
                             "error": event.get("error"), "host": event.get("host")})
    total = len(manifest.get("runs", []))
    n_done = len(done & {r["run_id"] for r in manifest.get("runs", [])})
    return SweepStatus(out=root, scenario=manifest["spec"]["scenario"],
                       source=manifest.get("source", ""), total=total, done=n_done,
                       failed=len(failures), pending=total - n_done - len(failures),
                       wall_time=wall, failures=failures)
