"""The long-run part of the sweep benchmark: serial, fork pool and Dask on ~1 s runs.

Its child modes (calibration, serial, pool, Dask, memory) and the ABBA rounds and
reports built on them; see the docstring of `benchmarks/bench_sweep.py` for what is
measured. Kept apart from the small-run part (`sweep_small`), which has its own
modes, CPU sampling and report.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sweep_common import _tasks, spawn, spec_for

def child_calibrate(args: argparse.Namespace) -> dict[str, Any]:
    """Periods that make one run last about `args.seconds` (two probes, then scale)."""
    from abm.sweep.execute import execute_run

    periods = 40
    for _ in range(2):
        task = _tasks(spec_for(1, periods))[0]
        took = statistics.median(execute_run(task).wall_time for _ in range(3))
        periods = int(min(max(periods * args.seconds / took, 5), 1000))
    return {"periods": periods, "probe_run_s": took}


def child_serial(args: argparse.Namespace) -> dict[str, Any]:
    from abm.sweep.execute import execute_run

    tasks = _tasks(spec_for(args.runs, args.periods))
    start = time.perf_counter()
    results = [execute_run(t) for t in tasks]
    wall = time.perf_counter() - start
    return {"wall": wall, "task_times": [r.wall_time for r in results], "processes": 1}


def child_pool(args: argparse.Namespace) -> dict[str, Any]:
    import multiprocessing

    import pandas as pd

    from abm.sweep.execute import execute_run

    tasks = _tasks(spec_for(args.runs, args.periods))
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        results = pool.map(execute_run, tasks, chunksize=1)
    frame = pd.concat([r.model for r in results], ignore_index=True)
    wall = time.perf_counter() - start
    return {"wall": wall, "task_times": [r.wall_time for r in results],
            "processes": args.workers, "rows": len(frame)}


def child_dask(args: argparse.Namespace) -> dict[str, Any]:
    import distributed  # noqa: F401  (imported before the timer, like abm)
    import psutil

    from abm.sweep import load, run_sweep
    from abm.sweep.store import read_journal

    me = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cpu0, epoch, start = sum(me.cpu_times()[:2]), time.time(), time.perf_counter()
        frame = run_sweep(spec_for(args.runs, args.periods), out, workers=args.workers,
                          progress=False)
        wall = time.perf_counter() - start
        driver_cpu = sum(me.cpu_times()[:2]) - cpu0
        events = read_journal(out).values()
        times = [e["wall_time"] for e in events]
        # when the first run started: its file's time minus its own duration
        first = min((out / "model" / f"run-{e['run_id']:06d}.parquet").stat().st_mtime
                    - e["wall_time"] for e in events)
        assert len(load(out)) == len(frame)
    return {"wall": wall, "task_times": times, "processes": args.workers, "rows": len(frame),
            "startup": first - epoch, "driver_cpu": driver_cpu}


def child_memory(args: argparse.Namespace) -> dict[str, Any]:
    """Resident memory while 200 short runs go through one process, and through Dask."""
    import psutil

    from abm.sweep.cluster import dask_client
    from abm.sweep.execute import execute_run

    tasks = _tasks(spec_for(args.memory_runs, 5, n_workers=2000))
    checkpoints = sorted({1, *range(25, args.memory_runs + 1, 25), args.memory_runs})
    me = psutil.Process()
    serial = {}
    for i, task in enumerate(tasks, start=1):
        assert execute_run(task).ok
        if i in checkpoints:
            serial[i] = me.memory_info().rss / 2**20
    dask: dict[int, list[float]] = {}
    with dask_client(None, workers=args.workers) as client:
        done = 0
        for stop in checkpoints:
            futures = client.map(execute_run, tasks[done:stop], pure=False)
            assert all(r.ok for r in client.gather(futures))
            del futures
            done = stop
            rss = client.run(lambda: psutil.Process().memory_info().rss / 2**20)
            dask[stop] = sorted(rss.values())
    return {"serial_rss_mb": serial, "dask_worker_rss_mb": dask}


def paired_rounds(args: argparse.Namespace, rounds: int, periods: int | None = None,
                  serial_rounds: int = 0, label: str = "") -> list[dict[str, Any]]:
    """Rounds of pool and Dask in alternating order (ABBA), serial in the first ones."""
    out = []
    for i in range(rounds):
        order = ("pool", "dask") if i % 2 == 0 else ("dask", "pool")
        modes = (("serial",) if i < serial_rounds else ()) + order
        this = {}
        for mode in modes:
            this[mode] = spawn(mode, args, periods)
            print(f"{label}round {i + 1}: {mode:<6} {this[mode]['wall']:.2f} s", flush=True)
        out.append(this)
    return out


def _median(rounds: list[dict[str, Any]], mode: str, key: str = "wall") -> float:
    return statistics.median(r[mode][key] for r in rounds if mode in r)


def report(rounds: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Wall times, speedups, in-task times and overheads of the three modes."""
    serial = _median(rounds, "serial")
    print(f"\n{args.runs} runs of about {args.seconds:.1f} s (baseline economy, 5000 workers, "
          f"{args.periods} periods) on {args.workers} processes; medians over "
          f"{len(rounds)} rounds (serial: {sum('serial' in r for r in rounds)})\n")
    print(f"{'mode':<14}{'wall s':>9}{'speedup':>9}{'mean task s':>13}{'overhead/run s':>16}")
    for mode in ("serial", "pool", "dask"):
        wall = _median(rounds, mode)
        task = statistics.median(t for r in rounds if mode in r for t in r[mode]["task_times"])
        procs = next(r[mode]["processes"] for r in rounds if mode in r)
        overhead = (wall * procs - serial) / args.runs
        name = {"serial": "serial", "pool": "fork pool", "dask": "Dask default"}[mode]
        print(f"{name:<14}{wall:>9.2f}{serial / wall:>9.2f}{task:>13.3f}{overhead:>16.4f}")
    print(f"\nDask default: first run starts {_median(rounds, 'dask', 'startup'):.2f} s after "
          f"the call (the client computes runs while the cluster starts); the client "
          f"process (with scheduler and nannies) used {_median(rounds, 'dask', 'driver_cpu'):.2f}"
          f" s CPU; Dask - pool = {(_median(rounds, 'dask') - _median(rounds, 'pool')):.2f} s "
          f"= {(_median(rounds, 'dask') - _median(rounds, 'pool')) * args.workers / args.runs:.3f}"
          " core-s per run")
    ratios = [r["dask"]["wall"] / r["pool"]["wall"] for r in rounds]
    print(f"Dask / pool wall time per round: {', '.join(f'{x:.3f}' for x in ratios)}; "
          f"median {statistics.median(ratios):.3f} (target <= 1.10)")


def report_fixed(rounds: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """What Dask adds per sweep when the runs themselves cost almost nothing."""
    pool, dask = _median(rounds, "pool"), _median(rounds, "dask")
    print(f"\nfixed costs ({args.runs} runs of 1 period, {len(rounds)} rounds): fork pool "
          f"{pool:.2f} s, Dask default {dask:.2f} s; Dask adds {dask - pool:.2f} s per sweep "
          f"= {(dask - pool) / args.runs * 1000:.0f} ms per run at this size (worker "
          "start-up and teardown, writing the results store)")
