"""Refits along the scenario axes: m6 values, the sign of ΔGini, the proprietary share.

- `m6_scenarios`: the m6 (ΔGini) target is a scenario input (CALIB-API.md); refit at each
  value and show what the other five targets and the parameters do.
- `regime_constrained`: the best fit with ΔGini ≤ 0 and the best with ΔGini ≥ 0, and the
  criterion gap between them: how strongly the micro targets prefer a regime.
- `share_profile`: the proprietary share s = η1/(η0+η1) fixed on a grid, the other free
  parameters re-estimated; ΔGini and the criterion along s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DGINI_STATISTIC = "dgini_ai"
COBYLA_MAXITER = 60
"""COBYLA evaluations per constrained fit: 5 free parameters need 6 to build the first
linear model; ~10 per parameter reach a 1%-of-range trust region in the prototype."""


FEASIBILITY_TOL = 2e-4
"""A constrained optimum counts as feasible when ΔGini violates its bound by at most this
share of the m6 target's SE: scipy's COBYLA default constraint tolerance (catol) on the
scaled constraint ΔGini/SE it is handed (6e-7 Gini points at SE 0.003)."""


def dgini_target(targets: Any) -> Any:
    """The ΔGini target (statistic `dgini_ai`; by name `dgini` if no statistic matches)."""
    for t in targets.targets:
        if t.statistic == DGINI_STATISTIC:
            return t
    for t in targets.targets:
        if t.name == "dgini":
            return t
    raise ValueError(f"the targets hold no ΔGini target (statistic {DGINI_STATISTIC!r})")


def simulate_fn(simulate: Callable | None) -> Callable:
    if simulate is not None:
        return simulate
    from analysis.calibration.moments import simulate_moments

    return simulate_moments


def steps(names: Sequence[str]) -> dict[str, float]:
    """Central-difference step per parameter: the estimation's Jacobian step rule,
    `moments.JACOBIAN_STEP_SHARE` of its calibration range (a few percent, wide enough to
    average over the steps that common random numbers leave in the moments)."""
    from analysis.calibration.moments import JACOBIAN_STEP_SHARE
    from analysis.calibration.space import free

    return {f.name: JACOBIAN_STEP_SHARE * (f.hi - f.lo) for f in free(list(names))}


def in_space(fixed: Mapping[str, float] | None) -> dict[str, float]:
    """The fixed values that are free parameters (they join θ); the others, e.g.
    asset_gini, live in the base economy the caller passes (as `calibrate` does)."""
    from analysis.calibration.space import FREE

    names = {f.name for f in FREE}
    return {k: float(v) for k, v in dict(fixed or {}).items() if k in names}


def long_run_targets(targets: Any, periods: int) -> Any:
    """Targets holding only the ΔGini target, dated at `periods` (the long-run ΔGini)."""
    t = dgini_target(targets)
    return dataclasses.replace(targets, targets=(dataclasses.replace(t, period=periods),))


def long_run_dgini(theta: Mapping[str, float], *, targets: Any, seeds: Sequence[int],
                   base: Any, simulate: Callable | None = None, periods: int = 30) -> float:
    """Mean over seeds of the paired ΔGini at T = `periods` at θ."""
    lr = long_run_targets(targets, periods)
    s = simulate_fn(simulate)(dict(theta), targets=lr, seeds=list(seeds),
                              base=base.replace(n_periods=max(periods, base.n_periods)))
    return float(s[dgini_target(targets).name])


def _calibrate(targets: Any, **kw: Any) -> Any:
    from analysis.calibration.estimate import calibrate

    return calibrate(targets, **kw)


def _sublog(log: Any, tag: str) -> Path | None:
    """The evaluation log of one refit, beside the main one (each refit resumes on its own)."""
    if log is None:
        return None
    log = Path(log)
    return log.with_name(f"{log.stem}.{tag}{log.suffix}")


def _row(fit: Any, targets: Any) -> dict[str, Any]:
    m6 = dgini_target(targets).name
    row: dict[str, Any] = {"criterion": float(fit.criterion)}
    row.update({f"{k}": float(v) for k, v in fit.params.items()})
    row.update({f"se_{k}": float(v) for k, v in fit.se.items()})
    row.update({f"t_{k}": float(v) for k, v in fit.moments["t"].items() if k != m6})
    row["dgini_data_date"] = float(fit.moments.loc[m6, "simulated"]) \
        if m6 in fit.moments.index else np.nan
    row["n_evaluations"] = int(getattr(fit, "n_evaluations", 0))
    row["seconds"] = float(getattr(fit, "seconds", np.nan))
    return row


def m6_scenarios(targets: Any, values: Sequence[float] = (-0.01, 0.0, 0.01),
                 **calibrate_kwargs: Any) -> pd.DataFrame:
    """One refit per m6 value: parameters, t statistics of the other targets, criterion.

    t_<target> = (simulated − empirical)/se for each of the five other targets, so a row
    shows which micro targets a given ΔGini scenario strains. `calibrate_kwargs` go to
    `calibrate` (seeds, base, simulate, evaluator, n_starts, log...; a log gets a suffix
    per scenario so each refit resumes on its own).
    """
    m6 = dgini_target(targets).name
    log = calibrate_kwargs.pop("log", None)
    rows = []
    for v in values:
        fit = _calibrate(targets.with_value(m6, float(v)),
                         log=_sublog(log, f"m6={float(v):+.4f}"), **calibrate_kwargs)
        rows.append({"m6": float(v), **_row(fit, targets)})
    return pd.DataFrame(rows)


def share_profile(targets: Any, grid: Sequence[float], *, long_run: bool = False,
                  periods: int = 30, **calibrate_kwargs: Any) -> pd.DataFrame:
    """Fix the proprietary share at each grid point and re-estimate the other parameters.

    Each point starts from `start` (the pipeline passes the main estimate) or, without
    one, from the previous point's estimate (a continuation along s). Columns:
    proprietary_share, criterion, dgini_data_date (the m6 statistic at the refit), the
    re-estimated parameters, and with `long_run` the paired ΔGini at T = `periods`.
    """
    kw = dict(calibrate_kwargs)
    log = kw.pop("log", None)
    fixed = dict(kw.pop("fixed", None) or {})
    free = kw.pop("free", None)
    if free is not None and "proprietary_share" not in free:
        raise ValueError("share_profile needs proprietary_share among the free parameters")
    given = kw.pop("start", None)
    given = None if given is None else {k: float(v) for k, v in dict(given).items()
                                        if k != "proprietary_share"}
    start = given
    rows = []
    for s in grid:
        # the share stays in the space and is held by `fixed` (it joins every θ)
        fit = _calibrate(targets, free=free, fixed={**fixed, "proprietary_share": float(s)},
                         start=start, log=_sublog(log, f"share={float(s):.3f}"), **kw)
        estimate = {k: float(v) for k, v in fit.params.items() if k != "proprietary_share"}
        start = given if given is not None else estimate
        row = {"proprietary_share": float(s), **_row(fit, targets)}
        if long_run:
            row["dgini_long_run"] = long_run_dgini(
                {**in_space(fit.fixed), **estimate}, targets=targets,
                seeds=kw.get("seeds", range(1, 11)), base=_base(targets, kw),
                simulate=kw.get("simulate"), periods=periods)
        rows.append(row)
    return pd.DataFrame(rows)


def _base(targets: Any, kw: Mapping[str, Any]) -> Any:
    if kw.get("base") is not None:
        return kw["base"]
    from analysis.calibration.space import base_params

    return base_params(targets=targets)


class _Problem:
    """Criterion and ΔGini on the unit box u ∈ [0, 1]^k, one simulation per distinct point.

    θ = lo + clip(u)·(hi − lo): COBYLA may step slightly outside the box (bounds enter as
    constraints), the model only ever sees θ inside it. The criterion is the estimation's,
    Σ_j ((sim_j − emp_j)/se_j)² over the criterion targets (diagonal weights 1/se²).
    """

    def __init__(self, targets: Any, names: list[str], fixed: Mapping[str, float],
                 seeds: Sequence[int], base: Any, simulate: Callable,
                 criterion_targets: list[str]) -> None:
        from analysis.calibration.space import free

        self.targets, self.names, self.fixed = targets, names, dict(fixed)
        self.seeds, self.base, self.simulate = list(seeds), base, simulate
        spaces = {f.name: f for f in free(names)}
        self.lo = np.array([spaces[n].lo for n in names], float)
        self.hi = np.array([spaces[n].hi for n in names], float)
        self.keep = criterion_targets
        emp = targets.empirical()
        self.emp = emp[self.keep].to_numpy(float)
        self.se = np.array([targets[n].se for n in self.keep], float)
        self.m6 = dgini_target(targets).name
        self.cache: dict[tuple, pd.Series] = {}

    def theta(self, u: np.ndarray) -> dict[str, float]:
        x = self.lo + np.clip(np.asarray(u, float), 0.0, 1.0) * (self.hi - self.lo)
        return {**self.fixed, **dict(zip(self.names, map(float, x), strict=True))}

    def unit(self, theta: Mapping[str, float]) -> np.ndarray:
        x = np.array([theta[n] for n in self.names], float)
        return np.clip((x - self.lo) / (self.hi - self.lo), 0.0, 1.0)

    def moments(self, u: np.ndarray) -> pd.Series:
        key = tuple(np.round(np.clip(np.asarray(u, float), 0.0, 1.0), 12))
        if key not in self.cache:
            self.cache[key] = self.simulate(self.theta(u), targets=self.targets,
                                            seeds=self.seeds, base=self.base)
        return self.cache[key]

    def criterion(self, u: np.ndarray) -> float:
        r = (self.moments(u)[self.keep].to_numpy(float) - self.emp) / self.se
        return float(r @ r)

    def dgini(self, u: np.ndarray) -> float:
        return float(self.moments(u)[self.m6])

    def t_stats(self, u: np.ndarray) -> dict[str, float]:
        """(simulated − empirical)/se of every target at u (the criterion's or not)."""
        sim = self.moments(u)
        return {f"t_{t.name}": float((sim[t.name] - t.value) / t.se)
                for t in self.targets.targets}


def regime_constrained(targets: Any, *, fit: Any = None, with_scenario_target: bool = False,
                       maxiter: int = COBYLA_MAXITER, long_run: bool = False,
                       periods: int = 30, progress: Callable[[str], None] | None = None,
                       **calibrate_kwargs: Any) -> pd.DataFrame:
    """The best fit in each ΔGini regime and the criterion gap between them.

    The constraint is on the DATA-DATE ΔGini (the m6 statistic, t = 3): it is the ΔGini
    the targets are dated at, and every criterion evaluation already simulates it, so the
    constraint costs nothing extra; a long-run constraint would need T = 30 paired runs at
    every step (about ten times the cost). With `long_run`, the long-run ΔGini is evaluated
    once at each constrained optimum, so the table shows whether the regimes part there too.

    The first row, "main estimate", is `fit` evaluated on the same criterion (the
    reference the constrained fits are compared with; with the scenario target left out
    of the criterion it is not that criterion's own minimum).

    Method: optimagic's nonlinear constraints with scipy's COBYLA (Powell 1994), the
    derivative-free algorithm in this environment that accepts them (nlopt's variants are
    not importable here). Both fits start at the unconstrained estimate `fit` (estimated
    first if not given); the side already satisfied there stays near it. By default the
    criterion leaves out the scenario target m6 itself (`with_scenario_target=False`): the
    gap then measures how strongly the five micro targets prefer a regime, not how strongly
    the ΔGini scenario input does. gap = |Q(≤ 0) − Q(≥ 0)|; with diagonal rather than
    optimal weights it is a distance in squared-SE units, not a χ² statistic.
    """
    import optimagic as om

    kw = dict(calibrate_kwargs)
    simulate = simulate_fn(kw.get("simulate"))
    seeds = list(kw.get("seeds", range(1, 11)))
    base = _base(targets, kw)
    if fit is None:
        fit = _calibrate(targets, **kw)
    m6 = dgini_target(targets)
    keep = [t.name for t in targets.targets if with_scenario_target or not t.scenario]
    names = list(fit.params.index)
    prob = _Problem(targets, names, in_space(fit.fixed), seeds, base, simulate, keep)
    u0 = prob.unit(dict(fit.params))
    scale = m6.se if m6.se > 0 else 1.0
    box = om.NonlinearConstraint(func=lambda u: np.asarray(u, float),
                                 lower_bound=np.zeros(len(names)),
                                 upper_bound=np.ones(len(names)))
    rows = [{"regime": "main estimate", "criterion": prob.criterion(u0),
             "dgini_data_date": prob.dgini(u0), "n_evaluations": 0,
             **prob.theta(u0), **prob.t_stats(u0)}]
    for label, bound in (("dgini <= 0", "upper_bound"), ("dgini >= 0", "lower_bound")):
        if progress:
            progress(f"constrained fit {label} (COBYLA, at most {maxiter} evaluations)")
        sign = om.NonlinearConstraint(func=lambda u: np.array([prob.dgini(u) / scale]),
                                      **{bound: np.zeros(1)})
        before = len(prob.cache)
        res = om.minimize(fun=prob.criterion, params=u0, algorithm="scipy_cobyla",
                          constraints=[sign, box],
                          algo_options={"stopping_maxiter": maxiter,
                                        "trustregion_initial_radius": 0.2})
        u = np.clip(np.asarray(res.params, float), 0.0, 1.0)
        d = prob.dgini(u)
        tol = FEASIBILITY_TOL * scale
        rows.append({"regime": label, "criterion": prob.criterion(u), "dgini_data_date": d,
                     "feasible": bool(d <= tol if bound == "upper_bound" else d >= -tol),
                     "n_evaluations": len(prob.cache) - before, **prob.theta(u),
                     **prob.t_stats(u)})
    out = pd.DataFrame(rows)
    if long_run:
        out["dgini_long_run"] = [long_run_dgini(
            {k: r[k] for k in (*names, *in_space(fit.fixed))}, targets=targets, seeds=seeds,
            base=base, simulate=simulate, periods=periods) for _, r in out.iterrows()]
    q = out.set_index("regime")["criterion"]
    out["criterion_gap"] = abs(q["dgini <= 0"] - q["dgini >= 0"])
    out["preferred"] = "dgini <= 0" if q["dgini <= 0"] < q["dgini >= 0"] else "dgini >= 0"
    out["criterion_targets"] = ",".join(keep)
    return out
