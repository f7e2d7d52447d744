"""Simulated occupations: bundles of the model's tasks, OEWS-style statistics, and the truth.

The model's workers each perform one task. An occupation here is a bundle: a share s_o
of its workers perform AI-exposed (codifiable) tasks and 1 − s_o social ones, spread
evenly over the tasks of each kind. Three features of the real data are built in:

- bundles are correlated with the wage level: each occupation has a skill tier whose
  rank correlation with s_o is about `wage_correlation` (the data README reports
  correlations of 0.41-0.57 between exposure and log wage), and within every task the
  workers are split among occupations in order of a noisy ability index, so higher tiers
  hold abler workers (`sorting_noise` is the index's noise sd relative to sd(ln θ));
- the exposure score is measured with noise: measured_o = e_o + `exposure_noise`·sd(e)·ε,
  where the true exposure e_o is the occupation's AI weight, Σ_z share_oz·α_z / mean α
  over exposed tasks (= s_o when all exposed tasks have the same α);
- "major groups" are blocks of tiers (`n_groups`), as SOC major groups are families of
  occupations at similar wage levels.

Occupation membership is fixed from the workers' period-0 cross-section; ability and task
are the same in the paired AI and no-AI runs (same seed), so both runs have the same
occupations. OEWS-style statistics (employment, mean, P10-P90 wages of the employed)
come from period 0 (base year, before AI) and the last period.

The truth is computed from the task level without the occupation aggregation
(`task_truth`): the change in within-task log(P90/P10) of wages on exposed tasks relative
to social tasks, AI minus no AI at the last period; the Proposition-1 compression
(`within_task_cv_exposed`, AI − no AI); the experiment-analogue gain by ability quintile
(`gains_by_quintile`); and ΔGini of income, AI − no AI. All are counterfactual contrasts
with the paired no-AI run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.empirics.model_io import Run
from analysis.empirics.regress import OUTCOMES, outcome_change, standardise

PERCENTILES = {"a_pct10": 0.10, "a_pct25": 0.25, "a_median": 0.50, "a_pct75": 0.75,
               "a_pct90": 0.90}


@dataclass(frozen=True)
class Design:
    """How occupations are made from tasks (see the module docstring)."""

    n_occupations: int = 60
    wage_correlation: float = 0.45
    exposure_noise: float = 0.5
    sorting_noise: float = 1.0
    n_groups: int = 6

    def __post_init__(self) -> None:
        if self.n_occupations < 2 * self.n_groups:
            raise ValueError(f"n_occupations={self.n_occupations} must be at least "
                             f"2·n_groups = {2 * self.n_groups}")
        if not -1 < self.wage_correlation < 1:
            raise ValueError(f"wage_correlation={self.wage_correlation} must be in (-1, 1)")
        if self.exposure_noise < 0 or self.sorting_noise < 0:
            raise ValueError("exposure_noise and sorting_noise must be >= 0")


def bundles(design: Design, tasks: pd.DataFrame, rng: np.random.Generator
            ) -> tuple[pd.DataFrame, np.ndarray]:
    """Occupations and their task shares.

    Args:
        tasks: per task `codifiable` (bool) and `ai_weight` (α_z).

    Returns:
        (occupations, shares): one row per occupation with exposed_share, tier (rank,
        0 = lowest), group, exposure (true) and measured (noisy); and the O × Z matrix of
        each occupation's share of every task's workers (columns sum to 1).
    """
    o = design.n_occupations
    codifiable = tasks["codifiable"].to_numpy(bool)
    n_c, n_s = codifiable.sum(), (~codifiable).sum()
    share = rng.permutation((np.arange(o) + 0.5) / o)            # evenly spread on (0, 1)
    c = design.wage_correlation
    latent = c * norm.ppf(share) + np.sqrt(1 - c * c) * rng.standard_normal(o)
    tier = np.argsort(np.argsort(latent))
    group = tier * design.n_groups // o
    demand = np.where(codifiable, share[:, None] / max(n_c, 1),
                      (1 - share[:, None]) / max(n_s, 1))         # O × Z
    shares = demand / demand.sum(axis=0, keepdims=True)
    alpha = tasks["ai_weight"].to_numpy(float)
    rel = np.where(codifiable, alpha / alpha[codifiable].mean(), 0.0) if n_c else alpha * 0
    weight_in_occ = demand / demand.sum(axis=1, keepdims=True)    # occupation's task mix
    exposure = weight_in_occ @ rel
    sd = exposure.std(ddof=1)
    measured = exposure + design.exposure_noise * sd * rng.standard_normal(o)
    occ = pd.DataFrame({"exposed_share": share, "tier": tier, "group": group,
                        "exposure": exposure, "measured": measured})
    occ.index.name = "occupation"
    return occ, shares


def assign(workers: pd.DataFrame, occupations: pd.DataFrame, shares: np.ndarray,
           design: Design, rng: np.random.Generator) -> np.ndarray:
    """Occupation of every worker: within each task, blocks of a noisy ability index go
    to occupations in order of their tier, in proportion to their share of the task."""
    task = workers["task"].to_numpy()
    log_ability = np.log(workers["ability"].to_numpy())
    sd = log_ability.std() or 1.0
    index = log_ability + design.sorting_noise * sd * rng.standard_normal(len(task))
    out = np.empty(len(task), dtype=np.int64)
    by_tier = np.argsort(occupations["tier"].to_numpy())
    for z in range(shares.shape[1]):
        members = np.flatnonzero(task == z)
        ranked = members[np.argsort(index[members], kind="stable")]
        cuts = np.rint(np.cumsum(shares[by_tier, z]) * len(ranked)).astype(int)
        start = 0
        for occ, stop in zip(by_tier, cuts, strict=True):
            out[ranked[start:stop]] = occ
            start = stop
    return out


def oews_statistics(workers: pd.DataFrame, occupation: np.ndarray, n: int) -> pd.DataFrame:
    """Per occupation: employment and the mean and percentiles of employed workers' wages,
    with OEWS column names (tot_emp, a_mean, a_pct10 ... a_pct90)."""
    emp = workers["employed"].to_numpy(bool)
    d = pd.DataFrame({"occupation": occupation[emp], "wage": workers["wage"].to_numpy()[emp]})
    g = d.groupby("occupation")["wage"]
    out = g.quantile(list(PERCENTILES.values())).unstack()
    out.columns = list(PERCENTILES)
    out["a_mean"] = g.mean()
    out["tot_emp"] = g.size().astype(float)
    return out.reindex(range(n))


def panel(occupations: pd.DataFrame, base: pd.DataFrame, end: pd.DataFrame) -> pd.DataFrame:
    """The regression panel: outcomes between base and end, standardised exposures
    (`measured`, `exposure`), base log median wage, group and base employment."""
    p = pd.DataFrame(index=occupations.index)
    for outcome in OUTCOMES:
        p[outcome] = outcome_change(base, end, outcome)
    p["log_median_base"] = np.log(base["a_median"])
    p["major"] = occupations["group"].astype(str)
    p["emp_base"] = base["tot_emp"]
    p["measured"] = standardise(occupations["measured"])
    p["exposure"] = standardise(occupations["exposure"])
    return p


def _log_p90_p10_by_task(workers: pd.DataFrame) -> pd.Series:
    e = workers[workers["employed"]]
    q = e.groupby("task")["wage"].quantile([0.1, 0.9]).unstack()
    return np.log(q[0.9] / q[0.1])


def task_truth(ai: Run, noai: Run) -> dict[str, float]:
    """Task-level effects of AI, from the task level only (no occupations).

    Returns:
        task_dlog_p90_p10_exposed / _social: mean over exposed / social tasks of
        log(P90/P10) of wages at T, AI minus no AI; task_compression: their difference
        (the relative change on exposed tasks); cv_exposed: `within_task_cv_exposed` at
        T, AI minus no AI; dgini: `gini_income` at T, AI minus no AI.
    """
    codifiable = ai.tasks_end["codifiable"].to_numpy(bool)
    d = (_log_p90_p10_by_task(ai.workers_end) - _log_p90_p10_by_task(noai.workers_end))
    d = d.reindex(range(len(codifiable))).to_numpy()
    exp, soc = float(np.nanmean(d[codifiable])), float(np.nanmean(d[~codifiable]))
    last_ai, last_no = ai.frame.iloc[-1], noai.frame.iloc[-1]
    return {"task_dlog_p90_p10_exposed": exp, "task_dlog_p90_p10_social": soc,
            "task_compression": exp - soc,
            "cv_exposed": float(last_ai["within_task_cv_exposed"]
                                - last_no["within_task_cv_exposed"]),
            "dgini": float(last_ai["gini_income"] - last_no["gini_income"])}


def gains_by_quintile(ai: Run, noai: Run) -> pd.DataFrame:
    """Relative output gain from AI by ability quintile, exposed-task workers employed in
    both runs (the same person, same seed: the experiment analogue).

    Two measures, both relative to the worker's output in the no-AI run:
    `realised` uses her output at her employer's AI access (proprietary access differs
    across firms); `equal_access` uses her outside-option output, produced with the
    commodity AI every worker has (η0), so access is the same for all. Both include her
    education response to AI, which an experiment holding skills fixed would not.
    """
    a, b = ai.workers_end, noai.workers_end
    keep = (a["task_codifiable"] & a["employed"] & b["employed"]).to_numpy()
    base = b["output"].to_numpy()[keep]
    quint = pd.qcut(a["ability"].to_numpy()[keep], 5, labels=False) + 1
    d = pd.DataFrame({"quintile": quint,
                      "realised": a["output"].to_numpy()[keep] / base - 1,
                      "equal_access": a["outside_output"].to_numpy()[keep] / base - 1})
    return d.groupby("quintile")[["realised", "equal_access"]].mean()


def build(ai: Run, noai: Run, design: Design, rng: np.random.Generator
          ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Occupations and their panels for one paired run.

    Returns:
        (occupations, panels) with panels 'ai' (base → T in the AI run), 'noai' (the
        same in the no-AI run) and 'effect' (AI panel outcomes minus no-AI ones: the
        occupation-level causal effect of AI, free of the economy's own drift).
    """
    occ, shares = bundles(design, ai.tasks_base, rng)
    member = assign(ai.workers_base, occ, shares, design, rng)
    n = design.n_occupations
    base = oews_statistics(ai.workers_base, member, n)
    panels = {"ai": panel(occ, base, oews_statistics(ai.workers_end, member, n)),
              "noai": panel(occ, oews_statistics(noai.workers_base, member, n),
                            oews_statistics(noai.workers_end, member, n))}
    effect = panels["ai"].copy()
    for outcome in OUTCOMES:
        effect[outcome] = panels["ai"][outcome] - panels["noai"][outcome]
    panels["effect"] = effect
    occ["log_median_base"] = np.log(base["a_median"])
    return occ, panels
