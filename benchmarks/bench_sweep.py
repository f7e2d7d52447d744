"""Benchmark: small runs through the sweep machinery, and long runs serial, pooled, on Dask.

    python benchmarks/bench_sweep.py [--quick] [--small-runs 500] [--small-rounds 3]
    python benchmarks/bench_sweep.py [--runs 64] [--seconds 1.0] [--rounds 4]

First part (small runs; `--quick` runs only this part, with 200 runs and 2 rounds):
`--small-runs` runs of 3,000 workers x 3 periods (a) in a plain loop calling the
simulation in one process (the floor), (b) through `abm sweep` serially (`run_sweep`
with client "serial": batches, Parquet files, fsync, journal, manifest, load), (p) a
plain fork pool of 2 processes looping over the simulation (the parallel floor: on a
shared machine two processes rarely get two whole cores, and running side by side
raises each one's CPU time per run), (c)
through `abm sweep` on the default local cluster with 2 workers, and (d) the same on a
standing cluster of 2 workers (`abm sweep --start-cluster`, started once before the
rounds, its processes' CPU time counted from each sweep's start). Each mode runs in a
fresh child, timed after the imports and one warm-up run; the order alternates over
rounds (ABC, CBA, ...) and ratios are taken within a round. Reported: runs per second,
the CPU time of each mode (all its processes: client, scheduler, nannies, workers,
sampled every 0.1 s), the share of that CPU time outside the simulation measured two
ways: over the floor, 1 - (floor CPU) / (mode CPU), with the plain pool as the floor of
the parallel modes; and outside the runs, 1 - (sum of the runs' own CPU time, from the
journal) / (mode CPU), which needs no second process and so no comparison across
moments of a shared machine;
and the Dask/serial throughput ratio next to the plain pool/loop ratio of the same
rounds.

The rest is the long-run comparison:

Each measurement runs in a fresh child process of this script (so every mode starts
from the same imports and none inherits another's threads or memory). Shared machines
drift, so the pool and Dask modes alternate in ABBA order over the rounds and ratios
are taken within a round; serial (the slowest) runs in the first round only by default.
A last part runs the same number of one-period runs, isolating the fixed cost Dask adds
per sweep (start-up, results store, teardown) from the noise of the long runs. Timers
start after the imports and
include everything a user waits for: the pool or cluster start-up, all runs, and for
Dask also writing the results store and loading it back.

Reported per mode: wall time, speedup over serial, mean time inside a run (an in-task
slowdown would show thread oversubscription) and overhead per run, defined as the
extra core-seconds per run relative to serial: (wall * processes - serial wall) / runs.
A second part runs 200 short runs serially and on the Dask default and samples the
resident memory of the process(es) doing the work, to show it stays flat.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PINNED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
          "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parents[1]


def spec_for(runs: int, periods: int, n_workers: int = 5000) -> dict[str, Any]:
    """The benchmark sweep: `runs` replicates of the baseline economy."""
    return {"scenario": "baseline", "periods": periods, "seeds": runs, "root_seed": 2026,
            "fixed": {"n_workers": n_workers}}


# -- child modes -------------------------------------------------------------------------
def _tasks(spec: dict[str, Any]) -> list[Any]:
    from abm.sweep.engine import task_for
    from abm.sweep.spec import load_spec

    sweep = load_spec(spec)
    return [task_for(sweep, run) for run in sweep.runs()]


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


CHILDREN = {"small_floor": child_small_floor, "small_sweep": child_small_sweep,
            "small_pool": child_small_pool,
            "calibrate": child_calibrate, "serial": child_serial, "pool": child_pool,
            "dask": child_dask, "memory": child_memory}


# -- parent ------------------------------------------------------------------------------
def spawn(mode: str, args: argparse.Namespace, periods: int | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh child process and return its JSON result."""
    cmd = [sys.executable, __file__, "--child", mode, "--runs", str(args.runs),
           "--periods", str(periods or args.periods), "--workers", str(args.workers),
           "--seconds", str(args.seconds), "--memory-runs", str(args.memory_runs),
           "--small-runs", str(args.small_runs), "--small-mode", args.small_mode]
    env = {**os.environ, **PINNED, "PYTHONPATH": f"{ROOT}{os.pathsep}"
           f"{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"child {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def small_rounds(args: argparse.Namespace) -> None:
    """Part 1: runs per second and machinery share for small runs (see the docstring)."""
    modes = [("floor", "small_floor", "serial"), ("serial", "small_sweep", "serial"),
             ("pool", "small_pool", "serial"), ("dask", "small_sweep", "dask"),
             ("standing", "small_sweep", "standing")]
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
            rate = args.small_runs / this[name]["wall"]
            print(f"small runs round {i + 1}: {name:<6} {this[name]['wall']:6.2f} s  "
                  f"{rate:6.1f} runs/s  CPU {this[name]['cpu']:6.2f} s", flush=True)
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
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=1.0, help="target time of one run")
    parser.add_argument("--rounds", type=int, default=4, help="pool/Dask rounds (ABBA order)")
    parser.add_argument("--serial-rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--periods", type=int, default=0, help="0: calibrate to --seconds")
    parser.add_argument("--memory-runs", type=int, default=200)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-fixed", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="small-run part only: 200 runs, 2 rounds (a few minutes)")
    parser.add_argument("--small-runs", type=int, default=None,
                        help="runs in the small-run part (default 500; 200 with --quick)")
    parser.add_argument("--small-rounds", type=int, default=None,
                        help="rounds of the small-run part (default 3; 2 with --quick)")
    parser.add_argument("--skip-small", action="store_true")
    parser.add_argument("--small-mode", default="serial", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workers is None:
        from abm.sweep.cluster import default_workers

        args.workers = default_workers()
    if args.small_runs is None:
        args.small_runs = 200 if args.quick else 500
    if args.small_rounds is None:
        args.small_rounds = 2 if args.quick else 3
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    if not args.skip_small:
        args.load_before = _load()
        small_rounds(args)
    if args.quick:
        return
    if not args.periods:
        cal = spawn("calibrate", args)
        args.periods = cal["periods"]
        print(f"calibration: {args.periods} periods per run (last probe "
              f"{cal['probe_run_s']:.3f} s)", flush=True)
    rounds = paired_rounds(args, args.rounds, serial_rounds=args.serial_rounds)
    report(rounds, args)
    if not args.skip_fixed:
        report_fixed(paired_rounds(args, 3, periods=1, label="fixed costs "), args)
    if not args.skip_memory:
        mem = spawn("memory", args)
        print(f"\nresident memory over {args.memory_runs} runs (MiB, after run k):")
        for k, rss in mem["serial_rss_mb"].items():
            workers = ", ".join(f"{x:.0f}" for x in mem["dask_worker_rss_mb"][k])
            print(f"  k={int(k):>4}: serial process {rss:7.1f}   Dask workers {workers}")


if __name__ == "__main__":
    main()
