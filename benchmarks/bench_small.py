"""Benchmark of small runs: a whole run's CPU time over the floor at 1,000-10,000 workers.

Run from the repository root:

    python benchmarks/bench_small.py                 # about a minute
    python benchmarks/bench_small.py --repeats 31 --out small.json

Calibration, sensitivity analysis and regime maps run thousands of small economies, for
which the fixed cost of a run (Python glue per phase, kernel calls, building the result
table, Mesa agent objects) matters as much as the per-worker work. For each size N this
measures one whole run as a caller makes it, ``simulate(Params(n_workers=N), seed=s,
n_periods=3)`` with its defaults (construction, the default burn-in, period 0, three
recorded periods, the result DataFrame), against the floor of `bench_model.floor_work`
(4 standard normals per worker, one argsort over N and 20 float64 operations over N)
once for every period the run computes (burn-in + 1 + 3). Run and floor are interleaved
in one process, each repeat with a new seed; the ratio is of the medians of process CPU
time (the machine is shared: CPU time is less disturbed by other processes than wall
time; wall-time medians are reported too). ``--agents`` also times runs with Mesa agent
objects, ``--subset`` runs that ask for three statistics only (``columns=``).

A least-squares line through the default rows, run = a + b·N and floor = c + d·N, splits
a run into its fixed cost a (per run, whatever the size) and its cost per worker b. The
ratio b/d is what no cut to the fixed cost can lower: with a = 0 a run would still cost
b·N/(c + d·N) floors, so it bounds from below what removing per-run overhead alone could
reach at each size. ``--kernels`` also times, in one profiled pass per size, the CPU
time spent inside the compiled kernels (numba reports each kernel call to the profiler
as a call of its Python function; the profiler slows the Python around the kernels, not
the kernels), and prints it as a share of the whole run each goal allows (4 floors at
1,000 workers, 2 at 3,000): removing every line of Python between the kernels, with the
kernels called as today, cannot bring a run below that share of its goal.
``--replay`` times the kernel calls of one run at 1,000 and 3,000 workers inside runs
(around each call, the median of the runs' totals) and replayed warm (each call's
arguments copied, the call repeated back to back, the fastest kept), and the run's calls
replayed once each in their order, back to back (the kernels without the phases' Python
between them). Repeating one call on the same data trains the caches and the branch
predictors on exactly that input, which no run does; the sequence is closer to what the
kernels of a period compiled into kernels alone would take. ``--split`` splits each
phase of runs at 1,000 and 3,000 workers into kernels, draws and the rest
(`phase_split.py`). ``--cells`` varies the firms J and tasks Z as well as N and
splits the fixed cost into the firms' and tasks' work, which grows with the economy's
firm structure (J·Z = 2,000 firm × task cells by default), and what is left per run
(`cells_split`). The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")          # as bench_model: one BLAS thread

SIZES = (1_000, 3_000, 10_000, 30_000)
PERIODS = 3


SUBSET = ["gini_income", "dgini", "labor_share"]
"""The statistics of the subset rows (`--subset`): a calibration target's few moments."""


def measure_size(n: int, repeats: int, agents: bool | None,
                 columns: list[str] | None = None) -> dict[str, Any]:
    """Medians of `repeats` interleaved whole runs and floors at N workers."""
    from abm import Params, simulate
    from bench_model import floor_work

    params = Params(n_workers=n)
    kwargs: dict[str, Any] = {} if agents is None else {"agents": agents}
    if columns is not None:
        kwargs["columns"] = columns
    phase_runs = params.burn_in + 1 + PERIODS
    floor = floor_work(n)

    def floor_run() -> None:
        for _ in range(phase_runs):
            floor()

    simulate(params, seed=0, n_periods=PERIODS, **kwargs)      # warm both up
    floor_run()
    run_cpu, run_wall, floor_cpu, floor_wall = [], [], [], []
    for seed in range(1, repeats + 1):
        c, t = time.process_time(), time.perf_counter()
        simulate(params, seed=seed, n_periods=PERIODS, **kwargs)
        run_wall.append(time.perf_counter() - t)
        run_cpu.append(time.process_time() - c)
        c, t = time.process_time(), time.perf_counter()
        floor_run()
        floor_wall.append(time.perf_counter() - t)
        floor_cpu.append(time.process_time() - c)
    med = statistics.median
    return {"n_workers": n, "agents": "default" if agents is None else agents,
            "columns": "all" if columns is None else columns,
            "periods_computed": phase_runs, "repeats": repeats,
            "run_cpu_ms": med(run_cpu) * 1e3, "floor_cpu_ms": med(floor_cpu) * 1e3,
            "run_over_floor": med(run_cpu) / med(floor_cpu),
            "run_wall_ms": med(run_wall) * 1e3, "floor_wall_ms": med(floor_wall) * 1e3,
            "run_over_floor_wall": med(run_wall) / med(floor_wall)}


def kernel_ms(n: int, repeats: int) -> float:
    """Median over `repeats` profiled runs at N workers of the CPU time inside kernels."""
    import cProfile
    import pstats

    from abm import Params, simulate

    params = Params(n_workers=n)
    fused = str(ROOT / "abm" / "fused")
    times = []
    for seed in range(1, repeats + 1):
        profile = cProfile.Profile(time.process_time)
        profile.runcall(simulate, params, seed=seed, n_periods=PERIODS)
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        times.append(sum(v[2] for (path, _, _), v in stats.items()
                         if path.startswith(fused) and not path.endswith("jit.py")))
    return statistics.median(times) * 1e3


def replay_ms(n: int, repeats: int) -> dict[str, float]:
    """Kernel time inside runs at N workers, and the calls replayed in order and warm, in ms.

    Runs in a child process: the timing wrapper must be installed before the kernels
    are made (`abm.fused.jit.kernel`), and this process has made them already.
    """
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--replay-child", str(n), str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _replay_child(n: int, repeats: int) -> None:
    """Print {"in_run_ms", "warm_ms", "calls"} as JSON (see `replay_ms`)."""
    import functools

    import numpy as np

    import abm.fused.jit as jit

    mode = {"now": ""}
    calls: list[tuple[Any, tuple[Any, ...]]] = []
    spent: list[int] = []
    make = jit.kernel

    def kernel(fn: Any) -> Any:
        call = make(fn)

        @functools.wraps(fn)
        def timed(*args: Any) -> Any:
            if mode["now"] == "record":
                calls.append((call, tuple(a.copy() if isinstance(a, np.ndarray) else a
                                          for a in args)))
            elif mode["now"] == "time":
                start = time.perf_counter_ns()
                result = call(*args)
                spent.append(time.perf_counter_ns() - start)
                return result
            return call(*args)

        timed.dispatcher = call.dispatcher  # type: ignore[attr-defined]
        return timed

    jit.kernel = kernel
    from abm import Params, simulate

    params = Params(n_workers=n)
    for seed in range(3):                          # compile or load, warm up
        simulate(params, seed=seed, n_periods=PERIODS)
    totals = []
    for seed in range(100, 100 + repeats):
        spent.clear()
        mode["now"] = "time"
        simulate(params, seed=seed, n_periods=PERIODS)
        mode["now"] = ""
        totals.append(sum(spent))
    mode["now"] = "record"
    simulate(params, seed=100, n_periods=PERIODS)
    mode["now"] = ""
    # the run's calls in their order, each once on fresh copies of its arguments (the
    # copies untimed): the kernels back to back, without the phases' Python between
    sequence = []
    for _ in range(repeats):
        took = 0
        for call, args in calls:
            fresh = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            start = time.perf_counter_ns()
            call(*fresh)
            took += time.perf_counter_ns() - start
        sequence.append(took)
    warm = 0
    for call, args in calls:
        best = None
        for _ in range(7):
            fresh = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            start = time.perf_counter_ns()
            call(*fresh)
            took = time.perf_counter_ns() - start
            best = took if best is None else min(best, took)
        warm += best or 0
    print(json.dumps({"in_run_ms": statistics.median(totals) / 1e6,
                      "sequence_ms": statistics.median(sequence) / 1e6,
                      "warm_ms": warm / 1e6, "calls": len(calls)}))


CELLS_FIRMS = (50, 100, 200)
CELLS_TASKS = (10, 20, 40)
CELLS_SIZES = (1_000, 3_000)


def cells_split(repeats: int) -> dict[str, Any]:
    """Split a run's cost into per run, per worker, per firm, per task and per firm × task.

    Runs at every N in `CELLS_SIZES`, J in `CELLS_FIRMS` and Z in `CELLS_TASKS` (the
    defaults in the middle), medians of `repeats` runs each, interleaved over the grid
    so that a drifting machine spreads over all points alike; then least squares of
    run = a + b·N + c·J + d·Z + e·J·Z + f·N·Z. The firm- and task-level work of a
    period (CES teams and prices per firm and task, job targets and hiring standards per
    cell, the matching's per-task trees) grows with J, Z and J·Z, not with N, so the
    fixed cost of the N-line (`fixed_and_per_worker`) holds it too; this says how much of
    that is the economy's firm structure and how much is left per run. (N·Z: workers
    who compare every task, in the burn-in's occupational choice.)
    """
    import numpy as np
    import statsmodels.api as sm

    from abm import Params, simulate

    grid = [(n, j, z) for n in CELLS_SIZES for j in CELLS_FIRMS for z in CELLS_TASKS]
    params = {key: Params(n_workers=key[0], n_firms=key[1], n_tasks=key[2]) for key in grid}
    times: dict[tuple[int, int, int], list[float]] = {key: [] for key in grid}
    for key in grid:                                  # warm-up: each shape once
        simulate(params[key], seed=0, n_periods=PERIODS)
    for seed in range(1, repeats + 1):
        for key in grid:
            c = time.process_time()
            simulate(params[key], seed=seed, n_periods=PERIODS)
            times[key].append(time.process_time() - c)
    run_ms = np.array([statistics.median(times[key]) * 1e3 for key in grid])
    design = np.array([[1.0, n, j, z, j * z, n * z] for n, j, z in grid])
    fit = sm.OLS(run_ms, design).fit()
    a, b, c, d, e, f = (float(x) for x in fit.params)
    default = Params()
    j0, z0 = default.n_firms, default.n_tasks
    # the firm and task work at the defaults is a linear combination of the coefficients
    firm_task = fit.t_test(np.array([[0.0, 0.0, j0, z0, j0 * z0, 0.0]]))
    return {"points": [{"n_workers": n, "n_firms": j, "n_tasks": z, "run_cpu_ms": float(t)}
                       for (n, j, z), t in zip(grid, run_ms)],
            "per_run_ms": a, "per_run_se_ms": float(fit.bse[0]),
            "per_worker_us": b * 1e3, "per_firm_us": c * 1e3,
            "per_task_us": d * 1e3, "per_cell_us": e * 1e3, "per_worker_task_us": f * 1e3,
            "firms_tasks_at_defaults_ms": float(np.squeeze(firm_task.effect)),
            "firms_tasks_at_defaults_se_ms": float(np.squeeze(firm_task.sd)),
            "max_abs_residual_ms": float(np.max(np.abs(fit.resid)))}


def phase_split(n: int, runs: int) -> dict[str, Any]:
    """`phase_split.split` in a child process (it wraps the kernels as they are made),
    printed as a table of µs per period."""
    import subprocess

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "phase_split.py"),
                          str(n), str(runs)], check=True, capture_output=True,
                         text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"n={n:,}: run {result['run_us'] / 1e3:.2f} ms; µs per computed period "
          f"({result['computed_periods']}; measure: per measured period)")
    print(f"  {'phase':14} {'total':>7} {'kernels':>8} {'draws':>7} {'rest':>7}")
    for name, r in sorted(result["phases"].items(), key=lambda kv: -kv[1]["total_us"]):
        print(f"  {name:14} {r['total_us']:7.1f} {r['kernels_us']:8.1f} {r['draws_us']:7.1f} "
              f"{r['rest_us']:7.1f}")
    print(f"  outside the phases and measurement: {result['outside_us_per_run']:.0f} µs a run",
          flush=True)
    return result


def fixed_and_per_worker(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Least-squares lines through (N, run) and (N, floor): fixed and per-worker costs."""
    import numpy as np

    n = np.array([r["n_workers"] for r in rows], dtype=float)
    b, a = np.polyfit(n, [r["run_cpu_ms"] for r in rows], 1)
    d, c = np.polyfit(n, [r["floor_cpu_ms"] for r in rows], 1)
    return {"fixed_ms": float(a), "per_worker_us": float(b) * 1e3,
            "floor_per_worker_us": float(d) * 1e3, "per_worker_over_floor": float(b / d),
            "without_fixed_cost": {int(k): float(b * k / (c + d * k)) for k in n}}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="runs per size (median)")
    parser.add_argument("--agents", action="store_true",
                        help="also time runs with Mesa agent objects")
    parser.add_argument("--subset", action="store_true",
                        help=f"also time runs measuring only {SUBSET}")
    parser.add_argument("--kernels", action="store_true",
                        help="also split the fixed cost into compiled kernels and the rest")
    parser.add_argument("--replay", action="store_true",
                        help="also time the kernels inside runs against replayed warm")
    parser.add_argument("--split", action="store_true",
                        help="also split each phase into kernels, draws and the rest")
    parser.add_argument("--cells", action="store_true",
                        help="also split the fixed cost into firm/task work and the rest")
    parser.add_argument("--out", type=Path, help="also write the JSON object here")
    args = parser.parse_args(argv)
    load_before = list(os.getloadavg())
    rows = []
    for n in SIZES:
        kinds = [(None, None)] + [(True, None)] * args.agents + [(None, SUBSET)] * args.subset
        for agents, columns in kinds:
            r = measure_size(n, args.repeats, agents, columns)
            rows.append(r)
            label = "all" if columns is None else "subset"
            print(f"n={n:>6,} agents={r['agents']!s:7} {label:6}  "
                  f"run {r['run_cpu_ms']:7.2f} ms CPU  "
                  f"floor {r['floor_cpu_ms']:6.2f} ms  run/floor {r['run_over_floor']:5.2f} "
                  f"(wall {r['run_over_floor_wall']:5.2f})", flush=True)
    plain = [r for r in rows if r["agents"] == "default" and r["columns"] == "all"]
    by_n = {r["n_workers"]: r["run_over_floor"] for r in plain}
    split = fixed_and_per_worker(plain)
    print(f"fixed cost per run {split['fixed_ms']:.2f} ms; per worker {split['per_worker_us']:.3f} "
          f"us against the floor's {split['floor_per_worker_us']:.3f} us "
          f"(per-worker ratio {split['per_worker_over_floor']:.2f}); with no fixed cost "
          + ", ".join(f"{n:,}: {v:.2f}" for n, v in split["without_fixed_cost"].items()),
          flush=True)
    if args.kernels:
        floor = {r["n_workers"]: r["floor_cpu_ms"] for r in plain}
        inside = {n: kernel_ms(n, max(args.repeats // 3, 3)) for n in SIZES}
        goals = {1_000: 4.0, 3_000: 2.0}
        split["kernels"] = {"cpu_ms": inside, "share_of_goal": {
            n: inside[n] / (goal * floor[n]) for n, goal in goals.items()}}
        print("inside compiled kernels: " + ", ".join(
            f"{n:,}: {v:.2f} ms" for n, v in inside.items()) + "; as a share of the whole "
            "run the goal allows: " + ", ".join(
                f"{n:,}: {v:.2f}" for n, v in split["kernels"]["share_of_goal"].items()),
            flush=True)
    if args.replay:
        split["replay"] = {n: replay_ms(n, args.repeats) for n in (1_000, 3_000)}
        print("kernels inside runs over replayed warm: " + ", ".join(
            f"{n:,}: {r['in_run_ms']:.2f} / {r['warm_ms']:.2f} ms = "
            f"{r['in_run_ms'] / r['warm_ms']:.2f}" for n, r in split["replay"].items())
            + "; the run's calls replayed in order, back to back: " + ", ".join(
            f"{n:,}: {r['sequence_ms']:.2f} ms" for n, r in split["replay"].items()),
            flush=True)
    if args.cells:
        cells = split["cells"] = cells_split(args.repeats)
        print(f"per run {cells['per_run_ms']:.2f} ms, per worker {cells['per_worker_us']:.3f} us, "
              f"per firm {cells['per_firm_us']:.2f} us, per task {cells['per_task_us']:.1f} us, "
              f"per firm x task cell {cells['per_cell_us']:.3f} us (largest residual "
              f"{cells['max_abs_residual_ms']:.2f} ms); at the default firms and tasks: "
              f"{cells['firms_tasks_at_defaults_ms']:.2f} ms (SE "
              f"{cells['firms_tasks_at_defaults_se_ms']:.2f}) of firm and task work, "
              f"{cells['per_run_ms']:.2f} ms (SE {cells['per_run_se_ms']:.2f}) per run",
              flush=True)
        # what is left of the measured run with no per-run cost at all: its workers'
        # and its firms' and tasks' work, in floors
        cells["without_per_run_cost"] = {
            r["n_workers"]: (r["run_cpu_ms"] - cells["per_run_ms"]) / r["floor_cpu_ms"]
            for r in plain if r["n_workers"] in CELLS_SIZES}
        print("run over floor without any per-run cost: " + ", ".join(
            f"{n:,}: {v:.2f}" for n, v in cells["without_per_run_cost"].items()), flush=True)
    if args.split:
        split["phases"] = {n: phase_split(n, args.repeats) for n in (1_000, 3_000)}
    result = {"rows": rows, "split": split, "load_before": load_before, "load_after": list(os.getloadavg()),
              "goals": {"run_over_floor_3000 <= 2.0": by_n[3_000] <= 2.0,
                        "run_over_floor_1000 <= 4": by_n[1_000] <= 4}}
    line = json.dumps(result)
    if args.out:
        args.out.write_text(line + "\n", encoding="utf-8")
    print(line)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--replay-child"]:
        _replay_child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
