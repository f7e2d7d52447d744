"""The production technology, one value at a time (docs/MODEL.md §3.5).

- `task_output`, `ces_output`: a worker's output from human input h·φ and AI input
  (link 1: additive, multiplicative or CES augmentation; homogenization switched off).
- `firm_ces`, `firm_ces_labour_slope`: a firm's CES of AI-augmented labour and
  complementary assets (link 4), and its slope, which prices labour at the fringe.
- `_ces_prices_in_logs`: the final good's CES task prices where the power form over- or
  underflows or σ is near 1.

These are pure functions of numbers and `Params`, shared by the agents (workers produce,
firms combine teams with assets) and the production phase (prices): that is why they live
apart from both.
"""

from __future__ import annotations

import math

import numpy as np

from abm.params import Params

from .numerics import _ufunc, power


def firm_ces(u: float, x: float, p: Params) -> float:
    """C(u, x) = ((1 − λ)·u^r + λ·x^r)^(1/r), λ = m_K/(1 + m_K), r = (ε − 1)/ε (link 4)."""
    lam = p.asset_markup / (1.0 + p.asset_markup)
    r = (p.asset_elasticity - 1.0) / p.asset_elasticity
    if lam == 0.0:
        return u
    if abs(r) < 1e-12:
        return power(u, 1.0 - lam) * power(x, lam)
    return power((1.0 - lam) * power(u, r) + lam * power(x, r), 1.0 / r)


def firm_ces_labour_slope(u: float, x: float, p: Params) -> float:
    """∂C/∂u = (1 − λ)·(C/u)^(1 − r)."""
    lam = p.asset_markup / (1.0 + p.asset_markup)
    r = (p.asset_elasticity - 1.0) / p.asset_elasticity
    if lam == 0.0:
        return 1.0
    return (1.0 - lam) * power(firm_ces(u, x, p) / u, 1.0 - r)


def task_output(h_phi: float, ai: float, p: Params, scale: float | None) -> float:
    """Output of one worker from human input h·φ and AI input α·A·access (link 1)."""
    if scale is not None:                      # homogenization switched off
        return h_phi * (1.0 + ai / scale)
    if p.augmentation == "additive":
        return h_phi + ai
    if p.augmentation == "multiplicative":
        return h_phi + ai * power(h_phi, p.mult_elasticity)
    return ces_output(h_phi, p.tool_base + ai, p.rho)


def ces_output(x: float, t: float, rho: float) -> float:
    """(x^ρ + t^ρ)^(1/ρ), as `abm.steps.technology.ces_output` computes it.

    |ρ| < 0.1: 2^(1/ρ) times the power mean from expm1/log1p; otherwise the power form,
    recomputed from the dominant input where a power over- or underflowed.
    """
    if abs(rho) < 0.1:
        with np.errstate(divide="ignore", under="ignore"):
            lx, lt = _ufunc(np.log, x), _ufunc(np.log, t)
            mean = _ufunc(np.exp, _ufunc(np.log1p, (_ufunc(np.expm1, rho * lx)
                                                    + _ufunc(np.expm1, rho * lt)) / 2.0) / rho)
        with np.errstate(over="ignore"):
            return float(np.float64(2.0) ** (1.0 / rho)) * mean
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        y = power(power(x, rho) + power(t, rho), 1.0 / rho)
    if math.isfinite(y) and y > 0:
        return y
    m, o = (max(x, t), min(x, t)) if rho > 0 else (min(x, t), max(x, t))
    with np.errstate(under="ignore"):
        return m * power(1.0 + power(o / m, rho), 1.0 / rho)


def _ces_prices_in_logs(weight: list[float], safe: list[float], present: list[bool],
                        sigma: float) -> list[float]:
    """CES prices from ln Y = ln(Σ β·exp(r·ln Y_z))/r (log-sum-exp, or log1p/expm1 near r = 0)."""
    r = (sigma - 1.0) / sigma
    log_y = [float(np.log(np.array([s]))[0]) for s in safe]
    if abs(r) < 1e-4:
        excess = math.fsum(b for b, k in zip(weight, present, strict=True) if k) - 1.0
        terms = [b * float(np.expm1(np.array([r * ly]))[0])
                 for b, ly in zip(weight, log_y, strict=True)]
        log_sum = math.log1p(excess + float(np.sum(terms, where=present)))
    else:
        terms = [float(np.log(np.array([b]))[0]) + r * ly
                 for b, ly in zip(weight, log_y, strict=True)]
        top = max(t for t, k in zip(terms, present, strict=True) if k)
        log_sum = top + math.log(float(np.sum([float(np.exp(np.array([t - top]))[0])
                                               for t in terms], where=present)))
    log_total = log_sum / r
    return [b * float(np.exp(np.array([(log_total - ly) / sigma]))[0])
            for b, ly in zip(weight, log_y, strict=True)]
