"""Regime probability under calibration uncertainty: closed forms for planted ΔGini.

With a planted ΔGini that is linear in the parameters, dgini = wᵀθ − c, and
θ ~ N(μ, Σ), P(dgini > 0) = Φ((wᵀμ − c)/sqrt(wᵀΣw)) exactly; under rejection at bounds
on one parameter the closed form is the truncated normal's tail. The estimate is a
binomial share of n draws, so it is within 4 binomial SEs sqrt(P(1−P)/n) of the closed
form except with probability 6e-5 (3 SEs, 0.3% per check, would make a chance failure of
one of the file's dozen checks a few-percent event). Seeds are fixed, so the tests are
deterministic; the margin says how unusual a failing seed would be. Over seeds 0-199 the
standardised error (P̂ − P)/SE of the correlated case has sd 0.97 and one seed (7) at 3.98:
the draws are unbiased, and the tests use the functions' default seed 0.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from abm import Params
from analysis.regimes.prediction import predict
from analysis.sensitivity.probability import (draw_parameters, regime_probability,
                                              scenario_probabilities)

NAMES = ["xi", "ai_weight"]
BASE = Params()


def _cov(sd: tuple[float, float], rho: float) -> pd.DataFrame:
    s = np.array(sd)
    return pd.DataFrame(np.outer(s, s) * np.array([[1, rho], [rho, 1]]), index=NAMES,
                        columns=NAMES)


def _binomial_bound(p: float, n: int) -> float:
    return 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(("mu_xi", "expected"), [(0.25, 1.0), (0.15, 0.0)])
def test_degenerate_covariance_gives_the_indicator_at_the_mean(mu_xi, expected):
    mean = pd.Series([mu_xi, 0.6], index=NAMES)
    out = regime_probability(mean, _cov((0, 0), 0), base=BASE, n_draws=50,
                             dgini=lambda p: p.xi - 0.2).iloc[0]
    assert out["p_concentrating"] == expected and out["se"] == 0.0
    assert out["dgini_q05"] == out["dgini_q95"] == pytest.approx(mu_xi - 0.2)
    assert out["dgini_at_mean"] == pytest.approx(mu_xi - 0.2)
    # Wilson's interval still says how sure 50 draws can make us: P = 1 is consistent
    # with anything above 1 − z²/(n + z²) = 0.929 (closed form at k = n)
    assert (out["ci_high"] if expected == 0 else 1 - out["ci_low"]) == pytest.approx(
        1.96 ** 2 / (50 + 1.96 ** 2), rel=1e-3)


@pytest.mark.parametrize(("w", "c", "rho"), [((1.0, 0.0), 0.22, 0.0),
                                             ((1.0, 0.05), 0.295, 0.6),
                                             ((1.0, 0.05), 0.295, -0.6)])
def test_probability_matches_the_normal_cdf(w, c, rho):
    # ai_weight ~ N(1.5, 0.3²) sits 5 sd above its bound 0 (Φ(−5) = 3e-7 of the draws
    # rejected), xi ~ N(0.2, 0.05²) 4 sd above 0: the untruncated closed form applies
    mean = pd.Series([0.2, 1.5], index=NAMES)
    cov = _cov((0.05, 0.3), rho)
    w = np.array(w)
    closed = norm.cdf((w @ mean.to_numpy() - c) / np.sqrt(w @ cov.to_numpy() @ w))
    n = 1600
    out = regime_probability(mean, cov, base=BASE, n_draws=n, seed=0,
                             dgini=lambda p: w[0] * p.xi + w[1] * p.ai_weight - c).iloc[0]
    assert abs(out["p_concentrating"] - closed) <= _binomial_bound(closed, n)
    assert out["se"] == pytest.approx(np.sqrt(closed * (1 - closed) / n), rel=0.25)
    assert out["dgini_q05"] < out["dgini_q50"] < out["dgini_q95"]


@pytest.mark.parametrize("rho", [0.6, -0.6])
def test_correlation_matters(rho):
    # w = (1, 0.15), sd = (0.05, 0.3): sqrt(wᵀΣw) is 0.085 at ρ = 0.6 and 0.043 at
    # ρ = −0.6 against 0.067 without correlation, so P is 0.240 / 0.080 against 0.186:
    # a sampler that dropped the off-diagonal would miss by more than 4 binomial SEs
    # of 1,600 draws (0.043 / 0.027)
    mean = pd.Series([0.2, 1.5], index=NAMES)      # far from the bounds, as above
    cov = _cov((0.05, 0.3), rho)
    w, c, n = np.array([1.0, 0.15]), 0.485, 1600
    closed = norm.cdf((w @ mean.to_numpy() - c) / np.sqrt(w @ cov.to_numpy() @ w))
    uncorrelated = norm.cdf((w @ mean.to_numpy() - c)
                            / np.sqrt(w @ _cov((0.05, 0.3), 0.0).to_numpy() @ w))
    assert abs(closed - uncorrelated) > _binomial_bound(closed, n)
    out = regime_probability(mean, cov, base=BASE, n_draws=n, seed=0,
                             dgini=lambda p: p.xi + 0.15 * p.ai_weight - c).iloc[0]
    assert abs(out["p_concentrating"] - closed) <= _binomial_bound(closed, n)


def test_draws_outside_the_bounds_are_rejected():
    # xi ~ N(0.05, 0.1) truncated to [0, 0.6]:
    # P(xi > 0.1) = (Φ(5.5) − Φ(0.5)) / (Φ(5.5) − Φ(−0.5))
    mean = pd.Series([0.05, 0.6], index=NAMES)
    cov = _cov((0.1, 0.0), 0.0)
    draws, made = draw_parameters(mean, cov, n_draws=800, seed=3,
                                  bounds={"xi": (0.0, 0.6)})
    assert len(draws) == 800 and draws["xi"].min() >= 0.0 and draws["xi"].max() <= 0.6
    mass = norm.cdf(5.5) - norm.cdf(-0.5)                  # admissible share, 0.691
    assert abs(800 / made - mass) <= 4 * np.sqrt(mass * (1 - mass) / made)
    closed = (norm.cdf(5.5) - norm.cdf(0.5)) / mass
    out = regime_probability(mean, cov, base=BASE, n_draws=800, seed=3,
                             bounds={"xi": (0.0, 0.6)}, dgini=lambda p: p.xi - 0.1).iloc[0]
    assert abs(out["p_concentrating"] - closed) <= _binomial_bound(closed, 800)
    assert out["rejected_share"] == pytest.approx(1 - 800 / made)
    # the untruncated answer would be Φ(−0.5) = 0.309, not 0.447: rejection is visible
    assert abs(out["p_concentrating"] - norm.cdf(-0.5)) > _binomial_bound(closed, 800)


def test_default_bounds_are_the_allowed_ranges():
    # proprietary_share lives in [0, 1]; with mean 0.95 and sd 0.2 most draws above 1
    # would be refused by Params, so they are rejected
    mean = pd.Series([0.95], index=["proprietary_share"])
    cov = pd.DataFrame([[0.04]], index=mean.index, columns=mean.index)
    draws, made = draw_parameters(mean, cov, n_draws=200, seed=1)
    assert draws["proprietary_share"].between(0, 1).all() and made > 200


def test_refusals():
    mean = pd.Series([0.2, 0.6], index=NAMES)
    with pytest.raises(ValueError, match="mean .* outside the bounds"):
        draw_parameters(mean, _cov((0.01, 0.0), 0), n_draws=10,
                        bounds={"xi": (0.25, 0.3)})        # mean outside
    with pytest.raises(ValueError, match="< 1%"):
        draw_parameters(pd.Series([0.0, 0.6], index=NAMES), _cov((1.0, 0.0), 0),
                        n_draws=10, bounds={"xi": (0.0, 0.001)})
    with pytest.raises(ValueError, match="positive semi-definite"):
        draw_parameters(mean, _cov((0.1, 0.1), 0) - 0.02, n_draws=10)
    with pytest.raises(ValueError, match="indexed by"):
        draw_parameters(mean, _cov((0.1, 0.1), 0).rename(index={"xi": "psi"}), n_draws=10)
    with pytest.raises(ValueError, match="not in the mean"):
        draw_parameters(mean, _cov((0.1, 0.1), 0), n_draws=10, bounds={"psi": (0, 1)})


def test_scenarios_give_one_row_each_with_common_draws():
    cov = _cov((0.05, 0.3), 0.0)
    f = lambda p: p.xi - 0.2  # noqa: E731
    saved = SimpleNamespace(params=pd.Series([0.2, 0.6], index=NAMES), cov=cov,
                            to_params=lambda: BASE)
    fits = {-0.01: (pd.Series([0.1, 0.6], index=NAMES), cov), 0.0: saved,
            0.01: (pd.Series([0.3, 0.6], index=NAMES), cov)}
    out = scenario_probabilities(fits, base=BASE, n_draws=400, seed=2, dgini=f)
    assert list(out.index) == [-0.01, 0.0, 0.01]
    # same seed: draws differ only by the shift of the mean, so P rises monotonically
    assert out["p_concentrating"].is_monotonic_increasing
    for m, mu in zip(out.index, (0.1, 0.2, 0.3)):
        closed = norm.cdf((mu - 0.2) / 0.05)
        assert abs(out.loc[m, "p_concentrating"] - closed) <= max(
            _binomial_bound(closed, 400), 1 / 400)
    with pytest.raises(ValueError, match="give base"):
        scenario_probabilities({0.0: fits[0.01]}, dgini=f)
    assert scenario_probabilities({0.0: saved}, n_draws=10, dgini=f).shape[0] == 1


@pytest.mark.parametrize("horizon", [None, 3])
def test_mean_field_default_at_a_point(horizon):
    # the default dgini is the analytic mean field: with cov = 0 it is its sign at the
    # mean; the horizon dates the AI state (the base's own 30 periods, or 3)
    mean = pd.Series([0.1, 0.6], index=NAMES)
    out = regime_probability(mean, _cov((0, 0), 0), base=BASE, n_draws=3,
                             horizon=horizon).iloc[0]
    at = BASE.replace(xi=0.1, ai_weight=0.6, n_periods=horizon or BASE.n_periods)
    expected = predict(at).dgini
    assert out["dgini_at_mean"] == pytest.approx(expected, abs=1e-12)
    assert out["p_concentrating"] == float(expected > 0)
    assert out["horizon"] == (horizon or 30)
