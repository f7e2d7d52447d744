"""What pins the sign of ΔGini: sensitivity of the estimate and ΔGini at the estimate.

- `sensitivity(fit)`: Andrews, Gentzkow & Shapiro (2017, QJE 132(4), doi:10.1093/qje/qjx023)
  Λ = −(G'WG)⁻¹G'W, scaled by each target's standard error, so that an entry reads "effect
  on parameter p of target j's empirical value being one SE higher"; and the precision
  measures of Honoré, Jørgensen & de Paula (2020, JAE 35(1), doi:10.1002/jae.2779), read
  from estimagic.
- `dgini_at(fit, ...)`: ΔGini at the estimate (the m6 statistic at the data date, and the
  long-run ΔGini of paired runs at T = 30), a delta-method interval and the split of its
  variance by target.

The refits along scenario axes (m6 values, regime constraints, the proprietary share) are
in `analysis.calibration.refit` and re-exported here.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.calibration.refit import (dgini_target, in_space, long_run_targets, m6_scenarios,
                                        regime_constrained, share_profile, simulate_fn, steps)

__all__ = ["sensitivity", "dgini_at", "influence", "m6_scenarios", "regime_constrained",
           "share_profile", "LONG_RUN_PERIODS", "PRECISION_KINDS"]

LONG_RUN_PERIODS = 30
"""T of the long-run ΔGini: the model's default horizon (abm/params.py n_periods)."""

PRECISION_KINDS = ("noise_fundamental", "noise", "removal", "removal_fundamental",
                   "weighting")
"""Honoré-Jørgensen-de Paula measures (their e2-e6), as named by estimagic 0.5."""

Z95 = 1.959963984540054


def _omega(fit: Any, n_seeds: int | None) -> pd.DataFrame:
    """Ω = Ω_data + Ω̂_sim/R: the covariance of (simulated − empirical) at the estimate."""
    names = list(fit.moments.index)
    omega = pd.DataFrame(np.diag(fit.moments["se"].to_numpy(float) ** 2), names, names)
    if n_seeds and getattr(fit, "sim_cov", None) is not None and len(fit.sim_cov):
        omega = omega + fit.sim_cov.reindex(index=names, columns=names).fillna(0.0) / n_seeds
    return omega


def influence(fit: Any) -> pd.DataFrame:
    """dθ/dm = Λ = −(G'WG)⁻¹G'W (params × targets): AGS's sensitivity to bias.

    From estimagic's MomentsResult when the fit has one (its own weights), else from the
    fit's Jacobian with the diagonal weights W = diag(1/se²) that `estimate_msm` uses
    for a diagonal `moments_cov` (weights="diagonal").
    """
    result = getattr(fit, "result", None)
    if result is not None:
        try:
            lam = result.sensitivity(kind="bias", return_type="dataframe")
            return lam.reindex(index=list(fit.params.index), columns=list(fit.moments.index))
        except Exception:          # noqa: BLE001 - constraints, a non-dataframe result...
            pass
    g = fit.jacobian.reindex(index=list(fit.moments.index), columns=list(fit.params.index))
    w = np.diag(1.0 / fit.moments["se"].to_numpy(float) ** 2)
    gm = g.to_numpy(float)
    lam = -np.linalg.pinv(gm.T @ w @ gm) @ gm.T @ w
    return pd.DataFrame(lam, index=g.columns, columns=g.index)


def sensitivity(fit: Any, *, kinds: Sequence[str] = PRECISION_KINDS) -> pd.DataFrame:
    """Tidy (parameter, target, kind, value, caveat): how each target pins each parameter.

    kind "bias": AGS Λ_pj as estimagic returns it, the change in parameter p per unit bias in
    the moment condition sim_j − emp_j (AGS's sign convention);
    kind "bias_per_se": −Λ_pj · se_j, the effect on p of target j's EMPIRICAL VALUE being one
    standard error HIGHER (a higher datum is a lower sim − emp, hence the minus; comparable
    across targets measured in different units);
    kind "bias_per_se_in_param_se": the same divided by SE(p), in units of p's own SE;
    the HJdP kinds (`PRECISION_KINDS`): estimagic's e2-e6, the relative precision lost or
    gained when target j is noisier, removed or re-weighted (fit.result needed; a kind
    estimagic cannot compute at this fit is left out, never filled with a guess).
    """
    lam = influence(fit)
    se_m = fit.moments["se"].reindex(lam.columns).to_numpy(float)
    se_p = fit.se.reindex(lam.index).to_numpy(float)
    frames = {"bias": lam, "bias_per_se": -lam * se_m[None, :]}
    with np.errstate(divide="ignore", invalid="ignore"):
        frames["bias_per_se_in_param_se"] = -lam * se_m[None, :] / se_p[:, None]
    caveats: dict[str, str] = {}
    result = getattr(fit, "result", None)
    if result is not None:
        for kind in kinds:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    frames[kind] = result.sensitivity(kind=kind, return_type="dataframe")
                except Exception:  # noqa: BLE001 - constraints, non-finite matrices
                    continue
            if caught:   # e.g. removing the only target of a parameter: a pseudo-inverse
                caveats[kind] = ("pseudo-inverse (a matrix was singular: removing or "
                                 "re-weighting a target leaves a parameter unidentified)")
    rows = []
    for kind, frame in frames.items():
        long = frame.rename_axis(index="parameter", columns="target").stack()
        rows.append(long.rename("value").reset_index()
                    .assign(kind=kind, caveat=caveats.get(kind, "")))
    out = pd.concat(rows, ignore_index=True)
    return out[["parameter", "target", "kind", "value", "caveat"]]


def _theta(fit: Any) -> dict[str, float]:
    return {**in_space(fit.fixed), **{k: float(v) for k, v in fit.params.items()}}


def _gradient(fn: Callable[[dict[str, float]], float], theta: dict[str, float],
              names: Sequence[str], batch: Callable) -> pd.Series:
    """Central differences with the Jacobian's step rule (`refit.steps`), one-sided at a bound."""
    h = steps(names)
    points, plan = [], []
    for name in names:
        lo, hi = bounds_of(name)
        up, down = min(theta[name] + h[name], hi), max(theta[name] - h[name], lo)
        plan.append((name, up - down))
        points += [{**theta, name: up}, {**theta, name: down}]
    values = batch(fn, points)
    return pd.Series({name: (values[2 * i] - values[2 * i + 1]) / width
                      for i, (name, width) in enumerate(plan)}, name="gradient")


def bounds_of(name: str) -> tuple[float, float]:
    from analysis.calibration.space import free

    (f,) = free([name])
    return float(f.lo), float(f.hi)


def _batch(evaluator: Any) -> Callable:
    """Map a one-argument function over points: serially, or on the Dask client given."""
    if evaluator is None:
        return lambda fn, points: [fn(p) for p in points]
    from analysis.calibration.evaluate import dask_batch_evaluator

    run = dask_batch_evaluator(evaluator)
    return lambda fn, points: list(run(fn, points, n_cores=len(points),
                                       error_handling="raise", unpack_symbol=None))


@dataclasses.dataclass
class _Stat:
    """Picklable ΔGini at θ (a Dask task): one statistic of `simulate`."""
    simulate: Callable
    targets: Any
    seeds: tuple
    base: Any
    name: str

    def __call__(self, theta: Mapping[str, float]) -> float:
        theta = dict(theta)
        seeds = [int(theta.pop("_seed"))] if "_seed" in theta else list(self.seeds)
        s = self.simulate(theta, targets=self.targets, seeds=seeds, base=self.base)
        return float(s[self.name])


def dgini_at(fit: Any, *, targets: Any, seeds: Sequence[int], base: Any,
             simulate: Callable | None = None, long_run: bool = True,
             periods: int = LONG_RUN_PERIODS, evaluator: Any = None,
             long_run_seeds: Sequence[int] | None = None) -> dict[str, Any]:
    """ΔGini at the estimate with a delta-method 95% interval and its variance by target.

    Two ΔGini, labelled in every output by `horizon`:
    "data date" — the m6 statistic (gini_income(AI) − gini_income(no AI), same seeds) at
    the target's period (t = 3), the quantity the data speak to; its gradient is the fit's
    Jacobian row when m6 is a target, else central differences;
    "long run" — the same paired difference at T = `periods` (30), by central differences
    with the Jacobian's step rule (2k evaluations at `long_run_seeds`, default `seeds`,
    plus one per seed at the estimate for its seed SE).
    `seeds` are the estimation's (R = len(seeds) sets Ω̂_sim/R).

    Var(ΔGini) = g' Σ_θ g with g = dΔGini/dθ and Σ_θ = fit.cov. Split by target: with
    a = g'Λ (Λ = dθ/dm, `influence`) and Ω = Ω_data + Ω̂_sim/R, target j contributes
    a_j (Ω a)_j (its data part a_j² se_j² and the simulation part); the contributions sum
    to a'Ωa, which equals g'Σ_θ g when Σ_θ is the sandwich ΛΩΛ' (both are reported).
    `per_target_se` = −a_j·se_j: the move of ΔGini at the estimate if target j's empirical
    value were one SE higher (through the re-estimated parameters): what pins ΔGini's sign.
    The interval is parameter uncertainty only; `mc_se` is the seed SE of the value itself.
    """
    simulate = simulate_fn(simulate)
    seeds = tuple(int(s) for s in seeds)
    m6 = dgini_target(targets).name
    theta = _theta(fit)
    names = list(fit.params.index)
    batch = _batch(evaluator)
    lam = influence(fit)
    omega = _omega(fit, len(seeds))
    cov = fit.cov.reindex(index=names, columns=names).to_numpy(float)
    summary, split, grads = [], [], []
    lr_seeds = seeds if long_run_seeds is None else tuple(int(s) for s in long_run_seeds)
    horizons = [("data date", dgini_target(targets).period, targets, base, seeds)]
    if long_run:
        horizons.append(("long run", periods, long_run_targets(targets, periods),
                         base.replace(n_periods=max(periods, base.n_periods)), lr_seeds))
    for horizon, period, tg, b, h_seeds in horizons:
        stat = _Stat(simulate, tg, h_seeds, b, m6)
        if horizon == "data date" and m6 in fit.jacobian.index:
            g = fit.jacobian.loc[m6].reindex(names).astype(float).rename("gradient")
            value = float(fit.moments.loc[m6, "simulated"])
            mc_se = (float(np.sqrt(fit.sim_cov.loc[m6, m6] / len(seeds)))
                     if getattr(fit, "sim_cov", None) is not None and m6 in fit.sim_cov.index
                     else np.nan)
        else:
            g = _gradient(stat, theta, names, batch)
            per_seed = batch(stat, [{**theta, "_seed": s} for s in h_seeds])
            value = float(np.mean(per_seed))
            mc_se = float(np.std(per_seed, ddof=1) / np.sqrt(len(per_seed))) \
                if len(per_seed) > 1 else np.nan
        gv = g.to_numpy(float)
        var = float(gv @ cov @ gv)
        a = gv @ lam.reindex(index=names).to_numpy(float)
        om = omega.reindex(index=lam.columns, columns=lam.columns).to_numpy(float)
        contrib = a * (om @ a)
        se_t = fit.moments["se"].reindex(lam.columns).to_numpy(float)
        data_part = a ** 2 * se_t ** 2
        sd = float(np.sqrt(max(var, 0.0)))
        summary.append({"horizon": horizon, "period": int(period), "dgini": value,
                        "se": sd, "ci_low": value - Z95 * sd, "ci_high": value + Z95 * sd,
                        "mc_se": mc_se, "var_sandwich": var,
                        "var_by_targets": float(contrib.sum()), "seeds": len(h_seeds)})
        total = float(contrib.sum())
        for j, target in enumerate(lam.columns):
            split.append({"horizon": horizon, "target": target, "influence": float(a[j]),
                          "per_target_se": float(-a[j] * se_t[j]),
                          "contribution": float(contrib[j]),
                          "data_part": float(data_part[j]),
                          "share": float(contrib[j] / total) if total > 0 else np.nan})
        grads.append(g.to_frame().T.assign(horizon=horizon).set_index("horizon"))
    return {"summary": pd.DataFrame(summary), "split": pd.DataFrame(split),
            "gradient": pd.concat(grads)}
