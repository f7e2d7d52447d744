"""Each phase kernel on small hand-built arrays, without Mesa."""

import numpy as np
import pytest

from abm.steps import accumulation, ai_path, education, hiring, production, rent_sharing
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
    access, commodity = production.ai_access(k, 0.3, 0.7, 1.0, True, emp)
    assert commodity == 0.3
    assert np.dot(emp, access) / emp.sum() == pytest.approx(1.0)
    assert np.all(np.diff(access) > 0)
    flat, commodity = production.ai_access(k, 0.3, 0.7, 1.0, False, emp)
    assert np.allclose(flat, 1.0) and commodity == 1.0


def test_asset_output_is_proportional_to_assets_when_size_scales_with_k_to_nu():
    k = np.array([0.5, 1.0, 4.0])
    nu = 0.4
    per_job = production.asset_productivity(k, 0.4, nu)
    assert np.allclose(per_job * k ** nu / k, per_job[0] * k[0] ** nu / k[0])


# --- rent sharing -----------------------------------------------------------------------
def _split(xi, tax=0.0):
    firm = np.array([0, 0, 1])
    value = np.array([3.0, 5.0, 2.0])
    outside = np.array([2.0, 3.0, 2.0])
    ai_value = np.array([0.5, 1.0, 0.0])
    return rent_sharing.split_rents(firm, value, outside, ai_value, 2, xi, tax)


def test_split_rents_accounting_and_sharing():
    wages, s = _split(0.25, tax=0.4)
    assert s.value_added.sum() == pytest.approx(wages.sum() + s.owner_income.sum() + s.taxes.sum())
    assert s.rents[0] == pytest.approx(3.0) and s.taxes[0] == pytest.approx(0.6)
    # workers get ξ of the after-tax rent, in proportion to their outside options
    assert wages[:2].sum() - 5.0 == pytest.approx(0.25 * (3.0 - 0.6))
    assert wages[0] / wages[1] == pytest.approx(2.0 / 3.0)
    assert s.owner_income[0] == pytest.approx(0.75 * 2.4)
    assert wages[2] == 2.0 and s.owner_income[1] == 0.0


def test_xi_zero_pays_the_outside_option():
    wages, s = _split(0.0)
    assert np.allclose(wages, [2.0, 3.0, 2.0])
    assert s.owner_income.sum() == pytest.approx(3.0)


def test_owner_income_follows_stakes_and_public_equity():
    owner = np.array([10.0, 4.0])
    cap, pool = rent_sharing.distribute_owner_income(
        owner, np.array([0, 0, 1]), np.array([2, 3, 2]), np.array([0.5, 0.5, 1.0]), 5, 0.25)
    assert pool == pytest.approx(3.5)
    assert np.allclose(cap, [0, 0, 0.75 * 5 + 0.75 * 4, 0.75 * 5, 0])


# --- accumulation -----------------------------------------------------------------------
def test_accumulate():
    k = accumulation.accumulate(np.array([1.0, 2.0]), np.array([1.0, 0.0]), 0.5, 0.1)
    assert np.allclose(k, [1.4, 1.8])
    assert accumulation.accumulate(np.array([1.0]), np.array([0.0]), 0.0, 1.0)[0] > 0


# --- education --------------------------------------------------------------------------
def test_best_level_trades_income_against_cost_falling_with_ability():
    income = np.array([[1.0, 1.5, 2.5], [1.0, 1.5, 2.5]])
    theta = np.array([0.5, 2.0])
    # cost of level e: 0.6·e²/θ -> net [1, 0.3, -2.3] at θ=0.5 and [1, 1.2, 1.3] at θ=2
    assert education.best_level(theta, income, 0.6).tolist() == [0, 2]


def test_retooling_share():
    assert education.retooling_share(-10, 10, 0.1) == 1.0
    assert education.retooling_share(-3, 10, 0.1) == 0.5
    assert education.retooling_share(4, 10, 0.1) == 0.1


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
    coef = hiring.project(y, s, e, task, 3)
    assert np.allclose(coef[0], [1, 2, 0.5], atol=1e-6)
    assert np.allclose(coef[1], [-1, 0.3, 1.5], atol=1e-6)
    assert coef[2].tolist() == [0.0, 1.0, 0.0]  # no incumbents: rank by signal


def test_posted_requirement_rises_as_the_signal_loses_diagnostic_value():
    mean_e, sd = np.full(3, 2.5), np.ones(3)
    coef = np.array([[0, 1.0, 0.2], [0, 0.3, 0.5], [0, 0.2, 0.6]])  # b_s falls, b_e rises
    req = hiring.posted_requirement(coef, mean_e, sd, 2.0, 4)
    assert np.allclose(req, [0.0, 2.5 - 2 * 0.3 / 0.5, 2.5 - 2 * 0.2 / 0.6])
    assert hiring.posted_requirement(np.array([[0, 1.0, -0.1]]), mean_e[:1], sd[:1], 2.0, 4)[0] == 0


def test_relax_requirement_lowers_until_vacancies_can_be_filled():
    task = np.array([0, 0, 0, 1, 1])
    edu = np.array([1, 2, 3, 0, 4])
    eff = hiring.relax_requirement(np.array([2.6, 3.2]), task, edu, np.array([2, 1]), 5)
    assert eff.tolist() == [2, 4]  # task 0: only 1 applicant has e>=3, so relax to 2


def test_match_is_assortative_within_tasks():
    app_task = np.array([0, 0, 0, 1])
    score = np.array([1.0, 3.0, 2.0, 5.0])
    slot_task = np.array([0, 0, 1, 1])
    premium = np.array([1.1, 1.3, 1.0, 1.2])
    firm = np.array([7, 8, 9, 4])
    pos, hired_firm = hiring.match(app_task, score, np.zeros(4), slot_task, premium, firm)
    got = dict(zip(pos.tolist(), hired_firm.tolist(), strict=True))
    assert got == {1: 8, 2: 7, 3: 4}  # best applicant to best-paying firm; worst unmatched


def test_diagnostic_variance_is_squared_correlation():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=4000)
    task = np.repeat([0, 1], 2000)
    signal = theta + np.where(task == 0, 0.1, 3.0) * rng.normal(size=4000)
    vd = hiring.diagnostic_variance(signal, theta, task, 2)
    assert vd[0] == pytest.approx(1 / 1.01, abs=0.01) and vd[1] == pytest.approx(0.1, abs=0.03)
