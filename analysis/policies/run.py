"""Each lever against the unchanged base, paired on common seeds, through the sweep runner.

Every policy (the base and each lever) is a point of one sweep, run with AI and without
(`ai_enabled=False`, the no-AI counterfactual of the same seed). All points use the same
seeds (common random numbers), so a lever's difference from the base is taken seed by
seed and its standard error is the seed-to-seed SE of the paired differences. Runs of one
seed in one batch that differ only in parameters acting after period 0 (`abm.branch`)
share one burn-in; each batch holds one policy's AI and no-AI runs of every seed, so each
pair is two branches of one past. The sweep runner runs on Dask and resumes an
interrupted run (`abm.sweep.run_sweep`).

Statistics at the final period T (the base's `n_periods` unless overridden), per policy:

- level of each of `STATISTICS` in the AI economy (`unemployment` = 1 − employment rate);
- `d_<stat>`: lever minus base, same seed, both with AI (the lever's effect);
- `pct_<stat>` for the income levels of `RELATIVE`: the same in percent of the base;
- `dgini_ai`: Gini of income with AI minus without AI, both under the policy (AI's
  effect on inequality in the policy's own economy; for the base, the base's);
- `dgini_ai_vs_base`: the lever's `dgini_ai` minus the base's (how much the lever
  changes AI's effect on inequality).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params
from analysis.policies.levers import LEVERS, check_names

BASE = "base"
"""Name of the unchanged economy in every table."""

STATISTICS = ("gini_income", "mean_income", "labor_share", "income_share_bottom50",
              "income_share_top10", "unemployment", "atkinson_1", "atkinson_2",
              "ede_income_1", "ede_income_2", "mean_education", "diagnostic_variance",
              "codifiable_employment_share", "tax_revenue_share", "edu_subsidy_share")
"""Model columns summarised per policy at period T, and three derived from them:
`unemployment` = 1 − employment_rate, `tax_revenue_share` = taxes_total / output_total
(the AI-rent tax, all rebated), `edu_subsidy_share` = edu_subsidy_total / output_total."""

RELATIVE = ("mean_income", "ede_income_1", "ede_income_2")
"""Levels also compared in percent of the base's, seed by seed (`pct_<stat>`)."""

SCENARIO = "baseline"
"""Scenario the sweep starts from; the base's differences from it go into `fixed`."""


def policies(base: Params, levers: tuple[str, ...]) -> dict[str, Params]:
    """{"base": base, lever: base with the lever} in the order given."""
    out = {BASE: base}
    for name in check_names(levers):
        out[name] = LEVERS[name].apply(base)
    return out


def touched(plan: dict[str, Params]) -> list[str]:
    """Parameters that differ between any two policies (they label the sweep's points)."""
    base = plan[BASE].to_dict()
    names = {k for p in plan.values() for k, v in p.to_dict().items() if v != base[k]}
    return sorted(names)


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def build_spec(plan: dict[str, Params], *, seeds: int, periods: int,
               root_seed: int = 0) -> dict[str, Any]:
    """A sweep spec: every distinct policy economy, with AI and without, on `seeds` seeds.

    The base's differences from the `SCENARIO` go into `fixed`, except the parameters a
    lever changes, which every point sets explicitly (a parameter cannot be both fixed
    and varied). Policies with identical parameters share one point.
    """
    import scenarios

    start = scenarios.load(SCENARIO).build_params().to_dict()
    base = plan[BASE]
    labels = touched(plan)
    fixed = {k: _plain(v) for k, v in base.to_dict().items()
             if v != start[k] and k not in labels and k not in ("ai_enabled", "n_periods")}
    points, seen = [], set()
    for p in plan.values():
        key = tuple(getattr(p, k) for k in labels)
        if key in seen:
            continue
        seen.add(key)
        for enabled in (True, False):
            points.append({**{k: _plain(getattr(p, k)) for k in labels},
                           "ai_enabled": enabled})
    return {"scenario": SCENARIO, "periods": int(periods), "seeds": int(seeds),
            "root_seed": int(root_seed), "fixed": fixed, "points": points}


def run(base: Params, levers: tuple[str, ...], *, seeds: int, out: Path,
        periods: int | None = None, client: Any = None, workers: int | None = None,
        root_seed: int = 0, progress: bool | None = None) -> pd.DataFrame:
    """Run (or resume) the policy experiment; return per-seed statistics (`per_seed`).

    Args:
        base: the economy every lever differs from (calibrated or default).
        levers: lever names (`analysis.policies.levers.LEVERS`).
        seeds: replicate seeds, common to every policy.
        out: folder; the sweep store is `out/sweep` (rerunning resumes it).
        periods: T, periods after period 0 (default: the base's `n_periods`).
        client: None (local Dask cluster), a scheduler address, or "serial".
        workers: worker processes of the local cluster.
    """
    from abm.sweep import run_sweep

    periods = int(base.n_periods if periods is None else periods)
    plan = policies(base.replace(n_periods=periods), levers)
    spec = build_spec(plan, seeds=seeds, periods=periods, root_seed=root_seed)
    # a batch of 2·seeds runs holds one policy's AI and no-AI runs of every seed (runs
    # are numbered point by point, seeds innermost), so each pair shares its burn-in
    df = run_sweep(spec, Path(out) / "sweep", client=client, workers=workers,
                   progress=progress, batch=2 * seeds)
    return per_seed(df, plan, periods)


def _final(df: pd.DataFrame, p: Params, labels: list[str], periods: int,
           ai: bool) -> pd.DataFrame:
    """Rows of policy `p` at period T, with or without AI, indexed by seed."""
    sel = (df["period"] == periods) & (df["ai_enabled"] == ai)
    for k in labels:
        sel &= df[k] == getattr(p, k)
    rows = df[sel].set_index("seed").sort_index()
    rows = rows.assign(unemployment=1.0 - rows["employment_rate"],
                       tax_revenue_share=rows["taxes_total"] / rows["output_total"],
                       edu_subsidy_share=rows["edu_subsidy_total"] / rows["output_total"])
    return rows


def per_seed(df: pd.DataFrame, plan: dict[str, Params], periods: int) -> pd.DataFrame:
    """Long table (policy, statistic, seed, value) of every statistic of the module doc."""
    labels = touched(plan)
    base_on = _final(df, plan[BASE], labels, periods, True)
    base_off = _final(df, plan[BASE], labels, periods, False)
    base_dgini = base_on["gini_income"] - base_off["gini_income"]
    rows = []
    for name, p in plan.items():
        on = _final(df, p, labels, periods, True)
        off = _final(df, p, labels, periods, False)
        seeds = on.index.intersection(off.index).intersection(base_on.index)
        values: dict[str, pd.Series] = {s: on.loc[seeds, s] for s in STATISTICS}
        dgini = on.loc[seeds, "gini_income"] - off.loc[seeds, "gini_income"]
        values["dgini_ai"] = dgini
        if name != BASE:
            for s in STATISTICS:
                values[f"d_{s}"] = on.loc[seeds, s] - base_on.loc[seeds, s]
            for s in RELATIVE:
                values[f"pct_{s}"] = 100.0 * (on.loc[seeds, s] / base_on.loc[seeds, s] - 1.0)
            values["dgini_ai_vs_base"] = dgini - base_dgini.loc[seeds]
        for stat, series in values.items():
            for seed, v in series.items():
                rows.append({"policy": name, "statistic": stat, "seed": int(seed),
                             "value": float(v)})
    return pd.DataFrame(rows, columns=["policy", "statistic", "seed", "value"])


def summarize(seeds: pd.DataFrame) -> pd.DataFrame:
    """(policy, statistic, mean, se, n_seeds): mean over seeds and its seed SE
    (sample sd / √n over seeds with a finite value; NaN with fewer than two)."""
    rows = []
    for (policy, stat), g in seeds.groupby(["policy", "statistic"], sort=False):
        v = g["value"].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        n = v.size
        rows.append({"policy": policy, "statistic": stat,
                     "mean": float(v.mean()) if n else math.nan,
                     "se": float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
                     "n_seeds": int(n)})
    return pd.DataFrame(rows, columns=["policy", "statistic", "mean", "se", "n_seeds"])


__all__ = ["BASE", "STATISTICS", "build_spec", "per_seed", "policies", "run", "summarize",
           "touched"]
