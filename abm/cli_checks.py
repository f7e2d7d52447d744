"""Checks shared by the command-line tools: one-line refusals before any work.

Every tool (`abm run`, `abm regimes`, `abm empirics`, `abm calibrate`, `abm sensitivity`,
`abm policies`, `abm akm`) refuses a bad argument with one line and exit status 2 before it
simulates anything. These are the pieces they share: the refusal itself (`refuse`), an
argument parser that raises instead of printing usage and exiting, the entry point's
shape (`run_tool`), and the check of an output folder, which probes by creating a file
because permission bits do not stop root.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
"""Exit status of every refused command line."""


def refuse(message: object) -> int:
    """Print the one-line refusal `abm: error: MESSAGE` on stderr; return `EXIT_BAD_INPUT`."""
    print(f"abm: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


class BadInput(ValueError):
    """A command-line argument is invalid."""


def run_tool(parser: Callable[[], argparse.ArgumentParser],
             check: Callable[[argparse.Namespace], Any],
             execute: Callable[[argparse.Namespace, Any], int],
             argv: Sequence[str] | None = None,
             refusable: Callable[[], tuple[type[BaseException], ...]] = tuple) -> int:
    """The entry point every analysis tool shares: help, parse, check, then run.

    `--help` prints the parser's help (no heavy import); `check(args)` validates every
    input before any work and returns what `execute(args, checked)` needs; a `BadInput`
    from parsing or checking is refused in one line with status 2. `refusable()` (called
    only once the checks passed, so it may import Dask) names errors that are bad input
    even when they surface while running, such as an unreachable scheduler.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        parser().print_help()
        return 0
    try:
        args = parser().parse_args(argv)
        checked = check(args)
    except BadInput as exc:
        return refuse(exc)
    try:
        return execute(args, checked)
    except refusable() as exc:
        return refuse(" ".join(str(exc).split()))


def cluster_errors() -> tuple[type[BaseException], ...]:
    """Errors that are bad input even while a tool runs: an unreachable Dask scheduler,
    a sweep specification the tool generated from bad arguments (imports `abm.sweep`)."""
    from abm.sweep import ClusterError, SpecError

    return ClusterError, SpecError


class RaisingParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors raise `BadInput` (one line, no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BadInput(message)


def writable(folder: Path) -> bool:
    """True when a file can be created in `folder` (a real probe: root ignores modes)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def check_out_folder(out: Path, error: type[ValueError] = BadInput) -> None:
    """Refuse an output folder that is empty, a file, under a file or not writable.

    Raises `error` with one line naming the folder and the problem.
    """
    if str(out) == "":
        raise error("--out must name a folder, got an empty string")
    if out.exists() and not out.is_dir():
        raise error(f"--out {out} is a file, not a folder")
    parent = out
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise error(f"--out {out}: {parent} is a file, not a folder")
    if not writable(parent):
        raise error(f"--out {out}: cannot write in {parent}")
