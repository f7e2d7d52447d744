"""Branched runs equal separate runs bit for bit; parameters that act before period 1
are refused.

The equality is exact (`check_exact`, `tobytes`), not a tolerance: a branch reruns the
same floating-point operations on copies of the same state, so any difference is a
bug (a parameter marked `after_zero` that acts in the pre-AI economy, or state the copy
missed). Each marked parameter is tested with a changed value that is checked to alter
the run after period 0, so the comparison could fail.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import abm
from abm import LaborMarketModel, ParameterError, Params, simulate
from abm.branch import after_zero_names, branch

BASE = dict(n_workers=1000, n_firms=20, n_tasks=10, n_periods=3, burn_in=4)
# a second economy in which other mechanisms are in their non-default positions, so the
# marks are checked away from the defaults too (CES form with complements, neutral AI
# off, heterogeneous AI weights, constant signal noise, persistent firm shocks)
ALTERED = dict(BASE, augmentation="ces", rho=-0.5, homogenization=False,
               ai_weight_spread=0.4, signal_noise_form="constant",
               firm_shock_persistence=0.5, retooling_rate=0.6, ai_rent_tax=0.2,
               public_equity=0.2)
SEED = 17
FIELDS = {f.name: f for f in dataclasses.fields(Params)}


def changed(name: str, base: Params) -> object:
    """A value of `name` different from `base`'s, inside its allowed range."""
    value, meta = getattr(base, name), FIELDS[name].metadata
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1 if value + 1 <= meta["hi"] else value - 1
    target = meta["hi"] if value < meta["hi"] else meta["lo"]
    return value + 0.5 * (target - value)


def frames(model: LaborMarketModel) -> list[pd.DataFrame]:
    return [model.model_frame(), model.worker_frame(), model.firm_frame(), model.task_frame()]


def assert_identical(a: list[pd.DataFrame], b: list[pd.DataFrame]) -> None:
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        for col in x.columns:
            if getattr(x[col].dtype, "kind", "O") in "biufc":   # numbers: the same bits
                assert x[col].to_numpy().tobytes() == y[col].to_numpy().tobytes(), col


def test_marks_are_the_expected_set():
    """The AI path, technology, AI policy levers and the horizon; nothing of the pre-AI
    economy (size, burn-in, education, screening, assets, ownership)."""
    marked = set(after_zero_names())
    assert {"ai_enabled", "ai_max", "ai_growth", "eta0", "eta1", "psi",
            "ai_rent_tax", "n_periods"} <= marked
    assert not marked & {"n_workers", "burn_in", "asset_gini", "xi", "concentration",
                         "skills_assessment", "retooling_rate", "augmentation", "rho"}


@pytest.mark.parametrize("base", [BASE, ALTERED], ids=["defaults", "altered"])
@pytest.mark.parametrize("name", after_zero_names())
def test_branched_twin_equals_separate_run(name, base):
    params = Params(**base)
    value = changed(name, params)
    root = LaborMarketModel(params, seed=SEED, agents=False)
    twin = root.branch(**{name: value})
    twin.run()
    separate = LaborMarketModel(params.replace(**{name: value}), seed=SEED, agents=False)
    separate.run()
    assert_identical(frames(twin), frames(separate))
    # the parent is untouched by its twin: it still runs as a separate default run
    root.run()
    reference = LaborMarketModel(params, seed=SEED, agents=False)
    reference.run()
    assert_identical(frames(root), frames(reference))
    # the change acts after period 0, else the equality above would say nothing
    assert not frames(twin)[0].equals(frames(root)[0])


def edge_values(name: str) -> list[object]:
    """The ends of a parameter's range (just inside an open end), or both booleans."""
    meta = FIELDS[name].metadata
    if FIELDS[name].type in ("bool", bool):
        return [False, True]
    lo, hi = meta["lo"], meta["hi"]
    if FIELDS[name].type in ("int", int):
        return [lo, min(hi, lo + 5)]
    return [lo + 1e-3 if meta["lo_open"] else lo, hi - 1e-3 if meta["hi_open"] else hi]


def state(model: LaborMarketModel) -> dict[str, object]:
    """Everything a run carries past period 0: arrays, scalars, statistics, streams."""
    eco = model.economy
    out: dict[str, object] = {f"m.{k}": v for k, v in model.metrics.items()}
    for part in ("workers", "firms", "tasks", "ownership"):
        out.update({f"{part}.{k}": v for k, v in vars(getattr(eco, part)).items()})
    out.update({f"eco.{k}": v for k, v in vars(eco).items()
                if k not in ("workers", "firms", "tasks", "ownership")})
    out.update({f"stream.{k}": g.bit_generator.state for k, g in model.streams.items()})
    return out


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return a == b


NO_CONCENTRATION = dict(BASE, concentration=False, augmentation="multiplicative",
                        price_effects=False)


@pytest.mark.parametrize("base", [BASE, ALTERED, NO_CONCENTRATION],
                         ids=["defaults", "altered", "no_concentration"])
@pytest.mark.parametrize("name", after_zero_names())
def test_branch_at_period_zero_holds_the_separate_state(name, base):
    """At the ends of each marked parameter's range, a branch's state at period 0 is the
    state of a model built with that value: the mark holds across the range."""
    params = Params(**base)
    root = LaborMarketModel(params, seed=SEED, agents=False)
    for value in edge_values(name):
        twin = state(root.branch(**{name: value}))
        separate = state(LaborMarketModel(params.replace(**{name: value}), seed=SEED,
                                          agents=False))
        assert twin.keys() == separate.keys()
        diff = [k for k in twin if not same(twin[k], separate[k])]
        assert not diff, (name, value, diff)


def test_branch_function_runs_the_no_ai_pair():
    params = Params(**BASE)
    out = branch(params, seed=SEED, variants={"ai": {}, "no_ai": {"ai_enabled": False}})
    pd.testing.assert_frame_equal(out["ai"], simulate(params, seed=SEED), check_exact=True)
    pd.testing.assert_frame_equal(out["no_ai"],
                                  simulate(params.replace(ai_enabled=False), seed=SEED),
                                  check_exact=True)
    assert abm.branch is branch
    assert (out["no_ai"]["ai_capability"] == 0).all()
    assert (out["ai"]["ai_capability"].iloc[1:] > 0).all()


def test_branch_function_n_periods_and_agents():
    params = Params(**BASE)
    out = branch(params, seed=SEED, variants={"long": {"ai_max": 2.0}}, n_periods=5,
                 agents=True)
    separate = simulate(params.replace(ai_max=2.0), seed=SEED, n_periods=5)
    pd.testing.assert_frame_equal(out["long"], separate, check_exact=True)
    assert len(out["long"]) == 6


@pytest.mark.parametrize("change", [{"n_workers": 1200}, {"asset_gini": 0.4},
                                    {"burn_in": 5}, {"concentration": False},
                                    {"skills_assessment": 0.37}, {"xi": 0.2}])
def test_parameters_acting_before_period_one_are_refused(change):
    model = LaborMarketModel(Params(**BASE), seed=SEED, agents=False)
    (name, value), = change.items()
    with pytest.raises(ParameterError, match=f"cannot branch on {name}") as err:
        model.branch(**change)
    assert "\n" not in str(err.value)
    with pytest.raises(ParameterError, match=f"cannot branch on {name}"):
        branch(Params(**BASE), seed=SEED, variants={"ok": {}, "bad": change})


def test_unmarked_parameter_at_its_current_value_is_no_change():
    model = LaborMarketModel(Params(**BASE), seed=SEED, agents=False)
    twin = model.branch(burn_in=BASE["burn_in"], ai_enabled=False)
    assert twin.params == Params(**BASE).replace(ai_enabled=False)


def test_an_unmarked_parameter_does_change_period_zero():
    """The other side of the rule: a refused parameter really acts before period 1, so
    the same comparison at period 0 detects it. (At 0.5 the sample's mix
    0.5·x + 0.5·x happens to round back to x; at 0.37 it does not.)"""
    params = Params(**BASE)
    a = LaborMarketModel(params, seed=SEED, agents=False)
    b = LaborMarketModel(params.replace(skills_assessment=0.37), seed=SEED, agents=False)
    assert not np.array_equal(a.economy.workers.signal, b.economy.workers.signal)


def test_unknown_parameter_is_refused():
    model = LaborMarketModel(Params(**BASE), seed=SEED, agents=False)
    with pytest.raises(ParameterError, match="unknown parameter"):
        model.branch(ai_maxx=2.0)


def test_changes_only_at_period_zero_but_copies_anywhere():
    model = LaborMarketModel(Params(**BASE), seed=SEED, agents=False)
    model.step()
    with pytest.raises(ParameterError, match="only at period 0"):
        model.branch(ai_enabled=False)
    copy = model.branch()
    model.step()
    copy.step()
    assert_identical(frames(copy), frames(model))


def test_twin_gets_its_own_agents():
    model = LaborMarketModel(Params(**BASE), seed=SEED, agents=True)
    twin = model.branch(ai_enabled=False)
    assert len(twin.agents) == len(model.agents)
    assert all(agent.model is twin for agent in twin.agents)
    assert len(model.branch(agents=False).agents) == 0
    twin.step()
    assert twin.economy.period == 1 and model.economy.period == 0


def test_shared_pasts_groups_by_the_unmarked_parameters():
    from abm.branch import shared_pasts

    base = Params(**BASE)
    groups = shared_pasts({"no_ai": base.replace(ai_enabled=False),
                           "commodity": base.replace(eta0=1.0, eta1=0.0),
                           "other_gini": base.replace(asset_gini=0.4),
                           "proprietary": base.replace(eta0=0.0, eta1=1.0)})
    assert [list(changes) for _, changes in groups] == [
        ["no_ai", "commodity", "proprietary"], ["other_gini"]]
    first, changes = groups[0]
    assert changes["no_ai"] == {}
    assert changes["commodity"] == {"ai_enabled": True, "eta0": 1.0, "eta1": 0.0}
    assert first.replace(**changes["proprietary"]) == base.replace(eta0=0.0, eta1=1.0)
    assert groups[1] == (base.replace(asset_gini=0.4), {"other_gini": {}})


def test_scenario_runner_shares_the_past_and_equals_separate_runs():
    """two_regimes' three variants differ only in after-zero parameters: one burn-in per
    seed, and every row equals the variant's own `simulate` run."""
    from scenarios.runner import plan, run_plan

    p = plan("two_regimes", seeds=2, periods=2,
             sets=["n_workers=600", "n_firms=12", "n_tasks=6", "burn_in=3"])
    df = run_plan(p, progress=False)
    assert list(dict.fromkeys(df["variant"])) == list(p.params)
    for (variant, seed), got in df.groupby(["variant", "seed"], sort=False):
        direct = simulate(p.params[variant], seed=int(seed), agents=False)
        got = got.drop(columns=["variant", "seed"]).set_index("period")
        pd.testing.assert_frame_equal(got, direct, check_exact=True, check_names=False)


def test_run_many_keeps_order_and_equals_separate_runs():
    from abm.branch import run_many

    base = Params(**BASE)
    runs = [(base, 1), (base.replace(ai_enabled=False), 2), (base.replace(xi=0.2), 1),
            (base.replace(ai_enabled=False), 1), (base.replace(eta1=2.0, xi=0.2), 1)]
    steps = []
    frames = run_many(runs, on_step=lambda m: steps.append(m.economy.period))
    assert len(frames) == len(runs) and len(steps) == len(runs) * BASE["n_periods"]
    for (params, seed), df in zip(runs, frames, strict=True):
        pd.testing.assert_frame_equal(df, simulate(params, seed=seed), check_exact=True)


def test_twin_pickles_and_resumes_identically():
    import pickle

    twin = LaborMarketModel(Params(**BASE), seed=SEED, agents=False).branch(ai_max=2.0)
    clone = pickle.loads(pickle.dumps(twin))
    twin.run()
    clone.run()
    assert_identical(frames(clone), frames(twin))


def test_branch_function_refuses_bad_variants():
    params = Params(**BASE)
    with pytest.raises(ParameterError, match="non-empty dict"):
        branch(params, seed=SEED, variants={})
    with pytest.raises(ParameterError, match="changes must be a dict"):
        branch(params, seed=SEED, variants={"ai": True})
    with pytest.raises(ParameterError, match="seed=-1"):
        branch(params, seed=-1, variants={"ai": {}})


def test_asset_returns_mark_lapses_where_assets_settle_in_the_burn_in():
    """`asset_returns` enters from the asset anchor on: after period 0 by default, in the
    burn-in with `asset_burn_in` > 0. Both sides: the default branch on it equals a
    separate run (above); with settling assets the same value changes period 0's state,
    and a branch on it is refused."""
    settling = Params(**BASE).replace(firm_shock_persistence=0.9, asset_burn_in=3)
    assert "asset_returns" in after_zero_names(Params(**BASE))
    assert "asset_returns" not in after_zero_names(settling)
    a = LaborMarketModel(settling, seed=SEED, agents=False)
    b = LaborMarketModel(settling.replace(asset_returns=0.9), seed=SEED, agents=False)
    assert not np.array_equal(a.economy.firms.assets, b.economy.firms.assets)
    with pytest.raises(ParameterError, match="cannot branch on asset_returns"):
        a.branch(asset_returns=0.9)
    # grouping for shared pasts reads the same lapse: by default the two values share a
    # burn-in, with settling assets they do not
    from abm.branch import shared_pasts

    default = Params(**BASE)
    assert len(shared_pasts({"a": default, "b": default.replace(asset_returns=0.9)})) == 1
    assert len(shared_pasts({"a": settling, "b": settling.replace(asset_returns=0.9)})) == 2
