"""Paired and branched runs: one burn-in per seed, several futures.

An AI run and its no-AI counterfactual from the same seed are identical up to and
including period 0: AI capability is zero before period 1 (`abm.steps.ai_path`), so
every parameter that only scales or switches AI, or only acts from period 1 on, leaves
the burn-in and period 0 untouched, bit for bit. Such parameters carry
`after_zero=True` in `abm.params` (the rule lives in the metadata, next to the range,
not in lists kept by callers). A branched run builds and burns in the economy once,
then copies it (state arrays, statistics, random streams) for each variant and changes
only marked parameters; every variant equals a separate run from the same seed bit for
bit (tests/test_branch.py).

Why each marked parameter cannot act before period 1, from the code:

- ``n_periods`` sets only the horizon; ``ai_enabled``, ``ai_growth`` enter only
  A_t = A_max·(1 − exp(−g·t)), which is 0 for t ≤ 0.
- ``ai_max``, ``frontier_spread`` (task thresholds) and ``ai_weight``,
  ``ai_weight_spread`` (α(z)) enter only S(A_t) and α(z)·A_t, empty and 0 at A_t = 0.
  They are stored in the task arrays when the economy is built, so a branch rebuilds
  those arrays (`rederive`).
- ``eta0``, ``eta1``, ``psi`` set AI access, which multiplies α(z)·A_t = 0. Access is
  stored (firms' access, the fringe's access that next period's education reads), so a
  branch recomputes it as period 0's production did (`rederive`).
- ``ai_markup`` prices commodity AI's gain and ``ai_rent_tax`` taxes proprietary-AI
  rents; both are differences of equal numbers (exactly 0) while A_t = 0.
- ``price_effects`` freezes prices only after period 0; ``asset_returns`` enters only
  the reinvestment from period 1 on, unless assets settle in the burn-in
  (`asset_burn_in` > 0), where the mark lapses (its `unless`).

Not marked, although they concern AI or policy, because they act in the pre-AI economy:
``concentration`` (the asset anchor set at the end of period 0), ``homogenization``
(off, a task nobody works on has no m_z, which keeps it out of occupational choice
before AI), ``skills_assessment``
(mixes two equal samples in floating point), ``xi``, ``public_equity``,
``unemployment_benefit``, ``edu_subsidy``, ``reinvest_rate``, ``depreciation`` and the
within-task form (``augmentation``, ``rho``, ``mult_elasticity``, ``tool_base``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from abm.params import ParameterError, Params
from abm.table import MetricsTable

if TYPE_CHECKING:
    import pandas as pd

    from abm.engine import Engine


def after_zero_names(params: Params | None = None) -> tuple[str, ...]:
    """Parameters marked `after_zero` in `Params`: those a branch may change. Given
    `params`, without the marks their `unless` parameter lifts there (``asset_returns``
    acts in the burn-in where assets settle in it, `asset_burn_in` > 0)."""
    return tuple(f.name for f in dataclasses.fields(Params) if f.metadata["after_zero"]
                 and not (params is not None and f.metadata["unless"]
                          and getattr(params, f.metadata["unless"])))


def branch_params(params: Params, changes: Mapping[str, Any]) -> Params:
    """`params` with `changes` applied, refusing a change to a parameter that acts before
    or in period 0 (one setting it to its current value is no change and passes)."""
    allowed = set(after_zero_names(params))
    for name, value in changes.items():
        if name in allowed or not hasattr(params, name) or getattr(params, name) == value:
            continue
        raise ParameterError(
            f"cannot branch on {name}={value!r}: it acts before or in period 0 (it changes "
            f"the pre-AI economy), so it needs its own run; branchable: "
            f"{', '.join(sorted(allowed))}")
    return params.replace(**changes)


_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), np.generic)


def copy_state(value: Any) -> Any:
    """An independent copy of model state: arrays copied, dataclasses field by field,
    containers element by element, generators by state, data collectors with their rows,
    immutable scalars shared.

    Does what `copy.deepcopy` does for the economy, the statistics and the collected
    rows, at about a third of its cost (deepcopy's memo and dispatch dominate at a
    few thousand workers).
    """
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator):
        return copy_generator(value)
    if isinstance(value, MetricsTable) or (hasattr(value, "model_vars")
                                           and hasattr(value, "model_reporters")):
        return copy_collector(value)             # the table, or a Mesa DataCollector
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = copy.copy(value)
        for f in dataclasses.fields(value):
            setattr(out, f.name, copy_state(getattr(value, f.name)))
        return out
    if type(value) is dict:
        return {k: copy_state(v) for k, v in value.items()}
    if type(value) is list:
        return [copy_state(v) for v in value]
    return copy.deepcopy(value)


def copy_generator(rng: np.random.Generator) -> np.random.Generator:
    """A generator in the same state as `rng`, drawing the same numbers independently."""
    bits = type(rng.bit_generator)(0)
    bits.state = rng.bit_generator.state
    return np.random.Generator(bits)


def copy_collector(collector: Any) -> Any:
    """The table of statistics or data collector with its own copies of the rows
    collected so far (reporters, which are functions, are shared)."""
    out = copy.copy(collector)
    if isinstance(collector, MetricsTable):      # the engine's or the model's own
        collector.copy_rows(out)
    else:
        out.model_vars = copy_state(collector.model_vars)
    for name in ("_agent_records", "_agenttype_records", "tables"):
        if hasattr(collector, name):
            setattr(out, name, copy.deepcopy(getattr(collector, name)))
    return out


def rederive(model: Engine) -> None:
    """Rebuild the stored arrays that depend only on after-zero parameters.

    Task thresholds and AI weights are set when the economy is built; firms' and the
    fringe's AI access are set by period 0's production, from the assets and employment
    that are still in place at its end (period 0 moves neither). Recomputing them from
    the branch's parameters gives exactly what a separate run holds after period 0.
    """
    from abm.population import build_tasks
    from abm.steps.production import ai_access, relative_assets

    p, eco = model.params, model.economy
    tasks = build_tasks(p)
    eco.tasks.threshold, eco.tasks.ai_weight = tasks.threshold, tasks.ai_weight
    f = eco.firms
    f.ai_access, eco.fringe_access = ai_access(relative_assets(f.assets), p.eta0, p.eta1,
                                               p.psi, p.concentration, f.employment,
                                               p.fringe_assets)


def branch(params: Params | None = None, *, seed: Any,
           variants: Mapping[str, Mapping[str, Any]], n_periods: int | None = None,
           agents: bool = False,
           on_step: Callable[[Engine], Any] | None = None, tables: bool = False
           ) -> dict[str, Any]:
    """Run several variants of one seed's economy from a shared burn-in and period 0.

    Args:
        params: parameters of the shared past (default `Params()`).
        seed: root seed, as in `abm.simulate`.
        variants: name -> parameter changes, each only to `after_zero` parameters
            (e.g. ``{"ai": {}, "no_ai": {"ai_enabled": False}}``); checked before any
            simulation work.
        n_periods: periods after period 0 for every variant, overriding theirs (default:
            each variant's `n_periods`).
        agents: run each variant as the Mesa model with agent objects (default: the
            engine alone, without Mesa).
        on_step: called with a variant's model after each of its periods.
        tables: give each variant's statistics as arrays (`abm.table.Columns`, whose
            `frame()` is the model frame) instead of a DataFrame: what a sweep worker
            sends, without importing pandas.

    Returns:
        name -> model frame (or its `Columns`), each equal bit for bit to
        ``simulate(params.replace(**changes), seed=seed, n_periods=n_periods)``.
    """
    from abm.engine import Engine, check_periods
    from abm.feedback import compilation_notice
    from abm.simulate import check_seed, release

    params = params if params is not None else Params()
    if not isinstance(params, Params):
        raise ParameterError(f"params must be a Params, got {type(params).__name__}")
    check_seed(seed)
    if not isinstance(variants, Mapping) or not variants:
        raise ParameterError("variants must be a non-empty dict of name -> parameter changes")
    if n_periods is not None:                # as in simulate: overrides every variant's
        n_periods = check_periods(n_periods)
        params = params.replace(n_periods=n_periods)
        variants = {name: {**changes, "n_periods": n_periods}
                    for name, changes in variants.items()}
    for name, changes in variants.items():
        if not isinstance(changes, Mapping):
            raise ParameterError(f"variant {name!r}: changes must be a dict of parameter "
                                 f"values, got {changes!r}")
        branch_params(params, changes)           # refuse early, before the burn-in
    compilation_notice()
    # the root is a Mesa model (without agents of its own) only where its branches want
    # agents; otherwise the engine alone, and Mesa is never imported
    if agents is False:
        root = Engine(params, seed=seed)
    else:
        from abm.model import LaborMarketModel

        root = LaborMarketModel(params, seed=seed, agents=False)
    out = {}
    last = len(variants) - 1
    with_agents = {} if agents is False else {"agents": agents}   # the Mesa model's option
    try:
        for i, (name, changes) in enumerate(variants.items()):
            # the last variant runs on the root itself: nothing else needs it any more
            twin = root.branch(**with_agents, **changes) if i < last else \
                become(root, changes, agents)
            try:
                for _ in range(twin.params.n_periods):
                    twin.step()
                    if on_step is not None:
                        on_step(twin)
                out[name] = twin.model_table() if tables else twin.model_frame()
            finally:
                release(twin)
    finally:
        release(root)
    return out


def become(model: Engine, changes: Mapping[str, Any], agents: bool = False) -> Engine:
    """Turn `model`, standing at period 0, into its own branch with `changes` (no copy)."""
    model.params = branch_params(model.params, changes)
    if changes:
        rederive(model)
    if agents and not model.firm_agents:            # agents: a LaborMarketModel
        model._create_agents()  # type: ignore[attr-defined]
    return model



def past_key(params: Params) -> tuple[Any, ...]:
    """The values of every parameter not marked `after_zero`: runs of one seed with equal
    keys have the same burn-in and period 0."""
    marked = set(after_zero_names(params))
    return tuple((k, v) for k, v in params.to_dict().items() if k not in marked)


def shared_pasts(variants: Mapping[str, Params]) -> list[tuple[Params, dict[str, dict[str, Any]]]]:
    """Group full parameter sets into runs that can share a burn-in.

    Sets equal in every parameter not marked `after_zero` form one group; each group is
    (the parameters of its first member, {name: changes from them}), ready for
    `branch`. Order is kept: groups by first appearance, members in given order.
    """
    groups: dict[tuple[Any, ...], tuple[Params, dict[str, dict[str, Any]]]] = {}
    for name, p in variants.items():
        first, members = groups.setdefault(past_key(p), (p, {}))
        marked = after_zero_names(first)
        members[name] = {k: getattr(p, k) for k in marked if getattr(p, k) != getattr(first, k)}
    return list(groups.values())


def run_many(runs: Sequence[tuple[Params, int]], *, agents: bool = False,
             on_step: Callable[[Engine], Any] | None = None
             ) -> list[pd.DataFrame]:
    """Model frames of many (params, seed) runs, in order, sharing pasts where they can.

    Runs of one seed whose parameters differ only in `after_zero` parameters are run as
    branches of one burn-in (`shared_pasts`); every frame equals `simulate(params,
    seed=seed, agents=agents)`. Groups run in order of first appearance.
    """
    by_seed: dict[int, dict[str, Params]] = {}
    for i, (params, seed) in enumerate(runs):
        by_seed.setdefault(seed, {})[str(i)] = params
    out: list[Any] = [None] * len(runs)
    for seed, variants in by_seed.items():
        for base, changes in shared_pasts(variants):
            for name, df in branch(base, seed=seed, variants=changes, agents=agents,
                                   on_step=on_step).items():
                out[int(name)] = df
    return out
