"""Occupation-level evidence: the real OEWS regressions, the same regressions on simulated
occupations, and hypotheses H1-H4 tested on simulated data (`abm empirics`, docs/EMPIRICS.md).

- `data`: validated loaders for `analysis/data/` (OEWS 2019-2023, exposure measures);
- `regress`: the occupation-level regressions (statsmodels, HC3), shared by both halves;
- `oews`: the real-data panel per window, the regression table and join coverage;
- `model_io`: the only module that talks to the model (`abm.Engine`);
- `occupations`: simulated occupations as bundles of the model's tasks, and the truth;
- `hypotheses`: H1-H4 with their condition sweeps (paired AI / no-AI runs);
- `figures`, `report`: figures and the files written by `abm empirics`.
"""
