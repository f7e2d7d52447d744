"""The analytic regimes beside the simulation.

- `predict(params)`: mean-field income Gini before and after AI, `dgini`, its split into
  compression, concentration and redistribution terms, and the regime label;
  `predict(params, **WITH_CHOICE)` adds occupational choice from the burn-in's
  allocation at the matching bound the search friction is near;
- `boundary(params, along=...)`: the value of xi, asset_gini, the proprietary share
  eta1/(eta0+eta1) or psi at which the predicted dgini is zero, by root-finding;
- `analysis.regimes.simulated` and `maps`: simulated dgini over seeds (through the sweep
  runner), regime maps and the sign-agreement rule; `report` and `figures`: the report
  and phase diagrams behind `abm regimes` (`analysis.regimes_cli`).

docs/REGIMES.md derives every formula and lists what the mean field abstracts from.
"""

from analysis.regimes.boundary import Boundary, boundary
from analysis.regimes.meanfield import Resolution
from analysis.regimes.prediction import (CONCENTRATING, EQUALIZING, WITH_CHOICE, Prediction,
                                         predict)
from analysis.regimes_inputs import AXES, UnsupportedEconomy

__all__ = ["AXES", "CONCENTRATING", "EQUALIZING", "WITH_CHOICE", "Boundary", "Prediction",
           "Resolution", "UnsupportedEconomy", "boundary", "predict"]
