"""Simulated moments: the model's counterparts of the targets, on common random numbers.

For each seed the economy at θ is built and burnt in once and then run twice from
period 0, with AI and without (`ai_enabled=False`), as `abm.branch.branch` does; each
target reads its statistic at its period (`Target.period`): `dgini_ai` is the AI run's
income Gini minus the no-AI run's at that period (paired: the no-AI economy from the
same seed is the counterfactual, so the difference is the effect of AI, not of the
seed); every other statistic is the AI run's (at period 0 the two runs are identical).
`simulate_moments` averages over the seeds; `seed_moments` gives one row per seed
(their covariance, divided by the number of seeds, is the simulation noise Ω̂_sim/R the
estimate's standard errors carry).

Common random numbers. Every evaluation uses the same seeds, so a seed's draws (ability
shocks z_i, firms' assets, task draws, matching and separation draws) are the same at
every θ and the moment differences between nearby θ are not buried in sampling noise.
Ability is θ_i = exp(σ·z_i − σ²/2): its ranks do not depend on `ability_sd` at all.
What still makes moments step functions of the parameters under CRN is every discrete
choice the model makes with those draws: education levels and occupations (argmax over
a few options), hiring (an applicant is hired or not; integer job counts per task), and
quantile membership (a worker is in a task's bottom fifth of pre-AI output h·φ or not).
Pre-AI output is θ·exp(γ·y_e·e)·φ: its ranks within a task are invariant to
`ability_sd` only while no worker's education or task changes, so quintile membership
and the treated set jump at isolated parameter values. Each jump moves one worker out
of thousands, so the moments are piecewise constant with tiny steps (plus continuous
parts: gains, wages and Ginis are smooth in θ between steps). They are handled by:

- averaging: a moment is a mean over tasks, over thousands of workers and over seeds,
  so a single step is O(1/(N·R)) against slopes of O(1);
- finite differences over a few percent of each parameter's range
  (`JACOBIAN_STEP_SHARE`), wide enough to cross many steps, so the difference quotient
  measures the slope of the smooth trend rather than the height of one step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from abm.collect import COLUMNS
from abm.params import Params

if TYPE_CHECKING:
    from analysis.calibration.targets import Targets

JACOBIAN_STEP_SHARE = 0.03
"""Finite-difference step of the Jacobian as a share of each parameter's range (hi − lo).

Why 3%: at 5,000 workers a step of the moments (one worker changing education, task
or quintile) moves a task mean by about 1/(workers per task) ≈ 1/250 of a gain
difference, and a step happens every time one of the thousands of workers crosses a
threshold, i.e. at spacings far below 1% of any range. A 3% step crosses many of them, so
the difference quotient averages them out, while the curvature error of a central
difference stays small (the moments bend over the whole range, not within a few
percent of it: the gains are log(1 + αA/hφ), smooth in α, σ and γ). The prototype
of CALIBRATION-NOTES §4 found 1e-6 steps meaningless and steps of a few percent stable.
"""

_NOT_STATISTICS = ("regime", "ai_capability")
STATISTICS: dict[str, str] = {
    "dgini_ai": "gini_income of the AI run minus gini_income of the no-AI run from the "
                "same seed at the target's period: the income Gini change caused by AI",
    **{name: text for name, text in COLUMNS.items() if name not in _NOT_STATISTICS},
}
"""Statistics a target may map to: `dgini_ai` (paired AI/no-AI) and every numeric model
column (`abm.collect.COLUMNS`, read from the AI run)."""

FIRST_PERIOD: dict[str, int] = {
    "dgini_ai": 1, "dgini": 1, "ai_gain_same_access": 1, "ai_gain_bottom_quintile": 1,
    "ai_gain_top_quintile": 1,
}
"""Earliest period a statistic says anything: AI gains are NaN at period 0 (nobody has
AI) and the Gini changes are exactly 0 there."""

_NEEDS: dict[str, tuple[str, ...]] = {"dgini_ai": ("gini_income",)}


class MomentError(ValueError):
    """A simulated moment is not a finite number (never passed on to an optimiser)."""


def needed_columns(targets: Targets) -> list[str]:
    """The model columns the targets' statistics read (to measure only those)."""
    cols: list[str] = []
    for t in targets.targets:
        for c in _NEEDS.get(t.statistic, (t.statistic,)):
            if c not in cols:
                cols.append(c)
    return cols


def paired_frames(params: Params, seed: int, *, columns: Sequence[str] | None,
                  counterfactual: bool) -> dict[str, pd.DataFrame]:
    """{"ai": frame, "no_ai": frame} of one seed, sharing burn-in and period 0.

    What `abm.branch.branch(params, seed=seed, variants={"ai": {}, "no_ai":
    {"ai_enabled": False}})` returns, with `columns` measured only (`branch` measures
    every column; the measurement of unused columns doubles the cost at 3 periods). The
    model's own `branch` copies the economy at period 0 exactly as `abm.branch.branch`
    does, so each frame equals `simulate(..., seed=seed, columns=columns)` of its variant
    bit for bit (tests/test_branch.py checks the copy; tests/calibration checks frames).
    Without `counterfactual` only the AI run is made.
    """
    from abm.feedback import compilation_notice
    from abm.model import LaborMarketModel
    from abm.simulate import check_seed, release

    check_seed(seed)
    compilation_notice()
    root = LaborMarketModel(params, seed=seed, agents=False, columns=columns)
    out: dict[str, pd.DataFrame] = {}
    try:
        if counterfactual:
            twin = root.branch(agents=False, ai_enabled=False)
            try:
                out["no_ai"] = twin.run()
            finally:
                release(twin)
        out["ai"] = root.run()
    finally:
        release(root)
    return out


def seed_moments(theta: Mapping[str, float], *, targets: Targets, seeds: Sequence[int],
                 base: Params) -> pd.DataFrame:
    """Simulated moments of each seed: one row per seed (index `seed`), columns the
    target names in file order.

    Raises:
        ValueError: θ names an unknown free parameter or a value outside its bounds.
        MomentError: a moment is NaN or infinite (the message names the moment, its
            statistic and period, θ and the seed).
    """
    from analysis.calibration.space import to_params

    theta = {k: float(v) for k, v in dict(theta).items()}
    params = to_params(theta, base)
    horizon = max(max((t.period for t in targets.targets), default=1), 1)
    params = params.replace(n_periods=horizon)
    columns = needed_columns(targets)
    counterfactual = any(t.statistic == "dgini_ai" for t in targets.targets)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    rows = []
    for seed in seeds:
        frames = paired_frames(params, seed, columns=columns, counterfactual=counterfactual)
        row = {}
        for t in targets.targets:
            value = statistic_at(frames, t.statistic, t.period)
            if not math.isfinite(value):
                raise MomentError(
                    f"moment {t.name} ({t.statistic} at period {t.period}) is {value} at "
                    f"seed {seed}, theta {_fmt(theta)} (n_workers={params.n_workers}); it "
                    "is undefined there (e.g. no employed worker on an AI-augmentable task, "
                    "or too few stayers): move the start or bounds, or use more workers")
            row[t.name] = value
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"), columns=targets.names)


def statistic_at(frames: Mapping[str, pd.DataFrame], statistic: str, period: int) -> float:
    """The value of `statistic` at `period` from a seed's paired frames."""
    if statistic == "dgini_ai":
        return float(frames["ai"].at[period, "gini_income"]
                     - frames["no_ai"].at[period, "gini_income"])
    if statistic not in STATISTICS:
        raise KeyError(f"unknown statistic {statistic!r}; allowed: {', '.join(STATISTICS)}")
    return float(frames["ai"].at[period, statistic])


def simulate_moments(theta: Mapping[str, float] | pd.Series, *, targets: Targets,
                     seeds: Sequence[int], base: Params) -> pd.Series:
    """Simulated moments at θ: the mean over `seeds` of `seed_moments` (index the target
    names, in file order). The signature estimagic's `estimate_msm` calls."""
    if isinstance(theta, pd.Series):
        theta = theta.to_dict()
    per_seed = seed_moments(theta, targets=targets, seeds=seeds, base=base)
    return per_seed.mean(axis=0).rename("simulated")


def _fmt(theta: Mapping[str, float]) -> str:
    return "{" + ", ".join(f"{k}={v:.6g}" for k, v in theta.items()) + "}"


__all__ = ["FIRST_PERIOD", "JACOBIAN_STEP_SHARE", "MomentError", "STATISTICS",
           "needed_columns", "paired_frames", "seed_moments", "simulate_moments",
           "statistic_at"]
