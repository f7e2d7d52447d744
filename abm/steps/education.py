"""Phase 2: education and occupation. Retooling workers re-choose credential and task.

Each period a share `retooling_rate` of workers (drawn from this phase's own stream)
may re-choose education e ∈ {0..E−1}, level e being 10 + y_e·e years of schooling
(y_e = `years_per_level`; γ = `edu_return` is per year). With `occupational_choice`
she also chooses her task, among her own and one random task of each type (codifiable,
social; drawn from the `occupations` stream), or, in burn-in years with `burn_in_search`
= 'every', among all tasks. A worker knows her ability θ and picks

    (z*, e*) = argmax  P_z(e)·ω_z·y((θ·exp(γ·y_e·e))^λ_z·φ_z, the fringe's AI on z)
                       − κ·c_i·(1 − subsidy)·e²·w̄/θ  −  c_s·w̄·[z ≠ her task],

where P_z(e) is the employment rate last period of workers on task z who met (or did
not meet) its credential requirement, ω_z the labour market's price of a unit of her
output there (her outside option per unit, `production.labour_price`), c_i her own
cost factor this time (lognormal, log-sd `edu_cost_sd`, from `occupations`) and c_s the
switching cost (`switch_cost`, in mean wages). A worker who changes task quits her job
and looks for one in the new task in this period's hiring; jobs per task follow the
workers on it (`hiring`), so employment across tasks responds to task prices. The
AI vendors' fee on commodity AI is left out: with the additive form it does not depend
on education, so it cannot change the choice. The cost falls with ability, so education
is informative about ability: that is what makes credentials worth screening on.
Retooling speed and cost are the policy levers "retraining credits". The state's part
of the cost, s·κ·c_i·e²·w̄/θ for each worker who re-chose this year, is summed in
`economy.edu_subsidy_total` and financed in the rent-sharing phase by a proportional
levy on persons' income (`benefits.finance_schooling`), so the budget closes every year.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from abm import fused
from abm.fused import education as loops
from abm.params import Params
from abm.state import Tasks, blocks
from abm.steps.production import neutral_scale_by_task
from abm.steps.technology import skill_input, task_output

if TYPE_CHECKING:
    from abm.engine import Engine


def retooling_share(period: int, burn_in: int, retooling_rate: float,
                    burn_in_retooling: float) -> float:
    """Share allowed to re-choose: everyone in the first period, then during the burn-in
    at least `burn_in_retooling` (`Params`' default: half).

    The burn-in only has to reach the pre-AI steady state quickly; from period 1 on the
    retooling speed is the scenario's `retooling_rate`.
    """
    if period <= -burn_in:
        return 1.0
    if period <= 0:
        return max(retooling_rate, burn_in_retooling)
    return retooling_rate


def compares_every_task(p: Params, period: int) -> bool:
    """Whether this period's re-choosers compare every task (`burn_in_search` = 'every'):
    burn-in years after the first, which prices the initial allocation."""
    return (p.occupational_choice and p.burn_in_search == "every"
            and -p.burn_in < period <= 0)


BLOCK = 1 << 16  # workers per block: bounds the phase's scratch memory whatever N is


def run(model: Engine) -> None:
    """Let this period's retooling workers re-choose education (and task).

    Workers are processed in blocks of `BLOCK`: each choice depends only on the worker's
    own draws and ability and on task-level quantities fixed during the phase (prices,
    employment rates, the neutral scales), so blocks give the same choices and consume
    the streams identically. Every worker draws one number from `education` and three
    from `occupations` (two candidate tasks and her cost factor), whether or not she
    retools and whichever mechanisms are on, so no draw shifts another.
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    rng = model.streams["education"]
    picker = model.streams["occupations"]
    share = retooling_share(eco.period, p.burn_in, p.retooling_rate,
                            p.burn_in_retooling)
    every = compares_every_task(p, eco.period)
    access = eco.fringe_access        # the AI in her outside option (last period's)
    scale = neutral_scale_by_task(p, eco)
    unit_cost = p.edu_cost * (1.0 - p.edu_subsidy) * eco.mean_wage
    unit_subsidy = p.edu_cost * p.edu_subsidy * eco.mean_wage   # the state's part
    eco.edu_subsidy_total = 0.0
    switch_cost = p.switch_cost * eco.mean_wage
    growth = level_growth(p.edu_return, p.years_per_level, p.n_edu_levels)
    code = fused.form_code(p.augmentation, scale is not None)
    # CES or multiplicative: outputs in numpy (rule 3), from the AI input at this access
    ai_at_access = (None if code is not None else
                    (t.ai_weight * eco.ai_capability * t.augmentable).astype(float) * access)
    # tasks are re-chosen from the second burn-in period on: the first sets task prices
    # for the initial, equal allocation (its ω are the CES weights, not prices)
    n_cand = 3 if p.occupational_choice and eco.period > -p.burn_in else 1
    for b in blocks(w.n, BLOCK):
        n = b.stop - b.start
        draws = rng.random(n)
        personal = picker.random((n, 3))   # every worker: two task picks, a cost draw
        # her task, and with occupational choice one codifiable and one social pick
        # (every task in the burn-in with `burn_in_search` = 'every')
        candidates = loops.candidates(personal, w.task[b], t.codifiable, n_cand, every)
        shift = fused.EMPTY
        if p.edu_cost_sd > 0:
            shift = np.exp(p.edu_cost_sd * ndtri(personal[:, 2]))
        precomputed = fused.EMPTY.reshape(0, 0, 0)
        if code is None:                 # CES or multiplicative: power stays in numpy
            precomputed = _outputs(p, candidates, draws < share, w.ability[b], t,
                                   ai_at_access, growth)
        # `choose_jobs` with P_z(e)·ω_z and the AI per task computed in the same call
        loops.choose(draws, float(share), candidates, w.ability[b], shift,
                     t.skill_intensity, t.skill_return, t.ai_weight,
                     float(eco.ai_capability), t.augmentable, float(access),
                     fused.EMPTY if scale is None else scale,
                     fused.PRECOMPUTED if code is None else code, growth,
                     t.requirement_effective, t.emp_rate_eligible, t.emp_rate_ineligible,
                     t.labour_price, float(unit_cost), float(switch_cost), precomputed,
                     w.task[b], w.education[b], w.human_capital[b], w.employer[b])
        if p.edu_subsidy > 0:
            eco.edu_subsidy_total = loops.subsidy_paid(
                draws, float(share), shift, w.education[b], w.ability[b],
                float(unit_subsidy), float(eco.edu_subsidy_total))


@functools.lru_cache(maxsize=64)
def level_growth(edu_return: float, years_per_level: int, n_levels: int) -> np.ndarray:
    """exp(γ·y_e·e) for e = 0..n_levels−1, in numpy (rule 3), read-only.

    Fixed by the parameters, so computed once per set of them rather than every period.
    """
    growth = np.exp(edu_return * years_per_level * np.arange(n_levels))
    growth.flags.writeable = False
    return growth


def _outputs(p: Params, candidates: np.ndarray, choosing: np.ndarray, ability: np.ndarray,
             t: Tasks, ai: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """y at each candidate task and level for the choosing workers (others left 0)."""
    out = np.zeros((candidates.shape[0],) + candidates.shape[1:] + (growth.size,))
    idx = np.flatnonzero(choosing)
    theta = ability[idx]
    for c in range(candidates.shape[1]):
        task = candidates[idx, c]
        for e in range(growth.size):
            h = theta * growth[e]
            if p.skill_return_spread != 0.0:
                h = skill_input(h, task, t.skill_return)
            out[idx, c, e] = task_output(h * t.skill_intensity[task], ai[task],
                                         form=p.augmentation, rho=p.rho,
                                         mult_elasticity=p.mult_elasticity,
                                         tool_base=p.tool_base)
    return out
