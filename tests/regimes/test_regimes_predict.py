"""The analytic prediction: identities, limiting cases and the regime statements (a), (b).

These need no simulation; each asserts a property that follows from the model's
equations, so a broken mean field fails here before the statistical comparisons run.
"""

import pytest

from abm import Params
from analysis.regimes import CONCENTRATING, EQUALIZING, Resolution, predict
from analysis.regimes.boundary import set_axis

BASE = Params()


def test_without_ai_nothing_changes():
    pr = predict(BASE.replace(ai_enabled=False))
    assert pr.dgini == 0.0
    assert pr.gini_after == pr.gini_before
    assert pr.regime == EQUALIZING          # the simulation's convention: concentrating iff > 0


def test_terms_add_up_to_dgini():
    for p in (BASE, BASE.replace(ai_rent_tax=0.5, public_equity=0.2), BASE.replace(xi=0.7)):
        pr = predict(p)
        total = pr.compression + pr.concentration + pr.redistribution
        assert total == pytest.approx(pr.dgini, abs=1e-12)
        assert sum(pr.terms.values()) == pytest.approx(pr.dgini, abs=1e-12)


def test_redistribution_term_is_zero_without_transfers_and_equalizing_with_them():
    assert predict(BASE).redistribution == 0.0
    assert predict(BASE.replace(ai_rent_tax=0.5)).redistribution < 0


def test_output_is_fully_paid_out():
    # value added = wages + owners' income (no taxes here), in both states
    pr = predict(BASE)
    for state in (pr.before, pr.after):
        assert state.labor_share + state.asset_income_share == pytest.approx(1.0, abs=1e-12)


def test_switching_the_concentrating_channel_off_is_all_commodity_ai():
    off = predict(BASE.replace(concentration=False))
    commodity = predict(BASE.replace(eta0=BASE.eta0 + BASE.eta1, eta1=0.0))
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
    assert low.dgini < -0.01 and high.dgini > 0.03
    assert low.concentration < high.concentration


def test_prediction_is_continuous_in_the_parameters():
    # the boundary root-finder needs it: education switches are exact, not grid points
    a = predict(BASE.replace(xi=0.3)).dgini
    b = predict(BASE.replace(xi=0.3 + 1e-7)).dgini
    assert abs(a - b) < 1e-7


def test_quadrature_error_is_small():
    # the default resolution against one four times finer: the error is far below the
    # ±1e-3 tolerance of the simulation comparisons and below the boundary tolerance
    fine = Resolution(n_theta=800, n_firms=320, n_points=2400)
    for p in (BASE, set_axis(BASE, "proprietary_share", 1.0), BASE.replace(xi=0.9)):
        assert predict(p).dgini == pytest.approx(predict(p, resolution=fine).dgini, abs=5e-5)


def test_random_matching_bounds_sorting():
    # with rent sharing, sorting good workers into rich firms adds to inequality
    p = BASE.replace(xi=0.9)
    assert predict(p, matching="random").dgini < predict(p).dgini


def test_bad_arguments():
    with pytest.raises(TypeError):
        predict({"xi": 0.1})
    with pytest.raises(ValueError, match="matching"):
        predict(BASE, matching="perfect")
