"""Validation of each section of a sweep spec, with errors that name the line or key.

`abm.sweep.spec.parse_spec` calls these in order; each checks one top-level key (or
table) completely and returns plain values. Parameter values are checked against the
metadata of `abm.params.Params` (type and range), so the rules cannot drift from the
model's own validation.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
from collections.abc import Mapping
from typing import Any

import scenarios
from abm.param_checks import type_name, validate_field
from abm.params import ParameterError, Params
from abm.sweep._lines import line_of

SPEC_KEYS = ("scenario", "periods", "seeds", "root_seed", "fixed", "grid", "points", "keep")
KEEP_KEYS = ("workers_at", "firms_at")
VARIANT = "variant"
MAX_POINTS = 1_000_000
MAX_RUNS = 10_000_000
_FIELDS = {f.name: f for f in dataclasses.fields(Params)}


class SpecError(ValueError):
    """The sweep specification is invalid; the message names the line or key to fix."""


# -- locating errors -------------------------------------------------------------------
class Where:
    """Builds SpecErrors that name the file line (TOML) or the key path (dict)."""

    def __init__(self, source: str, lines: dict[Any, int] | None) -> None:
        self.source, self.lines = source, lines

    def __call__(self, path: tuple[str | int, ...], message: str) -> SpecError:
        key = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                      for i, p in enumerate(path))
        if self.lines is None:
            return SpecError(f"spec key {key}: {message}" if key else f"spec: {message}")
        line = line_of(self.lines, path)
        place = f"{self.source}, line {line}" if line else self.source
        return SpecError(f"{place} ({key}): {message}" if key else f"{place}: {message}")


def suggest(name: str, known: list[str]) -> str:
    """A " Did you mean: ...?" hint for a misspelt name, or ""."""
    close = difflib.get_close_matches(name, known, n=3)
    return f" Did you mean: {', '.join(close)}?" if close else ""


def is_int(value: Any) -> bool:
    """An int that is not a bool (TOML `true` must not pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


# -- sections ----------------------------------------------------------------------------
def check_scenario(data: Mapping[str, Any], where: Where) -> tuple[str, dict[str, Params]]:
    """The scenario name and its {variant: Params}."""
    if "scenario" not in data:
        raise where((), "missing required key 'scenario' (one of: "
                        f"{', '.join(scenarios.names())})")
    name = data["scenario"]
    if not isinstance(name, str):
        raise where(("scenario",), f"scenario must be a name (string), got {name!r}")
    try:
        module = scenarios.load(name)
    except scenarios.UnknownScenario as exc:
        raise where(("scenario",), str(exc)) from None
    return name, scenarios.variants(module)


def check_periods(data: Mapping[str, Any], where: Where) -> int | None:
    """`periods`, checked like Params.n_periods; None keeps the scenario's value."""
    if "periods" not in data:
        return None
    value = check_param("n_periods", data["periods"], where, ("periods",))
    return int(value)


def check_seeds(data: Mapping[str, Any], where: Where,
                name: str) -> tuple[int | tuple[int, ...], Any, int | None]:
    """Replicates, plus the `seeds` and `root_seed` values the spec hash covers.

    Returns a seed count (not yet derived: the caller checks the run limit first, since
    deriving a million seeds takes tens of seconds) or the explicit seeds. Without
    `seeds` the scenario's own explicit SEEDS are used.
    """
    root = data.get("root_seed", 0)
    if not is_int(root) or root < 0:
        raise where(("root_seed",), f"root_seed={root!r} must be a non-negative int")
    raw = data.get("seeds", list(scenarios.load(name).SEEDS))
    if is_int(raw):
        if raw < 1:
            raise where(("seeds",), f"seeds={raw!r}: a seed count must be at least 1")
        if raw > MAX_RUNS:
            raise where(("seeds",), f"seeds={raw!r} exceeds the limit of {MAX_RUNS} runs")
        return raw, raw, root
    if not isinstance(raw, list | tuple):
        raise where(("seeds",), f"seeds must be a count (int >= 1) or a list of "
                                f"non-negative ints, got {raw!r}")
    if not raw:
        raise where(("seeds",), "seeds is an empty list; give at least one seed")
    for k, s in enumerate(raw):
        if not is_int(s) or s < 0:
            raise where(("seeds", k), f"seed {s!r} must be a non-negative int")
    if len(raw) > MAX_RUNS:
        raise where(("seeds",), f"{len(raw)} seeds exceed the limit of {MAX_RUNS} runs")
    dup = [s for s, n in counts(raw).items() if n > 1]
    if dup:
        raise where(("seeds",), f"seed {dup[0]!r} appears more than once")
    return tuple(int(s) for s in raw), [int(s) for s in raw], None


def check_fixed(data: Mapping[str, Any], where: Where, periods: int | None) -> dict[str, Any]:
    """The [fixed] overrides, each value checked against its Params field."""
    raw = data.get("fixed", {})
    if not isinstance(raw, Mapping):
        raise where(("fixed",), "fixed must be a table of parameter = value")
    out = {}
    for name, value in raw.items():
        if name == VARIANT:
            raise where(("fixed", name), "'variant' cannot be fixed; to run some variants "
                                         "only, list them in grid.variant")
        if name == "n_periods" and periods is not None:
            raise where(("fixed", name), "n_periods is set twice (also by 'periods')")
        out[name] = check_param(name, value, where, ("fixed", name))
    return out


def check_grid(raw: Any, where: Where, variants: dict[str, Params], fixed: dict[str, Any],
               periods: int | None) -> dict[str, list[Any]]:
    """The validated value list of every grid dimension (the product is built later).

    The number of points is the product of the list lengths; the caller checks it
    against the limits arithmetically before anything is built.
    """
    if not isinstance(raw, Mapping):
        raise where(("grid",), "grid must be a table of parameter = [values]")
    if not raw:
        raise where(("grid",), "the grid is empty; list at least one parameter with values "
                               "(or drop [grid] to replicate the scenario only)")
    axes: dict[str, list[Any]] = {}
    for name, values in raw.items():
        path = ("grid", name)
        check_dim(name, where, path, variants, fixed, periods)
        if not isinstance(values, list | tuple):
            raise where(path, f"grid values must be a list (write {name} = [{values!r}])")
        if not values:
            raise where(path, f"grid.{name} is an empty list; give at least one value")
        axes[name] = [dim_value(name, v, where, (*path, k), variants)
                      for k, v in enumerate(values)]
        dup = [v for v, n in counts(axes[name]).items() if n > 1]
        if dup:
            raise where(path, f"grid.{name} lists {dup[0]!r} more than once")
    return axes


def grid_combos(axes: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The full product of the grid's value lists, first dimension outermost."""
    dims = tuple(axes)
    return [dict(zip(dims, combo, strict=True)) for combo in itertools.product(*axes.values())]


def check_points(raw: Any, where: Where, variants: dict[str, Params], fixed: dict[str, Any],
                 periods: int | None
                 ) -> tuple[tuple[str, ...], list[dict[str, Any]], list[dict[str, Any]]]:
    """Dimensions (union of the points' keys, in order of appearance) and the points."""
    if not isinstance(raw, list | tuple) or not all(isinstance(p, Mapping) for p in raw):
        raise where(("points",), "points must be a list of tables ([[points]] in TOML)")
    if not raw:
        raise where(("points",), "points is empty; give at least one point")
    if len(raw) > MAX_POINTS:
        raise where(("points",), f"{len(raw)} points exceed the limit of {MAX_POINTS}")
    combos: list[dict[str, Any]] = []
    dims: dict[str, None] = {}
    seen: dict[Any, int] = {}  # point -> first index: repeats found in linear time
    for i, point in enumerate(raw):
        combo = {}
        for name, value in point.items():
            path = ("points", i, name)
            check_dim(name, where, path, variants, fixed, periods)
            combo[name] = dim_value(name, value, where, path, variants)
            dims.setdefault(name)
        first = seen.setdefault(_point_key(combo), i)
        if first != i:
            raise where(("points", i), f"points[{i}] repeats points[{first}]")
        combos.append(combo)
    if VARIANT in dims:
        for i, combo in enumerate(combos):
            if VARIANT not in combo:
                raise where(("points", i), "some points name a variant and this one does not; "
                                           "name it in every point or in none")
    return tuple(dims), combos, [dict(c) for c in combos]


def _point_key(combo: dict[str, Any]) -> Any:
    """A hashable key equal for equal points, whatever the order of their keys."""
    items = tuple(sorted(combo.items(), key=lambda kv: kv[0]))
    try:
        hash(items)
    except TypeError:
        return repr(items)
    return items


def check_keep(data: Mapping[str, Any], where: Where,
               last: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Cross-section periods; `last` is the shortest run's final period."""
    raw = data.get("keep", {})
    if not isinstance(raw, Mapping):
        raise where(("keep",), "keep must be a table with workers_at and/or firms_at")
    out = []
    for key in raw:
        if key not in KEEP_KEYS:
            raise where(("keep", key), f"unknown key {key!r}.{suggest(str(key), list(KEEP_KEYS))}"
                                       f" Known keys: {', '.join(KEEP_KEYS)}")
    for key in KEEP_KEYS:
        values = raw.get(key, [])
        path = ("keep", key)
        if not isinstance(values, list | tuple):
            raise where(path, f"{key} must be a list of periods, e.g. {key} = [0, {last}]")
        for k, t in enumerate(values):
            if not is_int(t) or not 0 <= t <= last:
                raise where((*path, k), f"period {t!r} must be an int in [0, {last}] "
                                        f"(0 is pre-AI, {last} the last period of every run)")
        if len(set(values)) != len(values):
            raise where(path, f"{key} lists a period more than once")
        out.append(tuple(sorted(int(t) for t in values)))
    return out[0], out[1]


# -- parameters ------------------------------------------------------------------------
def check_param(name: str, value: Any, where: Where, path: tuple[str | int, ...]) -> Any:
    """Check one value against its Params field (type and range); ints become floats."""
    f = _FIELDS.get(name)
    if f is None:
        raise where(path, f"unknown parameter {name!r}.{suggest(name, sorted(_FIELDS))}")
    if type_name(f) == "float" and is_int(value):
        value = float(value)
    try:
        validate_field(f, value)
    except ParameterError as exc:
        raise where(path, str(exc)) from None
    return value


def check_dim(name: str, where: Where, path: tuple[str | int, ...],
              variants: dict[str, Params], fixed: dict[str, Any], periods: int | None) -> None:
    """A swept name: a Params field not fixed elsewhere, or the scenario's variant."""
    if name == VARIANT:
        if len(variants) < 2:
            raise where(path, "this scenario has a single variant; 'variant' applies only to "
                              "multi-variant scenarios such as two_regimes")
        return
    if name not in _FIELDS:
        raise where(path, f"unknown parameter {name!r}.{suggest(name, sorted(_FIELDS))}")
    if name in fixed:
        raise where(path, f"{name} is both fixed and swept; remove it from [fixed]")
    if name == "n_periods" and periods is not None:
        raise where(path, "n_periods is set twice (also by 'periods')")


def dim_value(name: str, value: Any, where: Where, path: tuple[str | int, ...],
              variants: dict[str, Params]) -> Any:
    """One swept value: a known variant name or a valid parameter value."""
    if name == VARIANT:
        if value not in variants:
            raise where(path, f"unknown variant {value!r}; this scenario's variants: "
                              f"{', '.join(variants)}")
        return value
    return check_param(name, value, where, path)


def counts(values: Any) -> dict[Any, int]:
    """How often each value occurs (to report repeated seeds, values and points)."""
    out: dict[Any, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
