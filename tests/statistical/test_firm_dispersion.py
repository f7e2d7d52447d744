"""Dispersion of value added per worker across firms, and who is paid below the outside
option (docs/MODEL.md §3.3.3, 'What the premium share needs from firms').

Premia paid from shared rents scale with the dispersion of value added per worker
(var ψ ≈ e²·var log VA/L). The defaults have a third of the data's dispersion; with a
persistent productivity component that brings it to the data, the limited-liability rule
(owners never pay in, so the workers of a firm whose value added does not cover their
outside options take the shortfall) pays about a fifth of the employed below their outside
option, and these cuts, not rent sharing, are then the premia. With owners bearing the
loss instead (`limited_liability = False`) nobody is below, premia vanish at ξ = 0, and
rent sharing at the data's elasticity pays what the log-linear form says, a few per cent.

Seeds 1-3, 6,000 workers, 20 years after period 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm import LaborMarketModel, Params

SEEDS = (1, 2, 3)
N = 6000
PERSISTENT = {"firm_shock_sd": 0.15, "firm_shock_persistence": 0.95}
"""Log productivity with a stationary sd of 0.15/√(1 − 0.95²) = 0.48: the innovations of
plants (Cooper & Haltiwanger 2006), persistence above theirs (0.885), so that value added
per worker reaches the data's within-industry dispersion."""

DATA_VA_SD = (0.5, 0.7)
"""sd of log value added per worker across producers within industries, under
normality: Syverson (2004; 2011, JEL 49(2)) 90-10 labour-productivity ratio ≈ 4 within
four-digit US manufacturing industries, 1.39/2.563 = 0.54; Cunningham, Foster, Grim,
Haltiwanger, Pabilonia, Stewart & Wolf (2019, BLS-Census DiSP) 75-25 ratio ≈ 2.4 within
industries, 0.875/1.349 = 0.65."""


def frames(**overrides: float) -> list:
    out = []
    for seed in SEEDS:
        model = LaborMarketModel(Params(n_workers=N, n_periods=20, **overrides), seed=seed,
                                 agents=False)
        out.append(model.run())
    return out


def shortfall_share(rent_ratio: float, sd: float) -> float:
    """Share of firms whose log value added per worker falls more than `rent_ratio`
    below its mean, with log productivity N(·, sd²): Φ(−r/s)."""
    return 0.5 * (1.0 + math.erf(-rent_ratio / sd / math.sqrt(2.0)))


def test_few_are_paid_below_the_outside_option_at_the_defaults():
    # A firm falls short when its log value added per worker drops below that of its
    # workers' outside options, a fall of r̄ = −log(labour share at outside options)
    # ≈ −log 0.655 = 0.42 at the mean firm (ξ = 0 labour share, seeds 1-6). With
    # transitory shocks of sd σ_a = 0.1 that is Φ(−4.2) ≈ 1e-5 of firm-years; firms with
    # assets near the fringe's have rent ratios near 0 and fall short after a 2-3σ shock
    # (measured: 0.0047 ± 0.0013 in the worst period of a run, all of it such firms). The
    # bound 0.014 is a tenth of the persistent side's derived share (next tests), so
    # the two sides stay an order of magnitude apart.
    bound = 0.1 * shortfall_share(-math.log(0.60), 0.48)
    assert bound == pytest.approx(0.0144, abs=1e-4)
    for frame in frames():
        assert frame["below_outside_option_share"].max() < bound
        sd = frame["va_per_worker_sd"].to_numpy()
        assert np.all((sd > 0.0) & (sd < DATA_VA_SD[0])), sd


@pytest.mark.xfail(strict=True, reason=(
    "finding (docs/MODEL.md §3.3.3): with transitory firm shocks (σ_a = 0.1, ρ_a = 0) "
    "the sd of log value added per worker across firms is 0.20, a third of the data's "
    "within-industry 0.54-0.65; the persistent component that closes the gap puts a "
    "fifth of the employed below their outside option under the limited-liability "
    "rule (test below)"))
def test_value_added_dispersion_is_inside_the_data_at_the_defaults():
    for frame in frames():
        sd = frame["va_per_worker_sd"].iloc[-1]
        assert DATA_VA_SD[0] <= sd <= DATA_VA_SD[1], sd


def test_at_the_data_dispersion_the_shortfall_pays_premia_without_rent_sharing():
    # Expected share below the outside option from the stationary distribution of log
    # productivity alone (sd s = 0.48) at the mean firm's rent ratio, −log 0.60 = 0.51
    # (the labour share at ξ = 0 here, seeds 1-6): Φ(−0.51/0.48) = 0.14; asset
    # differences add to it (measured 0.229 ± 0.013, seeds 1-6, lowest 0.188). Each
    # seed must show more than 0.05. At ξ = 0 the wage rule pays w^c exactly wherever
    # rents cover outside options (ψ = log(1 + 0·π)), so any premium variance comes
    # from the shortfall: that holds by construction of the rule and checks the code
    # (measured 0.172 ± 0.017; each seed must show > 0.01). Value added per worker: the
    # data's lower end less two seed sds (0.03 each): > 0.44.
    s = PERSISTENT["firm_shock_sd"] / math.sqrt(1.0 - PERSISTENT["firm_shock_persistence"] ** 2)
    assert shortfall_share(-math.log(0.60), s) == pytest.approx(0.144, abs=0.001)
    for frame in frames(xi=0.0, **PERSISTENT):
        last = frame.iloc[-1]
        assert 0.44 <= last["va_per_worker_sd"] <= DATA_VA_SD[1], last
        assert last["below_outside_option_share"] > 0.05
        assert last["firm_premium_share"] > 0.01


def test_rent_sharing_alone_pays_little_at_the_data_dispersion():
    """Counterfactual (static: the same states, not re-equilibrated): the firms in
    shortfall pay their workers' outside option, so that premia are shared rents only."""
    # The log-linear form with the data's elasticity bound, γ̄ = 0.15, and this economy's
    # dispersion and log-wage variance (sd 0.56, var 0.24, seeds 1-6) gives
    # 0.15²·0.56²/0.24 = 0.029 (measured 0.030 ± 0.004); the data's lower end, 0.1,
    # would need e ≈ 0.28, twice the data's. Each seed must stay below 0.1 while the
    # premium share it reports with the shortfall's cuts is above it (0.22 ± 0.01).
    for seed in SEEDS:
        model = LaborMarketModel(Params(n_workers=N, n_periods=20, **PERSISTENT), seed=seed,
                                 agents=False)
        model.run()
        f, w = model.economy.firms, model.economy.workers
        firm = w.employer[w.employer >= 0]
        outside = w.wage[w.employer >= 0] / f.rent_factor[firm]
        factor = np.maximum(f.rent_factor, 1.0)[firm]
        counterfactual = np.log(factor).var() / np.log(outside * factor).var()
        assert counterfactual < 0.1 < model.metrics["firm_premium_share"]


def test_without_limited_liability_nobody_is_paid_below_the_outside_option():
    # Both sides of the rule at the data's dispersion and ξ = 0 (the limited-liability
    # side is the test above, premia > 0.01 from the shortfall). Owners bearing the loss:
    # every worker gets w^c·max(1 + ξπ, 1), so nobody is below and, at ξ = 0, every
    # premium is log 1 = 0: both hold by construction of the rule and check the code.
    for frame in frames(xi=0.0, limited_liability=False, **PERSISTENT):
        assert np.all(frame["below_outside_option_share"] == 0.0)
        assert np.all(frame["firm_premium_share"] == 0.0)
        assert np.all(frame["owner_losses_total"] > 0.0)        # and someone pays for it


def test_rent_sharing_at_the_data_dispersion_pays_what_the_log_linear_form_says():
    # In equilibrium, owners bearing the losses, ξ = 0.1. The log-linear form with the
    # elasticity between ξ (at r = 0) and the data's bound 0.15, and this economy's
    # dispersion and log-wage variance (sd 0.54, var ≈ 0.24): ξ²·0.54²/0.24 = 0.012 to
    # 0.15²·0.54²/0.24 = 0.027. Each seed must lie between half the lower end, 0.006, and
    # the data's lower end, 0.1 (measured 0.026 ± 0.004, seeds 1-6, lowest 0.013).
    lo, hi = 0.5 * 0.1 ** 2 * 0.54 ** 2 / 0.24, 0.1
    assert lo == pytest.approx(0.0061, abs=1e-4)
    for frame in frames(limited_liability=False, **PERSISTENT):
        last = frame.iloc[-1]
        assert lo < last["firm_premium_share"] < hi, last["firm_premium_share"]
        assert last["below_outside_option_share"] == 0.0
