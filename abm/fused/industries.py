"""Fused job targets when firms use tasks in different proportions (`steps.industries`).

The same rules as `fused.hiring.systematic_rounding` and `one_job_each` with a share per
(firm, task) cell instead of one per firm: the economy without industries keeps the
per-firm kernels, so its numbers do not move.
"""

from __future__ import annotations

import math

import numpy as np

from abm.fused import hiring as _hiring
from abm.fused.jit import kernel

_staffing = _hiring.staffing.dispatcher


@kernel
def systematic_rounding_cells(shares: np.ndarray, jobs: np.ndarray) -> np.ndarray:
    """Integer split of each task's `jobs` over firms ∝ `shares[:, z]` (J, Z).

    Task z's quotas q_jz = shares_jz·jobs_z are cumulated in firm order,
    C_jz = Σ_{i≤j} q_iz, and firm j gets ⌊C_jz + u_z⌋ − ⌊C_{j−1,z} + u_z⌋ jobs with the
    task's offset u_z = (z + ½)/Z (the last cumulated quota is set to jobs_z).
    """
    n_rows, n_cols = shares.shape
    out = np.empty((n_rows, n_cols), dtype=np.int64)
    for z in range(n_cols):
        offset = (z + 0.5) / n_cols
        total = float(jobs[z])
        cum = 0.0
        prev = np.int64(0)
        for j in range(n_rows):
            cum += shares[j, z] * total
            if j == n_rows - 1:
                cum = total
            cur = np.int64(np.floor(cum + offset))
            out[j, z] = cur - prev
            prev = cur
    return out


@kernel
def one_job_each_cells(target: np.ndarray, shares: np.ndarray, jobs: np.ndarray) -> int:
    """A job for every firm entitled to one that the rounding left with none; in place.

    Firm j is entitled when its quotas add up to a job, Σ_z shares_jz·J_z ≥ 1. In firm
    order, such a firm with no job takes one in its task of largest quota (the first
    such) from the firm that the rounding favoured most there: the largest excess
    T_iz − shares_iz·J_z > 0 among firms holding at least two jobs and one in that task
    (the first such firm). Every task keeps J_z jobs. Returns how many jobs moved.
    """
    n_rows, n_cols = target.shape
    held = np.zeros(n_rows, dtype=np.int64)
    for j in range(n_rows):
        for z in range(n_cols):
            held[j] += target[j, z]
    moved = 0
    for j in range(n_rows):
        if held[j] > 0:
            continue
        quota_sum = 0.0
        best_z = 0
        for z in range(n_cols):
            quota_sum += shares[j, z] * float(jobs[z])
            if shares[j, z] * float(jobs[z]) > shares[j, best_z] * float(jobs[best_z]):
                best_z = z
        if quota_sum < 1.0:
            continue
        giver = -1
        most = 0.0
        for i in range(n_rows):
            if held[i] >= 2 and target[i, best_z] >= 1:
                excess = float(target[i, best_z]) - shares[i, best_z] * float(jobs[best_z])
                if excess > most:
                    giver = i
                    most = excess
        if giver < 0:
            continue
        target[giver, best_z] -= 1
        held[giver] -= 1
        target[j, best_z] += 1
        held[j] += 1
        moved += 1
    return moved


_rounding = systematic_rounding_cells.dispatcher
_one_job_each = one_job_each_cells.dispatcher


@kernel
def job_targets_cells(shares: np.ndarray, workers_on: np.ndarray, job_rate: float,
                      employer: np.ndarray, task: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`fused.layoffs.job_targets` with a share per (firm, task) cell (J, Z)."""
    n_tasks = workers_on.shape[0]
    per_task = np.empty(n_tasks, dtype=np.int64)
    for z in range(n_tasks):
        per_task[z] = math.floor(job_rate * float(workers_on[z]))
    target = _rounding(shares, per_task)
    _one_job_each(target, shares, per_task)
    flat = target.reshape(target.size)
    held, at_risk = _staffing(employer, task, flat, n_tasks)
    return flat, held, at_risk
