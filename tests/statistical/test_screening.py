"""Proposition 4 from the employer's problem: the mechanism on one controlled task.

Education levels are fixed, output is y = y0 + a (a: the additive AI floor) and samples
are seen with proportional or constant noise; the employers' belief
(`screening.project`), the applicants' predictions and the cutoff
(`screening.posted_requirement`) are the model's own. docs/MODEL.md §3.3.2 derives that
the cutoff rises with a iff AI lowers the prediction spread σ_c = b_s·sd(s | c) of the
marginal credential level, and that with proportional noise (noise-dominated samples)
this holds iff I_c = 2·m_c·E[m]/E[m²] > 1, m_e the mean sample level of credential e and
E the mean over incumbents; with constant noise σ_c, and the cutoff, do not move.
The index is computed from the levels' means (the derivation), not from the cutoffs.
"""

import numpy as np
import pytest

from abm.fused import screening as fcut
from abm.steps import screening

LEVELS = 5
# close levels: I_e in [1.8, 2.2] for every level, so AI lowers every level's spread
CLOSE = dict(means=[1.0, 1.05, 1.1, 1.15, 1.2], probs=[0.2] * 5)
# four low levels and a far higher top level: I_e < 0.45 below the top
LOW_MARGINAL = dict(means=[0.30, 0.32, 0.34, 0.36, 3.0], probs=[0.225] * 4 + [0.1])


def index(means: list[float], probs: list[float]) -> np.ndarray:
    """I_e = 2·m_e·E[m]/E[m²] (the derivation's threshold, from the levels' means)."""
    m, p = np.asarray(means), np.asarray(probs)
    return 2 * m * (p @ m) / (p @ m ** 2)


def cutoff_change(means: list[float], probs: list[float], form: str, cost: float,
                  seed: int = 0, floor: float = 0.1, n: int = 400_000) -> float:
    """c(a = floor) − c(a = 0) on one task; the same workers and noise draws in both."""
    rng = np.random.default_rng(seed)
    e = rng.choice(LEVELS, n, p=probs)
    y0 = np.asarray(means)[e] * np.exp(0.25 * rng.standard_normal(n))
    eps = rng.standard_normal(n)
    incumbent = rng.random(n) >= 0.15
    task = np.zeros(n, dtype=np.int64)
    out = []
    for a in (0.0, floor):
        y = y0 + a
        s = y * (1 + 0.3 * eps) if form == "proportional" else y + 0.3 * eps
        coef = screening.project(y[incumbent], s[incumbent], e[incumbent].astype(float),
                                 task[incumbent], 1)
        score = coef[0, 0] + coef[0, 1] * s + coef[0, 2] * e
        count, mean, sd = fcut.applicant_moments(task, e.astype(np.int8), incumbent, score,
                                                 LEVELS, 1)
        vacancies = np.array([(n - incumbent.sum()) // 3])
        out.append(screening.posted_requirement(count, mean, sd, vacancies,
                                                np.array([cost]), LEVELS - 1)[0])
    return float(out[1] - out[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_proportional_noise_raises_the_cutoff_when_the_marginal_level_is_close(seed):
    assert np.all(index(**CLOSE) > 1)
    # measured +0.151, +0.158, +0.148 (seeds 0-2; seed SE 0.003): a rise of at least
    # 0.05 is over 15 SE above zero and a third of the effect
    assert cutoff_change(**CLOSE, form="proportional", cost=0.04, seed=seed) > 0.05


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_proportional_noise_lowers_the_cutoff_when_the_marginal_level_is_far_below(seed):
    assert np.all(index(**LOW_MARGINAL)[:-1] < 1)
    # measured −0.221, −0.242, −0.245 (seeds 0-2; seed SE 0.008): a fall of at least
    # 0.05 is 6 SE below zero and under a quarter of the effect
    assert cutoff_change(**LOW_MARGINAL, form="proportional", cost=0.005, seed=seed) < -0.05


@pytest.mark.parametrize("spec", [CLOSE, LOW_MARGINAL], ids=["close", "low_marginal"])
def test_constant_noise_leaves_the_cutoff_where_it_was(spec):
    # exact in the derivation: every prediction moves by a, and so does the standard y*;
    # what is left is rounding in the OLS, amplified where a level's net gain G − k is
    # near 0 (measured at most 4e-9), five orders below the proportional-noise effects
    for cost in (0.005, 0.03):
        assert cutoff_change(**spec, form="constant", cost=cost) == pytest.approx(0, abs=1e-6)
