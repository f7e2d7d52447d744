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
def output_cvs(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
               skill_intensity: np.ndarray, ai_per_task: np.ndarray,
               neutral_scale: np.ndarray, form: int, same_access: np.ndarray,
               output: np.ndarray, n_tasks: int) -> tuple[np.ndarray, np.ndarray]:
    """Within-task CV of the employed's output at the common access, and of realised output.

    `ai_per_task` is the AI input at the common access (η0+η1). From sums by task of
    y and y² as `technology.cv_from_sums`: var = max(Σy²/n − ȳ², 0)·n/(n − 1), CV =
    sd/ȳ, NaN for tasks with fewer than two employed.
    """
    acc = np.zeros(8 * n_tasks)            # count, Σy, Σy², Σreal, Σreal² (by task)
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
        k = 8 * z
        acc[k] += 1.0
        acc[k + 1] += y
        acc[k + 2] += y * y
        acc[k + 3] += real
        acc[k + 4] += real * real
    cv = np.full((2, n_tasks), np.nan)
    for z in range(n_tasks):
        n = acc[8 * z]
        if n < 2:
            continue
        for r in range(2):
            mean = acc[8 * z + 1 + 2 * r] / n
            var = max(acc[8 * z + 2 + 2 * r] / n - mean * mean, 0.0) * n / (n - 1)
            cv[r, z] = np.sqrt(var) / mean
    return cv[0], cv[1]


@kernel
def wage_regressions(employer: np.ndarray, log_wage: np.ndarray, task: np.ndarray,
                     education: np.ndarray, codifiable: np.ndarray, n_tasks: int,
                     n_firms: int) -> tuple[float, float, float, float]:
    """Mincer slopes with task fixed effects and the between-firm variance share.

    `log_wage` holds the employed's log wages in worker order (`employed_values`, then
    numpy's log). Over the employed: the OLS slope of log wage on education after
    removing task means, for all, for codifiable tasks and for social tasks (NaN with
    fewer than 3 workers or no within-task variation in education); and the share of
    the variance of log wages that is between firms (`metrics.between_share`).

    One pass of sums by task and firm; the within-task (co)variances come from them
    as Σxy − Σx·Σy/n. Education takes five small integer values and log wages are of
    order one, so the subtraction loses about one digit of float64's sixteen.
    """
    by_task = np.zeros(8 * n_tasks)        # n, Σy, Σx, Σxy, Σx² (interleaved by task)
    by_firm = np.zeros(2 * n_firms)        # n, Σy
    total = 0.0
    total_sq = 0.0
    n = 0
    for i in range(employer.shape[0]):
        j = employer[i]
        if j < 0:
            continue
        k = 8 * task[i]
        y = log_wage[n]
        x = float(education[i])
        by_task[k] += 1.0
        by_task[k + 1] += y
        by_task[k + 2] += x
        by_task[k + 3] += x * y
        by_task[k + 4] += x * x
        by_firm[2 * j] += 1.0
        by_firm[2 * j + 1] += y
        total += y
        total_sq += y * y
        n += 1
    sums = np.zeros(6)                     # Σxd², Σxd·yd, n: codifiable, then social
    for z in range(n_tasks):
        k = 8 * z
        c = by_task[k]
        if c == 0:
            continue
        g = 0 if codifiable[z] else 3
        sums[g] += by_task[k + 4] - by_task[k + 2] * by_task[k + 2] / c
        sums[g + 1] += by_task[k + 3] - by_task[k + 2] * by_task[k + 1] / c
        sums[g + 2] += c
    slopes = np.full(3, np.nan)
    for g, (sxx, sxy, count) in enumerate((
            (sums[0] + sums[3], sums[1] + sums[4], sums[2] + sums[5]),
            (sums[0], sums[1], sums[2]), (sums[3], sums[4], sums[5]))):
        if count >= 3 and sxx > 1e-12:
            slopes[g] = sxy / sxx
    if n < 2:
        return slopes[0], slopes[1], slopes[2], np.nan
    mean = total / n
    variance = total_sq - total * mean
    between = 0.0
    for j in range(n_firms):
        if by_firm[2 * j] > 0:
            d = by_firm[2 * j + 1] / by_firm[2 * j] - mean
            between += by_firm[2 * j] * d * d
    share = between / variance if variance > 0 else 0.0
    return slopes[0], slopes[1], slopes[2], share


@kernel
def rank_covariances(order: np.ndarray, income: np.ndarray, wage: np.ndarray,
                     capital: np.ndarray, transfer: np.ndarray) -> tuple[np.ndarray, bool]:
    """Σ y_k·(F − 1/2) for the three income sources, F the mid-rank of income.

    `order` is the stable ascending order of `income`; person order[r] has mid-rank
    F = (r + 1/2)/n, whose mean is 1/2, so Σ (y_k − ȳ_k)·(F − F̄) = Σ y_k·(F − 1/2)
    (up to rounding) and no means are needed. Also returns whether income is exactly
    the sum of the sources for everyone (it is, unless a caller edited one since the
    rent-sharing phase; then the ranks are not those of the sum).
    """
    n = order.shape[0]
    out = np.zeros(3)
    consistent = True
    for r in range(n):
        i = order[r]
        if wage[i] + capital[i] + transfer[i] != income[i]:
            consistent = False
        f = (r + 0.5) / n - 0.5
        out[0] += wage[i] * f
        out[1] += capital[i] * f
        out[2] += transfer[i] * f
    return out, consistent


@kernel
def split_by_exposure(values: np.ndarray, codifiable: np.ndarray, finite_only: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Sums and means of each row of per-task values over exposed and unexposed tasks.

    Returns (sums, means), both (rows, 2): column 0 the codifiable (exposed) tasks,
    column 1 the others; a mean over no task is NaN. Rows flagged in `finite_only`
    skip NaN and ±inf values.
    """
    n_rows, n_tasks = values.shape
    sums = np.zeros((n_rows, 2))
    means = np.empty((n_rows, 2))
    for r in range(n_rows):
        counts = np.zeros(2)
        for z in range(n_tasks):
            v = values[r, z]
            if finite_only[r] and not np.isfinite(v):
                continue
            g = 0 if codifiable[z] else 1
            sums[r, g] += v
            counts[g] += 1.0
        for g in range(2):
            means[r, g] = sums[r, g] / counts[g] if counts[g] > 0 else np.nan
    return sums, means
