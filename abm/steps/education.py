"""Phase 2: education. Workers who may retool re-choose their credential.

Each period a share `retooling_rate` of workers (drawn from this phase's own stream)
may re-choose education e ∈ {0..E−1}. A worker knows her ability θ and picks

    e* = argmax_e  P_z(e)·ω_z·y(θ·exp(γe)·φ_z, the fringe's AI)  −  κ·(1 − subsidy)·e²·w̄/θ,

where P_z(e) is the employment rate last period of workers on her task who met (or did
not meet) the task's credential requirement and ω_z the labour market's price of a unit
of her output (her outside option per unit, `production.labour_price`). The AI vendors'
fee on commodity AI is left out: with the additive form it does not depend on education,
so it cannot change the choice. The cost falls with ability, so education
is informative about ability: that is what makes credentials worth screening on.
Retooling speed and cost are the policy levers "retraining credits".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import education as loops
from abm.state import blocks
from abm.steps.production import ai_input, neutral_scale
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.model import LaborMarketModel


def best_level(theta: np.ndarray, expected_income: np.ndarray, unit_cost: float) -> np.ndarray:
    """Pick the education level maximising expected income net of cost.

    Args:
        theta: abilities of the choosing workers, shape (n,).
        expected_income: shape (n, E), expected yearly income at each level.
        unit_cost: κ·(1 − subsidy)·w̄, cost of e² for a worker of ability 1.
    """
    # argmax over levels one column at a time: no (n, E) temporaries, same result,
    # including argmax's ties (first level wins) and NaN (the first NaN wins)
    best = expected_income[:, 0] - unit_cost * 0.0 ** 2 / theta
    level = np.zeros(theta.shape[0], dtype=np.int8)
    best_is_nan = np.isnan(best)
    for e in range(1, expected_income.shape[1]):
        net = expected_income[:, e] - unit_cost * float(e) ** 2 / theta
        better = (net > best) | (np.isnan(net) & ~best_is_nan)
        np.copyto(best, net, where=better)
        np.copyto(level, e, where=better)
        best_is_nan |= better & np.isnan(net)
    return level


def retooling_share(period: int, burn_in: int, retooling_rate: float) -> float:
    """Share allowed to re-choose: everyone in the first period, at least half during burn-in.

    The burn-in only has to reach the pre-AI steady state quickly; from period 1 on the
    retooling speed is the scenario's `retooling_rate`.
    """
    if period <= -burn_in:
        return 1.0
    if period <= 0:
        return max(retooling_rate, 0.5)
    return retooling_rate


BLOCK = 1 << 16  # workers per block: bounds the phase's scratch memory whatever N is


def run(model: LaborMarketModel) -> None:
    """Let this period's retooling workers re-choose education.

    Workers are processed in blocks of `BLOCK`: each choice depends only on the worker's
    own draw and ability and on task-level quantities fixed during the phase, so blocks
    give the same choices (and consume the stream identically) while holding an (n, E)
    income table for one block only rather than for every chooser at once.
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    rng = model.streams["education"]
    share = retooling_share(eco.period, p.burn_in, p.retooling_rate)
    access = eco.fringe_access        # the AI in her outside option (last period's)
    scale = neutral_scale(p, eco)
    unit_cost = p.edu_cost * (1.0 - p.edu_subsidy) * eco.mean_wage
    levels = np.arange(p.n_edu_levels)
    # P_z(e)·ω_z per task and level: the value of a unit of output to a worker holding e
    pay = np.where(levels[:, None] >= t.requirement_effective[None, :],
                   t.emp_rate_eligible, t.emp_rate_ineligible) * t.labour_price  # (E, Z)
    code = fused.form_code(p.augmentation, scale is not None)
    if code is not None:
        ai_per_task = (t.ai_weight * eco.ai_capability * t.augmentable).astype(float)
        growth = np.exp(p.edu_return * levels)           # exp(γe), from numpy (rule 3)
    for b in blocks(w.n, BLOCK):
        draws = rng.random(b.stop - b.start)
        if code is not None:
            loops.choose_levels(draws, float(share), w.task[b], w.ability[b],
                                t.skill_intensity, ai_per_task, float(access),
                                fused.EMPTY if scale is None else scale[b], code, growth,
                                pay, float(unit_cost), w.education[b], w.human_capital[b])
            continue
        idx = b.start + np.flatnonzero(draws < share)
        if idx.size == 0:
            continue
        task = w.task[idx]
        theta = w.ability[idx]
        ai = ai_input(t.ai_weight, t.augmentable, task, eco.ai_capability, access)
        phi = t.skill_intensity[task]
        income = np.empty((idx.size, p.n_edu_levels))
        for e in levels:
            h_phi = theta * np.exp(p.edu_return * e) * phi
            y = task_output(h_phi, ai, form=p.augmentation, rho=p.rho,
                            mult_elasticity=p.mult_elasticity, tool_base=p.tool_base,
                            neutral_scale=None if scale is None else scale[idx])
            income[:, e] = pay[e][task] * y
        new = best_level(theta, income, unit_cost)
        w.education[idx] = new
        w.human_capital[idx] = theta * np.exp(p.edu_return * new)
