"""`abm sweep`: run a sweep from a TOML spec, or report the status of an output folder.

    abm sweep SPEC.toml --out DIR [--workers N] [--scheduler ADDRESS] [--serial] [--batch N]
    abm sweep --status DIR
    abm sweep --start-cluster [--workers N]    abm sweep --stop-cluster

Exit status: 0 when every run completed (or for --status on an intact sweep folder), 1
when some runs failed (each is listed with its parameters and error) or --status found
damaged, duplicate, foreign or missing files, 2 for bad input
(invalid spec, a folder holding a different sweep, an unreachable scheduler), with one
`abm: error: ...` line and no traceback, and 130 after an interruption.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from abm.cli_checks import refuse

if TYPE_CHECKING:
    from abm.sweep.store import SweepStatus

# The engine, store and progress modules (pandas, pyarrow, the model, Dask) are imported
# by the functions that use them, after the command line has been checked: `abm sweep
# --help` and a usage error answer without them.

EXIT_FAILED_RUNS = 1
EXIT_INTERRUPTED = 130
MAX_LISTED_FAILURES = 10


class _UsageError(Exception):
    """Raised instead of argparse's print-usage-and-exit, to keep errors to one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="abm sweep", description="Run a parameter sweep from a TOML spec "
                     "on Dask (locally by default), or report a sweep folder's status.",
                     epilog="Spec format, output folder and cluster use: docs/SWEEPS.md")
    parser.add_argument("spec", nargs="?", type=Path, help="sweep specification (TOML)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (required)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="existing Dask scheduler, e.g. tcp://host:8786 "
                             "(default: $DASK_SCHEDULER_ADDRESS, else a local cluster)")
    parser.add_argument("--serial", action="store_true",
                        help="run in this process, one run after another, without Dask")
    parser.add_argument("--batch", type=int, metavar="N",
                        help="runs per batch (one Dask task, one file per table); default: "
                             "sized from the measured run time to about 2 s of work (0.5 s when "
                             "cross-sections are kept)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--status", type=Path, metavar="DIR",
                        help="print the status of a sweep folder and exit")
    parser.add_argument("--start-cluster", action="store_true",
                        help="start a local cluster (--workers N) in the background that "
                             "later sweeps use instead of starting their own")
    parser.add_argument("--stop-cluster", action="store_true",
                        help="stop the cluster started by --start-cluster")
    return parser


def _error(message: str) -> int:
    return refuse(" ".join(str(message).split()))


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm sweep ...` (argv excludes the word "sweep")."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        _check(args)
    except _UsageError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if args.start_cluster or args.stop_cluster:
        return _standing(args)
    if args.status is not None:
        from abm.sweep.store import StoreError, status

        try:
            st = status(args.status)
        except (StoreError, OSError) as exc:
            return _error(str(exc))
        print(format_status(st))
        return 0 if st.intact else EXIT_FAILED_RUNS
    return _run(args)


def _standing(args: argparse.Namespace) -> int:
    from abm.sweep import standing
    from abm.sweep.cluster import default_workers

    if args.stop_cluster:
        info = standing.stop()
        print(f"stopped the cluster at {info['address']}" if info else
              "no cluster started by abm sweep --start-cluster is running")
        return 0
    try:
        info = standing.start(args.workers or default_workers())
    except RuntimeError as exc:
        return _error(str(exc))
    print(f"cluster of {info['workers']} workers at {info['address']} (pid {info['pid']}), "
          f"recorded in {standing.cluster_file()}; sweeps without --scheduler or --serial "
          "use it until abm sweep --stop-cluster")
    return 0


def _check(args: argparse.Namespace) -> None:
    if args.start_cluster or args.stop_cluster:
        if args.start_cluster and args.stop_cluster:
            raise _UsageError("--start-cluster and --stop-cluster exclude each other")
        if args.spec is not None or args.out is not None or args.status is not None \
                or args.serial or args.scheduler:
            raise _UsageError("--start-cluster/--stop-cluster take no spec, --out, "
                              "--status, --serial or --scheduler")
        if args.workers is not None and args.workers < 1:
            raise _UsageError(f"--workers {args.workers} must be at least 1")
        return
    if args.status is not None:
        if args.spec is not None or args.out is not None:
            raise _UsageError("--status DIR takes no spec and no --out")
        return
    if args.spec is None:
        raise _UsageError("a spec file is required: abm sweep SPEC.toml --out DIR "
                          "(or abm sweep --status DIR)")
    if args.out is None:
        raise _UsageError("--out DIR is required (the folder for the results)")
    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers {args.workers} must be at least 1")
    if args.batch is not None and args.batch < 1:
        raise _UsageError(f"--batch {args.batch} must be at least 1")
    if args.serial and (args.workers is not None or args.scheduler):
        raise _UsageError("--serial runs without Dask; drop --workers/--scheduler")


def _run(args: argparse.Namespace) -> int:
    from abm.sweep.spec import SpecError, load_spec

    start = time.perf_counter()
    try:                    # an invalid spec is refused before the engine is imported
        sweep = load_spec(args.spec)
    except SpecError as exc:
        return _error(str(exc))
    from abm.sweep.cluster import ClusterError
    from abm.sweep.engine import SERIAL, RunsFailed, run_sweep
    from abm.sweep.progress import format_summary, summary
    from abm.sweep.store import StoreError, status

    client: Any = SERIAL if args.serial else args.scheduler
    try:
        with _sigterm_as_interrupt():
            df = run_sweep(sweep, args.out, client, workers=args.workers,
                           progress=False if args.no_progress else None, batch=args.batch)
    except (SpecError, StoreError, ClusterError) as exc:
        return _error(str(exc))
    except OSError as exc:  # e.g. an output folder that cannot be created or written
        return _error(f"{exc.strerror or exc}: {exc.filename or args.out}")
    except RunsFailed as exc:
        print(format_failures(exc.status), file=sys.stderr)
        return EXIT_FAILED_RUNS
    except KeyboardInterrupt:
        with contextlib.suppress(StoreError):
            st = status(args.out)
            print(f"abm: interrupted with {st.done} of {st.total} runs done; rerun the same "
                  "command to complete the missing runs", file=sys.stderr)
        return EXIT_INTERRUPTED
    runs = df["run_id"].nunique() if len(df) else 0
    print(f"sweep complete: {runs} runs in {args.out} ({time.perf_counter() - start:.1f} s); "
          f"load them with abm.sweep.load({str(args.out)!r})")
    table = format_summary(summary(df))
    if table:
        print("last period, mean and standard error over seeds:")
        print(table)
    return 0



@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (batch-system timeouts, `kill`) like Ctrl-C: clean shutdown."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _describe(run: dict[str, Any]) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in run["params"].items())
    return f"run {run['run_id']} ({shown + ', ' if shown else ''}seed={run['seed']})"


def format_failures(st: SweepStatus) -> str:
    """The multi-line summary printed when runs failed."""
    lines = [f"abm: {st.failed} of {st.total} runs failed ({st.done} done, "
             f"{st.pending} pending):"]
    for run in st.failures[:MAX_LISTED_FAILURES]:
        lines.append(f"  {_describe(run)}: {run['error']}")
    if st.failed > MAX_LISTED_FAILURES:
        lines.append(f"  ... and {st.failed - MAX_LISTED_FAILURES} more")
    lines.append(f"tracebacks are in {st.out / 'journal.jsonl'}; rerun the same command to "
                 "retry the failed runs")
    return "\n".join(lines)


def _arithmetic(counts: dict[str, int]) -> str:
    """Which arithmetic computed the done runs (`abm.fused.numpy_math.numerics`)."""
    if len(counts) == 1:
        (kind, n), = counts.items()
        return f"{kind} (all {n} done runs)"
    return (", ".join(f"{kind} {n} runs" for kind, n in sorted(counts.items()))
            + ": a seed's runs agree to rounding across arithmetics "
              "(docs/PERFORMANCE.md, 'Reproducibility across machines')")


def format_status(st: SweepStatus) -> str:
    """The report of `abm sweep --status DIR`: progress, provenance and file integrity."""
    prov = st.provenance
    lines = [f"folder        {st.out}",
             f"scenario      {st.scenario} (spec {st.source})",
             f"runs          {st.total} total: {st.done} done, {st.failed} failed, "
             f"{st.pending} pending",
             f"compute time  {st.wall_time:.1f} s over the done runs",
             f"model         {prov.get('package', 'abm')} {prov.get('version')}, code "
             f"{prov.get('code')}, commit {prov.get('commit') or 'unknown'}"]
    if st.code_changed:
        lines.append(f"              the model code has changed since ({st.code_changed}); "
                     "rerunning is refused")
    if st.arithmetic:
        lines.append("arithmetic    " + _arithmetic(st.arithmetic))
    kinds = ("damaged", "duplicate", "foreign", "missing")
    counts = {k: len(st.of(k)) for k in kinds}
    lines.append("files         " + ("all verified against their checksums" if st.intact else
                                     ", ".join(f"{n} {k}" for k, n in counts.items() if n)))
    if st.complete and st.intact:
        state = "complete"
    elif st.complete:
        state = "complete, but some files are not this sweep's (listed below)"
    else:
        state = "incomplete: rerun the sweep command to finish it"
        if not st.intact:
            state += " (damaged, duplicate and missing runs are recomputed)"
    lines.append(f"state         {state}")
    for kind in kinds:
        problems = st.of(kind)
        if problems:
            lines.append(f"{kind} files:")
            lines += [f"  {p.describe(st.out)}" for p in problems[:MAX_LISTED_FAILURES]]
            if len(problems) > MAX_LISTED_FAILURES:
                lines.append(f"  ... and {len(problems) - MAX_LISTED_FAILURES} more")
    if st.failures:
        lines.append("failed runs:")
        lines += [f"  {_describe(r)}: {r['error']}" for r in st.failures[:MAX_LISTED_FAILURES]]
        if st.failed > MAX_LISTED_FAILURES:
            lines.append(f"  ... and {st.failed - MAX_LISTED_FAILURES} more")
    return "\n".join(lines)
