"""Imported by a local cluster's forkserver: load the model's compiled kernels once.

The first simulation in a process loads the model's numba kernels from their on-disk
cache (about a third of a second). Worker processes forked from a server that has run
one tiny simulation, the way a worker runs one (`abm.sweep.execute.simulate_task`, which
imports neither Mesa nor pandas), inherit the loaded kernels, so each worker's first run
costs what any other run does. Importing this module anywhere else only costs that one
tiny run.
"""

from __future__ import annotations

from abm.params import Params
from abm.sweep.execute import RunTask, simulate_task

# a warm-up only: a failed run is returned, not raised, and a worker reports real errors
simulate_task(RunTask(run_id=0, seed=0,
                      params=Params(n_workers=100, n_tasks=2, n_firms=2, n_periods=1)))
