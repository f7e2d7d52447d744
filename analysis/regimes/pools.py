"""Workers within pooled premia: the allocation where premia pool, and its premia.

Where sorting workers by assets would make the premium rate π fall with assets, the
mean field pools those firms at one premium (`analysis.regimes.markets.pools_of`). The
simulation's matching (docs/MODEL.md §3.3.3) gives firms paying equal premia no
further claim on the best applicants, assets included, so inside a pool the allocation
is not by assets. Two stationary forms of it, both keeping pools sorted among
themselves and each firm's employment:

- "assortative_pooled": every firm bin of a pool holds the same mixture of the pool's
  workers (`pool_cells`);
- "assortative_equalised": a mixture, per pool, of that and of the workers sorted by
  technology (identical firms, e.g. all below the fringe's assets, share their workers:
  `technology_classes`), with the weight that makes the pool's premia as equal as the
  mixture allows (`equalise`). A firm with more assets needs better workers to pay the
  same premium; the simulation's firms reach it by hiring the best applicants whenever
  their premium is above the others'.

docs/REGIMES.md ('Hiring') states the rules.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from abm.params import Params
from analysis.regimes.industries import Jobs
from analysis.regimes.markets import premia, pools_of
from analysis.regimes.population import Cells, FirmBins, TaskGroup
from analysis.regimes.teams import ces_teams, means, outputs, teams

def pool_cells(c: Cells, pools: np.ndarray, jobs: np.ndarray) -> Cells:
    """Assortative cells with every firm bin of a pool given the same mixture of workers.

    `c` is the assets-sorted allocation (`allocate`, "assortative"); `pools` labels each
    firm bin (sorted by k, labels non-decreasing) with its pool; `jobs` is each bin's
    share of the group's jobs. Each employed cell of a pool is spread over the pool's
    bins in proportion to their jobs, so every bin keeps its jobs; a pool of one bin
    keeps its cells as they are.
    """
    pools = np.asarray(pools)
    if np.all(np.diff(pools) > 0):            # every bin its own pool: PAM unchanged
        return c
    size = np.bincount(pools)
    members = np.argsort(pools, kind="stable")
    start = np.r_[0, np.cumsum(size)[:-1]]
    within = jobs / np.bincount(pools, weights=jobs)[pools]
    emp, une = np.flatnonzero(c.employed), np.flatnonzero(~c.employed)
    q = pools[c.firm[emp]]
    n = size[q]
    rep = np.repeat(emp, n)
    offset = np.arange(rep.size) - np.repeat(np.cumsum(n) - n, n)
    fb = members[np.repeat(start[q], n) + offset]
    return Cells(np.r_[c.mass[rep] * within[fb], c.mass[une]],
                 np.r_[c.h_phi[rep], c.h_phi[une]], np.r_[c.education[rep], c.education[une]],
                 np.r_[np.ones(rep.size, bool), np.zeros(une.size, bool)],
                 np.r_[fb, -np.ones(une.size, np.int64)])


def technology_classes(firms: FirmBins, pools: np.ndarray) -> np.ndarray:
    """Labels of runs of adjacent bins of one pool with the same technology (x, access).

    Firms below the fringe's assets all operate as the fringe: the matching cannot tell
    them apart, so sorting "by technology" gives them one mixture of workers.
    """
    new = np.r_[True, (np.diff(firms.x) != 0) | (np.diff(firms.access) != 0)
                | (np.diff(pools) != 0)]
    return np.cumsum(new) - 1


def mix_cells(a: Cells, b: Cells, weight_a: np.ndarray) -> Cells:
    """Allocation a with weight w_j at firm bin j and b with 1 − w_j (same employment).

    Both must give every bin the same employment and hold the same unemployed cells
    (those of `a` are kept); a bin's team means are then w_j·(a's) + (1 − w_j)·(b's).
    """
    if a is b:                       # every bin its own pool: nothing to mix
        return a
    ea, eb, ua = a.employed, b.employed, ~a.employed
    wa = weight_a[a.firm[ea]]
    wb = 1.0 - weight_a[b.firm[eb]]
    return Cells(np.r_[a.mass[ea] * wa, b.mass[eb] * wb, a.mass[ua]],
                 np.r_[a.h_phi[ea], b.h_phi[eb], a.h_phi[ua]],
                 np.r_[a.education[ea], b.education[eb], a.education[ua]],
                 np.r_[np.ones(int(ea.sum() + eb.sum()), bool), np.zeros(int(ua.sum()), bool)],
                 np.r_[a.firm[ea], b.firm[eb], a.firm[ua]])


def equalise(premium_at: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
             pools: np.ndarray, weight: np.ndarray, steps: int = 3) -> np.ndarray:
    """Weight on the technology-sorted allocation, per pool, that best equalises premia.

    `premium_at(w)` returns (π, pooling weight) per firm bin for weights w per bin; the
    result minimises, per pool, the weighted variance of π within the pool over
    w ∈ [0, 1]. Team means are linear in w, so π is close to linear in it and the
    variance close to quadratic: Newton steps from `weight` (per pool) on the
    linearisation π ≈ π(w) + π'(w)·Δ, Δ = −Cov(π, π')/Var(π'), clipped to [0, 1]
    (pools do not interact given prices, so all take their steps at once). A pool of
    one bin, or one whose premia do not move with w, keeps its weight.
    """
    n = int(pools.max()) + 1
    w = np.asarray(weight, dtype=float).copy()
    h = 1e-6

    def moments(a: np.ndarray, b: np.ndarray, wt: np.ndarray) -> tuple[np.ndarray, ...]:
        tot = np.bincount(pools, weights=wt, minlength=n)
        ma = np.bincount(pools, weights=wt * a, minlength=n) / tot
        mb = np.bincount(pools, weights=wt * b, minlength=n) / tot
        da, db = a - ma[pools], b - mb[pools]
        return (np.bincount(pools, weights=wt * da * db, minlength=n) / tot,
                np.bincount(pools, weights=wt * db * db, minlength=n) / tot)

    for _ in range(steps):
        step = np.where(w > 0.5, -h, h)                    # stay inside [0, 1]
        pi, wt = premium_at(w[pools])
        slope = (premium_at((w + step)[pools])[0] - pi) / step[pools]
        cov, var = moments(pi, slope, wt)
        move = var > 1e-24 * np.maximum(np.bincount(pools, minlength=n), 1)
        w = np.where(move, np.clip(w - cov / np.where(move, var, 1.0), 0.0, 1.0), w)
    return w


def sorted_pools(p: Params, groups: list[TaskGroup], cells: list[Cells], firms: FirmBins,
                 capability: float, jb: Jobs, prices: np.ndarray,
                 omega: np.ndarray, lam: float, r: float) -> np.ndarray:
    """Pools (`markets.pools_of`) of the premia the assets-sorted allocation would pay.

    `cells` is that allocation; prices and labour prices are the state's, so at the
    fixed point the pools are where PAM by assets would make π fall with k, the same
    criterion as `matching="assortative"`.
    """
    outs, _ = outputs(p, groups, cells, firms, capability)
    team = teams(p, groups, cells, outs, firms, lam, r)
    fees = jb.per_job(team.gain, p.ai_markup * omega)
    premium, weight, _ = premia(p, gross=jb.per_job(team.q, prices),
                                ai_rent=jb.per_job(team.q - team.q_c, prices), fees=fees,
                                wc=jb.per_job(team.y_c, omega) - fees, weight=jb.emp)
    return pools_of(premium, weight)


def equalising_weight(p: Params, groups: list[TaskGroup], by_tech: list[Cells],
                      mixed: list[Cells], pools: np.ndarray, weight: np.ndarray,
                      firms: FirmBins, capability: float, jb: Jobs,
                      prices: np.ndarray, omega: np.ndarray, lam: float, r: float
                      ) -> np.ndarray:
    """`equalise` at the state's prices, from the weight per pool it had.

    `by_tech` and `mixed` are the technology-sorted and the mixed allocations; team
    means are linear in the weight, so each trial weight costs only the CES.
    """
    n_k = firms.p_emp.size
    outs_t, _ = outputs(p, groups, by_tech, firms, capability)
    outs_m, _ = outputs(p, groups, mixed, firms, capability)
    mt = means(by_tech, outs_t, n_k)
    mm = means(mixed, outs_m, n_k)
    u_task = np.zeros(len(groups))           # not used by the premia

    def premium_at(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mixture = [(w[:, None] * a + (1.0 - w[:, None]) * b) for a, b in zip(mt, mm)]
        team = ces_teams(p, groups, mixture, firms, lam, r, u_task)
        fees = jb.per_job(team.gain, p.ai_markup * omega)
        pi, wt, _ = premia(p, gross=jb.per_job(team.q, prices),
                           ai_rent=jb.per_job(team.q - team.q_c, prices), fees=fees,
                           wc=jb.per_job(team.y_c, omega) - fees, weight=jb.emp)
        return pi, wt

    return equalise(premium_at, pools, weight)
