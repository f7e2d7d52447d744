"""The mean field with industries (`industry_concentration` > 0).

Every task is then its own group with its industry band, firm bins are split by
industry, and each bin's jobs follow the simulation's split of a task's jobs
(`analysis.regimes.industries`). Oracles: the closed form of that split; one industry,
which is the economy without industries exactly; and tasks that are all alike, where
industries only relabel firms and must change nothing but quadrature.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params
from abm.steps.industries import cell_shares, weights
from analysis.regimes.industries import jobs
from analysis.regimes.prediction import WITH_CHOICE, predict
from analysis.regimes.meanfield import solve_state
from analysis.regimes.population import (Resolution, base_bins, firm_bins, sample_bins,
                                         task_groups)
from analysis.regimes.quadrature import between_share


def test_every_task_is_its_own_group_with_its_band():
    # 8 tasks, 4 codifiable, 2 industries: bands ⌊k·2/4⌋ = 0, 0, 1, 1 within each type
    p = Params(n_tasks=8, codifiable_share=0.5, n_industries=2, industry_concentration=0.5)
    groups = task_groups(p, 0.0)
    assert [g.band for g in groups] == [0, 0, 1, 1, 0, 0, 1, 1]
    assert [g.skill_return for g in groups] == [1.0] * 8       # s_λ = 0: λ = 1 exactly
    # without industries: the two groups of unexposed codifiable and social tasks, no band
    assert [g.band for g in task_groups(p.replace(industry_concentration=0.0), 0.0)] == [-1] * 2


def test_jobs_split_as_the_simulation_splits_them():
    """Per group, each firm bin's share of the task's jobs is `cell_shares` of the
    simulation's weights (the same firms, in the same order); the bin's jobs are their
    sum weighted by the groups' shares, and the mix by group follows. Both sides call
    the same `cell_shares` and `band_weights`: what this checks is the mapping of the
    realised firms to bins, industries and bands, not the split itself."""
    p = Params(n_tasks=6, codifiable_share=0.5, n_firms=6, n_industries=3,
               industry_concentration=0.7)
    assets = np.array([3.0, 0.5, 1.0, 2.0, 0.7, 1.5])      # firm j in industry j mod 3
    firms = firm_bins(p, sample_bins(p, assets))
    groups = task_groups(p, 0.0)
    share = np.array([0.1, 0.2, 0.15, 0.25, 0.2, 0.1])
    jb = jobs(p, firms, groups, share)
    k = assets / assets.mean()
    codifiable = np.array([True] * 3 + [False] * 3)
    expected = cell_shares(k ** p.size_elasticity, weights(p, 6, codifiable))
    order = np.argsort(assets)                              # the bins' order: by assets
    np.testing.assert_allclose(jb.task, expected[order], rtol=1e-14)
    np.testing.assert_allclose(jb.emp, expected[order] @ share, rtol=1e-14)
    np.testing.assert_allclose(jb.mix, expected[order] * share / jb.emp[:, None], rtol=1e-14)
    # at c_G = 1 a firm holds only its band's jobs
    jb1 = jobs(p.replace(industry_concentration=1.0), firms, groups, share)
    band = np.array([g.band for g in groups])
    assert np.all(jb1.task[firms.industry[:, None] != band[None, :]] == 0.0)


def test_quantile_bins_give_each_industry_its_firms():
    """J/G firms per industry: the quantiles of 20 firms, each bin once per industry."""
    p = Params(n_firms=100, n_industries=5, industry_concentration=0.5)
    with_ind = base_bins(p, 400)
    without = base_bins(p.replace(industry_concentration=0.0), 20)
    assert with_ind.p_emp.size == 5 * without.p_emp.size
    np.testing.assert_array_equal(with_ind.k_unw, np.repeat(without.k_unw, 5))
    np.testing.assert_allclose(with_ind.p_unw, np.repeat(without.p_unw / 5, 5), rtol=1e-15)
    np.testing.assert_array_equal(with_ind.industry, np.tile(np.arange(5), without.k_unw.size))


@pytest.mark.parametrize("matching", ["assortative", "random", "assortative_equalised"])
def test_one_industry_is_the_economy_without_industries(matching):
    """G = 1: a_gz = 1 for every task whatever c_G, so the state is the one without
    industries given the same groups. The two paths differ by rounding (the jobs are
    normalised sums), which moves the solver's path: both are solved to a relative
    change of 1e-12 so that they agree to 1e-10. The persons' distribution is merged to
    50,000 points rather than 600: the merge cuts sorted points into groups at
    cumulative masses, and a rounding-level change of one wage moves it across a cut, a
    first-order change of the merged Gini that shrinks with the groups (random matching,
    where many wages nearly tie, on a numpy with AVX-512 exp and log: up to 2.4e-8
    between the two paths at 600 points, 2e-10 at 5,000, 8e-11 at 20,000, 4e-12 at
    50,000 and 8e-12 unmerged). With premia equalised in pools the weights take three
    Newton steps an iteration and pools are discrete, so the paths agree only to the
    equalisation's accuracy: 1.1e-8 measured at either tolerance, asserted at 5e-8 (the
    documented accuracy of a Gini is 5e-5, `Resolution`)."""
    p = Params(n_tasks=6, codifiable_share=0.5, skill_return_spread=0.4)
    one_p = p.replace(industry_concentration=0.8, n_industries=1)
    a = 1.0
    groups = task_groups(one_p, a)                 # every task in band 0
    assert base_bins(one_p, 400).industry is not None     # the industries' path is taken
    equalised = matching == "assortative_equalised"
    res = Resolution(n_theta=60, tol=1e-9 if equalised else 1e-12,
                     n_points=600 if equalised else 50_000)
    tol = 5e-8 if equalised else 1e-10
    plain = solve_state(p, a, groups=groups, matching=matching, resolution=res)
    one = solve_state(one_p, a, groups=groups, matching=matching, resolution=res)
    assert one.gini == pytest.approx(plain.gini, abs=tol)
    assert one.prices == pytest.approx(plain.prices, rel=tol)
    assert one.labor_share == pytest.approx(plain.labor_share, abs=tol)


@pytest.mark.parametrize("matching", ["assortative", "random", "assortative_equalised"])
def test_industries_change_nothing_where_tasks_of_a_type_are_alike(matching):
    """Before AI with s_λ = 0 every task of a type is alike, and every industry's band
    holds as many codifiable as social tasks (2 and 2 of 20 with G = 5): industries
    only relabel firms. The state must equal the one without industries on the same
    asset quantiles (20: J/G firms per industry). What differs is quadrature alone: each
    firm bin is five, so the owners' income distribution (merged to `n_capital` points)
    and the cells' job edges differ. 2e-5 is below the documented accuracy of a Gini
    (5e-5, `Resolution`); with every point kept the gap was 6e-7 under PAM."""
    p = Params(industry_concentration=0.8, n_industries=5)
    groups = task_groups(p, 0.0)
    res = Resolution(n_theta=100)
    plain = solve_state(p.replace(industry_concentration=0.0), 0.0, groups=groups,
                        matching=matching, resolution=Resolution(n_theta=100, n_firms=20))
    ind = solve_state(p, 0.0, groups=groups, matching=matching, resolution=res)
    assert ind.gini == pytest.approx(plain.gini, abs=2e-5)
    assert ind.mean_wage == pytest.approx(plain.mean_wage, rel=1e-5)
    assert ind.converged and plain.converged


def test_between_share_is_the_variance_of_unit_means():
    # two units: {1, 3} with weights {1, 1} and {10} with weight 2; grand mean
    # (1 + 3 + 20)/4 = 6, total variance (25 + 9 + 2·16)/4 = 16.5, unit means 2 and 10:
    # between (2·16 + 2·16)/4 = 16, share 16/16.5
    share = between_share(np.array([1.0, 3.0, 10.0]), np.array([1.0, 1.0, 2.0]),
                          np.array([0, 0, 1]))
    assert share == pytest.approx(16.0 / 16.5, rel=1e-15)


def test_the_between_firm_share_needs_sorting_or_premia():
    """Random matching at ξ = 0 without productivity shocks gives every firm bin the
    same workers at the same pay: no variance between firms (to rounding). Assortative
    matching gives each of the 100 firm bins a 1% slice of every task's ability
    ranking, so most of the variance of log wages (ability) lies between firms."""
    p = Params(xi=0.0, firm_shock_sd=0.0, n_tasks=6, codifiable_share=0.5)
    res = Resolution(n_theta=60)
    rand = solve_state(p, 0.0, matching="random", resolution=res)
    pam = solve_state(p, 0.0, matching="assortative", resolution=res)
    assert rand.between_firm_wage_share == pytest.approx(0.0, abs=1e-12)
    assert pam.between_firm_wage_share > 0.5


def test_with_occupational_choice_commodity_ai_clears_every_task():
    """Industries (c_G = 0.9, 20 groups), commodity AI, tasks chosen from the burn-in:
    at the pre-AI labour prices the first chances under AI empty tasks (implied log
    prices 340 away), and Newton from there left the AI state with all its workers on
    three tasks (a division by an empty task's workers). Started from AI's prices with
    the workers held, the state clears: it converges with every task staffed (each
    task of 20 holds 0.037 or more of the persons, measured), and ΔGini is finite."""
    p = Params(industry_concentration=0.9, eta0=1.0, eta1=0.0)      # commodity AI
    pred = predict(p, **WITH_CHOICE)
    assert pred.after.converged and np.isfinite(pred.dgini)
    assert pred.after.allocation.shares().min() > 0.01
