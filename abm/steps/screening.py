"""Screening in the hiring phase: work samples, employers' beliefs, credential cutoffs.

Signal. Every worker's work sample ys_i (made with commodity AI) is seen with noise:
s_i = ys_i·(1 + s_ε·ε_i) under `signal_noise_form = "proportional"` (a grader judges
quality on a ratio scale, so a sample twice as good is judged with twice the absolute
error) or s_i = ys_i + s_ε·φ_z·ε_i under "constant" (the error's sd is fixed in the
task's output unit φ_z, whatever the sample's level); ε ~ N(0, 1).

Belief. Employers on task z project incumbents' productivity (outside-option output
observed on the job over the last year) on their current signals and credentials,
y ≈ a + b_s·s + b_e·e (one OLS per task, shared by all employers: the market's screening
technology). The output is last year's because a year's output is what the employer has
on record when this year's samples are taken.

Requirement. Before evaluating anyone the employer sees credentials, and knows the
distribution of predictions ŷ = a + b_s·s + b_e·e among applicants of each level. It
evaluates applicants at a cost k = κ·φ_z each and hires the best predicted. Adding a
level to the evaluated pool is worth its cost iff an applicant of that level is expected
to beat the hiring standard y* (the marginal hire's prediction) by at least k:
E[(ŷ_e − y*)⁺] ≥ k (Weitzman 1979). The posted requirement is the lowest level that
pays. It rises when the signal spreads predictions less within a level (a less
diagnostic sample), or when evaluation costs more relative to that spread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import hiring as loops
from abm.fused import screening as cut
from abm.fused import selection
from abm.state import blocks
from abm.steps.production import human_input, neutral_scale
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.engine import Engine

RIDGE = 1e-9  # keeps the per-task 3x3 normal equations solvable when a regressor is constant


def project(y: np.ndarray, s: np.ndarray, e: np.ndarray, task: np.ndarray,
            n_tasks: int) -> np.ndarray:
    """Per-task OLS coefficients (a, b_s, b_e) of y on (1, s, e), via bincount moments."""
    return _solve_normal_equations(*_normal_equations(y, s, e, task, n_tasks))


def _normal_equations(y: np.ndarray, s: np.ndarray, e: np.ndarray, task: np.ndarray,
                      n_tasks: int, known: dict[tuple[int, int], np.ndarray] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Per-task X'X (Z, 3, 3) and X'y (Z, 3) for X = (1, s, e).

    `known` holds sums by task already computed by the caller, keyed by the regressor
    pair ((0, 0) count, (0, 1) Σs, (1, 1) Σs², (0, 2) Σe): they are reused rather than
    recomputed, which gives the same numbers.
    """
    known = known or {}
    x = (None, np.asarray(s, dtype=float), np.asarray(e, dtype=float))  # None: the constant
    y = np.asarray(y, dtype=float)
    prod = np.empty(y.shape)          # one buffer for every product of two variables
    xtx = np.empty((n_tasks, 3, 3))
    xty = np.empty((n_tasks, 3))
    for a in range(3):
        xty[:, a] = np.bincount(task, weights=y if a == 0 else np.multiply(x[a], y, out=prod),
                                minlength=n_tasks)
        for b in range(a, 3):
            if (a, b) in known:
                v = known[(a, b)]
            elif a == 0:   # 1·x_b is x_b and Σ 1 is the count, bit for bit
                v = (np.bincount(task, minlength=n_tasks).astype(float) if b == 0
                     else np.bincount(task, weights=x[b], minlength=n_tasks))
            else:
                v = np.bincount(task, weights=np.multiply(x[a], x[b], out=prod),
                                minlength=n_tasks)
            xtx[:, a, b] = v
            xtx[:, b, a] = v
    return xtx, xty


def _solve_normal_equations(xtx: np.ndarray, xty: np.ndarray) -> np.ndarray:
    """OLS coefficients from per-task normal equations (ridge-stabilised; see `project`)."""
    xtx = np.ascontiguousarray(xtx, dtype=float)
    loops.add_ridge(xtx, RIDGE)
    coef = solve_ridged(xtx, xty)
    loops.default_rows(coef, xtx)         # too few incumbents: rank by signal alone
    return coef


def solve_ridged(xtx: np.ndarray, xty: np.ndarray) -> np.ndarray:
    """OLS coefficients (Z, 3) from per-task normal equations already ridge-stabilised."""
    return np.linalg.solve(xtx, np.asarray(xty, dtype=float)[..., None])[..., 0]


def posted_requirement(count: np.ndarray, mean: np.ndarray, sd: np.ndarray,
                       vacancies: np.ndarray, cost: np.ndarray, max_level: int
                       ) -> np.ndarray:
    """Posted requirement c_z from the employer's evaluation problem (`fused.screening.cutoffs`).

    Args:
        count, mean, sd: applicants by (task, level): how many, and the mean and sd of
            their predicted productivity.
        vacancies: vacancies per task.
        cost: cost of evaluating one applicant, per task, in output units.
        max_level: highest education level.
    """
    return cut.cutoffs(np.ascontiguousarray(count, dtype=np.int64),
                       np.ascontiguousarray(mean, dtype=float),
                       np.ascontiguousarray(sd, dtype=float),
                       np.ascontiguousarray(vacancies, dtype=float),
                       np.ascontiguousarray(cost, dtype=float), float(max_level),
                       False)[0]


def relax_requirement(posted: np.ndarray, applicant_task: np.ndarray, applicant_e: np.ndarray,
                      vacancies: np.ndarray, n_levels: int) -> np.ndarray:
    """Integer requirement applied: ceil(posted), lowered until vacancies can be filled.

    The posted cutoff already keeps enough applicants to fill the vacancies, so the
    lowering binds only where it does not (kept as a guard and for `screening = False`).
    """
    n_tasks = posted.size
    counts = np.bincount(applicant_task * n_levels + applicant_e.astype(np.int64),
                         minlength=n_tasks * n_levels).reshape(n_tasks, n_levels)
    return _relax_from_counts(posted, counts, vacancies)


def _relax_from_counts(posted: np.ndarray, counts: np.ndarray, vacancies: np.ndarray
                       ) -> np.ndarray:
    """`relax_requirement` given applicant counts by (task, education level)."""
    return loops.relax(np.asarray(posted, dtype=float), np.asarray(counts, dtype=np.int64),
                       np.asarray(vacancies, dtype=np.int64))


def diagnostic_variance(signal: np.ndarray, ability: np.ndarray, task: np.ndarray,
                        n_tasks: int) -> np.ndarray:
    """V_D(z) = corr(s, θ)² within each task: the share of signal variance due to ability.

    Deviations from task means, their products summed by task in worker order; the
    phase computes the same sums in `fused.hiring.screening_moments`.
    """
    signal = np.ascontiguousarray(signal, dtype=float)
    task = np.ascontiguousarray(task, dtype=np.int64)
    ability = np.ascontiguousarray(ability, dtype=float)
    first = np.zeros(4 * n_tasks)
    loops.first_moments(task, signal, ability, first)
    nobody = np.zeros(task.size, dtype=bool)           # the OLS sums are not needed here
    dv, xtx, _, count = loops.screening_moments(
        task, nobody, signal, np.zeros(task.size, dtype=np.int8), signal, ability, first,
        n_tasks, False)
    return loops.belief_inputs(dv, xtx, count)[0]


def signals(model: Engine, noise: Callable[[slice], np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray]:
    """Signals of all workers: the AI-assisted work sample seen with noise (module doc).

    Each block's noise comes from `noise(block)`, requested for every block in order
    even when screening is off and it goes unused, so that a caller drawing it from a
    stream consumes the stream the same way whatever the parameters. Also returns the
    workers, Σ s and Σ θ of each task (`fused.hiring.first_moments`), added up on the
    way for the diagnostic variance.
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    access = p.eta0 if p.concentration else p.eta0 + p.eta1
    # `outputs(p, eco, access)` (and at access 0 for the skills assessment), block by block
    scale = neutral_scale(p, eco)
    form = {"form": p.augmentation, "rho": p.rho, "mult_elasticity": p.mult_elasticity,
            "tool_base": p.tool_base}
    fused_form = fused.form_code(p.augmentation, scale is not None)
    ai_per_task = (None if fused_form is not None else  # numpy's outputs only
                   t.ai_weight * eco.ai_capability * t.augmentable)
    constant = p.signal_noise_form == "constant"
    signal = np.empty(w.n)
    h = human_input(p, eco)
    first = np.zeros(4 * t.n)                # workers, Σ s, Σ θ by task (see below)
    for b in blocks(w.n):
        eps = noise(b)
        if fused_form is not None:
            loops.signals(w.task[b], h[b], t.skill_intensity, t.ai_weight,
                          float(eco.ai_capability), t.augmentable, float(access),
                          fused.EMPTY if scale is None else scale[b], fused_form,
                          float(p.skills_assessment), eps, float(p.signal_noise),
                          constant, bool(p.screening), signal[b], w.ability[b], first)
            continue
        task = w.task[b]
        h_phi = h[b] * t.skill_intensity[task]
        s = None if scale is None else scale[b]
        with_ai = task_output(h_phi, ai_per_task[task] * access, neutral_scale=s, **form)
        if p.skills_assessment > 0:
            without_ai = task_output(h_phi, ai_per_task[task] * 0.0, neutral_scale=s, **form)
            with_ai = (1.0 - p.skills_assessment) * with_ai + p.skills_assessment * without_ai
        if not p.screening:
            signal[b] = with_ai
        elif constant:
            signal[b] = with_ai + p.signal_noise * t.skill_intensity[task] * eps
        else:
            signal[b] = with_ai * (1.0 + p.signal_noise * eps)
        loops.first_moments(task, signal[b], w.ability[b], first)
    return signal, first


def update_beliefs(model: Engine, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """V_D, the incumbents' signal sd and the employers' projection of output on (s, e).

    Information timing: the output regressed is the incumbents' outside-option output of
    the last production phase (their record), the signals and credentials this period's
    (their current file); see docs/MODEL.md §3.3.2. `diagnostic_variance` and the
    incumbents' normal equations of y on (1, s, e), i.e. `project`'s sums by task, come
    from one fused pass (the same sums in the same order), ridge-stabilised in the same
    call (`fused.selection.beliefs`); the solve is numpy's (LAPACK). The rows of tasks
    with too few incumbents are set by `fused.selection.select`, which receives the
    returned X'X. Returns (who is employed, X'X).
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    emp, t.diagnostic_variance, t.signal_sd, xtx, xty = selection.beliefs(
        w.task, w.employer, w.signal, w.education, w.outside_output, w.ability, first, t.n,
        bool(p.screening), RIDGE)
    t.belief = (solve_ridged(xtx, xty) if p.screening
                else np.tile((0.0, 1.0, 0.0), (t.n, 1)))
    return emp, xtx
