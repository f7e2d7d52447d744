"""Files of a calibration run: tables (CSV), figures and a short report.md.

`write_report(out, fit=..., ...)` writes whatever parts it is given, so the command line
calls it after each stage and a stopped run still leaves the tables of the stages done:

    estimates.csv      parameter, estimate, se, status (estimated [at a bound] / fixed)
    moments.csv        moment, empirical, se, simulated, t
    sensitivity.csv    parameter, target, kind, value, caveat (`decompose.sensitivity`)
    dgini.csv          ΔGini at the estimate by horizon, delta-method SE and 95% interval
    dgini_split.csv    each target's share of Var(ΔGini), ΔGini's move per target 1 SE higher
    m6_scenarios.csv, regimes.csv, share_profile.csv   the refits (`decompose`)
    fit.png/.pdf, sensitivity.png/.pdf, share_profile.png/.pdf
    report.md          estimates ± SE, fit, sensitivity, what pins the sign, run time
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.calibration import figures


def _status(name: str, value: float) -> str:
    """"estimated", or "estimated, at lower/upper bound" (within 0.1% of the range): there
    the delta-method SE describes a one-sided neighbourhood and is not a sampling SE."""
    from analysis.calibration.space import FREE

    for f in FREE:
        if f.name == name:
            tol = 1e-3 * (f.hi - f.lo)
            if value <= f.lo + tol:
                return "estimated, at lower bound"
            if value >= f.hi - tol:
                return "estimated, at upper bound"
    return "estimated"


def estimates_table(fit: Any) -> pd.DataFrame:
    rows = [{"parameter": k, "estimate": float(v), "se": float(fit.se.get(k, np.nan)),
             "status": _status(k, float(v))} for k, v in fit.params.items()]
    rows += [{"parameter": k, "estimate": float(v), "se": np.nan, "status": "fixed"}
             for k, v in dict(fit.fixed or {}).items()]
    return pd.DataFrame(rows, columns=["parameter", "estimate", "se", "status"])


def moments_table(fit: Any) -> pd.DataFrame:
    m = fit.moments[["empirical", "se", "simulated", "t"]]
    return m.rename_axis("moment").reset_index()


def _short(v: Any) -> str:
    """A value of the identification dict, numbers to 3 significant digits."""
    if isinstance(v, float | np.floating):
        return f"{float(v):.3g}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_short(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    return str(v)


def _md(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    """A GitHub markdown table (no tabulate dependency)."""
    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return "" if np.isnan(v) else format(float(v), floatfmt)
        return str(v)
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(False)]
    return "\n".join([head, rule, *body])


def write_report(out: str | Path, *, fit: Any, targets: Any = None,
                 sensitivity: pd.DataFrame | None = None,
                 dgini: Mapping[str, pd.DataFrame] | None = None,
                 scenarios: pd.DataFrame | None = None, regimes: pd.DataFrame | None = None,
                 profile: pd.DataFrame | None = None,
                 settings: Mapping[str, Any] | None = None,
                 seconds: float | None = None, failed: list[str] | None = None) -> Path:
    """Write the tables, figures and report.md of the parts given; return report.md's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    est = estimates_table(fit)
    est.to_csv(out / "estimates.csv", index=False)
    mom = moments_table(fit)
    mom.to_csv(out / "moments.csv", index=False)
    mc = None
    sim_cov = getattr(fit, "sim_cov", None)
    seeds = int((settings or {}).get("seeds", 0) or 0)
    if sim_cov is not None and len(sim_cov) and seeds:
        mc = pd.Series(np.sqrt(np.diag(sim_cov.to_numpy(float)) / seeds), sim_cov.index)
    figures.fit_figure(fit.moments, out / "fit", mc_se=mc)
    text = ["# Calibration by the Method of Simulated Moments", ""]
    if settings:
        text += ["Settings: " + ", ".join(f"{k} = {v}" for k, v in settings.items()), ""]
    text += ["## Estimates (± SE, with simulation noise: Ω_data + Ω̂_sim/R)", "",
             _md(est.assign(se=est["se"])), "",
             "## Fit of each target", "",
             "t = (simulated − empirical)/SE of the target.", "", _md(mom), "",
             f"Criterion (Σ t², diagonal weights 1/SE²): {fit.criterion:.4g}; "
             f"{getattr(fit, 'n_evaluations', '?')} evaluations.", ""]
    ident = getattr(fit, "identification", None)
    if ident:
        text += ["Identification: " + "; ".join(f"{k} = {_short(v)}" for k, v in ident.items()
                                                 if v not in ("", [], {})), ""]
    if sensitivity is not None and not sensitivity.empty:
        sensitivity.to_csv(out / "sensitivity.csv", index=False)
        figures.sensitivity_heatmap(sensitivity, out / "sensitivity")
        text += _sensitivity_md(sensitivity)
    if dgini is not None:
        dgini["summary"].to_csv(out / "dgini.csv", index=False)
        dgini["split"].to_csv(out / "dgini_split.csv", index=False)
        text += _dgini_md(dgini)
    if regimes is not None and not regimes.empty:
        regimes.to_csv(out / "regimes.csv", index=False)
        text += _regimes_md(regimes)
    if scenarios is not None and not scenarios.empty:
        scenarios.to_csv(out / "m6_scenarios.csv", index=False)
        text += ["## ΔGini scenarios (m6 set to each value, everything refitted)", "",
                 "t_<target>: fit of the five other targets in each scenario.", "",
                 _md(scenarios.drop(columns=[c for c in scenarios if c.startswith("se_")])),
                 ""]
    if profile is not None and not profile.empty:
        profile.to_csv(out / "share_profile.csv", index=False)
        share = dict(fit.fixed or {}).get("proprietary_share",
                                          fit.params.get("proprietary_share"))
        figures.profile_figure(profile, out / "share_profile",
                               estimate=None if share is None else float(share),
                               criterion=float(fit.criterion))
        cols = [c for c in ("proprietary_share", "criterion", "dgini_data_date",
                            "dgini_long_run") if c in profile]
        text += ["## Profile along the proprietary share", "",
                 "Share fixed at each point, the other parameters re-estimated "
                 "(share_profile.png).", "", _md(profile[cols]), ""]
    if failed:
        text += ["## Stages that failed", "", *[f"- {f}" for f in failed], ""]
    text += ["## Run time", "",
             f"Main estimate: {getattr(fit, 'seconds', float('nan')):.0f} s "
             f"({getattr(fit, 'seconds_in_model', float('nan')):.0f} s in the model; "
             f"{getattr(fit, 'n_evaluations', '?')} evaluations, "
             f"{getattr(fit, 'n_cached', 0)} of them replayed from the log)."
             + (f" Whole run: {seconds:.0f} s." if seconds is not None else ""), ""]
    path = out / "report.md"
    path.write_text("\n".join(text))
    return path


def _sensitivity_md(s: pd.DataFrame) -> list[str]:
    t = s[s["kind"] == "bias_per_se_in_param_se"]
    lines = ["## Sensitivity (Andrews, Gentzkow & Shapiro 2017)", "",
             "Change in each parameter if a target's empirical value were one SE higher, "
             "in units of the "
             "parameter's own SE (sensitivity.png; all kinds in sensitivity.csv, with the "
             "Honoré-Jørgensen-de Paula precision measures). Largest per parameter:", ""]
    for p, g in t.groupby("parameter", sort=False):
        g = g.loc[g["value"].abs().sort_values(ascending=False).index]
        top = ", ".join(f"{r.target} {r.value:+.2f}" for r in g.head(2).itertuples())
        lines.append(f"- {p}: {top}")
    return [*lines, ""]


def _dgini_md(d: Mapping[str, pd.DataFrame]) -> list[str]:
    lines = ["## ΔGini at the estimate, and what pins its sign", ""]
    for r in d["summary"].itertuples():
        lines.append(f"- {r.horizon} (period {r.period}): ΔGini = {r.dgini:+.5f}, "
                     f"delta-method SE {r.se:.5f}, 95% interval [{r.ci_low:+.5f}, "
                     f"{r.ci_high:+.5f}] (seed SE of the value {r.mc_se:.5f}, "
                     f"{r.seeds} seeds)")
    lines.append("")
    split = d["split"]
    for horizon, g in split.groupby("horizon", sort=False):
        g = g.loc[g["share"].abs().sort_values(ascending=False).index]
        lines.append(f"{horizon}: share of Var(ΔGini) by target — "
                     + ", ".join(f"{r.target} {r.share:.0%}" for r in g.itertuples())
                     + "; ΔGini's move if a target were one SE higher — "
                     + ", ".join(f"{r.target} {r.per_target_se:+.5f}"
                                 for r in g.itertuples()) + ".")
        lines.append("")
    return lines


def _regimes_md(r: pd.DataFrame) -> list[str]:
    q = r.set_index("regime")
    gap = float(r["criterion_gap"].iloc[0])
    lines = ["## Best fit in each ΔGini regime (data-date ΔGini constrained, COBYLA)", "",
             _md(r.drop(columns=["criterion_gap", "preferred", "criterion_targets"])), "",
             f"Criterion gap {gap:.3g} (squared-SE units) in favour of "
             f"{r['preferred'].iloc[0]}; criterion over: {r['criterion_targets'].iloc[0]}."]
    if "dgini_long_run" in q:
        lines.append("Long-run ΔGini at each optimum in the table (dgini_long_run).")
    return [*lines, ""]
