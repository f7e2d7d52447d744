"""Fixtures of the unit tests: inputs shared by tests of kernels that chain others."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest


@pytest.fixture
def matching_case() -> dict[str, Any]:
    """Applicants ranked by task, their draws, open vacancies and firms' attraction.

    1,500 workers on 4 tasks, 40% of them eligible applicants (the others employed by
    one of 11 firms), fewer vacancies than applicants; `employer` is fresh each time.
    """
    from abm.steps.matching import rank_applicants

    rng = np.random.default_rng(20261202)
    n, n_firms, n_tasks = 1_500, 11, 4
    task = rng.integers(0, n_tasks, n)
    eligible = np.flatnonzero(rng.random(n) < 0.4)
    app_task = task[eligible].astype(np.int32)
    order, _ = rank_applicants(app_task, rng.random(eligible.size), rng.random(eligible.size))
    contact, draw = rng.random(eligible.size), rng.random(eligible.size)
    return {"n_firms": n_firms, "n_tasks": n_tasks, "task": task, "eligible": eligible,
            "app_task": app_task, "order": order, "contact": contact, "draw": draw,
            "vac": rng.integers(0, 8, n_firms * n_tasks), "attraction": rng.random(n_firms),
            "employer": np.where(np.isin(np.arange(n), eligible), -1,
                                 rng.integers(0, n_firms, n))}


@pytest.fixture
def price_case() -> Any:
    """`make(σ)`: weights and previous prices of 20 tasks and the task outputs to price.

    Five regular output vectors, one with a third of the tasks empty, none at all, and
    outputs of 1e300 (their powers over- or underflow at extreme σ), seeded by σ.
    """
    def make(sigma: float) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        rng = np.random.default_rng(int(sigma * 1000))
        weight = rng.dirichlet(np.ones(20))
        previous = rng.uniform(0.5, 1.5, 20)
        regular = [rng.gamma(2.0, 50.0, 20) for _ in range(5)]
        regular.append(np.where(rng.random(20) < 0.3, 0.0, regular[0]))  # tasks without output
        return weight, previous, [*regular, np.zeros(20), np.full(20, 1e300)]
    return make


@pytest.fixture
def team_case() -> Any:
    """`make(seed)`: 37 firms × 6 tasks of teams (about 40% empty) with their labour,
    the tasks' skill intensity and the firms' asset services and productivity."""
    def make(seed: int) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        n_firms, n_tasks = 37, 6
        jobs = rng.integers(0, 3, n_firms * n_tasks) * (rng.random(n_firms * n_tasks) < 0.6)
        return {"rng": rng, "n_firms": n_firms, "n_tasks": n_tasks, "jobs": jobs,
                "labour": rng.gamma(2.0, 1.0, jobs.size) * jobs,
                "skill": rng.uniform(0.5, 2.0, n_tasks),
                "x": np.exp(rng.normal(0.0, 1.2, n_firms)),
                "tfp": np.exp(rng.normal(0, 0.2, n_firms))}
    return make


@pytest.fixture
def frames() -> Any:
    """`run(overrides)`: the model, worker, firm and task frames of a short run (800
    workers, burn-in 4, 3 periods, seed 5) at the default parameters with `overrides`;
    tests compare them across the routes of the firm- and task-level formulas."""
    from abm import Engine, Params

    def run(overrides: dict[str, Any]) -> list[Any]:
        kw = {"n_workers": 800, "n_periods": 3, "burn_in": 4, **overrides}
        model = Engine(Params(**kw), seed=5)
        return [model.run(), model.worker_frame(), model.firm_frame(), model.task_frame()]
    return run
