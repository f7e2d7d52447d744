"""A stable argsort of non-negative floats through one integer sort (see `metrics`)."""

from __future__ import annotations

import numpy as np

from abm.fused.jit import kernel


@kernel
def pack_keys(x: np.ndarray, shift: int) -> np.ndarray:
    """Sort keys (value bits >> shift << shift | index), or an empty array if `x` holds a
    value whose bits do not sort as values do (negative, -0.0 or NaN)."""
    n = x.shape[0]
    bits = x.view(np.uint64)
    s = np.uint64(shift)
    keys = np.empty(n, dtype=np.uint64)
    for i in range(n):
        if bits[i] >> np.uint64(63) or x[i] != x[i]:
            return np.empty(0, dtype=np.uint64)
        keys[i] = ((bits[i] >> s) << s) | np.uint64(i)
    return keys


@kernel
def unpack_sorted(key: np.ndarray, x: np.ndarray, shift: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Order and sorted values from sorted keys (value bits >> shift << shift | index).

    Keys order values exactly except among values equal in all but their last `shift`
    mantissa bits, which arrive in index order; those short runs are put in (value,
    index) order by insertion, so the result is the stable order of the values.
    """
    n = key.shape[0]
    s = np.uint64(shift)
    mask = (np.uint64(1) << s) - np.uint64(1)
    order = np.empty(n, dtype=np.int64)
    v = np.empty(n)
    for r in range(n):
        order[r] = np.int64(key[r] & mask)
        v[r] = x[order[r]]
    for r in range(1, n):
        if v[r] < v[r - 1] and (key[r] >> s) == (key[r - 1] >> s):
            q = r
            while q > 0 and (key[q] >> s) == (key[q - 1] >> s) and (
                    v[q] < v[q - 1] or (v[q] == v[q - 1] and order[q] < order[q - 1])):
                v[q], v[q - 1] = v[q - 1], v[q]
                order[q], order[q - 1] = order[q - 1], order[q]
                q -= 1
    return order, v


@kernel
def positive_values(x: np.ndarray) -> tuple[np.ndarray, bool]:
    """The positive values of `x` in index order, and whether any is negative or NaN."""
    out = np.empty(x.shape[0])
    m = 0
    irregular = False
    for i in range(x.shape[0]):
        if x[i] > 0:
            out[m] = x[i]
            m += 1
        elif not x[i] == 0:
            irregular = True
    return out[:m], irregular


@kernel
def gini_sums(v: np.ndarray) -> tuple[float, float]:
    """Σ (2i − n − 1)·v_i (i = 1..n) and Σ v_i of values sorted ascending."""
    n = v.shape[0]
    weighted = 0.0
    total = 0.0
    for i in range(n):
        weighted += (2.0 * i + 1.0 - n) * v[i]
        total += v[i]
    return weighted, total
