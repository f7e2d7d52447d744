"""What both parts of the sweep benchmark share: the sweep spec, its tasks, the child runner.

`benchmarks/bench_sweep.py` measures small runs (`sweep_small`) and long runs
(`sweep_long`); both build the same baseline sweep and run every measurement in a
fresh child process of `bench_sweep.py` (`spawn`), so these helpers live here once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PINNED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
          "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parents[1]
# every measurement runs in a fresh child of the command-line script
SCRIPT = str(Path(__file__).with_name("bench_sweep.py"))


def spec_for(runs: int, periods: int, n_workers: int = 5000) -> dict[str, Any]:
    """The benchmark sweep: `runs` replicates of the baseline economy."""
    return {"scenario": "baseline", "periods": periods, "seeds": runs, "root_seed": 2026,
            "fixed": {"n_workers": n_workers}}


def _tasks(spec: dict[str, Any]) -> list[Any]:
    from abm.sweep.engine import task_for
    from abm.sweep.spec import load_spec

    sweep = load_spec(spec)
    return [task_for(sweep, run) for run in sweep.runs()]


def spawn(mode: str, args: argparse.Namespace, periods: int | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh child process and return its JSON result."""
    cmd = [sys.executable, SCRIPT, "--child", mode, "--runs", str(args.runs),
           "--periods", str(periods or args.periods), "--workers", str(args.workers),
           "--seconds", str(args.seconds), "--memory-runs", str(args.memory_runs),
           "--small-runs", str(args.small_runs), "--small-mode", args.small_mode]
    env = {**os.environ, **PINNED, "PYTHONPATH": f"{ROOT}{os.pathsep}"
           f"{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"child {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
