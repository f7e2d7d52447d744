"""Within-task production: how a worker's human capital and AI input make task output.

Pure kernels of arrays; no Mesa, no randomness. These are link 1 of the mechanism
(skill homogenization). `h_phi` is the worker's human input h·φ(z); `ai` is the AI input
α(z)·A_t·access, zero on tasks outside S(A_t).

Forms (docs/MODEL.md, "Task output"):
- additive:        y = hφ + ai                        (an ability-independent floor)
- multiplicative:  y = hφ + ai·(hφ)^μ                 (partially multiplicative)
- ces:             y = ((hφ)^ρ + (T0 + ai)^ρ)^(1/ρ)   (within-task CES, curvature ρ)
- homogenization switched off: y = hφ·(1 + ai/m_z), a skill-neutral AI gain of the same
  average size (m_z = mean hφ in the task), so within-task CV is unchanged.
"""

from __future__ import annotations

import numpy as np


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
        return (h_phi ** rho + (tool_base + ai) ** rho) ** (1.0 / rho)
    raise ValueError(f"augmentation={form!r} must be one of ['additive', 'ces', 'multiplicative']")


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

