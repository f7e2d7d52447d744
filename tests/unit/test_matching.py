"""The matching rule on hand-built markets: its two limits in β_L and its choice law."""

from __future__ import annotations

import numpy as np
from scipy import stats

from abm.steps.matching import choice_weights, choose, match


def test_attraction_is_equal_at_beta_zero_and_ordered_by_premium_otherwise():
    factor = np.array([1.0, 1.2, 0.0, 1.1])
    assert np.all(choice_weights(factor, 0.0) == 1.0)
    w = choice_weights(factor, 4.0)
    assert w[1] == 1.0 and w[2] == 0.0                      # best firm, firm paying 0
    assert w[1] > w[3] > w[0] > w[2]
    np.testing.assert_allclose(w[[0, 3]], (factor[[0, 3]] / 1.2) ** 4, rtol=1e-15)


def test_large_beta_reproduces_the_assortative_order():
    # premia 5% apart: at β_L = 1000 a worse firm's weight relative to the best open one
    # is (1/1.05)^1000·2^26 < 1, i.e. 0: the best open firm is chosen with certainty
    rng = np.random.default_rng(3)
    n_firms, n_tasks = 6, 3
    factor = 1.05 ** rng.permutation(n_firms)
    vac = rng.integers(0, 4, (n_firms, n_tasks))
    n_app = 40
    task = rng.integers(0, n_tasks, n_app)
    score = rng.random(n_app)
    firm_of = choose(task, score, np.zeros(n_app), np.ones(n_app, dtype=bool),
                     rng.random(n_app), vac.ravel(), choice_weights(factor, 1000.0))
    cell = np.repeat(np.arange(vac.size), vac.ravel())
    pos, firm = match(task, score, np.zeros(n_app), cell % n_tasks, factor[cell // n_tasks],
                      cell // n_tasks)
    assert {i: int(j) for i, j in enumerate(firm_of) if j >= 0} == dict(
        zip(pos.tolist(), firm.tolist(), strict=True))
    # the other side: at β_L = 4 the same market is not assortative
    firm_of = choose(task, score, np.zeros(n_app), np.ones(n_app, dtype=bool),
                     rng.random(n_app), vac.ravel(), choice_weights(factor, 4.0))
    assert {i: int(j) for i, j in enumerate(firm_of) if j >= 0} != dict(
        zip(pos.tolist(), firm.tolist(), strict=True))


def test_at_beta_zero_the_allocation_does_not_depend_on_premia():
    # exact: the same draws give the same allocation whatever the premia
    rng = np.random.default_rng(4)
    n_app, n_firms, n_tasks = 50, 5, 2
    task = rng.integers(0, n_tasks, n_app)
    args = (task, rng.random(n_app), np.zeros(n_app), rng.random(n_app) < 0.5,
            rng.random(n_app), rng.integers(0, 6, n_firms * n_tasks))
    low = choose(*args, choice_weights(np.linspace(1.0, 1.5, n_firms), 0.0))
    high = choose(*args, choice_weights(np.linspace(1.5, 1.0, n_firms), 0.0))
    np.testing.assert_array_equal(low, high)
    # the other side: at β_L = 4 reversing the premia changes the allocation
    low = choose(*args, choice_weights(np.linspace(1.0, 1.5, n_firms), 4.0))
    high = choose(*args, choice_weights(np.linspace(1.5, 1.0, n_firms), 4.0))
    assert np.any(low != high)


def test_a_single_applicant_picks_firms_with_the_logit_probabilities():
    # one applicant, vacancies (1, 2, 3), premia (1.0, 1.1, 1.2), β_L = 4:
    # P(j) ∝ v_j·R_j^4. Chi-square over 20,000 independent markets at the 0.1% level;
    # the β_L = 0 law (∝ v_j) must be rejected by the same test (its expected counts
    # differ by ~700, about 8 sd)
    rng = np.random.default_rng(5)
    vac, factor = np.array([1, 2, 3]), np.array([1.0, 1.1, 1.2])
    weight = choice_weights(factor, 4.0)
    n = 20_000
    picks = np.array([choose(np.zeros(1, dtype=np.int64), np.zeros(1), np.zeros(1),
                             np.ones(1, dtype=bool), rng.random(1), vac, weight)[0]
                      for _ in range(n)])
    counts = np.bincount(picks, minlength=3)
    law = vac * factor ** 4.0
    assert stats.chisquare(counts, n * law / law.sum()).pvalue > 1e-3
    assert stats.chisquare(counts, n * vac / vac.sum()).pvalue < 1e-3
