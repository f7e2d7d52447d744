"""Each phase kernel on small hand-built arrays, without Mesa."""

import numpy as np
import pytest

from abm.fused import screening as fcut
from abm.steps import (accumulation, ai_path, education, firm_technology, hiring, matching,
                       production, rent_sharing, screening)
from abm.steps.technology import task_output, within_task_cv

H = np.array([0.5, 1.0, 2.0, 4.0])


def _cv(y):
    return y.std(ddof=1) / y.mean()


# --- technology (link 1) ----------------------------------------------------------------
def test_additive_form_adds_the_same_floor_to_everyone():
    y = task_output(H, np.full(4, 0.7), form="additive", rho=1, mult_elasticity=0, tool_base=0)
    assert np.allclose(y - H, 0.7)
    assert _cv(y) < _cv(H)


def test_multiplicative_form_nests_additive_and_proportional():
    ai = np.full(4, 0.5)
    kw = dict(form="multiplicative", rho=1, tool_base=0)
    assert np.allclose(task_output(H, ai, mult_elasticity=0.0, **kw), H + 0.5)
    prop = task_output(H, ai, mult_elasticity=1.0, **kw)
    assert np.allclose(prop, 1.5 * H) and _cv(prop) == pytest.approx(_cv(H))
    assert _cv(task_output(H, ai, mult_elasticity=1.5, **kw)) > _cv(H)


def test_ces_form_closed_form_and_curvature_sign():
    y = task_output(H, np.full(4, 1.0), form="ces", rho=0.5, mult_elasticity=0, tool_base=1.0)
    assert np.allclose(y, (H ** 0.5 + 2.0 ** 0.5) ** 2)
    low, high = (task_output(H, np.full(4, a), form="ces", rho=-1.0, mult_elasticity=0,
                             tool_base=1.0) for a in (0.0, 3.0))
    assert _cv(high) > _cv(low)  # complements: more AI raises dispersion
    low, high = (task_output(H, np.full(4, a), form="ces", rho=0.5, mult_elasticity=0,
                             tool_base=1.0) for a in (0.0, 3.0))
    assert _cv(high) < _cv(low)  # substitutes: more AI compresses


def test_skill_neutral_form_leaves_cv_unchanged():
    y = task_output(H, np.full(4, 0.9), form="additive", rho=1, mult_elasticity=0, tool_base=0,
                    neutral_scale=np.full(4, H.mean()))
    assert _cv(y) == pytest.approx(_cv(H))
    assert y.mean() == pytest.approx(H.mean() + 0.9)


def test_unknown_form_is_an_error():
    with pytest.raises(ValueError, match="augmentation='linear'"):
        task_output(H, H, form="linear", rho=1, mult_elasticity=0, tool_base=0)


def test_within_task_cv_by_group():
    y = np.array([1.0, 3.0, 2.0, 2.0, 5.0])
    task = np.array([0, 0, 1, 1, 2])
    cv = within_task_cv(y, task, 3)
    assert cv[0] == pytest.approx(np.sqrt(2) / 2) and cv[1] == 0.0 and np.isnan(cv[2])


# --- AI path ----------------------------------------------------------------------------
def test_capability_path():
    assert ai_path.capability(0, 1.0, 0.3) == 0.0
    assert ai_path.capability(5, 2.0, 0.3) == pytest.approx(2.0 * (1 - np.exp(-1.5)))
    assert ai_path.capability(5, 2.0, 0.3, enabled=False) == 0.0
    assert ai_path.capability(10**6, 2.0, 0.3) == pytest.approx(2.0)


def test_augmentable_set_widens_with_capability():
    thr = np.array([0.0, 0.4, 0.8, np.inf])
    alpha = np.array([1.0, 1.0, 1.0, 0.0])
    sizes = [ai_path.augmentable(a, thr, alpha).sum() for a in (0.0, 0.1, 0.5, 5.0)]
    assert sizes == [0, 1, 2, 3]


# --- production and prices (link 2) -----------------------------------------------------
@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0, 8.0])
def test_ces_prices_exhaust_output(sigma):
    y = np.array([1.0, 2.0, 4.0])
    w = np.full(3, 1 / 3)
    price, total = production.ces_prices(y, w, sigma)
    assert np.dot(price, y) == pytest.approx(total)  # Euler: Σ p_z Y_z = Y


def test_ces_price_of_an_expanding_task_falls_faster_when_sigma_is_small():
    w = np.full(2, 0.5)
    before = {s: production.ces_prices(np.array([1.0, 1.0]), w, s)[0][0] for s in (0.5, 2.0)}
    after = {s: production.ces_prices(np.array([2.0, 1.0]), w, s)[0][0] for s in (0.5, 2.0)}
    drop = {s: after[s] / before[s] for s in before}
    assert drop[0.5] < drop[2.0] < 1.0


def test_empty_task_keeps_previous_price():
    price, _ = production.ces_prices(np.array([0.0, 1.0]), np.full(2, 0.5), 2.0,
                                     previous=np.array([0.7, 0.0]))
    assert price[0] == 0.7 and np.isfinite(price).all()


def test_ai_access_normalised_to_mean_eta0_plus_eta1():
    k = np.array([0.2, 1.0, 3.0])
    emp = np.array([5, 10, 20])
    access, fringe = production.ai_access(k, 0.3, 0.7, 1.0, True, emp)
    assert fringe == pytest.approx(0.3)             # a fringe without assets: commodity AI
    assert np.dot(emp, access) / emp.sum() == pytest.approx(1.0)
    assert np.all(np.diff(access) > 0)
    flat, commodity = production.ai_access(k, 0.3, 0.7, 1.0, False, emp)
    assert np.allclose(flat, 1.0) and commodity == 1.0


# --- firm technology (link 4) ---------------------------------------------------------
def test_firm_ces_closed_forms():
    # hand-built team: λ = 0.25 (m_K = 1/3), u = 2, x = 0.5
    lam, u, x = 0.25, np.array([2.0]), np.array([0.5])
    # ε = 0.5 (r = −1): C = 1/((1−λ)/u + λ/x) = 1/(0.375 + 0.5)
    assert firm_technology.ces(u, x, lam, -1.0)[0] == pytest.approx(1.0 / 0.875)
    # C_u = (1−λ)·u^(r−1)·C^(1−r) = 0.75·(1/4)·C²
    assert firm_technology.ces_labour_slope(u, x, lam, -1.0)[0] == pytest.approx(
        0.75 * 0.25 / 0.875 ** 2)
    # ε = 1: Cobb-Douglas u^(1−λ)·x^λ, and labour's share C_u·u/C = 1 − λ
    cd = firm_technology.ces(u, x, lam, 0.0)[0]
    assert cd == pytest.approx(2.0 ** 0.75 * 0.5 ** 0.25)
    assert firm_technology.ces_labour_slope(u, x, lam, 0.0)[0] * 2.0 / cd == pytest.approx(0.75)
    # ε → ∞ (r = 1): perfect substitutes, (1−λ)u + λx
    assert firm_technology.ces(u, x, lam, 1.0)[0] == pytest.approx(0.75 * 2 + 0.25 * 0.5)
    # normalisation C(1, 1) = 1 for every ε, and no assets (λ = 0) is labour alone
    for r in (-3.0, -1.0, 0.0, 0.5):
        assert firm_technology.ces(np.ones(1), np.ones(1), lam, r)[0] == pytest.approx(1.0)
    assert firm_technology.ces(u, x, 0.0, -1.0)[0] == 2.0


@pytest.mark.parametrize("elasticity, direction", [(0.5, 1), (1.0, 0), (3.0, -1)])
def test_asset_share_moves_with_effective_labour_as_the_elasticity_says(elasticity, direction):
    # the assets' share of a team's output is 1 − C_u·u/C (Euler); raising effective
    # labour u (what AI does) raises it for complements, keeps it for Cobb-Douglas and
    # lowers it for substitutes (the share is 1 − (1−λ)·(u/C)^r)
    lam, r = 0.25, firm_technology.exponent(elasticity)
    x = np.array([1.0, 1.0])
    u = np.array([1.0, 1.5])
    c = firm_technology.ces(u, x, lam, r)
    share = 1.0 - firm_technology.ces_labour_slope(u, x, lam, r) * u / c
    # at u = 1, x = 1 the share is λ whatever ε
    assert share[0] == pytest.approx(lam)
    assert np.sign(round(share[1] - share[0], 12)) == direction


def test_asset_services_floor_at_the_fringe():
    # x = max(k, k_f)^(1−ν): with ν = 0.5 and k_f = 0.25 the smallest firm uses the
    # fringe's 0.25^0.5 = 0.5
    k = np.array([0.04, 1.0, 4.0])
    x = firm_technology.asset_services(k, 0.5, 0.25)
    assert x.tolist() == [0.5, 1.0, 2.0]


def test_fringe_access_passes_to_workers_when_access_does_not_follow_assets():
    k, emp = np.array([0.2, 1.0, 3.0]), np.array([5, 10, 20])
    # ψ = 0: every employer, the fringe included, has all the AI there is
    access, fringe = production.ai_access(k, 0.3, 0.7, 0.0, True, emp, 0.5)
    assert np.allclose(access, 1.0) and fringe == pytest.approx(1.0)
    # ψ = 1: the fringe (k_f = 0.5) has η0 + η1·k_f/E_L[max(k, k_f)]
    access, fringe = production.ai_access(k, 0.3, 0.7, 1.0, True, emp, 0.5)
    norm = (5 * 0.5 + 10 * 1.0 + 20 * 3.0) / 35
    assert fringe == pytest.approx(0.3 + 0.7 * 0.5 / norm)
    assert access[0] == pytest.approx(fringe)       # the smallest firm operates as the fringe


def test_team_output_scales_with_productivity_and_jobs():
    labour, jobs = np.array([3.0, 0.0, 6.0]), np.array([2, 0, 4])
    skill, x, tfp = np.array([1.5, 1.5, 1.5]), np.ones(3), np.array([1.0, 1.0, 2.0])
    q = firm_technology.team_output(labour, jobs, skill, x, tfp, 0.25, -1.0, 1.0 / 3.0)
    assert q[1] == 0.0
    # team 2 is team 0 doubled in size (constant returns) with twice the productivity
    assert q[2] == pytest.approx(4.0 * q[0])
    # team 0: u = 3/(2·1.5) = 1, so Q = n·φ·(1 + m_K)·C(1, 1) = 2·1.5·4/3
    assert q[0] == pytest.approx(4.0)


# --- rent sharing -----------------------------------------------------------------------
def _split(xi, tax=0.0, markup=0.0, team=None):
    firm = np.array([0, 0, 1])
    task = np.array([0, 1, 0])
    outside = np.array([2.0, 3.0, 2.0])
    gain = np.array([0.5, 0.0, 1.0])              # what commodity AI adds to y
    omega = np.array([1.0, 1.0])
    price = np.array([1.0, 1.0])
    team = np.array([3.0, 5.0, 2.0, 0.0]) if team is None else team
    team_c = np.array([2.5, 4.0, 2.0, 0.0])
    return rent_sharing.split_rents(firm, task, outside, gain, omega, price, team,
                                    team_c, 2, xi, tax, markup)


def test_split_rents_accounting_and_sharing():
    wages, s = _split(0.25, tax=0.4)
    assert s.value_added.sum() == pytest.approx(wages.sum() + s.owner_income.sum() + s.taxes.sum())
    # firm 0: VA = 8, outside options 2 + 3, rents 3, AI rents (3−2.5) + (5−4) = 1.5
    assert s.rents[0] == pytest.approx(3.0) and s.ai_rents[0] == pytest.approx(1.5)
    assert s.taxes[0] == pytest.approx(0.6)
    # workers get ξ of the after-tax rent, in proportion to their outside options
    assert wages[:2].sum() - 5.0 == pytest.approx(0.25 * (3.0 - 0.6))
    assert wages[0] / wages[1] == pytest.approx(2.0 / 3.0)
    assert s.owner_income[0] == pytest.approx(0.75 * 2.4)
    assert wages[2] == 2.0 and s.owner_income[1] == 0.0


def test_vendor_fees_are_the_markup_times_commodity_ais_value():
    wages, s = _split(0.0, markup=0.2)
    # commodity AI adds g = 0.5, 0 and 1.0, valued at ω = 1
    assert s.vendor_fees.tolist() == pytest.approx([0.2 * 0.5, 0.2 * 1.0])
    assert wages.tolist() == pytest.approx([2.0 - 0.1, 3.0, 2.0 - 0.2])
    # value added is net of the fees; the fees plus VA are the teams' output
    assert s.value_added.sum() + s.vendor_fees.sum() == pytest.approx(10.0)
    assert s.value_added.sum() == pytest.approx(
        wages.sum() + s.owner_income.sum() + s.taxes.sum())


def test_xi_zero_pays_the_outside_option_and_xi_one_pays_owners_nothing():
    wages, s = _split(0.0)
    assert np.allclose(wages, [2.0, 3.0, 2.0])
    assert s.owner_income.sum() == pytest.approx(3.0)
    wages, s = _split(1.0)
    assert (s.owner_income == 0.0).all()            # exactly, not to rounding
    assert wages.sum() == pytest.approx(10.0)


def test_limited_liability_workers_take_a_loss_owners_never_pay_in():
    # firm 0's teams produce 2.0 + 2.0 < outside options 5.0: rents −1
    wages, s = _split(0.3, team=np.array([2.0, 2.0, 2.0, 0.0]))
    assert s.rents[0] == pytest.approx(-1.0)
    assert s.owner_income[0] == 0.0
    assert wages[:2].sum() == pytest.approx(4.0)     # the whole value added


def test_owner_income_follows_stakes_and_public_equity():
    owner = np.array([10.0, 4.0])
    cap, pool = rent_sharing.distribute_owner_income(
        owner, np.array([0, 0, 1]), np.array([2, 3, 2]), np.array([0.5, 0.5, 1.0]), 5, 0.25)
    assert pool == pytest.approx(3.5)
    assert np.allclose(cap, [0, 0, 0.75 * 5 + 0.75 * 4, 0.75 * 5, 0])


# --- accumulation -----------------------------------------------------------------------
def test_accumulate_and_effective_assets():
    s = accumulation.accumulate(np.array([1.0, 2.0]), np.array([1.0, 0.0]), 0.5, 0.1)
    assert np.allclose(s, [1.4, 1.8])
    base, ref = accumulation.anchor(np.array([2.0, 1.0, 3.0]), np.array([1.0, 2.0, 0.0]),
                                    0.3, 0.1)
    assert ref.tolist() == pytest.approx([3.0, 6.0, 0.0])
    # at the anchor the stock gives back the anchored assets; a stock four times the
    # anchor gives 4^β times them; a firm without anchor income keeps its assets
    k = accumulation.effective_assets(base, np.array([3.0, 24.0, 5.0]), ref, 0.5)
    assert k.tolist() == pytest.approx([2.0, 2.0, 3.0])
    # a stock that depreciated to nothing leaves positive assets
    assert accumulation.effective_assets(base, np.zeros(3), ref, 0.5).min() > 0


def test_the_anchor_window_is_the_second_half_of_the_years_before_the_anchor():
    # by default the anchor is period 0 and the window the burn-in's second half and
    # period 0: burn-in 20 -> periods -10..0 (11 years)
    assert accumulation.anchor_start(20) == -10
    assert accumulation.anchor_start(21) == -10
    # settling 6 of 20 years: anchor at -6, the 14 years before it are -20..-7, their
    # second half -13..-7, and the window -13..-6
    assert accumulation.anchor_start(20, 6) == -13
    # settling the whole burn-in: the window is its first period alone
    assert accumulation.anchor_start(20, 20) == -20


def test_assets_move_in_the_burn_in_only_where_they_settle_in_it():
    from abm import LaborMarketModel, Params
    from abm.params import ParameterError

    held = Params(n_workers=600, n_firms=12, n_tasks=6, burn_in=8, firm_shock_sd=0.3,
                  firm_shock_persistence=0.9)
    model = LaborMarketModel(held, seed=3, agents=False)
    f = model.economy.firms
    assert np.array_equal(f.assets, f.asset_base)     # held to the end of period 0
    settle = LaborMarketModel(held.replace(asset_burn_in=4), seed=3, agents=False)
    g = settle.economy.firms
    # four years of reinvestment: assets are the anchor's scaled by (S/S*)^β, and differ
    assert not np.array_equal(g.assets, g.asset_base)
    has = g.asset_reference > 0
    assert np.allclose(g.assets[has], g.asset_base[has]
                       * (g.asset_stock[has] / g.asset_reference[has]) ** held.asset_returns)
    with pytest.raises(ParameterError, match="asset_burn_in=9 must be at most burn_in=8"):
        held.replace(asset_burn_in=9)


# --- education --------------------------------------------------------------------------
def test_education_choice_trades_income_against_cost_falling_with_ability():
    from abm.fused import PRECOMPUTED
    from abm.fused.education import choose_jobs

    y = np.array([[[1.0, 1.5, 2.5]], [[1.0, 1.5, 2.5]]])     # one candidate, three levels
    theta = np.array([0.5, 2.0])
    level = np.zeros(2, dtype=np.int8)
    # cost of level e: 0.6·e²/θ -> net [1, 0.3, -2.3] at θ=0.5 and [1, 1.2, 1.3] at θ=2
    choose_jobs(np.zeros(2), 1.0, np.zeros((2, 1), dtype=np.int64), theta, np.zeros(0),
                np.ones(1), np.ones(1), np.zeros(1), 0.0, np.zeros(0), PRECOMPUTED, np.ones(3),
                np.ones((3, 1)), 0.6, 0.0, y, np.zeros(2, dtype=np.int64), level, np.ones(2),
                np.zeros(2, dtype=np.int64))
    assert level.tolist() == [0, 2]


def test_retooling_share():
    assert education.retooling_share(-10, 10, 0.1, 0.5) == 1.0
    assert education.retooling_share(-3, 10, 0.1, 0.5) == 0.5
    assert education.retooling_share(4, 10, 0.1, 0.5) == 0.1
    # `burn_in_retooling` sets the burn-in's share, never below the recorded years' rate
    assert education.retooling_share(-3, 10, 0.1, 0.2) == 0.2
    assert education.retooling_share(-3, 10, 0.3, 0.2) == 0.3
    assert education.retooling_share(-10, 10, 0.1, 0.2) == 1.0
    assert education.retooling_share(4, 10, 0.1, 0.2) == 0.1


# --- hiring (link 3) --------------------------------------------------------------------
def test_allocate_jobs_sums_exactly_and_follows_shares():
    shares = np.array([0.5, 0.3, 0.2])
    jobs = np.array([10, 7, 1])
    t = hiring.allocate_jobs(shares, jobs)
    assert t.sum(axis=0).tolist() == [10, 7, 1]
    assert t[:, 0].tolist() == [5, 3, 2]
    assert np.all(np.abs(t - shares[:, None] * jobs) < 1)


def test_layoffs_trim_each_cell_to_target():
    cell = np.array([0, 0, 0, 1, 1, 2])
    key = np.array([0.9, 0.1, 0.5, 0.3, 0.2, 0.4])
    out = hiring.layoffs(cell, np.array([1, 2, 0]), key)
    assert out.tolist() == [True, False, True, False, False, True]


def test_project_recovers_an_exact_linear_rule_per_task():
    rng = np.random.default_rng(0)
    task = np.repeat([0, 1], 50)
    s = rng.normal(size=100)
    e = rng.integers(0, 5, 100).astype(float)
    y = np.where(task == 0, 1 + 2 * s + 0.5 * e, -1 + 0.3 * s + 1.5 * e)
    coef = screening.project(y, s, e, task, 3)
    assert np.allclose(coef[0], [1, 2, 0.5], atol=1e-6)
    assert np.allclose(coef[1], [-1, 0.3, 1.5], atol=1e-6)
    assert coef[2].tolist() == [0.0, 1.0, 0.0]  # no incumbents: rank by signal


# The employer's evaluation problem (docs/MODEL.md §3.3.2): three levels of 20
# applicants with predictions N(m_e, σ²), 30 vacancies, evaluation cost k.
POOL = dict(count=np.array([[20, 20, 20]]), mean=np.array([[0.0, 0.5, 1.0]]))


def _posted(sd: float, shift: float = 0.0, cost: float = 0.02) -> float:
    return float(screening.posted_requirement(POOL["count"], POOL["mean"] + shift,
                                              np.full((1, 3), sd), np.array([30]),
                                              np.array([cost]), 2)[0])


def test_posted_requirement_rises_as_the_signal_loses_diagnostic_value():
    # derivation: the gap the marginal level may lie below the hiring standard grows with
    # the prediction spread σ (∂/∂σ = λ(u) > 0), so a less diagnostic signal (smaller σ)
    # or a dearer evaluation raises the cutoff
    req = [_posted(sd) for sd in (0.3, 0.2, 0.15, 0.1)]
    assert all(b > a for a, b in zip(req, req[1:], strict=False)) and 0 < req[0] < req[-1] < 2
    assert _posted(0.3, cost=0.04) > _posted(0.3, cost=0.02)


def test_posted_requirement_ignores_an_ability_independent_shift():
    # additive AI with constant-sd noise adds the same constant to every prediction: the
    # standard y* moves with it and the cutoff does not move (up to the bisection's ulps)
    assert _posted(0.3, shift=0.7) == pytest.approx(_posted(0.3), abs=1e-9)


def test_cutoff_meets_its_first_order_condition():
    from scipy.stats import norm
    count, mean = POOL["count"][0], POOL["mean"][0]
    sd, k, vac = 0.3, 0.02, 30
    posted, y = (v[0] for v in fcut.cutoffs(POOL["count"], POOL["mean"], np.full((1, 3), sd),
                                            np.array([30.0]), np.array([k]), 2.0))
    gain = sd * norm.pdf((y - mean) / sd) + (mean - y) * norm.sf((y - mean) / sd)
    # closed form: y* fills the vacancies from the levels evaluated (e >= 1) ...
    assert (count[1:] * norm.sf((y - mean[1:]) / sd)).sum() == pytest.approx(vac, rel=1e-9)
    # ... level 1 pays its cost, level 0 does not, and the posted cutoff is where the
    # net gain crosses zero between them
    assert gain[1] > k > gain[0]
    assert posted == pytest.approx(0 + (k - gain[0]) / (gain[1] - gain[0]), rel=1e-9)


def test_a_pool_that_cannot_fill_the_vacancies_is_evaluated_whole():
    # levels >= 1 hold 5 applicants for 8 vacancies: the employer must evaluate level 0
    got = screening.posted_requirement(np.array([[9, 3, 2], [0, 0, 0]]),
                                       np.array([[0.0, 5.0, 9.0], [0, 0, 0]]),
                                       np.full((2, 3), 0.1), np.array([8, 3]),
                                       np.array([1.0, 1.0]), 2)
    assert got.tolist() == [0.0, 0.0]            # (and nobody to evaluate: no cutoff)


def test_relax_requirement_lowers_until_vacancies_can_be_filled():
    task = np.array([0, 0, 0, 1, 1])
    edu = np.array([1, 2, 3, 0, 4])
    eff = screening.relax_requirement(np.array([2.6, 3.2]), task, edu, np.array([2, 1]), 5)
    assert eff.tolist() == [2, 4]  # task 0: only 1 applicant has e>=3, so relax to 2


def test_match_is_assortative_within_tasks():
    app_task = np.array([0, 0, 0, 1])
    score = np.array([1.0, 3.0, 2.0, 5.0])
    slot_task = np.array([0, 0, 1, 1])
    premium = np.array([1.1, 1.3, 1.0, 1.2])
    firm = np.array([7, 8, 9, 4])
    pos, hired_firm = matching.match(app_task, score, np.zeros(4), slot_task, premium, firm)
    got = dict(zip(pos.tolist(), hired_firm.tolist(), strict=True))
    assert got == {1: 8, 2: 7, 3: 4}  # best applicant to best-paying firm; worst unmatched


def test_diagnostic_variance_is_squared_correlation():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=4000)
    task = np.repeat([0, 1], 2000)
    signal = theta + np.where(task == 0, 0.1, 3.0) * rng.normal(size=4000)
    vd = screening.diagnostic_variance(signal, theta, task, 2)
    assert vd[0] == pytest.approx(1 / 1.01, abs=0.01) and vd[1] == pytest.approx(0.1, abs=0.03)


def test_a_firm_that_cannot_cover_its_taxes_pays_nobody_and_the_vendors_go_short():
    # firm 0's teams produce 0.2 + 0.2 while its fees are 0.9·(0.5 + 0): value added
    # −0.05 < taxes 0.5·(AI rents 0.3) = 0.15
    team = np.array([0.2, 0.2, 2.0, 0.0])
    firm, task = np.array([0, 0, 1]), np.array([0, 1, 0])
    wages, s = rent_sharing.split_rents(
        firm, task, np.array([2.0, 3.0, 2.0]), np.array([0.5, 0.0, 1.0]), np.ones(2),
        np.ones(2), team, np.array([0.0, 0.1, 2.0, 0.0]), 2, 0.2, 0.5, 0.9)
    assert wages[:2].tolist() == [0.0, 0.0]
    assert s.owner_income[0] == 0.0
    assert s.value_added[0] == pytest.approx(s.taxes[0]) and s.taxes[0] == pytest.approx(0.15)
    # what the firm produced is paid out in full: to the state and the vendors
    assert s.vendor_fees[0] + s.taxes[0] == pytest.approx(0.4)
