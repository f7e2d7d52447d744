"""Fused loops of the measurement phase.

Statistics are not state: nothing downstream reads them, and the per-agent reference
checks them to 1e-9, not bit for bit. So the sums here are plain sequential sums
(numpy's would be pairwise); they differ from numpy's in the last bits only.
"""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE
from abm.fused.jit import kernel

PRECOMPUTED = -1
"""Form code: `same_access` already holds task_output(...) at the common access."""


@kernel
def output_sums(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
                skill_intensity: np.ndarray, ai_per_task: np.ndarray,
                neutral_scale: np.ndarray, form: int, same_access: np.ndarray,
                output: np.ndarray, n_tasks: int) -> tuple[np.ndarray, np.ndarray]:
    """Employed per task, and Σy, Σy² at the common access and of realised output.

    `ai_per_task` is the AI input at the common access (η0+η1). Returns (count (Z,),
    sums (4, Z)).
    """
    count = np.zeros(n_tasks)
    sums = np.zeros((4, n_tasks))
    for i in range(task.shape[0]):
        if employer[i] < 0:
            continue
        z = task[i]
        if form == PRECOMPUTED:
            y = same_access[i]
        else:
            h_phi = human_capital[i] * skill_intensity[z]
            if form == ADDITIVE:
                y = h_phi + ai_per_task[z]
            else:
                y = h_phi * (1.0 + ai_per_task[z] / neutral_scale[i])
        real = output[i]
        count[z] += 1.0
        sums[0, z] += y
        sums[1, z] += y * y
        sums[2, z] += real
        sums[3, z] += real * real
    return count, sums


@kernel
def employed_wages(employer: np.ndarray, wage: np.ndarray) -> np.ndarray:
    """Wages of the employed, in worker order."""
    m = 0
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            m += 1
    out = np.empty(m)
    m = 0
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            out[m] = wage[i]
            m += 1
    return out


@kernel
def wage_regressions(employer: np.ndarray, wage: np.ndarray, task: np.ndarray,
                     education: np.ndarray, codifiable: np.ndarray, n_tasks: int,
                     n_firms: int) -> tuple[float, float, float, float]:
    """Mincer slopes with task fixed effects and the between-firm variance share.

    Over the employed, with log wages log(max(w, 1e-300)): the OLS slope of log wage on
    education after removing task means, for all, for codifiable tasks and for social
    tasks (NaN with fewer than 3 workers or no within-task variation in education); and
    the share of the variance of log wages that is between firms
    (`metrics.between_share`). The logarithm is C's, not numpy's: a statistic may
    differ from numpy's in the last bits.
    """
    by_task = np.zeros((3, n_tasks))       # count, Σ log w, Σ e
    by_firm = np.zeros((2, n_firms))       # count, Σ log w
    total = 0.0
    n = 0
    for i in range(employer.shape[0]):
        j = employer[i]
        if j < 0:
            continue
        z = task[i]
        y = np.log(max(wage[i], 1e-300))
        by_task[0, z] += 1.0
        by_task[1, z] += y
        by_task[2, z] += float(education[i])
        by_firm[0, j] += 1.0
        by_firm[1, j] += y
        total += y
        n += 1
    mean = total / n if n > 0 else 0.0
    sxx = np.zeros(3)                      # all, codifiable, social
    sxy = np.zeros(3)
    size = np.zeros(3)
    variance = 0.0
    for i in range(employer.shape[0]):
        if employer[i] < 0:
            continue
        z = task[i]
        y = np.log(max(wage[i], 1e-300))
        c = max(by_task[0, z], 1.0)
        xd = float(education[i]) - by_task[2, z] / c
        yd = y - by_task[1, z] / c
        k = 1 if codifiable[z] else 2
        for g in (0, k):
            sxx[g] += xd * xd
            sxy[g] += xd * yd
            size[g] += 1.0
        d = y - mean
        variance += d * d
    slopes = np.full(3, np.nan)
    for g in range(3):
        if size[g] >= 3 and sxx[g] > 1e-12:
            slopes[g] = sxy[g] / sxx[g]
    between = 0.0
    for j in range(n_firms):
        if by_firm[0, j] > 0:
            d = by_firm[1, j] / by_firm[0, j] - mean
            between += by_firm[0, j] * d * d
    if n < 2:
        share = np.nan
    elif variance > 0:
        share = (between / n) / (variance / n)
    else:
        share = 0.0
    return slopes[0], slopes[1], slopes[2], share


@kernel
def rank_covariances(order: np.ndarray, income: np.ndarray, wage: np.ndarray,
                     capital: np.ndarray, transfer: np.ndarray) -> tuple[np.ndarray, bool]:
    """Σ (y_k − ȳ_k)·(F − F̄) for the three income sources, F the mid-rank of income.

    `order` is the stable ascending order of `income`; person order[r] has mid-rank
    F = (r + 1/2)/n, whose mean is 1/2. Also returns whether income is exactly the
    sum of the sources for everyone (it is, unless a caller edited one since the
    rent-sharing phase; then the ranks are not those of the sum).
    """
    n = order.shape[0]
    means = np.zeros(3)
    consistent = True
    for i in range(n):
        means[0] += wage[i]
        means[1] += capital[i]
        means[2] += transfer[i]
        if wage[i] + capital[i] + transfer[i] != income[i]:
            consistent = False
    means /= n
    out = np.zeros(3)
    for r in range(n):
        i = order[r]
        f = (r + 0.5) / n - 0.5
        out[0] += (wage[i] - means[0]) * f
        out[1] += (capital[i] - means[1]) * f
        out[2] += (transfer[i] - means[2]) * f
    return out, consistent
