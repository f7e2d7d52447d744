"""Workers within pooled premia (`analysis.regimes.pools`): closed forms and limits.

The allocation pieces are checked against hand-computed mixtures and a closed-form
least-squares weight; the predictions against the limits they must reach (one firm bin
per pool is PAM) and the bounds they must keep (between sorting and no sorting).
"""

import numpy as np
import pytest

from abm import Params
from analysis.regimes import boundary, predict
from analysis.regimes.population import Cells, base_bins, firm_bins
from analysis.regimes.pools import equalise, mix_cells, pool_cells, technology_classes

ASSORTATIVE = ("assortative", "assortative_pooled", "assortative_equalised")


def cells_of_three_firms() -> tuple[Cells, np.ndarray]:
    """Five worker cells sorted by productivity: one unemployed, then PAM over 3 bins.

    Bin 0 holds cells 1-2 (mass 0.3), bin 1 cell 3 (0.2), bin 2 cell 4 (0.4), so the
    employment shares are 0.3/0.9, 0.2/0.9 and 0.4/0.9.
    """
    c = Cells(mass=np.array([0.1, 0.1, 0.2, 0.2, 0.4]),
              h_phi=np.array([0.5, 1.0, 2.0, 4.0, 8.0]),
              education=np.zeros(5), employed=np.array([False, True, True, True, True]),
              firm=np.array([-1, 0, 0, 1, 2]))
    return c, np.array([0.3, 0.2, 0.4]) / 0.9


def firm_stats(c: Cells, n: int) -> tuple[np.ndarray, np.ndarray]:
    e = c.employed
    mass = np.bincount(c.firm[e], weights=c.mass[e], minlength=n)
    return mass, np.bincount(c.firm[e], weights=c.mass[e] * c.h_phi[e], minlength=n) / mass


def test_a_pool_gives_each_of_its_firms_the_same_mixture():
    c, emp = cells_of_three_firms()
    out = pool_cells(c, np.array([0, 0, 1]), emp)      # bins 0 and 1 pool, bin 2 alone
    mass, mean = firm_stats(out, 3)
    # every bin keeps its employment
    assert mass == pytest.approx([0.3, 0.2, 0.4], abs=1e-15)
    # by hand: the pool holds 0.1·1 + 0.2·2 + 0.2·4 = 1.3 of h over mass 0.5
    assert mean[0] == pytest.approx(2.6, abs=1e-14)
    assert mean[1] == pytest.approx(2.6, abs=1e-14)
    assert mean[2] == 8.0                              # a pool of one is untouched
    # the unemployed stay unemployed, and no mass is lost
    assert out.mass[~out.employed].sum() == 0.1
    assert out.mass.sum() == pytest.approx(c.mass.sum(), abs=1e-15)


def test_every_bin_its_own_pool_keeps_the_sorted_allocation():
    c, emp = cells_of_three_firms()
    assert pool_cells(c, np.arange(3), emp) is c
    assert mix_cells(c, c, np.full(3, 0.3)) is c


def test_a_mixture_of_allocations_mixes_team_means():
    c, emp = cells_of_three_firms()
    mixed = pool_cells(c, np.array([0, 0, 0]), emp)    # one pool: mean 4.5/0.9 = 5
    w = np.array([0.25, 0.5, 1.0])
    mass, mean = firm_stats(mix_cells(c, mixed, w), 3)
    assert mass == pytest.approx([0.3, 0.2, 0.4], abs=1e-15)
    # bin 0 sorted mean (0.1 + 0.4)/0.3 = 5/3, bin 1: 4, bin 2: 8; pooled: 5 everywhere
    assert mean == pytest.approx([0.25 * 5 / 3 + 0.75 * 5, 0.5 * 4 + 0.5 * 5, 8.0],
                                 abs=1e-13)


def test_equalising_weight_is_the_least_squares_weight_for_linear_premia():
    # π_j(w) = a_j + b_j·w with weights v_j: the within-pool variance is minimised at
    # w* = −Cov_v(a, b)/Var_v(b), clipped to [0, 1]
    a = np.array([0.50, 0.40, 0.30, 0.60, 0.80, 0.9, 0.1, 0.2])
    b = np.array([-0.20, 0.00, 0.30, 0.10, -0.10, 0.5, -0.1, 0.3])
    v = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0])
    pools = np.array([0, 0, 0, 1, 1, 2, 3, 3])

    def premium_at(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return a + b * w, v

    def closed_form(idx: np.ndarray) -> float:
        aa, bb, vv = a[idx], b[idx], v[idx]
        ma, mb = np.average(aa, weights=vv), np.average(bb, weights=vv)
        cov = np.average((aa - ma) * (bb - mb), weights=vv)
        var = np.average((bb - mb) ** 2, weights=vv)
        return float(np.clip(-cov / var, 0.0, 1.0))

    w = equalise(premium_at, pools, np.array([1.0, 0.2, 0.4, 1.0]))
    assert 0.0 < closed_form(np.arange(3)) < 1.0                   # an interior pool
    assert w[0] == pytest.approx(closed_form(np.arange(3)), abs=1e-9)
    # two bins: π ties at w = (0.8 − 0.6)/0.2 = 1 and 0.1 − 0.1w = 0.2 + 0.3w at −1/4
    assert w[1] == closed_form(np.array([3, 4])) == 1.0            # clipped at PAM
    assert w[2] == 0.4                                             # one bin: kept
    assert w[3] == closed_form(np.array([6, 7])) == 0.0            # clipped at none


def test_firms_below_the_fringe_form_one_technology_class():
    p = Params()
    firms = firm_bins(p, base_bins(p, 100))
    classes = technology_classes(firms, np.zeros(firms.k.size, dtype=int))
    below = firms.k < p.fringe_assets
    assert below.sum() > 10 and (~below).sum() > 10               # both sides exist
    assert np.unique(classes[below]).size == 1                     # they operate alike
    assert np.unique(classes[~below]).size == (~below).sum()       # the others differ


def test_one_firm_bin_per_pool_is_pam():
    # one firm: nothing to pool, every matching is the same allocation (random
    # matching's cells differ in order, so it agrees to the solver's tolerance, 1e-9)
    pam = predict(Params(), firm_assets=[1.0]).dgini
    assert predict(Params(), firm_assets=[1.0], matching="random").dgini == pytest.approx(
        pam, abs=1e-8)
    for m in ASSORTATIVE:
        assert predict(Params(), firm_assets=[1.0], matching=m).dgini == pam


def test_the_equalised_allocation_lies_between_sorting_and_none():
    """Inside pools it mixes the sorted allocation with no sorting, so dgini lies
    between PAM's and random matching's (in either order, e.g. at ξ = 0.9 random
    matching is the less concentrating), at distinct points of the parameter space."""
    exact = {"screening": False, "firm_shock_sd": 0.0, "reinvest_rate": 0.0,
             "eta0": 0.0, "eta1": 1.0}
    for p, assets in ((Params(), None), (Params(asset_gini=0.2), None),
                      (Params(xi=0.9), None), (Params(**exact), None),
                      (Params(), [0.7, 3.0]), (Params(), [0.9, 1.0])):
        pam = predict(p, firm_assets=assets).dgini
        rnd = predict(p, firm_assets=assets, matching="random").dgini
        eq = predict(p, firm_assets=assets, matching="assortative_equalised")
        assert eq.before.converged and eq.after.converged
        assert min(pam, rnd) - 1e-6 < eq.dgini < max(pam, rnd) + 1e-6, (p, pam, eq, rnd)
        assert eq.dgini != pam                     # pools exist at each of these points


def test_the_equalised_prediction_is_continuous_where_pools_form():
    """A pool forms where sorted premia just tie, so the equalising weight starts at
    PAM's and dgini moves continuously (boundary root-finding needs it): along ξ at
    Gini(K) = 0.2 no step between neighbours exceeds 3× the median step."""
    xs = np.linspace(0.1, 0.5, 21)
    d = np.array([predict(Params(asset_gini=0.2, xi=float(x)),
                          matching="assortative_equalised").dgini for x in xs])
    steps = np.abs(np.diff(d))
    assert steps.max() < 3.0 * np.median(steps), steps


@pytest.mark.slow
def test_equalised_boundaries_lie_between_the_matching_bounds():
    # PAM's and random matching's roots at the defaults: 0.061 and 0.010 along the
    # proprietary share, 0.231 and 0.320 along ξ at Gini(K) = 0.2 (docs/REGIMES.md)
    share = boundary(Params(), along="proprietary_share", matching="assortative_equalised")
    xi = boundary(Params(asset_gini=0.2), along="xi", matching="assortative_equalised")
    assert 0.010 < share.value < 0.061
    assert 0.231 < xi.value < 0.320


# the mean field's assumptions made exact in the simulation (tests/regimes/
# test_regimes_simulation.py EXACT), tasks held fixed, proprietary AI
EXACT = {"screening": False, "firm_shock_sd": 0.0, "reinvest_rate": 0.0,
         "supply_elasticity": 1000.0, "contact_rate": 0.0, "occupational_choice": False}


def pam_slope_below_fringe(p: Params, k: np.ndarray) -> float:
    """Slope of firms' mean log ability on log assets under PAM, firms below the fringe.

    Closed form, independent of the mean field: within a task the employed are the top
    job_rate of log θ ~ N(μ, s²); the firm of cumulative employment share [c_a, c_b]
    (employment ∝ k^ν, firms sorted by k) holds the slice z ∈ [z_a, z_b] with
    z = Φ⁻¹(1 − job_rate + job_rate·c), whose mean is (φ(z_a) − φ(z_b))/(Φ(z_b) − Φ(z_a)).
    """
    from scipy.stats import norm

    k = np.sort(k)
    emp = k ** p.size_elasticity
    cum = np.r_[0.0, np.cumsum(emp)] / emp.sum()
    z = norm.ppf(1.0 - p.job_rate + p.job_rate * cum)
    mean_z = (norm.pdf(z[:-1]) - norm.pdf(z[1:])) / (norm.cdf(z[1:]) - norm.cdf(z[:-1]))
    below = k < p.fringe_assets
    return float(np.polyfit(np.log(k[below]), p.ability_sd * mean_z[below], 1,
                            w=np.sqrt(emp[below]))[0])


@pytest.mark.slow
def test_the_simulation_does_not_sort_by_assets_within_pools():
    """Firms below the fringe's assets are alike and always pooled; the simulation gives
    them the same workers (slope of their mean log ability on log assets 0.01-0.06
    measured, seeds 1-2, with and without AI), where sorting by assets gives the PAM
    slope (0.18-0.25 on these firms). Threshold: half of PAM's. And the equalised mean field, which mixes workers within pools, is nearer
    the simulated dgini than PAM (gaps +0.0017 ± 0.0002 against +0.0027 ± 0.0004,
    seeds 1-8): the simulation must lie above the midpoint of the two predictions,
    a margin of ~0.002 = 5 SE of the 4-seed mean gap."""
    from abm.model import LaborMarketModel

    p = Params(n_workers=5000, eta0=0.0, eta1=1.0, **EXACT)
    sims, pams, eqs = [], [], []
    for seed in (1, 2, 3, 4):
        on = LaborMarketModel(p, seed=seed, agents=False)
        k0 = on.economy.firms.assets / on.economy.firms.assets.mean()
        off = on.branch(ai_enabled=False)
        for m in (on, off):
            m.run(p.n_periods)
            w = m.economy.workers
            k = m.economy.firms.assets / m.economy.firms.assets.mean()
            emp = w.employer >= 0
            rel = np.zeros(w.n)
            for z in np.unique(w.task):
                s = emp & (w.task == z)
                rel[s] = np.log(w.ability[s]) - np.log(w.ability[s]).mean()
            n = np.bincount(w.employer[emp], minlength=k.size)
            mean = np.bincount(w.employer[emp], weights=rel[emp], minlength=k.size)
            below = (k < p.fringe_assets) & (n > 0)
            slope = np.polyfit(np.log(k[below]), mean[below] / n[below], 1,
                               w=np.sqrt(n[below]))[0]
            assert slope < 0.5 * pam_slope_below_fringe(p, k), (seed, slope)
        t = p.n_periods
        sims.append(on.model_frame().loc[t, "gini_income"]
                    - off.model_frame().loc[t, "gini_income"])
        pams.append(predict(p, firm_assets=k0).dgini)
        eqs.append(predict(p, firm_assets=k0, matching="assortative_equalised").dgini)
    assert np.mean(eqs) > np.mean(pams)
    assert np.mean(sims) > 0.5 * (np.mean(pams) + np.mean(eqs)), (sims, pams, eqs)
