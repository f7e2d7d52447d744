"""`fused.selection` against the chains of kernels it replaces in the hiring phase.

Each of its kernels calls, in one call, kernels the phase used to call one by one; the
state they set must be the same bit for bit, with screening on and off, a task with too
few incumbents to estimate (the default belief rows) and a task without applicants.
The arithmetic is the chained kernels' own, so the equality holds by construction when
the wiring is right: what these tests check is the wiring (which kernels, in which
order, with which arguments, on which branch), not new arithmetic.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.fused import hiring as fh
from abm.fused import layoffs as fl
from abm.fused import matching as fm
from abm.fused import screening as fcut
from abm.fused import selection
from abm.steps.matching import WEIGHT_SCALE
from abm.steps.screening import RIDGE, solve_ridged

N, N_FIRMS, N_TASKS, LEVELS = 2_500, 12, 6, 5
EVALUATION_COST = 0.2


def _workers(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    task = rng.integers(0, N_TASKS, N)
    employer = np.where(rng.random(N) < 0.3, -1, rng.integers(0, N_FIRMS, N))
    employer[(task == 0) & (employer >= 0)] = -1        # task 0: two incumbents only,
    employer[np.flatnonzero(task == 0)[:2]] = 3          # too few for the OLS
    employer[task == 5] = 1                              # task 5: nobody applies
    education = rng.integers(0, LEVELS, N).astype(np.int8)
    ability = rng.lognormal(0.0, 0.4, N)
    signal = ability * (1.0 + 0.1 * education) * (1.0 + 0.3 * rng.standard_normal(N))
    outside = ability * (1.0 + 0.1 * education) + 0.05 * rng.standard_normal(N)
    first = np.zeros(4 * N_TASKS)
    fh.first_moments(task, signal, ability, first)
    held = np.bincount(np.where(employer >= 0, employer * N_TASKS + task, 0)[employer >= 0],
                       minlength=N_FIRMS * N_TASKS).astype(np.int64)
    target = held + rng.integers(-2, 4, held.size)       # some cells full, some open
    return {"task": task, "employer": employer, "education": education,
            "ability": ability, "signal": signal, "outside": outside, "first": first,
            "held": held, "target": target}


def _chained(w: dict[str, np.ndarray], screening: bool) -> dict[str, np.ndarray]:
    """The phase's steps as they were, one kernel (or numpy step) at a time."""
    emp = w["employer"] != -1
    dv, xtx, xty, count = fh.screening_moments(w["task"], emp, w["signal"], w["education"],
                                               w["outside"], w["ability"], w["first"],
                                               N_TASKS, screening)
    vd, sd, _ = fh.belief_inputs(dv, xtx, count)
    if screening:
        fh.add_ridge(xtx, RIDGE)
        coef = np.linalg.solve(xtx, xty[..., None])[..., 0]
        fh.default_rows(coef, xtx)
    else:
        coef = np.tile((0.0, 1.0, 0.0), (N_TASKS, 1))
    score = np.empty(N)
    applicants = fh.scores(w["task"], w["signal"], w["education"], emp, coef, LEVELS,
                           N_TASKS, score)
    vac, vac_task, vac_firm = fl.open_vacancies(w["target"], w["held"], N_FIRMS, N_TASKS)
    if screening:
        posted, applied = fcut.requirements(w["task"], w["education"], emp, score,
                                            applicants, vac_task,
                                            EVALUATION_COST * np.linspace(0.5, 2.0, N_TASKS),
                                            LEVELS, N_TASKS)
    else:
        posted, applied = np.zeros(N_TASKS), np.zeros(N_TASKS, dtype=np.int64)
    eligible, n_meets, k_meets = fh.eligible_applicants(w["task"], w["education"], emp,
                                                        applied.astype(np.int64), N_TASKS)
    return {"employed": emp, "vd": vd, "sd": sd, "coef": coef, "score": score, "vac": vac,
            "vac_firm": vac_firm, "posted": posted, "applied": applied,
            "eligible": eligible, "n_meets": n_meets, "k_meets": k_meets,
            "app_task": w["task"][eligible].astype(np.int32),
            "app_score": score[eligible]}


def _fused(w: dict[str, np.ndarray], screening: bool) -> dict[str, np.ndarray]:
    emp, vd, sd, xtx, xty = selection.beliefs(w["task"], w["employer"], w["signal"],
                                              w["education"], w["outside"], w["ability"],
                                              w["first"], N_TASKS, screening, RIDGE)
    coef = solve_ridged(xtx, xty) if screening else np.tile((0.0, 1.0, 0.0), (N_TASKS, 1))
    score = np.empty(N)
    out = selection.select(coef, xtx, screening, w["task"], w["signal"], w["education"],
                           emp, w["target"], w["held"], N_FIRMS, N_TASKS, LEVELS,
                           EVALUATION_COST, np.linspace(0.5, 2.0, N_TASKS), score)
    names = ("vac", "vac_firm", "posted", "applied", "eligible", "n_meets", "k_meets",
             "app_task", "app_score")
    return {"employed": emp, "vd": vd, "sd": sd, "coef": coef, "score": score,
            **dict(zip(names, out, strict=True))}


@pytest.mark.parametrize("screening", [True, False])
def test_beliefs_and_select_equal_the_kernels_they_chain(screening: bool) -> None:
    w = _workers(20261204)
    want, got = _chained(w, screening), _fused(w, screening)
    # the cases are there: default rows, requirements above 0, an empty applicant pool
    if screening:
        assert tuple(want["coef"][0]) == (0.0, 1.0, 0.0)
        assert (want["applied"] > 0).any()
    assert not (want["app_task"] == 5).any() and want["eligible"].size > 0
    assert want.keys() == got.keys()
    for name, value in want.items():
        np.testing.assert_array_equal(got[name], value, err_msg=name)
        assert got[name].dtype == value.dtype, name


def test_hire_equals_match_and_hire_then_employment_rates(matching_case) -> None:
    c = matching_case
    n_tasks = c["n_tasks"]
    n_meets = np.random.default_rng(7).integers(0, 300, 2 * n_tasks)
    n_meets[2] = 0                                       # nobody fails task 1's requirement
    k_meets = np.floor(n_meets * 0.8)
    common = (c["order"], c["app_task"], c["contact"], 0.3, c["draw"], c["vac"],
              c["attraction"], n_tasks, WEIGHT_SCALE, c["eligible"])
    want_emp = c["employer"].copy()
    hires, hired_on = fm.match_and_hire(*common, want_emp, c["task"], c["n_firms"])
    want = (hires, *fh.employment_rates(n_meets, k_meets, hired_on))
    got_emp = c["employer"].copy()
    got = selection.hire(*common, got_emp, c["task"], c["n_firms"], n_meets, k_meets)
    assert 0 < hires.sum() < c["eligible"].size
    np.testing.assert_array_equal(got_emp, want_emp)
    for g, w_ in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w_)
