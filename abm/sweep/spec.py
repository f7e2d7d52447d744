"""The sweep specification: parsed, fully validated and expanded before any run starts.

A spec (a TOML file or an equivalent dict) names a scenario, a parameter grid (a full
cartesian product or explicit points), the replications (a seed count or a list), the
number of periods and which cross-sections to keep. `load_spec` turns it into a frozen
`SweepSpec` whose every run already has validated `Params`, so a typo or an
out-of-range value stops the sweep before the first simulation, with a message naming
the file line (or the dict key) to fix.

Seeds. With `seeds = N` the root seed of replicate k is drawn from
`numpy.random.SeedSequence(root_seed)` spawned at position k, and every parameter point
uses the same replicate seeds (common random numbers, as in the two_regimes scenario).
Adding points or more replicates therefore never changes the seed, and so the result,
of a run that already existed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abm.params import ParameterError, Params
from abm.sweep._lines import key_lines
from abm.sweep._seeds import replicate_seeds
from abm.sweep._sections import (
    MAX_POINTS,
    MAX_RUNS,
    SPEC_KEYS,
    VARIANT,
    SpecError,
    Where,
    check_fixed,
    check_grid,
    check_keep,
    check_periods,
    check_points,
    check_scenario,
    check_seeds,
    grid_combos,
    suggest,
)

__all__ = ["Point", "Run", "SpecError", "SweepSpec", "load_spec", "parse_spec",
           "replicate_seeds"]


@dataclass(frozen=True)
class Point:
    """One parameter point: a variant of the scenario plus the swept values."""

    index: int
    variant: str
    values: tuple[tuple[str, Any], ...]
    params: Params


@dataclass(frozen=True)
class Run:
    """One simulation: a point and a replicate seed; `run_id` is its position."""

    run_id: int
    point: Point
    replicate: int
    seed: int


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A validated sweep: the points, the replicate seeds and what to keep.

    Attributes:
        scenario: scenario name (see `scenarios.names()`).
        seeds: root seed of every replicate, shared by all points.
        dims: names of the parameter columns of the results (grid dimensions, plus
            "variant" for multi-variant scenarios).
        points: every parameter point, in sweep order.
        workers_at, firms_at: periods at which cross-sections are saved.
        canonical: the normalised spec (JSON-serialisable); what `spec_hash` covers.
        source: where the spec came from (a file path or "spec").
    """

    scenario: str
    seeds: tuple[int, ...]
    dims: tuple[str, ...]
    points: tuple[Point, ...]
    workers_at: tuple[int, ...]
    firms_at: tuple[int, ...]
    canonical: dict[str, Any]
    source: str

    @property
    def n_runs(self) -> int:
        """Number of runs: points times replicates."""
        return len(self.points) * len(self.seeds)

    def run(self, run_id: int) -> Run:
        """The run at position `run_id` (points outer, replicates inner)."""
        point, replicate = divmod(run_id, len(self.seeds))
        return Run(run_id, self.points[point], replicate, self.seeds[replicate])

    def runs(self) -> Iterator[Run]:
        """All runs in sweep order."""
        return (self.run(i) for i in range(self.n_runs))

    @property
    def spec_hash(self) -> str:
        """SHA-256 of the normalised spec: equal for equivalent TOML files and dicts."""
        return _digest(self.canonical)

    @property
    def runs_hash(self) -> str:
        """SHA-256 of every point's full parameters and the seeds.

        Differs from an earlier sweep with the same spec when a scenario's definition
        (or a default parameter) changed in between.
        """
        return _digest({"points": [p.params.to_dict() for p in self.points],
                        "seeds": list(self.seeds)})


MAX_SPEC_BYTES = 16 * 2**20


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# -- loading ---------------------------------------------------------------------------
def load_spec(spec: SweepSpec | Mapping[str, Any] | str | os.PathLike[str]) -> SweepSpec:
    """Return a validated `SweepSpec` from a spec object, a dict or a TOML file path.

    Raises:
        SpecError: the file is missing or not valid TOML, or the spec is invalid; the
            message names the line (TOML) or key (dict).
    """
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, Mapping):
        return parse_spec(spec)
    if isinstance(spec, str | os.PathLike):
        path = Path(spec)
        text = _read_spec_text(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"{path}: not valid TOML: {exc}") from None
        return parse_spec(data, source=str(path), lines=key_lines(text))
    raise SpecError(f"a spec must be a TOML file path, a dict or a SweepSpec, "
                    f"got {type(spec).__name__}")


def _read_spec_text(path: Path) -> str:
    """The text of a spec file: a regular file of at most MAX_SPEC_BYTES, in UTF-8.

    Devices and pipes (/dev/zero, /dev/stdin) are refused before reading: they may
    never end.
    """
    try:
        if not path.is_file():
            if not path.exists():
                raise SpecError(f"spec file {str(path)!r} not found")
            raise SpecError(f"spec file {str(path)!r} is not a regular file; give a .toml file")
        with open(path, "rb") as fh:
            data = fh.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise SpecError(f"cannot read spec file {str(path)!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"spec file {str(path)!r} is larger than {MAX_SPEC_BYTES // 2**20} MiB;"
                        " a sweep spec is a short TOML file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"cannot read spec file {str(path)!r}: not UTF-8 text ({exc.reason} "
                        f"at byte {exc.start})") from None


def parse_spec(data: Mapping[str, Any], *, source: str = "spec",
               lines: dict[Any, int] | None = None) -> SweepSpec:
    """Validate a spec given as a dict (the shape of the TOML file) and expand it.

    Args:
        data: the spec; see docs/SWEEPS.md for the keys.
        source: name used in error messages (the file path for TOML specs).
        lines: key-path -> line map of the TOML text, so errors can name lines.
    """
    where = Where(source, lines)
    if not isinstance(data, Mapping):
        raise where((), f"a spec must be a table (dict), got {type(data).__name__}")
    for key in data:
        if key not in SPEC_KEYS:
            raise where((key,), f"unknown key {key!r}.{suggest(str(key), list(SPEC_KEYS))} "
                                f"Known keys: {', '.join(SPEC_KEYS)}")
    name, variants = check_scenario(data, where)
    periods = check_periods(data, where)
    seeds_raw, seeds_canon, root_canon = check_seeds(data, where, name)
    fixed = check_fixed(data, where, periods)
    if "grid" in data and "points" in data:
        raise where(("points",), "give either [grid] (a full product) or [[points]] "
                                 "(explicit points), not both")
    axes: dict[str, list[Any]] | None = None
    if "grid" in data:
        axes = check_grid(data["grid"], where, variants, fixed, periods)
        dims, canon_grid, canon_points = tuple(axes), {k: list(v) for k, v in axes.items()}, None
        n_combos = math.prod(len(v) for v in axes.values())
    elif "points" in data:
        dims, combos, canon_points = check_points(data["points"], where, variants, fixed, periods)
        canon_grid, n_combos = None, len(combos)
    else:
        dims, combos, canon_grid, canon_points, n_combos = (), [{}], None, None, 1
    by_variant = len(variants) > 1 and VARIANT not in dims
    # sizes are checked arithmetically, before any point is built or seed derived
    n_points = n_combos * (len(variants) if by_variant else 1)
    n_seeds = seeds_raw if isinstance(seeds_raw, int) else len(seeds_raw)
    if n_points > MAX_POINTS:
        raise where(("grid",) if axes is not None else ("points",),
                    f"the sweep has {n_points} parameter points; the limit is {MAX_POINTS}")
    if n_points * n_seeds > MAX_RUNS:
        raise where(("seeds",), f"{n_points} points x {n_seeds} seeds = "
                                f"{n_points * n_seeds} runs exceeds the limit of {MAX_RUNS}")
    if axes is not None:
        combos = grid_combos(axes)
        origins: list[tuple[str | int, ...]] = [("grid",)] * len(combos)
    elif canon_points is not None:
        origins = [("points", i) for i in range(len(combos))]
    else:
        origins = [("fixed",)]
    if by_variant:
        dims = (VARIANT, *dims)
        combos = [{VARIANT: v, **c} for v in variants for c in combos]
        origins = [o for _ in variants for o in origins]
    points = _build_points(combos, origins, dims, variants, fixed, periods, where)
    seeds = replicate_seeds(seeds_raw, root_canon or 0) if isinstance(seeds_raw, int) \
        else seeds_raw
    workers_at, firms_at = check_keep(data, where, min(p.params.n_periods for p in points))
    resolved_periods = {p.params.n_periods for p in points}
    canonical = {
        "scenario": name,
        "periods": resolved_periods.pop() if len(resolved_periods) == 1 else None,
        "seeds": seeds_canon, "root_seed": root_canon,
        "fixed": dict(sorted(fixed.items())), "grid": canon_grid, "points": canon_points,
        "keep": {"workers_at": list(workers_at), "firms_at": list(firms_at)},
    }
    return SweepSpec(scenario=name, seeds=seeds, dims=tuple(dims), points=tuple(points),
                     workers_at=workers_at, firms_at=firms_at, canonical=canonical,
                     source=source)


def _build_points(combos: list[dict[str, Any]], origins: list[tuple[str | int, ...]],
                  dims: tuple[str, ...], variants: dict[str, Params], fixed: dict[str, Any],
                  periods: int | None, where: Where) -> list[Point]:
    """Full Params of every point; cross-parameter rules are checked here."""
    default_variant = next(iter(variants))
    points = []
    for index, (combo, origin) in enumerate(zip(combos, origins, strict=True)):
        variant = combo.get(VARIANT, default_variant)
        changes = {**fixed, **{k: v for k, v in combo.items() if k != VARIANT}}
        if periods is not None:
            changes["n_periods"] = periods
        try:
            params = variants[variant].replace(**changes)
        except ParameterError as exc:
            shown = ", ".join(f"{k}={v!r}" for k, v in combo.items()) or f"variant {variant}"
            raise where(origin, f"the point ({shown}) is invalid: {exc}") from None
        values = tuple((d, variant if d == VARIANT else getattr(params, d)) for d in dims)
        points.append(Point(index, variant, values, params))
    return points


