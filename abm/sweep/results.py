"""Reading a sweep's results: the tidy table (`load`) and the folder's status (`status`).

Both verify the run files against their recorded checksums first (see
`abm.sweep.integrity`), so a damaged or duplicated file is never read as a result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from abm.provenance import describe_difference
from abm.sweep.folder import (
    OWNED,
    expected_checksums,
    kept_tables,
    read_journal,
    read_manifest,
)
from abm.sweep.integrity import TABLES, Problem, verify

_SORT = {"model": ["run_id", "period"], "workers": ["run_id", "period", "worker"],
         "firms": ["run_id", "period", "firm"]}


def _verify_folder(root: Path, manifest: dict[str, Any], kept: tuple[str, ...],
                   events: dict[int, dict[str, Any]] | None = None) -> Any:
    runs = manifest["runs"]
    idents = [(r.get("key"), r.get("seed")) for r in runs]
    events = {rid: e for rid, e in (read_journal(root) if events is None else events).items()
              if rid < len(idents) and (e.get("key"), e.get("seed")) == idents[rid]}
    code = (manifest.get("provenance") or {}).get("code", manifest.get("code"))
    return verify(root, idents, expected_checksums(manifest, events), kept, code), events


def load(out: str | os.PathLike[str], table: str = "model") -> pd.DataFrame:
    """Load a sweep's results as one tidy long DataFrame.

    Args:
        out: the sweep's output folder.
        table: "model" (default: one row per run and period), "workers" or "firms"
            (the kept cross-sections, one row per run, period and agent).

    Returns:
        Columns run_id, the swept parameters, seed, period, (worker or firm,) outputs;
        sorted by run_id and period. Only completed runs whose files verify against
        their recorded checksums are included (a warning names any others).
    """
    root = Path(out)
    if table not in TABLES:
        raise ValueError(f"table={table!r} must be one of {list(TABLES)}")
    manifest = read_manifest(root)
    kept = tuple(dict.fromkeys(("model", table)))
    checked, _ = _verify_folder(root, manifest, kept)
    if any(p.run_id is not None for p in checked.problems):  # not for a user's stray file
        import warnings

        bad = sum(p.run_id is not None for p in checked.problems)
        warnings.warn(f"{root}: {bad} run files are damaged, duplicated, "
                      "foreign or missing and are left out; `abm sweep --status` lists them "
                      "and rerunning the sweep recomputes them", stacklevel=2)
    files: dict[Path, list[int]] = {}
    for rid in sorted(checked.done):
        files.setdefault(checked.sources[table][rid], []).append(rid)
    if not files:
        return pd.DataFrame(columns=["run_id", *manifest.get("dims", []), "seed", "period"])
    data = pads.dataset([str(p) for p in files], format="parquet").to_table()
    if sum(len(r) for r in files.values()) != len(checked.sources[table]) or \
            any(r not in checked.done for r in checked.sources[table]):
        # rows of runs that are not done (a kept table missing) are left out
        data = data.filter(pc.is_in(data["run_id"], pa.array(sorted(checked.done),
                                                               type=data["run_id"].type)))
    df = data.to_pandas()
    return df.sort_values(_SORT[table], kind="stable").reset_index(drop=True)


@dataclass
class SweepStatus:
    """Progress and integrity of a sweep folder, for `abm sweep --status` and scripts."""

    out: Path
    scenario: str
    source: str
    total: int
    done: int
    failed: int
    pending: int
    wall_time: float
    failures: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    code_changed: str | None = None
    arithmetic: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every run finished successfully."""
        return self.done == self.total

    @property
    def intact(self) -> bool:
        """True when no file is damaged, duplicated, foreign or missing."""
        return not self.problems

    def of(self, kind: str) -> list[Problem]:
        """Problems of one kind: damaged, duplicate, foreign or missing."""
        return [p for p in self.problems if p.kind == kind]


def status(out: str | os.PathLike[str]) -> SweepStatus:
    """Counts of done, failed and pending runs, the failures, and every file's integrity."""
    root = Path(out)
    manifest = read_manifest(root)
    checked, events = _verify_folder(root, manifest, kept_tables(manifest["spec"].get("keep", {})))
    problems = list(checked.problems)
    problems += [Problem("foreign", p, None, "not part of a sweep folder")
                 for p in sorted(root.iterdir())
                 if p.name not in OWNED and not p.name.startswith(".")]
    failures, wall, arithmetic = [], 0.0, {}
    for run in manifest["runs"]:
        rid = run["run_id"]
        event = events.get(rid, {})
        if rid in checked.done:
            wall += float(event.get("wall_time") or run.get("wall_time") or 0.0)
            kind = event.get("numerics") or run.get("numerics") or "unrecorded"
            arithmetic[kind] = arithmetic.get(kind, 0) + 1
        elif event.get("status") == "failed":
            failures.append({"run_id": rid, "params": run["params"], "seed": run["seed"],
                             "error": event.get("error"), "host": event.get("host")})
    total, n_done = len(manifest["runs"]), len(checked.done)
    stored = manifest.get("provenance") or {"version": manifest.get("version")}
    return SweepStatus(out=root, scenario=manifest["spec"]["scenario"],
                       source=manifest.get("source", ""), total=total, done=n_done,
                       failed=len(failures), pending=total - n_done - len(failures),
                       wall_time=wall, failures=failures, problems=problems,
                       provenance=stored, code_changed=describe_difference(stored),
                       arithmetic=arithmetic)
