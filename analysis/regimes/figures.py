"""Figures of the regime analysis: phase diagrams and boundary profiles (matplotlib, Agg).

Colours are colour-blind safe: the diverging map is ColorBrewer RdBu (blue equalizing,
red concentrating) centred at dgini = 0 with limits symmetric about zero, so equal
colours mean equal predicted changes in every panel; lines and markers use the
Okabe-Ito palette. dgini is shown in Gini points (×100).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from analysis.regimes_inputs import LABELS  # noqa: E402

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "purple": "#CC79A7", "grey": "#999999"}
CMAP = "RdBu_r"
UNDECIDED = "#BBBBBB"     # face of a simulated point within 2 SE of zero
SCALE = 100.0            # dgini in Gini points
RC = {"font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9, "legend.fontsize": 7.5,
      "xtick.labelsize": 8, "ytick.labelsize": 8, "font.family": "DejaVu Sans",
      "axes.spines.top": False, "axes.spines.right": False}


def axis_label(name: str) -> str:
    """Axis label with the parameter's meaning and unit."""
    if name in LABELS:
        short, unit = LABELS[name]
        return f"{short}\n({unit})"
    return name


def _levels(vmax: float) -> np.ndarray:
    """Symmetric, round contour levels covering [−vmax, vmax] (in Gini points)."""
    steps = np.array([0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0])
    step = steps[np.searchsorted(steps, vmax / 9.0)] if vmax / 9.0 <= steps[-1] else 10.0
    top = step * np.ceil(vmax / step)
    return np.arange(-top, top + step / 2, step)


def phase_diagram(analytic: pd.DataFrame, simulated: pd.DataFrame, x: str, y: str,
                  path: Path, *, title: str, subtitle: str) -> None:
    """Analytic dgini (filled contours, zero line) with simulated means on top.

    Markers: ▲ simulated mean > 2 SE above zero (concentrating), ▼ more than 2 SE below
    (equalizing), ○ within 2 SE (undecided); each carries its mean ± SE in Gini points.
    A black square marks a disagreement: decisive, and of the opposite sign.
    """
    grid = analytic.pivot_table(index=y, columns=x, values="dgini")
    xs, ys = grid.columns.to_numpy(float), grid.index.to_numpy(float)
    z = grid.to_numpy() * SCALE
    sim_v = simulated["sim_dgini"].to_numpy() * SCALE
    vmax = float(np.nanmax(np.abs(np.r_[z.ravel(), sim_v])))
    levels = _levels(vmax)
    norm = BoundaryNorm(levels, plt.get_cmap(CMAP).N, clip=True)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.2, 5.4), constrained_layout=True)
        cf = ax.contourf(xs, ys, z, levels=levels, cmap=CMAP, norm=norm)
        if np.nanmin(z) < 0 < np.nanmax(z):
            ax.contour(xs, ys, z, levels=[0.0], colors=OKABE_ITO["black"], linewidths=2.0)
        ax.contour(xs, ys, z, levels=[lv for lv in levels if lv != 0], colors="white",
                   linewidths=0.4, alpha=0.6)
        _sim_markers(ax, simulated, x, y, norm)
        cb = fig.colorbar(cf, ax=ax, shrink=0.92, pad=0.02)
        cb.set_label("ΔGini of income, AI vs no AI (Gini points)")
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(axis_label(y))
        ax.set_xlim(xs.min(), xs.max())
        ax.set_ylim(ys.min(), ys.max())
        ax.set_title(f"{title}\n{subtitle}", loc="left")
        avoid = np.c_[(simulated[x] - xs.min()) / (xs.max() - xs.min()),
                      (simulated[y] - ys.min()) / (ys.max() - ys.min())]
        _region_labels(ax, xs, ys, z, avoid)
        ax.legend(handles=_legend_handles(), loc="upper center", bbox_to_anchor=(0.5, -0.2),
                  ncol=3, frameon=False, handletextpad=0.4, columnspacing=1.0)
        _save(fig, path)


def _sim_markers(ax: plt.Axes, sim: pd.DataFrame, x: str, y: str,
                 norm: BoundaryNorm) -> None:
    cmap = plt.get_cmap(CMAP)
    for _, r in sim.iterrows():
        v = r["sim_dgini"] * SCALE
        decisive = bool(r["decisive"])
        marker = ("^" if v > 0 else "v") if decisive else "o"
        face = cmap(norm(v)) if decisive else UNDECIDED
        ax.scatter(r[x], r[y], s=70, marker=marker, facecolor=face, edgecolor="black",
                   linewidth=0.9, zorder=4, clip_on=False)
        if decisive and r["agree"] == 0:
            ax.scatter(r[x], r[y], s=260, marker="s", facecolor="none",
                       edgecolor=OKABE_ITO["black"], linewidth=2.0, zorder=5, clip_on=False)
        below = r[y] > sim[y].min() + 1e-9          # bottom row: label above the marker
        ax.annotate(f"{v:+.2f}±{r['sim_se'] * SCALE:.2f}", (r[x], r[y]),
                    xytext=(0, -10 if below else 10), textcoords="offset points",
                    fontsize=6.3, ha="center", va="center", zorder=6, annotation_clip=False,
                    bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                          "alpha": 0.75})


def _region_labels(ax: plt.Axes, xs: np.ndarray, ys: np.ndarray, z: np.ndarray,
                   avoid: np.ndarray) -> None:
    """Name the two regimes where each is strongest, clear of the frame and the markers.

    Args:
        avoid: (n, 2) marker positions in axis-fraction coordinates.
    """
    fx = (xs - xs.min()) / (xs.max() - xs.min())
    fy = (ys - ys.min()) / (ys.max() - ys.min())
    gx, gy = np.meshgrid(fx, fy)
    free = (gx > 0.12) & (gx < 0.88) & (gy > 0.06) & (gy < 0.94)
    for mx, my in avoid:
        free &= (np.abs(gx - mx) > 0.12) | (np.abs(gy - my) > 0.08)
    for sign, text in ((1, "concentrating"), (-1, "equalizing")):
        masked = np.where(free & (sign * z > 0), sign * z, -np.inf)
        if not np.isfinite(masked).any():
            continue
        i, j = np.unravel_index(np.argmax(masked), z.shape)
        ax.text(xs[j], ys[i], text, fontsize=8.5, fontweight="bold", ha="center",
                va="center", color="black", alpha=0.85, zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.6})


def _legend_handles() -> list[Line2D]:
    k = {"linestyle": "none", "markeredgecolor": "black", "markersize": 7}
    return [
        Line2D([], [], color="black", linewidth=2.0, label="analytic boundary (ΔGini = 0)"),
        Line2D([], [], marker="^", markerfacecolor=plt.get_cmap(CMAP)(0.85),
               label="simulated > 0 (2 SE)", **k),
        Line2D([], [], marker="v", markerfacecolor=plt.get_cmap(CMAP)(0.15),
               label="simulated < 0 (2 SE)", **k),
        Line2D([], [], marker="o", markerfacecolor=UNDECIDED, label="simulated within 2 SE",
               **k),
        Line2D([], [], marker="s", markerfacecolor="none", markeredgewidth=2.0,
               label="sign disagreement", **{**k, "markersize": 11}),
        Line2D([], [], linestyle="none", label="marker colour: simulated mean"),
    ]


def boundary_profiles(panels: list[dict], path: Path, *, title: str) -> None:
    """One panel per axis: analytic dgini and its terms, the root, simulated means ± 2 SE.

    Each panel dict holds: axis, curve (DataFrame with the axis, dgini, compression,
    concentration), sim (DataFrame with the axis, sim_dgini, sim_se), sim_frozen (the
    same without reinvestment, or None), root (float or None), note (str).
    The last panel may instead be {"cv": DataFrame, "sim": DataFrame, "axis": name}.
    """
    n = len(panels)
    cols = 3
    rows = int(np.ceil(n / cols))
    with plt.rc_context(RC):
        fig, axes = plt.subplots(rows, cols, figsize=(10.2, 3.3 * rows),
                                 constrained_layout=True, squeeze=False)
        for k, (ax, panel) in enumerate(zip(axes.ravel(), panels, strict=False)):
            tag = f"({chr(ord('a') + k)})"
            if "cv" in panel:
                _cv_panel(ax, panel, tag)
            else:
                _profile_panel(ax, panel, tag)
        for ax in axes.ravel()[n:]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], color=OKABE_ITO["black"], lw=1.8, label="analytic ΔGini"),
            Line2D([], [], color=OKABE_ITO["blue"], lw=1.4, ls="--",
                   label="compression term (wages)"),
            Line2D([], [], color=OKABE_ITO["vermillion"], lw=1.4, ls="-.",
                   label="concentration term (assets)"),
            Line2D([], [], color=OKABE_ITO["green"], marker="o", ls="none",
                   label="simulated, full model (±2 SE)"),
            Line2D([], [], color=OKABE_ITO["orange"], marker="D", ls="none",
                   markerfacecolor="white", label="simulated, no reinvestment (±2 SE)"),
            Line2D([], [], color=OKABE_ITO["grey"], ls=":", lw=1.2,
                   label="analytic boundary"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        _save(fig, path)


def _profile_panel(ax: plt.Axes, panel: dict, tag: str) -> None:
    name, curve = panel["axis"], panel["curve"]
    xv = curve[name].to_numpy()
    ax.axhline(0.0, color=OKABE_ITO["grey"], lw=0.8)
    ax.plot(xv, curve["dgini"] * SCALE, color=OKABE_ITO["black"], lw=1.8)
    ax.plot(xv, curve["compression"] * SCALE, color=OKABE_ITO["blue"], lw=1.4, ls="--")
    ax.plot(xv, curve["concentration"] * SCALE, color=OKABE_ITO["vermillion"], lw=1.4,
            ls="-.")
    span = xv.max() - xv.min()
    for sim, color, marker, face, shift in ((panel["sim"], "green", "o", None, -0.012),
                                            (panel.get("sim_frozen"), "orange", "D", "white",
                                             0.012)):
        if sim is None or sim.empty:
            continue
        ax.errorbar(sim[name] + shift * span, sim["sim_dgini"] * SCALE,
                    yerr=2 * sim["sim_se"] * SCALE, fmt=marker, ms=4.5, capsize=2,
                    color=OKABE_ITO[color], mfc=face or OKABE_ITO[color], lw=1.0, zorder=4)
    root = panel.get("root")
    if root is not None:
        ax.axvline(root, color=OKABE_ITO["grey"], ls=":", lw=1.2)
        symbol = {"xi": "ξ*", "psi": "ψ*", "asset_gini": "Gini(K)*",
                  "proprietary_share": "share*"}.get(name, f"{name}*")
        ax.annotate(f"{symbol} = {root:.3f}", (root, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, -3), textcoords="offset points", fontsize=7.5, va="top",
                    color="#333333", bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                           "ec": "none", "alpha": 0.8})
    ax.set_xlabel(axis_label(name))
    ax.set_ylabel("ΔGini of income (Gini points)")
    ax.set_title(f"{tag} {panel['note']}", loc="left")
    ax.grid(alpha=0.25, lw=0.5)


def _cv_panel(ax: plt.Axes, panel: dict, tag: str) -> None:
    name, cv, sim = panel["axis"], panel["cv"], panel["sim"]
    ax.plot(cv[name], cv["cv_before"], color=OKABE_ITO["black"], lw=1.4, ls="--",
            label="analytic, before AI")
    ax.plot(cv[name], cv["cv_after"], color=OKABE_ITO["black"], lw=1.8,
            label="analytic, with AI")
    if sim is not None and not sim.empty:
        ax.plot(sim[name], sim["sim_cv_before"], "s", color=OKABE_ITO["sky"], ms=5,
                mfc="white", label="simulated, no AI")
        ax.plot(sim[name], sim["sim_cv_after"], "o", color=OKABE_ITO["green"], ms=5,
                label="simulated, with AI")
    ax.set_ylim(0, max(0.6, float(cv["cv_before"].max()) * 1.15))
    ax.set_xlabel(axis_label(name))
    ax.set_ylabel("within-task CV of output\n(AI-exposed tasks, same AI access)")
    ax.set_title(f"{tag} {panel['note']}", loc="left")
    ax.legend(frameon=False, loc="lower left")
    ax.grid(alpha=0.25, lw=0.5)


def _save(fig: plt.Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path.with_suffix(".png"), dpi=200)
    fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)
