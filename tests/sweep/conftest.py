"""Shared fixtures for the sweep tests: small specs, spec files and a fault injector.

The economies are tiny (500 workers, 5 tasks, 10 firms, a few periods) so that a whole
sweep takes a fraction of a second of compute and the tests measure the machinery,
not the model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SMALL = {"n_workers": 500, "n_tasks": 5, "n_firms": 10}


@pytest.fixture(autouse=True)
def _no_ambient_scheduler(monkeypatch: pytest.MonkeyPatch,
                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests choose their cluster explicitly, whatever the shell's DASK_SCHEDULER_ADDRESS
    or a standing cluster started by `abm sweep --start-cluster`."""
    import dask

    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.setenv("ABM_CLUSTER_FILE",
                       str(tmp_path_factory.getbasetemp() / "no-standing-cluster.json"))
    monkeypatch.setitem(dask.config.config, "scheduler-address", None)


@pytest.fixture
def small_spec() -> dict[str, Any]:
    """Baseline economy, 2 xi values x 3 seeds = 6 runs of 3 periods."""
    return {"scenario": "baseline", "periods": 3, "seeds": 3, "root_seed": 11,
            "fixed": dict(SMALL), "grid": {"xi": [0.05, 0.3]}}


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text to a file and return its path."""
    def write(text: str, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


@pytest.fixture
def inject_failures(monkeypatch: pytest.MonkeyPatch) -> Callable[[set[int]], None]:
    """Make chosen runs raise inside the model, wherever they execute.

    The driver builds each run's task; here the tasks of the chosen runs carry an
    impossible `augmentation` (bypassing validation), so the model itself raises on
    whichever worker runs them: serial, local cluster or external cluster alike.
    """
    from abm.sweep import engine

    original = engine.task_for

    def install(run_ids: set[int]) -> None:
        def task_for(spec: Any, run: Any) -> Any:
            task = original(spec, run)
            if run.run_id in run_ids:
                params = copy.copy(task.params)
                object.__setattr__(params, "augmentation", "bogus")
                task = type(task)(task.run_id, task.seed, params, task.values,
                                  task.workers_at, task.firms_at)
            return task
        monkeypatch.setattr(engine, "task_for", task_for)
    return install
