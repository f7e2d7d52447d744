"""The policy comparison figure: each lever's effect with 95% confidence intervals.

One panel per statistic, one row per lever: the mean paired difference from the base
over seeds with ±1.96 seed SEs (a normal interval for the mean over seeds); percent
panels are paired percent differences. PNG for screens, PDF for print.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.policies.levers import LEVERS
from analysis.policies.run import BASE

PANELS = (
    ("dgini_ai", "AI's ΔGini in each economy", 1.0),
    ("d_gini_income", "Gini of income vs base", 1.0),
    ("d_income_share_bottom50", "Bottom-50% share vs base (pp)", 100.0),
    ("d_income_share_top10", "Top-10% share vs base (pp)", 100.0),
    ("pct_mean_income", "Mean income vs base (%)", 1.0),
    ("pct_ede_income_1", "Welfare (Atkinson EDE, ε = 1) vs base (%)", 1.0),
    ("d_labor_share", "Labour share vs base (pp)", 100.0),
    ("d_unemployment", "Unemployment vs base (pp)", 100.0),
)
"""(statistic, panel title, scale)."""

Z95 = 1.96


def comparison(table: pd.DataFrame, stem: Path, *, seeds: int, periods: int) -> list[Path]:
    """Draw the comparison figure from `run.summarize`'s table; return the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    policies = [p for p in dict.fromkeys(table["policy"]) if p != BASE]
    labels = [LEVERS[p].title if p in LEVERS else p for p in policies]
    fig, axes = plt.subplots(2, 4, figsize=(15, 6.2), sharey=True)
    y = np.arange(len(policies))[::-1]
    for ax, (stat, title, scale) in zip(axes.ravel(), PANELS, strict=True):
        rows = table[table["statistic"] == stat].set_index("policy")
        mean = np.array([rows["mean"].get(p, np.nan) for p in policies]) * scale
        se = np.array([rows["se"].get(p, np.nan) for p in policies]) * scale
        ax.errorbar(mean, y, xerr=Z95 * se, fmt="o", color="#1f4e79", ecolor="#1f4e79",
                    capsize=3, markersize=4, linewidth=1)
        reference = 0.0
        if stat == "dgini_ai":
            base_row = table[(table["policy"] == BASE) & (table["statistic"] == stat)]
            if len(base_row):
                reference = float(base_row["mean"].iloc[0])
                ax.axvspan(reference - Z95 * float(base_row["se"].iloc[0]),
                           reference + Z95 * float(base_row["se"].iloc[0]),
                           color="0.85", zorder=0)
        ax.axvline(reference, color="0.4", linewidth=0.8, linestyle="--")
        if stat == "dgini_ai":
            ax.axvline(0.0, color="0.4", linewidth=0.6)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
    for ax in axes[:, 0]:
        ax.set_yticks(y, labels)
    fig.suptitle(f"Policy levers against the unchanged economy at T = {periods} years: "
                 f"mean paired difference over {seeds} common seeds, bars ±1.96 SE "
                 "(dashed: base; first panel: base's own ΔGini, shaded its 95% interval)",
                 fontsize=9.5)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    stem = Path(stem)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".pdf")]
    fig.savefig(paths[0], dpi=200)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
