"""Command line: `abm run`, `abm scenarios`, and the sweep / regimes / viz tools.

Every input is validated before any simulation starts; a bad input prints one clear
line on stderr and exits with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from abm.params import ParameterError

EXIT_BAD_INPUT = 2

# subcommands implemented in their own modules: name -> (module, one-line help)
DELEGATED = {
    "sweep": ("abm.sweep.cli", "run a parameter sweep from a TOML spec (Dask)"),
    "regimes": ("analysis.regimes_cli", "analytic vs simulated regime map"),
    "viz": ("abm.viz.cli", "step through the economy in the browser (Solara)"),
    "empirics": ("analysis.empirics_cli", "OEWS regressions, simulated occupations, H1-H4"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="abm", description="Generative AI and inequality ABM")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and save its results")
    run.add_argument("scenario")
    run.add_argument("--seed", type=int, default=None, help="root seed (default: scenario's)")
    run.add_argument("--periods", type=int, default=None, help="periods after period 0")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter (repeatable)")
    run.add_argument("--out", type=Path, default=None,
                     help="output folder (default results/SCENARIO/)")
    sub.add_parser("scenarios", help="list scenarios")
    for name, (_module, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    import pandas as pd

    from scenarios.runner import run_scenario, save, summarize

    if args.seed is not None and args.seed < 0:
        raise ParameterError(f"--seed={args.seed} must be a non-negative int")
    df = run_scenario(args.scenario, seed=args.seed, periods=args.periods, sets=args.sets)
    out = args.out or Path("results") / args.scenario
    save(df, out, args.scenario)
    table = summarize(df)
    with pd.option_context("display.width", 200, "display.max_columns", 30,
                           "display.float_format", "{:.3f}".format):
        cols = ["gini_income t=0", f"gini_income t={df['period'].max()}", "dGini",
                "within_task_cv_exposed t=0", f"within_task_cv_exposed t={df['period'].max()}",
                "dCV", "regime"]
        print(table[cols].to_string())
    print(f"\nwrote {out / 'results.parquet'} and {out / 'paths.png'}")
    return 0


def _cmd_scenarios() -> int:
    import scenarios

    reg = scenarios.registry()
    width = max(map(len, reg))
    for name, desc in reg.items():
        print(f"{name:<{width}}  {desc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `abm` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        module = importlib.import_module(DELEGATED[argv[0]][0])
        return int(module.main(argv[1:]) or 0)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        return _cmd_scenarios()
    except (ParameterError, ValueError) as exc:
        print(f"abm: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
