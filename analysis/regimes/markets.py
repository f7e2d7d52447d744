"""The markets of one mean-field state: CES task prices, firm productivity, rent sharing.

`analysis.regimes.meanfield.solve_state` iterates prices, wages and assets to a fixed
point; these are the pieces it clears each iteration, each the stationary counterpart
of a simulation phase (`abm.steps.production`, `abm.steps.firm_technology`,
`abm.steps.rent_sharing`). They are kept apart from the iteration so each can be read
against its phase. docs/REGIMES.md derives each one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from abm.params import Params
from analysis.regimes.quadrature import isotonic, wdot


def task_prices(y: np.ndarray, counts: np.ndarray, z: int, sigma: float) -> np.ndarray:
    """CES task prices p_g = β·(Y/Y_g)^(1/σ) of `abm.steps.production.ces_prices`.

    Args:
        y: output per task of each group (any common scale: prices are homogeneous of
            degree 0 in it).
        counts: tasks per group; z: all tasks (β = 1/z); sigma: σ.
    """
    beta = 1.0 / z
    if abs(sigma - 1.0) < 1e-9:
        total = math.exp(float(np.sum(counts * beta * np.log(y))))
        return beta * total / y
    r = (sigma - 1.0) / sigma
    total = float(np.sum(counts * beta * y ** r)) ** (1.0 / r)
    return beta * (total / y) ** (1.0 / sigma)


def shock_nodes(p: Params, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes of firm productivity A = e^(a − var/2), a ~ N(0, var).

    var = σ_a²/(1 − ρ_a²), the stationary variance of `abm.steps.firm_technology`; one
    node A = 1 when σ_a = 0. E[A] = 1 holds exactly at the nodes (rescaled).
    """
    sd = p.firm_shock_sd / math.sqrt(1.0 - p.firm_shock_persistence ** 2)
    if sd == 0.0 or n <= 1:
        return np.ones(1), np.ones(1)
    z, w = hermegauss(n)
    w = w / w.sum()
    a = np.exp(sd * z)
    return a / float(wdot(w, a)), w


@dataclass
class Firms:
    """Per firm bin (sorted by k) and shock node: what rent sharing pays per job."""

    wc: np.ndarray              # outside-option wage bill per job W^c(k)
    factor: np.ndarray          # wage factor (k, node)
    owner: np.ndarray           # owners' income per job (k, node), before public equity
    gross: np.ndarray           # Σ_g s_g p_g Q(k, g) at A = 1
    fees: np.ndarray            # vendor fees per job
    tax: np.ndarray             # tax per job at A = 1
    ai_rent: np.ndarray         # proprietary-AI rents per job at A = 1


def premia(p: Params, gross: np.ndarray, ai_rent: np.ndarray, fees: np.ndarray,
           wc: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Premium rate π = N(1)/W^c per firm bin, before any pooling.

    Returns (π, the pooling weight employment·W^c, W^c with empty bins set to 1): an
    empty bin pays nothing and gets a vanishing positive weight (isotonic fits need it).
    """
    net1 = gross - p.ai_rent_tax * ai_rent - fees - wc
    staffed = wc > 0
    wc = np.where(staffed, wc, 1.0)
    premium = np.where(staffed, net1 / wc, 0.0)
    return premium, np.where(staffed, weight, 1e-300) * wc, wc


def pools_of(premium: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Pool label of each firm bin (sorted by k): the blocks of the isotonic fit of π.

    Adjacent bins whose fitted premia are equal form one pool (labels 0, 1, … in k
    order); where π already rises with k every bin is its own pool.
    """
    fit = isotonic(premium, weight)
    scale = max(float(np.max(np.abs(fit))), 1e-300) if fit.size else 1.0
    return np.cumsum(np.r_[True, np.abs(np.diff(fit)) > 1e-12 * scale]) - 1


def share_rents(p: Params, gross: np.ndarray, ai_rent: np.ndarray, fees: np.ndarray,
                wc: np.ndarray, weight: np.ndarray, nodes: np.ndarray, assortative: bool,
                pools: np.ndarray | None = None) -> Firms:
    """Rent sharing of `abm.steps.rent_sharing` per job, at each productivity node.

    Net rent N(A) = A·(gross − τ·AI rents) − fees − W^c. Workers rank firms by the
    premium π = N(1)/W^c, which falls as a firm gets better workers: where PAM by assets
    would make π decrease with k, the stable allocation pools those firms at one premium
    (isotonic fit, weights = employment·W^c, which keeps Σ N). Given `pools` (labels of
    `pools_of`, found under the assets-sorted allocation while the allocation itself
    mixes workers within pools), each pool pays its weighted mean premium, and the
    isotonic fit of those keeps the pools' premia in asset order. The shock moves N
    around the pooled premium; with N ≥ 0 workers get w^c·(1 + ξN/W^c) and owners
    (1 − ξ)N; with N < 0 owners get 0 and, under limited liability, workers take N
    (without it they get w^c and owners finance the loss from outside).
    """
    tax = p.ai_rent_tax * ai_rent
    premium, pool_weight, wc = premia(p, gross, ai_rent, fees, wc, weight)
    if pools is not None:
        total = np.bincount(pools, weights=pool_weight)
        premium = (np.bincount(pools, weights=pool_weight * premium) / total)[pools]
    if assortative:
        premium = isotonic(premium, pool_weight)
    net = premium[:, None] * wc[:, None] + (nodes[None, :] - 1.0) * (gross - tax)[:, None]
    pos = net >= 0.0
    factor = 1.0 + np.where(pos, p.xi, 1.0 if p.limited_liability else 0.0) * net / wc[:, None]
    owner = np.where(pos, (1.0 - p.xi) * net, 0.0)
    return Firms(wc, factor, owner, gross, fees, tax, ai_rent)
