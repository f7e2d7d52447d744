"""Phase 2: education. Workers who may retool re-choose their credential.

Each period a share `retooling_rate` of workers (drawn from this phase's own stream)
may re-choose education e ∈ {0..E−1}. A worker knows her ability θ and picks

    e* = argmax_e  P_z(e)·p_z·y(θ·exp(γe)·φ_z, commodity AI)  −  κ·(1 − subsidy)·e²·w̄/θ,

where P_z(e) is the employment rate last period of workers on her task who met (or did
not meet) the task's credential requirement. The cost falls with ability, so education
is informative about ability: that is what makes credentials worth screening on.
Retooling speed and cost are the policy levers "retraining credits".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    levels = np.arange(expected_income.shape[1], dtype=float)
    net = expected_income - unit_cost * levels[None, :] ** 2 / theta[:, None]
    return np.argmax(net, axis=1).astype(np.int8)


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


def run(model: LaborMarketModel) -> None:
    """Let this period's retooling workers re-choose education."""
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    draw = model.streams["education"].random(w.n)
    choose = draw < retooling_share(eco.period, p.burn_in, p.retooling_rate)
    idx = np.flatnonzero(choose)
    if idx.size == 0:
        return
    task = w.task[idx]
    theta = w.ability[idx]
    access = p.eta0 if p.concentration else p.eta0 + p.eta1
    ai = ai_input(t.ai_weight, t.augmentable, task, eco.ai_capability, access)
    scale = neutral_scale(p, eco)
    scale = None if scale is None else scale[idx]
    levels = np.arange(p.n_edu_levels)
    income = np.empty((idx.size, p.n_edu_levels))
    for e in levels:
        h_phi = theta * np.exp(p.edu_return * e) * t.skill_intensity[task]
        y = task_output(h_phi, ai, form=p.augmentation, rho=p.rho,
                        mult_elasticity=p.mult_elasticity, tool_base=p.tool_base,
                        neutral_scale=scale)
        meets = e >= t.requirement_effective[task]
        prob = np.where(meets, t.emp_rate_eligible[task], t.emp_rate_ineligible[task])
        income[:, e] = prob * t.price[task] * y
    unit_cost = p.edu_cost * (1.0 - p.edu_subsidy) * eco.mean_wage
    new = best_level(theta, income, unit_cost)
    w.education[idx] = new
    w.human_capital[idx] = theta * np.exp(p.edu_return * new)
