"""The analytic prediction against simulated runs (seeded; statistical tolerances).

Simulated dgini of a run is its final-period income Gini minus that of the no-AI run
with the same seed; points are run through the sweep runner in-process ("serial"), the
same path `abm regimes` takes on a Dask cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm import Params
from analysis.regimes import boundary, predict
from analysis.regimes.boundary import set_axis
from abm.uncertainty import distinguishable
from analysis.regimes.maps import agreement, classify, simulate_points

ROOT_SEED = 20240601


def simulate(tmp, points, *, seeds, periods, label, **fixed):
    base = Params().replace(**fixed, n_periods=periods)
    return simulate_points(points, base=base, fixed=fixed, seeds=seeds, periods=periods,
                           root_seed=ROOT_SEED, out=tmp, label=label, client="serial")


def decisive_sign(row: pd.Series) -> int:
    """+1 / −1 when the simulated mean is distinguishable from zero (t test), else 0."""
    if not distinguishable(row["sim_dgini"], row["sim_se"], int(row["n_seeds"])):
        return 0
    return int(np.sign(row["sim_dgini"]))


@pytest.mark.slow
def test_analytic_dgini_matches_a_large_simulation(tmp_path):
    """Large N with the mean field's abstractions switched off: the equations must agree.

    Reinvestment off (assets keep their initial distribution, as in the mean field) and
    exact screening (hiring settles into the assortative matching the mean field solves).
    Tolerance 1e-3 in Gini units: the 2-seed standard error is about 2e-4, quadrature
    error below 5e-5 (test_quadrature_error_is_small), the sample of 100 firms and the 4%
    of workers who have not yet re-chosen education by T = 30 each move dgini by about
    3e-4. The regimes differ by 7e-2, so 1e-3 is a sharp test.
    """
    points = [{"proprietary_share": 0.0}, {"proprietary_share": 1.0},
              {"xi": 0.5, "asset_gini": 0.15}]
    t = simulate(tmp_path, points, seeds=2, periods=30, label="large", n_workers=20000,
                 reinvest_rate=0.0, screening=False)
    assert (t["n_seeds"] == 2).all()
    assert (t["sim_se"] < 5e-4).all()
    gap = (t["sim_dgini"] - t["dgini"]).abs()
    assert (gap < 1e-3).all(), t[["sim_dgini", "sim_se", "dgini"]]


@pytest.fixture(scope="module")
def two_regimes(tmp_path_factory):
    """Commodity and proprietary AI at ξ = 0.1, Gini(K) = 0.6: the full model, 4 seeds."""
    points = [{"proprietary_share": 0.0}, {"proprietary_share": 1.0}]
    return simulate(tmp_path_factory.mktemp("two"), points, seeds=4, periods=30,
                    label="two-regimes")


def test_a_within_task_cv_falls_in_both_regimes(two_regimes):
    """(a) Homogenization and concentration together."""
    for _, r in two_regimes.iterrows():
        assert r["sim_dcv"] < -0.1                   # 0.50 -> 0.36 in either regime
        assert r["cv_after"] < r["cv_before"] - 0.1  # and in the mean field
    assert [decisive_sign(r) for _, r in two_regimes.iterrows()] == [-1, 1]


def test_b_technology_structure_alone_crosses_the_boundary(two_regimes):
    """(b) Same ξ and Gini(K): commodity AI equalizes, proprietary AI concentrates."""
    assert list(np.sign(two_regimes["dgini"])) == [-1, 1]
    assert [decisive_sign(r) for _, r in two_regimes.iterrows()] == [-1, 1]
    root = boundary(Params(), along="proprietary_share").value
    assert 0.0 < root < 1.0


def test_c_xi_pins_the_sign_where_the_boundary_exists(tmp_path):
    """(c) At Gini(K) = 0.2 the boundary ξ* is confirmed by simulations on either side."""
    p = Params(asset_gini=0.2)
    xi_star = boundary(p, along="xi").value
    points = [{"asset_gini": 0.2, "xi": round(xi_star - 0.3, 4)},
              {"asset_gini": 0.2, "xi": round(xi_star + 0.3, 4)}]
    t = simulate(tmp_path, points, seeds=4, periods=30, label="xi-sides")
    assert [decisive_sign(r) for _, r in t.iterrows()] == [1, -1]
    assert list(np.sign(t["dgini"])) == [1, -1]


def test_sign_agreement_on_a_small_grid(tmp_path):
    """The report's rule: where the simulation is decisive, the signs agree."""
    points = [{"xi": xi, "proprietary_share": s} for s in (0.1, 0.9) for xi in (0.2, 0.8)]
    t = simulate(tmp_path, points, seeds=3, periods=20, label="small", n_workers=3000)
    a = agreement(t)
    assert a.n_decisive >= 3
    assert a.share == 1.0, a.disagreements


def test_the_agreement_rule_itself():
    t = classify(pd.DataFrame({
        "dgini": [0.01, 0.01, -0.02, 0.005],
        "sim_dgini": [0.012, -0.004, -0.015, 0.001],
        "sim_se": [0.001, 0.001, 0.002, 0.001], "n_seeds": [4, 4, 4, 4]}))
    a = agreement(t)
    # t(3) critical value 3.18: |z| = 12, 4, 7.5 are decisive, 1 is not
    assert list(t["decisive"]) == [True, True, True, False]
    assert (a.n_points, a.n_decisive, a.n_agree) == (4, 3, 2)
    assert a.share == pytest.approx(2 / 3)
    assert a.disagreements["gap"].iloc[0] == pytest.approx(-0.014)
    # with two seeds the same z = 4 is not decisive (t(1) = 12.71; the old 2-SE rule said yes)
    two = classify(t.assign(n_seeds=2)[["dgini", "sim_dgini", "sim_se", "n_seeds"]])
    assert list(two["decisive"]) == [False, False, False, False]


def test_mean_field_point_is_the_swept_point():
    # proprietary_share moves η0 and η1 with their sum fixed, in the mean field and sweep
    p = set_axis(Params(), "proprietary_share", 0.8)
    assert (p.eta0, p.eta1) == pytest.approx((0.2, 0.8))
    assert predict(p).params == p
