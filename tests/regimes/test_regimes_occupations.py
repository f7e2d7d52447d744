"""Occupational choice in the mean field: the stationary allocation of workers to tasks.

Closed forms for the building blocks (the within-group distribution, the switch points of
linear incomes, one move being stationary), the direction of the pre-AI allocation from
the CES prices, the option that turns it off, and the allocation against the simulation.
"""

import math

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from abm import Params
from abm.model import LaborMarketModel
from analysis.regimes import predict
from analysis.regimes.occupations import Allocation, Density, mean_ability, stationary, uniform
from analysis.regimes.prediction import default_matching

BASE = Params()
DRAW = np.array([1.0, 0.0])      # two groups: group 0 the codifiable candidate, 1 social
SOCIAL = np.array([0.0, 1.0])
CHOICE = {"matching": "random", "occupations": True}    # the default's bound, tasks chosen


def test_density_cdf_and_quantile_against_the_normal():
    # weight 1 everywhere is the standard normal itself
    flat = Density(np.empty(0), np.ones(1))
    z = np.array([-2.0, -0.3, 0.0, 1.7])
    assert np.allclose(flat.cdf(z), ndtr(z), atol=1e-15)
    assert np.allclose(flat.quantile(ndtr(z)), z, atol=1e-12)
    # all the mass above z = 0.5: the normal truncated there, weight 1/Φ(−0.5)
    w = 1.0 / ndtr(-0.5)
    top = Density(np.array([0.5]), np.array([0.0, w]))
    assert top.cdf(np.array([0.5]))[0] == 0.0
    assert top.cdf(np.array([1.2]))[0] == pytest.approx((ndtr(1.2) - ndtr(0.5)) * w, abs=1e-14)
    q = 0.3
    assert top.quantile(np.array([q]))[0] == pytest.approx(ndtri(ndtr(0.5) + q / w), abs=1e-12)


def test_switch_points_of_linear_incomes_are_exact():
    # V_0 = aθ, V_1 = bθ + d with b < a: group 1 pays more below θ and a move costs c.
    # From group 0 a worker moves where bθ + d − c > aθ, θ < (d − c)/(a − b); from group 1
    # where aθ − c > bθ + d, θ > (d + c)/(a − b) (closed forms; θ = e^(μ + s·z))
    s, mu = 0.6, -0.18
    a, b, d, c = 1.0, 0.5, 0.6, 0.1

    def values(z):
        theta = np.exp(mu + s * np.asarray(z))
        return np.column_stack([a * theta, b * theta + d])

    out = stationary(uniform(np.array([0.5, 0.5])), values, c, DRAW, SOCIAL)
    # (the indifference point without cost, θ = d/(a − b), is a root too, but nobody's
    # choice changes there: the allocation keeps only the two edges of the band)
    want = sorted((math.log(x / (a - b)) - mu) / s for x in (d - c, d + c))
    assert np.allclose(out.cuts, want, atol=1e-12)
    low, band, high = out.weights.T
    assert np.allclose(low, [0.0, 1.0]) and np.allclose(band, [0.5, 0.5])
    assert np.allclose(high, [1.0, 0.0])
    # from where they ended, nobody moves again
    again = stationary(out, values, c, DRAW, SOCIAL)
    assert np.allclose(again.shares(), out.shares(), atol=1e-14)
    # a switch cost above every gain (max |V_1 − V_0| over the grid) moves nobody
    still = stationary(uniform(np.array([0.5, 0.5])), values, 1e9, DRAW, SOCIAL)
    assert np.allclose(still.shares(), [0.5, 0.5], atol=1e-15)


def test_mean_ability_of_a_split_population():
    # the top half of ability holds E[θ; z > 0] = Φ(s)·E[θ] = Φ(s) (mean 1)
    s = 0.6
    alloc = Allocation(np.array([0.0]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert mean_ability(alloc, s) == pytest.approx([ndtr(-s), ndtr(s)], abs=1e-14)


def test_pre_ai_allocation_follows_the_task_prices():
    """At equal numbers per task p_g·φ_g ∝ φ_g^(1−1/σ): the able move to codifiable tasks iff σ > 1.

    CES prices p_g = β·(Y/Y_g)^(1/σ) with Y_g ∝ φ_g make a unit of ability worth
    p_g·φ_g ∝ φ_g^(1−1/σ): equal across groups at σ = 1 (nobody gains, nobody moves), higher
    on the codifiable tasks (φ_C = 1.25 > 1) at σ = 2, where the gain is proportional to
    ability, so the most able social workers move.
    """
    cd = predict(BASE.replace(sigma=1.0), **CHOICE).before.allocation
    assert cd.shares() == pytest.approx([0.5, 0.5], abs=1e-12)
    ces = predict(BASE, **CHOICE).before.allocation
    assert ces.shares()[0] > 0.5
    social = ces.weights[1]
    assert social[-1] == 0.0 and social[0] > 0.0      # the top left the social tasks


def test_without_occupational_choice_the_tasks_are_held():
    p = BASE.replace(eta0=0.94, eta1=0.06)
    held = predict(p, matching="random")            # the default: tasks held
    assert held.after.allocation is None and held.before.allocation is None
    assert not held.occupations
    same = predict(p.replace(occupational_choice=False), **CHOICE)
    assert same.dgini == held.dgini and not same.occupations
    assert predict(p, **CHOICE).occupations


def test_default_matching_follows_the_search_friction():
    assert default_matching(BASE) == "random"                       # β_L = 4, c = 0.5
    assert default_matching(BASE.replace(contact_rate=0.0)) == "random"
    assert default_matching(BASE.replace(supply_elasticity=1000.0)) == "random"
    assert default_matching(BASE.replace(supply_elasticity=1000.0, contact_rate=0.0)) == \
        "assortative_equalised"
    assert predict(BASE).matching == "assortative"                  # the fast default
    assert predict(BASE, matching=None).matching == "random"


def test_commodity_ai_draws_workers_to_the_exposed_tasks_as_in_the_simulation():
    """Share of workers on codifiable tasks at T = 30, mean field against simulation.

    Near commodity AI (proprietary share 0.06) the fringe's AI is in every worker's
    outside option, so the least able move to the exposed tasks; under proprietary AI it
    is not and the allocation barely moves. Tolerance 0.03: 3 seed SEs of the simulated
    share (0.003 at 5,000 workers, seeds 1-3) plus 0.016, the simulation's pre-AI share on
    codifiable tasks above the mean field's (0.520 against 0.504, measured).
    """
    for share, moved in ((0.06, True), (1.0, False)):
        p = Params(n_workers=5000, eta0=1.0 - share, eta1=share)
        sim = []
        for seed in (1, 2, 3):
            m = LaborMarketModel(p, seed=seed, agents=False)
            while m.economy.period < p.n_periods:
                m.step()
            w, t = m.economy.workers, m.economy.tasks
            sim.append(float(np.mean(t.codifiable[w.task])))
        analytic = float(predict(p, **CHOICE).after.allocation.shares()[0])
        assert abs(np.mean(sim) - analytic) < 0.03, (sim, analytic)
        assert (analytic > 0.6) == moved and (np.mean(sim) > 0.6) == moved


def test_two_identical_groups_share_the_movers_by_their_draws():
    """Movers to either of two identical codifiable groups split as the candidates are drawn.

    Social workers (group 2) gain from a codifiable task above θ = d/(a − b) + c; groups 0
    and 1 are the same, drawn with probabilities 0.8 and 0.2, so the movers above that
    point land on them 0.8 : 0.2 whatever the rounding of their equal values.
    """
    s, mu, a, b, d, c = 0.6, -0.18, 1.0, 0.5, 0.6, 0.1

    def values(z):
        theta = np.exp(mu + s * np.asarray(z))
        return np.column_stack([a * theta, a * theta, b * theta + d])

    start = uniform(np.array([0.4, 0.1, 0.5]))
    out = stationary(start, values, c, np.array([0.8, 0.2, 0.0]),
                     np.array([0.0, 0.0, 1.0]))
    top = out.weights[:, -1]
    assert top == pytest.approx([0.4 + 0.8 * 0.5, 0.1 + 0.2 * 0.5, 0.0], abs=1e-14)
