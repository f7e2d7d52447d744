"""`fused.education.candidates` and `choose` against the steps the education phase took.

The phase used to build each worker's candidate tasks with `candidate_tasks` or
`every_task` (cut to the columns this period compares) and to compute the task-level
inputs of `choose_jobs` in numpy; each is now one call. The arithmetic is the old
kernels' own, and the task-level products are the numpy ones written out, so the
equality holds by construction when the wiring is right: these tests check the wiring
(which kernel, which columns, which rate for which level), not new arithmetic.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.fused import ADDITIVE, NEUTRAL, PRECOMPUTED
from abm.fused import education as fe
from abm.steps.education import level_growth

N, N_TASKS, LEVELS = 3_000, 7, 5
CODIFIABLE = np.array([True, True, True, True, False, False, False])


def _picks(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((N, 3)), rng.integers(0, N_TASKS, N)


@pytest.mark.parametrize("n_cand", [1, 3])
def test_sampled_candidates_are_candidate_tasks_cut_to_the_columns_compared(n_cand):
    picks, task = _picks(1)
    expected = np.empty((N, 3), dtype=np.int64)
    fe.candidate_tasks(picks, task, int(CODIFIABLE.sum()), N_TASKS, expected)
    got = fe.candidates(picks, task, CODIFIABLE, n_cand, False)
    assert got.shape == (N, n_cand) and got.flags.c_contiguous
    np.testing.assert_array_equal(got, expected[:, :n_cand])


def test_every_task_ignores_the_picks():
    picks, task = _picks(2)
    expected = np.empty((N, N_TASKS), dtype=np.int64)
    fe.every_task(task, expected)
    np.testing.assert_array_equal(fe.candidates(picks, task, CODIFIABLE, 3, True), expected)


def _market(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "requirement": rng.integers(0, LEVELS, N_TASKS),
        "rate_eligible": rng.uniform(0.6, 1.0, N_TASKS),
        "rate_ineligible": rng.uniform(0.0, 0.6, N_TASKS),
        "labour_price": rng.uniform(0.5, 2.0, N_TASKS),
        "ai_weight": rng.uniform(0.0, 1.0, N_TASKS),
        "augmentable": rng.random(N_TASKS) < 0.5,
    }


@pytest.mark.parametrize("form", [ADDITIVE, NEUTRAL, PRECOMPUTED])
@pytest.mark.parametrize("cost_sd", [0.0, 0.5])
def test_choose_is_choose_jobs_with_the_task_inputs_of_numpy(form, cost_sd):
    picks, task0 = _picks(3)
    m = _market(4)
    rng = np.random.default_rng(5)
    draws, ability = rng.random(N), rng.lognormal(0.0, 0.4, N)
    shift = np.exp(cost_sd * rng.standard_normal(N)) if cost_sd else np.zeros(0)
    candidates = fe.candidates(picks, task0, CODIFIABLE, 3, False)
    growth = level_growth(0.04, 2, LEVELS)
    intensity, skill_return = rng.uniform(0.5, 1.5, N_TASKS), np.ones(N_TASKS)
    scale = rng.uniform(0.5, 2.0, N_TASKS) if form == NEUTRAL else np.zeros(0)
    precomputed = (rng.uniform(0.0, 3.0, candidates.shape + (LEVELS,)) if form == PRECOMPUTED
                   else np.zeros((0, 0, 0)))
    capability, access, share = 0.7, 0.4, 0.5
    # the phase's numpy, as it was
    levels = np.arange(LEVELS)
    pay = np.where(levels[:, None] >= m["requirement"][None, :], m["rate_eligible"],
                   m["rate_ineligible"]) * m["labour_price"]
    ai = (m["ai_weight"] * capability * m["augmentable"]).astype(float)
    employer0 = np.where(rng.random(N) < 0.5, 3, -1)
    states = []
    for call in ("chain", "one"):
        task, education = task0.copy(), np.zeros(N, dtype=np.int8)
        human_capital, employer = np.ones(N), employer0.copy()
        if call == "chain":
            fe.choose_jobs(draws, share, candidates, ability, shift, intensity, skill_return,
                           ai, access, scale, form, growth, pay, 0.3, 0.2, precomputed, task,
                           education, human_capital, employer)
        else:
            fe.choose(draws, share, candidates, ability, shift, intensity, skill_return,
                      m["ai_weight"], capability, m["augmentable"], access, scale, form,
                      growth, m["requirement"], m["rate_eligible"], m["rate_ineligible"],
                      m["labour_price"], 0.3, 0.2, precomputed, task, education,
                      human_capital, employer)
        states.append((task, education, human_capital, employer))
    moved = states[0][0] != task0
    assert 0 < moved.sum() < N                    # the case exercises both outcomes
    assert len(np.unique(states[0][1])) > 1
    for chain, one in zip(*states, strict=True):
        np.testing.assert_array_equal(one, chain)


def test_level_growth_is_numpys_exp_once_per_set_of_parameters():
    growth = level_growth(0.05, 3, 4)
    np.testing.assert_array_equal(growth, np.exp(0.05 * 3 * np.arange(4)))
    assert level_growth(0.05, 3, 4) is growth      # cached: not recomputed each period
    assert not growth.flags.writeable              # shared, so nobody may write to it
