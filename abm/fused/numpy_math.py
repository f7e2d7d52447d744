"""numpy's floating-point arithmetic, reproduced inside compiled code.

Rule 3 of `abm.fused` keeps numpy's `power`, `exp` and `log` out of the kernels because
numpy's array loops may differ from C's libm in the last bit. Whether they do depends
on the machine: numpy evaluates them with its own vectorised code only on CPUs with
AVX-512 (its `X86_V4` baseline), and calls libm everywhere else. So at import this
module asks numpy itself (`NUMPY_IS_LIBM`): on a machine where numpy's loops give libm's
bits, kernels may evaluate the powers and exponentials of firm- and task-level
formulas themselves (replacing a dozen small numpy calls by one compiled one) and stay
bit for bit equal to the numpy code; elsewhere the production phase cuts its formulas
at their powers (`firm_stages`) and the other phases keep the numpy code.

The helpers reproduce what numpy does besides calling libm:

- `array_power(x, e)` is an array raised to a scalar exponent: numpy computes x**2 as
  x·x, x**0.5 as a square root and x**-1 as 1/x, which libm's `pow` does not always
  match in the last bit; any other exponent is libm's `pow`.
- `pairwise_sum` is `np.add.reduce` of a contiguous array: 0.0 plus the pairwise sum
  of numpy's `pairwise_sum` (8 accumulators up to 128 values, halves above).
- `masked_sum` is `np.add.reduce(x, where=mask)`: 0.0, plus the pairwise sum of each
  run of selected values in turn.

`tests/unit/test_numpy_math.py` checks each against numpy on random inputs, and the
phases' results are checked with the compiled path on and off (`COMPILED`).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from abm.fused.jit import inner, kernel

PAIRWISE_BLOCK = 128
"""numpy's PW_BLOCKSIZE: pairwise sums split arrays longer than this in two."""


@inner
def array_power(x: float, e: float) -> float:
    """One element of numpy's `array ** e` for a scalar exponent e."""
    if e == 2.0:
        return x * x
    if e == 0.5:
        return math.sqrt(x)
    if e == -1.0:
        return 1.0 / x
    return x ** e


@inner
def _pairwise_leaf(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's pairwise sum of a[lo:lo + n] for n ≤ `PAIRWISE_BLOCK`."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@inner
def pairwise_block(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's pairwise sum of a[lo:lo + n] (`DOUBLE_pairwise_sum`).

    numpy recurses: above `PAIRWISE_BLOCK` values, the sum of the first n/2 values
    (rounded down to a multiple of 8) plus the sum of the rest. The same tree is walked
    here with an explicit stack (numba cannot cache recursive functions safely): each
    frame holds a segment and, once its left half is summed, that half's sum.
    """
    if n <= PAIRWISE_BLOCK:
        return _pairwise_leaf(a, lo, n)
    seg_lo = np.empty(64, dtype=np.int64)
    seg_n = np.empty(64, dtype=np.int64)
    left_done = np.zeros(64, dtype=np.bool_)
    left_sum = np.empty(64)
    top = 0
    seg_lo[0], seg_n[0] = lo, n
    while True:
        m = seg_n[top]
        if m > PAIRWISE_BLOCK:                   # descend into the left half
            half = m // 2
            half -= half % 8
            top += 1
            seg_lo[top], seg_n[top], left_done[top] = seg_lo[top - 1], half, False
            continue
        value = _pairwise_leaf(a, seg_lo[top], m)
        top -= 1
        while top >= 0 and left_done[top]:      # right halves done: add them up
            value = left_sum[top] + value
            top -= 1
        if top < 0:
            return value
        left_sum[top], left_done[top] = value, True    # left half done: go right
        half = seg_n[top] // 2
        half -= half % 8
        top += 1
        seg_lo[top] = seg_lo[top - 1] + half
        seg_n[top], left_done[top] = seg_n[top - 1] - half, False


@inner
def pairwise_sum(a: np.ndarray) -> float:
    """`np.add.reduce(a)` of a contiguous 1-D float array."""
    return 0.0 + pairwise_block(a, 0, a.shape[0])


@inner
def masked_sum(a: np.ndarray, mask: np.ndarray) -> float:
    """`np.add.reduce(a, where=mask)`: each run of selected values summed pairwise."""
    total = 0.0
    i = 0
    n = a.shape[0]
    while i < n:
        if not mask[i]:
            i += 1
            continue
        start = i
        while i < n and mask[i]:
            i += 1
        total += pairwise_block(a, start, i - start)
    return total


def numpy_matches_libm(size: int = 1024, seed: int = 0, power: Any = np.power,
                       exp: Any = np.exp, log: Any = np.log) -> bool:
    """Whether numpy's array `power`, `exp` and `log` give libm's bits here.

    libm is what Python's `math` calls, and what compiled code calls. The probe takes
    `size` values over the ranges the model uses (values over ten orders of magnitude
    raised to exponents in [-4, 4], and exp over [-160, 160]). A machine whose numpy uses
    its AVX-512 code differs on a few per cent of such values, so 1,024 find it. It
    runs in plain Python (about a millisecond), so importing the model compiles nothing.
    `power`, `exp` and `log` are numpy's unless a test passes others.
    """
    rng = np.random.default_rng(seed)
    x = np.exp(rng.uniform(-11.5, 11.5, size))
    e = rng.uniform(-4.0, 4.0, size)
    libm = [math.pow(a, b) for a, b in zip(x.tolist(), e.tolist(), strict=True)]
    if not np.array_equal(power(x, e), np.array(libm)):
        return False
    for exponent in (float(e[0]), float(e[1]), 1.5):     # a scalar exponent, as the model
        libm = [math.pow(a, exponent) for a in x.tolist()]
        if not np.array_equal(power(x, exponent), np.array(libm)):
            return False
    z = e * 40.0
    return (np.array_equal(exp(z), np.array([math.exp(v) for v in z.tolist()]))
            and np.array_equal(log(x), np.array([math.log(v) for v in x.tolist()])))


OPTIONAL_KERNELS = ("powers",)
"""Called by the tests only (`abm.feedback`)."""


@kernel
def powers(x: np.ndarray, exponent: float) -> np.ndarray:
    """`array_power` of every x with one exponent (numpy's `x ** exponent`)."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = array_power(x[i], exponent)
    return out


def simd_targets() -> tuple[str, ...]:
    """numpy's AVX-512 code paths this CPU takes: what to switch off for libm's bits.

    numpy reads the environment variable NPY_DISABLE_CPU_FEATURES when it is imported;
    a process started with these names in it (space-separated) evaluates `power`, `exp`
    and `log` with libm, as machines without AVX-512 do, so its runs take the compiled
    path and give those machines' numbers bit for bit. Empty where numpy uses no
    AVX-512 code (the CPU lacks it, or numpy was built without it).
    """
    try:
        from numpy._core import _multiarray_umath as umath          # numpy 2
    except ImportError:                                               # numpy 1.26
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    features = umath.__cpu_features__
    return tuple(name for name in umath.__cpu_dispatch__
                 if ("AVX512" in name or name == "X86_V4") and features.get(name))


def numerics() -> str:
    """How this process evaluates powers and exponentials, for provenance records.

    'libm' where numpy's loops are libm's (on x86-64 without AVX-512, or with numpy's
    AVX-512 code switched off), 'numpy-simd' where numpy uses its own vectorised code.
    Runs of one seed agree to rounding between the two (docs/PERFORMANCE.md,
    'Reproducibility across machines').
    """
    return "libm" if NUMPY_IS_LIBM else "numpy-simd"


NUMPY_IS_LIBM = numpy_matches_libm()
"""Whether numpy's array loops give libm's bits on this machine."""

COMPILED = NUMPY_IS_LIBM and os.environ.get("ABM_NUMPY_POWERS") != "1"
"""Whether the phases evaluate their firm- and task-level powers in compiled code.

`NUMPY_IS_LIBM`, unless the environment variable ABM_NUMPY_POWERS is 1, which keeps
numpy's powers everywhere (the staged route of `steps.firm_formulas`, and the numpy
code elsewhere: to check that both give the same numbers). Read at
call time, so a test may set it.
"""
