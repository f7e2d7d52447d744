"""Seeded statistical tests of each proposition, on both sides of its condition.

Design: every comparison is paired. For seeds 1-3, the AI run is compared with the
no-AI run of the same seed and parameters (`ai_enabled=False`), 20 years after AI
arrives, in an economy of 6,000 workers. Pairing removes the seed's own noise, so the
seed-to-seed standard error of each effect is small; it was measured for every
statistic below (3 seeds) and each tolerance states the ratio it leaves.
"""

from functools import cache

import numpy as np
import pytest

from abm import Params, simulate

SEEDS = (1, 2, 3)
BASE = Params(n_workers=6000, n_firms=60, n_tasks=12, n_periods=20, burn_in=8)


@cache
def effect(**changes: object) -> dict[str, np.ndarray]:
    """Per-seed (AI − no AI) at the final period, for every column."""
    p = BASE.replace(**changes)
    out: dict[str, list[float]] = {}
    for s in SEEDS:
        a = simulate(p, seed=s, agents=False).iloc[-1]
        n = simulate(p.replace(ai_enabled=False), seed=s, agents=False).iloc[-1]
        for col in a.index:
            if isinstance(a[col], float):
                out.setdefault(col, []).append(a[col] - n[col])
    return {k: np.array(v) for k, v in out.items()}


def all_below(values: np.ndarray, bound: float) -> bool:
    return bool(np.all(values < bound))


def all_above(values: np.ndarray, bound: float) -> bool:
    return bool(np.all(values > bound))


# --- Proposition 1: homogenization -----------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("changes", [
    {}, {"augmentation": "ces", "rho": 0.5},
    {"augmentation": "multiplicative", "mult_elasticity": 0.5},
], ids=["additive", "ces_rho_0.5", "multiplicative_mu_0.5"])
def test_within_task_cv_falls_with_ai(changes):
    # measured effects: -0.135, -0.031, -0.081 with seed SE <= 0.001; every seed must
    # show a fall of at least 0.01 (10x the SE and a third of the smallest effect)
    assert all_below(effect(**changes)["within_task_cv_exposed"], -0.01)


@pytest.mark.slow
@pytest.mark.parametrize("changes", [
    {"augmentation": "ces", "rho": -1.0},
    {"augmentation": "multiplicative", "mult_elasticity": 1.5},
], ids=["ces_rho_-1", "multiplicative_mu_1.5"])
def test_within_task_cv_rises_when_ai_complements_skill(changes):
    # measured +0.047 and +0.125 (seed SE <= 0.001): the documented reversal
    assert all_above(effect(**changes)["within_task_cv_exposed"], 0.01)


@pytest.mark.slow
def test_unexposed_tasks_are_not_homogenized():
    # social tasks have no AI input: their CV moves only with composition (|effect| < 0.01)
    assert np.all(np.abs(effect()["within_task_cv_unexposed"]) < 0.01)


# --- Proposition 4: screening and credential inflation ---------------------------------
@pytest.mark.slow
def test_diagnostic_variance_falls_and_credentials_rise_with_ai():
    e = effect()
    # V_D: measured -0.065 (SE 0.0015); requirement: +0.081 (SE 0.007) education levels,
    # every seed above +0.04 (6 SE; the smallest seed +0.069)
    assert all_below(e["diagnostic_variance"], -0.02)
    assert all_above(e["credential_requirement_exposed"], 0.04)
    assert np.all(np.abs(e["diagnostic_variance_unexposed"]) < 0.02)


@pytest.mark.slow
def test_direct_skills_assessment_removes_the_screening_effect():
    e = effect(skills_assessment=1.0)
    # with an AI-free work sample V_D does not move (measured 0.0003, SE 0.0005)
    # and requirements do not inflate (measured -0.103, SE 0.005)
    assert np.all(np.abs(e["diagnostic_variance"]) < 0.01)
    assert all_below(e["credential_requirement_exposed"], 0.02)


# --- Proposition 3: education returns --------------------------------------------------
@pytest.mark.slow
def test_codifiable_education_premium_falls_when_sigma_above_one():
    e = effect(sigma=2.0)
    # codifiable: measured -0.058 (SE 0.001); social: +0.003 (SE 0.001)
    assert all_below(e["education_premium_codifiable"], -0.02)
    assert all_above(e["education_premium_social"] - e["education_premium_codifiable"], 0.03)
    # σ > 1: AI-exposed tasks gain value share (measured +0.029, SE 0.0002)
    assert all_above(e["revenue_share_exposed"], 0.01)


@pytest.mark.slow
def test_sigma_below_one_documented_behaviour():
    low, high = effect(sigma=0.5), effect(sigma=2.0)
    # σ < 1: the within-task dilution still lowers the codifiable premium (measured
    # -0.050, SE 0.0015), but the exposed tasks now lose value share (measured -0.053)
    # and their price falls much more than with σ = 2 (-0.23 vs -0.10)
    assert all_below(low["education_premium_codifiable"], -0.015)
    assert all_below(low["revenue_share_exposed"], -0.02)
    assert all_below(low["price_exposed"] - high["price_exposed"], -0.05)


# --- Value shift: the concentrating channel --------------------------------------------
@pytest.mark.slow
def test_proprietary_ai_shifts_value_to_concentrated_assets():
    e = effect(eta0=0.0, eta1=1.0)
    # measured: capital-income Gini +0.010 (SE 0.001), asset share +0.059 (SE 0.001),
    # Gini(K) +0.038 (SE 0.003); commodity AI moves the last two by +0.024 and −0.002
    # (tests/statistical/test_firm_economy.py has the complementarity channel)
    assert all_above(e["gini_capital_income"], 0.004)
    assert all_above(e["asset_income_share"], 0.03)
    assert all_above(e["gini_assets"], 0.02)


# --- H4: between-firm wage dispersion ---------------------------------------------------
@pytest.mark.slow
def test_between_firm_wage_share_rises_under_proprietary_ai_with_strong_rent_sharing():
    prop, comm = effect(eta0=0.0, eta1=1.0, xi=0.5), effect(eta0=1.0, eta1=0.0, xi=0.5)
    # measured +0.095 (SE 0.010) under proprietary AI and +0.006 (SE 0.001) under
    # commodity AI (workers sort on premia with β_L = 4, MODEL.md §3.3.3): the mean
    # must exceed 0.05 and commodity's by 0.05 (4 SE below the measured effects)
    assert prop["between_firm_wage_share"].mean() > 0.05
    assert prop["between_firm_wage_share"].mean() > comm["between_firm_wage_share"].mean() + 0.05
