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
moments of a shared machine; (e) the local cluster's start-up alone (wall time until
ready, CPU time of all its processes), and what it alone leaves of the 2-worker goals:
a sweep of R seconds of serial work whose cluster takes S seconds to start, the client
computing meanwhile, takes at least S + (R − S)/W on W workers;
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

The code: `sweep_small.py` (the first part), `sweep_long.py` (the rest) and
`sweep_common.py` (the sweep spec, its tasks and the child runner both use).
"""

from __future__ import annotations

import argparse
import json

from sweep_common import _load, spawn
from sweep_long import (child_calibrate, child_dask, child_memory, child_pool, child_serial,
                        paired_rounds, report, report_fixed)
from sweep_small import (child_small_floor, child_small_pool, child_small_startup,
                         child_small_sweep, small_rounds)

CHILDREN = {"small_floor": child_small_floor, "small_sweep": child_small_sweep,
            "small_pool": child_small_pool, "small_startup": child_small_startup,
            "calibrate": child_calibrate, "serial": child_serial, "pool": child_pool,
            "dask": child_dask, "memory": child_memory}


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
