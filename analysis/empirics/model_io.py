"""The only place the empirics talk to the model.

Everything else in `analysis.empirics` works on the plain pandas objects returned here,
so a change in the model's API (its production, its AI pricing) is absorbed in this
module. What is used: `abm.Params`, `abm.Engine` with `run()` (the
`simulate` frame, docs/MODEL.md §4), `worker_frame()` and `task_frame()` at period 0 and
at the last period, and the tasks' AI weights α_z, which `task_frame()` does not list.

A paired run is the same parameters and seed with AI and with `ai_enabled=False`: the
same initial economy and the same draws in every phase (common random numbers), so the
worker with index i has the same ability and task in both and the difference is the
effect of AI on her (the no-AI counterfactual; `analysis.regimes.simulated` uses the
same comparison).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from abm import Engine, Params
from abm.simulate import release

WORKER_COLUMNS = ("ability", "education", "task", "task_codifiable", "employer", "employed",
                  "output", "outside_output", "wage", "income")
TASK_COLUMNS = ("codifiable", "augmentable", "price", "within_task_cv",
                "credential_requirement", "diagnostic_variance")


@dataclass(frozen=True)
class Run:
    """One simulation: model-level statistics and cross-sections at period 0 and T.

    Attributes:
        frame: one row per period, the columns of `abm.collect.COLUMNS`.
        workers_base, workers_end: `WORKER_COLUMNS` per worker at period 0 and T.
        tasks_base, tasks_end: `TASK_COLUMNS` plus `ai_weight` per task.
    """

    frame: pd.DataFrame
    workers_base: pd.DataFrame
    workers_end: pd.DataFrame
    tasks_base: pd.DataFrame
    tasks_end: pd.DataFrame


def _tasks(model: Engine) -> pd.DataFrame:
    t = model.task_frame()[list(TASK_COLUMNS)].copy()
    t["ai_weight"] = model.economy.tasks.ai_weight.copy()
    return t


def run(params: Params, seed: int) -> Run:
    """Simulate `params` with `seed` and keep what the empirics need."""
    model = Engine(params, seed=seed)
    try:
        workers_base = model.worker_frame()[list(WORKER_COLUMNS)]
        tasks_base = _tasks(model)
        frame = model.run()
        return Run(frame=frame, workers_base=workers_base,
                   workers_end=model.worker_frame()[list(WORKER_COLUMNS)],
                   tasks_base=tasks_base, tasks_end=_tasks(model))
    finally:
        release(model)


def run_pair(params: Params, seed: int) -> tuple[Run, Run]:
    """(with AI, without AI) for the same parameters and seed."""
    return run(params.replace(ai_enabled=True), seed), run(params.replace(ai_enabled=False), seed)


def make_params(base: dict[str, Any] | None = None, **changes: Any) -> Params:
    """`Params` from a dict of values plus changes (validated by `Params`)."""
    return Params(**{**(base or {}), **changes})
