"""Command line: `abm run`, `abm scenarios`, and the sweep / regimes / viz tools.

Every input is validated before any simulation starts; a bad input prints one clear
line on stderr and exits with status 2 (no traceback).

This module and the checks import only the standard library and the parameter
metadata (`abm.params`); each subcommand imports the model, Dask or pandas when it runs,
so `abm --help`, `abm scenarios` and a refused command line answer at interpreter speed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from abm.cli_checks import refuse
from abm.params import ParameterError


# subcommands implemented in their own modules: name -> (module, one-line help)
DELEGATED = {
    "sweep": ("abm.sweep.cli", "run a parameter sweep from a TOML spec (Dask)"),
    "regimes": ("analysis.regimes_cli", "analytic vs simulated regime map"),
    "viz": ("abm.viz.cli", "step through the economy in the browser (Solara)"),
    "empirics": ("analysis.empirics_cli", "OEWS regressions, simulated occupations, H1-H4"),
    "calibrate": ("analysis.calibrate_cli", "MSM calibration to the targets, its decomposition"),
    "sensitivity": ("analysis.sensitivity_cli", "Morris and Sobol sensitivity of dGini, PRIM"),
    "policies": ("analysis.policies_cli", "policy levers vs the unchanged economy, paired seeds"),
    "akm": ("analysis.akm_cli", "AKM estimates on the model's panel vs the premia it pays"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line `abm: error: ...` and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ParameterError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="abm", description="Generative AI and inequality ABM")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a scenario and save its results")
    run.add_argument("scenario")
    run.add_argument("--seed", type=int, default=None,
                     help="root seed of the first replicate (default: the scenario's)")
    run.add_argument("--seeds", type=int, default=None, metavar="N",
                     help="replicate seeds SEED, SEED+1, ..., SEED+N-1 (default: the "
                          "scenario's SEEDS); the table shows mean ± SE over them")
    run.add_argument("--periods", type=int, default=None, help="years after period 0")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter in every variant (repeatable); parameters "
                          "that define the scenario's variants are refused")
    run.add_argument("--out", default=None,
                     help="output folder (default results/SCENARIO/)")
    run.add_argument("--force", action="store_true",
                     help="overwrite a results folder made with other parameters or code")
    sub.add_parser("scenarios", help="list scenarios")
    for name, (_module, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    # checking imports only the standard library and the parameter metadata: a bad
    # command line is refused before Mesa, numba and pandas are imported (about 1 s)
    from scenarios.results import check_folder, record, save
    from scenarios.runner import plan, run_plan

    if args.out is not None and not args.out.strip():
        raise ParameterError("--out must name a folder, got an empty string")
    p = plan(args.scenario, seed=args.seed, seeds=args.seeds, periods=args.periods,
             sets=args.sets)
    out = Path(args.out) if args.out is not None else Path("results") / args.scenario
    meta = record(p.scenario, p.seeds, p.overrides,
                  {v: q.to_dict() for v, q in p.params.items()})
    check_folder(out, meta, force=args.force)
    print("\n".join(p.describe()), flush=True)
    from scenarios.summary import format_table, summarize

    df = run_plan(p)
    summary = summarize(df)
    print()
    print(format_table(summary))
    save(df, summary, out, meta, f"Scenario: {p.scenario}")
    print(f"\nwrote {out}/: results.parquet, summary.csv, paths.png, params.json, "
          "provenance.json")
    return 0


def _cmd_scenarios() -> int:
    import scenarios

    reg = scenarios.registry()
    width = max(map(len, reg))
    for name, desc in reg.items():
        print(f"{name:<{width}}  {desc}")
    return 0


def _program_start_method() -> None:
    """The `abm` program's own multiprocessing start method: spawn, unless one is set.

    `import abm` leaves the start method to the user's script; the `abm` program is not
    a user's script, and its sweeps are interrupted cleanly by Ctrl-C only when the
    process-wide method is spawn (with the platform's fork, forkservers started for
    the local Dask workers print import tracebacks on Ctrl-C). Before `import abm`
    stopped Mesa from forcing it, every process had spawn.
    """
    import multiprocessing

    if multiprocessing.get_start_method(allow_none=True) is None:
        multiprocessing.set_start_method("spawn")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `abm` console script."""
    _program_start_method()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        module = importlib.import_module(DELEGATED[argv[0]][0])
        return int(module.main(argv[1:]) or 0)
    try:
        args = _parser().parse_args(argv)
        if args.command == "run":
            return _cmd_run(args)
        return _cmd_scenarios()
    except (ParameterError, ValueError) as exc:
        return refuse(exc)


if __name__ == "__main__":
    sys.exit(main())
