"""Within-task production: how a worker's human capital and AI input make task output.

Pure kernels of arrays; no Mesa, no randomness. These are link 1 of the mechanism
(skill homogenization). `h_phi` is the worker's human input h^λ(z)·φ(z) (`skill_input`;
λ = 1 on every task by default); `ai` is the AI input α(z)·A_t·access, zero on tasks
outside S(A_t).

Forms (docs/MODEL.md, "Task output"):
- additive:        y = hφ + ai                        (an ability-independent floor)
- multiplicative:  y = hφ + ai·(hφ)^μ                 (partially multiplicative)
- ces:             y = ((hφ)^ρ + (T0 + ai)^ρ)^(1/ρ)   (within-task CES, curvature ρ)
                   = 2^(1/ρ)·M_ρ(hφ, T0 + ai), M_ρ the power mean of order ρ
- homogenization switched off: y = hφ·(1 + ai/m_z), a skill-neutral AI gain of the same
  average size (m_z = mean hφ in the task), so within-task CV is unchanged.
"""

from __future__ import annotations

import numpy as np

from abm.fused.production import skill_powers

RHO_GEOMETRIC = 0.1
"""|ρ| below which the CES form is evaluated as 2^(1/ρ)·M_ρ with M_ρ from expm1/log1p.

Near ρ = 0 the sum of powers is 2 + O(ρ) and raising it to 1/ρ multiplies its rounding
error by 1/ρ; the power-mean form keeps full precision down to the geometric limit
M_0 = √(hφ·(T0 + ai)), leaving the exactly rounded factor 2^(1/ρ) apart (it has no
finite limit, which is why `Params` keeps |ρ| away from 0).
"""


def skill_returns(n_tasks: int, n_codifiable: int, spread: float) -> np.ndarray:
    """λ_z: the return to human capital of each task (comparative advantage).

    Task k of a type with n tasks (codifiable tasks 0..n_C−1, then the social ones) has
    λ_k = 1 + spread·(2k/(n − 1) − 1): evenly spread over [1 − |s|, 1 + |s|] with mean 1
    in each type, rising in k for spread > 0 (codifiable tasks are ordered by when AI
    reaches them, so the tasks reached later reward skill more) and falling for
    spread < 0. One task in a type has λ = 1.
    """
    out = np.ones(n_tasks)
    for lo, hi in ((0, n_codifiable), (n_codifiable, n_tasks)):
        n = hi - lo
        if n > 1 and spread != 0.0:
            out[lo:hi] = 1.0 + spread * (2.0 * np.arange(n) / (n - 1) - 1.0)
    return out


def skill_input(human_capital: np.ndarray, task: np.ndarray, skill_return: np.ndarray
                ) -> np.ndarray:
    """h^λ(z) of each worker on her task: `human_capital` itself when every λ is 1.

    With λ_z differing across tasks, log output is λ_z·log h + log φ_z + ...: the able
    have a comparative advantage on the tasks with high λ and choose them (Roy 1951).
    Returning the same array when every λ is 1 keeps the default economy's numbers
    exactly those of output ∝ h.
    """
    if np.all(skill_return == 1.0):
        return human_capital
    return skill_powers(np.ascontiguousarray(human_capital, dtype=np.float64),
                        np.ascontiguousarray(task, dtype=np.int64),
                        np.ascontiguousarray(skill_return, dtype=np.float64))


def task_output(h_phi: np.ndarray, ai: np.ndarray, *, form: str, rho: float,
                mult_elasticity: float, tool_base: float,
                neutral_scale: np.ndarray | None = None) -> np.ndarray:
    """Task output y for each worker.

    Args:
        h_phi: human input h_i·φ(z_i), positive.
        ai: AI input α(z)·A_t·access (0 where the task is not augmentable).
        form: "additive", "ces" or "multiplicative".
        rho: CES curvature (form "ces"), non-zero.
        mult_elasticity: μ of the partially multiplicative form.
        tool_base: T0, pre-AI complementary input of the CES form.
        neutral_scale: if given (homogenization switched off), per-worker m_z and the
            skill-neutral form y = hφ·(1 + ai/m_z) is used whatever `form` says.
    """
    if neutral_scale is not None:
        return h_phi * (1.0 + ai / neutral_scale)
    if form == "additive":
        return h_phi + ai
    if form == "multiplicative":
        return h_phi + ai * h_phi ** mult_elasticity
    if form == "ces":
        return ces_output(h_phi, tool_base + ai, rho)
    raise ValueError(f"augmentation={form!r} must be one of ['additive', 'ces', 'multiplicative']")


def ces_output(x: np.ndarray, t: np.ndarray, rho: float) -> np.ndarray:
    """(x^ρ + t^ρ)^(1/ρ) for x > 0, t ≥ 0 (t > 0 when ρ < 0), finite wherever the value is.

    Where the plain formula is finite and positive it is used as is (so results are the
    same bit for bit as that formula); elements where a power overflowed or underflowed
    are recomputed from the dominant input m (the larger for ρ > 0, the smaller for
    ρ < 0): y = m·(1 + (o/m)^ρ)^(1/ρ), whose inner power lies in [0, 1]. For |ρ| below
    `RHO_GEOMETRIC` the power-mean form is used instead (see there).
    """
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    if abs(rho) < RHO_GEOMETRIC:
        return ces_output_geometric(x, t, rho)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        y = (x ** rho + t ** rho) ** (1.0 / rho)
    bad = ~(np.isfinite(y) & (y > 0))
    if bad.any():
        y = np.array(y, dtype=float, copy=True)
        xb, tb = np.broadcast_to(x, y.shape)[bad], np.broadcast_to(t, y.shape)[bad]
        m = np.maximum(xb, tb) if rho > 0 else np.minimum(xb, tb)
        o = np.minimum(xb, tb) if rho > 0 else np.maximum(xb, tb)
        with np.errstate(under="ignore"):
            y[bad] = m * (1.0 + (o / m) ** rho) ** (1.0 / rho)
    return y


def ces_output_geometric(x: np.ndarray, t: np.ndarray, rho: float) -> np.ndarray:
    """(x^ρ + t^ρ)^(1/ρ) as 2^(1/ρ)·`power_mean`(x, t, ρ): a few ulps for any small ρ ≠ 0."""
    with np.errstate(over="ignore"):
        scale = np.float64(2.0) ** (1.0 / rho)       # one C pow: within an ulp
    return scale * power_mean(x, t, rho)


def power_mean(x: np.ndarray, t: np.ndarray, rho: float) -> np.ndarray:
    """M_ρ(x, t) = ((x^ρ + t^ρ)/2)^(1/ρ) = exp(log1p((expm1(ρ·ln x) + expm1(ρ·ln t))/2)/ρ).

    The expm1/log1p form keeps full precision as ρ → 0, where M_ρ tends to the geometric
    mean √(x·t) (the Cobb-Douglas limit); t = 0 (ρ > 0 only) gives expm1(−inf) = −1,
    i.e. M_ρ = x·2^(−1/ρ), as the power form does.
    """
    with np.errstate(divide="ignore", under="ignore"):
        lx, lt = np.log(x), np.log(t)
        return np.exp(np.log1p((np.expm1(rho * lx) + np.expm1(rho * lt)) / 2.0) / rho)


def within_task_cv(output: np.ndarray, task: np.ndarray, n_tasks: int,
                   mask: np.ndarray | None = None) -> np.ndarray:
    """Coefficient of variation of `output` within each task (NaN for tasks with < 2 obs).

    Uses bincount sums, so it is O(N) for any number of tasks.
    """
    if mask is not None:
        output, task = output[mask], task[mask]
    n = np.bincount(task, minlength=n_tasks).astype(float)
    s1 = np.bincount(task, weights=output, minlength=n_tasks)
    s2 = np.bincount(task, weights=output * output, minlength=n_tasks)
    return cv_from_sums(n, s1, s2)


def cv_from_sums(n: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """`within_task_cv` from per-task count, sum and sum of squares.

    Sums may come from any computation that adds the same values in the same order
    (the measurement phase adds zeros for the unemployed, which changes no sum).
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        var = np.maximum(s2 / n - mean * mean, 0.0) * n / (n - 1)
        cv = np.sqrt(var) / mean
    cv[n < 2] = np.nan
    return cv

