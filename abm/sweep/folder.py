"""Reading a sweep folder's bookkeeping: its manifest and journal, and what they record.

Shared by the writer (`abm.sweep.store`) and the readers (`abm.sweep.results`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from abm.sweep.integrity import QUARANTINE, TABLES

MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
OWNED = frozenset({MANIFEST, JOURNAL, LOCK, QUARANTINE, *TABLES})


class StoreError(ValueError):
    """The output folder cannot be used for this sweep (changed spec, busy, not a sweep)."""


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of a sweep folder; StoreError when it is missing or damaged."""
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        hint = ("; rerun the sweep command (abm sweep SPEC --out DIR) to rebuild it from the "
                "run files" if (Path(root) / "model").is_dir() else "")
        raise StoreError(f"{root} is not a sweep output folder (no {MANIFEST}){hint}") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path} is damaged ({exc}); rerun the sweep command (abm sweep "
                         "SPEC --out DIR) to rebuild it from the run files") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("runs"), list):
        raise StoreError(f"{path} is damaged (no run list); rerun the sweep command to "
                         "rebuild it from the run files")
    return manifest


def read_journal(root: Path) -> dict[int, dict[str, Any]]:
    """Last journal event of every run; a line cut short by a kill is skipped."""
    events: dict[int, dict[str, Any]] = {}
    path = Path(root) / JOURNAL
    if not path.exists():
        return events
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                event = json.loads(line)
                events[int(event["run_id"])] = event
            except (ValueError, KeyError, TypeError):
                continue
    return events


def repair_journal(path: Path) -> bool:
    """Cut a last line torn by a crash, so the next event starts on a line of its own."""
    if not path.exists():
        return False
    with open(path, "rb+") as fh:
        data = fh.read()
        if not data or data.endswith(b"\n"):
            return False
        fh.truncate(data.rfind(b"\n") + 1)
    return True


def expected_checksums(manifest: dict[str, Any] | None,
                       events: dict[int, dict[str, Any]]) -> dict[tuple[str, int], str]:
    """Recorded checksums by file, {(table, first run of the file): sha256}.

    Each run's entry (the manifest's, overridden by a later journal event) names the
    batch file holding it ("batch", its first run; a run stored on its own before runs
    were batched has none and is its own batch) and that file's checksum per table.
    """
    by_run = {int(r["run_id"]): r for r in (manifest or {}).get("runs", [])
              if isinstance(r, dict) and r.get("files")}
    by_run.update({rid: e for rid, e in events.items()
                   if e.get("status") == "done" and e.get("files")})
    return {(table, int(entry.get("batch", rid))): digest for rid, entry in by_run.items()
            for table, digest in (entry.get("files") or {}).items()}


def kept_tables(keep: dict[str, Any]) -> tuple[str, ...]:
    return ("model", *(t for t in ("workers", "firms") if keep.get(f"{t}_at")))
