"""Deterministic quadrature over lognormal distributions and weighted-point inequality.

The mean field (`analysis.regimes.meanfield`) represents the population of workers and
of firms by bins of a standard normal variable z (log ability and log assets are both
normal). Every bin carries its exact probability and the exact conditional mean of the
power of the lognormal it needs, so totals (means of k^q, of θ) are exact whatever the
number of bins, and only within-bin dispersion is lost. Splitting bins at points where a
discrete choice switches (education levels) keeps every prediction continuous in the
parameters, which the regime boundary root-finder relies on.

Inequality of a distribution given as weighted points: the Gini is 2·cov(x, F)/mean(x)
with F the mid-rank, which is exact for discrete distributions, and its Lerman-Yitzhaki
split over income sources uses the same ranks (Lerman & Yitzhaki 1985).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri


def wdot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b for 1-D arrays, without BLAS.

    `numpy.dot` hands 1-D products to a threaded BLAS, which on a loaded machine costs
    a millisecond per call; the mean field makes thousands of these small products.
    """
    return float(np.sum(np.multiply(a, b)))


def prob(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """P(a < Z < b) for a standard normal Z, accurate in both tails."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    upper = a > 0                         # both in the upper tail: use survival functions
    return np.where(upper, ndtr(-a) - ndtr(-b), ndtr(b) - ndtr(a))


def power_mean(a: np.ndarray, b: np.ndarray, mu: float, s: float, q: float) -> np.ndarray:
    """E[X^q | a < Z < b] for X = exp(mu + s·Z), Z standard normal.

    E[X^q; a<Z<b] = exp(q·mu + q²s²/2)·P(a − qs < Z < b − qs). A bin whose probability
    underflows gets X^q at its (clipped) midpoint instead of 0/0.
    """
    p = prob(a, b)
    shifted = prob(a - q * s, b - q * s)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(p > 0, shifted / np.where(p > 0, p, 1.0), 0.0)
    mid = np.clip(0.5 * (np.clip(a, -12, 12) + np.clip(b, -12, 12)), -12, 12)
    fallback = np.exp(q * (mu + s * mid))
    bad = ~np.isfinite(ratio) | (p < 1e-300)
    return np.where(bad, fallback, np.exp(q * mu + 0.5 * q * q * s * s) * ratio)


def quantile_edges(n: int) -> np.ndarray:
    """n equal-probability bins of a standard normal: n+1 edges from −inf to +inf."""
    return ndtri(np.linspace(0.0, 1.0, n + 1))


def split_edges(base: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Union of two sorted edge sets (duplicates and zero-width bins removed)."""
    edges = np.union1d(base, extra[np.isfinite(extra)])
    keep = np.r_[True, np.diff(edges) > 1e-12]
    return edges[keep]


def isotonic(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted non-decreasing least-squares fit of y (pool-adjacent-violators).

    Adjacent values that decrease are pooled into their weighted mean until the
    sequence is non-decreasing (Barlow et al. 1972, "Statistical inference under order
    restrictions"); SciPy's `scipy.optimize.isotonic_regression` does it. SciPy needs
    positive weights: points of zero weight are fitted by the weighted points before
    them (or after them, at the start), which is where pooling puts them, and an
    all-zero weight vector pools nothing.
    """
    from scipy.optimize import isotonic_regression

    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    if y.shape != w.shape:
        raise ValueError(f"y and w differ in shape: {y.shape} vs {w.shape}")
    positive = w > 0
    if positive.all():
        return isotonic_regression(y, weights=w, increasing=True).x
    if not positive.any():
        return np.maximum.accumulate(y) if y.size else y
    fit = isotonic_regression(y[positive], weights=w[positive], increasing=True).x
    index = np.maximum(np.cumsum(positive) - 1, 0)      # last weighted point at or before
    return fit[index]


def weighted_inequality(values: np.ndarray, weights: np.ndarray,
                        sources: dict[str, np.ndarray]) -> tuple[float, dict[str, float],
                                                                 dict[str, float]]:
    """Gini of a weighted discrete distribution and its split by income source.

    Args:
        values: total income of each point.
        weights: probability mass of each point (any positive scale).
        sources: income by source at each point; the sources sum to `values`.

    Returns:
        (gini, contribution of each source to the Gini, share of each source in mean
        income). Contributions are 2·cov(y_k, F)/mean(y) with F the mid-rank of total
        income; they sum to the Gini exactly.
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    order = np.argsort(values)
    x, w = values[order], w[order]
    cum = np.cumsum(w)
    rank = cum - 0.5 * w                       # mid-rank F of each point
    mean = float(wdot(w, x))
    if mean <= 0:
        return 0.0, {k: 0.0 for k in sources}, {k: 0.0 for k in sources}
    rank_c = rank - float(wdot(w, rank))
    contrib, share = {}, {}
    for name, y in sources.items():
        ys = np.asarray(y, dtype=float)[order]
        ym = float(wdot(w, ys))
        contrib[name] = float(2.0 * wdot(w, (ys - ym) * rank_c) / mean)
        share[name] = ym / mean
    gini = float(2.0 * wdot(w, (x - mean) * rank_c) / mean)
    return gini, contrib, share


def compress(values: np.ndarray, weights: np.ndarray, n_bins: int,
             extra: dict[str, np.ndarray] | None = None
             ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Merge a weighted point set into about `n_bins` points of equal mass, preserving means.

    Points are sorted by value and grouped into consecutive runs of about 1/n_bins of the
    mass; each run becomes one point at its weighted mean (and the weighted means of the
    `extra` arrays). The Gini of the result is lower by the within-run dispersion only,
    which is O(1/n_bins²) of a smooth distribution.
    """
    extra = extra or {}
    if values.size <= n_bins:
        return values, weights, extra
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w) / w.sum()
    group = np.minimum((cum - 0.5 * w / w.sum()) * n_bins, n_bins - 1).astype(np.int64)
    mass = np.bincount(group, weights=w, minlength=n_bins)
    keep = mass > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out_v = np.bincount(group, weights=w * v, minlength=n_bins)[keep] / mass[keep]
        out_x = {k: np.bincount(group, weights=w * a[order], minlength=n_bins)[keep] / mass[keep]
                 for k, a in extra.items()}
    return out_v, mass[keep], out_x


def between_share(values: np.ndarray, weights: np.ndarray, units: np.ndarray) -> float:
    """Share of the weighted variance of `values` that lies between the means of `units`.

    Var(E[x | unit]) / Var(x) over a weighted point set: the between-firm share of the
    variance of log wages when `units` labels each point's employer.
    """
    total = float(np.sum(weights))
    grand = wdot(weights, values) / total
    dev = values - grand
    var = wdot(weights, dev * dev) / total
    if var <= 0.0:
        return float("nan")
    mass = np.bincount(units, weights=weights)
    has = mass > 0
    mean = np.bincount(units, weights=weights * dev)[has] / mass[has]
    return wdot(mass[has], mean * mean) / total / var
