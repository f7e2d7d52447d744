"""Calibration by the Method of Simulated Moments (`abm calibrate`, docs/CALIBRATION.md).

- `targets`: the empirical moments as data (`analysis/data/targets.toml`), validated on load;
- `space`: the free parameters, their bounds and how they map onto `abm.Params`;
- `moments`: simulated moments from paired AI / no-AI runs on common seeds;
- `estimate`, `evaluate`, `store`: the estimation (estimagic's `estimate_msm`), its
  evaluation on Dask, the resumable evaluation log and the saved estimate;
- `decompose`, `refit`: what pins the sign of ΔGini (sensitivity, ΔGini at the estimate,
  refits along the m6 value, the ΔGini regime and the proprietary share);
- `report`, `figures`, `pipeline`: the files written, and the whole run
  (`run_calibration`, the Python twin of `abm calibrate`).

Names are imported on first use, so `import analysis.calibration` stays light (the
command line refuses bad input before pandas, optimagic or the model load).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Target": "targets", "Targets": "targets", "TargetsError": "targets",
    "load_targets": "targets", "DEFAULT_TARGETS": "targets",
    "FREE": "space", "free": "space", "to_params": "space", "base_params": "space",
    "simulate_moments": "moments", "seed_moments": "moments",
    "Fit": "estimate", "calibrate": "estimate",
    "sensitivity": "decompose", "dgini_at": "decompose", "m6_scenarios": "decompose",
    "regime_constrained": "decompose", "share_profile": "decompose",
    "write_report": "report",
    "Settings": "pipeline", "run_calibration": "pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
