"""Benchmark of the calibration's evaluation machinery: throughput and overhead.

Run from the repository root:

    python benchmarks/bench_calibration.py                 # 10 seeds × 5,000 workers, paired
    python benchmarks/bench_calibration.py --workers 1 --points 4 --calibrate

For each configuration (serial in this process; a local Dask cluster of `--workers`
single-threaded worker processes, abm.sweep.cluster), in the same run:

- ``batch``: `--points` distinct θ (a Halton sample inside the bounds of the five free
  parameters, as the multistart exploration stage draws) evaluated through the path a
  calibration uses: the batch evaluator, the evaluation log (SQLite, a fresh file) and
  `moments.simulate_moments` (paired AI / no-AI runs on common seeds). Criterion
  evaluations per minute = points / wall time × 60; the share of wall time outside the
  model = 1 − (seconds inside simulate_moments, summed over workers) / (wall time ×
  workers). The goal is under 10 %.
- ``calibrate`` (with --calibrate): an end-to-end `calibrate` of ai_weight and xi with a
  small budget (2 multistart points, `--maxfun` DFO-LS evaluations, 2 noise seeds),
  reporting Fit.n_evaluations, Fit.seconds and Fit.seconds_in_model. Its DFO-LS stage is
  sequential by nature, so on a cluster its outside share also counts idle workers.

Kernels are compiled and each worker warmed on other θ before timing. The last line is
one JSON object with every number.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def sample(n: int, seed: int = 7) -> list[dict[str, float]]:
    """n points of a scrambled Halton sample inside the free parameters' bounds (Sobol
    points want n a power of two)."""
    from scipy.stats import qmc

    from analysis.calibration.space import FREE

    unit = qmc.Halton(d=len(FREE), scramble=True, seed=seed).random(n)
    return [{f.name: float(f.lo + u * (f.hi - f.lo)) for f, u in zip(FREE, row)}
            for row in unit]


def batch_run(evaluator, workers: int, points: int, seeds, base, targets) -> dict:
    """Evaluate `points` θ through the evaluator and a fresh evaluation log."""
    import pandas as pd

    from analysis.calibration.evaluate import CachedModel, EvaluationLog, batch_evaluator_for
    from analysis.calibration.moments import simulate_moments

    batch, n_cores = batch_evaluator_for(evaluator)
    with TemporaryDirectory(prefix="bench-calibration-") as tmp:
        log = EvaluationLog(Path(tmp) / "log.sqlite")
        model = CachedModel(simulate_moments, names=targets.names,
                            model_kwargs={"targets": targets, "base": base}, seeds=seeds,
                            fixed={}, log=log, context="bench", run="bench")
        warm = [pd.Series(t) for t in sample(max(workers, 1) + 1, seed=99)]
        batch(model, warm, n_cores=n_cores, error_handling="raise", unpack_symbol=None)
        thetas = [pd.Series(t) for t in sample(points)]
        log_warm = log.run_stats("bench")["seconds_in_model"]
        start = time.perf_counter()
        batch(model, thetas, n_cores=n_cores, error_handling="raise", unpack_symbol=None)
        wall = time.perf_counter() - start
        inside = log.run_stats("bench")["seconds_in_model"] - log_warm
        log.close()
    return {"points": points, "wall_s": wall, "model_s": inside,
            "evals_per_min": 60.0 * points / wall,
            "outside_share": 1.0 - inside / (wall * max(workers, 1))}


def calibrate_run(evaluator, workers: int, seeds, base, targets, maxfun: int) -> dict:
    from analysis.calibration.estimate import calibrate

    fit = calibrate(targets, free=["ai_weight", "xi"], seeds=seeds, base=base, n_starts=2,
                    noise_seeds=2, evaluator=evaluator,
                    algo_options={"stopping_maxfun": maxfun})
    fresh = fit.n_evaluations - fit.n_cached
    return {"n_evaluations": fit.n_evaluations, "n_cached": fit.n_cached,
            "wall_s": fit.seconds, "model_s": fit.seconds_in_model,
            "evals_per_min": 60.0 * fresh / fit.seconds,
            "outside_share": 1.0 - fit.seconds_in_model / (fit.seconds * max(workers, 1))}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-workers", type=int, default=5000, help="workers in the economy")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per evaluation")
    parser.add_argument("--points", type=int, default=6, help="θ points per batch")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--no-dask", action="store_true", help="serial only")
    parser.add_argument("--calibrate", action="store_true", help="also an end-to-end fit")
    parser.add_argument("--maxfun", type=int, default=8, help="DFO-LS budget (--calibrate)")
    args = parser.parse_args(argv)

    from analysis.calibration.moments import simulate_moments
    from analysis.calibration.space import base_params
    from analysis.calibration.targets import load_targets

    targets = load_targets()
    base = base_params(n_workers=args.n_workers, targets=targets)
    seeds = list(range(1, args.seeds + 1))
    # compile the kernels once (not timed)
    simulate_moments({}, targets=targets, seeds=[1], base=base.replace(n_workers=500))
    out: dict = {"n_workers": args.n_workers, "seeds": args.seeds, "dask_workers": args.workers}
    configs = [("serial", None, 1)]
    cluster = None
    if not args.no_dask:
        from abm.sweep.cluster import dask_client

        cluster = dask_client(workers=args.workers)
        configs.append((f"dask{args.workers}", cluster.__enter__(), args.workers))
    try:
        for name, evaluator, workers in configs:
            out[f"{name}_batch"] = batch_run(evaluator, workers, args.points, seeds, base,
                                             targets)
            print(f"{name:>8} batch: {out[f'{name}_batch']['evals_per_min']:.2f} evals/min, "
                  f"outside the model {out[f'{name}_batch']['outside_share']:.1%}", flush=True)
            if args.calibrate:
                out[f"{name}_calibrate"] = calibrate_run(evaluator, workers, seeds, base,
                                                         targets, args.maxfun)
                res = out[f"{name}_calibrate"]
                print(f"{name:>8} calibrate: {res['evals_per_min']:.2f} evals/min "
                      f"({res['n_evaluations']} evaluations, {res['n_cached']} cached), "
                      f"outside the model {res['outside_share']:.1%}", flush=True)
    finally:
        if cluster is not None:
            cluster.__exit__(None, None, None)
    if not args.no_dask:
        key = f"dask{args.workers}_batch"
        out["speedup_batch"] = out[key]["evals_per_min"] / out["serial_batch"]["evals_per_min"]
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
