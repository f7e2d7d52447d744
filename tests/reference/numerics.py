"""Real powers and numpy ufuncs evaluated one value at a time as `abm` evaluates arrays.

Convention 3 of the reference (see `tests/reference/model.py`): `abm` raises whole arrays
to real powers and applies numpy's elementary functions to arrays, and C's `pow` and libm
can differ from numpy's array loops in the last bit. So every real power in the reference
goes through `power`, and the elementary functions of the CES forms through `_ufunc`, both
numpy's array loops on a one-element array: the bit-for-bit comparison then tests the
model's rules, not libm. This is its own module because every rule module uses it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def power(x: float, y: float) -> float:
    """x**y computed by numpy's array power (see the module docstring, convention 3)."""
    return float((np.array([x], dtype=float) ** y)[0])



def _ufunc(f: Any, x: float) -> float:
    """A numpy ufunc on one value, through its array loop (see convention 3)."""
    return float(f(np.array([x], dtype=float))[0])
