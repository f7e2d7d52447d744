"""Fused loops of the measurement phase.

Statistics are not state: nothing downstream reads them, and the per-agent reference
checks them to 1e-9, not bit for bit. So the sums here are plain sequential sums
(numpy's would be pairwise); they differ from numpy's in the last bits only.
"""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE, PRECOMPUTED
from abm.fused.jit import inner, kernel


@inner
def _between(count: np.ndarray, total: np.ndarray, centre: float, deviations: bool) -> float:
    """Σ_g n_g·(x̄_g − centre)² over groups with members, from per-group sums.

    `total` holds each group's Σx, or with `deviations` its Σ(x − centre) (then the term
    is (Σd)²/n, which keeps its digits when the x are nearly equal). Strided views of
    the kernels' accumulators serve as `count` and `total`.
    """
    out = 0.0
    for g in range(count.shape[0]):
        n = count[g]
        if n > 0:
            if deviations:
                out += total[g] * total[g] / n
            else:
                d = total[g] / n - centre
                out += n * d * d
    return out


@kernel
def employed_statistics(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
                        skill_intensity: np.ndarray, ai_per_task: np.ndarray,
                        neutral_scale: np.ndarray, form: int, same_access: np.ndarray,
                        output: np.ndarray, log_wage: np.ndarray, wage: np.ndarray,
                        education: np.ndarray, codifiable: np.ndarray, n_tasks: int,
                        n_firms: int, rounding: float, log_factor: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float,
                                   float, float, float]:
    """Statistics over the employed, from one pass of sums by task and by firm.

    Returns (cv, cv_real, premia, level_slopes, codifiable_share, between,
    firm_premium_share, sorting_share, between_task):

    - the within-task CV of output at the common access (`ai_per_task` is the AI input
      at η0+η1) and of realised output, as `technology.cv_from_sums`:
      var = max(Σy²/n − ȳ², 0)·n/(n − 1), CV = sd/ȳ, NaN with fewer than two employed;
    - the OLS slopes of log wage (`log_wage`: the employed's, in worker order, from
      numpy's log) on education with task fixed effects, for all, codifiable and social
      tasks (NaN with fewer than 3 workers or no within-task variation in education),
      per education level;
    - the same slopes of the wage level (`wage`, every worker's) on codifiable and on
      social tasks, per level;
    - the codifiable tasks' share of the employed;
    - the between-firm share of the variance of log wages (`metrics.between_share`:
      0 with fewer than two employed or a variance below `rounding`² of the mean square);
    - the AKM-style split of that variance with the premium the model knows,
      ψ_i = `log_factor` of the worker's firm (log of w_i / w^c_i) and α_i = log w_i − ψ_i:
      var(ψ)/var(log w) and 2·cov(α, ψ)/var(log w) (0 where the share above is 0);
    - the between-task share of the same variance (tasks are the model's occupations),
      under the same rules as the between-firm share.

    Within-task (co)variances of the regressions come from the sums as Σxy − Σx·Σy/n:
    education takes five small integer values and log wages are of order one, so the
    subtraction loses about one digit of float64's sixteen.
    """
    # by task: n, Σy, Σy², Σreal, Σreal², Σlw, Σe, Σe·lw, Σe², Σw, Σe·w
    acc = np.zeros(16 * n_tasks)
    by_firm = np.zeros(2 * n_firms)  # n, Σ log w
    total = 0.0
    total_sq = 0.0
    sum_psi = 0.0
    sum_psi_sq = 0.0
    sum_lw_psi = 0.0
    m = 0
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
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
        lw = log_wage[m]
        wi = wage[i]
        x = float(education[i])
        m += 1
        k = 16 * z
        acc[k] += 1.0
        acc[k + 1] += y
        acc[k + 2] += y * y
        acc[k + 3] += real
        acc[k + 4] += real * real
        acc[k + 5] += lw
        acc[k + 6] += x
        acc[k + 7] += x * lw
        acc[k + 8] += x * x
        acc[k + 9] += wi
        acc[k + 10] += x * wi
        by_firm[2 * j] += 1.0
        by_firm[2 * j + 1] += lw
        total += lw
        total_sq += lw * lw
        psi = log_factor[j]
        sum_psi += psi
        sum_psi_sq += psi * psi
        sum_lw_psi += lw * psi
    cv = np.full((2, n_tasks), np.nan)
    sums = np.zeros(8)               # Σxd², Σxd·yd, n, Σxd·wd: codifiable, then social
    for z in range(n_tasks):
        k = 16 * z
        n = acc[k]
        if n == 0:
            continue
        if n >= 2:
            for r in range(2):
                mean = acc[k + 1 + 2 * r] / n
                var = max(acc[k + 2 + 2 * r] / n - mean * mean, 0.0) * n / (n - 1)
                cv[r, z] = np.sqrt(var) / mean
        g = 0 if codifiable[z] else 4
        sums[g] += acc[k + 8] - acc[k + 6] * acc[k + 6] / n
        sums[g + 1] += acc[k + 7] - acc[k + 6] * acc[k + 5] / n
        sums[g + 2] += n
        sums[g + 3] += acc[k + 10] - acc[k + 6] * acc[k + 9] / n
    slopes = np.full(3, np.nan)
    for g, (sxx, sxy, count) in enumerate((
            (sums[0] + sums[4], sums[1] + sums[5], sums[2] + sums[6]),
            (sums[0], sums[1], sums[2]), (sums[4], sums[5], sums[6]))):
        if count >= 3 and sxx > 1e-12:
            slopes[g] = sxy / sxx
    levels = np.full(2, np.nan)
    for g in range(2):
        if sums[4 * g + 2] >= 3 and sums[4 * g] > 1e-12:
            levels[g] = sums[4 * g + 3] / sums[4 * g]
    share = sums[2] / (sums[2] + sums[6]) if sums[2] + sums[6] > 0 else np.nan
    between_share = 0.0              # no variance to split: fewer than two, or all equal
    between_task_share = 0.0
    premium_share = 0.0
    sorting_share = 0.0
    if m >= 2:
        mean = total / m
        variance = total_sq - total * mean
        if variance < 1e-6 * total_sq:
            # log wages nearly equal: the one-pass difference has lost most of its digits
            # to cancellation, and firm means of the levels lose the rest. Both sums of
            # squares from the deviations d = lw − mean instead: with one centre the
            # between part cannot exceed the total by more than rounding
            variance = 0.0
            dev_by_firm = np.zeros(n_firms)
            dev_by_task = np.zeros(n_tasks)
            k = 0
            for i in range(task.shape[0]):
                j = employer[i]
                if j < 0:
                    continue
                d = log_wage[k] - mean
                k += 1
                variance += d * d
                dev_by_firm[j] += d
                dev_by_task[task[i]] += d
            between = _between(by_firm[0::2], dev_by_firm, mean, True)
            between_task = _between(acc[0::16], dev_by_task, mean, True)
        else:
            between = _between(by_firm[0::2], by_firm[1::2], mean, False)
            between_task = _between(acc[0::16], acc[5::16], mean, False)
        if variance > rounding * rounding * total_sq:
            between_share = between / variance
            between_task_share = between_task / variance
            mean_psi = sum_psi / m
            var_psi = max(sum_psi_sq / m - mean_psi * mean_psi, 0.0)
            cov_lw_psi = sum_lw_psi / m - mean * mean_psi
            premium_share = var_psi * m / variance
            sorting_share = 2.0 * (cov_lw_psi - var_psi) * m / variance
    return (cv[0], cv[1], slopes, levels, share, between_share, premium_share, sorting_share,
            between_task_share)


@kernel
def gains_by_quintile(task: np.ndarray, gain: np.ndarray, order: np.ndarray, n_tasks: int
                      ) -> np.ndarray:
    """Mean AI gain over tasks: of all the treated, of the bottom and of the top quintile.

    `task` and `gain` are the treated workers' (employed on augmentable exposed tasks),
    `order` their stable ascending order of pre-AI output (ties by worker order). On a
    task with n treated, a worker of within-task rank r (0 = lowest pre-AI output) is in
    the bottom quintile if 5r < n and in the top one if 5(n − 1 − r) < n: the ⌈n/5⌉
    lowest and the ⌈n/5⌉ highest, both non-empty for any n ≥ 1, so a task that counts
    for the mean counts for both quintiles. Returns [mean, bottom, top], each the mean
    over tasks with treated workers of the task's mean gain (NaN if there is none).
    """
    count = np.zeros(n_tasks)
    sums = np.zeros((3, n_tasks))    # all, bottom quintile, top quintile
    sizes = np.zeros((2, n_tasks))
    for i in range(task.shape[0]):
        z = task[i]
        count[z] += 1.0
        sums[0, z] += gain[i]
    seen = np.zeros(n_tasks)
    for k in range(order.shape[0]):
        i = order[k]
        z = task[i]
        n = count[z]
        r = seen[z]
        seen[z] += 1.0
        if 5.0 * r < n:
            sums[1, z] += gain[i]
            sizes[0, z] += 1.0
        if 5.0 * (n - 1.0 - r) < n:
            sums[2, z] += gain[i]
            sizes[1, z] += 1.0
    out = np.zeros(3)
    tasks = 0
    for z in range(n_tasks):
        if count[z] == 0:
            continue
        tasks += 1
        out[0] += sums[0, z] / count[z]
        out[1] += sums[1, z] / sizes[0, z]
        out[2] += sums[2, z] / sizes[1, z]
    if tasks == 0:
        return np.full(3, np.nan)
    return out / tasks


@kernel
def income_inequality(order: np.ndarray, income: np.ndarray, wage: np.ndarray,
                      capital: np.ndarray, transfer: np.ndarray
                      ) -> tuple[float, float, np.ndarray, bool]:
    """Gini sums and Lerman-Yitzhaki covariances of income, in its sorted order.

    `order` is the stable ascending order of `income`. Returns Σ (2r − n + 1)·y_(r)
    (r = 0..n−1) and Σ y, which give the Gini; Σ y_k·(F − 1/2) for the three sources
    (F = (r + 1/2)/n, the mid-rank, whose mean is 1/2, so no source means are needed);
    and whether income is exactly the sum of the sources for everyone (it is, unless a
    caller edited one since the rent-sharing phase; then the ranks are not those of
    the sum).
    """
    n = order.shape[0]
    weighted = 0.0
    total = 0.0
    cov = np.zeros(3)
    consistent = True
    for r in range(n):
        i = order[r]
        v = income[i]
        weighted += (2.0 * r + 1.0 - n) * v
        total += v
        if wage[i] + capital[i] + transfer[i] != v:
            consistent = False
        f = (r + 0.5) / n - 0.5
        cov[0] += wage[i] * f
        cov[1] += capital[i] * f
        cov[2] += transfer[i] * f
    return weighted, total, cov, consistent


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


@kernel
def stayer_sums(employer: np.ndarray, prev_employer: np.ndarray, wage: np.ndarray,
                prev_wage: np.ndarray, firm_change: np.ndarray) -> np.ndarray:
    """Sums for the OLS of stayers' Δlog wage on their firm's Δlog(VA/L).

    numpy (`estimates.rent_sharing_elasticity`): stayers are workers with the same employer
    as last period and positive wages both years, at firms whose change `firm_change`
    is defined (not NaN). Returns [n, Σx, Σy, Σx², Σxy], x the firm's change and
    y = log w − log w_prev.
    """
    out = np.zeros(5)
    for i in range(employer.shape[0]):
        j = employer[i]
        if j < 0 or j != prev_employer[i] or not wage[i] > 0.0 or not prev_wage[i] > 0.0:
            continue
        x = firm_change[j]
        if x != x:
            continue
        y = np.log(wage[i]) - np.log(prev_wage[i])
        out[0] += 1.0
        out[1] += x
        out[2] += y
        out[3] += x * x
        out[4] += x * y
    return out
