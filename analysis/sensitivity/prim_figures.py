"""Figures of regime discovery: a PRIM box on a phase diagram, and the peeling trajectory.

The phase diagram puts the design's points on the two parameters the box restricts most
(smallest share of their sampled range kept), coloured by the mean-field regime with the
regime analysis' colour-blind-safe palette (ColorBrewer RdBu: red concentrating, blue
equalizing; analysis/regimes/figures.py). Points that also satisfy the box's other
limits are drawn solid, the rest faint, so the rectangle reads as the projection of the
box it is. Optionally the mean-field regime on a grid over the two parameters (every
other parameter at the base economy) shades the background, with its ΔGini = 0 line.
The trajectory plot is Bryant & Lempert's (2010) coverage-density trade-off: every box
PRIM visited, the kept one starred, the density threshold dashed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.legend_handler import HandlerTuple  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from abm.params import Params  # noqa: E402
from analysis.regimes_inputs import LABELS  # noqa: E402
from analysis.regimes.figures import CMAP, OKABE_ITO, RC  # noqa: E402
from analysis.sensitivity.prim import (PrimSearch, check_ranges, mean_field_dgini,  # noqa: E402
                                       params_at)

RED, BLUE = plt.get_cmap(CMAP)(0.85), plt.get_cmap(CMAP)(0.15)
SHADE_RED, SHADE_BLUE = plt.get_cmap(CMAP)(0.62), plt.get_cmap(CMAP)(0.38)


def label(name: str) -> str:
    """Axis label: the regime analysis' wording, else the name with its Params symbol."""
    if name in LABELS:
        return f"{LABELS[name][0]}\n({LABELS[name][1]})"
    meta = {f.name: f.metadata for f in dataclasses.fields(Params)}.get(name, {})
    return f"{name} ({meta['symbol']})" if meta.get("symbol") else name


def most_restricted(boxes: pd.DataFrame, box: int = 1, k: int = 2) -> list[str]:
    """The k parameters box `box` restricts most: smallest kept share of their range."""
    b = boxes[(boxes["box"] == box) & boxes["parameter"].notna()]
    kept = (b["upper"] - b["lower"]) / (b["range_upper"] - b["range_lower"])
    return list(b.assign(kept=kept.to_numpy()).sort_values("kept")["parameter"][:k])


def regime_grid(base: Params, x: str, y: str, ranges: dict[str, tuple[float, float]], *,
                n: int = 21, dgini: Callable[[Params], float] | None = None) -> pd.DataFrame:
    """ΔGini on an n × n grid over x and y, all else at `base` (n² mean-field solves)."""
    r = check_ranges({x: ranges[x], y: ranges[y]})
    f = dgini if dgini is not None else mean_field_dgini
    xs, ys = np.linspace(*r[x], n), np.linspace(*r[y], n)
    rows = [{x: a, y: b, "dgini": f(params_at(base, {x: a, y: b}))} for b in ys for a in xs]
    return pd.DataFrame(rows)


def _inside_others(design: pd.DataFrame, b: pd.DataFrame, shown: list[str]) -> np.ndarray:
    keep = np.ones(len(design), dtype=bool)
    for _, r in b[~b["parameter"].isin(shown)].iterrows():
        keep &= design[r["parameter"]].between(r["lower"], r["upper"]).to_numpy()
    return keep


def phase_diagram(design: pd.DataFrame, search: PrimSearch, path: Path | None = None, *,
                  box: int = 1, params: tuple[str, str] | None = None,
                  grid: pd.DataFrame | None = None, title: str = "") -> plt.Figure:
    """The PRIM box on the two parameters it restricts most (or `params`).

    Args:
        design: the points PRIM saw (`prim.regime_design`: parameters and
            `concentrating`).
        search: `prim.prim_search`'s result on that design.
        path: if given, saved as .png (200 dpi) and .pdf and the figure closed.
        box: which box to draw.
        params: the (x, y) parameters; default the two most restricted.
        grid: `regime_grid` output for (x, y) to shade the mean-field regime.
    """
    b = search.boxes[search.boxes["box"] == box]
    if b.empty:
        raise ValueError(f"no box {box}: PRIM found {search.boxes['box'].nunique()} box(es)")
    x, y = params if params is not None else (most_restricted(search.boxes, box)
                                              + [None, None])[:2]
    if x is None:
        raise ValueError(f"box {box} restricts no parameter; pass params=(x, y)")
    if y is None:
        others = [c for c in design.columns if c not in (x, "dgini", "concentrating")]
        y = others[0]
    restricted = b[b["parameter"].notna()]
    lim = restricted.set_index("parameter")
    solid = _inside_others(design, restricted, [x, y])
    conc = design["concentrating"].to_numpy(bool)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(5.6, 5.0), constrained_layout=True)
        if grid is not None:
            g = grid.pivot_table(index=y, columns=x, values="dgini")
            gx, gy, z = g.columns.to_numpy(float), g.index.to_numpy(float), g.to_numpy()
            ax.contourf(gx, gy, np.sign(z), levels=[-1.5, 0, 1.5],
                        colors=[SHADE_BLUE, SHADE_RED], alpha=0.35, zorder=0)
            if np.nanmin(z) < 0 < np.nanmax(z):
                ax.contour(gx, gy, z, levels=[0.0], colors=OKABE_ITO["grey"], linewidths=1.2,
                           linestyles="--", zorder=1)
        for mask, alpha, size in ((~solid, 0.18, 7), (solid, 0.9, 11)):
            ax.scatter(design.loc[mask, x], design.loc[mask, y], s=size, linewidths=0,
                       c=np.where(conc[mask, None], RED, BLUE), alpha=alpha, zorder=2)
        lo_x, hi_x = _limits(lim, x, design)
        lo_y, hi_y = _limits(lim, y, design)
        ax.add_patch(Rectangle((lo_x, lo_y), hi_x - lo_x, hi_y - lo_y, fill=False,
                               edgecolor="black", linewidth=2.0, zorder=3))
        r0 = b.iloc[0]
        rest = [f"{p}: [{lim.loc[p, 'lower']:.3g}, {lim.loc[p, 'upper']:.3g}]"
                for p in lim.index.dropna() if p not in (x, y)]
        handles = [Line2D([], [], color="black", linewidth=2.0,
                          label=f"PRIM box {box}: coverage {r0['coverage']:.2f}, "
                                f"density {r0['density']:.2f}, mass {r0['mass']:.2f}"),
                   Line2D([], [], linestyle="none", marker="o", color=RED, markersize=5,
                          label="concentrating (ΔGini > 0)"),
                   Line2D([], [], linestyle="none", marker="o", color=BLUE, markersize=5,
                          label="equalizing"),
                   Line2D([], [], linestyle="none", marker="o", color="grey", alpha=0.3,
                          markersize=5, label="faint: outside the box's other limits")]
        if rest:
            handles.append(Line2D([], [], linestyle="none",
                                  label="other limits: " + ";\n".join(rest)))
        if grid is not None:
            shading = (Patch(facecolor=SHADE_RED, alpha=0.35),
                       Patch(facecolor=SHADE_BLUE, alpha=0.35))
            handles.append(shading)
            labels = [h.get_label() for h in handles[:-1]] + [
                "shading: mean-field regime, every other parameter at the base\n"
                "economy (red concentrating, blue equalizing); dashed: ΔGini = 0"]
        else:
            labels = [h.get_label() for h in handles]
        ax.legend(handles=handles, labels=labels, loc="upper center",
                  bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False,
                  handler_map={tuple: HandlerTuple(ndivide=None)})
        ax.set_xlabel(label(x))
        ax.set_ylabel(label(y))
        ax.set_xlim(design[x].min(), design[x].max())
        ax.set_ylim(design[y].min(), design[y].max())
        ax.set_title(title or f"Where the concentrating regime lives ({search.n} points, "
                     f"{search.n_interest / search.n:.0%} concentrating)", loc="left")
    return _done(fig, path)


def _limits(lim: pd.DataFrame, name: str, design: pd.DataFrame) -> tuple[float, float]:
    if name in lim.index:
        return float(lim.loc[name, "lower"]), float(lim.loc[name, "upper"])
    return float(design[name].min()), float(design[name].max())


def peeling_trajectory(search: PrimSearch, path: Path | None = None) -> plt.Figure:
    """Coverage against density of every box on each trajectory; the kept box starred.

    A search whose final box misses the threshold keeps no box, and the Workbench then
    discards its trajectory (it returns the box of all remaining points), so only the
    searches that kept a box are drawn.
    """
    t = search.trajectories
    t = t[t.groupby("box")["chosen"].transform("any").astype(bool)]   # searches that kept a box
    top = int(t["res_dim"].max()) if len(t) else 1
    cmap = plt.get_cmap("viridis", top + 1)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(5.0, 4.0), constrained_layout=True)
        sc = None
        for number, part in t.groupby("box"):
            ax.plot(part["coverage"], part["density"], color=OKABE_ITO["grey"], lw=0.6,
                    zorder=1)
            sc = ax.scatter(part["coverage"], part["density"], c=part["res_dim"], s=14,
                            cmap=cmap, vmin=-0.5, vmax=top + 0.5, zorder=2)
            kept = part[part["chosen"].astype(bool)]
            ax.scatter(kept["coverage"], kept["density"], marker="*", s=160,
                       facecolor=OKABE_ITO["orange"], edgecolor="black", zorder=3,
                       label=f"kept box {number}")
            ax.annotate(f"box {number}", (kept["coverage"].iloc[0], kept["density"].iloc[0]),
                        xytext=(10, 6), textcoords="offset points", fontsize=7.5)
        if sc is not None:
            fig.colorbar(sc, ax=ax, label="restricted parameters", ticks=range(top + 1))
        ax.axhline(search.threshold, color="black", lw=0.8, ls="--",
                   label=f"density threshold {search.threshold:g}")
        ax.set_xlabel("coverage (share of concentrating points in the box)")
        ax.set_ylabel("density (share of the box that is concentrating)")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.25, lw=0.5)
        ax.legend(frameon=False, loc="lower left")
        ax.set_title(f"PRIM peeling trajectory (peel α = {search.peel_alpha:g})", loc="left")
    return _done(fig, path)


def _done(fig: plt.Figure, path: Path | None) -> plt.Figure:
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path.with_suffix(".png"), dpi=200)
        fig.savefig(path.with_suffix(".pdf"))
        plt.close(fig)
    return fig
