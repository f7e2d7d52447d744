"""Calibration by the Method of Simulated Moments (`abm calibrate`, docs/CALIBRATION.md).

- `targets`: the empirical moments as data (`analysis/data/targets.toml`), validated on load;
- `space`: the free parameters, their bounds and how they map onto `abm.Params`;
- `moments`: simulated moments from paired AI / no-AI runs on common seeds;
- `estimate`, `evaluate`, `store`: the estimation (estimagic's `estimate_msm`), its
  evaluation on Dask, the resumable evaluation log and the saved estimate;
- `decompose`, `report`, `figures`: what pins the sign of ΔGini, and the files written.
"""
