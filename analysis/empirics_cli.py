"""`abm empirics`: occupation-level evidence on real and simulated data (docs/EMPIRICS.md).

    abm empirics --out results/empirics [--seeds 6] [--workers 2]
        the OEWS 2019-2023 regressions and coverage, the same regressions on simulated
        occupations beside the task-level truth, and hypotheses H1-H4;
    abm empirics --out DIR --real-only
        the real-data half only (seconds).

Every input is checked, and the data files validated, before anything is written; a
bad one prints one line `abm: error: ...` and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from abm.cli_checks import BadInput, RaisingParser, check_out_folder, refuse

MAX_SEEDS = 200


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm empirics",
                description="OEWS occupation-level regressions on real data, the same "
                            "regressions on simulated occupations, hypotheses H1-H4.")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--seeds", type=int, default=6,
                   help=f"seeds per simulated cell, 2..{MAX_SEEDS} (6)")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes for the simulations (2, or 1 on one core)")
    p.add_argument("--root-seed", type=int, default=1,
                   help="first seed; the seeds are root, root+1, ... (1)")
    p.add_argument("--real-only", action="store_true", help="only the real-data half")
    p.add_argument("--data", type=Path, default=None,
                   help="folder with the data files (default: the package's analysis/data)")
    return p


def _validate(argv: list[str]) -> argparse.Namespace:
    args = _parser().parse_args(argv)
    if not 2 <= args.seeds <= MAX_SEEDS:
        raise BadInput(f"--seeds={args.seeds} must be between 2 and {MAX_SEEDS} "
                       "(standard errors are across seeds)")
    if not 1 <= args.workers <= 64:
        raise BadInput(f"--workers={args.workers} must be between 1 and 64")
    if args.root_seed < 0:
        raise BadInput(f"--root-seed={args.root_seed} must be a non-negative int")
    check_out_folder(args.out)
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm empirics` (argv: the arguments after `empirics`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        _parser().print_help()
        return 0
    try:
        args = _validate(argv)
    except BadInput as exc:          # refused before pandas is imported
        return refuse(exc)
    from analysis.empirics.data import DataError, load_all

    try:
        oews_df, exposures = load_all(args.data)
    except DataError as exc:
        return refuse(exc)
    return _execute(args, oews_df, exposures)


def _execute(args: argparse.Namespace, oews_df, exposures) -> int:  # noqa: ANN001
    from analysis.empirics import hypotheses, report, simulated

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    table = report.write_real(oews_df, exposures, out)
    _print_real(table)
    _print_variance(out)
    if args.real_only:
        print(f"\nwrote {out}/oews_regressions.csv, coverage_by_*.csv, oews_variance.csv, "
              "oews_binscatter.png")
        return 0
    grid = simulated.aggregation_cells()
    cells = list({c.name: c for c in grid + hypotheses.cells()}.values())
    seeds = list(range(args.root_seed, args.root_seed + args.seeds))
    print(f"\nsimulating {len(cells)} cells x {len(seeds)} seeds x (AI, no AI) on "
          f"{args.workers} process(es) ...", flush=True)
    total = len(cells) * len(seeds)
    step = max(1, total // 10)

    def progress(line: str) -> None:
        done = int(line.split("/", 1)[0])
        if done % step == 0 or done == total:
            print(f"  {done}/{total} paired runs done ({time.perf_counter() - start:.0f} s)",
                  flush=True)

    results = simulated.run_cells(cells, seeds, workers=args.workers, progress=progress)
    agg, hyp = report.write_simulated(results, grid, out)
    _print_simulated(agg, hyp)
    print(f"\nwrote {out}/ (oews_regressions.csv, coverage_by_*.csv, sim_*.csv, "
          f"hypotheses.csv, *.png) in {time.perf_counter() - start:.0f} s")
    return 0


def _print_real(table) -> None:  # noqa: ANN001
    t = table[(table["spec"] == "unconditional") & (table["exposure"] == "eloundou")
              & table["outcome"].isin(["dlog_p90_p10", "dlog_median"])]
    print("OEWS, Eloundou β (per sd), unconditional, HC3 se:")
    for _, r in t.iterrows():
        print(f"  {r['window']}  {r['outcome']:<13} {r['coef']:+.4f} ({r['se']:.4f})  n={r['n']}")


def _print_variance(out: Path) -> None:
    import pandas as pd

    t = pd.read_csv(out / "oews_variance.csv")
    print("OEWS, share of the variance of log annual wages between occupations:")
    for _, r in t.iterrows():
        print(f"  {r['year']}  {r['level']:<8} {r['between_share']:.3f} of {r['total']:.3f}"
              f"  ({r['groups']} groups)")


def _print_simulated(agg, hyp) -> None:  # noqa: ANN001
    print("\nsimulated occupations, Δlog(P90/P10) per sd of exposure (se across seeds):")
    for _, r in agg.iterrows():
        print(f"  {r['cell']:<28} occupation {r['occ_coef']:+.4f} ({r['occ_coef_se']:.4f})"
              f"  task truth {r['task_truth']:+.4f} ({r['task_truth_se']:.4f})  {r['verdict']}")
    print("\nhypotheses (AI − no AI, seed-clustered se):")
    for _, r in hyp.iterrows():
        print(f"  {r['hypothesis']} [{r['condition']}] {r['statistic']}: "
              f"{r['estimate']:+.4f} ({r['se']:.4f}) holds={r['holds']}")


if __name__ == "__main__":
    sys.exit(main())
