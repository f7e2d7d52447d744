"""The fast inequality kernels against independent library implementations.

`abm.metrics` computes the Gini from one sorted pass (with a shortcut for mostly-zero
arrays) and the Lorenz curve by interpolating cumulative sums. QuantEcon's
`gini_coefficient` uses the O(n²) definition Σ|yᵢ − yⱼ| / (2n Σy) and its
`lorenz_curve` the cumulative shares at i/n (QuantEcon.py, Sargent and Stachurski);
SciPy's `variation` gives the coefficient of variation. Different algorithms, same
quantities: they must agree to floating-point rounding (1e-12 relative). QuantEcon's
functions are numba-compiled; the test calls their Python source (`.py_func`, the same
code) to skip a compilation that takes longer than the test.
"""

import numpy as np
import pytest

import quantecon  # the dev extra installs it
from scipy.stats import variation

from abm import metrics

qe_gini = quantecon.gini_coefficient.py_func
qe_lorenz = quantecon.lorenz_curve.py_func

RNG = np.random.default_rng(20261202)
SAMPLES = {
    "lognormal": RNG.lognormal(0.0, 0.8, 400),
    "pareto": RNG.pareto(2.5, 400) + 1.0,
    # most persons own no equity: the kernel's zero-skipping branch
    "mostly zero": np.where(RNG.random(400) < 0.8, 0.0, RNG.lognormal(0.0, 1.2, 400)),
    "ties": RNG.integers(0, 5, 400).astype(float),
    "one positive": np.r_[np.zeros(99), 7.0],
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_gini_matches_quantecon(name):
    x = SAMPLES[name]
    assert metrics.gini(x) == pytest.approx(float(qe_gini(x)), rel=1e-12)
    assert metrics.gini_sorted(np.sort(x)) == pytest.approx(metrics.gini(x), rel=1e-12)


@pytest.mark.parametrize("name", ["lognormal", "pareto", "mostly zero"])
def test_lorenz_matches_quantecon(name):
    x = SAMPLES[name]
    pop, share = metrics.lorenz(x, points=x.size + 1)     # at the shares i/n
    qe_pop, qe_share = qe_lorenz(x)
    np.testing.assert_allclose(pop, qe_pop, rtol=0, atol=1e-12)
    np.testing.assert_allclose(share, qe_share, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["lognormal", "pareto", "ties"])
def test_cv_matches_scipy(name):
    x = SAMPLES[name]
    assert metrics.coefficient_of_variation(x) == pytest.approx(variation(x, ddof=1),
                                                                rel=1e-12)
