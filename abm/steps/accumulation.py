"""Phase 6: asset accumulation. Firms reinvest owners' income in complementary assets.

K_j' = (1 − δ)·K_j + s_K·owner_income_j. Because firm size, markup and proprietary AI
access depend on k_j = K_j / mean(K), a firm whose rents grow faster than average gains
share: cumulative advantage. Before AI, rents are proportional to k_j (see
`production.asset_productivity`), so the asset distribution is stationary up to the
integer rounding of jobs to firms. With the concentrating channel off, K is frozen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from abm.model import LaborMarketModel

MIN_ASSETS = 1e-12  # keeps k_j > 0 so that k^ψ and k^(1−ν) stay finite


def accumulate(assets: np.ndarray, owner_income: np.ndarray, reinvest_rate: float,
               depreciation: float) -> np.ndarray:
    """Next period's assets."""
    return np.maximum((1.0 - depreciation) * assets + reinvest_rate * owner_income, MIN_ASSETS)


def run(model: LaborMarketModel) -> None:
    """Reinvest (unless the concentrating channel is switched off)."""
    p, f = model.params, model.economy.firms
    if p.concentration:
        f.assets = accumulate(f.assets, f.owner_income, p.reinvest_rate, p.depreciation)
