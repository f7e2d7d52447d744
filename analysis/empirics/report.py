"""The files `abm empirics` writes, and the simulated-aggregation table with its verdicts.

Real data: oews_regressions.csv, coverage_by_window.csv, coverage_by_year.csv,
oews_variance.csv (log-wage variance between and within occupations),
oews_binscatter.png. Simulated: sim_regressions.csv (every regression, mean over seeds),
sim_aggregation.csv and sim_aggregation.png (occupation-level coefficient beside the
task-level truth per cell), sim_gains.csv and h1_gains.png, hypotheses.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.empirics import figures, hypotheses, oews, variance
from analysis.empirics.simulated import Cell, Results, seed_mean

HEADLINE_OUTCOME = "dlog_p90_p10"


def write_real(oews_df: pd.DataFrame, exposures: pd.DataFrame, out: Path) -> pd.DataFrame:
    """The real-data tables and figure; returns the regression table."""
    table = oews.regressions(oews_df, exposures)
    table.to_csv(out / "oews_regressions.csv", index=False)
    oews.coverage(oews_df, exposures).to_csv(out / "coverage_by_window.csv", index=False)
    oews.year_coverage(oews_df, exposures).to_csv(out / "coverage_by_year.csv", index=False)
    variance.table(oews_df).to_csv(out / "oews_variance.csv", index=False)
    panels = {oews.window_name(s, e): oews.panel(oews_df, exposures, s, e)
              for s, e in ((2019, 2023), (2019, 2022))}
    figures.binned_scatter(panels, out / "oews_binscatter")
    return table


def verdict(occ: float, occ_se: float, truth: float, truth_se: float) -> str:
    """How the occupation-level coefficient relates to the task-level truth.

    'recovers' (same sign, both beyond 2 se, within a factor of 2), 'shrinks' (same sign,
    less than half), 'inflates' (same sign, more than twice), 'misses' (truth beyond
    2 se, coefficient not), 'reverses' (opposite signs, both beyond 2 se), 'spurious'
    (coefficient beyond 2 se, truth not), 'both null'.
    """
    occ_sig = abs(occ) > 2 * occ_se
    truth_sig = abs(truth) > 2 * truth_se
    if truth_sig and not occ_sig:
        return "misses"
    if occ_sig and not truth_sig:
        return "spurious"
    if not (occ_sig or truth_sig):
        return "both null"
    if np.sign(occ) != np.sign(truth):
        return "reverses"
    ratio = occ / truth
    return "shrinks" if ratio < 0.5 else "inflates" if ratio > 2 else "recovers"


def sign_verdict(occ: float, occ_se: float, truth_sign: float) -> str:
    """The coefficient's sign against the sign of a truth in other units: 'same sign',
    'misses' (within 2 se of zero) or 'reverses' (beyond 2 se, opposite sign)."""
    if abs(occ) <= 2 * occ_se:
        return "misses"
    return "same sign" if np.sign(occ) == np.sign(truth_sign) else "reverses"


def _coef(regs: pd.DataFrame, cell: str, panel: str, exposure: str, spec: str,
          outcome: str = HEADLINE_OUTCOME) -> tuple[float, float, float]:
    """Mean coefficient over seeds, its across-seed se, and the mean HC3 se of one seed."""
    r = regs[(regs["cell"] == cell) & (regs["panel"] == panel) & (regs["exposure"] == exposure)
             & (regs["spec"] == spec) & (regs["outcome"] == outcome)]
    return (*seed_mean(r["coef"]), float(r["se"].mean()))


def aggregation_table(results: Results, cells: list[Cell]) -> pd.DataFrame:
    """One row per cell: what the occupation regression says beside the truth.

    occ_coef: Δlog(P90/P10) on measured exposure (per sd), unconditional, the AI run's
    base-to-T change, as a researcher would run it. occ_coef_controls: with the base
    wage and group effects. occ_coef_true_exposure: without measurement error.
    occ_effect: the occupation-level causal gradient (AI minus no-AI change, true
    exposure). task_truth: the task-level change of within-task log(P90/P10) of wages on
    exposed relative to social tasks (AI − no AI), times sd of true exposure, i.e. what
    the regression would find if occupations were linear mixes of their tasks.
    cv_exposed: Proposition-1 output compression. gain_gradient_*: lowest minus highest
    ability quintile's relative gain. dgini: income Gini, AI − no AI. `_se` columns are
    standard errors across seeds (how precisely the expected coefficient is known, the
    basis of the verdicts, which are about bias); `_hc3_se` is the mean HC3 se within one
    economy of `Design.n_occupations` occupations (what one researcher would see).
    """
    regs, truth = results.stack("regs"), results.stack("truth")
    grads = results.stack("gains")
    rows = []
    for cell in cells:
        t = truth[truth["cell"] == cell.name]
        g = grads[grads["cell"] == cell.name]
        gap = {m: (g[g["quintile"] == 1].set_index("seed")[m]
                   - g[g["quintile"] == 5].set_index("seed")[m]) for m in ("realised",
                                                                           "equal_access")}
        row: dict[str, object] = {"cell": cell.name, **{k: v for k, v in cell.changes.items()},
                                  "seeds": len(t)}
        for name, args in (("occ_coef", ("ai", "measured", "unconditional")),
                           ("occ_coef_controls", ("ai", "measured", "controls")),
                           ("occ_coef_true_exposure", ("ai", "exposure", "unconditional")),
                           ("occ_effect", ("effect", "exposure", "unconditional"))):
            row[name], row[f"{name}_se"], row[f"{name}_hc3_se"] = _coef(regs, cell.name, *args)
        row["task_truth"], row["task_truth_se"] = seed_mean(t["task_compression"]
                                                            * t["sd_exposure"])
        for name, values in (("cv_exposed", t["cv_exposed"]), ("dgini", t["dgini"]),
                             ("gain_gradient_realised", gap["realised"]),
                             ("gain_gradient_equal_access", gap["equal_access"]),
                             ("corr_measured_wage", t["corr_measured_wage"])):
            row[name], row[f"{name}_se"] = seed_mean(values)
        row["verdict"] = verdict(row["occ_coef"], row["occ_coef_se"],  # type: ignore[arg-type]
                                 row["task_truth"], row["task_truth_se"])  # type: ignore[arg-type]
        row["verdict_controls"] = verdict(row["occ_coef_controls"],  # type: ignore[arg-type]
                                          row["occ_coef_controls_se"],  # type: ignore[arg-type]
                                          row["task_truth"], row["task_truth_se"])  # type: ignore[arg-type]
        row["verdict_vs_output_compression"] = sign_verdict(
            row["occ_coef"], row["occ_coef_se"], row["cv_exposed"])  # type: ignore[arg-type]
        rows.append(row)
    return pd.DataFrame(rows)


def sim_regressions(results: Results) -> pd.DataFrame:
    """Every simulated regression: coefficient mean over seeds, its across-seed se, the
    mean HC3 se within a seed, and the mean n."""
    regs = results.stack("regs")
    keys = ["cell", "panel", "exposure", "spec", "outcome"]
    g = regs.groupby(keys, sort=False)
    out = g["coef"].agg(coef="mean", se=lambda v: seed_mean(v)[1]).reset_index()
    out["hc3_se_mean"] = g["se"].mean().to_numpy()
    out["n"] = g["n"].mean().to_numpy()
    out["seeds"] = g["coef"].count().to_numpy()
    return out


def gains(results: Results) -> pd.DataFrame:
    """Relative gain by ability quintile per cell and measure, mean and se over seeds."""
    g = results.stack("gains").melt(id_vars=["cell", "seed", "quintile"],
                                    var_name="measure", value_name="value")
    rows = []
    for (cell, measure, q), d in g.groupby(["cell", "measure", "quintile"], sort=False):
        m, se = seed_mean(d["value"])
        rows.append({"cell": cell, "measure": measure, "quintile": int(q), "gain": m, "se": se})
    return pd.DataFrame(rows)


def write_simulated(results: Results, grid: list[Cell], out: Path
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The simulated tables and figures; returns (aggregation, hypotheses)."""
    sim_regressions(results).to_csv(out / "sim_regressions.csv", index=False)
    agg = aggregation_table(results, grid)
    agg.to_csv(out / "sim_aggregation.csv", index=False)
    figures.aggregation(agg, out / "sim_aggregation")
    gain_table = gains(results)
    gain_table.to_csv(out / "sim_gains.csv", index=False)
    shown = [c.name for c in grid if c.name.endswith("xi=0.1 sigma=2")]
    figures.gain_gradient(gain_table[gain_table["cell"].isin(shown + ["baseline"])],
                          out / "h1_gains")
    hyp = hypotheses.table(results)
    hyp.to_csv(out / "hypotheses.csv", index=False)
    return agg, hyp
