"""Agent-based model of generative AI, skill homogenization, asset concentration and
two regimes of inequality (see docs/MODEL.md).

Public interface: `Params`, `simulate`, `LaborMarketModel`.
"""

from abm.model import LaborMarketModel
from abm.params import ParameterError, Params
from abm.simulate import simulate

__all__ = ["LaborMarketModel", "ParameterError", "Params", "simulate"]
__version__ = "0.1.0"
