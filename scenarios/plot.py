"""`paths.png` of a scenario run: income Gini, both within-task CVs and the labour share.

Lines are means over seeds; with several seeds a band shows ± one standard error. The
within-task CV panel draws the CV at equal AI access (solid; a counterfactual, every
worker with the same AI: the homogenization of Proposition 1) and the realised CV across
firms (dotted; with each employer's own AI access) in the same colour per variant, so a
reader never mistakes one for the other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]  # Okabe-Ito


def _band(ax, g: pd.DataFrame, column: str, style: str, colour: str, label: str | None):
    by = g.groupby("period")[column]
    mean, n = by.mean(), by.count()
    se = by.std(ddof=1) / np.sqrt(n)
    ax.plot(mean.index, mean, style, color=colour, label=label)
    if int(n.min()) > 1:
        ax.fill_between(mean.index, mean - se, mean + se, color=colour, alpha=0.2, lw=0)


def plot_paths(df: pd.DataFrame, path: Path, title: str) -> None:
    """Three panels, one colour per variant; writes a PNG to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    for k, (variant, g) in enumerate(df.groupby("variant", sort=False)):
        colour = PALETTE[k % len(PALETTE)]
        dash = "--" if variant == "no_ai" else "-"
        _band(axes[0], g, "gini_income", dash, colour, variant)
        _band(axes[1], g, "within_task_cv_exposed", dash, colour,
              f"{variant}: equal AI access (counterfactual)")
        _band(axes[1], g, "within_task_cv_exposed_realised", ":", colour,
              f"{variant}: realised across firms")
        _band(axes[2], g, "labor_share", dash, colour, variant)
    n_seeds = df["seed"].nunique()
    axes[0].set(title="Income Gini (all persons)", ylabel="Gini coefficient")
    axes[1].set(title="Within-task CV of output, AI-exposed tasks",
                ylabel="coefficient of variation")
    axes[2].set(title="Labour share of value added", ylabel="wages / output")
    for ax in axes:
        ax.set_xlabel("period (years since AI)")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=7.5)
    band = f"; mean over {n_seeds} seeds, band ± 1 SE" if n_seeds > 1 else "; one seed"
    fig.suptitle(title + band)
    fig.savefig(path, dpi=110)
    plt.close(fig)
