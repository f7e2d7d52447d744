"""Benchmark: period time against the number of firms (hiring and teams are linear in J).

Run from the repository root:

    python benchmarks/bench_firms.py                 # 100 to 100,000 firms, 100,000 workers
    python benchmarks/bench_firms.py --workers 20000 --repeats 3

Job targets are split over firms by systematic rounding (one pass over the J·Z cells),
and team outputs are one expression over the same cells, so a period should cost a
fixed part in N plus a part linear in J·Z. The largest-remainder rule this replaced
was quadratic in J (0.54 s per period at 10,000 firms, 8.4 s at 40,000). The benchmark
prints the median period time for each J, the time per firm-task cell above the
100-firm run, and the ratio of each step's growth in time to its growth in J (about 1
or below when the cost is linear). Ratios are measured in the same process, one J after
another; no assertion is made on wall-clock time.
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

FIRMS = (100, 1_000, 10_000, 100_000)


def period_time(n_workers: int, n_firms: int, repeats: int) -> float:
    """Median seconds per period after a one-year burn-in."""
    from abm import LaborMarketModel, Params

    p = Params(n_workers=n_workers, n_firms=n_firms, n_tasks=20, burn_in=1,
               n_periods=repeats + 1)
    model = LaborMarketModel(p, seed=1, agents=False)
    model.step()                                        # first AI period: kernels warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    period_time(2_000, 10, 1)                          # load the compiled kernels once
    rows = []
    for j in FIRMS:
        t = period_time(args.workers, j, args.repeats)
        rows.append({"n_firms": j, "period_s": t})
        print(f"  {j:>8,} firms  {1000 * t:9.1f} ms/period", flush=True)
    base = rows[0]
    for prev, row in zip(rows, rows[1:]):
        growth = (row["period_s"] / prev["period_s"]) / (row["n_firms"] / prev["n_firms"])
        row["time_growth_over_firm_growth"] = growth
        extra = (row["period_s"] - base["period_s"]) / ((row["n_firms"] - base["n_firms"]) * 20)
        row["extra_us_per_cell"] = 1e6 * extra
        print(f"  {prev['n_firms']:>8,} -> {row['n_firms']:>8,}: time grew "
              f"{row['period_s'] / prev['period_s']:.2f}x for {row['n_firms'] // prev['n_firms']}x "
              f"firms ({growth:.2f} of linear); {1e6 * extra:.3f} µs per extra cell")
    print(json.dumps({"n_workers": args.workers, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
