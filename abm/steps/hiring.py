"""Phase 3: hiring with screening (link 3, credential inflation).

Order within the phase: separations and layoffs; every worker produces a work sample
(with commodity AI available) that employers see with noise; employers update their
belief about how signals and credentials predict productivity; they post credential
requirements; eligible unemployed workers are matched to vacancies.

Signal. s_i = ys_i·(1 + s_ε·ε_i), ε ~ N(0, 1). The error is proportional to the sample's
level: a grader judges quality on a ratio scale, so a sample twice as good is judged with
twice the absolute error. AI adds an ability-independent floor to the sample, which
raises its level (and the error) without raising its ability content, so the signal's
diagnostic value about ability, V_D = corr(s, θ)², falls as A_t grows.

Belief. Employers on task z project incumbents' productivity (outside-option output,
observed on the job) on their current signals and credentials, y ≈ a + b_s·s + b_e·e
(one OLS per task, shared by all employers: the market's screening technology).

Requirement. An applicant is worth evaluating only if an excellent sample, `signal_reach`
signal standard deviations above the mean, could lift her prediction to the incumbents'
mean. The posted requirement is the lowest credential for which that is possible:
c_z = ē_z − R·b_s·sd(s)/b_e. A less diagnostic signal (smaller b_s·sd(s), larger b_e)
raises c_z. If too few applicants meet c_z to fill the vacancies the employer relaxes it
to the highest level that can fill them.

Matching. All workers prefer firms paying a higher rent premium; all employers prefer
higher predicted productivity. The stable matching is assortative within each task:
rank eligible applicants by score and vacancies by firm premium and pair them in order
(sorting, no per-applicant loop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.state import UNEMPLOYED
from abm.steps.production import outputs, relative_assets

if TYPE_CHECKING:
    from abm.model import LaborMarketModel
    from abm.state import Economy

RIDGE = 1e-9  # keeps the per-task 3x3 normal equations solvable when a regressor is constant


# ---------------------------------------------------------------------------------------
# pure kernels
# ---------------------------------------------------------------------------------------
def allocate_jobs(shares: np.ndarray, jobs_per_task: np.ndarray) -> np.ndarray:
    """Integer job targets (J, Z): task z's jobs split over firms ∝ `shares`, largest remainder."""
    exact = shares[:, None] * jobs_per_task[None, :]
    base = np.floor(exact).astype(np.int64)
    short = jobs_per_task - base.sum(axis=0)
    remainder = exact - base
    order = np.argsort(-remainder, axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(shares.size)[:, None], axis=0)
    return base + (rank < short[None, :])


def rank_within(groups: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order by (group asc, key asc) and each element's rank within its group."""
    order = np.lexsort((keys, groups))
    return order, _ranks(groups[order])


def layoffs(cell: np.ndarray, target: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Which employed workers to lay off so that no (firm, task) cell exceeds its target.

    Args:
        cell: flat (firm·Z + task) index of each employed worker.
        target: flat job target per cell.
        key: random key per worker; the highest keys within an over-full cell go.
    """
    order, rank = rank_within(cell, key)
    out = np.zeros(cell.size, dtype=bool)
    out[order] = rank >= target[cell[order]]
    return out


def project(y: np.ndarray, s: np.ndarray, e: np.ndarray, task: np.ndarray,
            n_tasks: int) -> np.ndarray:
    """Per-task OLS coefficients (a, b_s, b_e) of y on (1, s, e), via bincount moments."""
    x = (np.ones_like(s), s, e)
    xtx = np.empty((n_tasks, 3, 3))
    xty = np.empty((n_tasks, 3))
    for a in range(3):
        xty[:, a] = np.bincount(task, weights=x[a] * y, minlength=n_tasks)
        for b in range(a, 3):
            v = np.bincount(task, weights=x[a] * x[b], minlength=n_tasks)
            xtx[:, a, b] = v
            xtx[:, b, a] = v
    scale = np.maximum(xtx[:, 0, 0], 1.0)
    xtx += RIDGE * scale[:, None, None] * np.eye(3)
    coef = np.linalg.solve(xtx, xty[..., None])[..., 0]
    coef[xtx[:, 0, 0] < 3] = (0.0, 1.0, 0.0)   # too few incumbents: rank by signal alone
    return coef


def posted_requirement(coef: np.ndarray, mean_e: np.ndarray, signal_sd: np.ndarray,
                       reach: float, max_level: int) -> np.ndarray:
    """c_z = ē − R·b_s·sd(s)/b_e, clipped to [0, max_level]; 0 where credentials do not predict."""
    b_s = np.maximum(coef[:, 1], 0.0)
    b_e = coef[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        req = np.where(b_e > 0, mean_e - reach * b_s * signal_sd / b_e, 0.0)
    return np.clip(np.nan_to_num(req, nan=0.0), 0.0, float(max_level))


def relax_requirement(posted: np.ndarray, applicant_task: np.ndarray, applicant_e: np.ndarray,
                      vacancies: np.ndarray, n_levels: int) -> np.ndarray:
    """Integer requirement actually applied: ceil(posted), lowered until vacancies can be filled."""
    n_tasks = posted.size
    counts = np.bincount(applicant_task * n_levels + applicant_e.astype(np.int64),
                         minlength=n_tasks * n_levels).reshape(n_tasks, n_levels)
    at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]    # applicants with e >= level
    fillable = at_least >= vacancies[:, None]
    levels = np.arange(n_levels)
    highest_fillable = np.max(np.where(fillable, levels[None, :], 0), axis=1)
    wanted = np.ceil(posted - 1e-9).astype(np.int64)
    return np.minimum(wanted, highest_fillable)


def match(app_task: np.ndarray, app_score: np.ndarray, app_tiebreak: np.ndarray,
          slot_task: np.ndarray, slot_premium: np.ndarray, slot_firm: np.ndarray,
          slot_assets: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Assortative matching within tasks.

    Returns (applicant positions hired, firm for each): the r-th best applicant on task z
    gets the r-th best-paying vacancy on task z, for r < min(#applicants, #vacancies).
    Vacancies paying the same premium are ranked by the firm's assets (then index).
    """
    a_order, a_rank = _rank_with_tiebreak(app_task, app_score, app_tiebreak)
    second = np.zeros_like(slot_premium) if slot_assets is None else -slot_assets
    s_order = np.lexsort((second, -slot_premium, slot_task))
    n_tasks = int(max(app_task.max(initial=-1), slot_task.max(initial=-1)) + 1)
    n_slots = np.bincount(slot_task, minlength=n_tasks)
    s_start = np.r_[0, np.cumsum(n_slots)[:-1]]
    a_task_sorted = app_task[a_order]
    hired = a_rank < n_slots[a_task_sorted]
    slot_pos = s_start[a_task_sorted[hired]] + a_rank[hired]
    return a_order[hired], slot_firm[s_order[slot_pos]]


def _rank_with_tiebreak(task: np.ndarray, score: np.ndarray, tiebreak: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((tiebreak, -score, task))
    return order, _ranks(task[order])


def _ranks(sorted_groups: np.ndarray) -> np.ndarray:
    """Rank of each element within its run of equal values in an already sorted array."""
    g = sorted_groups
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, g.size]))
    return np.arange(g.size) - first


def diagnostic_variance(signal: np.ndarray, ability: np.ndarray, task: np.ndarray,
                        n_tasks: int) -> np.ndarray:
    """V_D(z) = corr(s, θ)² within each task: the share of signal variance due to ability."""
    n = np.bincount(task, minlength=n_tasks).astype(float)
    ms = np.bincount(task, weights=signal, minlength=n_tasks) / n
    ma = np.bincount(task, weights=ability, minlength=n_tasks) / n
    ds, da = signal - ms[task], ability - ma[task]
    cov = np.bincount(task, weights=ds * da, minlength=n_tasks)
    vs = np.bincount(task, weights=ds * ds, minlength=n_tasks)
    va = np.bincount(task, weights=da * da, minlength=n_tasks)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((vs > 0) & (va > 0), cov * cov / (vs * va), 0.0)


# ---------------------------------------------------------------------------------------
# the phase
# ---------------------------------------------------------------------------------------
def work_samples(model: LaborMarketModel, noise: np.ndarray) -> np.ndarray:
    """Signals of all workers: the AI-assisted work sample seen with proportional noise."""
    p, eco = model.params, model.economy
    access = p.eta0 if p.concentration else p.eta0 + p.eta1
    with_ai = outputs(p, eco, access)
    if p.skills_assessment > 0:
        without_ai = outputs(p, eco, 0.0)
        with_ai = (1.0 - p.skills_assessment) * with_ai + p.skills_assessment * without_ai
    if not p.screening:
        return with_ai
    return with_ai * (1.0 + p.signal_noise * noise)


def _update_beliefs(model: LaborMarketModel, emp: np.ndarray) -> None:
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    t.diagnostic_variance = diagnostic_variance(w.signal, w.ability, w.task, t.n)
    idx = np.flatnonzero(emp)
    task = w.task[idx]
    s, e = w.signal[idx], w.education[idx].astype(float)
    n = np.bincount(task, minlength=t.n).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ms = np.bincount(task, weights=s, minlength=t.n) / n
        sd = np.sqrt(np.maximum(np.bincount(task, weights=s * s, minlength=t.n) / n - ms ** 2, 0))
        mean_e = np.bincount(task, weights=e, minlength=t.n) / n
    t.signal_sd = np.nan_to_num(sd)
    if not p.screening:
        t.belief = np.tile((0.0, 1.0, 0.0), (t.n, 1))
        t.requirement = np.zeros(t.n)
        return
    t.belief = project(w.outside_output[idx], s, e, task, t.n)
    t.requirement = posted_requirement(t.belief, np.nan_to_num(mean_e), t.signal_sd,
                                       p.signal_reach, p.n_edu_levels - 1)


def _employment_rates(model: LaborMarketModel, emp: np.ndarray) -> None:
    """Employment rates of workers meeting / not meeting their task's requirement."""
    w, t = model.economy.workers, model.economy.tasks
    meets = w.education >= t.requirement_effective[w.task]
    for mask, out in ((meets, "emp_rate_eligible"), (~meets, "emp_rate_ineligible")):
        n = np.bincount(w.task[mask], minlength=t.n).astype(float)
        k = np.bincount(w.task[mask & emp], minlength=t.n).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, k / n, 1.0 if out == "emp_rate_eligible" else 0.0)
        setattr(t, out, rate)


def run(model: LaborMarketModel) -> None:
    """Separations, signals, beliefs, requirements and matching for this period."""
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    rng = model.streams["hiring"]
    quit_draw = rng.random(w.n)
    layoff_key = rng.random(w.n)
    noise = rng.standard_normal(w.n)
    tiebreak = rng.random(w.n)

    # separations
    was = w.employer != UNEMPLOYED
    sep = was & (quit_draw < p.separation_rate)
    before = w.employer.copy()
    w.employer[sep] = UNEMPLOYED

    # job targets and layoffs
    k = relative_assets(f.assets)
    size = k ** p.size_elasticity
    per_task = np.floor(p.job_rate * np.bincount(w.task, minlength=t.n)).astype(np.int64)
    target = allocate_jobs(size / size.sum(), per_task).ravel()          # (J·Z,)
    emp_idx = np.flatnonzero(w.employer != UNEMPLOYED)
    cell = w.employer[emp_idx] * t.n + w.task[emp_idx]
    fired = emp_idx[layoffs(cell, target, layoff_key[emp_idx])]
    w.employer[fired] = UNEMPLOYED
    lost = np.zeros(w.n, dtype=bool)
    lost[fired] = True
    lost |= sep
    emp = w.employer != UNEMPLOYED

    # signals, beliefs, requirements
    w.signal = work_samples(model, noise)
    _update_beliefs(model, emp)
    w.score = t.belief[w.task, 0] + t.belief[w.task, 1] * w.signal \
        + t.belief[w.task, 2] * w.education
    cell_now = np.bincount(w.employer[emp] * t.n + w.task[emp], minlength=f.n * t.n)
    vac = np.maximum(target - cell_now, 0)
    app = np.flatnonzero(~emp)
    vac_task = vac.reshape(f.n, t.n).sum(axis=0)
    t.requirement_effective = (relax_requirement(t.requirement, w.task[app], w.education[app],
                                                 vac_task, p.n_edu_levels)
                               if p.screening else np.zeros(t.n, dtype=np.int64))

    # matching
    eligible = app[w.education[app] >= t.requirement_effective[w.task[app]]]
    slot_cell = np.repeat(np.arange(vac.size), vac)
    slot_firm, slot_task = slot_cell // t.n, slot_cell % t.n
    pos, firm = match(w.task[eligible], w.score[eligible], tiebreak[eligible],
                      slot_task, f.rent_factor[slot_firm], slot_firm, f.assets[slot_firm])
    hired = eligible[pos]
    w.employer[hired] = firm

    f.vacancies = vac.reshape(f.n, t.n).sum(axis=1)
    f.hires = np.bincount(firm, minlength=f.n)
    f.separations = np.bincount(before[lost], minlength=f.n)
    _employment_rates(model, w.employer != UNEMPLOYED)
