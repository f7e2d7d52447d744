"""Sample rows -> Params, the mean-field outputs and the paired-simulation check."""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params
from abm.branch import branch
from analysis.regimes.prediction import predict
from analysis.sensitivity import outputs, salib
from analysis.sensitivity.ranges import (RANGES, Range, default_ranges, fields, problem,
                                         row_params)

NAMES = tuple(r.name for r in RANGES)


def test_proprietary_share_splits_the_fixed_total():
    # s = η1/(η0+η1) with η0 + η1 held at the base's total T
    base = Params(eta0=1.0, eta1=3.0)                       # T = 4
    f = fields({"proprietary_share": 0.25, "xi": 0.1}, base)
    assert f == {"xi": 0.1, "eta0": pytest.approx(3.0), "eta1": pytest.approx(1.0)}
    for s in (0.0, 1.0):
        f = fields({"proprietary_share": s}, base)
        assert f["eta0"] + f["eta1"] == pytest.approx(4.0)
        assert f["eta1"] / 4.0 == pytest.approx(s)
    with pytest.raises(ValueError, match="eta0 \\+ eta1 > 0"):
        fields({"proprietary_share": 0.5}, Params(eta0=0.0, eta1=0.0))


def test_a_sample_row_produces_the_params_it_stands_for():
    base = Params()
    row = [0.12, 0.7, 0.8, 1.5, 1.2, 0.5, 0.3, 0.9, 0.93, 0.05]
    expected = base.replace(xi=0.12, asset_gini=0.7, eta0=0.2, eta1=0.8, psi=1.5, sigma=1.2,
                            asset_elasticity=0.5, ability_sd=0.3, ai_weight=0.9,
                            job_rate=0.93, edu_return=0.05)
    got = row_params(np.array(row), NAMES, base)
    assert got.replace(eta0=0.2, eta1=0.8) == expected      # floats of 0.2·1.0 etc.
    assert got.eta0 == pytest.approx(0.2) and got.eta1 == pytest.approx(0.8)
    with pytest.raises(ValueError, match="10 values"):
        row_params(np.array(row[:-1]), NAMES, base)


def test_every_corner_of_the_ranges_is_a_valid_economy():
    # Params validates each field's bounds: the ranges must lie inside them
    base = Params()
    for r in RANGES:
        for v in (r.lo, r.hi):
            row = [v if n == r.name else (q.lo + q.hi) / 2 for n, q in zip(NAMES, RANGES)]
            row_params(row, NAMES, base)
    prob = problem(RANGES)
    assert prob["names"] == list(NAMES) and prob["num_vars"] == len(RANGES)
    assert prob["bounds"][0] == [0.05, 0.15]                # rent sharing, Card et al.


def test_the_curvature_in_use_joins_the_ranges():
    assert default_ranges(Params()) == RANGES              # additive: no curvature
    assert default_ranges(Params(augmentation="ces"))[-1].name == "rho"
    assert default_ranges(Params(augmentation="multiplicative"))[-1].name == "mult_elasticity"
    row_params([0.1], ("rho",), Params(augmentation="ces"))
    with pytest.raises(ValueError, match="lo=.* must be below"):
        Range("x", 1.0, 1.0, "x", "")


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_mean_field_outputs_are_predict_and_its_sign(share):
    # at the baseline the boundary along the proprietary share is near 0.06
    # (docs/REGIMES.md): all-commodity AI equalizes, all-proprietary concentrates
    base = Params()
    func = outputs.MeanField(("proprietary_share",), base)
    got = func(np.array([share]))
    want = predict(base.replace(eta0=1.0 - share, eta1=share)).dgini
    assert got["dgini"] == pytest.approx(want, abs=1e-12)
    assert got["concentrating"] == float(want > 0)
    assert got["concentrating"] == (1.0 if share == 1.0 else 0.0)


def test_design_points_are_the_base_matrix_rows():
    # each block of Saltelli's design is A_j, then D rows equal to A_j but for one
    # column taken from B_j, then B_j: the chosen rows must be the A_j
    d = len(RANGES)
    X = salib.sobol_design(RANGES, n=8, seed=0)
    pts = outputs.design_points(X, d, 5)
    for j, a in enumerate(pts):
        block = X[j * (d + 2):(j + 1) * (d + 2)]
        np.testing.assert_array_equal(a, block[0])
        for i in range(d):
            assert np.flatnonzero(block[1 + i] != a).tolist() in ([i], [])
    with pytest.raises(ValueError, match="9 simulated points"):
        outputs.design_points(X, d, 9)


def test_simulated_check_is_the_paired_difference():
    base = outputs.sim_base(Params(), 400)
    assert base.n_workers == 400 and base.n_firms == 8       # 50 workers per firm kept
    names = ("xi", "proprietary_share")
    pts = np.array([[0.1, 0.9], [0.1, 0.0]])
    table = outputs.simulated_check(pts, names, base=base, mean_field=[0.01, -0.01],
                                    seeds=[1, 2], periods=3)
    runs = [branch(base.replace(eta0=0.1, eta1=0.9), seed=s, n_periods=3,
                   variants={"ai": {}, "no_ai": {"ai_enabled": False}}) for s in (1, 2)]
    d = [r["ai"]["gini_income"].iloc[-1] - r["no_ai"]["gini_income"].iloc[-1] for r in runs]
    assert table.loc[0, "sim_dgini"] == pytest.approx(np.mean(d), abs=1e-12)
    assert table.loc[0, "sim_se"] == pytest.approx(np.std(d, ddof=1) / np.sqrt(2), abs=1e-12)
    assert list(table["n_seeds"]) == [2, 2]
    assert (table["sign_agree"] == (np.sign(table["sim_dgini"])
                                    == np.sign(table["dgini"]))).all()
    assert "agree in sign" in outputs.agreement_line(table)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        outputs.simulated_check(pts, names, base=base, mean_field=[0, 0], seeds=[1], periods=3)
