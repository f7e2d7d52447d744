"""The firm side of economics v2: complementarity, priced AI, the fringe, rent sharing,
steady states and firms that employ someone.

Paired design as in `test_propositions.py`: for seeds 1-3 the AI run is compared with
the no-AI run of the same seed and parameters, 20 years after AI arrives, in an economy
of 6,000 workers; every tolerance below states the seed-to-seed standard error (SE)
measured for it. Thresholds that are not measured effects come from the closed forms in
docs/MODEL.md §3.5-3.7, as each comment says.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import LaborMarketModel, Params, simulate
from abm.steps import firm_technology

from .test_propositions import all_above, all_below, effect

COMMODITY = dict(eta0=1.0, eta1=0.0)
PROPRIETARY = dict(eta0=0.0, eta1=1.0)


# --- value shifts to the assets by complementarity, under commodity AI too -------------
@pytest.mark.slow
def test_asset_share_rises_with_commodity_ai_when_assets_are_complements():
    # ε = 0.6 < 1: the assets' share 1 − (1−λ)(u/C)^r rises with u (MODEL.md §3.5);
    # measured +0.024 (SE 0.0002); every seed must show at least +0.01 (50 SE)
    e = effect(**COMMODITY, asset_elasticity=0.6)
    assert all_above(e["asset_income_share"], 0.01)
    assert all_below(e["labor_share"], -0.01)


@pytest.mark.slow
def test_asset_share_is_constant_with_cobb_douglas_firms():
    # ε = 1: shares are constant in u; measured −0.0001 (SE 0.00002). What moves it at
    # all is the vendors' share of AI and the fringe-to-firm composition: |Δ| < 0.002
    e = effect(**COMMODITY, asset_elasticity=1.0)
    assert np.all(np.abs(e["asset_income_share"]) < 0.002)


@pytest.mark.slow
def test_asset_share_falls_when_assets_are_substitutes():
    # ε = 3 > 1: the share falls with u; measured −0.018 (SE 0.00003)
    e = effect(**COMMODITY, asset_elasticity=3.0)
    assert all_below(e["asset_income_share"], -0.01)


@pytest.mark.slow
def test_complementarity_decides_whether_commodity_ai_equalizes():
    # the same commodity AI, homogenizing alike (CV −0.13 in all three), lowers the
    # income Gini when the assets are not complements (ε = 1: −0.015, SE 0.0002;
    # ε = 3: −0.026, SE 0.0004) and leaves it where it was at the default complementarity
    # (ε = 0.6: +0.001, SE 0.0007): the value AI makes shifts to the scarce assets
    low, cd, high = (effect(**COMMODITY, asset_elasticity=v) for v in (0.6, 1.0, 3.0))
    for e in (low, cd, high):
        assert all_below(e["within_task_cv_exposed"], -0.1)
    assert all_below(cd["gini_income"], -0.008)
    assert all_below(high["gini_income"] - cd["gini_income"], -0.005)
    assert all_above(low["gini_income"] - cd["gini_income"], 0.01)


# --- proprietary AI: concentrating because it follows concentrated assets --------------
@pytest.mark.slow
def test_proprietary_ai_that_every_employer_holds_is_competed_away():
    # ψ = 0: access does not depend on assets, so the fringe holds it too (MODEL.md
    # §3.5) and it reaches wages like commodity AI without vendors: measured ΔGini
    # −0.0010 (SE 0.0006) for both; the two must agree within 0.003 (5 SE) per seed
    flat, free = effect(**PROPRIETARY, psi=0.0), effect(**COMMODITY, ai_markup=0.0)
    assert np.all(np.abs(flat["gini_income"] - free["gini_income"]) < 0.003)
    assert np.all(np.abs(flat["ai_rent_share"]) < 1e-9)


@pytest.mark.slow
def test_two_regimes_by_technology_structure():
    # with ε = 1 (no complementarity shift) commodity AI is equalizing, −0.015 (SE
    # 0.0002), and proprietary AI held ∝ k^ψ is concentrating, +0.040 (SE 0.001) at the
    # defaults; within-task CV falls by about 0.13 in both
    comm = effect(**COMMODITY, asset_elasticity=1.0)
    prop = effect(**PROPRIETARY, asset_elasticity=1.0)
    assert all_below(comm["within_task_cv_exposed"], -0.1)
    assert all_below(prop["within_task_cv_exposed"], -0.1)
    assert all_below(comm["gini_income"], -0.008)
    assert all_above(prop["gini_income"], 0.02)


# --- AI has a price --------------------------------------------------------------------
def test_vendor_income_is_the_markup_times_commodity_ais_value():
    p = Params(n_workers=1500, n_firms=30, n_tasks=10, burn_in=5, ai_markup=0.25)
    model = LaborMarketModel(p, seed=3, agents=False)
    for _ in range(4):
        model.step()
    w, t, f, eco = model.economy.workers, model.economy.tasks, model.economy.firms, model.economy
    emp = w.employer >= 0
    # the value commodity AI adds, recomputed from the additive form: α·A_t·η0 on the
    # augmentable tasks, valued at the labour price ω_z
    added = (t.ai_weight * eco.ai_capability * t.augmentable * p.eta0)[w.task[emp]]
    value = float(np.sum(t.labour_price[w.task[emp]] * added))
    assert value > 0
    assert eco.vendor_income == pytest.approx(0.25 * value, rel=1e-12)
    assert f.vendor_fees.sum() == pytest.approx(eco.vendor_income, rel=1e-12)
    # the vendors' owners receive it (public_equity 0): their capital income includes it
    owners = eco.compute_owners
    assert w.capital_income[owners].sum() >= eco.vendor_income * (1 - 1e-12)
    assert model.metrics["vendor_income_share"] == pytest.approx(
        eco.vendor_income / eco.output_total)


# --- rent sharing as the data measure it ------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("xi", [0.0, 0.1, 0.5])
def test_rent_sharing_elasticity_follows_the_wage_rule(xi):
    # for a stayer whose firm's value added moves by a productivity shock, the wage rule
    # w = w^c·(1 + ξπ) gives d ln w / d ln(VA/L) = ξ(1 + π)/(1 + ξπ) (MODEL.md §3.6),
    # with π the firm's rent per unit of competitive wage bill. The estimate over 15
    # years (about 40,000 stayer-years) must be within 0.05 of this prediction evaluated
    # at the employment-weighted mean π: the composition of the workforce and education
    # changes also move VA/L, which the prediction leaves out (measured gaps 0.00-0.03).
    # Tasks are fixed here: workers who change task quit and are replaced, which moves
    # VA/L by composition too (with occupational choice the gap at ξ = 0.5 is 0.057)
    p = Params(n_workers=4000, n_firms=60, n_tasks=10, n_periods=15, burn_in=20,
               ai_enabled=False, xi=xi, occupational_choice=False)
    model = LaborMarketModel(p, seed=2, agents=False)
    estimates, pis = [], []
    for _ in range(p.n_periods):
        model.step()
        estimates.append(model.metrics["rent_sharing_elasticity"])
        f = model.economy.firms
        ok = f.competitive_wage_bill > 0
        pis.append(np.average((f.rents[ok] - f.taxes[ok]) / f.competitive_wage_bill[ok],
                              weights=f.employment[ok]))
    pi = float(np.mean(pis))
    predicted = xi * (1 + pi) / (1 + xi * pi)
    assert np.mean(estimates) == pytest.approx(predicted, abs=0.05)


# --- firms employ someone -------------------------------------------------------------
def test_almost_no_firm_is_empty_with_many_small_firms():
    # 500 firms and 4,000 workers: 7.6 jobs per firm on average. The requirement: under
    # 2% of firms empty in every period. The largest-remainder rule left 54% empty;
    # systematic rounding alone, with jobs per task moving as workers choose tasks,
    # 1.5% ± 0.1% (seeds 1-8; 2.8% at seed 1, period 2); with one job for each firm
    # entitled to one (MODEL.md §3.3.1) the empty are the firms entitled to less than a
    # job (0.03% ± 0.02%, at most 0.2%)
    for seed in (1, 2, 3):
        p = Params(n_workers=4000, n_firms=500, n_tasks=20, n_periods=3, burn_in=5)
        df = simulate(p, seed=seed, agents=False)
        assert df["empty_firm_share"].max() < 0.02


# --- a steady state exists --------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("changes", [COMMODITY, {}, PROPRIETARY],
                         ids=["commodity", "mixed", "proprietary"])
def test_asset_distribution_reaches_a_steady_state(changes):
    # decreasing returns to the asset stock (β = 0.5) bound cumulative advantage
    # (MODEL.md §3.7): over the last 20 of 100 years Gini(K) moves by less than 0.01
    # (measured ranges 0.002-0.003 over two seeds); the largest of 60 firms' share moves
    # with its own transitory productivity luck, by less than 0.02 (measured 0.003-0.010)
    p = Params(n_workers=3000, n_firms=60, n_tasks=10, n_periods=100, burn_in=20, **changes)
    df = simulate(p, seed=1, agents=False)
    tail = df.iloc[-21:]
    assert np.ptp(tail["gini_assets"].astype(float)) < 0.01
    assert np.ptp(tail["largest_firm_asset_share"].astype(float)) < 0.02


@pytest.mark.slow
def test_no_ai_economy_is_stationary_in_every_statistic():
    # the pre-AI economy is its own steady state by construction (the asset stock is
    # anchored, the burn-in settles sorting): over 30 years, the mean of the last ten
    # minus the mean of the first ten, averaged over 6 seeds, is within 3 SE of 0 and
    # within the stated absolute bound for every statistic
    cols = {"gini_income": 0.01, "gini_wage": 0.01, "gini_capital_income": 0.01,
            "gini_assets": 0.01, "labor_share": 0.01, "between_firm_wage_share": 0.03,
            "within_task_cv_exposed": 0.01, "education_premium": 0.01,
            "mean_education": 0.05, "employment_rate": 0.005,
            "largest_firm_asset_share": 0.01}
    p = Params(n_workers=3000, n_firms=60, n_tasks=10, n_periods=30, burn_in=20,
               ai_enabled=False)
    drift = []
    for seed in range(1, 7):
        x = simulate(p, seed=seed, agents=False)[list(cols)].astype(float)
        drift.append((x.iloc[21:].mean() - x.iloc[1:11].mean()).to_numpy())
    d = np.array(drift)
    mean, se = d.mean(axis=0), d.std(axis=0, ddof=1) / np.sqrt(len(d))
    for name, m, s, bound in zip(cols, mean, se, cols.values(), strict=True):
        assert abs(m) < bound, f"{name} drifts by {m:+.4f}"
        assert abs(m) < 3 * s + 1e-3, f"{name} drifts by {m:+.4f} (SE {s:.4f})"


def test_firm_ces_share_closed_form_on_a_hand_built_team():
    # one team of 2 workers, φ = 1, outputs 1.5 and 2.5 (u = 2), assets x = 0.5, m_K = 1/3
    # (λ = 0.25), ε = 0.5 (r = −1): C = 1/(0.75/2 + 0.25/0.5) = 1/0.875, and labour's
    # competitive share C_u·u/C = 0.75·(C/u)^2·u/C = 0.75·C/u = 0.4286
    lam, r = firm_technology.asset_share(1.0 / 3.0), firm_technology.exponent(0.5)
    assert lam == pytest.approx(0.25) and r == pytest.approx(-1.0)
    q = firm_technology.team_output(np.array([4.0]), np.array([2]), np.array([1.0]),
                                    np.array([0.5]), np.array([1.0]), lam, r, 1.0 / 3.0)
    assert q[0] == pytest.approx(2 * (4.0 / 3.0) / 0.875)
    slope = firm_technology.ces_labour_slope(np.array([2.0]), np.array([0.5]), lam, r)[0]
    assert slope * 2.0 / (1.0 / 0.875) == pytest.approx(0.75 / 0.875 / 2.0)
