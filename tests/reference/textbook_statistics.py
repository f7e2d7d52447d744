"""The statistics of the measurement phase, the textbook way (docs/MODEL.md §4).

Gini (`_gini`), income shares and Atkinson indices (`_income_distribution`), the
within-task coefficient of variation (`_cv_by_task`), the Mincer return to schooling with
task fixed effects (`_mincer`), the between-firm share of wage variance
(`_between_share`), the AKM-style firm-premium and sorting shares (`_akm_shares`) and the
Lerman-Yitzhaki decomposition of the income Gini by source (`_lerman_yitzhaki`), each
written from its definition with plain sums. They are functions of lists of numbers (or
of workers), separate from the agents and phases whose state they summarise; the
measurement mixin (`measurement.py`) applies them to the agents.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .workers import Worker


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _mean_finite(values: list[float]) -> float:
    return _mean([v for v in values if math.isfinite(v)])


def _gini(values: list[float]) -> float:
    """G = Σ_i (2i − n − 1)·x_(i) / (n·Σx), x sorted ascending."""
    v = sorted(values)
    n, total = len(v), sum(v)
    if n == 0 or total <= 0 or v[0] == v[-1]:       # equal values: exactly 0
        return 0.0
    return sum((2 * i - n - 1) * x for i, x in enumerate(v, start=1)) / (n * total)


def _income_distribution(incomes: list[float]) -> dict[str, float]:
    """Mean, bottom-half (⌊n/2⌋ lowest) and top-decile (⌈n/10⌉ highest) income shares,
    and the Atkinson indices and equally-distributed-equivalent incomes at ε = 1, 2:
    y_1 = exp(mean log y), y_2 = 1/mean(1/y), A_ε = 1 − y_ε/mean (Atkinson 1970)."""
    v = sorted(incomes)
    n, total = len(v), sum(v)
    out = {"mean_income": total / n}
    if total != 0:
        out["income_share_bottom50"] = sum(v[: n // 2]) / total
        out["income_share_top10"] = sum(v[n - math.ceil(n / 10):]) / total
    else:                                    # a share of nothing is 0
        out["income_share_bottom50"] = out["income_share_top10"] = 0.0
    for eps in (1, 2):
        if v[0] < 0:
            ede = index = math.nan
        elif v[0] == v[-1]:                  # equal incomes, all zero included
            ede, index = v[0], 0.0
        elif v[0] == 0:                      # someone without income: the limit
            ede, index = 0.0, 1.0
        else:
            ede = (math.exp(sum(math.log(x) for x in v) / n) if eps == 1
                   else 1.0 / (sum(1.0 / x for x in v) / n))
            index = 1.0 - ede / (total / n)
        out[f"atkinson_{eps}"], out[f"ede_income_{eps}"] = index, ede
    return out


def _cv_by_task(rows: list[tuple[int, float]], n_tasks: int) -> list[float]:
    """Sample CV of the values on each task (NaN with fewer than two)."""
    groups: list[list[float]] = [[] for _ in range(n_tasks)]
    for z, y in rows:
        groups[z].append(y)
    out = []
    for g in groups:
        if len(g) < 2:
            out.append(math.nan)
            continue
        mean = sum(g) / len(g)
        var = sum((y - mean) ** 2 for y in g) / (len(g) - 1)
        out.append(math.sqrt(var) / mean)
    return out


def _mincer(rows: list[tuple[int, float, float]]) -> float:
    """OLS slope of (log) wage on schooling with task fixed effects."""
    if len(rows) < 3:
        return math.nan
    sums: dict[int, list[float]] = {}
    for z, e, lw in rows:
        s = sums.setdefault(z, [0.0, 0.0, 0.0])
        s[0] += 1
        s[1] += e
        s[2] += lw
    sxy = sxx = 0.0
    for z, e, lw in rows:
        n, se, sw = sums[z]
        xd, yd = e - se / n, lw - sw / n
        sxy += xd * yd
        sxx += xd * xd
    return sxy / sxx if sxx > 1e-12 else math.nan


def _between_share(rows: list[tuple[int, float]]) -> float:
    """Share of the variance of log wages between groups (firms or tasks; employment-weighted)."""
    if len(rows) < 2:                          # no variance to split (abm.metrics)
        return 0.0
    n = len(rows)
    mean = sum(v for _, v in rows) / n
    groups: dict[int, list[float]] = {}
    for g, v in rows:
        groups.setdefault(g, []).append(v)
    total = sum((v - mean) ** 2 for _, v in rows) / n
    between = sum(len(vs) * (sum(vs) / len(vs) - mean) ** 2 for vs in groups.values()) / n
    mean_square = sum(v * v for _, v in rows) / n
    return min(between / total, 1.0) if total > 1e-18 * mean_square else 0.0


def _akm_shares(rows: list[tuple[float, float]]) -> dict[str, float]:
    """var(ψ)/var(log w) and 2·cov(α, ψ)/var(log w) from (ψ, log w), α = log w − ψ."""
    n = len(rows)
    if n < 2:
        return {"firm_premium_share": 0.0, "sorting_share": 0.0}
    mean_psi = sum(p for p, _ in rows) / n
    mean_lw = sum(v for _, v in rows) / n
    var_lw = sum((v - mean_lw) ** 2 for _, v in rows) / n
    if var_lw <= 1e-18 * sum(v * v for _, v in rows) / n:
        return {"firm_premium_share": 0.0, "sorting_share": 0.0}
    var_psi = sum((p - mean_psi) ** 2 for p, _ in rows) / n
    cov = sum((v - p - (mean_lw - mean_psi)) * (p - mean_psi) for p, v in rows) / n
    return {"firm_premium_share": var_psi / var_lw, "sorting_share": 2.0 * cov / var_lw}


def _lerman_yitzhaki(workers: list[Worker]) -> dict[str, float]:
    """Each income source's contribution 2·cov(y_k, F(y))/mean(y) to the income Gini."""
    n = len(workers)
    income = [w.wage + w.capital_income + w.transfer for w in workers]
    mean = sum(income) / n
    if mean <= 0:
        return {"wage": 0.0, "capital": 0.0, "transfer": 0.0}
    order = sorted(range(n), key=lambda i: income[i])      # stable: ties by index
    rank = [0.0] * n
    for r, i in enumerate(order, start=1):
        rank[i] = (r - 0.5) / n
    mean_rank = sum(rank) / n
    out = {}
    for name, attr in (("wage", "wage"), ("capital", "capital_income"), ("transfer", "transfer")):
        y = [getattr(w, attr) for w in workers]
        mean_y = sum(y) / n
        cov = sum((a - mean_y) * (b - mean_rank) for a, b in zip(y, rank, strict=True)) / n
        out[name] = 2.0 * cov / mean
    return out
