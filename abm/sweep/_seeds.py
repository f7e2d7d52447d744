"""Replicate seeds: child k of `numpy.random.SeedSequence(root_seed)`, for all k at once.

A sweep's replicate k gets the first 64-bit word of
`SeedSequence(root_seed, spawn_key=(k,)).generate_state(1, numpy.uint64)`, shifted to 63
bits so it fits a signed int64 column. Building one SeedSequence per replicate costs
about 30 µs, half a minute for a million replicates, so this module evaluates numpy's
SeedSequence hash (O'Neill's seed_seq design, numpy/random/bit_generator.pyx) on a vector
of spawn keys instead: the root's entropy is mixed once, and only the last mixing rounds,
which take the spawn key, run per replicate. `tests/sweep/test_sweep_spec.py` checks it
against SeedSequence itself for several roots, including roots wider than 128 bits.
"""

from __future__ import annotations

import numpy as np

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_M32 = 0xFFFFFFFF
_U = np.uint64


class _Hash:
    """hashmix with its evolving multiplier; values are ints or uint64 arrays < 2**32."""

    def __init__(self, init: int, mult: int) -> None:
        self.const, self.mult = init, mult

    def __call__(self, value: object) -> object:
        value = value ^ _c(self.const, value)
        self.const = (self.const * self.mult) & _M32
        value = (value * _c(self.const, value)) & _c(_M32, value)
        return value ^ (value >> _c(16, value))


def _c(const: int, like: object) -> object:
    """`const` in the type of `like` (python int or uint64), so arithmetic wraps alike."""
    return const if isinstance(like, int) else _U(const)


def _mix(x: object, y: object) -> object:
    if isinstance(x, int) and isinstance(y, int):
        r = (_MIX_L * x - _MIX_R * y) & _M32
    else:
        x, y = np.asarray(x, dtype=_U), np.asarray(y, dtype=_U)
        r = (_U(_MIX_L) * x - _U(_MIX_R) * y) & _U(_M32)
    return r ^ (r >> _c(16, r))


def _words(n: int) -> list[int]:
    """A non-negative int as 32-bit words, least significant first (at least one)."""
    out = [n & _M32]
    while n > _M32:
        n >>= 32
        out.append(n & _M32)
    return out


def replicate_seeds(count: int, root_seed: int) -> tuple[int, ...]:
    """Root seeds of replicates 0..count-1: child k of `SeedSequence(root_seed)`.

    Equal to `SeedSequence(root_seed, spawn_key=(k,)).generate_state(1, np.uint64)[0] >> 1`
    for every k, so a seed depends only on (root_seed, k).
    """
    if not 0 <= count < 2**32:
        raise ValueError(f"count={count} must be in [0, 2**32)")
    if count == 0:
        return ()
    run = _words(root_seed)
    run += [0] * (_POOL - len(run))  # numpy pads the run entropy when a spawn key follows
    entropy: list[object] = [*run, np.arange(count, dtype=_U)]
    hashmix = _Hash(_INIT_A, _MULT_A)
    mixer = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                mixer[dst] = _mix(mixer[dst], hashmix(mixer[src]))
    for src in range(_POOL, len(entropy)):
        for dst in range(_POOL):
            mixer[dst] = _mix(mixer[dst], hashmix(entropy[src]))
    out = _Hash(_INIT_B, _MULT_B)
    low, high = (np.broadcast_to(np.asarray(out(mixer[i]), dtype=_U), (count,)) for i in (0, 1))
    seeds = (low | (high << _U(32))) >> _U(1)
    return tuple(int(s) for s in seeds)
