"""Job targets with a share per (firm, task) cell (`steps.industries`).

`systematic_rounding_cells` is the rounding rule itself (`fused.hiring.systematic_rounding`
applies it to one share per firm); `one_job_each_cells` is `fused.hiring.one_job_each`
for cells. The economy without industries keeps the per-firm `one_job_each`, whose
entitlement (share·all jobs) is computed as before, so its numbers do not move.
"""

from __future__ import annotations

import numpy as np

from abm.fused.jit import kernel

OPTIONAL_KERNELS = ("one_job_each_cells",)
"""Called only with industries (`industry_concentration` > 0; `abm.feedback`)."""


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
