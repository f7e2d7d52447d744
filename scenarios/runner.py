"""Run a scenario: simulate each variant, save a Parquet table and a figure, summarise.

Output folder layout (default `results/<scenario>/`):
- `results.parquet`: tidy table, one row per (variant, seed, period), all model columns;
- `paths.png`: income Gini and within-task CV (exposed tasks) paths of every variant;
- `params.json`: the parameters of every variant.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from abm import Params, simulate
from abm.collect import regime_label
from abm.params import parse_assignment
import scenarios

SUMMARY_COLUMNS = ("gini_income", "gini_wage", "gini_capital_income", "labor_share",
                   "within_task_cv_exposed")


def run_scenario(name: str, *, seed: int | None = None, periods: int | None = None,
                 sets: list[str] | None = None, agents: bool = False) -> pd.DataFrame:
    """Simulate every variant of scenario `name`; returns the tidy long table.

    `sets` are `name=value` overrides applied to every variant; all input is validated
    before the first simulation starts.
    """
    module = scenarios.load(name)
    overrides = dict(parse_assignment(s) for s in (sets or []))
    params = {v: p.replace(**overrides) for v, p in scenarios.variants(module).items()}
    if periods is not None:
        params = {v: p.replace(n_periods=periods) for v, p in params.items()}
    seeds = [seed] if seed is not None else list(module.SEEDS)
    frames = []
    for variant, p in params.items():
        for s in seeds:
            df = simulate(p, seed=s, agents=agents).reset_index()
            df.insert(0, "seed", s)
            df.insert(0, "variant", variant)
            frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["params"] = {v: p.to_dict() for v, p in params.items()}
    return out


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Period 0 and final period of the key columns, per variant (mean over seeds)."""
    last = df["period"].max()
    rows = []
    for variant, g in df.groupby("variant", sort=False):
        first = g[g["period"] == 0][list(SUMMARY_COLUMNS)].mean()
        final = g[g["period"] == last][list(SUMMARY_COLUMNS)].mean()
        row = {"variant": variant}
        for c in SUMMARY_COLUMNS:
            row[f"{c} t=0"] = first[c]
            row[f"{c} t={last}"] = final[c]
        row["dGini"] = final["gini_income"] - first["gini_income"]
        row["dCV"] = final["within_task_cv_exposed"] - first["within_task_cv_exposed"]
        row["regime"] = regime_label(int(last), float(g["ai_capability"].max()), row["dGini"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("variant")


def plot_paths(df: pd.DataFrame, path: Path, title: str) -> None:
    """Two panels: income Gini and within-task CV on exposed tasks, one line per variant."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    for k, (variant, g) in enumerate(df.groupby("variant", sort=False)):
        m = g.groupby("period")[["gini_income", "within_task_cv_exposed"]].mean()
        style = "--" if variant == "no_ai" else "-"
        axes[0].plot(m.index, m["gini_income"], style, color=palette[k % 6], label=variant)
        axes[1].plot(m.index, m["within_task_cv_exposed"], style, color=palette[k % 6],
                     label=variant)
    axes[0].set(title="Income Gini (all persons)", xlabel="period (years since AI)",
                ylabel="Gini coefficient")
    axes[1].set(title="Within-task CV of output, AI-exposed tasks",
                xlabel="period (years since AI)", ylabel="coefficient of variation")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
    fig.suptitle(title)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def save(df: pd.DataFrame, out: Path, name: str) -> None:
    """Write results.parquet, paths.png and params.json into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "results.parquet.tmp"
    df.to_parquet(tmp)
    tmp.replace(out / "results.parquet")
    (out / "params.json").write_text(json.dumps(df.attrs.get("params", {}), indent=2))
    plot_paths(df, out / "paths.png", f"Scenario: {name}")


def main(argv: list[str] | None = None) -> int:
    """`python -m scenarios.<name>` entry: same as `abm run <name>`."""
    from abm.cli import main as cli_main

    return cli_main(["run", *(argv or [])])


__all__ = ["Params", "main", "run_scenario", "save", "summarize"]
