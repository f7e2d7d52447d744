"""Phase 1: AI capability advances along the scenario's path.

A_t = A_max·(1 − exp(−g·t)) for t ≥ 1 and A_0 = 0 (period 0 is pre-AI). The deployment
cadence g (`ai_growth`) is the policy lever "slower deployment". A task enters the
augmentable set S(A_t) once A_t exceeds its capability threshold, so S widens as A grows.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from abm.engine import Engine


def capability(period: int, ai_max: float, ai_growth: float, enabled: bool = True) -> float:
    """AI capability A_t in `period` (0 before AI and in period 0)."""
    if not enabled or period <= 0:
        return 0.0
    return ai_max * (1.0 - math.exp(-ai_growth * period))


def augmentable(capability_now: float, threshold: np.ndarray, ai_weight: np.ndarray) -> np.ndarray:
    """Membership of S(A_t): AI-exposed tasks whose threshold A_t has passed."""
    return (ai_weight > 0) & (capability_now > threshold)


def run(model: Engine) -> None:
    """Set A_t and S(A_t) for the current period."""
    p, eco = model.params, model.economy
    eco.ai_capability = capability(eco.period, p.ai_max, p.ai_growth, p.ai_enabled)
    eco.tasks.augmentable = augmentable(eco.ai_capability, eco.tasks.threshold,
                                        eco.tasks.ai_weight)
