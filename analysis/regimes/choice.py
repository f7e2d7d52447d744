"""Occupational choice inside the mean field's fixed point: allocation and prices together.

At given labour prices ω a retooling worker compares `task_values` (her net income on
each group at her best education) across task groups
(`analysis.regimes.occupations` turns the comparison into an allocation); the
allocation changes task outputs, hence task prices and ω. `clear_occupations` solves
both at once for one iteration of `analysis.regimes.meanfield.solve_state`
(docs/REGIMES.md, 'Occupational choice').
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from abm.params import Params
from abm.steps import firm_technology
from analysis.regimes.markets import task_prices
from analysis.regimes.occupations import Allocation, clear, mean_ability
from analysis.regimes.population import TaskGroup, produce


def candidates(groups: list[TaskGroup]) -> tuple[np.ndarray, np.ndarray]:
    """Who a retooling worker is offered (`occupations.stationary`'s `draw`, `social`).

    One random codifiable task and one random social task, so each codifiable group
    with its share of the codifiable tasks and each social group with its share of the
    social tasks.
    """
    codifiable = np.array([g.codifiable for g in groups])
    counts = np.array([g.count for g in groups], dtype=float)
    draw = np.where(codifiable, counts, 0.0) / float(counts[codifiable].sum())
    social = np.where(codifiable, 0.0, counts) / float(counts[~codifiable].sum())
    return draw, social


def clear_occupations(p: Params, groups: list[TaskGroup], alloc: Allocation,
                       start: Allocation, scales: dict, omega: np.ndarray,
                       prices: np.ndarray, fixed_prices: dict | None, mean_wage: float,
                       task_y: np.ndarray, share: np.ndarray, counts: np.ndarray,
                       u_c_task: np.ndarray, fringe_ai: float, unit: float, x_f: float,
                       lam: float, r: float, tol: float, memo: dict
                       ) -> tuple[Allocation, np.ndarray]:
    """The allocation and task prices at which workers' choices and prices agree.

    Workers compare `task_values` at labour prices ω; task output, and so prices and
    ω, move with the ability a group gains or loses (exact at the fixed point, where the
    allocation is the held one). `occupations.clear` solves the two together.
    """
    ai_cs = [g.alpha * fringe_ai if g.exposed else 0.0 for g in groups]
    s_t = p.ability_sd

    def values_at(om: np.ndarray):
        return task_values(p, groups, om, ai_cs, scales, unit * mean_wage, -0.5 * s_t * s_t,
                           s_t)

    held = mean_ability(alloc, s_t)

    def implied(a: Allocation) -> tuple[np.ndarray, np.ndarray]:
        gain = np.maximum(mean_ability(a, s_t), 1e-300) / held
        pr = (prices if fixed_prices else task_prices(
            task_y * share * gain * p.n_tasks / counts, counts, p.n_tasks, p.sigma))
        per_worker = share / np.maximum(a.shares(), 1e-300) * gain
        return pr, pr * (1.0 + p.asset_markup) * firm_technology.ces_labour_slope(
            u_c_task * per_worker, np.full(len(groups), x_f), lam, r)

    next_alloc, new_prices, _ = clear(start, values_at, p.switch_cost * mean_wage, omega,
                                      implied, tol, *candidates(groups), memo)
    return next_alloc, new_prices


def task_values(p: Params, groups: list[TaskGroup], omega: np.ndarray, ai_c: list[float],
                scales: dict, unit_cost: float, mu: float, s: float
                ) -> Callable[[np.ndarray], np.ndarray]:
    """V_g(z): the net income a retooling worker compares on each group (`choose_jobs`),
    `level_pay` at her best level, for all groups at once (abilities × groups × levels:
    occupational choice evaluates it thousands of times); its `at(z, g)` gives one group
    per point."""
    levels = np.arange(p.n_edu_levels, dtype=float)
    lam = np.array([g.skill_return for g in groups])[:, None]        # groups × 1
    phi = np.array([g.phi for g in groups])[:, None]
    ai = np.asarray(ai_c, dtype=float)[:, None]
    pay = (p.job_rate * np.asarray(omega, dtype=float))[:, None]
    scale = (None if any(scales[g.name] is None for g in groups)
             else np.array([scales[g.name] for g in groups])[:, None])
    years = np.exp(p.edu_return * p.years_per_level * levels)
    cost = unit_cost * levels ** 2
    flat = bool(np.all(lam == 1.0))

    def best(theta: np.ndarray, g: np.ndarray | slice) -> np.ndarray:
        """Net income at the best level; θ broadcasts against the groups `g` select."""
        h = theta * years
        h_phi = (h if flat else h ** lam[g]) * phi[g]
        return np.max(pay[g] * produce(p, h_phi, ai[g], None if scale is None else scale[g])
                      - cost / theta, axis=-1)

    def values(z: np.ndarray) -> np.ndarray:
        return best(np.exp(mu + s * np.asarray(z, dtype=float))[:, None, None], slice(None))

    def at(z: np.ndarray, g: np.ndarray) -> np.ndarray:
        """V at z[i] of group g[i] only: refining a root needs two groups, not all."""
        return best(np.exp(mu + s * np.asarray(z, dtype=float))[:, None], g)
    values.at = at  # type: ignore[attr-defined]
    return values
