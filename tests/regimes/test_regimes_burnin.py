"""The burn-in's re-choices in the mean field: one round of chances, a held allocation's
prices, and the first round against the simulation.

Oracles: closed forms for one round with linear incomes and for CES prices when only
the number of workers on a group changes; the simulation for the first round.
"""

import math

import numpy as np
import pytest

from abm import Params
from abm.model import LaborMarketModel
from analysis.regimes import boundary, predict
from analysis.regimes_inputs import set_axis
from analysis.regimes.burnin import burn_in_allocation
from analysis.regimes.meanfield import solve_state
from analysis.regimes.occupations import Allocation, stationary, uniform
from analysis.regimes.population import Resolution, task_groups
from analysis.regimes_inputs import UnsupportedEconomy

DRAW = np.array([1.0, 0.0])      # two groups: group 0 the codifiable candidate, 1 social
SOCIAL = np.array([0.0, 1.0])
CHOICE = {"matching": "random", "occupations": True}    # the default's bound, tasks chosen


def test_one_round_moves_the_share_that_has_a_chance():
    """V_0 = z, V_1 = 0, switch cost c: from group 1 a worker moves where z − c > 0, from
    group 0 where −c > z; in one round only the share r with a chance moves, so starting
    from 0.5 : 0.5 the group-0 weight is 0.5(1 − r) below −c, 0.5 between, 0.5(1 + r)
    above c (closed form); many rounds are the limit of `stationary`."""
    c, r = 0.5, 0.3

    def values(z):
        z = np.asarray(z, dtype=float)
        return np.column_stack([z, np.zeros(z.size)])

    start = uniform(np.array([0.5, 0.5]))
    one = stationary(start, values, c, DRAW, SOCIAL, share=r)
    # (z = 0, where V_0 = V_1, is a root too, but nobody's choice changes there)
    assert np.allclose(one.cuts, [-c, c], atol=1e-12)
    assert np.allclose(one.weights[0], [0.5 * (1 - r), 0.5, 0.5 * (1 + r)], atol=1e-15)
    assert np.allclose(one.weights.sum(axis=0), 1.0, atol=1e-15)
    again = one
    for _ in range(60):          # (1 − r)^60 = 5e-10 of the movers have had no chance
        again = stationary(again, values, c, DRAW, SOCIAL, share=r)
    limit = stationary(start, values, c, DRAW, SOCIAL)
    assert np.allclose(again.shares(), limit.shares(), atol=1e-9)
    # share 0: nobody has a chance
    assert np.allclose(stationary(start, values, c, DRAW, SOCIAL, share=0.0).weights[0], 0.5)


def test_a_held_allocation_prices_the_tasks_by_their_workers():
    """With the same ability mix on both groups and no return to schooling (everyone at
    e = 0), moving workers from social to codifiable tasks changes only the number of
    workers: task output Y_g scales with the group's share and the CES prices
    p_g = β(Y/Y_g)^(1/σ) make p_C/p_S scale by (s_C/s_S)^(−1/σ) (closed form)."""
    p = Params(edu_return=0.0)
    groups = task_groups(p, 0.0)
    # every wage point kept (n_points): merging them to a few hundred sorts points equal
    # to rounding, and a tie broken the other way moves the Gini by ~2e-9
    res = Resolution(n_theta=60, n_firms=40, n_points=10**6)
    base = solve_state(p, 0.0, groups=groups, matching="random", resolution=res)
    moved = solve_state(p, 0.0, groups=groups, matching="random", resolution=res,
                        origin=Allocation(np.empty(0), np.array([[0.6], [0.4]])))
    names = [g.name for g in groups]
    assert moved.allocation.shares() == pytest.approx([0.6, 0.4], abs=1e-15)
    ratio = moved.prices[names[0]] / moved.prices[names[1]]
    ratio0 = base.prices[names[0]] / base.prices[names[1]]
    assert ratio / ratio0 == pytest.approx((0.6 / 0.4) ** (-1.0 / p.sigma), rel=1e-6)
    # the equal allocation given explicitly is the state without one (the within-group
    # quantiles then come from `Density` instead of the normal: equal to rounding)
    same = solve_state(p, 0.0, groups=groups, matching="random", resolution=res,
                       origin=uniform(np.array([0.5, 0.5])))
    assert same.gini == pytest.approx(base.gini, abs=1e-12)     # rounding (5.6e-17 measured)


def test_the_first_burn_in_round_moves_as_many_as_in_the_simulation():
    """burn_in = 1: the simulation prices the equal allocation in period −1 and lets half
    of the workers re-choose in period 0 (`retooling_share`). Share on the codifiable
    tasks after it, mean field against seeds 1-4 at 5,000 workers: the simulated mean is
    0.527 with seed SE 0.005 (measured), so 3 SE = 0.016 is the tolerance; the mean
    field must also lie above the equal allocation by at least half the simulated move.
    Without the burn-in (burn_in = 0) nothing is re-chosen: the equal allocation."""
    p = Params(n_workers=5000, burn_in=1)
    sim = []
    for seed in (1, 2, 3, 4):
        m = LaborMarketModel(p, seed=seed, agents=False)
        sim.append(float(np.mean(m.economy.tasks.codifiable[m.economy.workers.task])))
    groups = task_groups(p, 1.0)
    analytic = float(burn_in_allocation(p, groups, "random", Resolution()).shares()[0])
    assert abs(analytic - np.mean(sim)) < 0.016, (sim, analytic)
    assert analytic - 0.5 > 0.5 * (np.mean(sim) - 0.5) > 0.0
    none = burn_in_allocation(p.replace(burn_in=0), groups, "random", Resolution())
    assert none.shares() == pytest.approx([0.5, 0.5], abs=1e-15)


def test_burn_in_start_keeps_the_early_movers_and_needs_occupational_choice():
    """The band keeps the able workers who moved at the equal allocation's prices, so the
    pre-AI share on the codifiable tasks is above the one reached from equal numbers;
    without occupational choice the option changes nothing."""
    p = Params(eta0=0.94, eta1=0.06)
    plain, burnt = predict(p, **CHOICE), predict(p, **CHOICE, burn_in=True)
    assert burnt.before.allocation.shares()[0] > plain.before.allocation.shares()[0] + 0.01
    assert math.isfinite(burnt.dgini) and burnt.before.converged and burnt.after.converged
    held = predict(p, matching="random")
    assert predict(p, matching="random", burn_in=True).dgini == held.dgini


def test_the_boundary_follows_the_burn_in_option():
    """`boundary(..., burn_in=True)` is where `predict(..., burn_in=True)` changes sign
    (the definition of the root, checked on both sides at twice the tolerance)."""
    b = boundary(Params(), along="proprietary_share", bounds=(0.0, 0.3), n_scan=3,
                 xtol=1e-3, **CHOICE, burn_in=True)
    assert b.value is not None

    def dgini(x):
        return predict(set_axis(Params(), "proprietary_share", x), **CHOICE,
                       burn_in=True).dgini

    assert dgini(b.value - 2e-3) < 0.0 < dgini(b.value + 2e-3)
    plain = boundary(Params(), along="proprietary_share", bounds=(0.0, 0.3), n_scan=3,
                     xtol=1e-3, **CHOICE)
    assert abs(plain.value - b.value) > 0.01      # the option reaches the predictions


def test_a_burn_in_comparing_every_task_is_refused_in_one_line():
    """Not represented (the mean field's chances are a sampled task of each type): one
    line naming the parameter and the allowed value, before any state is solved."""
    every = Params(burn_in_search="every")
    with pytest.raises(UnsupportedEconomy, match="burn_in_search='every'.*allowed value "
                                                 "'sampled'"):
        predict(every, matching="random", occupations=True, burn_in=True)
