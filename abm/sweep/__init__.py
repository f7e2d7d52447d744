"""Parameter sweeps and batch runs of the model on Dask.

A sweep is declared in a TOML file (or an equivalent dict): a scenario, a parameter
grid or explicit points, replicate seeds, periods and optional cross-sections. It runs
on a local Dask cluster by default (or a standing one, `abm sweep --start-cluster`) or on
any existing Dask cluster, sends and stores runs in batches (one Parquet file per table
and batch under an output folder), resumes after interruptions and loads back as one
tidy DataFrame. See docs/SWEEPS.md.

    from abm.sweep import run_sweep, load
    df = run_sweep("scenarios/two_regimes_sweep.toml", "results/two_regimes_sweep")
    df = load("results/two_regimes_sweep")   # the same table, without running anything

Names are imported on first use, so that Dask workers, which only need
`abm.sweep.execute`, do not pay for the store, Dask client and progress-bar imports.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ClusterError": "abm.sweep.cluster",
    "RunsFailed": "abm.sweep.engine",
    "run_sweep": "abm.sweep.engine",
    "SpecError": "abm.sweep.spec",
    "SweepSpec": "abm.sweep.spec",
    "load_spec": "abm.sweep.spec",
    "StoreError": "abm.sweep.folder",
    "SweepStatus": "abm.sweep.results",
    "load": "abm.sweep.results",
    "status": "abm.sweep.results",
    "summary": "abm.sweep.progress",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'abm.sweep' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
