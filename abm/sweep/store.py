"""The results store: a Parquet file per batch of runs and table, a journal and a manifest.

Layout of an output folder::

    manifest.json          spec, provenance, history of extensions, and every run's
                           parameters, seed, status, wall time, error, batch and file
                           checksums (rewritten atomically)
    journal.jsonl          one line per finished or failed run (with its batch and
                           checksums), appended a batch at a time
    model/run-000042.parquet    model-level statistics of the batch whose first run is
                                42, one row per run and period
    workers/run-000042.parquet  worker cross-sections of the same runs (only when kept)
    firms/run-000042.parquet    firm cross-sections of the same runs (only when kept)
    damaged/               damaged or foreign run files moved aside by a resumed sweep

Runs are stored a batch at a time (`Store.record`): small runs cost far less to compute
than to write one file each (Parquet encoding, fsync, rename: several milliseconds).
Every file is written under a temporary dot-name, fsynced and renamed into place, so a
file either exists complete or not at all; the folders are fsynced (batched, when the
manifest is written) so that the renames survive a crash too. The model file of a batch
is written last, then its journal lines. The run files are the truth: they carry the
record of each of their runs (run number, point, seed, parameters) and the provenance in
their Parquet metadata, and their checksums are in the journal and the manifest, so a
folder can always be verified (`status`), repaired (a rerun recomputes damaged runs) and
its manifest rebuilt (see `abm.sweep.integrity`).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from abm.provenance import describe_difference, provenance
from abm.sweep import layout
from abm.sweep.compact import Block
from abm.sweep.execute import BatchResult
from abm.sweep.folder import (
    JOURNAL,
    LOCK,
    MANIFEST,
    OWNED,
    StoreError,
    expected_checksums,
    kept_tables,
    read_journal,
    read_manifest,
    repair_journal,
)
from abm.sweep.integrity import (
    META_KEY,
    QUARANTINE,
    TABLES,
    Problem,
    fsync_dir,
    quarantine,
    run_file,
    run_record,
    runs_in,
    sha256_bytes,
    verify,
)
from abm.sweep.results import SweepStatus, load, status
from abm.sweep.spec import Run, SweepSpec

# readers and folder bookkeeping re-exported: `abm.sweep.store` is the store's one name
__all__ = ["JOURNAL", "MANIFEST", "Problem", "Store", "StoreError", "SweepStatus", "load",
           "read_journal", "read_manifest", "run_file", "status"]

FORMAT = 2


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomic(path: Path, data: bytes | memoryview) -> None:
    """Write `data` to a hidden temporary name, fsync it, rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_json(path: Path, obj: Any) -> None:
    _write_atomic(path, json.dumps(obj, indent=1, default=str).encode())


def _parquet_bytes(df: pd.DataFrame, meta: dict[str, Any]) -> memoryview:
    table = pa.Table.from_pandas(df, preserve_index=False)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[META_KEY] = json.dumps(meta, default=str).encode()
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(schema_meta), sink)
    return memoryview(sink.getvalue())


class Store:
    """A sweep's output folder, opened for writing by one process at a time.

    Use `Store.open(root, spec)` inside a `with` block: it refuses a folder holding a
    different sweep or results of other model code, takes an exclusive lock, lays the
    spec over the runs already there (extending the sweep if the spec adds runs),
    verifies every run file, moves damaged ones aside and writes the manifest.
    """

    def __init__(self, root: Path, spec: SweepSpec) -> None:
        self.root, self.spec = Path(root), spec
        self.keys = layout.point_keys(spec)
        self.provenance = provenance()
        self.runs: list[Run] = []
        self.reused = 0
        self.notes: list[str] = []
        self.problems: list[Problem] = []
        self.done: set[int] = set()
        self.checksums: dict[int, dict[str, str]] = {}
        self.batch: dict[int, int] = {}
        self.events: dict[int, dict[str, Any]] = {}
        self._history: list[dict[str, Any]] = []
        self._journal: IO[str] | None = None
        self._lock: IO[str] | None = None
        self._dirty: set[Path] = set()
        self._manifest_written = 0.0

    # -- opening ----------------------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(cls, root: str | os.PathLike[str], spec: SweepSpec) -> Iterator[Store]:
        """Open (creating, resuming or extending) the folder `root` for `spec`."""
        store = cls(Path(root), spec)
        try:
            store._prepare()
            yield store
        finally:
            store.close()

    def _prepare(self) -> None:
        root, spec = self.root, self.spec
        if root.exists() and not root.is_dir():
            raise StoreError(f"--out {root} exists and is not a folder")
        manifest, damaged = None, False
        if (root / MANIFEST).exists():
            try:
                manifest = read_manifest(root)
            except StoreError:
                damaged = True
        if manifest is not None:
            self._check_code(manifest.get("provenance") or {"version": manifest.get("version")})
            try:
                self.runs = layout.extend(spec, manifest, root)
            except layout.LayoutError as exc:
                raise StoreError(str(exc)) from None
            self.reused = len(manifest["runs"])
            self._history = list(manifest.get("history", []))
        elif root.exists() and any(p.name not in OWNED and not p.name.startswith(".")
                                   for p in root.iterdir()):
            raise StoreError(f"{root} is not empty and holds no sweep ({MANIFEST} missing); "
                             "choose a new or empty folder")
        for table in TABLES:
            (root / table).mkdir(parents=True, exist_ok=True)
        self._take_lock()
        for folder in (root, *(root / t for t in TABLES)):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        if manifest is None:
            self._adopt(damaged, stamp)
        idents = layout.idents(self.runs, self.keys)
        repair_journal(root / JOURNAL)
        self.events = {rid: e for rid, e in read_journal(root).items()
                       if rid < len(idents) and (e.get("key"), e.get("seed")) == idents[rid]}
        checked = verify(root, idents, expected_checksums(manifest, self.events),
                         kept_tables(spec.canonical["keep"]), self.provenance["code"])
        self.done, self.checksums, self.problems = checked.done, checked.checksums, \
            checked.problems
        self.batch = checked.batch
        moved = quarantine(root, checked.problems, stamp)
        # a batch cut short by a kill between its tables' renames: its runs are recomputed
        for path in checked.partial():
            target = root / QUARANTINE / path.parent.name / f"{path.name}.partial.{stamp}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        lost = len(checked.of("missing"))
        if moved or lost:
            kinds = sorted({p.kind for p in checked.problems if p.run_id is not None})
            self.notes.append(f"{len(moved) + lost} run files were {'/'.join(kinds)}; the runs "
                              f"concerned will be recomputed (files moved to "
                              f"{root / QUARANTINE})")
        if manifest is None or len(self.runs) > self.reused:
            self._history.append({"time": _now(), "spec_hash": spec.spec_hash,
                                  "runs": len(self.runs), "added": len(self.runs) - self.reused,
                                  "source": spec.source, "commit": self.provenance["commit"]})
        self._journal = open(root / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115
        self.write_manifest()

    def _check_code(self, stored: dict[str, Any]) -> None:
        changed = describe_difference(stored, self.provenance)
        if changed:
            raise StoreError(f"{self.root} holds results of other model code ({changed}); "
                             "rerunning would mix two versions of the model: use a new --out "
                             "folder, or restore the model code that wrote it (commit "
                             f"{stored.get('commit') or 'unknown'})")

    def _adopt(self, damaged: bool, stamp: str) -> None:
        """Lay the spec over the intact run files of a folder without a usable manifest."""
        found: dict[int, tuple[str, int]] = {}
        for path in sorted((self.root / "model").glob("run-*.parquet")):
            record = run_record(path)
            runs = runs_in(record) if record is not None else []
            if not runs or not all(isinstance(rid, int) for rid, _, _ in runs):
                continue  # damaged: verification moves it aside
            if f"run-{min(rid for rid, _, _ in runs):06d}.parquet" != path.name:
                continue  # a copy of another batch's file
            if any(rid in found for rid, _, _ in runs):
                continue  # overlaps a file already adopted: verification sets it aside
            self._check_code(record.get("provenance") or {})
            found.update({rid: (key, seed) for rid, key, seed in runs})
        try:
            self.runs = layout.adopt(self.spec, found, self.root)
        except layout.LayoutError as exc:
            raise StoreError(str(exc)) from None
        if damaged:
            target = self.root / QUARANTINE / f"{MANIFEST}.{stamp}"
            target.parent.mkdir(exist_ok=True)
            os.replace(self.root / MANIFEST, target)
        if damaged or found:
            self.notes.append(f"{MANIFEST} was {'damaged' if damaged else 'missing'}; rebuilt "
                              f"it from {len(found)} intact run files")

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
            self.write_manifest()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # -- recording --------------------------------------------------------------------
    def missing(self) -> list[Run]:
        """Runs without a verified result, in run-number order."""
        return [r for r in self.runs if r.run_id not in self.done]

    def record(self, batch: BatchResult) -> None:
        """Store a batch of runs: one Parquet file per table (model last), then the journal.

        Each table's file holds every successful run of the batch and is named after
        the first of them; it is written under a temporary name, fsynced once and
        renamed into place, so a kill leaves either the whole batch or none of it. The
        journal then gets one line per run (done or failed), written in one go.
        """
        good = sorted(rid for rid in batch.run_ids if rid not in batch.errors)
        times = dict(zip(batch.run_ids, batch.wall_times, strict=True))
        cpu = dict(zip(batch.run_ids, batch.cpu_times, strict=False))
        now = _now()
        events = []
        for rid in batch.run_ids:
            run = self.runs[rid]
            event = {"run_id": rid, "status": "failed" if rid in batch.errors else "done",
                     "seed": run.seed, "key": self.keys[run.point.index],
                     "params": dict(run.point.values), "wall_time": round(times[rid], 6),
                     "cpu_time": round(cpu.get(rid, 0.0), 6), "host": batch.host,
                     "numerics": batch.numerics, "time": now}
            if rid in batch.errors:
                event["error"], event["traceback"] = batch.errors[rid]
            events.append(event)
        if good:
            first = good[0]
            meta = {"run_ids": good, "spec_hash": self.spec.spec_hash,
                    "provenance": self.provenance,
                    "runs": [self._run_meta(e) for e in events if e["status"] == "done"]}
            labels = [(*self.runs[rid].point.values, ("seed", self.runs[rid].seed))
                      for rid in good]
            names = [t for t in batch.blocks if t != "model"] + ["model"]
            files = {name: self._write_batch(name, first, batch.blocks[name], labels, meta)
                     for name in names}
            for event in events:
                if event["status"] == "done":
                    event["batch"], event["files"] = first, files
                    self.checksums[event["run_id"]] = files
                    self.batch[event["run_id"]] = first
                    self.done.add(event["run_id"])
        for event in events:
            self.events[event["run_id"]] = event
        assert self._journal is not None
        self._journal.write("".join(json.dumps(e, default=str) + "\n" for e in events))
        self._journal.flush()
        if time.monotonic() - self._manifest_written > 10.0:
            self.write_manifest()

    def _run_meta(self, event: dict[str, Any]) -> dict[str, Any]:
        run = self.runs[event["run_id"]]
        return {**event, "replicate": run.replicate, "variant": run.point.variant,
                "parameters": run.point.params.to_dict()}

    def _write_batch(self, table: str, first: int, block: Block,
                     labels: list[tuple[tuple[str, Any], ...]], meta: dict[str, Any]) -> str:
        data = _parquet_bytes(block.frame(labels), meta)
        path = run_file(self.root, table, first)
        _write_atomic(path, data)
        self._dirty.add(path.parent)
        return sha256_bytes(data)

    def write_manifest(self) -> None:
        """Rewrite manifest.json from the runs, their files and the journal.

        The folders holding run files renamed since the last manifest are fsynced
        first, so the manifest never lists a checksum of a file a crash could undo.
        """
        for folder in self._dirty:
            fsync_dir(folder)
        self._dirty.clear()
        spec, runs = self.spec, []
        for run in self.runs:
            rid = run.run_id
            event = self.events.get(rid, {})
            state = ("done" if rid in self.done
                     else "failed" if event.get("status") == "failed" else "pending")
            entry = {"run_id": rid, "params": dict(run.point.values),
                     "variant": run.point.variant, "replicate": run.replicate,
                     "seed": run.seed, "key": self.keys[run.point.index], "status": state,
                     "wall_time": event.get("wall_time") if state != "pending" else None,
                     "host": event.get("host") if state != "pending" else None,
                     "numerics": event.get("numerics") if state != "pending" else None}
            if state == "done" and rid in self.checksums:
                entry["files"] = self.checksums[rid]
                if self.batch.get(rid, rid) != rid:
                    entry["batch"] = self.batch[rid]
            if state == "failed":
                entry["error"] = event.get("error")
            runs.append(entry)
        counts = {s: sum(r["status"] == s for r in runs) for s in ("done", "failed", "pending")}
        manifest = {
            "format": FORMAT, "package": self.provenance["package"],
            "version": self.provenance["version"], "code": self.provenance["code"],
            "provenance": self.provenance, "source": spec.source, "spec": spec.canonical,
            "spec_hash": spec.spec_hash, "runs_hash": spec.runs_hash, "dims": list(spec.dims),
            "variants": _variant_params(spec), "history": self._history,
            "updated": _now(), "counts": {"total": len(runs), **counts}, "runs": runs,
        }
        _write_json(self.root / MANIFEST, manifest)
        fsync_dir(self.root)
        self._manifest_written = time.monotonic()


def _variant_params(spec: SweepSpec) -> dict[str, dict[str, Any]]:
    """Scenario parameters of each variant used, before [fixed] and the swept values."""
    import scenarios

    base = scenarios.variants(scenarios.load(spec.scenario))
    return {v: base[v].to_dict() for v in dict.fromkeys(p.variant for p in spec.points)}


