"""How likely is the concentrating regime, given what the calibration leaves uncertain?

The calibration (docs/CALIBRATION.md) estimates the free parameters θ (ai_weight,
ability_sd, edu_return, xi, proprietary_share) with an asymptotic covariance Σ̂ that
includes simulation noise. Reading the estimate as θ ~ N(θ̂, Σ̂) (the usual large-sample
approximation to the sampling distribution of an MSM estimator; Gourieroux, Monfort &
Renault 1993, J. Applied Econometrics 8(S1), doi:10.1002/jae.3950080507), each draw
becomes an economy (`prim.params_at`: proprietary_share s sets η₀ = (1−s)·T,
η₁ = s·T with T fixed) and the analytic mean field gives its long-run ΔGini. The share of
draws with ΔGini > 0 estimates P(concentrating); its Monte Carlo standard error is the
binomial sqrt(p(1−p)/n), and a Wilson 95% interval (Wilson 1927, JASA 22(158),
doi:10.1080/01621459.1927.10502953) stays informative when every draw lands in one
regime (p = 0 or 1, where the binomial SE is 0).

**Bounds: draws outside are rejected, not clipped.** The normal has unbounded support
while the model is defined only inside each parameter's range (`Params` refuses values
outside; proprietary_share lives in [0, 1]). Rejection samples the normal conditioned on
the admissible set, a truncated normal that keeps the shape of the estimate's
uncertainty inside the bounds. Clipping would move all the outside mass onto the bound
itself, a point mass at exactly ξ = 0 or s = 1 that the estimate gives no special
weight to, and the regime there can differ from the regime just inside. The share
rejected is reported; if fewer than 1% of draws are admissible the calculation refuses
(the normal approximation is then not describing this parameter space).

The m6 scenarios: ΔGini is itself a calibration target whose value the paper treats as a
scenario input (m6 ∈ {−0.01, 0, +0.01}); `scenario_probabilities` gives one row per
scenario fit. All scenarios use the same seed (common random numbers), so their
differences come from the fits, not from the draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from abm.params import Params
from analysis.regimes_inputs import axis_range
from analysis.sensitivity.prim import mean_field_dgini, params_at

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MIN_ACCEPTANCE = 0.01
"""Least share of admissible draws; below it the normal approximation is refused."""

Dgini = Callable[[Params], float]


def _check(mean: pd.Series, cov: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Mean vector and covariance matrix in the mean's order, validated."""
    names = list(mean.index)
    if not names:
        raise ValueError("mean is empty; give at least one parameter")
    cov = pd.DataFrame(cov)
    if set(cov.index) != set(names) or set(cov.columns) != set(names):
        raise ValueError(f"cov must be indexed by the mean's parameters {names}; got rows "
                         f"{list(cov.index)}, columns {list(cov.columns)}")
    m = mean.to_numpy(dtype=float)
    c = cov.loc[names, names].to_numpy(dtype=float)
    if not (np.isfinite(m).all() and np.isfinite(c).all()):
        raise ValueError("mean and cov must be finite")
    if not np.allclose(c, c.T, rtol=1e-8, atol=1e-14):
        raise ValueError("cov is not symmetric")
    return m, (c + c.T) / 2


def _root(c: np.ndarray) -> np.ndarray:
    """L with L·Lᵀ = c for a positive semi-definite c (a singular c is allowed: a
    parameter the data pin down exactly, or cov → 0)."""
    w, v = np.linalg.eigh(c)
    scale = max(float(np.abs(w).max()), 0.0)
    if w.min() < -1e-10 * max(scale, 1e-300):
        raise ValueError(f"cov is not positive semi-definite (eigenvalue {w.min():.3g})")
    return v * np.sqrt(np.clip(w, 0.0, None))


def _bounds(names: list[str], bounds: Mapping[str, tuple[float, float]] | None
            ) -> np.ndarray:
    """(d, 2) array of bounds: given ones, else each parameter's allowed range."""
    given = dict(bounds or {})
    unknown = set(given) - set(names)
    if unknown:
        raise ValueError(f"bounds for parameters not in the mean: {sorted(unknown)}; "
                         f"allowed: {names}")
    out = np.array([given.get(n, axis_range(n)) for n in names], dtype=float)
    if (out[:, 0] > out[:, 1]).any():
        raise ValueError("bounds must have lo <= hi")
    return out


def draw_parameters(mean: pd.Series, cov: pd.DataFrame, *, n_draws: int = 400,
                    seed: int = 0, bounds: Mapping[str, tuple[float, float]] | None = None
                    ) -> tuple[pd.DataFrame, int]:
    """n_draws admissible draws of N(mean, cov) (rejection at the bounds), and how many
    draws were made in all. Bounds default to each parameter's allowed range."""
    m, c = _check(mean, cov)
    if int(n_draws) < 1:
        raise ValueError(f"n_draws={n_draws!r} must be at least 1")
    names = list(mean.index)
    lim = _bounds(names, bounds)
    if ((m < lim[:, 0]) | (m > lim[:, 1])).any():
        out = {k: float(v) for k, v in zip(names, m)}
        raise ValueError(f"the mean {out} lies outside the bounds")
    root = _root(c)
    rng = np.random.default_rng(seed)
    n = int(n_draws)
    kept, have, made, cap = [], 0, 0, int(np.ceil(n / MIN_ACCEPTANCE))
    while have < n:
        if made >= cap:
            raise ValueError(f"only {have} of {made} draws lie inside the bounds "
                             f"(< {MIN_ACCEPTANCE:.0%}); the normal approximation does "
                             "not describe this parameter space")
        x = m + rng.standard_normal((n, len(names))) @ root.T
        inside = np.flatnonzero(((x >= lim[:, 0]) & (x <= lim[:, 1])).all(axis=1))
        take = inside[:n - have]
        # count the draws up to the last one kept, as if drawn one at a time
        made += int(take[-1]) + 1 if have + len(inside) >= n else len(x)
        kept.append(x[take])
        have += len(take)
    return pd.DataFrame(np.concatenate(kept), columns=names), made


def regime_draws(mean: pd.Series, cov: pd.DataFrame, *, base: Params, n_draws: int = 400,
                 seed: int = 0, bounds: Mapping[str, tuple[float, float]] | None = None,
                 dgini: Dgini | None = None) -> tuple[pd.DataFrame, int]:
    """The draws with their ΔGini (column `dgini`) and total draws made."""
    f = dgini if dgini is not None else mean_field_dgini
    draws, made = draw_parameters(mean, cov, n_draws=n_draws, seed=seed, bounds=bounds)
    values = np.array([f(params_at(base, theta)) for theta in draws.to_dict("records")],
                      dtype=float)
    if not np.isfinite(values).all():
        raise ValueError(f"dgini is not finite at {int((~np.isfinite(values)).sum())} "
                         "draws")
    return draws.assign(dgini=values), made


def _summary(values: np.ndarray, made: int, at_mean: float, horizon: int
             ) -> dict[str, float]:
    n = len(values)
    k = int((values > 0).sum())
    p = k / n
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    row = {"p_concentrating": p, "se": float(np.sqrt(p * (1 - p) / n)),
           "ci_low": float(lo), "ci_high": float(hi), "n_draws": n,
           "rejected_share": 1.0 - n / made if made else 0.0, "horizon": horizon,
           "dgini_at_mean": at_mean, "dgini_mean": float(values.mean())}
    for q in QUANTILES:
        row[f"dgini_q{round(100 * q):02d}"] = float(np.quantile(values, q))
    return row


def regime_probability(mean: pd.Series, cov: pd.DataFrame, *, base: Params,
                       n_draws: int = 400, seed: int = 0,
                       bounds: Mapping[str, tuple[float, float]] | None = None,
                       dgini: Dgini | None = None,
                       horizon: int | None = None) -> pd.DataFrame:
    """P(concentrating) under θ ~ N(mean, cov), with its Monte Carlo SE.

    Args:
        mean: estimates of the free parameters (index: parameter names).
        cov: their covariance (index and columns: the same names).
        base: the economy every other parameter comes from (the calibration's base
            with its fixed scenario axes; `SavedFit.to_params()`).
        n_draws: admissible draws (SE of P is at most 0.5/sqrt(n_draws), 0.025 at 400).
        seed: seed of the draws.
        bounds: name -> (lo, hi); draws outside are rejected (module docstring);
            default each parameter's allowed range.
        dgini: Params -> ΔGini; default the analytic mean field.
        horizon: the period at which AI's effect is read (sets base.n_periods; the mean
            field's AI state has the capability reached then). None keeps the base's.
            The calibrated economy runs to the data date (3 periods), where AI's effect
            is still building up; the regime of docs/REGIMES.md is the long run, the
            Params default of 30 periods.

    Returns:
        One row: p_concentrating, se (binomial), ci_low/ci_high (Wilson 95%), n_draws,
        rejected_share, horizon, dgini_at_mean, dgini_mean and the ΔGini quantiles
        dgini_q05 … dgini_q95.
    """
    if horizon is not None:
        base = base.replace(n_periods=int(horizon))
    f = dgini if dgini is not None else mean_field_dgini
    draws, made = regime_draws(mean, cov, base=base, n_draws=n_draws, seed=seed,
                               bounds=bounds, dgini=f)
    at_mean = float(f(params_at(base, mean.to_dict())))
    return pd.DataFrame([_summary(draws["dgini"].to_numpy(), made, at_mean,
                                  int(base.n_periods))])


def _unpack(fit: Any) -> tuple[pd.Series, pd.DataFrame, Params | None]:
    """(mean, cov, base or None) of a (mean, cov) pair or a saved fit."""
    if isinstance(fit, tuple) and len(fit) == 2:
        return pd.Series(fit[0], dtype=float), pd.DataFrame(fit[1]), None
    if hasattr(fit, "params") and hasattr(fit, "cov"):
        base = fit.to_params() if hasattr(fit, "to_params") else None
        return pd.Series(fit.params, dtype=float), pd.DataFrame(fit.cov), base
    raise TypeError(f"a scenario fit must be (mean, cov) or a saved fit; got "
                    f"{type(fit).__name__}")


def scenario_probabilities(fits: Mapping[str, Any], *, base: Params | None = None,
                           n_draws: int = 400, seed: int = 0,
                           bounds: Mapping[str, tuple[float, float]] | None = None,
                           dgini: Dgini | None = None,
                           horizon: int | None = None) -> pd.DataFrame:
    """`regime_probability` for each scenario fit; one row per scenario (index).

    `fits` maps a scenario label (e.g. the m6 value) to (mean, cov) or to a saved fit
    (`analysis.calibration.store.load_fit`: its `.params`, `.cov`, and `.to_params()` as
    the base unless `base` is given). Every scenario uses the same `seed`; `horizon` as
    in `regime_probability` (pass 30 for the long-run regime of a calibrated economy).
    """
    if not fits:
        raise ValueError("fits is empty; give at least one scenario")
    rows = {}
    for label, fit in fits.items():
        mean, cov, own = _unpack(fit)
        b = base if base is not None else own
        if b is None:
            raise ValueError(f"scenario {label!r}: give base (a Params) for a (mean, cov) "
                             "fit")
        rows[label] = regime_probability(mean, cov, base=b, n_draws=n_draws, seed=seed,
                                         bounds=bounds, dgini=dgini,
                                         horizon=horizon).iloc[0]
    out = pd.DataFrame(rows).T
    out.index.name = "scenario"
    return out.astype({"n_draws": int, "horizon": int})
