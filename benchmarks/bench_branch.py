"""Benchmark of paired runs: an AI run and its no-AI counterfactual, with and without
a shared past.

Run from the repository root:

    python benchmarks/bench_branch.py                  # 3,000 workers × 3 periods, 31 rounds
    python benchmarks/bench_branch.py --workers 1000 --rounds 51

Each round times, back to back and from the same seed (a new seed each round), in
CPU time of this process (`time.process_time`, insensitive to other processes' load
on a shared machine):

- ``single``: one run, `simulate(params, seed=...)`;
- ``separate``: the pair as two runs, `simulate` with and without AI;
- ``shared``: the pair from one burn-in, `abm.branch(params, seed=..., variants=...)`.

It prints the medians, the ratios of the medians to ``single`` and the median of the
per-round ratios (a round's three timings share the machine's state), and one JSON
object on the last line. The pair's ideal cost with a shared past, counting periods,
is (B + 1 + 2T) / (B + 1 + T) of a single run (B burn-in years, period 0, T recorded
periods): copying the economy and building a second result table come on top.
Agent objects are off in all three (`agents=False`), as in sweeps.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS = {"ai": {}, "no_ai": {"ai_enabled": False}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args(argv)

    import abm
    from abm import Params, simulate

    params = Params(n_workers=args.workers, n_periods=args.periods)
    no_ai = params.replace(ai_enabled=False)
    simulate(params, seed=0, agents=False)          # compile / load the kernels first
    abm.branch(params, seed=0, variants=VARIANTS)

    def timed(fn) -> float:
        start = time.process_time()
        fn()
        return time.process_time() - start

    times: dict[str, list[float]] = {"single": [], "separate": [], "shared": []}
    for seed in range(1, args.rounds + 1):
        times["single"].append(timed(lambda: simulate(params, seed=seed, agents=False)))
        times["separate"].append(timed(lambda: (simulate(params, seed=seed, agents=False),
                                                simulate(no_ai, seed=seed, agents=False))))
        times["shared"].append(timed(lambda: abm.branch(params, seed=seed,
                                                        variants=VARIANTS)))
    med = {k: statistics.median(v) for k, v in times.items()}
    per_round = {k: statistics.median(a / s for a, s in zip(v, times["single"], strict=True))
                 for k, v in times.items() if k != "single"}
    b, t = params.burn_in, params.n_periods
    result = {
        "workers": args.workers, "periods": t, "burn_in": b, "rounds": args.rounds,
        "median_ms": {k: round(1e3 * v, 2) for k, v in med.items()},
        "ratio_of_medians": {k: round(med[k] / med["single"], 3)
                             for k in ("separate", "shared")},
        "median_round_ratio": {k: round(v, 3) for k, v in per_round.items()},
        "ideal_shared_ratio": round((b + 1 + 2 * t) / (b + 1 + t), 3),
        "goal_shared_ratio_at_most": 1.3,
    }
    print(f"{args.workers} workers × {t} periods (burn-in {b}), {args.rounds} rounds, "
          "CPU ms per call (median):")
    for k, v in med.items():
        ratio = "" if k == "single" else (f"  × {med[k] / med['single']:.3f} of single "
                                          f"(median round ratio {per_round[k]:.3f})")
        print(f"  {k:9s} {1e3 * v:8.2f}{ratio}")
    print(f"  ideal shared pair by period count: × {result['ideal_shared_ratio']}")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
