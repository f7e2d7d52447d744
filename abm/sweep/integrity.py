"""What a sweep folder's run files really hold: checksums, verification and quarantine.

A run file holds a batch of runs (one run, for a batch of one) and is named after the
first of them. The manifest and the journal record the SHA-256 of every file a batch
wrote. Verifying a folder hashes each run file and sorts it into one of:

* ok: the recorded checksum matches, or (for a file written just before a kill, whose
  checksum was never recorded) its Parquet footer parses and its embedded record names
  runs of this sweep, with their points and seeds, written by this model code;
* damaged: truncated, empty, a flipped byte, unreadable;
* duplicate: an intact file of another batch copied over this one (its checksum is that
  of another file, or its embedded record starts with another run), or a file holding a
  run that an accepted file already holds;
* foreign: a file of another sweep or another version of the model, a run number the
  sweep does not have, or a file that is not a run file at all;
* missing: a file recorded as written that is gone.

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
    """Path of the Parquet file in `table` of the batch whose first run is `run_id`."""
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
    sources: dict[str, dict[int, Path]] = field(default_factory=dict)  # table -> run -> file
    batch: dict[int, int] = field(default_factory=dict)  # run -> first run of its file

    def partial(self) -> list[Path]:
        """Accepted files holding runs that are not done (a batch cut short by a kill)."""
        return sorted({path for table in self.sources.values()
                       for rid, path in table.items() if rid not in self.done})

    def of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


def runs_in(record: dict[str, Any]) -> list[tuple[int, Any, Any]]:
    """(run_id, key, seed) of every run a file's embedded record describes.

    A batch file's record lists its runs under "runs"; a file of a single run (as
    written before runs were batched) carries run_id, key and seed at its top level.
    """
    if isinstance(record.get("runs"), list):
        return [(r.get("run_id"), r.get("key"), r.get("seed")) for r in record["runs"]
                if isinstance(r, dict)]
    return [(record.get("run_id"), record.get("key"), record.get("seed"))]


def verify(root: Path, idents: list[tuple[str, int]], expected: dict[tuple[str, int], str],
           kept: Iterable[str], code: str) -> Verified:
    """Verify every run file under `root`.

    A run file holds a batch of runs and is named after the first (lowest) of them.
    Files whose checksum is recorded are accepted first, then intact unrecorded ones
    (written just before a kill) in name order; a file holding a run that an accepted
    file already holds is a duplicate.

    Args:
        idents: (point key, seed) of every run, indexed by run_id.
        expected: recorded checksums, {(table, first run_id of the file): sha256}.
        kept: the tables every run writes ("model" plus kept cross-sections).
        code: the model-code fingerprint the files must have been written with.
    """
    out = Verified()
    owner = {(table, digest): first for (table, first), digest in expected.items()}
    for table in TABLES:
        folder = root / table
        if not folder.is_dir():
            continue
        checked = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            match = _RUN_NAME.fullmatch(entry.name)
            if match is None or not entry.is_file():
                out.problems.append(Problem("foreign", path, None, "not a run file"))
                continue
            first = int(match.group(1))
            if first >= len(idents):
                out.problems.append(Problem("foreign", path, first,
                                            f"run {first} is not part of this sweep"))
                continue
            kind, detail, digest, runs = _check(path, table, first, idents, expected, owner,
                                                code)
            if kind == "ok":
                checked.append(((table, first) not in expected, first, path, digest, runs))
            else:
                out.problems.append(Problem(kind, path, first, detail))
        have = out.sources.setdefault(table, {})
        for _, first, path, digest, runs in sorted(checked, key=lambda c: c[:2]):
            if any(rid in have for rid in runs):
                other = next(have[rid] for rid in runs if rid in have)
                out.problems.append(Problem("duplicate", path, first,
                                            f"holds runs of {other.name}"))
                continue
            for rid in runs:
                have[rid] = path
                out.checksums.setdefault(rid, {})[table] = digest
                out.batch[rid] = first
    kept = tuple(kept)
    for rid in range(len(idents)):
        if all(rid in out.sources.get(t, {}) for t in kept):
            out.done.add(rid)
    for (table, first) in sorted(expected, key=lambda k: (k[1], k[0])):
        path = run_file(root, table, first)
        if not path.exists():
            out.problems.append(Problem("missing", path, first, "recorded as done, file absent"))
    return out


def _check(path: Path, table: str, first: int, idents: list[tuple[str, int]],
           expected: dict[tuple[str, int], str], owner: dict[tuple[str, str], int],
           code: str) -> tuple[str, str, str, list[int]]:
    try:
        digest = sha256_file(path)
    except OSError as exc:
        return "damaged", f"unreadable ({exc.strerror or exc})", "", []
    want = expected.get((table, first))
    if want is not None and digest != want:
        other = owner.get((table, digest))
        if other is not None and other != first:
            return "duplicate", f"a copy of run {other}", digest, []
        size = path.stat().st_size
        return "damaged", ("empty" if size == 0 else "checksum mismatch"), digest, []
    record = run_record(path)
    if record is None:
        return "damaged", "not a readable run file", digest, []
    runs = runs_in(record)
    ids = [rid for rid, _, _ in runs]
    if not ids or not all(isinstance(rid, int) for rid in ids):
        return "damaged", "not a readable run file", digest, []
    if min(ids) != first:
        return "duplicate", f"a copy of run {min(ids)}", digest, []
    if want is not None:  # the recorded checksum vouches for the content
        return "ok", "", digest, ids
    for rid, key, seed in runs:
        if rid >= len(idents) or (key, seed) != tuple(idents[rid]):
            return "foreign", "written by another sweep (other parameters or seed)", digest, []
    if (record.get("provenance") or {}).get("code") != code:
        return "foreign", "written by other model code", digest, []
    return "ok", "", digest, ids


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
