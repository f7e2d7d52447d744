"""Phase 6: asset accumulation. Firms reinvest owners' income in complementary assets.

Each firm accumulates a stock S_j' = (1 − δ)·S_j + s_K·owner_income_j, and the stock
yields effective assets with decreasing returns β (`asset_returns`):

    K_j = K̂_j·(S_j / S*_j)^β.

The anchor (K̂_j, S*_j) is set at the end of period a = −`asset_burn_in` (by default
a = 0, the pre-AI period 0): K̂_j is the firm's assets then and S*_j = s_K·Ī_j/δ the
stock that its owners' income Ī_j would keep constant, Ī_j being the mean over the
second half of the burn-in before the anchor and the anchor period itself (so that one
year's productivity luck does not set it). With transitory productivity shocks this is
the steady state (the firm-specific factor K̂_j·S*_j^(−β), the firm's capacity to use
assets, is what makes its pre-AI size stationary), and with β < 1 a firm whose income
rises (say, from proprietary AI) grows towards a new, finite steady state:
d ln K/d ln S = β < 1 bounds cumulative advantage whenever income grows less than
proportionally to K^(1/β). β = 1 is constant returns, under which proprietary AI's
cumulative advantage has no steady state.

With persistent shocks (ρ_a > 0) the anchor is not stationary: at the anchor every
S_j/S*_j is 1, and as firms' productivity wanders from its mean over the window the
ratios spread out for about 1/δ + 1/(1 − ρ_a) years, so assets concentrate with no
cause but the passage of time. `asset_burn_in` > 0 lets assets accumulate in the
burn-in's last years, so that period 0 starts from the spread-out state
(docs/MODEL.md §3.7).

Assets do not move up to the anchor. A firm without owners' income at the anchor
(S*_j = 0: for example at ξ = 1, with s_K = 0, or a firm at the fringe) keeps K̂_j: it
has nothing to reinvest that its steady state could be defined by. With the
concentrating channel off, K is frozen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from abm.engine import Engine

MIN_RATIO = 1e-12  # keeps K_j > 0 when a stock depreciates to nothing (δ = 1, no income)


def anchor_start(burn_in: int, settling: int = 0) -> int:
    """First period whose owners' income enters the anchor: the second half of the
    burn-in's years before the anchor period −`settling`."""
    return -settling - (burn_in - settling) // 2


def anchor(assets: np.ndarray, mean_income: np.ndarray, reinvest_rate: float,
           depreciation: float) -> tuple[np.ndarray, np.ndarray]:
    """(K̂, S*): today's assets and the stock s_K·Ī/δ that would keep them constant."""
    return assets.copy(), reinvest_rate * mean_income / depreciation


def accumulate(stock: np.ndarray, owner_income: np.ndarray, reinvest_rate: float,
               depreciation: float) -> np.ndarray:
    """Next period's stock S' = (1 − δ)·S + s_K·owner income."""
    return (1.0 - depreciation) * stock + reinvest_rate * owner_income


def effective_assets(base: np.ndarray, stock: np.ndarray, reference: np.ndarray,
                     returns: float) -> np.ndarray:
    """K = K̂·(S/S*)^β where S* > 0, K̂ elsewhere."""
    out = base.copy()
    has = reference > 0
    ratio = np.maximum(stock[has] / reference[has], MIN_RATIO)
    out[has] = base[has] * ratio ** returns
    return out


def run(model: Engine) -> None:
    """Anchor the stock at the end of period −`asset_burn_in`; reinvest from then on."""
    p, eco = model.params, model.economy
    f = eco.firms
    if not p.concentration:
        return
    at = -p.asset_burn_in
    first = anchor_start(p.burn_in, p.asset_burn_in)
    if eco.period <= at:
        if eco.period >= first:            # add up the pre-AI income the anchor averages
            f.asset_reference = f.asset_reference + f.owner_income
        if eco.period == at:
            mean_income = f.asset_reference / float(at + 1 - first)
            f.asset_base, f.asset_reference = anchor(f.assets, mean_income, p.reinvest_rate,
                                                     p.depreciation)
            f.asset_stock = f.asset_reference.copy()
        return
    f.asset_stock = accumulate(f.asset_stock, f.owner_income, p.reinvest_rate, p.depreciation)
    f.assets = effective_assets(f.asset_base, f.asset_stock, f.asset_reference,
                                p.asset_returns)
