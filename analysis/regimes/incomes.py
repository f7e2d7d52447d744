"""Persons' incomes in a solved mean-field state: wages, firm equity, compute, transfers.

Building block of `analysis.regimes.meanfield`. Every person is a worker; independently
of her job, she may hold a stake in one firm (a share `owner_share` of persons) and may
own the AI vendors (a share `compute_owner_share`), as `abm.population` draws them. The
income distribution over persons is the product of the wage distribution, the owners'
capital-income distribution and the compute owners' dividend; its Gini is split by
source (Lerman-Yitzhaki) into wages, capital (firm equity), compute and transfers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.params import Params
from analysis.regimes.quadrature import compress, weighted_inequality

SOURCES = ("wage", "capital", "compute", "transfer")


def owner_structure(p: Params) -> tuple[float, int, int, float]:
    """(share of persons who own, stakes per owner low, high, share of owners with high)."""
    n_owners = max(1, int(round(p.owner_share * p.n_workers)))
    o = n_owners / p.n_workers
    if n_owners >= p.n_firms:
        return o, 1, 1, 0.0
    lo = p.n_firms // n_owners
    return o, lo, lo + 1, (p.n_firms - lo * n_owners) / n_owners


def compute_owner_share(p: Params) -> float:
    """Share of persons who own compute: round(share·N)/N, at least one person."""
    return max(1, int(round(p.compute_owner_share * p.n_workers))) / p.n_workers


def mean_of_draws(x: np.ndarray, w: np.ndarray, m: int, n_bins: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of the mean of m independent draws from (x, w), by convolution."""
    vx, vw = x.copy(), w.copy()
    for _ in range(m - 1):
        vx = (vx[:, None] + x[None, :]).ravel()
        vw = (vw[:, None] * w[None, :]).ravel()
        vx, vw, _ = compress(vx, vw, n_bins)
    return vx / m, vw


@dataclass
class Incomes:
    """Income distribution over persons: its Gini, source contributions and shares."""

    gini: float
    contributions: dict[str, float]
    shares: dict[str, float]


def person_incomes(p: Params, wage: np.ndarray, wage_mass: np.ndarray,
                   firm_income: np.ndarray, firm_mass: np.ndarray, vendor_income: float,
                   transfer: float, n_points: int, n_firm_points: int,
                   insurance: np.ndarray | None = None) -> Incomes:
    """Gini and its split over persons.

    Args:
        wage, wage_mass: wage of each worker point (0 if unemployed) and its mass of
            persons (sums to 1).
        firm_income, firm_mass: owners' private income per firm, per N/J persons (so its
            mean over firms is private owners' income per person), of each firm point,
            and its share of firms (sums to 1).
        vendor_income: the compute owners' dividends per person of the economy.
        transfer: the transfer every person receives.
        n_points, n_firm_points: wage and capital distributions are merged to these.
        insurance: per worker point, the unemployment benefit less the payroll tax
            (part of her transfer); None: no insurance. Worker points are merged in the
            order of wage + insurance, so that the benefits' spread among the
            unemployed (all at wage 0) is kept.
    """
    o, m_lo, m_hi, f_hi = owner_structure(p)
    # a firm has o·N/J owners: each gets firm_income/o (firm_income is per N/J persons)
    cap = firm_income / o
    cap, cap_w, _ = compress(cap, firm_mass, n_firm_points)
    if m_lo > 1 or f_hi > 0:
        parts = [mean_of_draws(cap, cap_w, m, n_firm_points) for m in (m_lo, m_hi)]
        cap = np.r_[parts[0][0], parts[1][0]]
        cap_w = np.r_[(1 - f_hi) * parts[0][1], f_hi * parts[1][1]]
    c = compute_owner_share(p)
    dividend = vendor_income / c
    if insurance is None:
        wage_pts, wage_w, _ = compress(wage, wage_mass, n_points)
        ins_pts = np.zeros(wage_pts.size)
    else:
        _, wage_w, merged = compress(wage + insurance, wage_mass, n_points,
                                     {"wage": wage, "insurance": insurance})
        wage_pts, ins_pts = merged["wage"], merged["insurance"]
    n_w, n_c = wage_pts.size, cap.size
    # persons without a firm stake, then with one (wage point × stake point)
    w_vals = np.r_[wage_pts, np.repeat(wage_pts, n_c)]
    k_vals = np.r_[np.zeros(n_w), np.tile(cap, n_w)]
    i_vals = np.r_[ins_pts, np.repeat(ins_pts, n_c)]
    weights = np.r_[(1.0 - o) * wage_w, o * np.repeat(wage_w, n_c) * np.tile(cap_w, n_w)]
    # ... each without and with compute (one copy when there are no dividends)
    if dividend > 0.0:
        w_vals, k_vals = np.r_[w_vals, w_vals], np.r_[k_vals, k_vals]
        i_vals = np.r_[i_vals, i_vals]
        v_vals = np.r_[np.zeros(weights.size), np.full(weights.size, dividend)]
        weights = np.r_[(1.0 - c) * weights, c * weights]
    else:
        v_vals = np.zeros(weights.size)
    t_vals = transfer + i_vals
    gini, contrib, shares = weighted_inequality(
        w_vals + k_vals + v_vals + t_vals, weights,
        {"wage": w_vals, "capital": k_vals, "compute": v_vals, "transfer": t_vals})
    return Incomes(gini, contrib, shares)
