"""Feedback on long work: a notice before first-time compilation, and progress lines.

Two things make a command slow enough that silence reads as a hang: the first run after
installing (or updating) the package compiles the model's numba kernels (20-40 s on a
loaded 2-core machine), and large or many simulations. Both report on stderr, so that
stdout keeps only results (tables, file names) and can be piped.

`Progress` adapts to where stderr goes: on a terminal it rewrites one line in place
(at most a few times a second); into a file, a pipe or a notebook log it writes whole
lines at a modest rate (one every `interval` seconds, plus the last), so that logs of
long jobs show that work goes on without filling up.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from typing import IO, Any

# kernels without a disk cache before a notice is worth printing: after an edit of one
# module only its few kernels recompile (a second or two); a fresh install compiles all
NOTICE_THRESHOLD = 3
_checked = False


def _kernels() -> list[Any]:
    """The numba dispatchers of the compiled loops in `abm.fused` that a run calls.

    Left out are kernels that a run at the defaults never calls (named in a module's
    `OPTIONAL_KERNELS`: those of options off by default, and those only the tests' pure
    helpers use), and kernels that other kernels call (bound at module level as
    ``_name = name.dispatcher``): numba compiles a callee into its caller and caches it
    there, so a callee's own cache may stay missing (after an edit of its module, say)
    while the callers load theirs; the callers are counted. Either way a missing cache
    must not announce, at every start, a compilation that will not happen.
    """
    from abm import fused

    modules = [importlib.import_module(f"abm.fused.{info.name}")
               for info in pkgutil.iter_modules(fused.__path__)]
    callees = {id(value) for module in modules for value in vars(module).values()
               if hasattr(value, "_cache") and hasattr(value, "py_func")}
    found: dict[int, Any] = {}
    for module in modules:
        optional = set(getattr(module, "OPTIONAL_KERNELS", ()))
        for name, value in vars(module).items():
            dispatcher = getattr(value, "dispatcher", None)
            if name in optional or dispatcher is None or id(dispatcher) in callees:
                continue
            if hasattr(dispatcher, "_cache"):
                found[id(dispatcher)] = dispatcher
    return list(found.values())


def uncompiled_kernels() -> list[str]:
    """Names of kernels neither compiled in this process nor cached on disk.

    Reads numba's cache index of each kernel (which is also how numba decides whether
    it must compile); any failure to read it counts as "not cached".
    """
    missing = []
    for dispatcher in _kernels():
        if dispatcher.signatures:
            continue
        try:
            cached = bool(dispatcher._cache._cache_file._load_index())
        except Exception:  # numba internals moved: assume it must compile
            cached = False
        if not cached:
            missing.append(dispatcher.py_func.__qualname__)
    return missing


def compilation_notice(stream: IO[str] | None = None) -> bool:
    """Print one line before the model's kernels are compiled; True if it printed.

    Checks once per process (the check reads about 35 small files); later calls return
    False at once.
    """
    global _checked
    if _checked:
        return False
    _checked = True
    missing = uncompiled_kernels()
    if len(missing) < NOTICE_THRESHOLD:
        return False
    print(f"abm: compiling {len(missing)} numba kernels of the model (first run after "
          "installing or updating; up to a minute, cached for later runs) ...",
          file=stream or sys.stderr, flush=True)
    return True


class Progress:
    """Progress of `total` units of work, reported on stderr.

    Args:
        total: units of work (e.g. simulated periods of all runs).
        label: what is being done, e.g. "two_regimes: 30 simulations".
        stream: where to write (default stderr).
        interval: seconds between lines when `stream` is not a terminal.
    """

    def __init__(self, total: int, label: str, stream: IO[str] | None = None,
                 interval: float = 10.0) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.25 if self.tty else interval
        self.done = 0
        self.start = time.monotonic()
        self._last = self.start     # first line after one interval: short work stays quiet
        self._closed = False

    def _line(self, note: str) -> str:
        elapsed = time.monotonic() - self.start
        pct = 100.0 * self.done / self.total
        eta = (f", about {elapsed * (self.total - self.done) / self.done:.0f} s left"
               if 0 < self.done < self.total and elapsed > 1 else "")
        return (f"{self.label}: {self.done}/{self.total} ({pct:.0f}%), {elapsed:.0f} s"
                f"{eta}{f'; {note}' if note else ''}")

    def advance(self, n: int = 1, note: str = "") -> None:
        """Count `n` more units done; write a line if it is time to."""
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if now - self._last >= self.interval and self.done < self.total:
            self._last = now
            self._write(self._line(note))

    def _write(self, text: str, final: bool = False) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self, note: str = "") -> None:
        """Write the final line (once)."""
        if not self._closed:
            self._closed = True
            self._write(self._line(note), final=True)
