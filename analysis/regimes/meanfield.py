"""Mean field of the economy: one stationary state solved by quadrature, no agents drawn.

`solve_state(params, capability)` returns the economy's income distribution, task prices,
factor shares and within-task dispersion at a given AI capability A, from the same
equations the simulation steps through (docs/REGIMES.md derives each one):

- workers: ability θ lognormal (mean 1, log-sd `ability_sd`), spread evenly over tasks;
  education e*(θ) chosen as in `abm.steps.education` with the employment probability
  equal to the job rate (no credential requirement);
- hiring: the stationary limit of the assortative matching of `abm.steps.hiring` when
  employers rank applicants by productivity: within each task the bottom 1 − job_rate
  of workers are unemployed and the r-th best employed worker holds the r-th best-paying
  job (positive assortative matching, PAM). `matching="random"` assigns jobs at random
  instead (the opposite bound);
- firms: relative assets k lognormal (mean 1, Gini `asset_gini`), employment ∝ k^ν,
  asset output a(k)·ȳ^c_z per job, AI access η0 + η1·k^ψ/E_L[k^ψ];
- production and prices: the task outputs of `abm.steps.technology` and the CES prices
  of `abm.steps.production`; rent sharing and owners' income as in
  `abm.steps.rent_sharing`; a random share `owner_share` of persons own the firms.

Prices, the mean wage (education costs are quoted in it) and education are one fixed
point, found by damped iteration. The asset distribution is the initial one: the mean
field has no reinvestment (see `analysis.regimes.prediction`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from abm.params import Params
from analysis.regimes.population import (MATCHING, Cells, FirmBins, Resolution, TaskGroup,
                                         allocate, education_thresholds, firm_bins, produce,
                                         task_groups)
from analysis.regimes.quadrature import compress, isotonic, wdot, weighted_inequality

__all__ = ["MATCHING", "Resolution", "State", "TaskGroup", "solve_state", "task_groups"]


@dataclass
class State:
    """One stationary state of the mean field."""

    capability: float
    gini: float
    contributions: dict[str, float]     # Lerman-Yitzhaki contribution of each source
    shares: dict[str, float]            # share of each source in mean income
    prices: dict[str, float]
    mean_wage: float
    labor_share: float
    asset_income_share: float
    ai_rent_share: float
    within_task_cv_exposed: float
    mean_education: float
    employment_rate: float
    iterations: int
    group_education: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# the state
# ---------------------------------------------------------------------------------------
def _prices(y: np.ndarray, counts: np.ndarray, z: int, sigma: float) -> np.ndarray:
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


def _owners(p: Params) -> tuple[float, int, int, float]:
    """(share of persons who own, stakes per owner low, high, share of owners with high)."""
    n_owners = max(1, int(round(p.owner_share * p.n_workers)))
    o = n_owners / p.n_workers
    if n_owners >= p.n_firms:
        return o, 1, 1, 0.0
    lo = p.n_firms // n_owners
    return o, lo, lo + 1, (p.n_firms - lo * n_owners) / n_owners


def _mean_of_draws(x: np.ndarray, w: np.ndarray, m: int, n_bins: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of the mean of m independent draws from (x, w), by convolution."""
    vx, vw = x.copy(), w.copy()
    for _ in range(m - 1):
        vx = (vx[:, None] + x[None, :]).ravel()
        vw = (vw[:, None] * w[None, :]).ravel()
        vx, vw, _ = compress(vx, vw, n_bins)
    return vx / m, vw


def solve_state(p: Params, capability: float, *, groups: list[TaskGroup] | None = None,
                fixed_prices: dict[str, float] | None = None, matching: str = "assortative",
                resolution: Resolution | None = None) -> State:
    """Stationary income distribution of the economy at AI capability `capability`.

    Args:
        p: model parameters.
        capability: A, the AI capability of this state (0 for the pre-AI state).
        groups: task groups (default: from `capability`); pass the AI state's groups to
            the pre-AI state so both report the same tasks.
        fixed_prices: task prices to hold instead of clearing the CES (price_effects off).
        matching: "assortative" (stationary PAM) or "random".
        resolution: quadrature sizes.
    """
    if matching not in MATCHING:
        raise ValueError(f"matching={matching!r} must be one of {list(MATCHING)}")
    res = resolution or Resolution()
    groups = groups if groups is not None else task_groups(p, capability)
    firms = firm_bins(p, res.n_firms)
    s_t = p.ability_sd
    mu_t = -0.5 * s_t * s_t
    jr = p.job_rate
    counts = np.array([g.count for g in groups], dtype=float)
    share = counts / p.n_tasks
    prices = (np.array([fixed_prices[g.name] for g in groups]) if fixed_prices
              else np.full(len(groups), 1.0 / p.n_tasks))
    mean_wage = float(np.sum(share * prices * np.array([g.phi for g in groups])))
    scales = {g.name: None for g in groups}
    unit = p.edu_cost * (1.0 - p.edu_subsidy)
    levels = np.arange(p.n_edu_levels)

    damp, last_change = 0.9, math.inf
    for it in range(1, res.max_iter + 1):
        cells: list[Cells] = []
        for k, g in enumerate(groups):
            ai_c = g.alpha * capability * firms.commodity if g.exposed else 0.0
            sz = education_thresholds(p, g, prices[k], ai_c, unit * mean_wage, jr,
                                       scales[g.name], mu_t, s_t)

            def level(z: np.ndarray, g: TaskGroup = g, k: int = k, ai_c: float = ai_c
                      ) -> np.ndarray:
                theta = np.exp(mu_t + s_t * z)[:, None]
                h_phi = theta * np.exp(p.edu_return * levels[None, :]) * g.phi
                pay = (jr * prices[k] * produce(p, h_phi, ai_c, scales[g.name])
                       - unit * mean_wage * levels[None, :] ** 2 / theta)
                return np.argmax(pay, axis=1)

            cells.append(allocate(p, g, sz, level, res, firms, matching, mu_t, s_t, jr))
        # outputs at the employer's access and at commodity access
        y, yc, scales_new = [], [], {}
        for g, c in zip(groups, cells, strict=True):
            scale = (float(wdot(c.mass, c.h_phi) / c.mass.sum())
                     if not p.homogenization else None)
            scales_new[g.name] = scale
            a_firm = np.where(c.employed, firms.access[np.maximum(c.firm, 0)], 0.0)
            ai = g.alpha * capability * a_firm if g.exposed else np.zeros(c.mass.size)
            ai_c = g.alpha * capability * firms.commodity if g.exposed else 0.0
            y.append(produce(p, c.h_phi, ai, scale))
            yc.append(produce(p, c.h_phi, ai_c, scale))
        mean_c = np.array([wdot(c.mass * c.employed, v) / jr for c, v in zip(cells, yc)])
        mean_a = float(wdot(firms.p_emp, firms.asset_prod))
        task_y = np.array([wdot(c.mass * c.employed, v) / jr + mean_a * mc
                           for c, v, mc in zip(cells, y, mean_c)])
        new_prices = (prices if fixed_prices else _prices(task_y, counts, p.n_tasks, p.sigma))
        # firm-level rents per job in each asset bin
        n_k = firms.p_emp.size
        va = np.zeros(n_k)
        wc = np.zeros(n_k)
        for k, (c, v, vc) in enumerate(zip(cells, y, yc)):
            e = c.employed
            fm = np.bincount(c.firm[e], weights=c.mass[e], minlength=n_k)
            fm = np.where(fm > 0, fm, 1.0)
            ybar = np.bincount(c.firm[e], weights=c.mass[e] * v[e], minlength=n_k) / fm
            ycbar = np.bincount(c.firm[e], weights=c.mass[e] * vc[e], minlength=n_k) / fm
            va += share[k] * new_prices[k] * (ybar + firms.asset_prod * mean_c[k])
            wc += share[k] * new_prices[k] * ycbar
        ai_rent = va - wc - firms.asset_prod * float(np.sum(share * new_prices * mean_c))
        rent = va - wc
        tax = p.ai_rent_tax * ai_rent
        net = rent - tax
        premium = net / wc
        if matching == "assortative":
            # workers rank vacancies by the premium π_j = Π'_j/W^c_j, which falls as a firm
            # gets better workers: where PAM by assets would make π decrease with k, the
            # stable allocation pools those firms at one premium (pool adjacent violators)
            premium = isotonic(premium, firms.p_emp * wc)
        factor = 1.0 + p.xi * premium
        wages = [np.where(c.employed, new_prices[k] * vc * factor[np.maximum(c.firm, 0)], 0.0)
                 for k, (c, vc) in enumerate(zip(cells, yc))]
        new_mean_wage = float(sum(share[k] * wdot(c.mass, wg) for k, (c, wg)
                                  in enumerate(zip(cells, wages, strict=True))) / jr)
        change = max(float(np.max(np.abs(new_prices / prices - 1.0))),
                     abs(new_mean_wage / mean_wage - 1.0))
        if change > last_change:          # oscillating: damp harder
            damp = max(0.5 * damp, 0.05)
        last_change = change
        prices = prices if fixed_prices else prices * (1 - damp) + damp * new_prices
        mean_wage = (1 - damp) * mean_wage + damp * new_mean_wage
        scales = scales_new
        if change < res.tol:
            break
    prices = new_prices
    return _assemble(p, capability, groups, cells, wages, firms, share, prices,
                     new_mean_wage, va, net, tax, ai_rent, res, it)


def _assemble(p: Params, capability: float, groups: list[TaskGroup], cells: list[Cells],
              wages: list[np.ndarray], firms: FirmBins, share: np.ndarray,
              prices: np.ndarray, mean_wage: float,
              va: np.ndarray, net: np.ndarray, tax: np.ndarray, ai_rent: np.ndarray,
              res: Resolution, iterations: int) -> State:
    """Persons' income distribution of a converged state, its Gini and source split."""
    jr = p.job_rate
    owner_per_job = (1.0 - p.xi) * net
    total_owner = jr * float(wdot(firms.p_emp, owner_per_job))
    transfer = p.public_equity * total_owner + jr * float(wdot(firms.p_emp, tax))
    o, m_lo, m_hi, f_hi = _owners(p)
    # capital income of an owner of one firm in each bin: (1−pe)·ℓ(k)·(1−ξ)Π'(k)/o
    ell = jr * firms.p_emp / np.where(firms.p_unw > 0, firms.p_unw, 1.0)
    cap = (1.0 - p.public_equity) * ell * owner_per_job / o
    cap_w = firms.p_unw
    if m_lo > 1 or f_hi > 0:
        parts = [_mean_of_draws(cap, cap_w, m, res.n_firms) for m in (m_lo, m_hi)]
        cap = np.r_[parts[0][0], parts[1][0]]
        cap_w = np.r_[(1 - f_hi) * parts[0][1], f_hi * parts[1][1]]
    wage = np.concatenate(wages)
    mass = np.concatenate([share[k] * c.mass for k, c in enumerate(cells)])
    wage_pts, wage_w, _ = compress(wage, mass, res.n_points)
    n_w, n_c = wage_pts.size, cap.size
    values_w = np.r_[wage_pts, np.repeat(wage_pts, n_c)]
    values_c = np.r_[np.zeros(n_w), np.tile(cap, n_w)]
    weights = np.r_[(1.0 - o) * wage_w, o * np.repeat(wage_w, n_c) * np.tile(cap_w, n_w)]
    values_t = np.full(values_w.size, transfer)
    gini, contrib, shares = weighted_inequality(
        values_w + values_c + values_t, weights,
        {"wage": values_w, "capital": values_c, "transfer": values_t})
    output = jr * float(wdot(firms.p_emp, va))
    wage_total = float(wdot(mass, wage))
    # within-task CV of output at the same AI access (η0 + η1), codifiable tasks
    cvs, cw = [], []
    for g, c in zip(groups, cells, strict=True):
        if not g.codifiable:
            continue
        scale = (float(wdot(c.mass, c.h_phi) / c.mass.sum()) if not p.homogenization
                 else None)
        ai = g.alpha * capability * (p.eta0 + p.eta1) if g.exposed else 0.0
        out = produce(p, c.h_phi, ai, scale)
        wt = c.mass * c.employed
        m1 = wdot(wt, out) / wt.sum()
        sd = math.sqrt(max(wdot(wt, (out - m1) ** 2) / wt.sum(), 0.0))
        cvs.append(sd / m1)
        cw.append(g.count)
    edu = {g.name: float(wdot(c.mass, c.education)) for g, c in zip(groups, cells)}
    return State(
        capability=capability, gini=gini, contributions=contrib, shares=shares,
        prices={g.name: float(pr) for g, pr in zip(groups, prices, strict=True)},
        mean_wage=mean_wage, labor_share=wage_total / output,
        asset_income_share=total_owner / output,
        ai_rent_share=jr * float(wdot(firms.p_emp, ai_rent)) / output,
        within_task_cv_exposed=float(np.average(cvs, weights=cw)) if cvs else float("nan"),
        mean_education=float(wdot(share, np.array(list(edu.values())))),
        employment_rate=jr, iterations=iterations, group_education=edu)
