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
