"""The decomposition against closed forms on a linear toy model of the moments.

The toy's moments are linear in the free parameters, m(θ) = a + B·x(θ) with x the
position of each parameter in its calibration range, so the MSM estimate's influence
matrix Λ = −(G'WG)⁻¹G'W (Andrews, Gentzkow & Shapiro 2017), the delta-method variance of
ΔGini and the profile/constrained fits have closed forms that the code never sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import decompose
from analysis.calibration.estimate import calibrate
from analysis.calibration.space import FREE
from analysis.calibration.targets import load_targets

NAMES = [f.name for f in FREE]
LO = np.array([f.lo for f in FREE])
HI = np.array([f.hi for f in FREE])
# rows: the six targets in file order (m1..m6); columns: the five parameters' range shares
B = np.array([[0.30, -0.05, 0.00, 0.00, 0.02],
              [0.50, 0.25, 0.00, 0.00, 0.00],
              [0.10, -0.30, 0.00, 0.00, 0.05],
              [0.00, 0.01, 0.15, 0.00, 0.00],
              [0.00, 0.00, 0.00, 0.20, 0.03],
              [0.004, -0.003, 0.000, 0.002, 0.010]])
A = np.array([-0.05, 0.05, 0.05, 0.01, 0.02, -0.006])
X_TRUE = np.array([0.30, 0.40, 0.50, 0.35, 0.60])
NOISE = np.array([0.002, 0.004, 0.004, 0.0005, 0.002, 0.0002])


def _x(theta) -> np.ndarray:
    x0 = (np.array([f.start for f in FREE]) - LO) / (HI - LO)
    return np.array([(theta[n] - LO[i]) / (HI[i] - LO[i]) if n in theta else x0[i]
                     for i, n in enumerate(NAMES)])


def toy(theta, *, targets, seeds, base):
    """Linear moments; the ΔGini row scales with its period (long run = ×10 at T = 30)."""
    theta = dict(theta)
    order = {t.statistic: i for i, t in enumerate(load_targets().targets)}
    m = A + B @ _x(theta)
    shift = np.mean([((s * 7919) % 13 - 6) / 6 for s in seeds])   # seed noise: a level shift
    out = {}
    for t in targets.targets:
        i = order[t.statistic]
        scale = t.period / 3 if t.statistic == "dgini_ai" else 1.0
        out[t.name] = scale * (m[i] + shift * NOISE[i])
    return pd.Series(out, dtype=float)


@pytest.fixture(scope="module")
def setup():
    base = load_targets()
    truth = toy(dict(zip(NAMES, LO + X_TRUE * (HI - LO), strict=True)), targets=base,
                seeds=[1, 2, 3], base=None)
    misfit = np.array([0.5, -0.5, 0.3, 0.0, 0.2, 0.0]) * [t.se for t in base.targets]
    targets = base
    for (name, v), d in zip(truth.items(), misfit, strict=True):
        targets = targets.with_value(name, float(v + d))
    kw = dict(seeds=[1, 2, 3], simulate=toy, n_starts=2, noise_seeds=4)
    fit = calibrate(targets, **kw)
    return targets, fit, kw


def _closed_form_lambda(targets) -> np.ndarray:
    g = B / (HI - LO)[None, :]                           # d m / d θ
    w = np.diag(1 / np.array([t.se for t in targets.targets]) ** 2)
    return -np.linalg.inv(g.T @ w @ g) @ g.T @ w


def test_ags_scaled_by_target_se_matches_the_hand_formula(setup):
    targets, fit, _ = setup
    lam = _closed_form_lambda(targets)
    se = np.array([t.se for t in targets.targets])
    s = decompose.sensitivity(fit)
    got = (s[s.kind == "bias_per_se"].pivot(index="parameter", columns="target",
                                           values="value")
           .reindex(index=NAMES, columns=targets.names).to_numpy())
    # linear moments: the numerical Jacobian is exact up to rounding (central differences)
    # a datum one SE higher moves θ̂ by (G'WG)⁻¹G'W·se = −Λ·se
    np.testing.assert_allclose(got, -lam * se[None, :], rtol=1e-4, atol=1e-9)
    raw = s[s.kind == "bias"].pivot(index="parameter", columns="target", values="value")
    assert not np.allclose(raw.reindex(index=NAMES, columns=targets.names).to_numpy(),
                           got)                       # the scaling is not a no-op
    assert {"noise_fundamental", "removal", "weighting"} <= set(s.kind)


def test_delta_method_matches_the_closed_form(setup):
    targets, fit, kw = setup
    out = decompose.dgini_at(fit, targets=targets, seeds=kw["seeds"], base=_base(),
                             simulate=toy)
    summ = out["summary"].set_index("horizon")
    lam = _closed_form_lambda(targets)
    g = B[5] / (HI - LO)
    omega = np.diag([t.se ** 2 for t in targets.targets]) + fit.sim_cov.to_numpy() / 3
    var = g @ lam @ omega @ lam.T @ g
    assert summ.loc["data date", "var_by_targets"] == pytest.approx(var, rel=1e-3)
    # long run: the toy's ΔGini is 10x at T = 30 (30/3), so the SE is 10x
    assert summ.loc["long run", "var_by_targets"] == pytest.approx(100 * var, rel=1e-3)
    assert summ.loc["long run", "dgini"] == pytest.approx(
        10 * summ.loc["data date", "dgini"], rel=1e-6)
    split = out["split"]
    dd = split[split.horizon == "data date"]
    assert dd["contribution"].sum() == pytest.approx(var, rel=1e-3)
    a = g @ lam
    expect = a ** 2 * np.array([t.se ** 2 for t in targets.targets])
    np.testing.assert_allclose(dd["data_part"].to_numpy(), expect, rtol=1e-3, atol=1e-15)


def _base():
    from analysis.calibration.space import base_params

    return base_params(n_workers=1000)


def test_share_profile_brackets_the_estimate(setup):
    targets, fit, kw = setup
    s_hat = float(fit.params["proprietary_share"])
    grid = [max(s_hat - 0.2, 0.0), s_hat, min(s_hat + 0.2, 1.0)]
    prof = decompose.share_profile(targets, grid, **kw)
    q = prof["criterion"].to_numpy()
    # the profile is the criterion minimised over the other parameters: never below the
    # global minimum, equal to it at the estimate's share, higher away from it
    assert (q >= fit.criterion - 1e-6 * max(fit.criterion, 1)).all()
    assert q[1] == pytest.approx(fit.criterion, rel=1e-3, abs=1e-6)
    assert q[0] > q[1] and q[2] > q[1]
    # ΔGini rises along the share in the toy (coefficient +0.010 > 0 on the share)
    assert prof["dgini_data_date"].is_monotonic_increasing


def test_regime_constrained_brackets_the_unconstrained_fit(setup):
    targets, fit, kw = setup
    out = decompose.regime_constrained(targets, fit=fit, with_scenario_target=True,
                                       maxiter=200, **kw).set_index("regime")
    q0 = out.loc["main estimate", "criterion"]
    le, ge = out.loc["dgini <= 0", "criterion"], out.loc["dgini >= 0", "criterion"]
    tol = 1e-3 * max(q0, 1.0)
    assert le >= q0 - tol and ge >= q0 - tol
    assert min(le, ge) == pytest.approx(q0, abs=0.05 * max(q0, 1.0))
    assert out["criterion_gap"].iloc[0] >= 0
    assert out.loc["dgini <= 0", "dgini_data_date"] <= 1e-6
    assert out.loc["dgini >= 0", "dgini_data_date"] >= -1e-6


def test_report_flags_estimates_on_a_bound(setup, tmp_path):
    from analysis.calibration import report

    _, fit, _ = setup
    moved = fit.params.copy()
    moved["ability_sd"] = 0.1                    # its lower bound
    moved["xi"] = 0.6                            # its upper bound
    table = report.estimates_table(type("F", (), {"params": moved, "se": fit.se,
                                                  "fixed": {"asset_gini": 0.5}})())
    status = table.set_index("parameter")["status"]
    assert status["ability_sd"] == "estimated, at lower bound"
    assert status["xi"] == "estimated, at upper bound"
    assert status["ai_weight"] == "estimated" and status["asset_gini"] == "fixed"
    path = report.write_report(tmp_path, fit=fit, sensitivity=decompose.sensitivity(fit))
    assert "## Sensitivity" in path.read_text()
    assert list(pd.read_csv(tmp_path / "sensitivity.csv").columns) == [
        "parameter", "target", "kind", "value", "caveat"]


def test_bias_per_se_is_the_refit_after_raising_a_datum_by_one_se(setup):
    """The sign convention checked by doing it: raise m5's empirical value by one SE and
    refit; on linear moments θ̂ moves exactly by the `bias_per_se` column."""
    targets, fit, kw = setup
    name = "rent_sharing"
    moved = calibrate(targets.with_value(name, targets[name].value + targets[name].se), **kw)
    s = decompose.sensitivity(fit)
    col = s[(s.kind == "bias_per_se") & (s.target == name)].set_index("parameter")["value"]
    shift = (moved.params - fit.params)[col.index]
    # the optimiser stops within its tolerance (0.5% of each range) of the exact optimum
    tol = pd.Series(0.005 * (HI - LO), index=NAMES)[col.index]
    assert ((shift - col).abs() <= tol).all(), pd.DataFrame({"refit": shift, "formula": col})
    assert abs(col["xi"]) > 3 * tol["xi"]      # a move the check can see, with its sign


def test_run_calibration_runs_every_stage_on_the_toy(tmp_path):
    """The pipeline of `abm calibrate` end to end (all six stages) with the toy's moments."""
    from analysis.calibration import Settings, run_calibration

    fit = run_calibration(tmp_path, seeds=[3, 5, 7], workers=1, simulate=toy, echo=False,
                          settings=Settings.quick())
    assert fit.meta["seeds"] == [3, 5, 7]
    for name in ("estimates.csv", "moments.csv", "sensitivity.csv", "dgini.csv",
                 "regimes.csv", "m6_scenarios.csv", "share_profile.csv", "fit.json",
                 "share_profile.png", "report.md", "calibrate.log"):
        assert (tmp_path / name).is_file(), name
    m6 = pd.read_csv(tmp_path / "m6_scenarios.csv")
    assert list(m6["m6"]) == [-0.01, 0.0, 0.01]
    # on linear moments a higher ΔGini target gives a higher fitted ΔGini
    assert m6["dgini_data_date"].is_monotonic_increasing
    prof = pd.read_csv(tmp_path / "share_profile.csv")
    assert list(prof["proprietary_share"]) == [0.0, 0.5, 1.0]
    assert "Stages that failed" not in (tmp_path / "report.md").read_text()
