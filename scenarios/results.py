"""A scenario's results folder: checked before any work, protected, and self-describing.

Layout (default `results/<scenario>/`):
- `results.parquet`: tidy table, one row per (variant, seed, period), all model columns;
- `summary.csv`: per variant, period-0 and final means, ΔGini ± SE and the regime;
- `paths.png`: income Gini and both within-task CVs (equal AI access and realised);
- `params.json`: the parameters of every variant;
- `provenance.json`: scenario, seeds, overrides, parameters, and `abm.provenance`
  (package version, model-code fingerprint, commit, dependency versions).

`check_folder` runs before the first simulation: an output path that is a file, lies
under a file, or cannot be written is refused; so is a folder holding results made with
other parameters, seeds or model code, unless the user passes `--force`. A folder made
by the same run (same parameters and code) is simply refreshed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abm.cli_checks import check_out_folder
from abm.params import ParameterError
from abm.provenance import describe_difference, provenance

if TYPE_CHECKING:
    import pandas as pd

FILES = ("results.parquet", "summary.csv", "paths.png", "params.json", "provenance.json")


def record(scenario: str, seeds: list[int], overrides: dict[str, Any],
           params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What `provenance.json` holds for a run."""
    return {"scenario": scenario, "seeds": list(seeds), "overrides": overrides,
            "params": params, "provenance": provenance()}


def _difference(stored: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The first difference that makes stored results another run's, or None."""
    if stored.get("scenario") != new["scenario"]:
        return f"scenario {stored.get('scenario')!r}, not {new['scenario']!r}"
    if stored.get("seeds") != new["seeds"]:
        return f"seeds {stored.get('seeds')}, not {new['seeds']}"
    old_params, new_params = stored.get("params", {}), new["params"]
    if set(old_params) != set(new_params):
        return f"variants {sorted(old_params)}, not {sorted(new_params)}"
    for variant, values in new_params.items():
        for key, value in values.items():
            if old_params[variant].get(key) != value:
                return (f"{key}={old_params[variant].get(key)!r} in {variant}, "
                        f"not {value!r}")
    code = describe_difference(stored.get("provenance", {}), new["provenance"])
    return f"other model code ({code})" if code else None


def check_folder(out: Path, new: dict[str, Any], force: bool = False) -> None:
    """Refuse an output folder that cannot be written or would lose other results.

    Raises ParameterError with one line naming the folder and the remedy.
    """
    check_out_folder(out, ParameterError)
    if not out.exists() or not any((out / f).exists() for f in FILES):
        return
    try:
        stored = json.loads((out / "provenance.json").read_text())
        why = _difference(stored, json.loads(json.dumps(new, default=str)))
    except (OSError, ValueError, KeyError, AttributeError):
        why = "no readable provenance.json"
    if why is not None and not force:
        raise ParameterError(f"--out {out} holds results of another run ({why}); pass "
                             "--force to overwrite them, or choose another --out")


def save(df: pd.DataFrame, summary: pd.DataFrame, out: Path, meta: dict[str, Any],
         title: str) -> None:
    """Write every file of the layout into `out` (the Parquet table atomically)."""
    from scenarios.plot import plot_paths

    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "results.parquet.tmp"
    df.to_parquet(tmp)
    tmp.replace(out / "results.parquet")
    summary.to_csv(out / "summary.csv")
    (out / "params.json").write_text(json.dumps(meta["params"], indent=2))
    (out / "provenance.json").write_text(json.dumps(meta, indent=2, default=str))
    plot_paths(df, out / "paths.png", title)
