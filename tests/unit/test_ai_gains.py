"""The AI gains a within-firm experiment measures, against closed forms and derivations.

`ai_gain_same_access` and its quintile versions (abm.collect.ai_gains) take the same
worker with and without the tool at the common access η0+η1: gain = log y(h, a) − log
y(h, 0), a = α_z·A·(η0+η1). Expected values here are computed from those formulas by
hand, not from the code.
"""

import math

import numpy as np
import pytest

from abm import Params
from abm.collect import ai_gains, measure
from abm.model import LaborMarketModel

GAINS = ("ai_gain_same_access", "ai_gain_bottom_quintile", "ai_gain_top_quintile")
SMALL = dict(n_workers=600, n_firms=12, n_tasks=6, burn_in=3)

# the hand-built economy: 100 workers, tasks 0-2 codifiable (0 and 1 augmentable), 3-4 social
PHI = 1.5
ALPHA = np.array([0.6, 0.9, 0.6, 0.0, 0.0])
A = 0.5
TASK0_H = [7.0, 2.0, 10.0, 1.0, 5.0, 9.0, 3.0, 8.0, 4.0, 6.0]   # worker order, shuffled
TASK1_H = [5.0, 2.0, 7.0]


def hand_built(**changes: object) -> LaborMarketModel:
    """A tiny economy whose treated workers and AI input are set by hand.

    Treated: 10 employed on task 0 (h = 1..10) and 3 on task 1 (h = 2, 5, 7). Not
    treated: an unemployed worker on task 0 with the lowest h of all (0.1: would be the
    bottom quintile if the unemployed counted), employed workers on task 2 (codifiable,
    not yet augmentable) and on the social tasks 3-4.
    """
    p = Params(n_workers=100, n_firms=2, n_tasks=5, codifiable_share=0.6, eta0=0.5,
               eta1=0.5, **changes)
    model = LaborMarketModel(p, seed=0, agents=False)
    eco = model.economy
    w, t = eco.workers, eco.tasks
    assert list(t.codifiable) == [True, True, True, False, False]
    task = np.repeat([2, 3, 4], [30, 30, 40])
    h = np.linspace(0.5, 3.0, 100)
    task[:10], h[:10] = 0, TASK0_H
    task[10:13], h[10:13] = 1, TASK1_H
    task[13], h[13] = 0, 0.1
    employer = np.where(np.arange(100) % 2 == 0, 0, 1)
    employer[13] = -1
    w.task[:], w.human_capital[:], w.employer[:] = task, h, employer
    t.skill_intensity[:] = [PHI, PHI, PHI, 1.0, 1.0]
    t.ai_weight[:] = ALPHA
    t.augmentable[:] = [True, True, False, False, False]
    eco.ai_capability = A
    return model


def additive_gain(h: float, alpha: float) -> float:
    """log((hφ + α·A·(η0+η1))/(hφ)): y = hφ + a with and without a."""
    return math.log((h * PHI + alpha * A * 1.0) / (h * PHI))


def test_additive_gains_match_the_closed_form():
    model = hand_built()
    g0 = sorted(additive_gain(h, ALPHA[0]) for h in TASK0_H)        # descending in h
    g1 = sorted(additive_gain(h, ALPHA[1]) for h in TASK1_H)
    # mean over the two treated tasks of each task's mean; quintiles: the ⌈10/5⌉ = 2
    # lowest / highest h on task 0, ⌈3/5⌉ = 1 on task 1 (gain falls in h, so the
    # bottom quintile holds the largest gains)
    expected = ((sum(g0) / 10 + sum(g1) / 3) / 2,
                (sum(g0[-2:]) / 2 + g1[-1]) / 2,
                (sum(g0[:2]) / 2 + g1[0]) / 2)
    assert ai_gains(model) == pytest.approx(expected, rel=1e-12)
    metrics = measure(model)
    assert tuple(metrics[c] for c in GAINS) == pytest.approx(expected, rel=1e-12)


def test_skill_neutral_gains_are_the_same_for_every_worker_of_a_task():
    # homogenization off: y = hφ·(1 + a/m_z), m_z the mean hφ of all workers on task z
    # (the unemployed included), so log y(a) − log y(0) = log(1 + a/m_z) whatever h is:
    # every worker of a task gains alike and the quintiles gain what the mean does
    model = hand_built(homogenization=False)
    m0 = PHI * (sum(TASK0_H) + 0.1) / 11
    m1 = PHI * sum(TASK1_H) / 3
    g = (math.log1p(ALPHA[0] * A / m0) + math.log1p(ALPHA[1] * A / m1)) / 2
    assert ai_gains(model) == pytest.approx((g, g, g), rel=1e-12)


def test_gains_are_nan_when_nobody_is_treated():
    model = hand_built()
    model.economy.tasks.augmentable[:] = False       # no task in S(A_t): no treated group
    assert all(math.isnan(v) for v in ai_gains(model))
    model = hand_built()
    model.economy.workers.employer[:13] = -1          # treated tasks, nobody employed there
    assert all(math.isnan(v) for v in ai_gains(model))


def test_gains_are_nan_in_period_0_and_without_ai_and_defined_with_ai():
    model = LaborMarketModel(Params(**SMALL), seed=4, agents=False)
    assert all(math.isnan(model.metrics[c]) for c in GAINS)          # period 0: pre-AI
    model.step()
    assert model.economy.tasks.augmentable.any()
    assert all(model.metrics[c] > 0 for c in GAINS)                  # both sides of the rule
    off = LaborMarketModel(Params(**SMALL, ai_enabled=False), seed=4, agents=False)
    for _ in range(3):
        off.step()
        assert all(math.isnan(off.metrics[c]) for c in GAINS)


def run_gains(**changes: object) -> list[tuple[float, float, float]]:
    """(mean, bottom, top) in periods 1-4 of a small economy."""
    model = LaborMarketModel(Params(**SMALL, **changes), seed=2, agents=False)
    out = []
    for _ in range(4):
        model.step()
        out.append(tuple(model.metrics[c] for c in GAINS))
    return out


@pytest.mark.parametrize("changes", [{}, {"augmentation": "ces", "rho": 0.5},
                                     {"augmentation": "multiplicative",
                                      "mult_elasticity": 0.5}],
                         ids=["additive", "ces_rho_0.5", "multiplicative_mu_0.5"])
def test_the_bottom_quintile_gains_more_when_ai_homogenizes(changes):
    # The gain is strictly decreasing in x = hφ when AI homogenizes, so within a task
    # every bottom-quintile worker gains more than every top-quintile one (no seed noise):
    # additive: log(1 + a/x); CES: d gain/d log x = e(T0 + a) − e(T0) with the elasticity
    # e(T) = x^ρ/(x^ρ + T^ρ) falling in T for ρ > 0; x + a·x^μ: d gain/d log x =
    # (x + μ·a·x^μ)/(x + a·x^μ) − 1 < 0 for μ < 1.
    for mean, bottom, top in run_gains(**changes):
        assert bottom > mean > top


@pytest.mark.parametrize("changes", [{"augmentation": "ces", "rho": -1.0},
                                     {"augmentation": "multiplicative",
                                      "mult_elasticity": 1.5}],
                         ids=["ces_rho_-1", "multiplicative_mu_1.5"])
def test_the_top_quintile_gains_more_when_ai_complements_skill(changes):
    # the other side of the same derivation: ρ < 0 (e(T) rises in T) or μ > 1
    for mean, bottom, top in run_gains(**changes):
        assert top > mean > bottom


def test_skill_neutral_ai_gives_every_quintile_the_same_gain():
    # homogenization off: gain log(1 + a/m_z) is the same for every worker of a task, so
    # the task means of both quintiles equal the task mean; the three averages over the
    # same tasks differ by summation rounding only
    for mean, bottom, top in run_gains(homogenization=False):
        assert bottom == pytest.approx(mean, rel=1e-12)
        assert top == pytest.approx(mean, rel=1e-12)
