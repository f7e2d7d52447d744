"""Figures of `abm empirics` (matplotlib, Agg; no model logic).

- `binned_scatter`: real OEWS data, outcome change against standardised exposure in 20
  equal-count bins, the paper's window beside the pre-ChatGPT placebo;
- `aggregation`: simulated occupations, the occupation-level coefficient beside the
  task-level truth across technology structure, ξ and σ;
- `gain_gradient`: the experiment-analogue AI gain by ability quintile.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.empirics.data import EXPOSURES  # noqa: E402

BINS = 20
LABELS = {"dlog_p90_p10": "Δ log(P90/P10)", "dlog_p75_p25": "Δ log(P75/P25)",
          "dlog_p90_p50": "Δ log(P90/P50)", "dlog_p50_p10": "Δ log(P50/P10)",
          "dlog_median": "Δ log median wage", "dlog_emp": "Δ log employment"}


def binned(x: pd.Series, y: pd.Series, bins: int = BINS) -> pd.DataFrame:
    """Means of x and y within equal-count bins of x (Chetverikov et al.'s binscatter)."""
    d = pd.DataFrame({"x": x, "y": y}).dropna()
    d["bin"] = pd.qcut(d["x"].rank(method="first"), min(bins, len(d)), labels=False)
    return d.groupby("bin")[["x", "y"]].mean()


def binned_scatter(panels: dict[str, pd.DataFrame], path: Path,
                   outcomes: tuple[str, ...] = ("dlog_p90_p10", "dlog_median")) -> Path:
    """One row per exposure measure, one column per outcome; one series per window.

    Args:
        panels: window label -> `oews.panel(...)`.
        path: output file without suffix (writes .png).
    """
    names = [e for e in EXPOSURES if e.name in next(iter(panels.values())).columns]
    fig, axes = plt.subplots(len(names), len(outcomes), figsize=(4.2 * len(outcomes),
                                                                2.6 * len(names)),
                             squeeze=False, sharex=True)
    for r, src in enumerate(names):
        for c, outcome in enumerate(outcomes):
            ax = axes[r, c]
            for k, (window, p) in enumerate(panels.items()):
                b = binned(p[src.name], p[outcome])
                ax.plot(b["x"], b["y"], "o", ms=3.5, color=f"C{k}", label=window)
                ok = p[[src.name, outcome]].dropna()
                slope, icpt = np.polyfit(ok[src.name], ok[outcome], 1)
                xs = np.array([b["x"].min(), b["x"].max()])
                ax.plot(xs, icpt + slope * xs, "-", lw=1, color=f"C{k}")
            ax.axhline(0, color="0.7", lw=0.6)
            if r == 0:
                ax.set_title(LABELS[outcome], fontsize=10)
            if c == 0:
                ax.set_ylabel(src.label, fontsize=8)
            if r == len(names) - 1:
                ax.set_xlabel("exposure (sd)")
    axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle("OEWS detailed occupations: wage changes by AI exposure "
                 f"({BINS} equal-count bins, OLS line)", fontsize=10)
    return _save(fig, path)


def aggregation(table: pd.DataFrame, path: Path) -> Path:
    """Simulated cells: the occupation-level coefficient on Δlog(P90/P10) beside the
    task-level truth (Δ log P90/P10 within exposed tasks, AI vs no AI), ±2 SE."""
    cells = table["cell"].tolist()
    y = np.arange(len(cells))
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(cells) + 1.5))
    ax.errorbar(table["occ_coef"], y + 0.15, xerr=2 * table["occ_coef_se"], fmt="o", ms=4,
                label="occupation-level coefficient (per sd of measured exposure)")
    ax.errorbar(table["task_truth"], y - 0.15, xerr=2 * table["task_truth_se"], fmt="s",
                ms=4, label="task-level truth: Δ within exposed tasks minus social tasks\n(AI − no AI) × sd of exposure")
    ax.axvline(0, color="0.6", lw=0.7)
    ax.set_yticks(y, cells, fontsize=8)
    ax.set_xlabel("Δ log(P90/P10) of wages (±2 se across seeds)")
    ax.legend(fontsize=7, frameon=False, loc="best")
    ax.set_title("What occupation-level regressions recover in the model", fontsize=10)
    return _save(fig, path)


def gain_gradient(gains: pd.DataFrame, path: Path) -> Path:
    """AI gain by ability quintile on exposed tasks, one line per measure and cell."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for k, ((cell, measure), g) in enumerate(gains.groupby(["cell", "measure"], sort=False)):
        ax.errorbar(g["quintile"], g["gain"], yerr=2 * g["se"], marker="o", ms=3,
                    color=f"C{k % 10}", label=f"{cell}: {measure}")
    ax.axhline(0, color="0.6", lw=0.7)
    ax.set_xlabel("ability quintile (1 = lowest)")
    ax.set_ylabel("relative gain, AI vs no AI (same worker)")
    ax.legend(fontsize=6, frameon=False)
    ax.set_title("H1: gains by ability on exposed tasks (paired runs, ±2 SE)", fontsize=10)
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    """Lay out, write `path` as PNG and close the figure (it holds memory until closed)."""
    fig.tight_layout()
    out = path.with_suffix(".png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
