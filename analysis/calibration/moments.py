"""Simulated moments: the model's counterparts of the targets, on common random numbers.

For each seed the economy at θ is built and burnt in once and then run twice from
period 0, with AI and without (`ai_enabled=False`), by `abm.branch.branch`; each
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
`ability_sd` only while no worker's schooling or task changes, and they do change: one
changed choice moves prices and with them other workers' choices. Measured at 5,000
workers by period 2 (seed 1), raising σ by 0.3% of its range changes the schooling of
1.6% of workers, the task of 1.6% and the quintile of 0.9% of the treated; a 3% step
changes 6%, 19% and 3%; a 3% step in γ changes the schooling of 16%; one in α, 0.04%.
So a moment is a sum of very many small jumps around a smooth trend (gains, wages and
Ginis are continuous in θ between jumps). They are handled by:

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

Why 3%: a step of the moments (one worker changing schooling, task or quintile) moves
a task mean by about one treated worker's share of it, and such steps come at spacings
far below 1% of any range, so a difference quotient over a tiny step measures the
height of a step, not the slope. Measured at the start values (5,000 workers, 10
seeds, central differences; docs/CALIBRATION.md): with steps of 0.3% of the range
cond(G'WG) is 2e5 and the ΔGini row swings (∂/∂γ = −30 target SEs per range against
−7 at wider steps); at 1%, 3% and 10% it is 574, 518 and 565, and the entries agree
to within their seed noise except where the moments bend over 10% of a range (the
Mincer slope in γ turns from +0.2 to −4.8 SEs per range between 3% and 10%). 3% is
the widest step before the curvature shows and has the highest signal-to-noise ratio
(|G|/se(G)) of the four for most entries.
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

UNDEFINED: dict[str, str] = {
    "ai_gain_same_access": "no employed worker on an AI-augmentable task",
    "ai_gain_bottom_quintile": "no employed worker on an AI-augmentable task",
    "ai_gain_top_quintile": "no employed worker on an AI-augmentable task",
    "education_premium": "no variation in schooling among the employed (a return to "
                         "schooling so low that nobody is schooled, or so high against "
                         "little ability dispersion that everyone is at the top level)",
    "rent_sharing_elasticity": "fewer than 10 stayers or no firm-level variation in value "
                               "added per worker",
}
"""Why a statistic can be NaN, for the error message."""

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

    `abm.branch.branch` with the variants AI and no AI: one burn-in, each frame equal bit
    for bit to a separate `simulate` of its variant. `branch` has no `columns=`, so both
    frames carry every column; that costs nothing measurable here (10 seeds of 5,000
    workers, 3 periods, one core: 0.9-1.3 s, against 1.1-1.7 s for two
    `simulate(..., columns=...)` runs per seed and 1.1-1.2 s for a branch measuring the
    six columns only). Without `counterfactual` only the AI run is made, measuring
    `columns` only.
    """
    from abm.branch import branch
    from abm.simulate import simulate

    if counterfactual:
        return branch(params, seed=seed, variants={"ai": {}, "no_ai": {"ai_enabled": False}},
                      n_periods=params.n_periods)
    return {"ai": simulate(params, seed=seed, columns=columns)}


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
                why = UNDEFINED.get(t.statistic, "the statistic is undefined there")
                raise MomentError(
                    f"moment {t.name} ({t.statistic} at period {t.period}) is {value} at "
                    f"seed {seed}, theta {_fmt(theta)} (n_workers={params.n_workers}): "
                    f"{why}; move the start or the bounds, or use more workers")
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
