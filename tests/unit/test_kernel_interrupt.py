"""Ctrl-C during a compiled kernel arrives as KeyboardInterrupt, not as SystemError.

numba reports a signal that arrives while compiled code runs as a SystemError when
the result (here a tuple of arrays) is boxed; `abm.fused.jit.kernel` unwraps it. The
test interrupts a kernel that runs for about a second with a real SIGINT.
"""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest

from abm.fused.jit import kernel


@kernel
def _busy(n: int) -> tuple[np.ndarray, np.ndarray, float]:
    total = 0.0
    for i in range(n):
        total += (i % 7) * 0.5
    return np.zeros(3), np.zeros(4, dtype=np.int64), total


def _interrupt_soon() -> None:
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()


def test_ctrl_c_inside_a_kernel_raises_keyboard_interrupt() -> None:
    assert _busy(10)[2] == pytest.approx(sum((i % 7) * 0.5 for i in range(10)))
    _interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        _busy(2_000_000_000)


def test_other_system_errors_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    import abm.fused.jit as jit

    def failing(**_: object):
        def wrap(_fn):
            def dispatcher(*_args):
                raise SystemError("something else")
            return dispatcher
        return wrap

    monkeypatch.setattr(jit.numba, "njit", failing)
    with pytest.raises(SystemError, match="something else"):
        jit.kernel(lambda: None)()
