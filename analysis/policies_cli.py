"""`abm policies`: each policy lever against the unchanged economy, on common seeds.

    abm policies --out results/policies
        every lever (analysis/policies/levers.py) against the base economy: the calibrated
        one if scenarios/calibrated.py exists, else the defaults;
    abm policies --out DIR --levers rent_sharing,ai_rent_tax --seeds 20 --periods 30
        some levers, more seeds, another horizon;
    abm policies --out DIR --set eta0=1.0 --set eta1=0.0
        the levers in another base economy (here: all AI commodity);
    abm policies --out DIR --scheduler tcp://host:8786
        on a running Dask cluster.

Writes DIR/policies.csv (policy, statistic, mean, se, n_seeds), DIR/per_seed.csv,
DIR/policies.png and .pdf (the comparison figure), DIR/report.md and DIR/policies.log;
the runs are stored in DIR/sweep, so rerunning resumes. Every input is checked before
any simulation starts; a bad one prints one line `abm: error: ...` and exits with
status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
from pathlib import Path
from typing import Any

from abm.cli_checks import (BadInput, RaisingParser, check_out_folder, cluster_errors,
                            run_tool)

MAX_SEEDS = 1000


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm policies",
                      description="Policy levers against the unchanged economy, paired on "
                                  "common seeds (ΔGini, incomes, shares, welfare).")
    p.add_argument("--out", required=True, help="output folder (rerunning resumes it)")
    p.add_argument("--seeds", type=int, default=16, help="replicate seeds per policy (16)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes of the local Dask cluster (default: one per core)")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address tcp://host:port, or 'serial' (no Dask)")
    p.add_argument("--levers", default=None,
                   help="comma-separated lever names (default: all)")
    p.add_argument("--periods", type=int, default=None,
                   help="T, years after period 0 (default: the base economy's n_periods)")
    p.add_argument("--n-workers", type=int, default=None,
                   help="persons in each economy (default: the base economy's n_workers)")
    p.add_argument("--root-seed", type=int, default=0, help="root of the replicate seeds (0)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change a parameter of the base economy (repeatable), e.g. to "
                        "compare the levers under commodity or proprietary AI")
    return p


def base_economy() -> tuple[Any, str]:
    """(base Params, where they come from): the calibrated economy if
    `scenarios/calibrated.py` is importable, else the defaults."""
    try:
        from scenarios.calibrated import build_params
    except ModuleNotFoundError as exc:
        if exc.name not in ("scenarios.calibrated", "scenarios"):
            raise BadInput(f"scenarios/calibrated.py cannot be imported: {exc}") from None
        from abm.params import Params

        return Params(), "defaults (scenarios/calibrated.py not found)"
    except Exception as exc:      # a calibration file that exists but is broken
        raise BadInput("scenarios/calibrated.py cannot be imported: "
                       f"{' '.join(str(exc).split()) or type(exc).__name__}") from None
    try:
        return build_params(), "calibrated (scenarios/calibrated.py)"
    except Exception as exc:
        raise BadInput("scenarios/calibrated.py build_params() failed: "
                       f"{' '.join(str(exc).split()) or type(exc).__name__}") from None


def _validate(args: argparse.Namespace) -> tuple[Any, str, tuple[str, ...]]:
    """Check every argument; return the base Params, its origin and the levers."""
    from abm.params import ParameterError, parse_assignment
    from analysis.policies.levers import check_names, names

    if not str(args.out).strip():
        raise BadInput("--out must name a folder, got an empty string")
    args.out = Path(args.out)
    check_out_folder(args.out)
    if not 2 <= args.seeds <= MAX_SEEDS:
        raise BadInput(f"--seeds={args.seeds} must be between 2 and {MAX_SEEDS} (a standard "
                       "error needs two)")
    if args.workers is not None and args.workers < 1:
        raise BadInput(f"--workers={args.workers} must be at least 1")
    if args.scheduler is not None:
        if args.workers is not None:
            raise BadInput("--workers sizes the local cluster only; drop it with --scheduler")
        if args.scheduler != "serial" and ":" not in args.scheduler:
            raise BadInput(f"--scheduler={args.scheduler!r} must be 'serial' or a Dask "
                           "scheduler address such as tcp://host:8786")
    if args.periods is not None and args.periods < 1:
        raise BadInput(f"--periods={args.periods} must be at least 1")
    if args.root_seed < 0:
        raise BadInput(f"--root-seed={args.root_seed} must be at least 0")
    try:
        levers = check_names(args.levers.split(",")) if args.levers is not None else names()
    except ValueError as exc:
        raise BadInput(f"--levers: {exc}") from None
    base, origin = base_economy()
    try:
        changes = dict(parse_assignment(a) for a in args.set)
        base = base.replace(**changes)
    except ParameterError as exc:
        raise BadInput(str(exc)) from None
    if changes:
        origin += " with " + ", ".join(f"{k}={v!r}" for k, v in changes.items())
    if not base.ai_enabled:
        raise BadInput(f"the base economy ({origin}) has ai_enabled=False: policies are "
                       "compared with and without AI")
    try:
        if args.n_workers is not None:
            base = base.replace(n_workers=args.n_workers)
        if args.periods is not None:
            base = base.replace(n_periods=args.periods)
    except ParameterError as exc:
        raise BadInput(str(exc).replace("n_workers=", "--n-workers=")
                       .replace("n_periods=", "--periods=")) from None
    return base, origin, levers


def _logger(out: Path) -> logging.Logger:
    """Progress on the terminal (stdout) and in out/policies.log."""
    log = logging.getLogger("abm.policies")
    log.setLevel(logging.INFO)
    log.handlers.clear()
    log.propagate = False
    fmt = logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S")
    for handler in (logging.StreamHandler(sys.stdout),
                    logging.FileHandler(out / "policies.log", encoding="utf-8")):
        handler.setFormatter(fmt)
        log.addHandler(handler)
    return log


class _Tee(io.TextIOBase):
    """The sweep's progress stream: everything to the terminal (or pipe), and each
    complete line without a carriage return (a bar's redraws) to the log."""

    def __init__(self, stream: Any, log: logging.Logger) -> None:
        self._stream, self._log, self._line = stream, log, ""

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())

    def write(self, text: str) -> int:
        self._stream.write(text)
        self._line += text
        *lines, self._line = self._line.split("\n")
        for line in lines:
            if line.strip() and "\r" not in line:
                for handler in self._log.handlers:
                    if isinstance(handler, logging.FileHandler):
                        handler.stream.write(line + "\n")
                        handler.flush()
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm policies` (argv: the arguments after `policies`)."""
    return run_tool(_parser, _validate, lambda args, checked: _execute(args, *checked), argv,
                    cluster_errors)


def _execute(args: argparse.Namespace, base: Any, origin: str,
             levers: tuple[str, ...]) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    log = _logger(out)
    try:
        return _report(args, base, origin, levers, log)
    finally:
        for handler in log.handlers:
            handler.close()
        log.handlers.clear()


def _report(args: argparse.Namespace, base: Any, origin: str, levers: tuple[str, ...],
            log: logging.Logger) -> int:
    """Run the levers and write the table, the figure and the report."""
    from analysis.policies import figures, report, run

    out: Path = args.out
    start = time.monotonic()
    command = "abm policies " + " ".join(sys.argv[2:] if sys.argv[1:2] == ["policies"]
                                         else sys.argv[1:])
    log.info("base economy: %s; %d levers, %d seeds, T = %d, %d persons", origin,
             len(levers), args.seeds, base.n_periods, base.n_workers)
    # the sweep reports progress on stderr: a bar on a terminal, lines elsewhere; the
    # lines (and the bar's last state) also go to the log
    with contextlib.redirect_stderr(_Tee(sys.stderr, log)):
        seeds = run.run(base, levers, seeds=args.seeds, out=out, periods=base.n_periods,
                        client=args.scheduler, workers=args.workers,
                        root_seed=args.root_seed)
    table = run.summarize(seeds)
    seeds.to_csv(out / "per_seed.csv", index=False)
    table.to_csv(out / "policies.csv", index=False)
    log.info("wrote %s and %s", out / "policies.csv", out / "per_seed.csv")
    paths = figures.comparison(table, out / "policies", seeds=args.seeds,
                               periods=base.n_periods)
    log.info("wrote %s", ", ".join(str(p) for p in paths))
    seconds = time.monotonic() - start
    text = report.markdown(table, base=base, origin=origin, levers=levers,
                           seeds=args.seeds, command=command, seconds=seconds)
    (out / "report.md").write_text(text, encoding="utf-8")
    log.info("wrote %s (%.0f s in all)", out / "report.md", seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
