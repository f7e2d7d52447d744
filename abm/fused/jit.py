"""The one numba configuration every kernel uses.

Cached kernels are fresh only while every module of their package is unchanged. numba
checks a cached function against its own file alone, so a kernel that calls a kernel
of another module (`layoffs` calls `hiring.staffing`, for one) would keep running the
callee's old machine code after the callee is edited, and silently give old results.
`kernel` and `inner` add a digest of the package's sources to each cache's stamp.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])

# error_model="numpy": division by zero gives inf/nan as in numpy instead of raising;
# no fastmath, so floating-point operations keep their order (see abm.fused).
_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}


def kernel(fn: F) -> F:
    """Compile `fn` with numba in nopython mode (cached on disk).

    A Ctrl-C that arrives while compiled code runs is noticed by Python when the
    result is handed back, and numba then reports it as a SystemError ("returned a
    result with an exception set") caused, through another SystemError, by the
    KeyboardInterrupt. The wrapper raises the KeyboardInterrupt itself, so that an
    interrupted simulation or sweep stops as interrupted rather than as failed. The
    compiled function is `.dispatcher` (for use inside other kernels).
    """
    dispatcher = _stamped(numba.njit(**_OPTIONS)(fn))

    @functools.wraps(fn)
    def call(*args: Any) -> Any:
        try:
            return dispatcher(*args)
        except SystemError as exc:
            interrupt = _interrupt_behind(exc)
            if interrupt is not None:
                raise interrupt from None
            raise

    call.dispatcher = dispatcher  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def inner(fn: F) -> F:
    """Compile `fn` with the same options, for calls from other kernels only.

    numba cannot call `kernel`'s Python wrapper from compiled code; a helper shared by
    several loops of one kernel is compiled bare instead.
    """
    return _stamped(numba.njit(**_OPTIONS)(fn))  # type: ignore[no-any-return]


def _stamped(dispatcher: Any) -> Any:
    """`dispatcher` whose disk cache counts as fresh only with today's package sources.

    numba keeps a stamp of the function's own source file in the cache index and
    discards the index when the stamp differs; the stamp becomes (that, digest of the
    package), so an edit of any module of the package recompiles every kernel of it.
    """
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is not None and hasattr(cache_file, "_source_stamp"):
        folder = Path(inspect.getsourcefile(dispatcher.py_func) or "").resolve().parent
        cache_file._source_stamp = (cache_file._source_stamp, sources_digest(folder))
    return dispatcher


@functools.cache
def sources_digest(folder: Path) -> str:
    """sha256 of the names and contents of the Python modules in `folder`."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt in `exc`'s chain of causes, if any (numba nests them)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
