"""Where a small run's time goes: each phase split into kernels, draws and the rest.

    python benchmarks/phase_split.py 1000 30        # N workers, runs (prints JSON)

`bench_small.py --split` runs this in a child process for 1,000 and 3,000 workers. Each
phase of the period (`abm.steps.PERIOD`) and each measurement is timed, and inside it
the time spent in compiled kernels (every `abm.fused` kernel, timed
around its call: the wrapper is installed before the kernels are made) and in the
random draws (the `Generator` methods the phases call, timed by a proxy of each
stream). The rest is the phase's own Python and numpy: what a period compiled into a
few calls would remove, the draws and the kernels' work staying. Per computed period
(burn-in + period 0 + the recorded periods) for the phases, per measured period for
the measurement; the remainder of a run (building the economy, the streams, the result
table) is reported per run. The clock is `perf_counter_ns` (wall time; process CPU
time costs a system call, about 0.4 µs, and some 1,500 readings a run would add a
tenth to it): run it on a quiet machine. The run's time is reported beside the split,
to compare with `bench_small.py`'s uninstrumented runs; the wrappers add some 0.2 µs
to each of about 500 kernel calls a run.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PERIODS = 3
DRAWS = ("random", "standard_normal")


class _TimedStream:
    """A numpy Generator whose draws add their CPU time to the current phase."""

    def __init__(self, rng: Any, spent: Counter[str], current: list[str]) -> None:
        self._rng, self._spent, self._current = rng, spent, current
        self.bit_generator = rng.bit_generator

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._rng, name)
        if name not in DRAWS:
            return method

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter_ns()
            out = method(*args, **kwargs)
            self._spent[self._current[0]] += time.perf_counter_ns() - start
            return out
        return timed


def split(n: int, runs: int) -> dict[str, Any]:
    """Means over `runs` runs at N workers, in µs (see the module doc)."""
    import abm.fused.jit as jit

    current = ["outside"]
    kernels: Counter[str] = Counter()
    draws: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    make = jit.kernel

    def kernel(fn: Any) -> Any:
        call = make(fn)

        @functools.wraps(fn)
        def timed(*args: Any) -> Any:
            start = time.perf_counter_ns()
            out = call(*args)
            kernels[current[0]] += time.perf_counter_ns() - start
            return out

        timed.dispatcher = call.dispatcher  # type: ignore[attr-defined]
        return timed

    jit.kernel = kernel
    import abm.engine as engine
    from abm import Params
    from abm.steps import PERIOD

    def timed_phase(name: str, phase: Any) -> Any:
        def run(model: Any) -> None:
            if not isinstance(model.streams["hiring"], _TimedStream):
                model.streams = {k: _TimedStream(v, draws, current)
                                 for k, v in model.streams.items()}
            current[0] = name
            start = time.perf_counter_ns()
            phase(model)
            phases[name] += time.perf_counter_ns() - start
            current[0] = "outside"
        return run

    measure = engine.measure

    def timed_measure(*args: Any) -> Any:
        current[0] = "measure"
        start = time.perf_counter_ns()
        out = measure(*args)
        phases["measure"] += time.perf_counter_ns() - start
        current[0] = "outside"
        return out

    engine.PERIOD = tuple((name, timed_phase(name, phase)) for name, phase in PERIOD)
    engine.measure = timed_measure
    params = Params(n_workers=n)
    for seed in range(2):                             # compile or load, warm up
        engine.Engine(params, seed=seed).run(PERIODS)
    for counter in (kernels, draws, phases):
        counter.clear()
    start = time.perf_counter_ns()
    for seed in range(100, 100 + runs):
        engine.Engine(params, seed=seed).run(PERIODS)
    total = (time.perf_counter_ns() - start) / runs
    computed = params.burn_in + 1 + PERIODS
    rows = {}
    for name in phases:
        per = PERIODS + 1 if name == "measure" else computed
        whole, inside, drawn = (c[name] / runs / per / 1e3 for c in (phases, kernels, draws))
        rows[name] = {"total_us": whole, "kernels_us": inside, "draws_us": drawn,
                      "rest_us": whole - inside - drawn, "per": per}
    outside = (total - sum(phases.values()) / runs) / 1e3
    return {"n_workers": n, "run_us": total / 1e3, "computed_periods": computed,
            "phases": rows, "outside_us_per_run": outside}


if __name__ == "__main__":
    print(json.dumps(split(int(sys.argv[1]), int(sys.argv[2]))))
