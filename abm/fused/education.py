"""Fused loop of the education phase (see the rules in `abm.fused`)."""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE, PRECOMPUTED
from abm.fused.jit import kernel
from abm.fused.production import ai_per_task as _ai_per_task

# called only with an education subsidy (off by default; see `abm.feedback`)
OPTIONAL_KERNELS = ("subsidy_paid",)


@kernel
def candidate_tasks(picks: np.ndarray, task: np.ndarray, n_codifiable: int, n_tasks: int,
                    out: np.ndarray) -> None:
    """Each worker's candidates: her task, one codifiable and one social task.

    `picks` (n, 2) holds two uniforms per worker; the codifiable candidate is
    ⌊u₀·n_C⌋ and the social one n_C + ⌊u₁·(Z − n_C)⌋ (tasks 0..n_C−1 are codifiable).
    """
    n_social = n_tasks - n_codifiable
    for i in range(task.shape[0]):
        out[i, 0] = task[i]
        out[i, 1] = min(int(picks[i, 0] * n_codifiable), n_codifiable - 1)
        out[i, 2] = n_codifiable + min(int(picks[i, 1] * n_social), n_social - 1)


@kernel
def every_task(task: np.ndarray, out: np.ndarray) -> None:
    """Each worker's candidates when she compares every task: her own, then the others.

    `out` (n, Z) gets her task in column 0 and the other Z − 1 tasks in ascending order,
    so `choose_jobs`'s first strict maximum keeps her task on a tie, as with sampled
    candidates, and never evaluates a task twice.
    """
    n_tasks = out.shape[1]
    for i in range(task.shape[0]):
        own = task[i]
        out[i, 0] = own
        c = 1
        for z in range(n_tasks):
            if z != own:
                out[i, c] = z
                c += 1


_candidate_tasks = candidate_tasks.dispatcher
_every_task = every_task.dispatcher


@kernel
def candidates(picks: np.ndarray, task: np.ndarray, codifiable: np.ndarray, n_cand: int,
               every: bool) -> np.ndarray:
    """Each worker's candidate tasks for this period's choice, in one call.

    `every_task` if `every` (the picks go unused), else `candidate_tasks` of the first two
    picks with n_C = the number of codifiable tasks, cut to the first `n_cand` columns
    (1: her own task only; 3: and the two picks).
    """
    n = task.shape[0]
    n_tasks = codifiable.shape[0]
    if every:
        out = np.empty((n, n_tasks), dtype=np.int64)
        _every_task(task, out)
        return out
    n_codifiable = 0
    for z in range(n_tasks):
        if codifiable[z]:
            n_codifiable += 1
    out = np.empty((n, 3), dtype=np.int64)
    _candidate_tasks(picks, task, n_codifiable, n_tasks, out)
    if n_cand == 3:
        return out
    return np.ascontiguousarray(out[:, :n_cand])


@kernel
def subsidy_paid(draws: np.ndarray, share: float, cost_shift: np.ndarray,
                 education: np.ndarray, ability: np.ndarray, unit_subsidy: float,
                 total: float) -> float:
    """`total` plus the state's part of the schooling cost of the workers who re-chose.

    A worker whose draw is below `share` chose level e this year and faced the cost
    κ·c_i·(1 − s)·e²·w̄/θ; the state paid the rest, `unit_subsidy`·c_i·e²/θ with
    `unit_subsidy` = κ·s·w̄. Added one worker at a time in worker order (rule 1).
    """
    for i in range(draws.shape[0]):
        if not draws[i] < share:
            continue
        unit = unit_subsidy if cost_shift.shape[0] == 0 else unit_subsidy * cost_shift[i]
        e = education[i]
        total += unit * float(e * e) / ability[i]
    return total


@kernel
def choose_jobs(draws: np.ndarray, share: float, candidates: np.ndarray, ability: np.ndarray,
                cost_shift: np.ndarray, skill_intensity: np.ndarray, skill_return: np.ndarray,
                ai_per_task: np.ndarray, access: float,
                scale_by_task: np.ndarray, form: int, growth: np.ndarray, pay: np.ndarray,
                unit_cost: float, switch_cost: float, precomputed: np.ndarray,
                task: np.ndarray, education: np.ndarray, human_capital: np.ndarray,
                employer: np.ndarray) -> None:
    """Workers whose draw is below `share` take the (task, level) of highest net income.

    Candidates c = 0.. (`candidates[i, c]`; column 0 is her own task) are tried in order,
    levels e ascending within each; the first strict maximum wins (so a tie keeps her
    task and the lower level). For task z and level e: hφ = (θ·exp(γ·years))^λ[z]·φ[z]
    with `growth[e]` from numpy (the power taken only where λ[z] ≠ 1); y = f(hφ,
    (αA)[z]·access) inline for the additive and skill-neutral forms, else `precomputed[i, c, e]` (numpy's power); net income
    pay[e, z]·y − κ·c_i·e²/θ (c_i = `cost_shift[i]`, or 1 if it is empty), less
    `switch_cost` if z is not her task. Writes the level, the
    task and h = θ·growth[e*]; a worker who changes task leaves her job.
    """
    n_levels = growth.shape[0]
    n_cand = candidates.shape[1]
    for i in range(candidates.shape[0]):
        if not draws[i] < share:
            continue
        theta = ability[i]
        unit = unit_cost if cost_shift.shape[0] == 0 else unit_cost * cost_shift[i]
        own = candidates[i, 0]
        best = 0.0
        level = 0
        best_task = own
        first = True
        for c in range(n_cand):
            z = candidates[i, c]
            ai = ai_per_task[z] * access
            cost = 0.0 if z == own else switch_cost
            for e in range(n_levels):
                if form == PRECOMPUTED:
                    y = precomputed[i, c, e]
                else:
                    h = theta * growth[e]
                    if skill_return[z] != 1.0:
                        h = h ** skill_return[z]
                    h_phi = h * skill_intensity[z]
                    if form == ADDITIVE:
                        y = h_phi + ai
                    else:
                        y = h_phi * (1.0 + ai / scale_by_task[z])
                net = pay[e, z] * y - unit * float(e * e) / theta - cost
                if first or net > best:
                    best = net
                    level = e
                    best_task = z
                    first = False
        education[i] = level
        human_capital[i] = theta * growth[level]
        if best_task != own:
            task[i] = best_task
            employer[i] = -1


_choose_jobs = choose_jobs.dispatcher


@kernel
def choose(draws: np.ndarray, share: float, candidates: np.ndarray, ability: np.ndarray,
           cost_shift: np.ndarray, skill_intensity: np.ndarray, skill_return: np.ndarray,
           ai_weight: np.ndarray, capability: float, augmentable: np.ndarray, access: float,
           scale_by_task: np.ndarray, form: int, growth: np.ndarray,
           requirement: np.ndarray, rate_eligible: np.ndarray, rate_ineligible: np.ndarray,
           labour_price: np.ndarray, unit_cost: float, switch_cost: float,
           precomputed: np.ndarray, task: np.ndarray, education: np.ndarray,
           human_capital: np.ndarray, employer: np.ndarray) -> None:
    """`choose_jobs` with its task-level inputs computed here.

    The AI per task (`fused.production.ai_per_task`) and the value of a unit of output
    to a worker holding level e on task z, P_z(e)·ω_z: the employment rate of those
    meeting z's requirement if e ≥ it, else of those not meeting it, times the labour
    price. numpy: `where(e ≥ req, P_el, P_inel)·ω`, the same products, so the same numbers.
    """
    n_tasks = ai_weight.shape[0]
    n_levels = growth.shape[0]
    ai_per_task = _ai_per_task(ai_weight, capability, augmentable)
    pay = np.empty((n_levels, n_tasks))
    for z in range(n_tasks):
        for e in range(n_levels):
            rate = rate_eligible[z] if e >= requirement[z] else rate_ineligible[z]
            pay[e, z] = rate * labour_price[z]
    _choose_jobs(draws, share, candidates, ability, cost_shift, skill_intensity,
                 skill_return, ai_per_task, access, scale_by_task, form, growth, pay,
                 unit_cost, switch_cost, precomputed, task, education, human_capital,
                 employer)
