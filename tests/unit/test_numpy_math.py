"""numpy's arithmetic reproduced in compiled code (`abm.fused.numpy_math`).

Each helper is checked against numpy itself on random inputs: the expected values are
numpy's, never the helper's. Sizes cover every branch of numpy's pairwise sum (fewer
than 8 values, 8 to 128, and the halving above 128, several levels deep).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.fused import numpy_math as nm

SIZES = [*range(0, 140), 255, 256, 257, 1000, 1023, 4097, 10_000, 70_001]


def values(rng: np.random.Generator, n: int) -> np.ndarray:
    """Signed values spread over many orders of magnitude: sums that rounding changes."""
    return rng.normal(size=n) * np.exp(rng.normal(0.0, 5.0, n))


@pytest.mark.parametrize("n", SIZES)
def test_pairwise_sum_is_numpys_add_reduce(n):
    rng = np.random.default_rng(n)
    for _ in range(3):
        a = values(rng, n)
        assert nm.pairwise_sum(a) == np.add.reduce(a)


@pytest.mark.parametrize("n", SIZES)
def test_masked_sum_is_numpys_add_reduce_with_where(n):
    rng = np.random.default_rng(1000 + n)
    for share in (0.0, 0.3, 0.9, 1.0):
        a = values(rng, n)
        mask = rng.random(n) < share
        assert nm.masked_sum(a, mask) == np.add.reduce(a, where=mask)


@pytest.mark.parametrize("exponent", [2.0, 0.5, -1.0, 1.0, 0.0])
def test_numpys_special_exponents_are_reproduced_on_every_machine(exponent):
    # x**2, x**0.5 and x**-1 are x·x, a square root and 1/x in numpy, whatever the
    # machine (libm's pow differs from them on about 0.08% of values)
    x = np.exp(np.random.default_rng(7).uniform(-20.0, 20.0, 100_000))
    assert np.array_equal(x ** exponent, nm.powers(x, exponent))


def test_compiled_powers_are_libms_pow():
    # what the probe compares numpy with (Python's math) is what compiled code calls
    x = np.exp(np.random.default_rng(9).uniform(-11.5, 11.5, 20_000))
    for e in (1.5, -0.6666666666666667, 3.7, 0.25):
        assert np.array_equal(nm.powers(x, e), [math.pow(v, e) for v in x.tolist()])


def test_other_exponents_equal_numpy_exactly_where_the_probe_says_so():
    # values and exponents the probe did not see: numpy's array power equals libm's pow
    # on every one of them if and only if the probe found numpy to be libm here
    rng = np.random.default_rng(8)
    x = np.exp(rng.uniform(-11.5, 11.5, 20_000))
    same = all(np.array_equal(x ** e, nm.powers(x, e))
               for e in (*rng.uniform(-4.0, 4.0, 8), 1.5, -0.6666666666666667, 0.25))
    assert same == nm.NUMPY_IS_LIBM


def test_the_probe_finds_a_numpy_that_is_not_libm():
    def one_ulp_up(f):
        return lambda *args: np.nextafter(f(*args), np.inf)

    assert nm.numpy_matches_libm(power=one_ulp_up(np.power)) is False
    assert nm.numpy_matches_libm(exp=one_ulp_up(np.exp)) is False
    assert nm.numpy_matches_libm(log=one_ulp_up(np.log)) is False


def test_the_compiled_path_can_be_switched_off_from_the_environment():
    import os
    import subprocess
    import sys

    code = "from abm.fused import numpy_math as nm; print(nm.COMPILED, nm.NUMPY_IS_LIBM)"
    out = {}
    for value in ("0", "1"):
        env = {**os.environ, "ABM_NUMPY_POWERS": value}
        out[value] = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                    capture_output=True, text=True).stdout.split()
    assert out["1"][0] == "False"
    assert out["0"][0] == out["0"][1]           # on where numpy is libm, off elsewhere
