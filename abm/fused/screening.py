"""Fused loops of the employer's screening problem: applicants' predictions, the cutoff.

`abm.steps.screening` calls them; each states the rule it computes (the derivation is
in docs/MODEL.md §3.3.2). The cutoff kernel works on a few numbers per task and
education level, never per worker.
"""

from __future__ import annotations

import math

import numpy as np

from abm.fused.hiring import relax
from abm.fused.jit import kernel

BISECTIONS = 80          # halvings of the bracket for the hiring standard y*: far below 1 ulp
SQRT2 = math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@kernel
def applicant_moments(task: np.ndarray, education: np.ndarray, employed: np.ndarray,
                      score: np.ndarray, n_levels: int, n_tasks: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Applicants (the unemployed) by (task, education level): count, mean and sd of score.

    numpy: n = bincount(z·E + e), m = Σŷ/n, sd = sqrt(max(Σŷ²/n − m², 0)) over the
    unemployed, in worker order; empty cells get m = sd = 0. Shapes (Z, E).
    """
    count = np.zeros((n_tasks, n_levels), dtype=np.int64)
    total = np.zeros((n_tasks, n_levels))
    square = np.zeros((n_tasks, n_levels))
    for i in range(task.shape[0]):
        if employed[i]:
            continue
        z = task[i]
        e = education[i]
        count[z, e] += 1
        total[z, e] += score[i]
        square[z, e] += score[i] * score[i]
    mean = np.zeros((n_tasks, n_levels))
    sd = np.zeros((n_tasks, n_levels))
    for z in range(n_tasks):
        for e in range(n_levels):
            n = float(count[z, e])
            if n > 0:
                m = total[z, e] / n
                v = square[z, e] / n - m * m
                mean[z, e] = m
                sd[z, e] = math.sqrt(v) if v > 0.0 else 0.0
    return count, mean, sd


@kernel
def upper_tail(y: float, mean: float, sd: float) -> float:
    """P(ŷ > y) for ŷ ~ N(mean, sd²); a point mass at `mean` when sd = 0."""
    if sd > 0.0:
        return 0.5 * math.erfc((y - mean) / (sd * SQRT2))
    return 1.0 if y < mean else 0.0


_upper_tail = upper_tail.dispatcher      # callable from the kernels below


@kernel
def expected_gain(y: float, mean: float, sd: float) -> float:
    """E[(ŷ − y)⁺] for ŷ ~ N(mean, sd²): σ·φ(d) + (m − y)·(1 − Φ(d)), d = (y − m)/σ."""
    if sd > 0.0:
        d = (y - mean) / sd
        return (sd * INV_SQRT_2PI * math.exp(-0.5 * d * d)
                + (mean - y) * 0.5 * math.erfc(d / SQRT2))
    return mean - y if mean > y else 0.0


_expected_gain = expected_gain.dispatcher


@kernel
def hiring_standard(count: np.ndarray, mean: np.ndarray, sd: np.ndarray, lowest: int,
                    vacancies: float) -> float:
    """y*: the predicted productivity of the marginal hire when levels ≥ `lowest` are evaluated.

    Solves Σ_{e ≥ lowest} n_e·P(ŷ_e > y*) = V by bisection (a fixed number of halvings,
    so the result is reproducible operation by operation); −inf if the evaluated
    applicants cannot more than fill the vacancies (every one of them is hired).
    A halving that leaves the bracket unchanged (the midpoint rounds onto the end it
    replaces, once the bracket is one or two ulps wide) would leave it unchanged in
    every later halving too, (lo, hi) being all the state: stopping there returns
    bit for bit what the remaining halvings would, at about two thirds of the cost.
    """
    n_levels = count.shape[0]
    pool = 0.0
    lo = np.inf
    hi = -np.inf
    for e in range(lowest, n_levels):
        if count[e] > 0:
            pool += float(count[e])
            lo = min(lo, mean[e] - 8.0 * sd[e])
            hi = max(hi, mean[e] + 8.0 * sd[e])
    if pool <= vacancies:
        return -np.inf
    lo -= 1.0
    hi += 1.0
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = 0.0
        for e in range(lowest, n_levels):
            if count[e] > 0:
                above += float(count[e]) * _upper_tail(mid, mean[e], sd[e])
        if above > vacancies:
            if mid == lo:
                break
            lo = mid
        else:
            if mid == hi:
                break
            hi = mid
    return 0.5 * (lo + hi)


_hiring_standard = hiring_standard.dispatcher


@kernel
def cutoffs(count: np.ndarray, mean: np.ndarray, sd: np.ndarray, vacancies: np.ndarray,
            cost: np.ndarray, max_level: float, every_standard: bool = True
            ) -> tuple[np.ndarray, np.ndarray]:
    """Posted credential requirement of each task from the employer's evaluation problem.

    Applicants of level e have predictions ŷ ~ N(m_e, σ_e²) before evaluation (`count`,
    `mean`, `sd`: (Z, E)). Walking down the non-empty levels, the next level l joins the
    evaluated pool iff its expected gain over the current hiring standard covers the
    cost: D_l = E[(ŷ_l − y*)⁺] − k ≥ 0 (y* = −inf, so D = +inf, while the pool cannot
    fill the vacancies). At the first level that does not pay, the posted requirement is
    where the net gain crosses zero between it and the last level evaluated (linear in
    the credential), so ⌈c⌉ is the lowest level evaluated; 0 if every level pays.

    Returns (posted c_z clipped to [0, max_level], hiring standard y* at the cutoff).
    With `every_standard` False the standard of a task where every level pays is left
    at −inf: it is one more bisection, which the posted requirement does not use.
    """
    n_tasks, n_levels = count.shape
    posted = np.zeros(n_tasks)
    standard = np.full(n_tasks, -np.inf)
    for z in range(n_tasks):
        k = cost[z]
        last = -1                                 # lowest level evaluated so far
        for level in range(n_levels - 1, -1, -1):
            if count[z, level] == 0:
                continue
            if last < 0:
                last = level
                continue
            y = _hiring_standard(count[z], mean[z], sd[z], last, vacancies[z])
            standard[z] = y
            if y == -np.inf:
                last = level
                continue
            d_next = _expected_gain(y, mean[z, level], sd[z, level]) - k
            if d_next >= 0.0:
                last = level
                continue
            d_last = _expected_gain(y, mean[z, last], sd[z, last]) - k
            c = float(last)
            if d_last > 0.0:
                c = level + (last - level) * (-d_next) / (d_last - d_next)
            posted[z] = min(max(c, 0.0), max_level)
            break
        if every_standard and last >= 0 and posted[z] == 0.0:   # every level paid (or one)
            standard[z] = _hiring_standard(count[z], mean[z], sd[z], 0, vacancies[z])
    return posted, standard


_applicant_moments = applicant_moments.dispatcher
_cutoffs = cutoffs.dispatcher
_relax = relax.dispatcher


@kernel
def requirements(task: np.ndarray, education: np.ndarray, employed: np.ndarray,
                 score: np.ndarray, applicants: np.ndarray, vacancies: np.ndarray,
                 cost: np.ndarray, n_levels: int, n_tasks: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Posted and applied requirement of every task, in one call.

    `applicant_moments`, the posted cutoff of `cutoffs` (vacancies as doubles; the
    standard of tasks where every level pays is not computed, being unused) and
    `relax` of it given the applicants by (task, level) (`applicants`, flat Z·E).
    Returns (posted c_z, applied integer requirement).
    """
    count, mean, sd = _applicant_moments(task, education, employed, score, n_levels,
                                         n_tasks)
    posted = _cutoffs(count, mean, sd, vacancies.astype(np.float64), cost,
                      float(n_levels - 1), False)[0]
    return posted, _relax(posted, applicants.reshape((n_tasks, n_levels)), vacancies)
