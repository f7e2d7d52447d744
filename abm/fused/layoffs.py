"""Fused job targets, layoffs and open vacancies of the hiring phase (see the rules in
`abm.fused`)."""

from __future__ import annotations

import math

import numpy as np

from abm.fused import hiring as _hiring
from abm.fused import industries as _industries
from abm.fused.jit import inner, kernel

_systematic_rounding = _hiring.systematic_rounding.dispatcher
_one_job_each = _hiring.one_job_each.dispatcher
_rounding_cells = _industries.systematic_rounding_cells.dispatcher
_one_job_each_cells = _industries.one_job_each_cells.dispatcher
_staffing = _hiring.staffing.dispatcher

OPTIONAL_KERNELS = ("job_targets_cells",)
"""Called only with industries (`industry_concentration` > 0; `abm.feedback`)."""


@inner
def _jobs_per_task(workers_on: np.ndarray, job_rate: float) -> np.ndarray:
    """⌊job_rate·workers on z⌋ jobs on every task z (int64)."""
    out = np.empty(workers_on.shape[0], dtype=np.int64)
    for z in range(workers_on.shape[0]):
        out[z] = math.floor(job_rate * float(workers_on[z]))
    return out


@kernel
def job_targets(shares: np.ndarray, workers_on: np.ndarray, job_rate: float,
                employer: np.ndarray, task: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Job targets per cell and the staffing against them, in one call.

    numpy: jobs_z = floor(job_rate·workers_z) as int64; targets by
    `systematic_rounding`, completed by `one_job_each`, flattened to cells j·Z + z;
    then `staffing`. Returns (targets, workers held per cell, workers at risk).
    """
    n_tasks = workers_on.shape[0]
    per_task = _jobs_per_task(workers_on, job_rate)
    target = _systematic_rounding(shares, per_task)
    _one_job_each(target, shares, per_task)
    flat = target.reshape(target.size)
    held, at_risk = _staffing(employer, task, flat, n_tasks)
    return flat, held, at_risk


@kernel
def job_targets_cells(shares: np.ndarray, workers_on: np.ndarray, job_rate: float,
                      employer: np.ndarray, task: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`job_targets` with a share per (firm, task) cell (J, Z): industries."""
    n_tasks = workers_on.shape[0]
    per_task = _jobs_per_task(workers_on, job_rate)
    target = _rounding_cells(shares, per_task)
    _one_job_each_cells(target, shares, per_task)
    flat = target.reshape(target.size)
    held, at_risk = _staffing(employer, task, flat, n_tasks)
    return flat, held, at_risk


@kernel
def lay_off(at_risk: np.ndarray, key: np.ndarray, employer: np.ndarray, task: np.ndarray,
            target: np.ndarray, held: np.ndarray, n_tasks: int, n_firms: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """`steps.hiring.layoffs` of the workers `at_risk`, applied in place, in one call.

    numpy: cell = j·Z + z of each at-risk worker; in cells holding more of them than
    their target, workers are ranked by (key, position) (`np.lexsort((key, cell))`,
    stable) and those ranked at or above the target lose their job
    (`employer = -1`). Here the workers are grouped by cell with a stable counting
    sort and each group's keys ordered by a stable merge sort: the same ranks.
    Returns (workers still employed per cell, `held` less the laid off; laid off per
    firm), the two `bincount`s of the phase.
    """
    m = at_risk.shape[0]
    n_cells = target.shape[0]
    cell = np.empty(m, dtype=np.int64)
    start = np.zeros(n_cells + 1, dtype=np.int64)
    for k in range(m):
        c = employer[at_risk[k]] * n_tasks + task[at_risk[k]]
        cell[k] = c
        start[c + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    grouped = np.empty(m, dtype=np.int64)      # positions in the at-risk list, by cell
    for k in range(m):
        grouped[fill[cell[k]]] = k
        fill[cell[k]] += 1
    now = held.copy()
    fired = np.zeros(n_firms, dtype=np.int64)
    for c in range(n_cells):
        lo, hi = start[c], start[c + 1]
        if hi - lo <= target[c]:               # not over-full: nobody goes
            continue
        if hi - lo > SMALL:
            members = grouped[lo:hi].copy()
            grouped[lo:hi] = members[np.argsort(key[members], kind="mergesort")]
        else:                                  # a stable insertion sort, in place
            for a in range(lo + 1, hi):
                k = grouped[a]
                b = a
                while b > lo and key[grouped[b - 1]] > key[k]:
                    grouped[b] = grouped[b - 1]
                    b -= 1
                grouped[b] = k
        for r in range(lo + target[c], hi):
            employer[at_risk[grouped[r]]] = -1
            now[c] -= 1
            fired[c // n_tasks] += 1
    return now, fired


SMALL = 24
"""Cells up to this many at-risk workers are ranked by insertion sort (no allocation);
larger ones by numpy's stable merge sort. Both are stable: the same ranks."""


@kernel
def open_vacancies(target: np.ndarray, held: np.ndarray, n_firms: int, n_tasks: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open vacancies per cell, per task and per firm (integers: any order is exact).

    numpy: v = maximum(target − held, 0); v.reshape(J, Z).sum(axis=0) and (axis=1).
    """
    vac = np.empty(target.shape[0], dtype=np.int64)
    per_task = np.zeros(n_tasks, dtype=np.int64)
    per_firm = np.zeros(n_firms, dtype=np.int64)
    for j in range(n_firms):
        for z in range(n_tasks):
            c = j * n_tasks + z
            v = target[c] - held[c]
            if v < 0:
                v = 0
            vac[c] = v
            per_task[z] += v
            per_firm[j] += v
    return vac, per_task, per_firm
