"""Benchmark: start-up of the `abm` command against a bare interpreter start.

    python benchmarks/bench_cli.py [--repeats 15]

Each command runs in a fresh interpreter, as the console script does (`from abm.cli
import main; sys.exit(main())`, the code setup.cfg's entry point generates), with this
checkout first on PYTHONPATH. The commands alternate within every round, in an order
that rotates from round to round, so that drift in the machine's load reaches them all
alike; the figures are medians over the rounds of the wall time and of the CPU time
(user + system, from the child's rusage). Differences and ratios are against
`python -c pass` measured in the same rounds. The reference rows show what the heavy
stack costs: `from abm import simulate` imports Mesa, numba and pandas as `import abm`
did before it imported them lazily.

Goal (docs/PERFORMANCE.md): `abm --help` at most 0.3 s above a bare interpreter start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 0.3
CONSOLE = "import sys; from abm.cli import main; sys.exit(main())"

# label -> argv after the interpreter
COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "abm --help": ["-c", CONSOLE, "--help"],
    "abm scenarios": ["-c", CONSOLE, "scenarios"],
    "abm run nope (refused)": ["-c", CONSOLE, "run", "nope"],
    "abm run baseline --set xi=2 (refused)": ["-c", CONSOLE, "run", "baseline",
                                               "--set", "xi=2"],
    "abm sweep --help": ["-c", CONSOLE, "sweep", "--help"],
    "import abm": ["-c", "import abm"],
    "reference: from abm import simulate": ["-c", "from abm import simulate"],
}
BARE = "python -c pass"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child interpreter."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"{argv} exited with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(repeats: int) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds per command over `repeats` rotating rounds."""
    env = _env()
    labels = list(COMMANDS)
    for label in labels:                  # warm the bytecode and file caches
        run_once(COMMANDS[label], env)
    wall: dict[str, list[float]] = {k: [] for k in labels}
    cpu: dict[str, list[float]] = {k: [] for k in labels}
    for r in range(repeats):
        shift = r % len(labels)
        for label in labels[shift:] + labels[:shift]:
            w, c = run_once(COMMANDS[label], env)
            wall[label].append(w)
            cpu[label].append(c)
    return {k: {"wall": statistics.median(wall[k]), "cpu": statistics.median(cpu[k])}
            for k in labels}


def table(res: dict[str, dict[str, float]]) -> str:
    bare = res[BARE]
    lines = [f"{'command':<40} {'wall s':>7} {'- bare':>7} {'x bare':>7} "
             f"{'CPU s':>7} {'- bare':>7} {'x bare':>7}"]
    for label, r in res.items():
        lines.append(f"{label:<40} {r['wall']:7.3f} {r['wall'] - bare['wall']:+7.3f} "
                     f"{r['wall'] / bare['wall']:7.2f} {r['cpu']:7.3f} "
                     f"{r['cpu'] - bare['cpu']:+7.3f} {r['cpu'] / bare['cpu']:7.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="rounds (15)")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    res = measure(args.repeats)
    print(f"{args.repeats} rounds, medians; load average before {load[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    print(table(res))
    extra = res["abm --help"]["wall"] - res[BARE]["wall"]
    verdict = "met" if extra <= GOAL_SECONDS else "NOT met"
    print(f"goal: abm --help at most {GOAL_SECONDS} s above a bare start: {extra:+.3f} s "
          f"({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
