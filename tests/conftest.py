"""Shared fixtures: small economies that run in a fraction of a second."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from abm import Params

SMALL = dict(n_workers=1500, n_firms=30, n_tasks=10, n_periods=8, burn_in=5)


@pytest.fixture
def small() -> Callable[..., Params]:
    """Factory for a small economy (1,500 workers) with optional changes."""

    def make(**changes: object) -> Params:
        return Params(**{**SMALL, **changes})

    return make
