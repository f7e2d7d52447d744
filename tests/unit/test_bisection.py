"""The hiring standard's bisection stops early only where the remaining halvings change nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.fused import screening as fcut
from tests.reference.model import hiring_standard


def _all_halvings(count: np.ndarray, mean: np.ndarray, sd: np.ndarray, lowest: int,
                  vacancies: float) -> float:
    """The rule as stated: the per-agent reference's standard, its bracket halved
    BISECTIONS times (levels from `lowest` up evaluated)."""
    return hiring_standard(count.tolist(), mean.tolist(), sd.tolist(), [lowest], vacancies)


@pytest.mark.parametrize("seed", range(6))
def test_early_stop_equals_every_halving_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(200):
        levels = int(rng.integers(1, 6))
        count = rng.integers(0, 40, levels)
        # scales from tiny to large brackets, zero spreads (point masses) included
        mean = rng.normal(0.0, 10.0 ** rng.uniform(-3, 3), levels)
        sd = np.where(rng.random(levels) < 0.2, 0.0, 10.0 ** rng.uniform(-4, 2, levels))
        vacancies = float(rng.integers(0, max(int(count.sum()), 1) + 1))
        lowest = int(rng.integers(0, levels))
        got = fcut.hiring_standard(count, mean, sd, lowest, vacancies)
        want = _all_halvings(count, mean, sd, lowest, vacancies)
        assert got == want or (math.isnan(got) and math.isnan(want)), (got, want)


def test_point_masses_make_the_bracket_settle_on_one_value() -> None:
    """Both ends of the stop: the bracket collapses onto a point mass at 1.0."""
    count, mean, sd = np.array([5, 5]), np.array([1.0, 2.0]), np.zeros(2)
    y = fcut.hiring_standard(count, mean, sd, 0, 7.0)
    assert y == _all_halvings(count, mean, sd, 0, 7.0)
    assert 1.0 - 1e-12 < y < 1.0 + 1e-12          # 7 of 10 to hire: the standard sits at 1.0
