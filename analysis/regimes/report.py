"""The regime report: maps, boundaries, profiles, sign agreement and its explanation.

`run_map` draws one phase diagram; `boundary_table`, `profile_panels`, `explain` and
`agreement_markdown` make the rest of the standard report behind docs/REGIMES.md, which
`abm regimes` (analysis/regimes_cli.py) assembles. Everything lands in one folder:

    regime_map.parquet / .csv   tidy rows of every grid: map, grid (analytic, simulated),
                                axis values, analytic dgini and terms, simulated mean,
                                standard error, decisive, agree
    phase_<x>__<y>.png / .pdf   phase diagrams
    boundary_profiles.png/.pdf  dgini along each axis at the baseline, with simulations
    boundaries.csv / .json      boundary values (root-finder) at the baseline
    agreement.md / .csv         the sign-agreement report and its explanation runs
    sims/                       the sweep stores (rerunning resumes them)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params
from analysis.regimes import figures
from analysis.regimes.boundary import boundary, describe
from analysis.regimes_inputs import LABELS, get_axis, set_axis
from analysis.regimes.maps import (Axis, agreement, analytic_grid, coarse_points,
                                   simulate_points)
from analysis.regimes.prediction import predict
from analysis.regimes.simulated import to_fields

# the remove-the-cause variants, in the order they are tried on a disagreement
CAUSES = (("no reinvestment", {"reinvest_rate": 0.0}),
          ("no reinvestment, exact screening", {"reinvest_rate": 0.0, "screening": False}))
PROFILE_PANELS = (
    ("xi", {}, "rent sharing ξ, baseline"),
    ("xi", {"asset_gini": 0.2}, "rent sharing ξ at Gini(K) = 0.2"),
    ("proprietary_share", {}, "technology structure, baseline"),
    ("asset_gini", {}, "asset concentration, baseline"),
    ("psi", {}, "capital intensity ψ, baseline"),
)


@dataclass(frozen=True)
class Run:
    """What every simulation of a report shares."""

    base: Params
    fixed: dict[str, Any]
    seeds: int
    periods: int
    root_seed: int
    out: Path
    client: Any = None
    scenario: str = "baseline"
    mean_field: dict[str, Any] = field(default_factory=dict)    # options of `predict`

    def simulate(self, points: list[dict[str, Any]], label: str,
                 extra_fixed: dict[str, Any] | None = None) -> pd.DataFrame:
        """Simulated and analytic dgini at `points` (optionally with more fixed values).

        A parameter a point sets is dropped from the fixed ones (the sweep refuses a
        parameter that is both), so a profile can run along a parameter the user fixed.
        """
        base = self.base.replace(**(extra_fixed or {}))
        swept = {k for v in points for k in to_fields(v, base)}
        fixed = {k: v for k, v in {**self.fixed, **(extra_fixed or {})}.items()
                 if k not in swept}
        return simulate_points(points, base=base, fixed=fixed, seeds=self.seeds,
                               periods=self.periods, root_seed=self.root_seed,
                               out=self.out / "sims", label=label, client=self.client,
                               scenario=self.scenario, mean_field=self.mean_field)


def run_map(run: Run, x: Axis, y: Axis, *, fine: int, coarse: int
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Analytic fine grid, simulated coarse grid and the phase diagram of one map."""
    analytic = analytic_grid(run.base, x, y, fine, mean_field=run.mean_field)
    sim = run.simulate(coarse_points(x, y, coarse), label=f"map-{x.name}-{y.name}")
    name = f"{x.name}__{y.name}"
    figures.phase_diagram(analytic, sim, x.name, y.name, run.out / f"phase_{name}",
                          title=f"Regime map: {LABELS.get(y.name, (y.name,))[0]} vs "
                                f"{LABELS.get(x.name, (x.name,))[0]}",
                          subtitle=_subtitle(run, (x.name, y.name)))
    for df, grid in ((analytic, "analytic"), (sim, "simulated")):
        df.insert(0, "grid", grid)
        df.insert(0, "map", name)
    return analytic, sim


def _subtitle(run: Run, axes: tuple[str, ...]) -> str:
    p = run.base
    held = []
    for name, text in (("xi", f"ξ = {p.xi:g}"), ("asset_gini", f"Gini(K) = {p.asset_gini:g}"),
                       ("proprietary_share",
                        f"η₁/(η₀+η₁) = {get_axis(p, 'proprietary_share'):g}"),
                       ("psi", f"ψ = {p.psi:g}")):
        if name not in axes:
            held.append(text)
    form = "with occupational choice" if run.mean_field.get("occupations") else "tasks held"
    return (f"Held at: {', '.join(held)}; AI state after T = {run.periods} years; "
            f"mean field {form}.\n"
            f"Markers: simulation, {run.seeds} seeds × {p.n_workers:,} workers; "
            "labels: mean ± SE (Gini points).")


def boundary_table(base: Params, contexts: tuple[tuple[str, dict[str, Any]], ...] = (
        ("baseline", {}), ("Gini(K) = 0.2", {"asset_gini": 0.2})),
        mean_field: dict[str, Any] | None = None) -> pd.DataFrame:
    """Boundary value along each axis (root-finder), at the baseline and variants."""
    mf = mean_field or {}
    rows = []
    for context, changes in contexts:
        p = base.replace(**changes)
        for along in ("xi", "asset_gini", "proprietary_share", "psi"):
            if along in changes:
                continue
            b = boundary(p, along=along, **mf)
            rows.append({"context": context, **describe(b), "exists": b.exists,
                         "dgini_at_current": predict(p, **mf).dgini})
    return pd.DataFrame(rows)


def profile_panels(run: Run, *, n_curve: int = 61, n_sim: int = 5
                   ) -> tuple[list[dict], pd.DataFrame]:
    """Data of the boundary-profile figure, and all its simulated points (classified)."""
    panels, sims = [], []
    for axis_name, changes, note in PROFILE_PANELS:
        base = run.base.replace(**changes)
        ax = Axis.of(axis_name)
        curve = pd.DataFrame([{axis_name: v, **predict(set_axis(base, axis_name, v),
                                                       **run.mean_field).as_dict()}
                              for v in ax.values(n_curve)])
        pts = [{**changes, axis_name: float(v)} for v in ax.values(n_sim)]
        label = f"profile-{axis_name}-" + "-".join(f"{k}{v}" for k, v in changes.items())
        sim = run.simulate(pts, label=label)
        frozen = run.simulate(pts, label=label + "-frozen", extra_fixed=CAUSES[0][1])
        b = boundary(base, along=axis_name, **run.mean_field)
        panels.append({"axis": axis_name, "curve": curve, "sim": sim, "sim_frozen": frozen,
                       "root": b.value, "note": note})
        for df, variant in ((sim, "full model"), (frozen, CAUSES[0][0])):
            sims.append(df.assign(panel=note, variant=variant))
        if axis_name == "proprietary_share":
            panels_cv = {"axis": axis_name, "cv": curve, "sim": sim,
                         "note": "within-task CV falls in both regimes"}
    panels.append(panels_cv)
    return panels, pd.concat(sims, ignore_index=True)


def explain(run: Run, disagreements: pd.DataFrame, axes_cols: list[str]) -> pd.DataFrame:
    """Rerun each disagreeing point without the mean field's abstractions, one at a time.

    The first variant removes cumulative reinvestment (assets frozen at their initial
    distribution, as in the mean field); the second also makes screening exact, which
    lets hiring reach the assortative matching the mean field assumes.
    """
    if disagreements.empty:
        return pd.DataFrame()
    pts = []
    for _, r in disagreements.iterrows():
        pts.append({k: float(r[k]) for k in axes_cols if k in r and pd.notna(r[k])})
    pts = [dict(t) for t in dict.fromkeys(tuple(sorted(p.items())) for p in pts)]
    out = []
    for label, changes in CAUSES:
        sim = run.simulate(pts, label="explain-" + "-".join(changes), extra_fixed=changes)
        out.append(sim.assign(variant=label))
    return pd.concat(out, ignore_index=True)


def agreement_markdown(tables: dict[str, pd.DataFrame], explained: pd.DataFrame,
                       axes_cols: list[str]) -> str:
    """The agreement report: share of decisive points that agree, each disagreement."""
    lines = ["# Sign agreement: analytic vs simulated dgini", "",
             "A point is decisive when its simulated mean dgini is distinguishable from "
             "zero by a two-sided t test at 5% with n − 1 degrees of freedom (|mean| > "
             "t critical value × SE, n seeds); it agrees when its sign equals the analytic "
             "sign.", "",
             "| grid | points | decisive | agree | share |", "|---|---|---|---|---|"]
    for name, t in tables.items():
        a = agreement(t)
        lines.append(f"| {name} | {a.n_points} | {a.n_decisive} | {a.n_agree} | "
                     f"{a.share:.0%} |")
    lines += ["", "## Systematic gap", "",
              "Mean and root-mean-square of simulated minus analytic dgini over all points "
              "of each grid (Gini units).", "",
              "| grid | mean gap | RMS gap |", "|---|---|---|"]
    for name, t in tables.items():
        gap = t["sim_dgini"] - t["dgini"]
        lines.append(f"| {name} | {gap.mean():+.4f} | {np.sqrt((gap ** 2).mean()):.4f} |")
    lines += ["", "## Disagreements", "",
              "| grid | point | analytic dgini | simulated dgini ± SE | gap |",
              "|---|---|---|---|---|"]
    for name, t in tables.items():
        for _, r in agreement(t).disagreements.iterrows():
            lines.append(f"| {name} | {_point_text(r, axes_cols)} | {r['dgini']:+.4f} | "
                         f"{r['sim_dgini']:+.4f} ± {r['sim_se']:.4f} | {r['gap']:+.4f} |")
    if not explained.empty:
        lines += ["", "## The same points without the mean field's abstractions", "",
                  "| variant | point | analytic dgini | simulated dgini ± SE | agree |",
                  "|---|---|---|---|---|"]
        for _, r in explained.iterrows():
            verdict = {1.0: "yes", 0.0: "no"}.get(r["agree"], "not distinguishable from 0")
            lines.append(f"| {r['variant']} | {_point_text(r, axes_cols)} | {r['dgini']:+.4f} "
                         f"| {r['sim_dgini']:+.4f} ± {r['sim_se']:.4f} | {verdict} |")
    return "\n".join(lines) + "\n"


def _point_text(r: pd.Series, cols: list[str]) -> str:
    return ", ".join(f"{c} = {r[c]:g}" for c in cols if c in r and pd.notna(r[c]))


def write_tables(out: Path, frames: list[pd.DataFrame], name: str = "regime_map") -> None:
    """One tidy table of all grids, as Parquet and CSV."""
    df = pd.concat(frames, ignore_index=True)
    df.to_parquet(out / f"{name}.parquet")
    df.to_csv(out / f"{name}.csv", index=False)


def write_boundaries(out: Path, table: pd.DataFrame) -> None:
    """boundaries.csv and boundaries.json."""
    table.to_csv(out / "boundaries.csv", index=False)
    records = json.loads(table.to_json(orient="records"))
    (out / "boundaries.json").write_text(json.dumps(records, indent=2))


__all__ = ["CAUSES", "Run", "agreement_markdown", "boundary_table", "explain",
           "profile_panels", "run_map", "write_boundaries", "write_tables"]
