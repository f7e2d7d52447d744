"""Simulated dgini at parameter points, run through the sweep runner.

For each point and replicate seed the sweep runs the economy twice, with AI and with
`ai_enabled=False` (the no-AI counterfactual, same seed, so the same initial economy and
the same draws in every phase: common random numbers). The simulated change is

    dgini_sim = gini_income_T(AI) − gini_income_T(no AI)    at the final period T,

the same comparison the mean field makes between its AI state and its pre-AI state.
The no-AI economy is stationary by design (its income Gini drifts by −0.0002 over 30
years at the baseline), so it stands for "before AI"; taken at the same date and with
the same draws it nets out even that drift and gives a smaller standard error than the
change from period 0.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params


def to_fields(values: dict[str, Any], base: Params) -> dict[str, Any]:
    """Translate axis values into Params fields (proprietary_share -> eta0, eta1)."""
    out = dict(values)
    share = out.pop("proprietary_share", out.pop("eta1_share", None))
    if share is not None:
        total = out.get("eta0", base.eta0) + out.get("eta1", base.eta1)
        out["eta0"], out["eta1"] = (1.0 - share) * total, share * total
    return out


def build_spec(points: list[dict[str, Any]], *, base: Params, fixed: dict[str, Any],
               seeds: int, periods: int, root_seed: int = 0,
               scenario: str = "baseline") -> dict[str, Any]:
    """A sweep spec running every point with AI and without (ai_enabled a dimension).

    Args:
        points: axis values per point (may use proprietary_share).
        base: the scenario's parameters after `fixed` (used to resolve shares).
        fixed: parameters held at one value for all points.
        seeds: replicates per point (the sweep derives their seeds from root_seed).
        periods: periods after period 0.
    """
    rows = []
    for values in points:
        fields = to_fields(values, base)
        for enabled in (True, False):
            rows.append({**{k: _plain(v) for k, v in fields.items()}, "ai_enabled": enabled})
    return {"scenario": scenario, "periods": int(periods), "seeds": int(seeds),
            "root_seed": int(root_seed), "fixed": {k: _plain(v) for k, v in fixed.items()},
            "points": rows}


def _plain(v: Any) -> Any:
    """numpy scalars as Python ones: the sweep spec is JSON and checks types strictly."""
    if isinstance(v, np.generic):
        return v.item()
    return v


def run_spec(spec: dict[str, Any], out: Path, client: Any = None) -> pd.DataFrame:
    """Run a spec through `abm.sweep.run_sweep` (parallel on Dask, resumable) and load it.

    Args:
        spec: a sweep spec dict (see `build_spec`).
        out: the sweep's own folder; rerunning with the same spec resumes it.
        client: passed to `run_sweep` (None: a local Dask cluster; "serial": in-process).
    """
    from abm.sweep import run_sweep

    # progress as every sweep shows it: a bar on a terminal, lines in logs and pipes
    return run_sweep(spec, out, client=client, progress=None)


def summarize(df: pd.DataFrame, points: list[dict[str, Any]], base: Params,
              periods: int) -> pd.DataFrame:
    """One row per point: mean simulated dgini over seeds, its standard error, CV change.

    Args:
        df: the sweep's tidy table (run_id, point columns, seed, period, model columns).
        points: the points as given to `build_spec`, in order.
        base: parameters the points were built on.
        periods: the final period T.
    """
    final = df[df["period"] == periods]
    dims = sorted({k for values in points for k in to_fields(values, base)})
    rows = []
    for values in points:
        full = point_params(values, base)
        mask = np.ones(len(final), dtype=bool)
        for k in dims:
            v = getattr(full, k)
            col = final[k].to_numpy()
            mask &= (np.isclose(col.astype(float), float(v), rtol=0, atol=1e-12)
                     if not isinstance(v, bool | str) else col == v)
        sub = final[mask]
        on = sub[sub["ai_enabled"]].set_index("seed")
        off = sub[~sub["ai_enabled"]].set_index("seed")
        seeds = on.index.intersection(off.index)
        d = (on.loc[seeds, "gini_income"] - off.loc[seeds, "gini_income"]).to_numpy()
        dcv = (on.loc[seeds, "within_task_cv_exposed"]
               - off.loc[seeds, "within_task_cv_exposed"]).to_numpy()
        dk = (on.loc[seeds, "gini_assets"] - off.loc[seeds, "gini_assets"]).to_numpy()
        n = d.size
        rows.append({**values, "n_seeds": n,
                     "sim_dgini": float(d.mean()) if n else math.nan,
                     "sim_se": float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
                     "sim_dcv": float(dcv.mean()) if n else math.nan,
                     "sim_dgini_assets": float(dk.mean()) if n else math.nan,
                     "sim_gini_before": float(off.loc[seeds, "gini_income"].mean())
                     if n else math.nan,
                     "sim_cv_before": float(off.loc[seeds, "within_task_cv_exposed"].mean())
                     if n else math.nan,
                     "sim_cv_after": float(on.loc[seeds, "within_task_cv_exposed"].mean())
                     if n else math.nan})
    return pd.DataFrame(rows)


def point_params(values: dict[str, Any], base: Params) -> Params:
    """Full Params of a point (what the mean field is evaluated at)."""
    return base.replace(**to_fields(values, base))


__all__ = ["build_spec", "point_params", "run_spec", "summarize", "to_fields"]
