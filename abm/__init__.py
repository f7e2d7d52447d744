"""Agent-based model of generative AI, skill homogenization, asset concentration and
two regimes of inequality (see docs/MODEL.md).

Public interface: `Params`, `simulate`, `branch`, `Engine`, `LaborMarketModel`.

`Engine` is the economy with its period and statistics; `LaborMarketModel` is the same
engine as a Mesa model (agents, Mesa's data collector, the browser). `simulate` and
`branch` run engines unless agents are asked for, so scripts and sweep workers that
only want results never import Mesa.

They are imported on first use (PEP 562), so `import abm`, the `abm` command's help,
its scenario list and its argument errors do not pay for numba and pandas (nor Mesa);
`from abm import simulate` imports them as before. Mesa is imported through
`abm._mesa`, which keeps the user's multiprocessing start method.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from abm.params import ParameterError, Params

if TYPE_CHECKING:
    from abm.branch import branch
    from abm.engine import Engine
    from abm.model import LaborMarketModel
    from abm.simulate import simulate

_LAZY = {"Engine": "abm.engine", "LaborMarketModel": "abm.model", "simulate": "abm.simulate",
         "branch": "abm.branch"}

__all__ = ["Engine", "LaborMarketModel", "ParameterError", "Params", "branch", "simulate"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value          # later look-ups skip this function
        return value
    raise AttributeError(f"module 'abm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The `abm` package, whose `simulate` and `branch` stay the functions.

    Importing the submodule `abm.simulate` (e.g. `from abm.simulate import release`)
    makes Python bind the package attribute `simulate` to that module. When the package
    imported the function eagerly this binding was overwritten at once; imported lazily,
    the module would stay, and `from abm import simulate` would return a module.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
