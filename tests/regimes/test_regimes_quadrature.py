"""Quadrature kernels of the mean field against closed forms."""

import math

import numpy as np
import pytest
from scipy.special import ndtr

from analysis.regimes.quadrature import (compress, isotonic, power_mean, prob, quantile_edges,
                                         split_edges, weighted_inequality)


def test_bins_carry_exact_moments_of_the_lognormal():
    # E[X^q] = exp(q·mu + q²s²/2) whatever the number of bins: only within-bin spread is lost
    mu, s = -0.3, 1.2
    edges = quantile_edges(7)
    a, b = edges[:-1], edges[1:]
    for q in (-0.5, 0.5, 1.0, 2.0):
        total = float(np.sum(prob(a, b) * power_mean(a, b, mu, s, q)))
        assert total == pytest.approx(math.exp(q * mu + 0.5 * q * q * s * s), rel=1e-12)


def test_probabilities_are_accurate_deep_in_the_upper_tail():
    assert prob(np.array([9.0]), np.array([np.inf]))[0] == pytest.approx(ndtr(-9.0), rel=1e-10)
    assert prob(np.array([-np.inf]), np.array([np.inf]))[0] == 1.0


def test_split_edges_inserts_points_and_drops_duplicates():
    edges = split_edges(np.array([-np.inf, 0.0, np.inf]), np.array([0.5, 0.0, np.nan]))
    assert list(edges) == [-np.inf, 0.0, 0.5, np.inf]


def test_gini_of_two_point_and_lognormal_distributions():
    g, contrib, share = weighted_inequality(np.array([0.0, 1.0]), np.array([0.5, 0.5]),
                                            {"only": np.array([0.0, 1.0])})
    assert g == pytest.approx(0.5)
    assert contrib["only"] == pytest.approx(0.5) and share["only"] == pytest.approx(1.0)
    # lognormal with log-sd s: G = 2Φ(s/√2) − 1; 4000 equal-mass bins lose O(1e-4) of it
    s = 0.8
    edges = quantile_edges(4000)
    x = power_mean(edges[:-1], edges[1:], 0.0, s, 1.0)
    w = prob(edges[:-1], edges[1:])
    g, _, _ = weighted_inequality(x, w, {"x": x})
    assert g == pytest.approx(2 * ndtr(s / math.sqrt(2)) - 1, abs=2e-4)


def test_source_contributions_sum_to_the_gini():
    rng = np.random.default_rng(3)
    a, b = rng.lognormal(size=500), rng.pareto(3.0, size=500)
    w = rng.random(500)
    g, contrib, share = weighted_inequality(a + b, w, {"a": a, "b": b})
    assert sum(contrib.values()) == pytest.approx(g, abs=1e-12)
    assert sum(share.values()) == pytest.approx(1.0, abs=1e-12)


def test_isotonic_pools_adjacent_violators():
    assert list(isotonic(np.array([1.0, 3.0, 2.0, 4.0]), np.ones(4))) == [1.0, 2.5, 2.5, 4.0]
    # weights: the heavier value dominates the pooled block
    out = isotonic(np.array([2.0, 1.0]), np.array([3.0, 1.0]))
    assert list(out) == [1.75, 1.75]
    increasing = np.array([0.1, 0.2, 0.2, 0.9])
    assert list(isotonic(increasing, np.ones(4))) == list(increasing)
    # a point without weight takes the fit of the weighted point before it
    assert list(isotonic(np.array([1.0, 3.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0, 1.0]))) \
        == [1.0, 1.0, 2.0, 4.0]


def test_compress_keeps_mass_and_mean():
    rng = np.random.default_rng(7)
    v, w = rng.lognormal(size=5000), rng.random(5000)
    cv, cw, extra = compress(v, w, 100, {"twice": 2 * v})
    assert cv.size <= 100
    assert cw.sum() == pytest.approx(w.sum())
    assert np.dot(cw, cv) == pytest.approx(np.dot(w, v))
    assert np.allclose(extra["twice"], 2 * cv)
