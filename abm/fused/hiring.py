"""Fused loops of the hiring phase: signals, screening moments, scores, eligibility.

Each function states the numpy computation it replaces; `abm.steps.hiring` and
`abm.steps.screening` call them
and keeps every rule in view (see the exactness rules in `abm.fused`).
"""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE
from abm.fused.industries import systematic_rounding_cells
from abm.fused.jit import kernel
from abm.fused.production import ai_per_task as _ai_per_task

# called only where outputs are computed in numpy (CES or multiplicative AI), or by
# the pure `abm.steps.screening` helpers the tests use (see `abm.feedback`)
OPTIONAL_KERNELS = ("first_moments",)

_rounding_cells = systematic_rounding_cells.dispatcher


@kernel
def signals(task: np.ndarray, human_capital: np.ndarray, skill_intensity: np.ndarray,
            ai_weight: np.ndarray, capability: float, augmentable: np.ndarray,
            access: float, neutral_scale: np.ndarray, form: int,
            skills_assessment: float, noise: np.ndarray, signal_noise: float,
            constant: bool, screening: bool, out: np.ndarray, ability: np.ndarray,
            first: np.ndarray) -> None:
    """Work samples: y at commodity access (mixed with y without AI), seen with noise.

    numpy: hφ = h·φ[z]; y = task_output(hφ, (αA)[z]·access); if skills assessment,
    y = (1 − a)·y + a·task_output(hφ, (αA)[z]·0); s = y·(1 + s_ε·ε), or s = y + s_ε·φ[z]·ε
    if `constant` (y if not screening).
    `form` is ADDITIVE (y = hφ + ai) or NEUTRAL (y = hφ·(1 + ai/m), m from
    `neutral_scale`); (αA)[z] from its factors (`fused.production.ai_per_task`). Adds
    each worker to `first`, the per-task sums of `first_moments`, on the way.
    """
    ai_per_task = _ai_per_task(ai_weight, capability, augmentable)
    for i in range(task.shape[0]):
        z = task[i]
        h_phi = human_capital[i] * skill_intensity[z]
        ai = ai_per_task[z] * access
        if form == ADDITIVE:
            y = h_phi + ai
        else:
            y = h_phi * (1.0 + ai / neutral_scale[i])
        if skills_assessment > 0:
            ai0 = ai_per_task[z] * 0.0
            if form == ADDITIVE:
                y0 = h_phi + ai0
            else:
                y0 = h_phi * (1.0 + ai0 / neutral_scale[i])
            y = (1.0 - skills_assessment) * y + skills_assessment * y0
        if not screening:
            out[i] = y
        elif constant:
            out[i] = y + signal_noise * skill_intensity[z] * noise[i]
        else:
            out[i] = y * (1.0 + signal_noise * noise[i])
        k = 4 * z
        first[k] += 1.0
        first[k + 1] += out[i]
        first[k + 2] += ability[i]


@kernel
def first_moments(task: np.ndarray, signal: np.ndarray, ability: np.ndarray,
                  first: np.ndarray) -> None:
    """Add workers, Σ s and Σ θ by task into `first` (4 entries per task, interleaved)."""
    for i in range(task.shape[0]):
        k = 4 * task[i]
        first[k] += 1.0
        first[k + 1] += signal[i]
        first[k + 2] += ability[i]


@kernel
def screening_moments(task: np.ndarray, employed: np.ndarray, signal: np.ndarray,
                      education: np.ndarray, outside_output: np.ndarray,
                      ability: np.ndarray, first: np.ndarray, n_tasks: int,
                      screening: bool
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sums by task for the diagnostic variance and the employers' OLS, in one pass.

    `first` holds the workers, Σ s and Σ θ of each task over all workers
    (`first_moments`, or added up while the signals were made), for the task means the
    deviations are taken from: the second pass of a two-pass variance.

    Returns:
        dv: (3, Z) Σ ds·dθ, Σ ds², Σ dθ² over all workers, deviations from task means
            (`screening.diagnostic_variance`).
        xtx: (Z, 3, 3) upper triangle of X'X for X = (1, s, e) over the employed (the
            diagonal count is left to the caller); Σ s·e, Σ e² only if screening.
        xty: (Z, 3) X'y with y the outside-option output, only if screening.
        count: (Z,) employed per task.
    """
    n = task.shape[0]
    mean_s = np.empty(n_tasks)
    mean_a = np.empty(n_tasks)
    for z in range(n_tasks):
        mean_s[z] = first[4 * z + 1] / first[4 * z]
        mean_a[z] = first[4 * z + 2] / first[4 * z]
    acc = np.zeros(12 * n_tasks)
    count = np.zeros(n_tasks, dtype=np.int64)
    for i in range(n):
        z = task[i]
        k = 12 * z
        s = signal[i]
        ds = s - mean_s[z]
        da = ability[i] - mean_a[z]
        acc[k] += ds * da
        acc[k + 1] += ds * ds
        acc[k + 2] += da * da
        if employed[i]:
            e = float(education[i])
            count[z] += 1
            acc[k + 3] += s
            acc[k + 4] += s * s
            acc[k + 5] += e
            if screening:
                y = outside_output[i]
                acc[k + 6] += s * e
                acc[k + 7] += e * e
                acc[k + 8] += y
                acc[k + 9] += s * y
                acc[k + 10] += e * y
    dv = np.empty((3, n_tasks))
    xtx = np.zeros((n_tasks, 3, 3))
    xty = np.empty((n_tasks, 3))
    for z in range(n_tasks):
        k = 12 * z
        dv[0, z], dv[1, z], dv[2, z] = acc[k], acc[k + 1], acc[k + 2]
        xtx[z, 0, 1], xtx[z, 1, 1], xtx[z, 0, 2] = acc[k + 3], acc[k + 4], acc[k + 5]
        xtx[z, 1, 2], xtx[z, 2, 2] = acc[k + 6], acc[k + 7]
        xty[z, 0], xty[z, 1], xty[z, 2] = acc[k + 8], acc[k + 9], acc[k + 10]
    return dv, xtx, xty, count


@kernel
def scores(task: np.ndarray, signal: np.ndarray, education: np.ndarray,
           employed: np.ndarray, coef: np.ndarray, n_levels: int, n_tasks: int,
           out: np.ndarray) -> np.ndarray:
    """Predicted productivity of every worker, and applicants by (task, education).

    numpy: score = a[z] + b_s[z]·s + b_e[z]·e; applicants = bincount(z·E + e) over the
    unemployed. Returns the applicant counts, shape (Z·E,).
    """
    applicants = np.zeros(n_tasks * n_levels, dtype=np.int64)
    for i in range(task.shape[0]):
        z = task[i]
        e = education[i]
        out[i] = coef[z, 0] + coef[z, 1] * signal[i] + coef[z, 2] * float(e)
        if not employed[i]:
            applicants[z * n_levels + e] += 1
    return applicants


@kernel
def eligible_applicants(task: np.ndarray, education: np.ndarray, employed: np.ndarray,
                        requirement: np.ndarray, n_tasks: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The unemployed meeting their task's applied requirement, in worker order.

    Also counts workers by (task, meets requirement) and the employed among them (cell
    2z + meets), for the employment rates. Returns (eligible indices, counts, employed
    counts as float sums of 1.0, as `bincount(..., weights=employed)` gives them).
    """
    n = task.shape[0]
    n_meets = np.zeros(2 * n_tasks, dtype=np.int64)
    k_meets = np.zeros(2 * n_tasks)
    picked = np.empty(n - np.count_nonzero(employed), dtype=np.int64)  # the unemployed
    m = 0
    for i in range(n):
        z = task[i]
        meets = education[i] >= requirement[z]
        cell = 2 * z + (1 if meets else 0)
        n_meets[cell] += 1
        if employed[i]:
            k_meets[cell] += 1.0
        elif meets:
            picked[m] = i
            m += 1
    return picked[:m], n_meets, k_meets


@kernel
def separate(employer: np.ndarray, task: np.ndarray, draws: np.ndarray, rate: float,
             per_firm: np.ndarray, per_task: np.ndarray, prev_employer: np.ndarray,
             wage: np.ndarray, prev_wage: np.ndarray) -> None:
    """Employed workers whose draw is below `rate` quit: unemployed, counted by firm.

    First keeps each worker's job and wage of last period in `prev_employer` and
    `prev_wage` (numpy: `copyto`, before the quits), and counts every worker by task
    into `per_task` (the task sizes the job targets are set from): passes over the
    workers saved.
    """
    for i in range(employer.shape[0]):
        prev_employer[i] = employer[i]
        prev_wage[i] = wage[i]
        per_task[task[i]] += 1
        j = employer[i]
        if j >= 0 and draws[i] < rate:
            per_firm[j] += 1
            employer[i] = -1


@kernel
def staffing(employer: np.ndarray, task: np.ndarray, target: np.ndarray, n_tasks: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Workers per (firm, task) cell, and the employed in cells above their target.

    Returns (held per flat cell j·Z + z, indices of the workers at risk in worker order).
    """
    held = np.zeros(target.shape[0], dtype=np.int64)
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            held[employer[i] * n_tasks + task[i]] += 1
    m = 0                                   # workers in over-full cells
    for c in range(held.shape[0]):
        if held[c] > target[c]:
            m += held[c]
    at_risk = np.empty(m, dtype=np.int64)
    if m > 0:
        m = 0
        for i in range(employer.shape[0]):
            if employer[i] >= 0:
                c = employer[i] * n_tasks + task[i]
                if held[c] > target[c]:
                    at_risk[m] = i
                    m += 1
    return held, at_risk


@kernel
def systematic_rounding(shares: np.ndarray, jobs: np.ndarray) -> np.ndarray:
    """Integer split of each task's `jobs` over firms ∝ `shares`, by systematic rounding.

    Task z's quotas q_jz = shares_j·jobs_z are cumulated in firm order, C_j = Σ_{i≤j} q_iz,
    and firm j gets ⌊C_j + u_z⌋ − ⌊C_{j−1} + u_z⌋ jobs, with the task's offset
    u_z = (z + ½)/Z. Each firm gets its quota rounded down or up, each task exactly its
    jobs (the last cumulated quota is set to jobs_z), and because the offsets of the Z
    tasks are spread evenly over [0, 1), a firm whose quota summed over tasks is at least
    one job gets at least one job when tasks have equal jobs (nearly so otherwise). One
    pass: linear in the number of firms.
    """
    n_rows = shares.shape[0]
    n_cols = jobs.shape[0]
    cells = np.empty((n_rows, n_cols))         # the firm's share in every task
    for j in range(n_rows):
        for z in range(n_cols):
            cells[j, z] = shares[j]
    return _rounding_cells(cells, jobs)


@kernel
def one_job_each(target: np.ndarray, shares: np.ndarray, jobs: np.ndarray) -> int:
    """Give a job to every firm entitled to one that the rounding left with none; in place.

    Firm j is entitled when its share of all jobs is at least one, shares_j·ΣJ_z ≥ 1.
    In firm order, such a firm with no job takes one in the task of its largest quota
    q_jz = shares_j·J_z, the task z* with the most jobs (the first such), from the firm
    that the rounding favoured most there: the largest excess T_iz* − q_iz* > 0 among
    firms holding at least two jobs (the first such firm). Every task keeps exactly J_z
    jobs and every cell stays its quota rounded down or up (the taker's quota there is
    below one, the giver had rounded up). Returns how many jobs moved.

    A giver's excess falls below 0 when it gives, and takers hold no job in z*, so the
    givers are the firms with positive excess in z* in order of (excess desc, index),
    each used once: a sorted list walked once, O(J·Z + J log J).
    """
    n_rows = target.shape[0]
    n_cols = target.shape[1]
    total_jobs = 0.0
    best_z = 0                          # largest quota: the task with the most jobs
    for z in range(n_cols):
        total_jobs += float(jobs[z])
        if jobs[z] > jobs[best_z]:
            best_z = z
    held = np.zeros(n_rows, dtype=np.int64)
    for j in range(n_rows):
        for z in range(n_cols):
            held[j] += target[j, z]
    total = float(jobs[best_z])
    excess = np.empty(n_rows)
    for i in range(n_rows):
        excess[i] = float(target[i, best_z]) - shares[i] * total
    givers = np.argsort(-excess, kind="mergesort")     # stable: the first firm on ties
    k = 0
    moved = 0
    for j in range(n_rows):
        if held[j] > 0 or shares[j] * total_jobs < 1.0:
            continue
        # the next giver: positive excess, a job in z* and at least two in all
        while k < n_rows and excess[givers[k]] > 0.0 and (
                held[givers[k]] < 2 or target[givers[k], best_z] < 1):
            k += 1
        if k == n_rows or not excess[givers[k]] > 0.0:
            break
        g = givers[k]
        k += 1
        target[g, best_z] -= 1
        held[g] -= 1
        target[j, best_z] += 1
        held[j] += 1
        moved += 1
    return moved


@kernel
def belief_inputs(dv: np.ndarray, xtx: np.ndarray, count: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From `screening_moments`: V_D, sd of incumbents' signals and their mean education.

    Also completes X'X (count on the diagonal, lower triangle mirrored). numpy:
    V_D = where(Σds² > 0 & Σdθ² > 0, (Σds·dθ)²/(Σds²·Σdθ²), 0);
    sd = nan_to_num(sqrt(maximum(Σs²/n − (Σs/n)², 0))); ē = Σe/n (NaN if n = 0).
    """
    n_tasks = count.shape[0]
    vd = np.zeros(n_tasks)
    sd = np.zeros(n_tasks)
    mean_e = np.empty(n_tasks)
    for z in range(n_tasks):
        cov, vs, va = dv[0, z], dv[1, z], dv[2, z]
        if vs > 0 and va > 0:
            vd[z] = cov * cov / (vs * va)
        n = float(count[z])
        xtx[z, 0, 0] = n
        xtx[z, 1, 0] = xtx[z, 0, 1]
        xtx[z, 2, 0] = xtx[z, 0, 2]
        xtx[z, 2, 1] = xtx[z, 1, 2]
        ms = xtx[z, 0, 1] / n
        v = xtx[z, 1, 1] / n - ms * ms
        v = v if (v >= 0.0 or v != v) else 0.0          # np.maximum(v, 0)
        s = np.sqrt(v)
        sd[z] = s if s == s else 0.0                     # nan_to_num
        mean_e[z] = xtx[z, 0, 2] / n
    return vd, sd, mean_e


@kernel
def relax(posted: np.ndarray, counts: np.ndarray, vacancies: np.ndarray) -> np.ndarray:
    """ceil(posted) lowered to the highest level at which enough applicants qualify.

    counts: applicants by (task, education level). The level of a task is the highest
    l with Σ_{e ≥ l} counts ≥ vacancies (0 if none), as `screening.relax_requirement`.
    """
    n_tasks, n_levels = counts.shape
    out = np.empty(n_tasks, dtype=np.int64)
    for z in range(n_tasks):
        highest = 0
        at_least = 0
        for level in range(n_levels - 1, -1, -1):
            at_least += counts[z, level]
            if at_least >= vacancies[z]:
                highest = level
                break
        out[z] = min(np.int64(np.ceil(posted[z] - 1e-9)), highest)
    return out


@kernel
def add_ridge(xtx: np.ndarray, ridge: float) -> None:
    """X'X + ridge·max(n, 1)·I for each task, in place (n = X'X[0, 0], the count)."""
    for z in range(xtx.shape[0]):
        scale = max(xtx[z, 0, 0], 1.0)
        for a in range(3):
            xtx[z, a, a] += ridge * scale


@kernel
def default_rows(coef: np.ndarray, xtx: np.ndarray) -> None:
    """Tasks with fewer than 3 incumbents rank by the signal alone: (a, b_s, b_e) = (0, 1, 0)."""
    for z in range(coef.shape[0]):
        if xtx[z, 0, 0] < 3:
            coef[z, 0], coef[z, 1], coef[z, 2] = 0.0, 1.0, 0.0


@kernel
def employment_rates(n_meets: np.ndarray, k_meets: np.ndarray, hired_on: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Employment rates of workers meeting and not meeting their task's requirement.

    Counts by cell 2z + meets; the hired (all meeting the requirement) are added to the
    employed counts. A task with nobody meeting (not meeting) the requirement gets 1
    (0).
    """
    n_tasks = hired_on.shape[0]
    eligible = np.empty(n_tasks)
    ineligible = np.empty(n_tasks)
    for z in range(n_tasks):
        n1 = float(n_meets[2 * z + 1])
        n0 = float(n_meets[2 * z])
        eligible[z] = (k_meets[2 * z + 1] + float(hired_on[z])) / n1 if n1 > 0 else 1.0
        ineligible[z] = k_meets[2 * z] / n0 if n0 > 0 else 0.0
    return eligible, ineligible
