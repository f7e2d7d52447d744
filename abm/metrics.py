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

import math

import numpy as np

from abm.fused import sorting


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b by numpy's pairwise summation, never BLAS.

    BLAS splits long dot products across threads, so their last bits depend on the
    thread count; statistics must be identical on every machine and in every worker
    process (same seed, same DataFrame), so they sum without it.
    """
    return float(np.add.reduce(np.multiply(a, b)))


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (see `gini_sorted` for the edge cases).

    Zeros sit at the bottom of the ranking and add nothing to the sum, so when most
    values are zero (capital income: most persons own nothing) only the positive ones
    are sorted, with their ranks offset by the number of zeros.
    """
    v = np.ascontiguousarray(x, dtype=float).ravel()
    top, irregular = sorting.positive_values(v)
    if irregular or 2 * top.size >= v.size:       # negative or NaN: sort all values
        return gini_sorted(np.sort(v))
    top.sort()
    total = top.sum()
    if total <= 0:
        return 0.0
    n, zeros = v.size, v.size - top.size
    # ranks zeros + 1 .. n of the positive values: weights 2i − n − 1
    return unit_interval(float(dot(np.arange(2.0 * zeros + 1.0 - n, n, 2.0), top)
                                / (n * total)))


def gini_sorted(v: np.ndarray) -> float:
    """Gini of values already sorted ascending (saves a sort when ranks are reused).

    One pass: the weights 2i − n − 1 (i = 1..n) are integers, exact in float64.
    Edge cases (docs/MODEL.md §4, undefined statistics): no values, or values that
    are all equal (all zero included) give exactly 0, perfect equality; any NaN gives
    NaN; a result a rounding error outside [0, 1] is clamped to it.
    """
    n = v.size
    if n == 0 or v[0] == v[-1]:
        return 0.0
    weighted, total = sorting.gini_sums(np.ascontiguousarray(v, dtype=float))
    if total <= 0:
        return 0.0
    return unit_interval(float(weighted / (n * total)))


ROUNDING = 1e-9
"""Relative size of a rounding error that a bounded statistic may show (the accounting
closes to this, relative to output: `abm.invariants.REL_TOL`)."""


def unit_interval(g: float) -> float:
    """`g` clamped to [0, 1] when it lies within `ROUNDING` outside it; NaN and real
    violations are returned as they are, for the invariant checks to see."""
    if -ROUNDING <= g < 0.0:
        return 0.0
    if 1.0 < g <= 1.0 + ROUNDING:
        return 1.0
    return g


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


def stable_argsort(x: np.ndarray) -> np.ndarray:
    """The permutation `np.argsort(x, kind="stable")` returns, several times faster.

    numpy's stable sort of float64 is a merge sort; its default (vectorised quick) sort
    is much faster but orders equal values arbitrarily. This sorts with the fast one and
    then puts the indices inside each run of equal values back in ascending order, which
    is exactly what a stable sort yields. Incomes tie in large blocks (every unemployed
    non-owner has the same income), so ties are the rule here, not a corner case.
    """
    return sorted_with_order(x)[0]


def sorted_with_order(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`stable_argsort(x)` and `x` in that order (the sort needs both; callers reuse them).

    Non-negative float64 values are sorted as 64-bit integer keys: the bits of a
    non-negative double sort as unsigned integers in the order of the values, and
    replacing the lowest mantissa bits by the element's index makes the keys distinct
    and orders ties by index (stability); numpy sorts integers several times faster
    than it argsorts floats. Values that differed only in the replaced bits arrive in
    index order and are re-sorted by value (`sorting.unpack_sorted`). Other inputs use
    numpy's fast argsort and fix up the order within runs of equal values.
    """
    x = np.asarray(x)
    if x.ndim != 1 or x.size < 2 or x.dtype.kind != "f":
        order = np.argsort(x, kind="stable")
        return order, x[order]
    if x.dtype == np.float64 and x.flags.c_contiguous:
        shift = max(int(x.size - 1).bit_length(), 1)
        key = sorting.pack_keys(x, shift)
        if key.size:
            key.sort()
            return sorting.unpack_sorted(key, x, shift)
    order = np.argsort(x)
    v = x[order]
    if np.isnan(v[-1]):                      # NaNs sort last, but NaN != NaN: no run
        order = np.argsort(x, kind="stable")
        return order, x[order]
    tie = v[1:] == v[:-1]
    if not tie.any():
        return order, v
    in_run = np.zeros(x.size, dtype=bool)
    in_run[:-1] = tie
    in_run[1:] |= tie
    pos = np.flatnonzero(in_run)
    # runs hold equal values and different runs different ones: number them in the
    # (usually short) list of tied positions, where run numbers ascend with position
    tied = v[pos]
    run = np.zeros(pos.size, dtype=np.int64)
    np.cumsum(tied[1:] != tied[:-1], out=run[1:])
    key = run * np.int64(x.size) + order[pos]
    key.sort()
    order[pos] = key % x.size
    v[pos] = x[order[pos]]                   # equal values; keeps the signs of zeros exact
    return order, v


def lerman_yitzhaki(sources: dict[str, np.ndarray]) -> dict[str, float]:
    """Contribution of each income source to the Gini of their sum.

    Returns {source: contribution}; the contributions sum to the income Gini. Each is
    S_k·G_k·R_k (share × own Gini × Gini correlation with total income), computed as
    2·cov(y_k, F(y)) / mean(y) with F the (mid-)rank of total income.
    """
    total = sum(sources.values())
    return _lerman_yitzhaki(sources, total, None)


def _lerman_yitzhaki(sources: dict[str, np.ndarray], total: np.ndarray,
                     order: np.ndarray | None) -> dict[str, float]:
    """`lerman_yitzhaki` given the total and, if already known, its stable ascending order.

    The measurement phase sorts persons' income once for the Gini and passes the order
    here, so one period needs a single sort of N incomes.
    """
    n = total.size
    mean = total.mean()
    if n == 0 or mean <= 0:
        return {k: 0.0 for k in sources}
    if order is None:
        order = stable_argsort(total)
    mid = np.arange(1.0, n + 1.0)           # integers, exact in float64
    mid -= 0.5
    mid /= n
    rank = np.empty(n)
    rank[order] = mid
    del mid
    rank -= rank.mean()                      # centred in place: same values, one array less
    # population covariance with the rank; with ranks (i - 1/2)/n this reproduces gini()
    out, centred = {}, np.empty(n)
    for k, y in sources.items():
        np.subtract(y, y.mean(), out=centred)
        out[k] = float(2.0 * dot(centred, rank) / n / mean)
    return out


def mincer_slope(log_wage: np.ndarray, schooling: np.ndarray, group: np.ndarray,
                 n_groups: int) -> float:
    """OLS slope of log wage on schooling with group (task) fixed effects.

    NaN when schooling does not vary within groups.
    """
    if log_wage.size < 3:
        return float("nan")
    xd, yd = within_deviations(log_wage, schooling, group, n_groups)
    return slope_of_deviations(xd, yd)


def within_deviations(log_wage: np.ndarray, schooling: np.ndarray, group: np.ndarray,
                      n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Schooling and log wage minus their group means (the fixed-effects transform).

    A group's mean does not depend on which other groups are in the sample, so the
    deviations of a union of whole groups are a subset of these: the measurement phase
    computes them once for all employed and reuses them for the task-type subsamples.
    """
    n = np.bincount(group, minlength=n_groups).astype(float)
    n[n == 0] = 1.0
    ym = np.bincount(group, weights=log_wage, minlength=n_groups) / n
    xm = np.bincount(group, weights=schooling, minlength=n_groups) / n
    xd, yd = np.empty(len(schooling)), np.empty(len(log_wage))
    for lo in range(0, len(group), 1 << 15):     # blocks (as abm.state.BLOCK) stay in cache
        b = slice(lo, lo + (1 << 15))
        g = group[b]
        xd[b] = schooling[b] - xm[g]
        yd[b] = log_wage[b] - ym[g]
    return xd, yd


def slope_of_deviations(xd: np.ndarray, yd: np.ndarray) -> float:
    """Σ xd·yd / Σ xd² (NaN when schooling does not vary within groups or n < 3)."""
    if xd.size < 3:
        return float("nan")
    sxx = dot(xd, xd)
    return dot(xd, yd) / sxx if sxx > 1e-12 else float("nan")


def between_share(values: np.ndarray, group: np.ndarray, n_groups: int) -> float:
    """Share of the variance of `values` that is between groups (employment-weighted).

    0 when there is no variance to split (fewer than two values, or all equal up to
    rounding: total variance below `ROUNDING`² of the mean square).
    """
    if values.size < 2:
        return 0.0
    # both parts from deviations about one centre, so that between ≤ total to rounding
    # even when the values agree to many digits
    dev = values - values.mean()
    n = np.bincount(group, minlength=n_groups).astype(float)
    s = np.bincount(group, weights=dev, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        between = float(np.sum(np.where(n > 0, s * s / n, 0.0)) / values.size)
    total = float(np.mean(dev * dev))
    if not total > ROUNDING ** 2 * float(np.mean(values * values)):
        return 0.0
    return unit_interval(between / total)


def lognormal_sigma_for_gini(g: float) -> float:
    """Log-sd s of a lognormal with Gini g: G = 2Φ(s/√2) − 1, so s = √2·Φ⁻¹((1+g)/2)."""
    from scipy.special import ndtri

    return float(np.sqrt(2.0) * ndtri((1.0 + g) / 2.0))


ATKINSON_AVERSIONS = (1.0, 2.0)
"""Inequality aversions ε of the recorded Atkinson indices: ε = 1 (log utility) and
ε = 2, the range Atkinson (1970, J. Econ. Theory 2(3), doi:10.1016/0022-0531(70)90039-6)
computed for his cross-country comparisons."""


def income_shares(v: np.ndarray) -> tuple[float, float]:
    """(bottom-50% share, top-10% share) of values sorted ascending.

    The bottom half is the ⌊n/2⌋ lowest, the top decile the ⌈n/10⌉ highest (ties broken
    by the sort's order, which does not change the sums). As every share of amounts
    (docs/MODEL.md §4), a share of a zero total is 0; a non-finite total gives NaN.
    """
    n = v.size
    total = float(np.add.reduce(v)) if n else 0.0
    if not math.isfinite(total):
        return math.nan, math.nan
    if total == 0.0:
        return 0.0, 0.0
    bottom = float(np.add.reduce(v[: n // 2])) / total
    top_count = -(-n // 10)                 # ⌈n/10⌉
    top = float(np.add.reduce(v[n - top_count:])) / total
    return bottom, top


def atkinson(v: np.ndarray, epsilon: float) -> tuple[float, float]:
    """(Atkinson index A_ε, equally-distributed-equivalent income y_ε) of incomes `v`.

    y_ε = [mean(y^(1−ε))]^(1/(1−ε)) for ε ≠ 1 and exp(mean(log y)) at ε = 1: the income
    which, given to everyone, yields the same social welfare (sum of y^(1−ε)/(1−ε)) as
    the actual distribution; A_ε = 1 − y_ε/mean(y) (Atkinson 1970, J. Econ. Theory 2(3),
    pp. 244-263). Welfare is compared through y_ε, which combines mean and inequality.
    As for the Gini (docs/MODEL.md §4), equal incomes, all zero included, give A = 0
    and y_ε = the mean; for ε ≥ 1 some zero income among positive ones puts y_ε at its
    limit 0 (A = 1); a negative or non-finite income leaves both undefined (NaN).
    """
    v = np.asarray(v, dtype=float)
    if not np.isfinite(v).all() or (v < 0).any():
        return math.nan, math.nan
    if v.size == 0 or v.min() == v.max():
        return 0.0, float(v[0]) if v.size else 0.0
    mean = float(np.add.reduce(v)) / v.size
    if epsilon >= 1.0 and (v == 0).any():
        return 1.0, 0.0
    if epsilon == 1.0:
        ede = float(np.exp(np.add.reduce(np.log(v)) / v.size))
    elif epsilon == 2.0:
        # the harmonic mean, by division (a power of −1 costs seven times as much); an
        # income so near 0 that 1/y overflows puts y_2 at its limit 0
        with np.errstate(over="ignore", divide="ignore"):
            ede = float(v.size / np.add.reduce(1.0 / v))
    else:
        # in units of the mean, so that incomes near 0 overflow only where y_ε → 0
        power = 1.0 - epsilon
        with np.errstate(over="ignore"):
            ede = mean * float((np.add.reduce((v / mean) ** power) / v.size) ** (1.0 / power))
    return unit_interval(1.0 - ede / mean), ede


def weighted_log_sd(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted sd of log values over the entries with positive value and weight (NaN if
    none). For firms' value added per worker weighted by employment, the dispersion that
    premia paid from shared rents scale with: var(ψ) ≈ e²·var(log VA/L) (docs/MODEL.md
    §3.3.3)."""
    ok = (values > 0.0) & (weights > 0)
    weight = weights[ok].astype(float)
    total = float(np.add.reduce(weight))
    if total <= 0.0:
        return math.nan
    logs = np.log(values[ok])
    mean = float(np.add.reduce(weight * logs)) / total
    return math.sqrt(float(np.add.reduce(weight * (logs - mean) ** 2)) / total)
