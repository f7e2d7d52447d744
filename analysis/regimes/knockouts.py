"""Which link decides the sign: dgini with each link switched off, and along ξ and Gini(K).

`knockout_table` evaluates the analytic dgini (with its decomposition) and the simulated
dgini (mean ± SE over seeds, each run paired with its no-AI counterfactual) at the
baseline and with one mechanism removed at a time: the four links of the model
(homogenization, price effects, screening, concentration) and the channels of the
firm technology (perfect substitutes between assets and labour, free commodity AI, no
productivity shocks, constant returns to the asset stock). `dependence_table` does the
same along rent sharing ξ and asset concentration Gini(K) over their realistic ranges.
docs/REGIMES.md reports both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from abm.params import Params
from analysis.regimes.maps import simulate_points
from analysis.regimes.prediction import predict

KNOCKOUTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("baseline", {}),
    ("homogenization off (skill-neutral AI)", {"homogenization": False}),
    ("price effects off (pre-AI task prices)", {"price_effects": False}),
    ("screening off (exact productivity ranking)", {"screening": False}),
    ("concentration off (all AI commodity, assets frozen)", {"concentration": False}),
    ("assets and labour perfect substitutes (ε = 50)", {"asset_elasticity": 50.0}),
    ("free commodity AI (μ = 0)", {"ai_markup": 0.0}),
    ("no productivity shocks (σ_a = 0)", {"firm_shock_sd": 0.0}),
    ("constant returns to the asset stock (β = 1)", {"asset_returns": 1.0}),
)
XI_VALUES = (0.05, 0.10, 0.15)
ASSET_GINI_VALUES = (0.5, 0.6, 0.7, 0.8, 0.9)


def analytic_rows(base: Params, points: list[tuple[str, dict[str, Any]]],
                  mean_field: dict[str, Any] | None = None) -> pd.DataFrame:
    """Predicted dgini and its terms at each labelled point (`mean_field`: `predict`'s
    options)."""
    rows = []
    for label, changes in points:
        pr = predict(base.replace(**changes), **(mean_field or {}))
        rows.append({"label": label, **changes, "dgini": pr.dgini,
                     "compression": pr.compression, "concentration": pr.concentration,
                     "vendors": pr.vendors, "redistribution": pr.redistribution,
                     "gini_before": pr.gini_before, "gini_assets_after": pr.after.gini_assets,
                     "converged": pr.after.converged})
    return pd.DataFrame(rows)


def simulated_rows(base: Params, points: list[tuple[str, dict[str, Any]]], *, seeds: int,
                   periods: int, root_seed: int, out: Path, client: Any = "serial",
                   label: str = "knockouts", fixed: dict[str, Any] | None = None,
                   mean_field: dict[str, Any] | None = None) -> pd.DataFrame:
    """Simulated dgini (mean, SE; paired no-AI runs) beside the analytic one, per point.

    Each point is its own sweep (points switch different parameters), stored under
    `out` so that rerunning resumes. `fixed`: parameters every run holds (as the
    sweep's fixed values; `base` must already include them).
    """
    frames = []
    for name, changes in points:
        tag = "-".join(f"{k}{v}" for k, v in changes.items()) or "baseline"
        held = {k: v for k, v in (fixed or {}).items() if k not in changes}
        t = simulate_points([changes], base=base, fixed=held, seeds=seeds, periods=periods,
                            root_seed=root_seed, out=out, label=f"{label}-{tag}",
                            client=client, mean_field=mean_field)
        frames.append(t.assign(label=name))
    return pd.concat(frames, ignore_index=True)


def knockout_points() -> list[tuple[str, dict[str, Any]]]:
    """The baseline and one mechanism off at a time."""
    return list(KNOCKOUTS)


def dependence_points() -> list[tuple[str, dict[str, Any]]]:
    """ξ over its realistic range, then Gini(K) over its, others at the baseline."""
    return ([(f"ξ = {v:g}", {"xi": v}) for v in XI_VALUES]
            + [(f"Gini(K) = {v:g}", {"asset_gini": v}) for v in ASSET_GINI_VALUES])


def markdown(table: pd.DataFrame) -> str:
    """A table for docs/REGIMES.md: analytic dgini and terms, simulated mean ± SE."""
    lines = ["| point | analytic ΔGini | compression | concentration | vendors | "
             "simulated ΔGini ± SE |", "|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        sim = (f"{r['sim_dgini']:+.4f} ± {r['sim_se']:.4f}" if "sim_dgini" in r
               and pd.notna(r.get("sim_dgini")) else "")
        lines.append(f"| {r['label']} | {r['dgini']:+.4f} | {r['compression']:+.4f} | "
                     f"{r['concentration']:+.4f} | {r['vendors']:+.4f} | {sim} |")
    return "\n".join(lines) + "\n"


__all__ = ["ASSET_GINI_VALUES", "KNOCKOUTS", "XI_VALUES", "analytic_rows", "dependence_points",
           "knockout_points", "markdown", "simulated_rows"]
