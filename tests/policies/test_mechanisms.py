"""Each lever moves the statistic its mechanism predicts, on both sides of its condition.

Signs are derived from the model's equations (docs/MODEL.md) in the comments, not taken
from the code's output. Statistical checks pair the lever with the base on the same
seeds (common random numbers) and ask the mean paired difference to have the predicted
sign and to be at least two seed SEs from zero (a one-sided 2.5% level for t with
SEEDS − 1 degrees of freedom is looser than 2 SE, so 2 SE is the stricter test); exact
"no effect" sides are checked bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from abm.branch import branch
from abm.params import Params
from abm.simulate import simulate
from analysis.policies.levers import LEVERS

SMALL = Params(n_workers=600, n_firms=30, n_tasks=10, burn_in=6, n_periods=8)
PROPRIETARY = SMALL.replace(eta0=0.0, eta1=1.0)
COMMODITY = SMALL.replace(eta0=1.0, eta1=0.0)
SEEDS = (1, 2, 3, 4)


def _final(p: Params, seed: int) -> pd.Series:
    return simulate(p, seed=seed).iloc[-1]


def _paired(base: Params, lever: str, stat: str, *, ai_effect: bool = False) -> np.ndarray:
    """Per seed: statistic at T under the lever minus under the base (or, with
    `ai_effect`, the same for AI's effect: with AI minus without AI)."""
    policy = LEVERS[lever].apply(base)
    out = []
    for seed in SEEDS:
        def value(p: Params) -> float:
            if not ai_effect:
                return float(_final(p, seed)[stat])
            runs = branch(p, seed=seed, variants={"ai": {}, "off": {"ai_enabled": False}})
            return float(runs["ai"][stat].iloc[-1] - runs["off"][stat].iloc[-1])
        out.append(value(policy) - value(base))
    return np.array(out)


def _assert_sign(d: np.ndarray, sign: int) -> None:
    se = d.std(ddof=1) / math.sqrt(d.size)
    assert sign * d.mean() > 2 * se, (d.mean(), se)


def _same_runs(a: Params, b: Params, seed: int = 1) -> None:
    pd.testing.assert_frame_equal(simulate(a, seed=seed), simulate(b, seed=seed))


# --- AI-rent tax --------------------------------------------------------------------
def test_ai_rent_tax_lowers_inequality_under_proprietary_ai():
    # AI_j = Σ p(Q − Q^c) > 0 under proprietary access; τ·AI_j leaves net rents N_j,
    # which go (1 − ξ) to owners (the top of the income distribution: 10% of persons hold
    # all equity) and ξ to high-premium workers, and returns as an equal rebate τ·ΣAI/N:
    # a transfer from incomes ranked high to an equal amount lowers the Gini
    _assert_sign(_paired(PROPRIETARY, "ai_rent_tax", "gini_income"), -1)


def test_ai_rent_tax_changes_nothing_under_commodity_ai():
    # η1 = 0: every firm has the fringe's access, Q = Q^c, AI_j = 0 exactly, so the tax
    # raises nothing and every state and statistic is the base's bit for bit
    _same_runs(COMMODITY, LEVERS["ai_rent_tax"].apply(COMMODITY))


# --- rent sharing ------------------------------------------------------------------
def test_rent_sharing_lowers_ais_inequality_effect_where_ai_rent_is_firm_rent():
    # proprietary AI adds AI_j ∝ k^(ν+ψ) to firm rents; with ξ higher a larger share goes
    # to the firm's workers (w = w^c(1 + ξπ)) instead of owners, so AI's ΔGini falls
    _assert_sign(_paired(PROPRIETARY, "rent_sharing", "gini_income", ai_effect=True), -1)
    # and the labour share rises: ∂w_i/∂ξ = w^c_i·π_j > 0 where rents are positive
    _assert_sign(_paired(PROPRIETARY, "rent_sharing", "labor_share"), +1)


def test_rent_sharing_has_no_ai_effect_to_change_without_ai():
    # no AI, no AI rent: AI's ΔGini is 0 in both economies, whatever ξ does to levels
    off = SMALL.replace(ai_enabled=False)
    d = _paired(off, "rent_sharing", "gini_income", ai_effect=True)
    assert (d == 0).all()


# --- open AI -------------------------------------------------------------------------
def test_open_ai_lowers_ais_inequality_effect_where_ai_is_proprietary():
    # the same total access made commodity: no AI_j rents (∝ k^(ν+ψ), owned at the top),
    # instead an equal floor α·A·η in every worker's outside option
    _assert_sign(_paired(PROPRIETARY, "open_ai", "gini_income", ai_effect=True), -1)


def test_open_ai_is_the_base_where_ai_is_already_commodity():
    assert LEVERS["open_ai"].apply(COMMODITY) == COMMODITY


# --- broad ownership ------------------------------------------------------------------
def test_public_equity_moves_only_incomes_and_lowers_the_gini():
    # a share of owners' and vendors' income paid equally: no choice depends on who
    # owns (reinvestment uses the firm's owners' income), so only capital income,
    # transfers and incomes change, and the Gini falls (concentrated → equal)
    a, b = simulate(SMALL, seed=1), simulate(LEVERS["public_equity"].apply(SMALL), seed=1)
    for col in ("output_total", "wages_total", "employment_rate", "gini_wage",
                "gini_assets", "mean_education"):
        np.testing.assert_array_equal(a[col], b[col], err_msg=col)
    assert (b["gini_income"] < a["gini_income"]).all()


def test_public_equity_changes_nothing_without_owner_or_vendor_income():
    # ξ = 1 pays owners nothing and μ = 0 leaves vendors nothing: the pool is empty
    base = SMALL.replace(xi=1.0, ai_markup=0.0)
    _same_runs(base, LEVERS["public_equity"].apply(base))


# --- asset concentration --------------------------------------------------------------
def test_asset_deconcentration_lowers_asset_and_income_inequality():
    # firm size ∝ k^ν and rents rise with k: a less concentrated K gives less
    # concentrated owners' income and firm premia
    _assert_sign(_paired(PROPRIETARY, "asset_deconcentration", "gini_assets"), -1)
    _assert_sign(_paired(PROPRIETARY, "asset_deconcentration", "gini_income"), -1)


# --- education subsidy -----------------------------------------------------------------
def test_education_subsidy_raises_education():
    # net(e) = B(e) − κ(1 − s)e²w̄/θ has increasing differences in (e, s): each chooser's
    # best e is weakly higher with the subsidy (Topkis), strictly for some
    _assert_sign(_paired(SMALL, "edu_subsidy", "mean_education"), +1)


def test_education_subsidy_changes_nothing_when_schooling_is_free():
    # κ = 0: the cost κ(1 − s)e² and the subsidy κ·s·e² are 0 whatever s is
    base = SMALL.replace(edu_cost=0.0)
    _same_runs(base, LEVERS["edu_subsidy"].apply(base))


# --- skills assessment ------------------------------------------------------------------
def test_skills_assessment_raises_the_diagnostic_variance_after_ai():
    # AI's equal floor compresses work samples (their ability signal); a share taken
    # without AI keeps it, so corr(signal, ability)² on exposed tasks rises
    _assert_sign(_paired(SMALL, "skills_assessment", "diagnostic_variance"), +1)


def test_skills_assessment_changes_nothing_without_screening():
    # screening off: employers see productivity exactly; no work sample is read
    base = SMALL.replace(screening=False)
    _same_runs(base, LEVERS["skills_assessment"].apply(base))


# --- retooling ------------------------------------------------------------------------
def test_faster_retooling_moves_more_workers_toward_the_tasks_ai_pays():
    # σ = 2 > σ* ≈ 1.25 (MODEL.md §3.4): AI raises codifiable pay relative to social,
    # so the codifiable share rises after AI; with twice the retooling rate, twice the
    # workers may move each year, so the share has moved further by T
    base = SMALL.replace(sigma=2.0)
    _assert_sign(_paired(base, "retooling", "codifiable_employment_share"), +1)


def test_retooling_moves_no_one_between_tasks_without_occupational_choice():
    # tasks fixed: every worker keeps her task and jobs per task are floor(job_rate ×
    # workers on it), so the codifiable share of the employed is the same at any
    # retooling speed (only education is re-chosen)
    base = SMALL.replace(occupational_choice=False)
    p = LEVERS["retooling"].apply(base)
    for seed in SEEDS[:2]:
        a, b = simulate(base, seed=seed), simulate(p, seed=seed)
        np.testing.assert_array_equal(a["codifiable_employment_share"],
                                      b["codifiable_employment_share"])


# --- deployment cadence ------------------------------------------------------------------
def test_slow_deployment_follows_the_capability_path():
    # A_t = A_max(1 − exp(−g t)) with g halved: lower at every t > 0, by the closed form
    p = LEVERS["slow_deployment"].apply(SMALL)
    df = simulate(p, seed=1)
    t = df.index.to_numpy()
    expected = p.ai_max * (1 - np.exp(-p.ai_growth * t))
    np.testing.assert_allclose(df["ai_capability"].to_numpy(), expected, rtol=1e-12)
    base = simulate(SMALL, seed=1)["ai_capability"].to_numpy()
    assert (df["ai_capability"].to_numpy()[1:] < base[1:]).all()
