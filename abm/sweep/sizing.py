"""How many runs travel together: batches sized from the measured time of a run.

A batch is one Dask task and one file per table, with a fixed cost (a round trip, the
worker's packing, the client's Parquet files and fsync) that its runs must outweigh,
while small enough that a kill loses little and the last batches still keep every
worker busy. `Sizer` decides; `abm.sweep.engine` asks it before each batch.
"""

from __future__ import annotations

import collections
import statistics
from collections.abc import Iterable

# Computing time a batch of runs should hold (see Sizer), and the most runs in a batch.
# A batch costs about 35 ms of CPU outside its runs (the client's Parquet files, the
# worker's packing, the scheduler's bookkeeping: docs/PERFORMANCE.md), 1.7% of 2 s.
BATCH_SECONDS = 2.0
# The smallest batch the last ones shrink to: that fixed cost at most a tenth of it
# (35 ms / 0.1). Below it the spread over the workers saves less wall time than the
# batches' fixed costs take from the cores (see Sizer).
MIN_BATCH_SECONDS = 0.35
# Sweeps that keep cross-sections: each run's tables grow with its workers and firms, and
# two batches per worker thread are in flight, so their batches stay at half a second.
CROSS_SECTION_BATCH_SECONDS = 0.5
MAX_BATCH = 2000


class Sizer:
    """Runs per batch, from a running estimate of the CPU time one run takes.

    A batch should hold about `target` seconds of computing: enough that the fixed cost
    of a task (about 35 ms of CPU in all: a Dask round trip, the worker packing its
    tables, one file per table and its fsync) is under 2 per cent of it, short enough
    that a kill loses little and the last batches still spread over all workers.

    The last batches shrink: a batch is capped at half of the remaining runs' share per
    worker, so the workers finish together (guided self-scheduling, Polychronopoulos &
    Kuck 1987, IEEE Trans. Computers 36(12)). Shrinking geometrically, it would end in a
    string of batches of one or two runs, each paying the whole fixed cost. So no batch
    holds less than `floor` seconds of computing (`MIN_BATCH_SECONDS`, where that cost is
    a tenth) unless fewer runs remain, and a batch that would leave less than that takes
    the rest with it. A worker then waits at most about one floor for the other at the
    end (measured in docs/PERFORMANCE.md, 'A floor under the last batches').

    CPU time rather than wall time, so that a machine busy with other work, which
    stretches every run's wall time, does not shrink the batches and multiply their
    fixed costs. Until a run has been timed, batches hold one run. A fixed `size`
    overrides the estimate.
    """

    def __init__(self, remaining: int, target: float | None = None,
                 size: int | None = None, floor: float | None = None) -> None:
        self.remaining, self.fixed = remaining, size
        self.target = BATCH_SECONDS if target is None else target
        self.floor = min(MIN_BATCH_SECONDS if floor is None else floor, self.target)
        self._recent: collections.deque[float] = collections.deque(maxlen=64)

    def observe(self, wall_times: Iterable[float]) -> None:
        """Account for the measured times of finished runs."""
        self._recent.extend(wall_times)

    @property
    def recent(self) -> tuple[float, ...]:
        """The times of the last runs measured (up to 64), oldest first."""
        return tuple(self._recent)

    @property
    def per_run(self) -> float | None:
        """Median time of the last runs measured (None before the first).

        A median, because a process's first run also pays its warm-up (caches,
        imports) and would make a mean overestimate runs for a long while.
        """
        return statistics.median(self._recent) if self._recent else None

    def size(self, remaining: int | None, workers: int) -> int:
        """Runs in the next batch, `remaining` runs not yet handed out on `workers`."""
        if self.fixed is not None:
            return self.fixed
        per_run = self.per_run
        if per_run is None:
            return 1
        per_run = max(per_run, 1e-6)
        n = round(self.target / per_run)
        if remaining is not None:
            least = round(self.floor / per_run)
            n = min(n, max(-(-remaining // (2 * max(workers, 1))), least))
            if remaining - n < least:            # the rest would make a batch too small
                n = remaining
        return max(1, min(n, MAX_BATCH))
