"""The one numba configuration every kernel uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba

F = TypeVar("F", bound=Callable[..., object])

# error_model="numpy": division by zero gives inf/nan as in numpy instead of raising;
# no fastmath, so floating-point operations keep their order (see abm.fused).
_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}


def kernel(fn: F) -> F:
    """Compile `fn` with numba in nopython mode (cached on disk)."""
    return numba.njit(**_OPTIONS)(fn)  # type: ignore[no-any-return]
