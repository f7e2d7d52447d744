"""Fused loops of the hiring phase: signals, screening moments, scores, eligibility.

Each function states the numpy computation it replaces; `abm.steps.hiring` calls them
and keeps every rule in view (see the exactness rules in `abm.fused`).
"""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE
from abm.fused.jit import kernel


@kernel
def signals(task: np.ndarray, human_capital: np.ndarray, skill_intensity: np.ndarray,
            ai_per_task: np.ndarray, access: float, neutral_scale: np.ndarray, form: int,
            skills_assessment: float, noise: np.ndarray, signal_noise: float,
            screening: bool, out: np.ndarray) -> None:
    """Work samples: y at commodity access (mixed with y without AI), times the noise.

    numpy: hφ = h·φ[z]; y = task_output(hφ, (αA)[z]·access); if skills assessment,
    y = (1 − a)·y + a·task_output(hφ, (αA)[z]·0); s = y·(1 + s_ε·ε) (y if not screening).
    `form` is ADDITIVE (y = hφ + ai) or NEUTRAL (y = hφ·(1 + ai/m), m from
    `neutral_scale`).
    """
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
        out[i] = y * (1.0 + signal_noise * noise[i]) if screening else y


@kernel
def screening_moments(task: np.ndarray, employed: np.ndarray, signal: np.ndarray,
                      education: np.ndarray, outside_output: np.ndarray,
                      ability: np.ndarray, n_tasks: int, screening: bool
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sums by task for the diagnostic variance and the employers' OLS, in two passes.

    Returns:
        dv: (3, Z) Σ ds·dθ, Σ ds², Σ dθ² over all workers, deviations from task means
            (`hiring.diagnostic_variance`).
        xtx: (Z, 3, 3) upper triangle of X'X for X = (1, s, e) over the employed (the
            diagonal count is left to the caller); Σ s·e, Σ e² only if screening.
        xty: (Z, 3) X'y with y the outside-option output, only if screening.
        count: (Z,) employed per task.
    """
    n = task.shape[0]
    workers = np.zeros(n_tasks)
    sum_s = np.zeros(n_tasks)
    sum_a = np.zeros(n_tasks)
    for i in range(n):
        z = task[i]
        workers[z] += 1.0
        sum_s[z] += signal[i]
        sum_a[z] += ability[i]
    mean_s = sum_s / workers
    mean_a = sum_a / workers
    dv = np.zeros((3, n_tasks))
    xtx = np.zeros((n_tasks, 3, 3))
    xty = np.zeros((n_tasks, 3))
    count = np.zeros(n_tasks, dtype=np.int64)
    for i in range(n):
        z = task[i]
        s = signal[i]
        ds = s - mean_s[z]
        da = ability[i] - mean_a[z]
        dv[0, z] += ds * da
        dv[1, z] += ds * ds
        dv[2, z] += da * da
        if employed[i]:
            e = float(education[i])
            count[z] += 1
            xtx[z, 0, 1] += s
            xtx[z, 1, 1] += s * s
            xtx[z, 0, 2] += e
            if screening:
                y = outside_output[i]
                xtx[z, 1, 2] += s * e
                xtx[z, 2, 2] += e * e
                xty[z, 0] += y
                xty[z, 1] += s * y
                xty[z, 2] += e * y
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
    m = 0
    for i in range(n):
        z = task[i]
        meets = education[i] >= requirement[z]
        cell = 2 * z + (1 if meets else 0)
        n_meets[cell] += 1
        if employed[i]:
            k_meets[cell] += 1.0
        elif meets:
            m += 1
    picked = np.empty(m, dtype=np.int64)    # second pass: no scratch array of N
    m = 0
    for i in range(n):
        if not employed[i] and education[i] >= requirement[task[i]]:
            picked[m] = i
            m += 1
    return picked, n_meets, k_meets
