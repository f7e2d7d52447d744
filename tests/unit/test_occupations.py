"""Education in years of schooling, and the joint choice of task and education."""

import math

import numpy as np
import pytest

from abm import LaborMarketModel, Params
from abm.fused import ADDITIVE
from abm.fused.education import candidate_tasks, choose_jobs, every_task
from abm.params import SCHOOLING_BASE
from abm.steps.education import compares_every_task

SMALL = dict(n_workers=600, n_firms=12, n_tasks=6, burn_in=3)


def test_human_capital_is_ability_times_exp_gamma_years():
    model = LaborMarketModel(Params(**SMALL), seed=5, agents=False)
    model.step()
    w, p = model.economy.workers, model.params
    # hand-computed: level 3 is 16 years, 6 above the base; at γ = 0.04 per year
    # h/θ = exp(0.04·2·3) = exp(0.24) = 1.2712491503214047
    assert SCHOOLING_BASE + p.years_per_level * 3 == 16
    assert math.exp(p.edu_return * p.years_per_level * 3) == pytest.approx(1.2712491503214047)
    np.testing.assert_allclose(w.human_capital,
                               w.ability * np.exp(0.04 * 2 * w.education.astype(float)),
                               rtol=1e-15)


def test_reported_premium_is_the_per_year_mincer_slope():
    model = LaborMarketModel(Params(**SMALL), seed=6, agents=False)
    frame = model.worker_frame()
    emp = frame[frame.employed]
    years = SCHOOLING_BASE + 2.0 * emp.education.to_numpy(float)
    dummies = (emp.task.to_numpy()[:, None] == np.arange(6)[None, :]).astype(float)
    x = np.column_stack([years, dummies])
    slope = np.linalg.lstsq(x, np.log(emp.wage.to_numpy()), rcond=None)[0][0]
    assert model.metrics["education_premium"] == pytest.approx(slope, rel=1e-9)


def _choose(y_own, y_other, switch_cost):
    """One worker, one level, two candidate tasks with outputs set by the pay table."""
    task = np.array([0])
    employer = np.array([4])
    candidates = np.array([[0, 1, 0]])
    pay = np.array([[y_own, y_other]])       # P·ω per task; y = θ·φ = 1 (no AI)
    choose_jobs(np.zeros(1), 1.0, candidates, np.ones(1), np.zeros(0), np.ones(2), np.ones(2),
                np.zeros(2), 0.0,
                np.zeros(0), ADDITIVE, np.ones(1), pay, 0.0, switch_cost,
                np.zeros((0, 0, 0)), task, np.zeros(1, dtype=np.int8), np.ones(1), employer)
    return int(task[0]), int(employer[0])


def test_a_move_needs_a_gain_above_the_switching_cost():
    # own task pays 1.0, the other 1.2: she moves (and quits her job) iff 0.2 > cost
    assert _choose(1.0, 1.2, 0.1) == (1, -1)
    assert _choose(1.0, 1.2, 0.3) == (0, 4)
    assert _choose(1.0, 1.2, 0.2 + 1e-12) == (0, 4)


def test_candidates_are_own_task_then_one_of_each_type():
    picks = np.array([[0.0, 0.0], [0.999999, 0.999999], [0.5, 0.5]])
    out = np.empty((3, 3), dtype=np.int64)
    candidate_tasks(picks, np.array([4, 1, 2]), 2, 6, out)
    # codifiable tasks 0-1, social 2-5
    assert out.tolist() == [[4, 0, 2], [1, 1, 5], [2, 1, 4]]


def test_every_task_is_a_candidate_once_own_task_first():
    out = np.empty((3, 4), dtype=np.int64)
    every_task(np.array([2, 0, 3]), out)
    assert out.tolist() == [[2, 0, 1, 3], [0, 1, 2, 3], [3, 0, 1, 2]]


def test_only_the_burn_in_after_its_first_year_compares_every_task():
    every = Params(**SMALL, burn_in_search="every")
    b = every.burn_in
    assert [compares_every_task(every, t) for t in (-b, -b + 1, 0, 1)] == [
        False, True, True, False]
    assert not compares_every_task(every.replace(occupational_choice=False), 0)
    assert not compares_every_task(Params(**SMALL), 0)


def test_every_task_search_draws_the_streams_as_the_sampled_one():
    # the candidates change, not the draws: after the burn-in both economies' streams
    # stand at the same place, and the tasks workers hold differ
    runs = [LaborMarketModel(Params(**SMALL, burn_in_search=search), seed=3, agents=False)
            for search in ("sampled", "every")]
    for name in ("education", "occupations"):
        assert (runs[0].streams[name].bit_generator.state
                == runs[1].streams[name].bit_generator.state), name
    assert np.any(runs[0].economy.workers.task != runs[1].economy.workers.task)


def test_fixed_tasks_without_occupational_choice():
    model = LaborMarketModel(Params(**SMALL, occupational_choice=False), seed=2, agents=False)
    before = model.economy.workers.task.copy()
    for _ in range(3):
        model.step()
    np.testing.assert_array_equal(model.economy.workers.task, before)
    moving = LaborMarketModel(Params(**SMALL), seed=2, agents=False)
    before = moving.economy.workers.task.copy()
    for _ in range(3):
        moving.step()
    assert (moving.economy.workers.task != before).any()


def test_jobs_follow_the_workers_who_move():
    # jobs per task are ⌊job_rate·n_z⌋ with n_z counted after the education phase, so
    # a task's employment never exceeds its workers' jobs, and tasks that gain workers
    # gain jobs
    model = LaborMarketModel(Params(**SMALL, switch_cost=0.0, retooling_rate=0.5), seed=4,
                             agents=False)
    w, p = model.economy.workers, model.params
    before = np.bincount(w.task, minlength=6)
    emp_before = np.bincount(w.task[w.employer >= 0], minlength=6)
    for _ in range(3):
        model.step()
    on_task = np.bincount(w.task, minlength=6)
    employed = np.bincount(w.task[w.employer >= 0], minlength=6)
    assert (on_task != before).any()
    assert (employed <= np.floor(p.job_rate * on_task)).all()
    grew = on_task - before > 10
    assert grew.any() and (employed[grew] > emp_before[grew]).all()
