"""Occupational choice in the mean field: the stationary allocation of workers to task groups.

The simulation's retooling workers (`abm.steps.education`, `choose_jobs`) take the task
and education of highest expected net income among their own task and one random task
of each type, paying the switch cost c_s·w̄ for a move. In a stationary state every
worker has had her chance (by T = 30 at retooling rate 0.1, 96% have), and a candidate
of every group has been drawn, so a worker of ability θ who started on group o ends on

    d_o(θ) = argmax_g  V_g(θ) − c_s·w̄·[g ≠ o],
    V_g(θ) = max_e  P·ω_g·y(θ·e^(γ·y_e·e)·φ_g, α_g·A·c_f) − κ(1 − s)·e²·w̄/θ,

her own group winning ties, whenever d_o is the only group that beats staying. If
d_o ≠ o then V_{d_o} − c_s·w̄ is at least every V_g − c_s·w̄ and V_o, so from d_o she does
not move again. Where two groups both pay (the two codifiable groups are identical
before AI), she takes the first she is offered: the chain of chances (`stationary`)
splits her between them by their draws. Because the switch cost is an inaction band,
the allocation depends on where workers start: the pre-AI state starts from the
simulation's initial allocation (equal numbers of workers on every task, whatever their
ability), the AI state from the pre-AI state's allocation.

An `Allocation` is piecewise constant in z = standardised log ability: `cuts` split the
line into intervals and `weights[g, i]` is the share of the persons in interval i who
work on group g (each column sums to 1). The cuts are the roots of V_g − V_h − δ,
δ ∈ {−c_s·w̄, 0, c_s·w̄}, found on a grid and refined by false position to 1e-13, so the
shares move continuously with prices.
docs/REGIMES.md ('Occupational choice') states the derivation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from analysis.regimes.quadrature import prob

GRID = np.linspace(-8.5, 8.5, 171)       # 0.1 apart: switch points closer are not split


@dataclass(frozen=True)
class Allocation:
    """Share of each ability interval on each task group (groups × intervals)."""

    cuts: np.ndarray
    weights: np.ndarray

    @property
    def edges(self) -> np.ndarray:
        return _edges(self.cuts)

    def shares(self) -> np.ndarray:
        """Share of all persons on each group."""
        e = self.edges
        return self.weights @ prob(e[:-1], e[1:])

    def density(self, g: int) -> Density:
        """The within-group distribution of z on group g (integrates to 1).

        Only the cuts where the group's own weight changes: with many groups most cuts
        move workers between others, and each cut kept splits the group's quadrature.
        """
        e = self.edges
        w = self.weights[g]
        total = float(w @ prob(e[:-1], e[1:]))
        own = _merged(self.cuts, w[None, :])
        return Density(own.cuts, own.weights[0] / max(total, 1e-300))


def uniform(shares: np.ndarray) -> Allocation:
    """Every ability on every group in proportion to its tasks (the initial economy)."""
    return Allocation(np.empty(0), np.asarray(shares, dtype=float)[:, None].copy())


@dataclass(frozen=True)
class Density:
    """A piecewise-constant multiple of the standard normal density (mass 1)."""

    cuts: np.ndarray
    w: np.ndarray

    def _cum(self) -> tuple[np.ndarray, np.ndarray]:
        e = _edges(self.cuts)
        return e, np.concatenate(([0.0], np.cumsum(self.w * prob(e[:-1], e[1:]))))

    def weight_at(self, z: np.ndarray) -> np.ndarray:
        """The multiple w at each z (interval of z; a cut belongs to the interval above)."""
        return self.w[np.searchsorted(self.cuts, z, side="right")]

    def cdf(self, z: np.ndarray) -> np.ndarray:
        e, cum = self._cum()
        i = np.searchsorted(self.cuts, z, side="right")
        return cum[i] + self.w[i] * prob(e[i], z)

    def quantile(self, q: np.ndarray) -> np.ndarray:
        """z with cdf(z) = q (q in [0, 1]); inside an interval the normal quantile."""
        e, cum = self._cum()
        q = np.asarray(q, dtype=float)
        i = np.clip(np.searchsorted(cum[1:], q, side="left"), 0, self.w.size - 1)
        wi = self.w[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = np.clip(ndtr(e[i]) + (q - cum[i]) / np.where(wi > 0, wi, 1.0), 0.0, 1.0)
        return np.where(wi > 0, ndtri(inside), e[i])


def stationary(origin: Allocation, values: Callable[[np.ndarray], np.ndarray],
               cost: float, draw: np.ndarray, social: np.ndarray,
               share: float | None = None) -> Allocation:
    """Where the workers of `origin` end up after every worker has re-chosen (module docstring).

    Each chance offers her own group, one codifiable group (group g with probability
    `draw[g]`, its share of the codifiable tasks) and one social group (`social[g]`, its
    share of the social tasks);
    she takes the best net of the switch cost, her own group first, the codifiable
    candidate next (the simulation's order: the first strict maximum wins). Every move raises V by more
    than the cost, so the chain of chances is absorbing: its limit is where she ends.
    A worker for whom two codifiable groups both pay ends on each in proportion to its
    draw (and stays: the other is no better by the cost), which keeps the
    allocation continuous where two groups are identical (both codifiable groups before
    AI). Within each interval between the roots of V_g − V_h − δ (δ ∈ {−c, 0, c}) the
    matrix is constant.

    Args:
        origin: the allocation workers start from.
        values: z (n,) ↦ V (n, groups), each group's expected net income at ability z;
            where it has `at(z, g)` (V of group g[i] at z[i]: `choice.task_values`),
            the roots are refined with that.
        cost: the switch cost c_s·w̄ (in the units of V).
        draw: probability of each group being the codifiable candidate (0 for social).
        social: probability of each group being the social candidate (0 for codifiable).
        share: None for the limit of many chances; a number for one round in which
            that share of the workers has a chance (one period of the burn-in, where
            prices are last period's and move between rounds: `analysis.regimes.burnin`).
    """
    n_g = origin.weights.shape[0]
    # every pair g < h of groups, with each of the three offsets δ, g first then h
    upper_g, upper_h = np.triu_indices(n_g, 1)
    pair_g, pair_h = np.repeat(upper_g, 3), np.repeat(upper_h, 3)
    pair_d = np.tile(np.array([-cost, 0.0, cost], dtype=float), upper_g.size)
    v_grid = values(GRID)
    fg = v_grid[:, pair_g] - v_grid[:, pair_h] - pair_d   # (grid, pairs): a pair a column
    k, at = np.nonzero((np.sign(fg[1:]) != np.sign(fg[:-1])).T)
    cuts = [origin.cuts]
    if k.size:
        gi, hi, di = pair_g[k], pair_h[k], pair_d[k]
        lo_, hi_ = GRID[at].copy(), GRID[at + 1].copy()
        f_lo, f_hi = fg[at, k].copy(), fg[at + 1, k].copy()
        rows = np.arange(k.size)

        pick = getattr(values, "at", lambda z, g: values(z)[rows, g])

        def diff(z: np.ndarray) -> np.ndarray:
            return pick(z, gi) - pick(z, hi) - di

        x = lo_
        last_side = np.zeros(k.size, dtype=np.int64)   # 1: lo moved last, −1: hi did
        for _ in range(40):     # Illinois false position: superlinear, keeps the bracket
            last = x
            den = np.where(f_hi != f_lo, f_hi - f_lo, 1.0)
            x = np.clip(lo_ - f_lo * (hi_ - lo_) / den, lo_, hi_)
            if np.all(np.abs(x - last) < 1e-13):
                break
            fx = diff(x)
            left = np.sign(fx) == np.sign(f_lo)
            f_hi = np.where(left, np.where(last_side == 1, 0.5 * f_hi, f_hi), fx)
            f_lo = np.where(left, fx, np.where(last_side == -1, 0.5 * f_lo, f_lo))
            hi_ = np.where(left, hi_, x)
            lo_ = np.where(left, x, lo_)
            last_side = np.where(left, 1, -1)
            if np.all(hi_ - lo_ < 1e-13):
                break
        cuts.append(x)
    all_cuts = np.unique(np.concatenate(cuts))
    if all_cuts.size:
        all_cuts = all_cuts[np.concatenate(([True], np.diff(all_cuts) > 1e-12))]
    e = _edges(all_cuts)
    mid = _midpoints(e)
    v_mid = values(mid)
    step = _one_chance(v_mid, cost, np.asarray(draw, dtype=float),
                       np.asarray(social, dtype=float))
    start = origin.weights[:, np.searchsorted(origin.cuts, mid, side="right")]
    if share is not None:
        moved = np.einsum("oi,iog->gi", start, step)
        return _merged(all_cuts, (1.0 - share) * start + share * moved)
    return _merged(all_cuts, np.einsum("oi,iog->gi", start, _absorbed(step, v_mid)))


def _absorbed(step: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n, G, G): where a worker on group o ends after unboundedly many chances.

    Every move raises V by more than the switch cost, so the chain of chances moves only
    up the groups ranked by V at her ability: from the top down, the end of a worker on
    o is e_o if she never moves (P_oo = 1), else Σ_{g ≠ o} P_og·L_g / (1 − P_oo), the
    ends of the groups she may move to, all ranked above o, weighted by the chance of
    moving to each once she moves. Exact, where squaring P (2^k chances) approaches it.
    """
    n, n_g, _ = step.shape
    rank = np.argsort(-v, axis=1, kind="stable")          # (n, G): best group first
    rows = np.arange(n)
    ends = np.zeros_like(step)
    for r in range(n_g):
        o = rank[:, r]
        p = step[rows, o, :].copy()                          # (n, G): one chance from o
        stay = p[rows, o]
        p[rows, o] = 0.0
        moving = stay < 1.0
        end = (p[:, None, :] @ ends)[:, 0, :] / np.where(moving, 1.0 - stay, 1.0)[:, None]
        end[~moving] = 0.0
        end[~moving, o[~moving]] = 1.0
        ends[rows, o, :] = end
    return ends


def on_grid(alloc: Allocation, edges: np.ndarray) -> Allocation:
    """The allocation with each cell of a fixed grid given its workers' mean shares.

    A cell of `edges` (finite, increasing; the two tails are cells too) that holds cuts
    of `alloc` gets, on each group, the share of the cell's persons `alloc` puts there:
    every group keeps its persons in every cell exactly, and who among them is on which
    group is spread evenly over the cell, so no person's ability is misplaced by more
    than the cell's width. Cells without a cut inside keep their weights as they are.
    A chain of rounds at moving prices (`analysis.regimes.burnin`) puts its roots at
    new places each round; on the grid their number stays bounded by its cells.
    """
    edges = np.asarray(edges, dtype=float)
    n_cells = edges.size + 1
    fine = np.union1d(alloc.cuts, edges)
    fe = _edges(fine)
    mid = _midpoints(fe)
    cell = np.searchsorted(edges, mid, side="right")
    mass = prob(fe[:-1], fe[1:])
    w = alloc.weights[:, np.searchsorted(alloc.cuts, mid, side="right")]
    n_g = w.shape[0]
    index = (np.arange(n_g)[:, None] * n_cells + cell[None, :]).ravel()
    held = np.bincount(index, weights=(w * mass).ravel(), minlength=n_g * n_cells)
    total = np.bincount(cell, weights=mass, minlength=n_cells)
    grid_mid = _midpoints(_edges(edges))
    out = alloc.weights[:, np.searchsorted(alloc.cuts, grid_mid, side="right")]
    inside = np.zeros(n_cells, dtype=bool)          # cells with a cut strictly inside
    inside[np.searchsorted(edges, alloc.cuts[~np.isin(alloc.cuts, edges)], side="right")] = True
    inside &= total > 0.0
    out[:, inside] = (held.reshape(n_g, n_cells)[:, inside] / total[inside])
    return _merged(edges, out)


def _merged(cuts: np.ndarray, weights: np.ndarray) -> Allocation:
    """The allocation without the cuts across which nothing changes.

    A root of V_g − V_h − δ changes the allocation only where it changes someone's
    choice; with many groups most do not (of the 3·G(G − 1)/2 pairs' roots, those of
    two groups nobody chooses between). Dropping them leaves the same piecewise
    constant allocation on fewer intervals, and keeps the cuts of a chain of rounds
    (`analysis.regimes.burnin`) from accumulating.
    """
    change = np.any(weights[:, 1:] != weights[:, :-1], axis=0)
    return Allocation(cuts[change], weights[:, np.concatenate(([True], change))])


def _one_chance(v: np.ndarray, cost: float, draw: np.ndarray, social: np.ndarray
                ) -> np.ndarray:
    """(n, G, G): where a worker on group o goes at one chance, at each of n abilities.

    The first maximum of (own, codifiable candidate k, social candidate s) net of the
    cost, so k wins a tie with s, and her own group wins near-ties (rounding of
    identical groups' values). She moves to d ≠ o only if V_d − c beats her own V_o, and
    then d must be drawn and beat the other candidate: codifiable d with probability
    draw_d·Pr(V_s − c ≤ V_d − c), social d with social_d·Pr(V_k − c < V_d − c). A
    candidate equal to her own group has net value V_o, below V_d − c wherever she moves
    to d, and so does its cost-net value: the two probabilities do not depend on o.
    """
    n, n_g = v.shape
    net = v - cost                                                       # (n, G)
    below = net[:, None, :] <= net[:, :, None]                           # [i, d, s]: net_s ≤ net_d
    beats_s = below @ social                                             # Pr(s loses to d)
    beats_k = (net[:, None, :] < net[:, :, None]) @ draw                 # Pr(k loses to d)
    rate = draw[None, :] * beats_s + social[None, :] * beats_k          # (n, G)
    move = v[:, :, None] < net[:, None, :] - 1e-12 * np.abs(v)[:, :, None]   # [i, o, d]
    step = move * rate[:, None, :]
    diag = np.arange(n_g)
    step[:, diag, diag] = 1.0 - step.sum(axis=2)
    return step


def _edges(cuts: np.ndarray) -> np.ndarray:
    """The cuts with −∞ and ∞ around them (np.concatenate: `np.r_` costs ten times more,
    and occupational choice builds these thousands of times)."""
    return np.concatenate(([-np.inf], cuts, [np.inf]))


def _midpoints(e: np.ndarray) -> np.ndarray:
    """A point inside each interval of the edges e (1 inside an infinite end; 0 if both)."""
    a, b = e[:-1], e[1:]
    fa, fb = np.isfinite(a), np.isfinite(b)
    out = np.zeros(a.size)
    both = fa & fb
    out[both] = 0.5 * (a[both] + b[both])
    out[fa & ~fb] = a[fa & ~fb] + 1.0
    out[~fa & fb] = b[~fa & fb] - 1.0
    return out


def clear(start: Allocation, values_at: Callable[[np.ndarray], Callable], cost: float,
          omega: np.ndarray, implied: Callable[[Allocation], tuple[np.ndarray, np.ndarray]],
          tol: float, draw: np.ndarray, social: np.ndarray, memo: dict | None = None
          ) -> tuple[Allocation, np.ndarray, np.ndarray]:
    """The allocation and labour prices that clear together, the rest of the economy held.

    Workers' moves respond sharply to labour prices (the income gap between two groups
    is proportional to ability, so a small price gap moves every able worker), and the
    prices respond to who moves; a damped iteration of the two does not settle. This
    solves log ω = log ω(allocation(ω)) for the labour prices ω (`newton`), where
    `implied(allocation)` returns the task prices and labour prices that the rest of
    the economy, held, gives that allocation (output moving with the ability each group
    gains, `mean_ability`); the enclosing fixed point then updates what was held.
    `memo` carries the Jacobian from one call to the next (the enclosing iteration
    changes what is held only a little). `draw`, `social`: the candidates (`stationary`).

    Returns: the allocation, the task prices and the labour prices.
    """
    def gap(x: np.ndarray) -> np.ndarray:
        return np.log(implied(stationary(start, values_at(np.exp(x)), cost, draw, social))[1]) - x

    x = newton(gap, np.log(omega), tol, memo=memo)
    alloc = stationary(start, values_at(np.exp(x)), cost, draw, social)
    prices, om = implied(alloc)
    return alloc, prices, om


def mean_ability(alloc: Allocation, s: float) -> np.ndarray:
    """E[θ; group] per person: Σ_i w_gi·E[θ; interval i] (θ lognormal, mean 1, log-sd s)."""
    e = alloc.edges
    return alloc.weights @ prob(e[:-1] - s, e[1:] - s)


def newton(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, tol: float,
           max_step: float = 0.5, max_iter: int = 60, memo: dict | None = None
           ) -> np.ndarray:
    """A root of f by Newton's method with a forward-difference Jacobian, steps capped at
    `max_step` per component and halved until |f| falls (backtracking).

    f is continuous but kinked where a group empties or a switch point leaves the
    ability range, and far from the root it can be nearly flat; the cap and the
    backtracking keep the iterate where f is informative (a general-purpose solver,
    `scipy.optimize.root`'s hybrid method, wanders off to prices e^160 there). After
    each step the Jacobian takes Broyden's rank-one update (the secant condition on the
    step taken), and the one in `memo` starts the next call: a finite-difference
    Jacobian costs one evaluation of f per group, each a stationary allocation. It is
    recomputed only where no step along its direction lowers |f|. Where 30 halvings of
    a step from a fresh Jacobian do not lower |f| (a kink or a plateau: the
    finite-difference direction is not a descent direction), x is returned as it is;
    iterating on would only repeat that search.
    """
    x = np.asarray(x, dtype=float).copy()
    r = f(x)
    h = 1e-7
    memo = {} if memo is None else memo
    jac = memo.get("jac")
    fresh = False
    for _ in range(max_iter):
        norm = float(np.max(np.abs(r)))
        if norm < tol:
            break
        if jac is None or jac.shape != (x.size, x.size) or memo.get("stale"):
            jac = np.empty((x.size, x.size))
            for j in range(x.size):
                xp = x.copy()
                xp[j] += h
                jac[:, j] = (f(xp) - r) / h
            memo["jac"], memo["stale"], fresh = jac, False, True
        try:
            dx = np.linalg.solve(jac, -r)
        except np.linalg.LinAlgError:
            dx = r.copy()
        big = float(np.max(np.abs(dx)))
        if big > max_step:
            dx *= max_step / big
        t = 1.0
        for _ in range(30):
            trial = f(x + t * dx)
            if float(np.max(np.abs(trial))) < norm:
                break
            t *= 0.5
        else:        # no step along dx lowers |f|: f is flat or kinked at x
            if fresh:
                break                          # a new Jacobian would be the same one
            memo["stale"], fresh = True, False
            continue                           # retry from x with a fresh Jacobian
        step = t * dx
        # Broyden's update: the Jacobian that maps this step to the change it made
        jac = jac + np.outer(trial - r - jac @ step, step) / float(step @ step)
        memo["jac"], memo["stale"], fresh = jac, False, False
        x, r = x + step, trial
    return x
