"""The mean field with returns to skill that differ by task (`skill_return_spread` ≠ 0).

Every task is then its own group with its λ_k (`population.task_groups`). Oracles: the
closed form of λ_k; the grouped mean field, which identical tasks split into groups of
one must reproduce; a chain of chances that must conserve workers; and the simulation
where the mean field's assumptions hold exactly.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from abm import Params
from abm.model import LaborMarketModel
from abm.simulate import simulate
from abm.steps.ai_path import capability
from analysis.regimes import predict
from analysis.regimes.meanfield import solve_state
from analysis.regimes.occupations import Allocation, stationary, uniform
from analysis.regimes.population import Resolution, task_groups


def test_every_task_is_its_own_group_with_its_return_to_skill():
    # λ_k = 1 + s·(2k/(n − 1) − 1) within each type (docs/MODEL.md §3.5): with 6 tasks,
    # 3 codifiable, s = 0.5: 0.5, 1, 1.5 on each type
    p = Params(n_tasks=6, codifiable_share=0.5, skill_return_spread=0.5)
    a = capability(p.n_periods, p.ai_max, p.ai_growth)
    groups = task_groups(p, a)
    assert [g.count for g in groups] == [1] * 6
    assert [g.skill_return for g in groups] == pytest.approx([0.5, 1.0, 1.5] * 2, abs=1e-15)
    assert [g.codifiable for g in groups] == [True] * 3 + [False] * 3
    assert len({g.name for g in groups}) == 6
    # the exposed tasks are the first codifiable ones, as in the grouped mean field
    grouped = task_groups(p.replace(skill_return_spread=0.0), a)
    n_in = sum(g.count for g in grouped if g.exposed)
    assert [g.exposed for g in groups] == [True] * n_in + [False] * (6 - n_in)
    # h^λ·φ of each task's human input: the closed form
    h = np.array([0.5, 2.0])
    for g in groups:
        assert g.human_input(h) == pytest.approx(h ** g.skill_return * g.phi, rel=1e-15)


def split(groups):
    """Each group of n identical tasks as n groups of one task."""
    return [dataclasses.replace(g, name=f"{g.name}_{i}", count=1)
            for g in groups for i in range(g.count)]


def test_identical_tasks_as_groups_of_one_give_the_grouped_state():
    """Splitting identical tasks changes nothing the mean field reports: with tasks held,
    and with occupational choice before AI (a retooling worker is offered one task of
    each type; whether it is a group of two or one of two identical groups does not
    change what she compares)."""
    p = Params(n_tasks=4)
    res = Resolution(n_theta=60, n_firms=40)
    for occupations in (False, True):
        one = solve_state(p, 0.0, matching="random", resolution=res, occupations=occupations)
        many = solve_state(p, 0.0, groups=split(task_groups(p, 0.0)), matching="random",
                           resolution=res, occupations=occupations)
        assert one.converged and many.converged
        # the wage points merged to a few hundred sort points equal to rounding, and a
        # tie broken the other way moves the Gini by a few 1e-9 (4e-9 measured held,
        # 6e-12 with every point kept); with choice the split groups' Newton steps are
        # nearly singular (moving workers between identical tasks changes nothing), so
        # they stop at the solver's tolerance in 100 iterations, not 12 (4.5e-8)
        assert many.gini == pytest.approx(one.gini, abs=1e-8 if not occupations else 1e-7)
        assert many.mean_wage == pytest.approx(one.mean_wage, rel=1e-8)
        if occupations:
            shares = many.allocation.shares()
            assert shares[:2].sum() == pytest.approx(one.allocation.shares()[0], abs=1e-7)


def test_the_chain_of_chances_conserves_workers_with_draws_that_do_not_add_to_one():
    # three codifiable and three social groups, each drawn with probability 1/3: the
    # one-chance matrix's rows sum to 1 only up to rounding, and the chain's end must not
    # amplify that (each column of the allocation sums to 1, to rounding)
    s, mu, c = 0.6, -0.18, 0.1

    def values(z):
        theta = np.exp(mu + s * np.asarray(z))
        return np.column_stack([theta] * 3 + [0.5 * theta + 0.6] * 3)

    third = np.full(3, 1.0 / 3.0)
    out = stationary(uniform(np.full(6, 1.0 / 6.0)), values, c, np.r_[third, np.zeros(3)],
                     np.r_[np.zeros(3), third])
    assert np.allclose(out.weights.sum(axis=0), 1.0, atol=1e-13)
    # and the split economy is the two-group one (closed-form bands as in
    # tests/regimes/test_regimes_occupations.py: all codifiable above the band's top)
    two = stationary(uniform(np.array([0.5, 0.5])), lambda z: values(z)[:, [0, 3]], c,
                     np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert out.shares()[:3].sum() == pytest.approx(two.shares()[0], abs=1e-13)


def test_each_social_task_is_offered_with_its_share():
    """One codifiable group C (V = θ) and two social groups S1, S2 that pay 0.6 and 0.9
    whatever θ; switch cost 0.1; everyone starts on C and has one chance (share 1). The
    social candidate is S1 or S2 with probability 1/2 each (closed form, in θ): below
    θ = 0.5 both pay net of the cost, so half go to each; between 0.5 and 0.8 only S2
    does, so half move (those offered S2); above 0.8 nobody moves."""
    s, mu, c = 0.6, -0.18, 0.1

    def values(z):
        theta = np.exp(mu + s * np.asarray(z, dtype=float))
        return np.column_stack([theta, np.full(theta.size, 0.6), np.full(theta.size, 0.9)])

    start = Allocation(np.empty(0), np.array([[1.0], [0.0], [0.0]]))
    out = stationary(start, values, c, np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5]),
                     share=1.0)
    want = [(math.log(x) - mu) / s for x in (0.5, 0.8)]
    assert np.allclose(out.cuts, want, atol=1e-12)
    assert np.allclose(out.weights.T, [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [1.0, 0.0, 0.0]],
                       atol=1e-15)


# the mean field's assumptions, made exact in the simulation (as in
# tests/regimes/test_regimes_simulation.py): no screening noise, no productivity shocks,
# assets at their anchor, hiring by premium and score alone, tasks held
EXACT = {"screening": False, "firm_shock_sd": 0.0, "reinvest_rate": 0.0,
         "supply_elasticity": 1000.0, "contact_rate": 0.0, "occupational_choice": False}


def within(gaps, floor: float = 2e-4, quadrature: float = 1e-4) -> bool:
    """|mean gap| < 3 SE + the quadrature's accuracy, SE floored (four seeds estimate it
    poorly)."""
    gaps = np.asarray(gaps, dtype=float)
    se = max(float(np.std(gaps, ddof=1) / math.sqrt(gaps.size)), floor)
    return abs(float(gaps.mean())) < 3 * se + quadrature


@pytest.mark.slow
def test_the_mean_field_follows_returns_to_skill_and_industries_in_the_simulation():
    """Proprietary AI, ξ = 0.5, 5,000 workers, seeds 1-4, the mean field conditioned on
    each seed's firms (and their industries) and premia equalised within pools (the
    comparison of tests/regimes/test_regimes_simulation.py, there at s_λ = 0).

    1. Moving s_λ from 0 to 0.6 raises the pre-AI income Gini: by 0.0094 ± 0.0004 in
       the simulation (same seeds, paired), by 0.0099 in the mean field. A mean field
       that ignored λ would predict no change, 20 SE away. The mean field's change must
       lie within 3 SE of the simulated one plus 1e-4 for the quadrature (`within`); the
       simulated change must exceed 10 SE.
    2. ΔGini from AI at s_λ = 0.6 agrees the same way (measured gap 0.0002 ± 0.0001).
    3. Industries at s_λ = 0.6 (c_G = 0.8, G = 5): the pre-AI Gini's change from c_G = 0
       and ΔGini agree the same way. Measured gaps: −0.0009 ± 0.0006 and
       −0.0015 ± 0.0006 (2.5 SE; docs/REGIMES.md 'Industries' under Results).
    """
    base = Params(n_workers=5000, eta0=0.0, eta1=1.0, xi=0.5, **EXACT)
    t = base.n_periods
    points = {"flat": {"skill_return_spread": 0.0},
              "spread": {"skill_return_spread": 0.6},
              "industries": {"skill_return_spread": 0.6, "industry_concentration": 0.8}}
    sim, mf = {k: [] for k in points}, {k: [] for k in points}
    for seed in (1, 2, 3, 4):
        assets = LaborMarketModel(base, seed=seed, agents=False).economy.firms.assets.copy()
        for name, change in points.items():
            p = base.replace(**change)
            on = simulate(p, seed=seed)
            off = simulate(p.replace(ai_enabled=False), seed=seed)
            sim[name].append((off.loc[t, "gini_income"], on.loc[t, "gini_income"]))
            pr = predict(p, firm_assets=assets, matching="assortative_equalised")
            mf[name].append((pr.gini_before, pr.gini_after))
    sim = {k: np.array(v) for k, v in sim.items()}
    mf = {k: np.array(v) for k, v in mf.items()}
    level_sim = sim["spread"][:, 0] - sim["flat"][:, 0]
    assert level_sim.mean() > 10 * float(np.std(level_sim, ddof=1) / 2.0), level_sim
    for lo, hi in (("flat", "spread"), ("spread", "industries")):
        level_gap = (mf[hi][:, 0] - mf[lo][:, 0]) - (sim[hi][:, 0] - sim[lo][:, 0])
        assert within(level_gap), (lo, hi, level_gap)
    for name in ("spread", "industries"):
        dgini_gap = np.diff(sim[name], axis=1)[:, 0] - np.diff(mf[name], axis=1)[:, 0]
        assert within(dgini_gap), (name, dgini_gap)
