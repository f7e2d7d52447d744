"""Benchmark of the vectorised model: throughput, speed-up, distance to the floor, memory.

Run from the repository root:

    python benchmarks/bench_model.py              # full run, about 10 minutes
    python benchmarks/bench_model.py --quick      # no 1e7, fewer repeats: 2-3 minutes
    python benchmarks/bench_model.py --out bench.json

It prints a readable table and then one JSON object (the last line of output) with:

- ``throughput``: worker-periods per second for n_workers = 1e4, 1e5, 1e6 (1e7 unless
  --quick), without and (up to 1e6) with Mesa agent objects; default parameters (every
  mechanism on), model-level statistics measured and collected every period.
- ``speedup_vs_reference``: period time of the per-agent Mesa reference
  (tests/reference) over that of the vectorised model at 1e4 workers, both stepping
  from the same state with the same parameters for the same periods (their states are
  checked to stay equal, so both did the same work).
- ``period_over_floor``: at 1e6 workers, one full period over a floor measured in the
  same process: the work no implementation can avoid, i.e. drawing 4 standard normals
  per worker, one argsort of a float64 array of length N and 20 elementwise float64
  operations over N (into preallocated arrays: the cheapest way to do them).
- ``bytes_per_worker``: peak RSS growth from just before the model is built to the end
  of the run (construction, burn-in and periods), per worker, without agent objects.
  Before the baseline is taken the process imports the model and loads its compiled
  kernels (a tiny model is stepped once): a one-time cost of the process, whatever N,
  reported separately as ``kernel_load_rss_bytes``.
- ``scaling_exponent``: d log(period time) / d log(N) between 1e5 and 1e6, the median
  over three pairs of children run back to back (two with --quick).
- ``big_run``: 1e7 workers for 10 periods: wall time and peak RSS.

Every timing is repeated and the median reported; ratios are of medians measured in
the same process. Each measurement runs in a fresh child process so that memory figures
are not polluted by earlier ones. BLAS is pinned to one thread (override with
--blas-threads): on a shared two-core machine a threaded dot product over 1e6 values was
measured 5-15x slower than a single-threaded one, and thread count changes the last bits
of BLAS sums.

Only the standard library, numpy and the project itself are used; memory is read
from /proc by `rss.py`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rss import peak_rss_bytes, reset_peak_rss, rss_bytes

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))             # the project and tests/reference, uninstalled
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
EXTRA_PAIRS = 2     # pairs of 1e5 / 1e6 children, beyond the throughput pair, for the exponent


# ---------------------------------------------------------------------------------------
# measurements, each run in a child process
# ---------------------------------------------------------------------------------------
def _model(n: int, agents: bool, seed: int = 1) -> Any:
    from abm import LaborMarketModel, Params

    return LaborMarketModel(Params(n_workers=n), seed=seed, agents=agents)


def _time_steps(model: Any, periods: int) -> list[float]:
    times = []
    for _ in range(periods):
        t = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t)
    return times


def _import_everything() -> int:
    """Import the model and load its compiled kernels before memory is measured.

    Imports (mesa, pandas, scipy) and the one-time load of the numba kernels (compiled
    code and numba's runtime, tens of MB, the same for any N) are fixed costs of the
    process, not of the workers: a tiny model is built and stepped once so that every
    kernel is loaded. Returns the RSS that loading took.
    """
    import abm  # noqa: F401
    import abm.model  # noqa: F401
    from abm import LaborMarketModel, Params

    before = rss_bytes()
    LaborMarketModel(Params(n_workers=100, n_firms=4, n_tasks=4, burn_in=1), seed=0,
                     agents=False).step()
    return rss_bytes() - before


def child_throughput(n: int, agents: bool, periods: int) -> dict[str, Any]:
    """Median period time at N workers (construction timed separately)."""
    kernels = _import_everything()
    reset_peak_rss()
    before = rss_bytes()
    t = time.perf_counter()
    model = _model(n, agents)
    build = time.perf_counter() - t
    times = _time_steps(model, periods)
    med = statistics.median(times)
    return {"n_workers": n, "agents": agents, "periods_timed": periods,
            "construction_s": build, "period_s_median": med,
            "period_s_all": times, "worker_periods_per_s": n / med,
            "peak_rss_growth_bytes": peak_rss_bytes() - before,
            "kernel_load_rss_bytes": kernels}


def floor_work(n: int) -> Any:
    """The floor: 4 normals per worker, one argsort over N, 20 float64 ops over N."""
    import numpy as np

    rng = np.random.default_rng(0)
    normals = np.empty((4, n))
    keys = rng.random(n)
    a, b = np.empty(n), np.empty(n)

    def run() -> None:
        rng.standard_normal(out=normals)
        np.argsort(keys)
        x, y = normals[0], normals[1]
        for _ in range(10):                 # 2 operations per round: 20 in all
            np.multiply(x, y, out=a)
            np.add(a, x, out=b)

    return run


def child_floor(n: int, repeats: int) -> dict[str, Any]:
    """Period time over floor time, interleaved in one process, medians of `repeats`."""
    model = _model(n, agents=False)
    floor = floor_work(n)
    model.step()
    floor()                                   # warm both up
    period, base, period_cpu, base_cpu = [], [], [], []
    for _ in range(repeats):
        c, t = time.process_time(), time.perf_counter()
        model.step()
        period.append(time.perf_counter() - t)
        period_cpu.append(time.process_time() - c)
        c, t = time.process_time(), time.perf_counter()
        floor()
        base.append(time.perf_counter() - t)
        base_cpu.append(time.process_time() - c)
    p, f = statistics.median(period), statistics.median(base)
    return {"n_workers": n, "repeats": repeats, "period_s_median": p, "floor_s_median": f,
            "period_over_floor": p / f,
            "period_over_floor_cpu": statistics.median(period_cpu) / statistics.median(base_cpu),
            "period_s_all": period, "floor_s_all": base}


def child_reference(n: int, periods: int, repeats: int = 8) -> dict[str, Any]:
    """Per-agent reference versus vectorised model, same state, parameters and periods.

    `repeats` vectorised models are built from one seed (identical economies) and the
    reference copies a further one (its state and random streams), so all start from
    the same state. Then, period after period, half of the vectorised models step,
    the reference steps, and the other half step: the two are timed interleaved, so a
    change in the machine's speed during the run (it is shared) slows both alike, and
    the vectorised models run in turn, as a sweep would, with the caches shared among
    them (about 5% slower than one model stepping alone). Each period gives a ratio:
    the reference's time over the median time of the vectorised models that period.
    The median of the ratios is reported, with every period's ratio and the ratio of
    the overall medians. The end states are compared, so both did the same work. The
    reference's Python objects are frozen out of the garbage collector's view
    (`gc.freeze`), so that collections triggered in a vectorised period do not walk
    them.
    """
    import gc

    import numpy as np

    from tests.reference import ReferenceModel

    models = [_model(n, agents=False) for _ in range(repeats)]
    ref = ReferenceModel.from_model(_model(n, agents=False))
    gc.collect()
    gc.freeze()
    vec_times, vec_cpu, ref_times, ref_cpu, per_period = [], [], [], [], []

    def step_timed(model: Any) -> None:
        c, t = time.process_time(), time.perf_counter()
        model.step()
        vec_times.append(time.perf_counter() - t)
        vec_cpu.append(time.process_time() - c)

    half = repeats // 2
    for _ in range(periods):
        for model in models[:half]:
            step_timed(model)
        c, t = time.process_time(), time.perf_counter()
        ref.step()
        ref_times.append(time.perf_counter() - t)
        ref_cpu.append(time.process_time() - c)
        for model in models[half:]:
            step_timed(model)
        per_period.append(ref_times[-1] / statistics.median(vec_times[-repeats:]))
    gc.unfreeze()
    exported = ref.export()
    same = all(np.array_equal(exported[f"workers.{k}"], getattr(models[-1].economy.workers, k))
               for k in ("employer", "education", "wage", "income"))
    r, v = statistics.median(ref_times), statistics.median(vec_times)
    return {"n_workers": n, "periods": periods, "vectorised_repeats": repeats,
            "reference_period_s_median": r, "vectorised_period_s_median": v,
            "speedup_vs_reference": statistics.median(per_period),
            "speedup_per_period": per_period, "speedup_of_medians": r / v,
            "speedup_vs_reference_cpu": statistics.median(ref_cpu) / statistics.median(vec_cpu),
            "states_equal_after": same, "reference_worker_periods_per_s": n / r}


def child_big(n: int, periods: int) -> dict[str, Any]:
    """A full run (construction with burn-in, then `periods` periods): time and peak RSS."""
    from abm import LaborMarketModel, Params

    kernels = _import_everything()
    reset_peak_rss()
    before = rss_bytes()
    t = time.perf_counter()
    model = LaborMarketModel(Params(n_workers=n, n_periods=periods), seed=1, agents=False)
    build = time.perf_counter() - t
    times = _time_steps(model, periods)
    total = time.perf_counter() - t
    frame = model.model_frame()
    return {"n_workers": n, "periods": periods, "construction_s": build,
            "period_s_median": statistics.median(times), "wall_s": total,
            "peak_rss_bytes": peak_rss_bytes(), "peak_rss_growth_bytes": peak_rss_bytes() - before,
            "bytes_per_worker": (peak_rss_bytes() - before) / n,
            "rows_collected": len(frame), "final_gini_income": float(frame["gini_income"].iloc[-1]),
            "kernel_load_rss_bytes": kernels}


CHILDREN = {"throughput": child_throughput, "floor": child_floor,
            "reference": child_reference, "big": child_big}


def run_child(kind: str, blas_threads: str, **kwargs: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = dict(os.environ)
    for var in BLAS_VARS:
        env[var] = blas_threads
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind,
           "--kwargs", json.dumps(kwargs)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} {kwargs} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------
# the benchmark
# ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip 1e7, fewer repeats")
    parser.add_argument("--blas-threads", default="1", help="BLAS threads in the children")
    parser.add_argument("--out", type=Path, help="also write the JSON object here")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--kwargs", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = CHILDREN[args.child](**json.loads(args.kwargs))
        print(json.dumps(result))
        return result

    quick, threads = args.quick, args.blas_threads
    periods = {10_000: 40, 100_000: 15, 1_000_000: 7 if quick else 9}
    t0 = time.perf_counter()
    throughput = []
    for agents in (False, True):
        for n in [10_000, 100_000] + ([] if quick and agents else [1_000_000]):
            throughput.append(run_child("throughput", threads, n=n, agents=agents,
                                        periods=periods[n] if not agents else 7))
            _progress(throughput[-1])
    # the reference runs the periods of a default run (30) in the full benchmark
    reference = run_child("reference", threads, n=10_000, periods=10 if quick else 30,
                          repeats=8)
    print(f"  reference at 1e4: {reference['reference_period_s_median']:.2f} s/period", flush=True)
    floor = run_child("floor", threads, n=1_000_000, repeats=7 if quick else 15)
    print(f"  floor at 1e6: period/floor {floor['period_over_floor']:.2f}", flush=True)
    big = None
    if not quick:
        # 1e7 workers: the full run (construction with burn-in, 10 periods) gives both
        # the throughput entry and the memory figure; agent objects are not built at
        # this size (about 0.5 kB and 10 µs each: 5 GB and 100 s more)
        big = run_child("big", threads, n=10_000_000, periods=10)
        throughput.insert(3, {"n_workers": big["n_workers"], "agents": False,
                              "periods_timed": big["periods"],
                              "construction_s": big["construction_s"],
                              "period_s_median": big["period_s_median"],
                              "worker_periods_per_s": big["n_workers"] / big["period_s_median"],
                              "peak_rss_growth_bytes": big["peak_rss_growth_bytes"]})
        _progress(throughput[3])

    by_n = {r["n_workers"]: r for r in throughput if not r["agents"]}
    # The exponent compares two children run at different moments, so the machine's
    # drift (±20% over minutes) moves it by ±0.08: it is measured on pairs of children
    # run back to back (the throughput pair and `EXTRA_PAIRS` more) and the median of
    # the pairs' exponents is reported.
    pairs = [(by_n[100_000]["period_s_median"], by_n[1_000_000]["period_s_median"])]
    for _ in range(1 if quick else EXTRA_PAIRS):
        small = run_child("throughput", threads, n=100_000, agents=False, periods=15)
        large = run_child("throughput", threads, n=1_000_000, agents=False,
                          periods=periods[1_000_000])
        pairs.append((small["period_s_median"], large["period_s_median"]))
    exponents = [math.log10(large / small) for small, large in pairs]
    exponent = statistics.median(exponents)
    print(f"  scaling exponent, pairs: {', '.join(f'{e:.3f}' for e in exponents)}", flush=True)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "blas_threads": threads, "loadavg_start": _loadavg()},
        "throughput": [{k: r[k] for k in ("n_workers", "agents", "periods_timed",
                                           "construction_s", "period_s_median",
                                           "worker_periods_per_s", "peak_rss_growth_bytes")}
                       for r in throughput],
        "speedup_vs_reference": reference["speedup_vs_reference"],
        "reference": reference,
        "period_over_floor": floor["period_over_floor"],
        "floor": {k: v for k, v in floor.items() if not k.endswith("_all")},
        "bytes_per_worker": by_n[1_000_000]["peak_rss_growth_bytes"] / 1_000_000,
        "kernel_load_rss_bytes": by_n[1_000_000]["kernel_load_rss_bytes"],
        "scaling_exponent": exponent,
        "scaling_exponent_pairs": exponents,
        "big_run": big,
        "goals": {},
        "benchmark_wall_s": time.perf_counter() - t0,
    }
    result["goals"] = {
        "speedup_vs_reference >= 100": result["speedup_vs_reference"] >= 100,
        "period_over_floor <= 3": result["period_over_floor"] <= 3,
        "bytes_per_worker <= 200": result["bytes_per_worker"] <= 200,
        "scaling_exponent <= 1.15": result["scaling_exponent"] <= 1.15,
        "1e7 x 10 periods completes": None if big is None else big["rows_collected"] == 11,
    }
    _table(result)
    line = json.dumps(result)
    if args.out:
        args.out.write_text(line + "\n", encoding="utf-8")
    print(line)
    return result


def _loadavg() -> list[float]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return []


def _progress(r: dict[str, Any]) -> None:
    print(f"  n={r['n_workers']:>10,} agents={r['agents']!s:5}  "
          f"{r['period_s_median'] * 1e3:9.1f} ms/period", flush=True)


def _table(r: dict[str, Any]) -> None:
    print()
    print(f"{'workers':>12} {'agents':>7} {'ms/period':>11} {'worker-periods/s':>18} "
          f"{'build s':>8} {'peak MB':>9}")
    for t in r["throughput"]:
        print(f"{t['n_workers']:>12,} {t['agents']!s:>7} {t['period_s_median'] * 1e3:>11.1f} "
              f"{t['worker_periods_per_s']:>18,.0f} {t['construction_s']:>8.1f} "
              f"{t['peak_rss_growth_bytes'] / 2**20:>9.0f}")
    ref = r["reference"]
    print(f"\nspeed-up vs per-agent reference at 1e4: {r['speedup_vs_reference']:.0f}x "
          f"({ref['reference_period_s_median']:.2f} s vs "
          f"{ref['vectorised_period_s_median'] * 1e3:.1f} ms per period; "
          f"states equal: {ref['states_equal_after']})")
    fl = r["floor"]
    print(f"period over floor at 1e6: {r['period_over_floor']:.2f} "
          f"({fl['period_s_median'] * 1e3:.0f} ms vs {fl['floor_s_median'] * 1e3:.0f} ms; "
          f"CPU-time ratio {fl['period_over_floor_cpu']:.2f})")
    print(f"bytes per worker (peak RSS growth, 1e6, no agents): {r['bytes_per_worker']:.0f} "
          f"(plus a one-time {r['kernel_load_rss_bytes'] / 2**20:.0f} MB to load the kernels)")
    print(f"scaling exponent 1e5 -> 1e6: {r['scaling_exponent']:.3f}")
    if r["big_run"]:
        b = r["big_run"]
        print(f"1e7 workers x {b['periods']} periods: {b['wall_s']:.0f} s wall "
              f"(construction {b['construction_s']:.0f} s), peak RSS "
              f"{b['peak_rss_bytes'] / 2**30:.2f} GiB ({b['bytes_per_worker']:.0f} B/worker)")
    for goal, ok in r["goals"].items():
        print(f"  [{'ok' if ok else '--' if ok is None else 'NO'}] {goal}")
    print()


if __name__ == "__main__":
    main()
