"""Paired whole runs of two checkouts of the package, in one process: the cost of a change.

    git worktree add /tmp/before HEAD~1
    python benchmarks/bench_ab.py /tmp/before . --workers 1000 --pairs 300

A change that saves a few per cent of a small run is smaller than the drift of this
machine between two benchmark processes (±15%). Here both versions of `abm` are
imported side by side (each from its own folder, under the same module names, one after
the other), and runs of the same size alternate between them, the order switching every
pair, each run timed in process CPU time with a new seed. The ratio B/A of each pair
sees the same machine state, so its median is precise to a fraction of a per cent
(standard error by bootstrap). Both versions must give the same frame for one seed (they
are meant to differ in speed only); the script stops if they do not. The last line of
output is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")          # as bench_model: one BLAS thread


def load(root: Path) -> tuple[Any, Any]:
    """`Engine` and `Params` of the package in `root`, as a fresh import."""
    for name in [n for n in sys.modules if n == "abm" or n.startswith("abm.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        engine = importlib.import_module("abm.engine")
        params = importlib.import_module("abm.params")
    finally:
        sys.path.remove(str(root))
    if Path(engine.__file__).resolve().parents[1] != root.resolve():
        raise SystemExit(f"abm was imported from {engine.__file__}, not from {root}")
    return engine.Engine, params.Params


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="folder holding the baseline's abm/")
    parser.add_argument("b", type=Path, help="folder holding the changed abm/")
    parser.add_argument("--workers", type=int, default=1_000)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--periods", type=int, default=3)
    args = parser.parse_args(argv)
    for root in (args.a, args.b):
        if not (root / "abm" / "engine.py").is_file():
            parser.error(f"{root} holds no abm/engine.py")
    versions = {"A": load(args.a), "B": load(args.b)}
    frames = [engine(params(n_workers=args.workers), seed=5).run(args.periods)
              for engine, params in versions.values()]
    if not frames[0].equals(frames[1]):
        raise SystemExit("the two versions give different frames for seed 5")
    cpu: dict[str, list[int]] = {"A": [], "B": []}
    for pair in range(args.pairs):
        for key in ("A", "B") if pair % 2 == 0 else ("B", "A"):
            engine, params = versions[key]
            start = time.process_time_ns()
            engine(params(n_workers=args.workers), seed=1_000 + pair).run(args.periods)
            cpu[key].append(time.process_time_ns() - start)
    ratio = np.array(cpu["B"]) / np.array(cpu["A"])
    rng = np.random.default_rng(0)
    se = float(np.std([np.median(rng.choice(ratio, ratio.size)) for _ in range(400)]))
    result = {"workers": args.workers, "pairs": args.pairs,
              "a_ms": float(np.median(cpu["A"])) / 1e6, "b_ms": float(np.median(cpu["B"])) / 1e6,
              "ratio_median": float(np.median(ratio)), "ratio_se": se,
              "ratio_iqr": [float(np.percentile(ratio, 25)), float(np.percentile(ratio, 75))]}
    print(f"{args.workers:,} workers: A {result['a_ms']:.2f} ms, B {result['b_ms']:.2f} ms "
          f"(medians); B/A per pair: median {result['ratio_median']:.3f} (standard error "
          f"{se:.3f}; interquartile range {result['ratio_iqr'][0]:.3f}-"
          f"{result['ratio_iqr'][1]:.3f}), {args.pairs} pairs")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
