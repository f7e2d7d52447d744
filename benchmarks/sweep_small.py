"""The small-run part of the sweep benchmark (`--quick`): the sweep machinery's share of CPU.

Small runs (3,000 workers x 3 periods) through a plain loop, a plain fork pool, and
`abm sweep` serially, on a local cluster and on a standing cluster, with the CPU time
of every process sampled (`_CpuSampler`); see the docstring of
`benchmarks/bench_sweep.py`. Kept apart from the long-run part (`sweep_long`), which
times whole sweeps of long runs instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sweep_common import PINNED, ROOT, _load, _tasks, spawn, spec_for

SMALL = {"periods": 3, "n_workers": 3000}


class _CpuSampler:
    """CPU seconds of this process and all its descendants, sampled every 0.1 s.

    The sampling thread's own CPU time (psutil reads /proc for every process) is left out.

    Dask's workers are grandchildren (forked by a forkserver) that end with the cluster,
    so their CPU time is read while they live; at most one sampling interval of a
    process's last activity is missed.
    """

    def __init__(self, others: tuple[int, ...] = ()) -> None:
        import threading

        import psutil

        self._me = psutil.Process()
        self._others = [psutil.Process(pid) for pid in others]
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        import psutil

        procs = self._me.children(recursive=True)
        for other in self._others:  # a standing cluster and its workers
            with contextlib.suppress(psutil.Error):
                procs += [other, *other.children(recursive=True)]
        for proc in procs:
            try:
                t = proc.cpu_times()
                self._seen[proc.pid] = t.user + t.system
            except psutil.Error:
                pass

    def _loop(self) -> None:
        start = time.thread_time()
        while not self._stop.wait(0.1):
            self._sample()
        self.own = time.thread_time() - start  # the sampling itself, not the sweep's

    def __enter__(self) -> _CpuSampler:
        t = self._me.cpu_times()
        self._self0, self._children0 = t.user + t.system, dict(self._seen)
        self._sample()
        self._base = dict(self._seen)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()
        t = self._me.cpu_times()
        self.cpu = (t.user + t.system - self._self0) - self.own + sum(
            v - self._base.get(pid, 0.0) for pid, v in self._seen.items())


def child_small_floor(args: argparse.Namespace) -> dict[str, Any]:
    """The floor: a plain loop calling the simulation, nothing stored."""
    from abm.simulate import simulate

    tasks = _tasks(spec_for(args.small_runs, SMALL["periods"], SMALL["n_workers"]))
    simulate(tasks[0].params, seed=tasks[0].seed, agents=False)  # warm-up
    with _CpuSampler() as cpu:
        start = time.perf_counter()
        for task in tasks:
            simulate(task.params, seed=task.seed, agents=False)
        wall = time.perf_counter() - start
    return {"wall": wall, "cpu": cpu.cpu}


def _simulate_chunk(tasks: list[Any]) -> int:
    from abm.simulate import simulate

    for task in tasks:
        simulate(task.params, seed=task.seed, agents=False)
    return len(tasks)


def child_small_pool(args: argparse.Namespace) -> dict[str, Any]:
    """The parallel floor: a plain fork pool of `workers` processes, nothing stored.

    On a shared machine two processes rarely get two whole cores; this shows what
    parallel throughput and CPU time the machine gave plain processes in this round.
    """
    import multiprocessing

    tasks = _tasks(spec_for(args.small_runs, SMALL["periods"], SMALL["n_workers"]))
    chunks = [tasks[i::4 * args.workers] for i in range(4 * args.workers)]
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        pool.map(_simulate_chunk, [tasks[:1]] * args.workers)  # warm-up of each process
        with _CpuSampler() as cpu:
            start = time.perf_counter()
            assert sum(pool.map(_simulate_chunk, chunks, chunksize=1)) == len(tasks)
            wall = time.perf_counter() - start
    return {"wall": wall, "cpu": cpu.cpu}


def child_small_sweep(args: argparse.Namespace) -> dict[str, Any]:
    """`abm sweep` serially (client "serial") or on the local cluster (args.workers)."""
    import distributed  # noqa: F401  (imported before the timer, like abm)

    from abm.simulate import simulate
    from abm.sweep import load, run_sweep
    from abm.sweep.store import read_journal

    spec = spec_for(args.small_runs, SMALL["periods"], SMALL["n_workers"])
    task = _tasks(spec)[0]
    simulate(task.params, seed=task.seed, agents=False)  # warm-up, as for the floor
    client = "serial" if args.small_mode == "serial" else None
    others: tuple[int, ...] = ()
    if args.small_mode == "dask":  # a cluster of its own, not the standing one
        os.environ["ABM_CLUSTER_FILE"] = os.path.join(tempfile.mkdtemp(), "none.json")
    if args.small_mode == "standing":
        from abm.sweep import standing

        info = standing.recorded()
        assert info is not None, "the standing cluster is not running"
        others = (info["pid"],)
    with tempfile.TemporaryDirectory() as tmp, _CpuSampler(others) as cpu:
        out = Path(tmp) / "out"
        start = time.perf_counter()
        frame = run_sweep(spec, out, client, progress=False,
                          workers=None if client or others else args.workers)
        wall = time.perf_counter() - start
        events = read_journal(out).values()
        batches = len({e.get("batch", e["run_id"]) for e in events})
        assert len(load(out)) == len(frame) == args.small_runs * (SMALL["periods"] + 1)
    return {"wall": wall, "cpu": cpu.cpu, "batches": batches,
            "run_wall": sum(e["wall_time"] for e in events),
            "run_cpu": sum(e["cpu_time"] for e in events)}


def child_small_startup(args: argparse.Namespace) -> dict[str, Any]:
    """The local cluster's start-up alone, as `abm sweep` starts it: the wall time until
    it is ready, and the CPU time of all its processes until it has closed again."""
    import distributed  # noqa: F401  (imported before the timer, like the sweeps)

    from abm.sweep.cluster import LocalStart

    with _CpuSampler() as cpu:
        start = time.perf_counter()
        with LocalStart(args.workers, on_ready=lambda client: None) as cluster:
            cluster.wait()
            wall = time.perf_counter() - start
    return {"wall": wall, "cpu": cpu.cpu}


def small_rounds(args: argparse.Namespace) -> None:
    """Part 1: runs per second and machinery share for small runs (see the docstring)."""
    modes = [("floor", "small_floor", "serial"), ("serial", "small_sweep", "serial"),
             ("pool", "small_pool", "serial"), ("dask", "small_sweep", "dask"),
             ("standing", "small_sweep", "standing"), ("startup", "small_startup", "serial")]
    rounds = []
    os.environ["ABM_CLUSTER_FILE"] = str(Path(tempfile.mkdtemp()) / "cluster.json")
    from abm.sweep import standing

    env = {**os.environ, **PINNED, "PYTHONPATH": f"{ROOT}{os.pathsep}"
           f"{os.environ.get('PYTHONPATH', '')}"}
    subprocess.run([sys.executable, "-m", "abm.cli", "sweep", "--start-cluster", "--workers",
                    str(args.workers)], env=env, check=True, capture_output=True)
    try:
        args.small_mode = "standing"  # a first sweep, like the floor's warm-up run
        args.small_runs, runs = 4 * args.workers, args.small_runs
        spawn("small_sweep", args)
        args.small_runs = runs
        _small_rounds(args, modes, rounds)
    finally:
        standing.stop()
    _small_report(args, rounds)


def _small_rounds(args: argparse.Namespace, modes: list[tuple[str, str, str]],
                  rounds: list[dict[str, Any]]) -> None:
    for i in range(args.small_rounds):
        this = {}
        for name, child, mode in (modes if i % 2 == 0 else modes[::-1]):
            args.small_mode = mode
            this[name] = spawn(child, args)
            rate = (f"{args.small_runs / this[name]['wall']:6.1f} runs/s" if name != "startup"
                    else "until ready ")
            print(f"small runs round {i + 1}: {name:<6} {this[name]['wall']:6.2f} s  "
                  f"{rate}  CPU {this[name]['cpu']:6.2f} s", flush=True)
        rounds.append(this)


def _small_report(args: argparse.Namespace, rounds: list[dict[str, Any]]) -> None:
    med = statistics.median
    print(f"\n{args.small_runs} runs of {SMALL['n_workers']} workers x {SMALL['periods']} "
          f"periods; medians over {len(rounds)} rounds (load average before: "
          f"{args.load_before})\n")
    print(f"{'mode':<26}{'runs/s':>8}{'wall s':>8}{'CPU s':>8}{'over floor':>12}"
          f"{'outside runs':>14}{'batches':>9}")
    names = {"floor": "plain loop (floor)", "serial": "abm sweep --serial",
             "pool": f"plain pool, {args.workers} proc.",
             "dask": f"abm sweep, {args.workers} workers",
             "standing": "  same, standing cluster"}
    for name in ("floor", "serial", "pool", "dask", "standing"):
        wall = med(r[name]["wall"] for r in rounds)
        cpu = med(r[name]["cpu"] for r in rounds)
        # parallel modes against the parallel floor (same contention between processes)
        base = "pool" if name in ("dask", "standing") else "floor"
        share = med(1 - r[base]["cpu"] / r[name]["cpu"] for r in rounds)
        batches = med(r[name].get("batches", 0) for r in rounds)
        # CPU time of the sweep's processes spent outside its runs (journal cpu_time)
        outside = med(1 - r[name]["run_cpu"] / r[name]["cpu"] for r in rounds) \
            if "run_cpu" in rounds[0][name] else 0.0
        print(f"{names[name]:<26}{args.small_runs / wall:>8.1f}{wall:>8.2f}{cpu:>8.2f}"
              f"{share:>11.1%}{outside:>14.1%}{batches:>9.0f}")
    ceiling = [r["floor"]["wall"] / r["pool"]["wall"] for r in rounds]
    print(f"\nthe machine's parallel ceiling, plain pool / plain loop throughput per round: "
          f"{', '.join(f'{x:.2f}' for x in ceiling)}; median {med(ceiling):.2f}", end="")
    for name in ("dask", "standing"):
        ratios = [r["serial"]["wall"] / r[name]["wall"] for r in rounds]
        print(f"\nthroughput {names[name].strip()} / serial sweep per round: "
              f"{', '.join(f'{x:.2f}' for x in ratios)}; median {med(ratios):.2f} (goal >= 1.7 "
              "on a quiet machine)", end="")
    print()
    floor = [r["floor"]["wall"] / r["serial"]["wall"] for r in rounds]
    print(f"serial sweep / plain loop throughput per round: "
          f"{', '.join(f'{x:.2f}' for x in floor)}; median {med(floor):.2f}")
    print(f"outside the simulation, share of CPU (goal < 10%): serial "
          f"{med(1 - r['floor']['cpu'] / r['serial']['cpu'] for r in rounds):.1%} (against "
          f"the plain loop), {args.workers} workers "
          f"{med(1 - r['pool']['cpu'] / r['dask']['cpu'] for r in rounds):.1%} "
          "(includes the cluster's start-up and teardown), standing cluster "
          f"{med(1 - r['pool']['cpu'] / r['standing']['cpu'] for r in rounds):.1%} (both "
          f"against the plain pool; against the plain loop: "
          f"{med(1 - r['floor']['cpu'] / r['dask']['cpu'] for r in rounds):.1%} and "
          f"{med(1 - r['floor']['cpu'] / r['standing']['cpu'] for r in rounds):.1%}); "
          "outside the runs' own CPU time (same processes, no floor needed): serial "
          f"{med(1 - r['serial']['run_cpu'] / r['serial']['cpu'] for r in rounds):.1%}, "
          f"{args.workers} workers "
          f"{med(1 - r['dask']['run_cpu'] / r['dask']['cpu'] for r in rounds):.1%}, "
          "standing cluster "
          f"{med(1 - r['standing']['run_cpu'] / r['standing']['cpu'] for r in rounds):.1%}")
    _startup_bounds(args, rounds)
    print(f"load average after: {_load()}")


def _startup_bounds(args: argparse.Namespace, rounds: list[dict[str, Any]]) -> None:
    """What the start-up alone leaves of the started-cluster goals (derived, not fitted).

    A sweep of R seconds of serial work on W workers whose cluster needs S seconds to
    start, while the client computes runs itself, takes at least S + (R − S)/W: so its
    throughput over the serial sweep is at most R / (S + (R − S)/W), with no other cost
    at all. Likewise the start-up's CPU time C alone is a share C / (C + runs' CPU) of
    the sweep's CPU time outside the simulation.
    """
    med = statistics.median
    w = args.workers
    ratio = [r["serial"]["wall"] / (r["startup"]["wall"] + (r["serial"]["wall"]
                                                          - r["startup"]["wall"]) / w)
             for r in rounds]
    share = [r["startup"]["cpu"] / (r["startup"]["cpu"] + r["floor"]["cpu"]) for r in rounds]
    print(f"the local cluster's start-up alone: {med(r['startup']['wall'] for r in rounds):.2f} "
          f"s until ready, {med(r['startup']['cpu'] for r in rounds):.2f} CPU-s (all processes, "
          f"teardown included); with nothing else it caps {w} workers over the serial sweep "
          f"at {med(ratio):.2f} and is {med(share):.1%} of the CPU time (medians over rounds)")
