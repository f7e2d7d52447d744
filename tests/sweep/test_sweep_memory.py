"""Memory hygiene: a long sweep does not grow its process run after run."""

from __future__ import annotations

import gc

import mesa
import psutil

from abm import Params
from abm.model import LaborMarketModel
from abm.simulate import release
from abm.sweep import run_sweep
from abm.sweep.store import Store

RUNS = 200
WARM_UP = 20
MAX_GROWTH_MB = 5.0


def test_memory_is_flat_over_200_runs(tmp_path, monkeypatch):
    """200 runs through the whole path (model, cross-sections, store writes) in one process."""
    rss: dict[int, float] = {}
    real = Store.record

    def record(self, result):
        real(self, result)
        done = len(self.done)
        if done in (WARM_UP, RUNS):
            gc.collect()
            rss[done] = psutil.Process().memory_info().rss / 2**20
    monkeypatch.setattr(Store, "record", record)
    registry_before = len(mesa.Agent._ids)
    spec = {"scenario": "baseline", "periods": 1, "seeds": RUNS,
            "fixed": {"n_workers": 500, "n_tasks": 5, "n_firms": 10, "burn_in": 0},
            "keep": {"workers_at": [1]}}
    df = run_sweep(spec, tmp_path / "out", "serial", progress=False)
    assert df["run_id"].nunique() == RUNS
    assert len(mesa.Agent._ids) == registry_before
    growth = rss[RUNS] - rss[WARM_UP]
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

