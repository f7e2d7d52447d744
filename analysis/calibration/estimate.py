"""The MSM estimation: estimagic's `estimate_msm` with simulation noise in the standard errors.

`calibrate(targets, ...) -> Fit` runs

1. a global stage: optimagic's multistart (TikTak; Arnoud, Guvenen & Kleineberg 2019,
   NBER WP 26340) over `n_starts` points drawn inside the bounds from one `search_seed`,
   evaluated through the batch evaluator (Dask or serial);
2. local least squares with DFO-LS (`nag_dfols`; Cartis, Fiala, Marteau & Roberts 2019,
   ACM TOMS 45(3), doi:10.1145/3338517) on the residuals (sim − emp)/se;
3. the Jacobian at the estimate by central differences with steps of
   `moments.JACOBIAN_STEP_SHARE` (3 %) of each parameter's range: under common random
   numbers the moments are step functions at fine scale, so the rule-of-thumb steps of
   ~1e-8 would differentiate the steps, not the slope;
4. standard errors with simulation noise (McFadden 1989, Econometrica 57(5),
   doi:10.2307/1913621; Gouriéroux & Monfort 1996, *Simulation-Based Econometric
   Methods*): with W = diag(1/se²), G the Jacobian and R seeds per evaluation,

       cov = (G'WG)⁻¹ G'W (Ω_data + Ω̂_sim / R) W G (G'WG)⁻¹,

   Ω̂_sim the covariance of one seed's moments over `noise_seeds` independent seeds at
   the estimate. estimagic's own `result.cov()` is the same sandwich with Ω_data alone,
   so it understates the SEs by the simulation share (Fit.se ≥ result.se());
5. an identification check (rank and condition number of G'WG, and which parameters move
   no moment by a detectable amount across their whole range).

Every evaluation goes through the SQLite evaluation log (`evaluate.EvaluationLog`), so a
rerun with the same `log` replays what was computed and continues a killed run. That ends
at the same estimate because the path is deterministic: one seed for the multistart
sample, DFO-LS kept off its random steps, and the local optimisations in one batch
whatever the cluster size. optimagic's own SQLite log (`logging=`, which estimate_msm
passes to `minimize`) is written beside it as `<log>.optimagic.db`, replaced by each run:
it documents the optimiser's history, while resuming relies on the evaluation log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.calibration.evaluate import (CachedModel, EvaluationLog, ModelError,
                                           batch_evaluator_for, context_hash)

SimulateFn = Callable[..., pd.Series]

DEFAULT_JACOBIAN_STEP_SHARE = 0.03
# A parameter is unidentified when moving it across its WHOLE admissible range shifts the
# moments by less than this many (SE-weighted, Euclidean) target standard errors: then no
# value in the range can be rejected by a 5 % chi-square(1) test against any other,
# sqrt(chi2_{1, 0.95}) = 1.96.
IDENTIFICATION_THRESHOLD = 1.96

# DFO-LS options, in optimagic's names. The criterion is deterministic (common random
# numbers: the same seeds at every θ), so DFO-LS's noise machinery (repeated sampling,
# noise-level stopping, restarts) would only spend evaluations re-reading the same values
# and its restarts draw from numpy's global random state: left off (noise levels unset),
# which keeps the path reproducible. What remains of the noise is roughness: the moments
# are step functions below a few percent of a parameter's range. The problem is scaled to
# [0, 1] per parameter (scaling="bounds"), so the radii below are shares of each range: a
# first trust region of 10 % of the range looks past the steps, and the search stops at a
# radius of 0.5 %, well under the standard errors expected of 6 moments yet above the
# step scale (JACOBIAN_STEP_SHARE 3 % is the slope scale the SEs use).
DFOLS_OPTIONS = {"trustregion_initial_radius": 0.1,
                 "convergence_minimal_trustregion_radius_tolerance": 0.005,
                 "initial_directions": "coordinate",
                 "trustregion_method_to_replace_extra_points": "geometry_improving",
                 "stopping_maxfun": 120}


@dataclasses.dataclass
class Fit:
    """An MSM estimate with simulation-noise standard errors (docs/CALIBRATION.md)."""

    params: pd.Series
    se: pd.Series
    cov: pd.DataFrame
    moments: pd.DataFrame
    jacobian: pd.DataFrame
    sim_cov: pd.DataFrame
    identification: dict
    criterion: float
    fixed: dict[str, float]
    n_evaluations: int
    seconds: float
    seconds_in_model: float
    result: Any
    n_cached: int = 0
    meta: dict = dataclasses.field(default_factory=dict)


def calibrate(targets: Any, *, free: Sequence[str] | None = None,
              fixed: Mapping[str, float] | None = None, seeds: Sequence[int] = range(1, 11),
              base: Any = None, n_starts: int = 8, start: Mapping[str, float] | None = None,
              evaluator: Any = None, log: str | Path | None = None,
              simulate: SimulateFn | None = None, noise_seeds: int = 20,
              progress: Callable[[str], None] | None = None,
              seed_moments: Callable[..., pd.DataFrame] | None = None,
              space: Sequence[Any] | None = None, search_seed: int = 0,
              algo_options: Mapping[str, Any] | None = None) -> Fit:
    """Estimate the free parameters by MSM on `targets`.

    Args:
        targets: `targets.Targets` (empirical moments, diagonal covariance from their SEs).
        free: free parameter names (default all of the space); `fixed` holds some at
            given values out of the estimation (scenario axes).
        seeds: common random numbers: the same seeds at every θ (R = len(seeds)).
        base: base economy (default `space.base_params(targets=targets)`).
        n_starts: points of the multistart exploration sample (inside the bounds).
        start: start values (default each parameter's `start`).
        evaluator: None (serial, in-process), a Dask Client or a batch evaluator.
        log: SQLite evaluation log (resume); optimagic's own log goes beside it.
        simulate: θ -> mean moments, `moments.simulate_moments`' signature (default it).
        noise_seeds: independent seeds for Ω̂_sim at the estimate.
        seed_moments: θ -> one row of moments per seed (default `moments.seed_moments`
            with the default `simulate`, else `simulate` called with one seed at a time).
        space: the parameter space (objects with name, lo, hi, start); default space.FREE.
        search_seed: the one seed of the multistart sample.
        algo_options: overrides of `DFOLS_OPTIONS` (e.g. a smaller stopping_maxfun).
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    fixed = {k: float(v) for k, v in (fixed or {}).items()}
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    if noise_seeds < 2:
        raise ValueError(f"noise_seeds={noise_seeds} must be at least 2 (a covariance)")
    if n_starts < 1:
        raise ValueError(f"n_starts={n_starts} must be at least 1")
    space_items = _space(space, free)
    names = [p.name for p in space_items if p.name not in fixed]
    if not names:
        raise ValueError("every free parameter is fixed: nothing to estimate")
    in_space = {p.name for p in _space(space, None)}  # fixed here join θ; others the base
    if simulate is None:
        from analysis.calibration import moments, space as space_module

        simulate = moments.simulate_moments
        seed_moments = seed_moments or moments.seed_moments
        if base is None:
            base = space_module.base_params(targets=targets)
    off_space = {k: v for k, v in fixed.items() if k not in in_space}
    if off_space:
        base = base.replace(**off_space)  # e.g. asset_gini: a base-economy scenario axis
    fixed_in = {k: v for k, v in fixed.items() if k in in_space}
    items = [p for p in space_items if p.name in names]
    lower = pd.Series({p.name: float(p.lo) for p in items})
    upper = pd.Series({p.name: float(p.hi) for p in items})
    x0 = pd.Series({p.name: float((start or {}).get(p.name, p.start)) for p in items})
    outside = [n for n in names if not lower[n] <= x0[n] <= upper[n]]
    if outside:
        raise ValueError(f"start values {outside} lie outside their bounds")

    emp = targets.empirical().astype(float)
    data_cov = targets.cov().loc[emp.index, emp.index].astype(float)
    model_kwargs = {"targets": targets, "base": base}
    context = context_hash({
        "targets": [(t.name, t.statistic, t.period) for t in targets.targets],
        "base": base.to_dict() if hasattr(base, "to_dict") else repr(base),
        "model": f"{simulate.__module__}.{getattr(simulate, '__qualname__', simulate)}"})
    run = f"{os.getpid()}-{time.time_ns()}"
    with contextlib.ExitStack() as stack:
        if log is None:
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="calibrate-"))
            log_path = Path(scratch) / "evaluations.sqlite"
        else:
            log_path = Path(log)
        evlog = EvaluationLog(log_path)
        stack.callback(evlog.close)
        resumed = evlog.n_rows()
        if resumed:
            say(f"evaluation log {log_path}: {resumed} stored evaluations will be replayed")
        model = CachedModel(simulate, names=list(emp.index), model_kwargs=model_kwargs,
                            seeds=seeds, fixed=fixed_in, log=evlog, context=context, run=run)
        model.progress, model.empirical = progress, emp
        model.se = pd.Series(np.sqrt(np.diag(data_cov.to_numpy())), index=emp.index)
        batch, n_cores = batch_evaluator_for(evaluator)
        share = _jacobian_step_share()
        steps = (upper - lower).to_numpy() * share

        import estimagic as em
        import optimagic as om

        # The Jacobian goes in as estimate_msm's `jacobian=` callable rather than through
        # jacobian_numdiff_options: optimagic 0.5.3's NumdiffOptions takes one float
        # step_size for all parameters, while the ranges differ fifteenfold (ai_weight
        # 2.95, edu_return 0.2); om.first_derivative itself takes one step per parameter,
        # with the same batch evaluator and cores.
        def jacobian(params: pd.Series) -> pd.DataFrame:
            say(f"Jacobian at the estimate: {2 * len(params)} evaluations, steps "
                f"{share:.0%} of each range")
            # min_steps: near a bound a step may shrink to half the share, no further
            res = om.first_derivative(model, params=params, method="central", step_size=steps,
                                      min_steps=steps / 2, n_cores=n_cores,
                                      bounds=om.Bounds(lower=lower, upper=upper),
                                      batch_evaluator=batch)
            return res.derivative

        # Local optimisations: a quarter of the sample's best points (TikTak). optimagic
        # runs them in batches of `batch_size`, updating the best point between batches;
        # one batch of all of them, whatever the cluster size, keeps the path (and so a
        # resumed run) the same serially and on any cluster. n_cores only sizes batches
        # here: the Dask evaluator hands every task to the cluster's queue.
        n_local = max(1, n_starts // 4)
        options = {"algorithm": "nag_dfols",
                   "algo_options": {**DFOLS_OPTIONS, **(algo_options or {})},
                   "scaling": om.ScalingOptions(method="bounds"),
                   "multistart": om.MultistartOptions(
                       n_samples=n_starts, stopping_maxopt=n_local, batch_size=n_local,
                       sampling_method="sobol", seed=int(search_seed),
                       n_cores=min(n_cores, n_local), batch_evaluator=batch,
                       error_handling="raise")}
        logging = None
        if log is not None:
            logging = om.SQLiteLogOptions(_optimagic_log(log_path), if_database_exists="replace")
        say(f"estimating {names} on {len(emp)} moments: {n_starts} multistart points, "
            f"{len(seeds)} seeds per evaluation, {n_cores} core(s)")
        state = _global_random_position()
        try:
            result = em.estimate_msm(model, emp, data_cov, x0, options,
                                     bounds=om.Bounds(lower=lower, upper=upper), logging=logging,
                                     jacobian=jacobian)
        except Exception as exc:
            cause = _model_error(exc)
            if cause is None:
                raise
            raise cause from None  # one clear line instead of optimagic's wrapper
        global_draws = _global_random_position() != state
        if global_draws:
            say("warning: the optimiser drew from numpy's global random state; a resumed "
                "run may take another path")
        estimate = pd.Series(result.params, dtype=float)[names]
        simulated = model(estimate)
        jac = pd.DataFrame(result.jacobian).loc[emp.index, names].astype(float)

        first_noise = max(seeds) + 1
        noise = list(range(first_noise, first_noise + noise_seeds))
        say(f"simulation noise: {noise_seeds} independent seeds at the estimate")
        per_seed = model if seed_moments is None else CachedModel(
            seed_moments, names=list(emp.index), model_kwargs=model_kwargs, seeds=seeds,
            fixed=fixed_in, log=evlog, context=context, run=run, kind="seed")
        rows = batch(per_seed.seed_row, [(estimate, s) for s in noise], n_cores=n_cores,
                     error_handling="raise", unpack_symbol=None)
        sim_cov = pd.DataFrame(rows, index=noise).cov(ddof=1)
        cov, ident = sandwich(jac, data_cov, sim_cov, len(seeds), lower, upper)
        se = pd.Series(np.sqrt(np.diag(cov)), index=names)
        noise_var = np.diag(sim_cov.to_numpy()) / len(seeds)
        table = pd.DataFrame({"empirical": emp, "se": np.sqrt(np.diag(data_cov)),
                              "simulated": simulated})
        table["t"] = (table.simulated - table.empirical) / np.sqrt(table.se ** 2 + noise_var)
        criterion = float((((simulated - emp) / table.se) ** 2).sum())
        ident["fixed"] = sorted(fixed)
        # at a bound the estimate is not interior: its normal-theory SE is not valid
        ident["at_bound"] = [n for n in names if min(estimate[n] - lower[n],
                                                     upper[n] - estimate[n])
                             <= 1e-6 * (upper[n] - lower[n])]
        if ident["weakest_effect"] < IDENTIFICATION_THRESHOLD and not ident["unidentified"]:
            combo = ", ".join(f"{v:+.2f}·{k}" for k, v in ident["weakest_direction"].items())
            say(f"weakly identified combination (range shares): {combo} moves the moments "
                f"by {ident['weakest_effect']:.2f} SE over a whole range")
        if ident["unidentified"]:
            say(f"not identified at the estimate: {ident['unidentified']}: fix them "
                "(fixed=...) and report them as scenario axes")
        stats = evlog.run_stats(run)
        say(f"done: {stats['n_evaluations']} evaluations ({stats['n_cached']} from the log), "
            f"{time.perf_counter() - started:.1f} s, {stats['seconds_in_model']:.1f} s in "
            "the model")
        return Fit(params=estimate, se=se, cov=cov, moments=table, jacobian=jac, sim_cov=sim_cov,
                   identification=ident, criterion=criterion, fixed=fixed,
                   n_evaluations=stats["n_evaluations"], seconds=time.perf_counter() - started,
                   seconds_in_model=stats["seconds_in_model"], result=result,
                   n_cached=stats["n_cached"],
                   meta={"seeds": seeds, "noise_seeds": noise, "n_starts": n_starts,
                         "search_seed": int(search_seed), "jacobian_step_share": share,
                         "n_cores": n_cores, "log": str(log) if log is not None else None,
                         "resumed_rows": resumed, "global_random_draws": bool(global_draws),
                         "n_workers": getattr(base, "n_workers", None),
                         "base": base.to_dict() if hasattr(base, "to_dict") else None})


def sandwich(jac: pd.DataFrame, data_cov: pd.DataFrame, sim_cov: pd.DataFrame, n_seeds: int,
             lower: pd.Series, upper: pd.Series) -> tuple[pd.DataFrame, dict]:
    """Simulation-noise sandwich covariance and the identification check.

    W = diag(1/se²) (estimagic's "diagonal" weights); Ω = Ω_data + Ω̂_sim/R. A singular
    G'WG gives NaN SEs (and the identification dict says which parameters are at fault)
    rather than a pseudo-inverse's arbitrary numbers.
    """
    names = list(jac.columns)
    g = jac.to_numpy()
    w = np.diag(1.0 / np.diag(data_cov.to_numpy()))
    gwg = g.T @ w @ g
    omega = data_cov.to_numpy() + sim_cov.loc[jac.index, jac.index].to_numpy() / n_seeds
    rank = int(np.linalg.matrix_rank(gwg))
    cond = float(np.linalg.cond(gwg))
    if rank == len(names):
        bread = np.linalg.solve(gwg, g.T @ w)
        cov = bread @ omega @ bread.T
    else:
        cov = np.full((len(names), len(names)), np.nan)
    # moments moved by a sweep across the whole range, in target SEs
    reach = np.sqrt(np.diag(w))[:, None] * g * (upper[names] - lower[names]).to_numpy()
    effect = pd.Series(np.linalg.norm(reach, axis=0), index=names)
    weak = [n for n in names if not effect[n] >= IDENTIFICATION_THRESHOLD]
    # the same for combinations: the unit direction (in shares of each range) that moves
    # the moments least, and by how many SEs a move of one whole range along it does;
    # below the threshold the parameters trade off against each other along it
    _, singular, vt = np.linalg.svd(reach, full_matrices=False)
    direction = vt[-1] * np.sign(vt[-1][np.argmax(np.abs(vt[-1]))])
    ident = {"rank": rank, "n_params": len(names), "condition_number": cond,
             "range_effect": effect.to_dict(), "threshold": IDENTIFICATION_THRESHOLD,
             "weakest_direction": dict(zip(names, direction.tolist())),
             "weakest_effect": float(singular[-1]),
             "unidentified": weak,
             "advice": ("fix " + ", ".join(weak) + " as scenario axes") if weak else ""}
    return pd.DataFrame(cov, index=names, columns=names), ident


def _model_error(exc: BaseException) -> BaseException | None:
    """The model's own error behind optimagic's wrapping exceptions, if any.

    ModelError (unusable moments), moments.MomentError, a bad parameter (abm's
    ParameterError): errors raised by this project's code, which say what to change.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ModelError) or type(exc).__module__.startswith(("analysis.", "abm.")):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _space(space: Sequence[Any] | None, free: Sequence[str] | None) -> list[Any]:
    if space is None:
        from analysis.calibration import space as space_module

        return list(space_module.free(free))
    items = list(space)
    if free is None:
        return items
    known = {p.name: p for p in items}
    unknown = [n for n in free if n not in known]
    if unknown:
        raise ValueError(f"unknown free parameters {unknown}; allowed: {sorted(known)}")
    return [known[n] for n in free]


def _jacobian_step_share() -> float:
    try:
        from analysis.calibration import moments
    except ImportError:
        return DEFAULT_JACOBIAN_STEP_SHARE
    return float(getattr(moments, "JACOBIAN_STEP_SHARE", DEFAULT_JACOBIAN_STEP_SHARE))


def _optimagic_log(log_path: Path) -> Path:
    """optimagic's own SQLite log beside the evaluation log (documents the optimiser path)."""
    return log_path.with_name(log_path.stem + ".optimagic.db")


def _global_random_position() -> tuple[int, bytes]:
    """Where numpy's legacy global generator stands (read only: a draw moves it).

    DFO-LS has no seed argument and draws from this generator in its restarts and
    random-direction steps; the options above avoid those paths, and this confirms it.
    """
    state = np.random.get_state(legacy=False)["state"]
    return int(state["pos"]), np.asarray(state["key"]).tobytes()
