"""Simulated moments against moments computed without the function under test.

Expected values come from two separate `abm.simulate` runs per seed (AI and no AI, all
columns) and, for the Gini, the AI gains and the Mincer slope, from the model's state
arrays with the textbook formulas written out here; the mean over seeds is taken by
hand. A tiny economy (300 workers) keeps the whole file to a few seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm import simulate
from abm.estimates import ai_gains
from abm.model import LaborMarketModel
from abm.params import Params
from analysis.calibration import moments
from analysis.calibration.moments import (JACOBIAN_STEP_SHARE, STATISTICS, MomentError,
                                          seed_moments, simulate_moments)
from analysis.calibration.space import FREE, to_params
from analysis.calibration.targets import Target, Targets, load_targets

TINY = Params(n_workers=300, n_firms=10, n_periods=3, burn_in=3)
SEEDS = (1, 2, 3)
THETA = {"ai_weight": 0.9, "ability_sd": 0.5, "xi": 0.15, "proprietary_share": 0.7}


@pytest.fixture(scope="module")
def targets() -> Targets:
    return load_targets()


def separate_runs(theta, seed):
    """AI and no-AI frames from two independent `simulate` calls, all columns."""
    p = to_params(theta, TINY)
    return (simulate(p, seed=seed, n_periods=3),
            simulate(p.replace(ai_enabled=False), seed=seed, n_periods=3))


def test_moments_equal_separate_runs_and_hand_mean(targets):
    per_seed = seed_moments(THETA, targets=targets, seeds=SEEDS, base=TINY)
    assert list(per_seed.columns) == targets.names and list(per_seed.index) == list(SEEDS)
    expected_rows = []
    for seed in SEEDS:
        ai, no_ai = separate_runs(THETA, seed)
        expected = {
            "ai_gain_mean": ai.at[2, "ai_gain_same_access"],
            "ai_gain_bottom": ai.at[2, "ai_gain_bottom_quintile"],
            "ai_gain_top": ai.at[2, "ai_gain_top_quintile"],
            "mincer_return": ai.at[0, "education_premium"],
            "rent_sharing": ai.at[0, "rent_sharing_elasticity"],
            "dgini": ai.at[3, "gini_income"] - no_ai.at[3, "gini_income"],
        }
        # branching after period 0 and measuring fewer columns change nothing: the
        # runs are the same bit for bit (abm.branch's contract), so equality is exact
        for name, value in expected.items():
            assert per_seed.at[seed, name] == value, (seed, name)
        # at period 0 the AI and no-AI economies are one economy
        assert ai.loc[0].drop("regime").equals(no_ai.loc[0].drop("regime"))
        expected_rows.append(expected)
    mean = simulate_moments(THETA, targets=targets, seeds=SEEDS, base=TINY)
    for name in targets.names:
        by_hand = sum(row[name] for row in expected_rows) / len(SEEDS)
        # rel 1e-12: only the order of summing three numbers differs
        assert mean[name] == pytest.approx(by_hand, rel=1e-12, abs=1e-15), name
    assert mean.name == "simulated"


def gini_by_hand(x):
    v = np.sort(np.asarray(x, dtype=float))
    n = v.size
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * v) / (n * v.sum()))


def gains_by_hand(model):
    """Mean log gain at equal access, all and by within-task quintile of pre-AI output,
    each the mean over tasks of the task mean (additive within-task form)."""
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    treated = t.codifiable & t.augmentable
    by_task = {}
    for i in range(w.n):
        z = w.task[i]
        if w.employer[i] >= 0 and treated[z]:
            h_phi = w.human_capital[i] * t.skill_intensity[z]
            ai = t.ai_weight[z] * eco.ai_capability * (p.eta0 + p.eta1)
            by_task.setdefault(z, []).append((h_phi, math.log(h_phi + ai) - math.log(h_phi)))
    means, bottoms, tops = [], [], []
    for rows in by_task.values():
        n, k = len(rows), math.ceil(len(rows) / 5)
        ranked = sorted(rows, key=lambda r: r[0])           # stable: ties keep worker order
        means.append(np.mean([g for _, g in rows]))
        bottoms.append(np.mean([g for _, g in ranked[:k]]))
        tops.append(np.mean([g for _, g in ranked[n - k:]]))
    return np.mean(means), np.mean(bottoms), np.mean(tops)


def mincer_by_hand(model):
    """OLS slope of log wage on years of schooling with task fixed effects, employed."""
    p, w = model.params, model.economy.workers
    emp = w.employer >= 0
    y, x, task = np.log(w.wage[emp]), 10.0 + p.years_per_level * w.education[emp], w.task[emp]
    xd, yd = x.astype(float).copy(), y.copy()
    for z in np.unique(task):
        m = task == z
        xd[m] -= x[m].mean()
        yd[m] -= y[m].mean()
    return float(np.sum(xd * yd) / np.sum(xd * xd))


def test_statistics_from_model_state(targets):
    """The moments against formulas applied to the state arrays of a model stepped here."""
    seed = 2
    row = seed_moments(THETA, targets=targets, seeds=[seed], base=TINY).loc[seed]
    p = to_params(THETA, TINY)
    ai_model = LaborMarketModel(p, seed=seed, agents=False)
    # rel 1e-9: the model sums in a different order (numba kernels, blocked sums)
    assert row["mincer_return"] == pytest.approx(mincer_by_hand(ai_model), rel=1e-9)
    no_ai_model = LaborMarketModel(p.replace(ai_enabled=False), seed=seed, agents=False)
    for period in (1, 2, 3):
        ai_model.step()
        no_ai_model.step()
        if period == 2:
            mean, bottom, top = gains_by_hand(ai_model)
            assert row["ai_gain_mean"] == pytest.approx(mean, rel=1e-9)
            assert row["ai_gain_bottom"] == pytest.approx(bottom, rel=1e-9)
            assert row["ai_gain_top"] == pytest.approx(top, rel=1e-9)
            assert bottom > top                         # additive AI: the least able gain most
    dgini = gini_by_hand(ai_model.economy.workers.income) - \
        gini_by_hand(no_ai_model.economy.workers.income)
    assert row["dgini"] == pytest.approx(dgini, rel=1e-9, abs=1e-12)


def test_common_random_numbers(targets):
    a = simulate_moments(THETA, targets=targets, seeds=[4, 5], base=TINY)
    b = simulate_moments(THETA, targets=targets, seeds=[4, 5], base=TINY)
    assert a.equals(b)
    other = simulate_moments(THETA, targets=targets, seeds=[6, 7], base=TINY)
    assert not a.equals(other)                             # the seeds, not a constant


def test_series_theta_and_subset(targets):
    import pandas as pd

    s = simulate_moments(pd.Series(THETA), targets=targets, seeds=[1], base=TINY)
    d = simulate_moments(THETA, targets=targets, seeds=[1], base=TINY)
    assert s.equals(d)
    with pytest.raises(ValueError, match="outside its calibration range"):
        simulate_moments({"xi": 0.9}, targets=targets, seeds=[1], base=TINY)
    with pytest.raises(ValueError, match="seeds is empty"):
        seed_moments(THETA, targets=targets, seeds=[], base=TINY)


def test_nan_moment_is_an_error_naming_moment_theta_and_seed():
    gain = Targets((Target("gain", 0.14, 0.02, "ai_gain_same_access", 1, "c", "", "n"),),
                   "synthetic")
    # no AI capability at all: nobody is treated, the experiment's gain is undefined
    with pytest.raises(MomentError) as info:
        seed_moments({"ai_weight": 0.6}, targets=gain, seeds=[3],
                     base=TINY.replace(ai_max=0.0))
    message = str(info.value)
    for word in ("moment gain", "ai_gain_same_access at period 1", "nan", "seed 3",
                 "ai_weight=0.6", "n_workers=300"):
        assert word in message
    # the other side: with AI the same target is a number
    assert math.isfinite(seed_moments({"ai_weight": 0.6}, targets=gain, seeds=[3],
                                      base=TINY).iloc[0, 0])


def test_only_needed_columns_and_runs(targets, monkeypatch):
    assert moments.needed_columns(targets) == [
        "ai_gain_same_access", "ai_gain_bottom_quintile", "ai_gain_top_quintile",
        "education_premium", "rent_sharing_elasticity", "gini_income"]
    calls = []
    real = moments.paired_frames

    def spy(*args, **kwargs):
        calls.append(kwargs["counterfactual"])
        return real(*args, **kwargs)

    monkeypatch.setattr(moments, "paired_frames", spy)
    pre_ai = Targets((Target("m", 0.09, 0.01, "education_premium", 0, "c", "", "n"),),
                     "synthetic")
    seed_moments({}, targets=pre_ai, seeds=[1], base=TINY)
    seed_moments({}, targets=targets, seeds=[1], base=TINY)
    assert calls == [False, True]                 # a no-AI run only when dgini_ai needs it


def test_statistics_and_step():
    assert "dgini_ai" in STATISTICS and "regime" not in STATISTICS
    assert {"ai_gain_same_access", "education_premium", "rent_sharing_elasticity"} \
        <= set(STATISTICS)
    assert 0.01 <= JACOBIAN_STEP_SHARE <= 0.05            # "a few percent of the range"
    steps = {f.name: JACOBIAN_STEP_SHARE * (f.hi - f.lo) for f in FREE}
    assert steps["proprietary_share"] == pytest.approx(0.03)


def test_proprietary_share_does_not_enter_the_experiment(targets):
    """m1-m3 are measured at equal access η0 + η1 = T for every treated worker, and
    `to_params` holds T fixed (exactly, `split_access`): the share's direct effect on
    the experiment is nil. On a fixed economy the statistics are therefore the same bit
    for bit whatever the share (the direct channel). In a simulation the share still
    reaches m1-m3 indirectly, by changing which firms have AI in periods 1-2 and so
    who is hired, retooled and on which task (the composition of the treated): that is
    allowed but must be small against the targets' SEs, or the share would be pinned by
    the experiment it is designed to leave alone (we require less than a quarter SE
    over the whole range, i.e. at most 1/16 of a moment's weight in the criterion).
    """
    model = LaborMarketModel(TINY, seed=5, agents=False)
    model.step()
    model.step()
    reference = None
    for s in (0.0, 0.3, 0.5, 0.77, 1.0):
        model.params = to_params({"proprietary_share": s}, TINY)
        got = ai_gains(model)
        reference = reference or got
        assert got == reference                               # bit for bit
    lo = seed_moments({"proprietary_share": 0.0}, targets=targets, seeds=[5], base=TINY)
    hi = seed_moments({"proprietary_share": 1.0}, targets=targets, seeds=[5], base=TINY)
    for name in ("ai_gain_mean", "ai_gain_bottom", "ai_gain_top"):
        assert abs(hi.at[5, name] - lo.at[5, name]) < 0.25 * targets[name].se, name
    # the other side: the share does move the income Gini's response by more than its SE
    assert abs(hi.at[5, "dgini"] - lo.at[5, "dgini"]) > targets["dgini"].se


def test_schooling_return_bound_keeps_the_mincer_moment_defined():
    """γ = 0 gives schooling no value, nobody is schooled and the Mincer slope is
    undefined (the reason the space stops at γ = 0.01); at the bound it is a number."""
    mincer = Targets((Target("m", 0.09, 0.01, "education_premium", 0, "c", "", "n"),),
                     "synthetic")
    with pytest.raises(MomentError, match="no variation in schooling"):
        seed_moments({}, targets=mincer, seeds=[1], base=TINY.replace(edu_return=0.0))
    lo = next(f.lo for f in FREE if f.name == "edu_return")
    assert lo > 0
    assert math.isfinite(seed_moments({"edu_return": lo}, targets=mincer, seeds=[1, 2],
                                      base=TINY).to_numpy().min())


def test_ability_ranks_do_not_depend_on_ability_sd_under_common_seeds():
    """θ_i = exp(σ z_i − σ²/2) with the same z_i at every σ: a monotone map, so the
    ranking of ability (not of pre-AI output, which moves with schooling) is fixed."""
    orders = []
    for sd in (0.1, 0.4, 1.2):
        model = LaborMarketModel(TINY.replace(ability_sd=sd, burn_in=0), seed=8, agents=False)
        orders.append(np.argsort(model.economy.workers.ability, kind="stable"))
    assert all(np.array_equal(orders[0], o) for o in orders[1:])
    # the other side: another seed ranks the workers differently
    other = LaborMarketModel(TINY.replace(burn_in=0), seed=9, agents=False)
    assert not np.array_equal(orders[0], np.argsort(other.economy.workers.ability, kind="stable"))
