"""Inequality and dispersion measures: small pure numpy functions, no Mesa, no model.

References:
- Gini: G = Σ_i (2i − n − 1)·x_(i) / (n·Σ x), x sorted ascending (the standard
  discrete formula; for a Pareto(a) population G = 1/(2a − 1)).
- Lerman & Yitzhaki (1985), "Income inequality effects by income source", REStat 67(1):
  the income Gini equals Σ_k 2·cov(y_k, F(y)) / mean(y), the sum over sources k of each
  source's covariance with the rank of total income.
- Mincer return: OLS slope of log wage on schooling (here with task fixed effects).
"""

from __future__ import annotations

import numpy as np


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 for an empty or all-zero array)."""
    v = np.sort(np.asarray(x, dtype=float).ravel())
    n = v.size
    total = v.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1, dtype=float)
    return float(np.dot(2.0 * i - n - 1.0, v) / (n * total))


def gini_sorted(v: np.ndarray) -> float:
    """Gini of values already sorted ascending (saves a sort when ranks are reused)."""
    n = v.size
    total = v.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1, dtype=float)
    return float(np.dot(2.0 * i - n - 1.0, v) / (n * total))


def lorenz(x: np.ndarray, points: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve at `points` population shares from 0 to 1 (share of total held)."""
    v = np.sort(np.asarray(x, dtype=float).ravel())
    cum = np.r_[0.0, np.cumsum(v)]
    pop = np.linspace(0.0, 1.0, points)
    total = cum[-1]
    share = np.interp(pop * v.size, np.arange(v.size + 1), cum) / total if total > 0 else pop
    return pop, share


def coefficient_of_variation(x: np.ndarray) -> float:
    """Sample standard deviation over mean (NaN for fewer than 2 values or zero mean)."""
    v = np.asarray(x, dtype=float)
    if v.size < 2 or v.mean() == 0:
        return float("nan")
    return float(v.std(ddof=1) / v.mean())


def lerman_yitzhaki(sources: dict[str, np.ndarray]) -> dict[str, float]:
    """Contribution of each income source to the Gini of their sum.

    Returns {source: contribution}; the contributions sum to the income Gini. Each is
    S_k·G_k·R_k (share × own Gini × Gini correlation with total income), computed as
    2·cov(y_k, F(y)) / mean(y) with F the (mid-)rank of total income.
    """
    total = sum(sources.values())
    n = total.size
    mean = total.mean()
    if n == 0 or mean <= 0:
        return {k: 0.0 for k in sources}
    order = np.argsort(total, kind="stable")
    rank = np.empty(n)
    rank[order] = (np.arange(1, n + 1) - 0.5) / n
    rank_c = rank - rank.mean()
    # population covariance with the rank; with ranks (i - 1/2)/n this reproduces gini()
    return {k: float(2.0 * np.dot(y - y.mean(), rank_c) / n / mean) for k, y in sources.items()}


def mincer_slope(log_wage: np.ndarray, schooling: np.ndarray, group: np.ndarray,
                 n_groups: int) -> float:
    """OLS slope of log wage on schooling with group (task) fixed effects.

    NaN when schooling does not vary within groups.
    """
    if log_wage.size < 3:
        return float("nan")
    n = np.bincount(group, minlength=n_groups).astype(float)
    n[n == 0] = 1.0
    ym = np.bincount(group, weights=log_wage, minlength=n_groups) / n
    xm = np.bincount(group, weights=schooling, minlength=n_groups) / n
    xd = schooling - xm[group]
    yd = log_wage - ym[group]
    sxx = float(np.dot(xd, xd))
    return float(np.dot(xd, yd) / sxx) if sxx > 1e-12 else float("nan")


def between_share(values: np.ndarray, group: np.ndarray, n_groups: int) -> float:
    """Share of the variance of `values` that is between groups (employment-weighted)."""
    if values.size < 2:
        return float("nan")
    n = np.bincount(group, minlength=n_groups).astype(float)
    s = np.bincount(group, weights=values, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        gm = np.where(n > 0, s / n, 0.0)
    mean = values.mean()
    total = float(np.mean((values - mean) ** 2))
    between = float(np.sum(n * (gm - mean) ** 2) / values.size)
    return between / total if total > 0 else 0.0


def lognormal_sigma_for_gini(g: float) -> float:
    """Log-sd s of a lognormal with Gini g: G = 2Φ(s/√2) − 1, so s = √2·Φ⁻¹((1+g)/2)."""
    from scipy.special import ndtri

    return float(np.sqrt(2.0) * ndtri((1.0 + g) / 2.0))
