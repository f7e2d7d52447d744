"""The analytic prediction: identities, limiting cases and the regime statements (a), (b).

These need no simulation; each asserts a property that follows from the model's
equations, so a broken mean field fails here before the statistical comparisons run.
"""

import pytest

from abm import Params
from analysis.regimes import CONCENTRATING, EQUALIZING, Resolution, predict
from analysis.regimes_inputs import set_axis

BASE = Params()


def test_without_ai_nothing_changes():
    pr = predict(BASE.replace(ai_enabled=False))
    assert pr.dgini == 0.0
    assert pr.gini_after == pr.gini_before
    assert pr.regime == EQUALIZING          # the simulation's convention: concentrating iff > 0


def test_terms_add_up_to_dgini():
    for p in (BASE, BASE.replace(ai_rent_tax=0.5, public_equity=0.2), BASE.replace(xi=0.7)):
        pr = predict(p)
        total = pr.compression + pr.concentration + pr.redistribution + pr.vendors
        assert total == pytest.approx(pr.dgini, abs=1e-12)
        assert sum(pr.terms.values()) == pytest.approx(pr.dgini, abs=1e-12)


def test_redistribution_term_is_zero_without_transfers_and_equalizing_with_them():
    uninsured = BASE.replace(unemployment_benefit=0.0)
    assert predict(uninsured).redistribution == 0.0
    assert predict(uninsured.replace(ai_rent_tax=0.5)).redistribution < 0
    assert predict(BASE.replace(ai_rent_tax=0.5)).redistribution < 0


def test_unemployment_insurance_lowers_the_gini_and_adds_up_to_no_transfer():
    """Benefits b·w^c go to the unemployed (zero wage, the bottom of the distribution)
    and are paid by the employed: the Gini falls in both states, and the net transfer
    is zero on average (the budget balances), so the transfers' share is 0."""
    off = predict(BASE.replace(unemployment_benefit=0.0))
    on = predict(BASE)
    for a, b in ((off.before, on.before), (off.after, on.after)):
        assert b.gini < a.gini
        assert b.shares["transfer"] == pytest.approx(0.0, abs=1e-12)
        assert b.contributions["transfer"] < 0 == a.contributions["transfer"]


def test_output_is_fully_paid_out():
    # output = wages + owners' income + vendors' income (no taxes here), in both states,
    # with and without limited liability binding (strong shocks make some rents negative)
    for p in (BASE, BASE.replace(firm_shock_sd=0.6)):
        pr = predict(p)
        for state in (pr.before, pr.after):
            total = state.labor_share + state.asset_income_share + state.vendor_income_share
            assert total == pytest.approx(1.0, abs=1e-12)
    assert pr.before.vendor_income_share == 0.0 < pr.after.vendor_income_share


def test_vendor_term_is_zero_when_commodity_ai_is_free():
    assert predict(BASE.replace(ai_markup=0.0)).vendors == 0.0
    assert predict(BASE).vendors > 0          # 1% of persons own compute: concentrating


def test_switching_the_concentrating_channel_off_is_all_commodity_ai():
    # concentration off also freezes assets (abm.steps.accumulation), as no reinvestment does
    off = predict(BASE.replace(concentration=False))
    commodity = predict(BASE.replace(eta0=BASE.eta0 + BASE.eta1, eta1=0.0, reinvest_rate=0.0))
    assert off.dgini == pytest.approx(commodity.dgini, abs=1e-12)
    assert off.after.ai_rent_share == pytest.approx(0.0, abs=1e-12)


def test_skill_neutral_ai_does_not_compress():
    # y = hφ·(1 + ai/m) scales every worker alike; only education re-choice moves the CV
    neutral = predict(BASE.replace(homogenization=False))
    assert abs(neutral.cv_after - neutral.cv_before) < 0.005
    assert predict(BASE).cv_after < predict(BASE).cv_before - 0.1


def test_a_homogenization_in_both_regimes():
    """(a) Within-task CV falls by the same amount under commodity and proprietary AI."""
    commodity = predict(set_axis(BASE, "proprietary_share", 0.0))
    proprietary = predict(set_axis(BASE, "proprietary_share", 1.0))
    for pr in (commodity, proprietary):
        assert pr.cv_after < pr.cv_before - 0.1          # 0.50 -> 0.36 at the baseline
    # same total AI intensity, so the same compression of individual performance
    assert commodity.cv_after == pytest.approx(proprietary.cv_after, abs=0.005)
    assert commodity.regime == EQUALIZING and proprietary.regime == CONCENTRATING


def test_b_technology_structure_alone_crosses_the_boundary():
    """(b) At ξ = 0.1 and Gini(K) = 0.6 commodity AI equalizes and proprietary AI concentrates."""
    low = predict(set_axis(BASE, "proprietary_share", 0.0))
    high = predict(set_axis(BASE, "proprietary_share", 1.0))
    # commodity AI is barely equalizing at ε = 0.6: its compression of wages is almost
    # undone by the rising share of complementary assets (docs/REGIMES.md)
    assert low.dgini < 0 and high.dgini > 0.03
    assert low.compression < -0.01 and low.concentration > 0.01
    assert low.concentration < high.concentration
    # with assets and labour closer to perfect substitutes, commodity AI clearly equalizes
    assert predict(set_axis(BASE.replace(asset_elasticity=3.0), "proprietary_share",
                            0.0)).dgini < -0.01


def test_prediction_is_continuous_in_the_parameters():
    # the boundary root-finder needs it: education switches are exact, not grid points
    a = predict(BASE.replace(xi=0.3)).dgini
    b = predict(BASE.replace(xi=0.3 + 1e-7)).dgini
    assert abs(a - b) < 1e-7


@pytest.mark.slow
def test_quadrature_error_is_small():
    # the default resolution against one four times finer (ability bins, persons' points,
    # productivity nodes, owners' points; firm bins are the J firms, not a resolution):
    # the error is far below the tolerance of the simulation comparisons
    fine = Resolution(n_theta=800, n_points=2400, n_shock=15, n_capital=400)
    for p in (BASE, set_axis(BASE, "proprietary_share", 1.0), BASE.replace(xi=0.9)):
        assert predict(p).dgini == pytest.approx(predict(p, resolution=fine).dgini, abs=5e-5)


def test_random_matching_bounds_sorting():
    # with rent sharing, sorting good workers into rich firms adds to inequality
    p = BASE.replace(xi=0.9)
    assert predict(p, matching="random").dgini < predict(p).dgini


def test_steady_state_does_not_depend_on_reinvestment_speed():
    # K = K̂·(S/S*)^β with S → s_K·income/δ and S* = s_K·Ī/δ: s_K > 0 and δ cancel
    a = predict(BASE)
    b = predict(BASE.replace(reinvest_rate=0.9, depreciation=0.5))
    assert a.dgini == pytest.approx(b.dgini, abs=1e-9)
    frozen = predict(BASE.replace(reinvest_rate=0.0))
    assert frozen.after.gini_assets == pytest.approx(BASE.asset_gini, abs=0.005)
    assert a.after.gini_assets > frozen.after.gini_assets + 0.01
    assert a.after.converged


def test_bad_arguments():
    with pytest.raises(TypeError):
        predict({"xi": 0.1})
    with pytest.raises(ValueError, match="matching"):
        predict(BASE, matching="perfect")
