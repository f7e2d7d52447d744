"""Agent-based model of generative AI, skill homogenization, asset concentration and
two regimes of inequality (see docs/MODEL.md).

Public interface: `Params`, `simulate`, `LaborMarketModel`.
"""

import multiprocessing as _mp
import sys as _sys


def _import_mesa_keeping_start_method() -> None:
    """Import Mesa without letting it change the process's multiprocessing start method.

    Mesa 3.3.1's `mesa.batchrunner` (imported by `import mesa`) calls
    ``multiprocessing.set_start_method("spawn", force=True)`` for the whole process.
    A user script that relied on the platform default (fork on Linux) and has no
    ``if __name__ == "__main__":`` guard then re-imports itself in every child and
    hangs. The start method the user had (or the platform default) is put back.
    """
    if "mesa" in _sys.modules:          # imported before us: whatever it did is done
        return
    before = _mp.get_start_method(allow_none=True)
    import mesa  # noqa: F401

    if _mp.get_start_method(allow_none=True) != before:
        _mp.set_start_method(before, force=True)


_import_mesa_keeping_start_method()

from abm.model import LaborMarketModel  # noqa: E402
from abm.params import ParameterError, Params  # noqa: E402
from abm.simulate import simulate  # noqa: E402

__all__ = ["LaborMarketModel", "ParameterError", "Params", "simulate"]
__version__ = "0.1.0"
