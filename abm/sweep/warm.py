"""Imported by a local cluster's forkserver: load the model's compiled kernels once.

The first simulation in a process loads the model's numba kernels from their on-disk
cache (about a third of a second). Worker processes forked from a server that has run
one tiny simulation inherit the loaded kernels, so each worker's first run costs what
any other run does. Importing this module anywhere else only costs that one tiny run.
"""

from __future__ import annotations

import contextlib

from abm.params import Params
from abm.simulate import simulate

with contextlib.suppress(Exception):  # a warm-up only: a worker reports real errors itself
    simulate(Params(n_workers=100, n_tasks=2, n_firms=2, n_periods=1), seed=0, agents=False)
