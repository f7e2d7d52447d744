"""Memory hygiene: a long sweep does not grow its process run after run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mesa

from abm import Params
from abm.model import LaborMarketModel
from abm.simulate import release

ROOT = Path(__file__).resolve().parents[2]
RUNS = 200
WARM_UP = 20
MAX_GROWTH_MB = 5.0

# The sweep runs in a fresh interpreter: inside the test session the process already
# holds hundreds of MB from earlier tests, and the allocator's handling of that heap
# moved the resident size by up to 6 MB over 180 runs with nothing retained (the same
# runs grow 0.3-1 MB in a fresh process). Keeping one model per run alive (a leak of
# about 70 kB of arrays for 500 workers, plus its objects) grew it by 17 MB (checked).
_SWEEP = """
import gc, json, sys
import mesa, psutil
from abm.sweep import run_sweep
from abm.sweep.store import Store

RUNS, WARM_UP = {runs}, {warm_up}
rss = {{}}
real = Store.record

def record(self, result):
    real(self, result)
    done = len(self.done)
    if done in (WARM_UP, RUNS):
        gc.collect()
        rss[done] = psutil.Process().memory_info().rss / 2**20

Store.record = record
registry_before = len(mesa.Agent._ids)
spec = {{"scenario": "baseline", "periods": 1, "seeds": RUNS,
         "fixed": {{"n_workers": 500, "n_tasks": 5, "n_firms": 10, "burn_in": 0}},
         "keep": {{"workers_at": [1]}}}}
df = run_sweep(spec, sys.argv[1], "serial", progress=False, batch=10)  # stored at 20 and 200
print(json.dumps({{"runs": int(df["run_id"].nunique()), "growth": rss[RUNS] - rss[WARM_UP],
                  "registry_growth": len(mesa.Agent._ids) - registry_before}}))
"""


def test_memory_is_flat_over_200_runs(tmp_path):
    """200 runs through the whole path (model, cross-sections, store writes) in one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _SWEEP.format(runs=RUNS, warm_up=WARM_UP),
                          str(tmp_path / "out")], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["runs"] == RUNS
    assert result["registry_growth"] == 0
    growth = result["growth"]
    assert growth < MAX_GROWTH_MB, f"resident memory grew {growth:.1f} MiB over {RUNS} runs"


def test_the_registry_check_detects_mesas_leak():
    """Models with Mesa agents stay referenced by `Agent._ids` until released."""
    before = len(mesa.Agent._ids)
    params = Params(n_workers=500, n_tasks=5, n_firms=10, n_periods=1, burn_in=0)
    models = [LaborMarketModel(params, seed=s, agents=True) for s in range(3)]
    try:
        assert len(mesa.Agent._ids) == before + 3
    finally:
        for model in models:
            release(model)
    assert len(mesa.Agent._ids) == before

