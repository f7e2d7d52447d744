"""What a sweep folder's run files really hold: checksums, verification and quarantine.

The manifest and the journal record the SHA-256 of every file a run wrote. Verifying a
folder hashes each run file and sorts it into one of:

* ok: the recorded checksum matches, or (for a file written just before a kill, whose
  checksum was never recorded) its Parquet footer parses and its embedded run record
  names this run, this point and this seed;
* damaged: truncated, empty, a flipped byte, unreadable;
* duplicate: an intact file of another run copied over this one (its checksum is that
  of another run, or its embedded record names another run);
* foreign: a file of another sweep or another version of the model, a run number the
  sweep does not have, or a file that is not a run file at all;
* missing: a run recorded as done whose file is gone.

A run counts as done only when its model file (and each kept cross-section) is ok. A
resumed sweep moves damaged, duplicate and foreign run files into `damaged/` (nothing
is deleted) and recomputes those runs; `abm sweep --status` reports them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

TABLES = ("model", "workers", "firms")
QUARANTINE = "damaged"
META_KEY = b"abm.sweep.run"
_RUN_NAME = re.compile(r"run-(\d{6,})\.parquet")


def run_file(root: Path, table: str, run_id: int) -> Path:
    """Path of one run's Parquet file in `table`."""
    return root / table / f"run-{run_id:06d}.parquet"


def sha256_bytes(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def run_record(path: Path) -> dict[str, Any] | None:
    """The run record embedded in a run file's Parquet metadata; None if unreadable."""
    try:
        meta = pq.read_metadata(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, ValueError, KeyError, TypeError, Exception):  # any damage: unreadable
        return None


@dataclass
class Problem:
    """One file (or absent file) that does not hold what the sweep expects."""

    kind: str            # damaged, duplicate, foreign or missing
    path: Path
    run_id: int | None
    detail: str

    def describe(self, root: Path) -> str:
        where = self.path.relative_to(root).as_posix()
        return f"{where}: {self.detail}" if self.detail else where


@dataclass
class Verified:
    """Outcome of verifying a sweep folder."""

    done: set[int] = field(default_factory=set)
    checksums: dict[int, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


def verify(root: Path, idents: list[tuple[str, int]], expected: dict[int, dict[str, str]],
           kept: Iterable[str], code: str) -> Verified:
    """Verify every run file under `root`.

    Args:
        idents: (point key, seed) of every run, indexed by run_id.
        expected: recorded checksums, {run_id: {table: sha256}}.
        kept: the tables every run writes ("model" plus kept cross-sections).
        code: the model-code fingerprint the files must have been written with.
    """
    out = Verified()
    ok: dict[int, set[str]] = {}
    owner = {(table, digest): rid for rid, files in expected.items()
             for table, digest in files.items()}
    for table in TABLES:
        folder = root / table
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            match = _RUN_NAME.fullmatch(entry.name)
            if match is None or not entry.is_file():
                out.problems.append(Problem("foreign", path, None, "not a run file"))
                continue
            rid = int(match.group(1))
            if rid >= len(idents):
                out.problems.append(Problem("foreign", path, rid,
                                            f"run {rid} is not part of this sweep"))
                continue
            kind, detail, digest = _check(path, table, rid, idents[rid], expected, owner, code)
            if kind == "ok":
                ok.setdefault(rid, set()).add(table)
                out.checksums.setdefault(rid, {})[table] = digest
            else:
                out.problems.append(Problem(kind, path, rid, detail))
    kept = tuple(kept)
    for rid in range(len(idents)):
        have = ok.get(rid, set())
        if all(t in have for t in kept):
            out.done.add(rid)
        for table in expected.get(rid, {}):
            if table not in have and not run_file(root, table, rid).exists():
                out.problems.append(Problem("missing", run_file(root, table, rid), rid,
                                            "recorded as done, file absent"))
    return out


def _check(path: Path, table: str, rid: int, ident: tuple[str, int],
           expected: dict[int, dict[str, str]], owner: dict[tuple[str, str], int],
           code: str) -> tuple[str, str, str]:
    try:
        digest = sha256_file(path)
    except OSError as exc:
        return "damaged", f"unreadable ({exc.strerror or exc})", ""
    want = expected.get(rid, {}).get(table)
    if want is not None:
        if digest == want:
            return "ok", "", digest
        other = owner.get((table, digest))
        if other is not None and other != rid:
            return "duplicate", f"a copy of run {other}", digest
        size = path.stat().st_size
        return "damaged", ("empty" if size == 0 else "checksum mismatch"), digest
    record = run_record(path)  # written just before a kill: no checksum recorded yet
    if record is None:
        return "damaged", "not a readable run file", digest
    if record.get("run_id") != rid:
        return "duplicate", f"a copy of run {record.get('run_id')}", digest
    if (record.get("key"), record.get("seed")) != tuple(ident):
        return "foreign", "written by another sweep (other parameters or seed)", digest
    if (record.get("provenance") or {}).get("code") != code:
        return "foreign", "written by other model code", digest
    return "ok", "", digest


def quarantine(root: Path, problems: Iterable[Problem], stamp: str) -> list[Path]:
    """Move damaged, duplicate and foreign run files into `root/damaged/` (kept, not deleted)."""
    moved = []
    for problem in problems:
        if problem.kind == "missing" or problem.run_id is None or not problem.path.exists():
            continue
        table = problem.path.parent.name
        target = root / QUARANTINE / table / f"{problem.path.name}.{problem.kind}.{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(problem.path, target)
        moved.append(target)
    return moved


def fsync_dir(path: Path) -> None:
    """Make renames and creations inside `path` durable (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
