"""`abm akm`: AKM estimates on the model's panel beside the premia the model pays.

    abm akm --out results/akm
        firm_facts before AI: 6 seeds, 6 years each, 6,000 workers;
    abm akm --out DIR --scenario sorted_labour_market --seeds 12 --years 3
        another scenario, more seeds, shorter panels;
    abm akm --out DIR --scenario two_regimes --variant proprietary_ai --ai
        a variant of a scenario, with AI (a projection: the data predate AI);
    abm akm --out DIR --set xi=0.15
        a changed parameter.

Each seed's panel holds the employed person-years of the years after period 0; the AKM
model is fitted on its largest connected set (`analysis.akm`). Writes DIR/akm.csv (one
row per seed) and DIR/akm_summary.csv (mean and SE over seeds), and prints the summary.
Every input is checked before any simulation starts; a bad one prints one line
`abm: error: ...` and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from abm.cli_checks import BadInput, RaisingParser, check_out_folder, run_tool

MAX_SEEDS = 1000
MAX_YEARS = 100
OWN_OPTIONS = {"n_workers": "--n-workers", "n_periods": "--years", "ai_enabled": "--ai"}
"""Parameters the tool sets from its own options (a `--set` of them would be overwritten)."""
MAX_FIRMS = 5000
"""`analysis.akm.estimate.MAX_FIRMS`, repeated so that a refusal imports no numerical library."""
DATA_NOTE = ("data, five countries, six-year windows (Bonhomme et al. 2023, docs/MODEL.md "
             "§3.3.3): firm premia 0.12-0.24 plug-in, 0.055-0.175 with the homoskedastic "
             "correction computed here, 0.05-0.16 leave-out; sorting 0.05-0.13 leave-out")


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm akm",
                      description="AKM firm and worker effects estimated on the model's "
                                  "employer-employee panel, beside the premia it pays.")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--scenario", default="firm_facts", help="scenario (default firm_facts)")
    p.add_argument("--variant", default=None,
                   help="variant of a scenario that has several (see `abm run`)")
    p.add_argument("--seeds", type=int, default=6, help="replicate seeds (default 6)")
    p.add_argument("--root-seed", type=int, default=1,
                   help="first seed; seeds are ROOT, ROOT+1, ... (default 1)")
    p.add_argument("--years", type=int, default=6,
                   help="years in each panel, after period 0 (default 6)")
    p.add_argument("--n-workers", type=int, default=6000, help="persons (default 6000)")
    p.add_argument("--ai", action="store_true",
                   help="the years with AI (default: without, the pre-AI economy the data "
                        "describe)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change a parameter (repeatable)")
    return p


def _validate(args: argparse.Namespace) -> Any:
    """Check every argument; return the Params of the panels."""
    import scenarios
    from abm.params import ParameterError, parse_assignment

    args.out = Path(args.out)
    check_out_folder(args.out)
    if not 2 <= args.seeds <= MAX_SEEDS:
        raise BadInput(f"--seeds={args.seeds} must be between 2 and {MAX_SEEDS} (a standard "
                       "error needs two)")
    if args.root_seed < 0:
        raise BadInput(f"--root-seed={args.root_seed} must be at least 0")
    if not 2 <= args.years <= MAX_YEARS:
        raise BadInput(f"--years={args.years} must be between 2 and {MAX_YEARS} (nobody is "
                       "seen moving in one year)")
    try:
        found = scenarios.variants(scenarios.load(args.scenario))
    except scenarios.UnknownScenario as exc:
        raise BadInput(str(exc)) from None
    if args.variant is None and len(found) > 1:
        raise BadInput(f"scenario {args.scenario!r} has variants {', '.join(found)}: "
                       "choose one with --variant")
    if args.variant is not None and args.variant not in found:
        raise BadInput(f"--variant={args.variant!r} is not a variant of {args.scenario!r}; "
                       f"its variants: {', '.join(found)}")
    params = found[args.variant] if args.variant is not None else next(iter(found.values()))
    if args.ai and not params.ai_enabled:
        raise BadInput(f"--ai: {args.variant or args.scenario!r} has no AI (ai_enabled=False)")
    try:
        changes = dict(parse_assignment(a) for a in args.set)
        for name, option in OWN_OPTIONS.items():
            if name in changes:
                raise BadInput(f"--set {name}=...: use {option} instead")
        params = params.replace(**changes)
        params = params.replace(n_workers=args.n_workers, n_periods=args.years,
                                ai_enabled=bool(args.ai))
    except ParameterError as exc:
        raise BadInput(str(exc).replace("n_workers=", "--n-workers=")) from None
    if params.n_firms > MAX_FIRMS:
        raise BadInput(f"n_firms={params.n_firms}: the AKM fit takes at most {MAX_FIRMS} "
                       "firms (its normal equations are solved dense)")
    return params


def _execute(args: argparse.Namespace, params: Any) -> int:
    import pandas as pd

    from analysis.akm import fit, panel, shares

    seeds = range(args.root_seed, args.root_seed + args.seeds)
    rows = []
    for seed in seeds:
        rows.append({"seed": seed, **shares(fit(panel(params, seed, args.years)))})
        print(f"seed {seed}: plug-in firm share {rows[-1]['plug_in_firm']:.4f}, known "
              f"{rows[-1]['known_firm']:.4f}", flush=True)
    per_seed = pd.DataFrame(rows)
    stats = per_seed.drop(columns="seed")
    summary = pd.DataFrame({"mean": stats.mean(), "se": stats.std(ddof=1) / len(stats) ** 0.5})
    args.out.mkdir(parents=True, exist_ok=True)
    per_seed.to_csv(args.out / "akm.csv", index=False)
    summary.to_csv(args.out / "akm_summary.csv", index_label="statistic")
    ai = "with AI" if params.ai_enabled else "without AI"
    print(f"\n{args.scenario}, {args.years} years {ai}, {params.n_workers} persons, "
          f"seeds {seeds.start}-{seeds.stop - 1}, mean ± SE over seeds: shares of log-wage "
          "variance, then movers per firm and the panel's size")
    for name, row in summary.iterrows():
        print(f"  {name:<18} {row['mean']:9.4f} ± {row['se']:.4f}")
    print(DATA_NOTE)
    print(f"\nwrote {args.out}/: akm.csv, akm_summary.csv")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm akm` (argv: the arguments after `akm`)."""
    return run_tool(_parser, _validate, _execute, argv)


if __name__ == "__main__":
    sys.exit(main())
