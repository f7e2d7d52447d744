"""One chance and the end of the chain of chances (`analysis.regimes.occupations`).

Oracles written out here: one chance by enumerating every pair of candidates with the
simulation's rule (the first maximum of own, codifiable, social net of the switch cost),
and the end of the chain by raising the one-chance matrix to a high power.
"""

from __future__ import annotations

import numpy as np

from analysis.regimes.occupations import _absorbed, _one_chance


def enumerated(v: np.ndarray, cost: float, draw: np.ndarray, social: np.ndarray) -> np.ndarray:
    """One chance by brute force: for every ability, origin and pair of candidates."""
    n, n_g = v.shape
    out = np.zeros((n, n_g, n_g))
    for i in range(n):
        for o in range(n_g):
            for k in np.flatnonzero(draw):
                for s in np.flatnonzero(social):
                    own = v[i, o]
                    net_k = v[i, k] - (0.0 if k == o else cost)
                    net_s = v[i, s] - (0.0 if s == o else cost)
                    best = max(net_k, net_s)
                    if own >= max(own, best) - 1e-12 * abs(own):
                        dest = o
                    else:
                        dest = k if net_k >= net_s else s
                    out[i, o, dest] += draw[k] * social[s]
    return out


def test_one_chance_is_the_rule_for_every_pair_of_candidates():
    rng = np.random.default_rng(5)
    n_g = 7
    draw = np.r_[rng.random(4), np.zeros(3)]
    draw /= draw.sum()
    social = np.r_[np.zeros(4), rng.random(3)]
    social /= social.sum()
    v = rng.normal(1.0, 0.3, (60, n_g))
    v[:10, 1] = v[:10, 0]                       # identical codifiable groups
    v[10:20, 5] = v[10:20, 2]                   # a codifiable and a social candidate tie
    v[20:30, 4] = v[20:30, 0] + 0.1             # a move that gains exactly the cost 0.1
    for cost in (0.0, 0.1, 0.4):
        np.testing.assert_allclose(_one_chance(v, cost, draw, social),
                                   enumerated(v, cost, draw, social), rtol=0, atol=1e-15)


def test_the_chain_ends_where_many_chances_take_it():
    """P^(2^30): a worker who can move does so with probability at least 1/9 at each
    chance (one of the 3 × 3 pairs of candidates), so after 2^30 chances she has moved
    but for (8/9)^(2^30) = 0: the power is the end, to rounding."""
    rng = np.random.default_rng(11)
    n_g, n = 6, 40
    v = rng.normal(1.0, 0.3, (n, n_g))
    draw = np.r_[np.full(3, 1 / 3), np.zeros(3)]
    social = np.r_[np.zeros(3), np.full(3, 1 / 3)]
    step = _one_chance(v, 0.05, draw, social)
    power = step.copy()
    for _ in range(30):
        power = power @ power
        power /= power.sum(axis=2, keepdims=True)
    ends = _absorbed(step, v)
    np.testing.assert_allclose(ends, power, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ends.sum(axis=2), 1.0, rtol=0, atol=1e-14)
    # every end is a group she stays on for good, and some workers do move
    i, _, g = np.nonzero(ends > 1e-12)
    assert np.all(step[i, g, g] == 1.0)
    assert np.any(step[:, np.arange(n_g), np.arange(n_g)] < 1.0)
