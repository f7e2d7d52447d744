"""Which run has which number: a new sweep, an extended one, or one rebuilt from its files.

A run is identified by what it computes: the digest of its point's full parameters (its
"key") and its seed. Run numbers are stable: a new sweep numbers its runs in spec order
(points outer, replicates inner); extending it (more seeds, more grid values or points)
keeps every existing run's number and numbers the new runs after them, in spec order.
So an extended folder is the old folder plus new files, and nothing is recomputed.

Anything that would change or drop an existing run (a fixed parameter, the periods,
the root seed, the kept cross-sections, the swept parameters themselves, or a scenario
whose definition changed) is refused with a message naming it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from abm.sweep.spec import Run, SweepSpec

EXTENDABLE = ("seeds", "grid", "points")


class LayoutError(ValueError):
    """The spec cannot be laid over the runs already in the folder."""


@lru_cache(maxsize=4)
def point_keys(spec: SweepSpec) -> tuple[str, ...]:
    """Digest (16 hex digits) of each point's full parameters, by point index."""
    return tuple(hashlib.sha256(json.dumps(p.params.to_dict(), sort_keys=True, default=str)
                           .encode()).hexdigest()[:16] for p in spec.points)


def fresh(spec: SweepSpec) -> list[Run]:
    """The runs of a new sweep, numbered in spec order."""
    return list(spec.runs())


def _identified(spec: SweepSpec) -> dict[tuple[str, int], Run]:
    keys = point_keys(spec)
    return {(keys[r.point.index], r.seed): r for r in spec.runs()}


def extend(spec: SweepSpec, manifest: dict[str, Any], root: Path) -> list[Run]:
    """The runs of `spec` over an existing folder: old numbers kept, new runs appended.

    Raises:
        LayoutError: the spec changes or drops runs of the existing sweep.
    """
    old_spec = manifest.get("spec", {})
    changed = [k for k in dict.fromkeys([*old_spec, *spec.canonical])
               if old_spec.get(k) != spec.canonical.get(k)]
    fixed = [k for k in changed if k not in EXTENDABLE]
    hint = (f"an existing sweep can only be extended (more seeds, grid values or points); "
            f"use a new --out folder, or delete {root} to start over")
    if fixed:
        raise LayoutError(f"{root} holds a sweep of a different spec (changed: "
                          f"{', '.join(changed)}); {hint}")
    if list(manifest.get("dims", [])) != list(spec.dims):
        raise LayoutError(f"{root} holds a sweep of a different spec (changed: the swept "
                          f"parameters, {manifest.get('dims')} -> {list(spec.dims)}); {hint}")
    old = manifest.get("runs", [])
    if [r.get("run_id") for r in old] != list(range(len(old))):
        raise LayoutError(f"{root}/manifest.json lists runs out of order; it was edited or "
                          "damaged: delete it and rerun the same command to rebuild it")
    wanted = _identified(spec)
    runs, dropped = [], []
    for entry in old:
        run = wanted.pop((entry.get("key"), entry.get("seed")), None)
        if run is None:
            dropped.append(entry)
        else:
            runs.append(dataclasses.replace(run, run_id=entry["run_id"]))
    if dropped:
        raise LayoutError(_dropped_message(spec, dropped, len(old), changed, root, hint))
    new = sorted(wanted.values(), key=lambda r: r.run_id)
    runs += [dataclasses.replace(r, run_id=len(old) + i) for i, r in enumerate(new)]
    return runs


def _dropped_message(spec: SweepSpec, dropped: list[dict[str, Any]], total: int,
                     changed: list[str], root: Path, hint: str) -> str:
    by_values = {(json.dumps(dict(r.point.values), default=str), r.seed) for r in spec.runs()}
    first = dropped[0]
    if (json.dumps(first.get("params", {}), default=str), first.get("seed")) in by_values:
        return (f"the parameters of scenario {spec.scenario!r} changed since {root} was "
                "started; use a new --out folder so that results are not mixed")
    return (f"{root} holds a sweep of a different spec (changed: "
            f"{', '.join(changed) or 'runs'}): {len(dropped)} of its {total} runs are not in "
            f"the new spec (first: run {first.get('run_id')}, {first.get('params')}, seed "
            f"{first.get('seed')}); {hint}")


def adopt(spec: SweepSpec, found: dict[int, tuple[str, int]], root: Path) -> list[Run]:
    """The runs of `spec` when the manifest is lost: intact run files keep their numbers.

    `found` maps the run number of every intact model file to its (key, seed). The
    other runs take the free numbers in spec order, which reproduces the original
    numbering of any sweep that was never extended.
    """
    wanted = _identified(spec)
    fixed: dict[int, Run] = {}
    if any(rid >= spec.n_runs for rid in found):
        raise LayoutError(f"{root} holds run files numbered beyond this spec's "
                          f"{spec.n_runs} runs; use a new --out folder")
    for rid, ident in sorted(found.items()):
        run = wanted.pop(ident, None)
        if run is None:
            raise LayoutError(f"{root} holds run files of a different sweep (run {rid} has "
                              "other parameters or another seed than this spec); use a new "
                              "--out folder")
        fixed[rid] = dataclasses.replace(run, run_id=rid)
    rest = iter(sorted(wanted.values(), key=lambda r: r.run_id))
    return [fixed.get(rid) or dataclasses.replace(next(rest), run_id=rid)
            for rid in range(spec.n_runs)]


def idents(runs: Iterable[Run], keys: Sequence[str]) -> list[tuple[str, int]]:
    """(key, seed) of each run, by run number."""
    return [(keys[r.point.index], r.seed) for r in runs]
