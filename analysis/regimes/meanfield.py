"""Mean field of the economy: one stationary state solved by quadrature, no agents drawn.

`solve_state(params, capability)` returns the economy's income distribution, task prices,
factor shares and within-task dispersion at a given AI capability A, from the same
equations the simulation steps through (docs/REGIMES.md derives each one):

- workers: ability θ lognormal (mean 1, log-sd `ability_sd`), spread evenly over tasks,
  or (`occupations=True`) allocated to task groups by the stationary occupational
  choice of `abm.steps.education` (`analysis.regimes.occupations`); education e*(θ)
  chosen as in `abm.steps.education` with the employment probability equal to the job
  rate (no credential requirement);
- hiring: the stationary limit of the matching of `abm.steps.matching` with
  β_L → ∞ and no random contacts (assortative) when employers rank applicants by
  productivity: within each task the bottom 1 − job_rate
  of workers are unemployed and the r-th best employed worker holds the r-th best-paying
  job (positive assortative matching, PAM). `matching="random"` assigns jobs at random
  instead (the opposite bound); `"assortative_equalised"` and `"assortative_pooled"`
  keep PAM between pooled premia but not by assets within them (`analysis.regimes.pools`);
- firms: relative assets k lognormal (mean 1, Gini `asset_gini`), one bin per firm
  quantile, employment ∝ k^ν, asset services per job x = max(k^(1−ν), x_f), AI access
  η0 + η1·k^ψ/E_L[k^ψ], productivity A lognormal (mean 1, Gauss-Hermite nodes);
- production and prices: the task outputs of `abm.steps.technology`, each team's CES
  of assets and AI-augmented labour (`abm.steps.firm_technology`) and the CES task
  prices of `abm.steps.production`; labour is priced at the fringe,
  ω_z = p_z·(1 + m_K)·C_u(ū^c_z, x_f);
- rent sharing as in `abm.steps.rent_sharing`: vendors' fees μ·ω_z·(y^c − y^0), outside
  option ω_z·y^c − fee, limited liability; owners (a random share `owner_share` of
  persons) and compute owners (`compute_owner_share`) as in `abm.population`;
  unemployment benefits b·w^c and the payroll tax that pays for them as in
  `abm.steps.benefits`, part of the transfers;
- assets: the pre-AI state holds the initial distribution (the simulation's anchor);
  given the pre-AI owners' income per firm (`anchor`), the AI state moves assets to
  the steady state of `abm.steps.accumulation`, K = K̂·(income_AI/income_pre-AI)^β.

Prices, the mean wage (education costs are quoted in it), education and (in the AI
state) the asset distribution are one fixed point, found by damped iteration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from abm.params import Params
from abm.steps import firm_technology
from abm.steps.benefits import financing
from analysis.regimes.incomes import Incomes, person_incomes
from analysis.regimes.industries import Jobs, jobs
from analysis.regimes.markets import Firms, share_rents, shock_nodes, task_prices
from analysis.regimes.choice import clear_occupations
from analysis.regimes.occupations import Allocation, uniform
from analysis.regimes.population import (MATCHING, BaseBins, Cells, FirmBins, Resolution,
                                         TaskGroup, allocate, base_bins, education_thresholds,
                                         firm_bins, level_pay, produce, sample_bins,
                                         task_groups)
from analysis.regimes.pools import (equalising_weight, mix_cells, pool_cells, sorted_pools,
                                    technology_classes)
from analysis.regimes.teams import outputs, teams
from analysis.regimes.quadrature import between_share, wdot, weighted_inequality

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
    vendor_income_share: float
    ai_rent_share: float
    within_task_cv_exposed: float
    mean_education: float
    employment_rate: float
    iterations: int
    group_education: dict[str, float] = field(default_factory=dict)
    anchor_income: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    asset_shift: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    converged: bool = True              # prices, wages and (if moving) assets settled
    gini_assets: float = float("nan")   # Gini of firms' relative assets
    output: float = float("nan")        # output per person
    allocation: Allocation | None = field(default=None, repr=False)   # occupational choice
    labour_prices: dict[str, float] = field(default_factory=dict)      # ω_g
    between_firm_wage_share: float = float("nan")   # of the variance of employed log wages


# ---------------------------------------------------------------------------------------
# the state
# ---------------------------------------------------------------------------------------
def steady_state_active(p: Params) -> bool:
    """Whether assets move from their anchor in the simulation (`abm.steps.accumulation`)."""
    return p.concentration and p.reinvest_rate > 0.0


def solve_state(p: Params, capability: float, *, groups: list[TaskGroup] | None = None,
                fixed_prices: dict[str, float] | None = None, matching: str = "assortative",
                resolution: Resolution | None = None,
                anchor: np.ndarray | None = None,
                assets: tuple[float, ...] | None = None,
                occupations: bool = False, origin: Allocation | None = None,
                guess: State | None = None, incomes: bool = True) -> State:
    """Stationary income distribution of the economy at AI capability `capability`.

    Args:
        p: model parameters.
        capability: A, the AI capability of this state (0 for the pre-AI state).
        groups: task groups (default: from `capability`); pass the AI state's groups to
            the pre-AI state so both report the same tasks.
        fixed_prices: task prices to hold instead of clearing the CES (price_effects off).
        matching: "assortative" (stationary PAM), "random", or PAM between pools with
            workers not sorted by assets within them (`analysis.regimes.pools`):
            "assortative_pooled" (one mixture per pool) or "assortative_equalised".
        resolution: quadrature sizes.
        anchor: owners' income per firm of each initial asset bin in the pre-AI state
            (`State.anchor_income`). Given, assets move to their steady state under
            this state's owners' income, K = K̂·(income/anchor)^β; None keeps them at
            their initial distribution.
        assets: a realised set of firms' initial assets (one bin per firm) instead of
            the lognormal quantiles of `asset_gini`.
        occupations: workers choose their task group as the simulation's retooling
            workers do (`analysis.regimes.occupations`): the state's allocation is the
            stationary one at its prices, reached from `origin`. False: workers stay
            where `origin` puts them (None: every task holds N/Z workers of the
            population's ability distribution).
        origin: the allocation workers start from (`State.allocation` of the pre-AI
            state); None: equal numbers on every task, as in the initial economy.
        guess: a solved state whose prices and mean wage start the iteration.
        incomes: False skips the persons' income distribution (the Gini and its sources
            are then NaN and empty): the burn-in's rounds need only prices and wages.
    """
    if matching not in MATCHING:
        raise ValueError(f"matching={matching!r} must be one of {list(MATCHING)}")
    res = resolution or Resolution()
    groups = groups if groups is not None else task_groups(p, capability)
    base = base_bins(p, res.n_firms) if assets is None else sample_bins(p, np.array(assets))
    shift = np.ones(base.p_emp.size)
    firms = firm_bins(p, base, shift)
    nodes, node_w = shock_nodes(p, res.n_shock)
    s_t = p.ability_sd
    mu_t = -0.5 * s_t * s_t
    jr = p.job_rate
    counts = np.array([g.count for g in groups], dtype=float)
    share = counts / p.n_tasks
    start = origin if origin is not None else uniform(share)
    alloc = start if occupations or origin is not None else None    # else: equal shares
    densities: list = [None] * len(groups)
    memo: dict = {}                       # the allocation's Jacobian, kept between iterations
    phi = np.array([g.phi for g in groups])
    prices = (np.array([fixed_prices[g.name] for g in groups]) if fixed_prices
              else np.full(len(groups), 1.0 / p.n_tasks))
    mean_wage = float(np.sum(share * prices * phi))
    omega = prices.copy()                 # labour prices ω_z (education is priced in them)
    if guess is not None:                 # start from a solved state (same groups)
        omega = np.array([guess.labour_prices[g.name] for g in groups])
        prices = prices if fixed_prices else np.array([guess.prices[g.name] for g in groups])
        mean_wage = guess.mean_wage
    x_f = p.fringe_assets ** (1.0 - p.size_elasticity)
    scales = {g.name: None for g in groups}
    unit = p.edu_cost * (1.0 - p.edu_subsidy)
    lam, r = firm_technology.asset_share(p.asset_markup), firm_technology.exponent(
        p.asset_elasticity)
    moving = anchor is not None
    pooled = matching in ("assortative_pooled", "assortative_equalised")
    equalised = matching == "assortative_equalised"
    pools = np.arange(base.p_emp.size)      # pooled: start from PAM (every bin alone)
    sorted_weight = np.ones(base.p_emp.size)    # equalised: weight per pool

    damp, last_change = 0.9, math.inf
    for it in range(1, res.max_iter + 1):
        if alloc is not None:
            share = alloc.shares()
            densities = [alloc.density(k) for k in range(len(groups))]
        jb = jobs(p, firms, groups, share)
        cells: list[Cells] = []
        for k, g in enumerate(groups):
            ai_c = g.alpha * capability * firms.fringe if g.exposed else 0.0
            sz = education_thresholds(p, g, omega[k], ai_c, unit * mean_wage, jr,
                                       scales[g.name], mu_t, s_t)

            def level(z: np.ndarray, g: TaskGroup = g, k: int = k, ai_c: float = ai_c
                      ) -> np.ndarray:
                return np.argmax(level_pay(p, g, omega[k], ai_c, scales[g.name],
                                           unit * mean_wage, mu_t, s_t, z), axis=1)

            cells.append(allocate(p, g, sz, level, res, firms,
                                  "assortative" if pooled else matching, mu_t, s_t, jr,
                                  densities[k], jb.task[:, k]))
        if firms.industry is not None and matching != "random":
            # firms of equal assets differ only in industry: one mixture of workers
            ties = np.cumsum(np.r_[True, np.diff(firms.k) != 0]) - 1
            cells = [pool_cells(c, ties, jb.task[:, k]) for k, c in enumerate(cells)]
        sorted_cells = cells
        if pooled:
            cells = [pool_cells(c, pools, jb.task[:, k]) for k, c in enumerate(sorted_cells)]
        if equalised:
            by_tech = [pool_cells(c, technology_classes(firms, pools), jb.task[:, k])
                       for k, c in enumerate(sorted_cells)]
            mixed = cells
            cells = [mix_cells(a, b, sorted_weight[pools]) for a, b in zip(by_tech, mixed)]
        outs, scales_new = outputs(p, groups, cells, firms, capability)
        team = teams(p, groups, cells, outs, firms, lam, r)
        task_y = jr * jb.per_group(team.q)                   # per person of each group
        ratio = (1.0 + p.asset_markup) * firm_technology.ces_labour_slope(
            team.u_c_task, np.full(len(groups), x_f), lam, r)       # ω_g / p_g
        if occupations:               # workers and task prices clear together, as tightly
            # as the rest of the state has settled (to 1% of the tolerance at the end)
            next_alloc, new_prices = clear_occupations(
                p, groups, alloc, start, scales_new, omega, prices, fixed_prices, mean_wage,
                task_y, share, counts, team.u_c_task, capability * firms.fringe,
                unit, x_f, lam, r, 0.01 * max(res.tol, min(last_change, 1e-4)), memo)
        else:             # task output per person of the group's tasks at its share
            y_task = task_y if alloc is None else task_y * share * p.n_tasks / counts
            new_prices = (prices if fixed_prices
                          else task_prices(y_task, counts, p.n_tasks, p.sigma))
        new_omega = new_prices * ratio
        fee_unit = p.ai_markup * new_omega                    # fee per unit of vendors' gain
        fees = jb.per_job(team.gain, fee_unit)
        rents = share_rents(
            p, gross=jb.per_job(team.q, new_prices),
            ai_rent=jb.per_job(team.q - team.q_c, new_prices),
            fees=fees, wc=jb.per_job(team.y_c, new_omega) - fees,
            weight=jb.emp, nodes=nodes, assortative=matching != "random",
            pools=pools if pooled else None)
        pools_settled = True
        if pooled:      # next pools: where sorting by assets would make π fall, at these prices
            new_pools = sorted_pools(p, groups, sorted_cells, firms, capability, jb,
                                      new_prices, new_omega, lam, r)
            pools_settled = bool(np.array_equal(new_pools, pools))
        if equalised:   # the weight that equalises premia at these prices, these pools
            new_weight = equalising_weight(p, groups, by_tech, mixed, pools, sorted_weight,
                                            firms, capability, jb, new_prices, new_omega,
                                            lam, r)
            weight_step = (float(np.max(np.abs(new_weight - sorted_weight)))
                           if pools_settled else 0.0)
            first = np.flatnonzero(np.r_[True, np.diff(new_pools) != 0])
            sorted_weight = new_weight[pools[first]]    # a new pool: its first bin's
        if pooled:
            pools = new_pools
        mean_factor = rents.factor @ node_w
        wc_cell = [new_omega[k] * (o[1] - p.ai_markup * o[2])
                   for k, o in enumerate(outs)]
        new_mean_wage = float(sum(
            share[k] * wdot(c.mass * c.employed, wc_cell[k] * mean_factor[np.maximum(c.firm, 0)])
            for k, c in enumerate(cells)) / jr)
        change = max(float(np.max(np.abs(new_prices / prices - 1.0))),
                     float(np.max(np.abs(new_omega / omega - 1.0))),
                     abs(new_mean_wage / mean_wage - 1.0))
        if equalised:
            change = max(change, weight_step)
        if occupations:
            change = max(change, float(np.max(np.abs(next_alloc.shares() - share))))
            alloc = next_alloc
        if moving:
            income = _firm_owner_income(firms, jb, rents, node_w, jr)  # base order
            has = anchor > 0
            target = np.ones_like(shift)
            target[has] = (np.maximum(income[has], 1e-300) / anchor[has]) ** p.asset_returns
            step = np.log(target) - np.log(shift)
            change = max(change, float(np.max(np.abs(step))))
            shift = shift * np.exp(damp * step)
        if change > last_change:          # oscillating: damp harder
            damp = max(0.5 * damp, 0.05)
        last_change = change
        prices = prices if fixed_prices else prices * (1 - damp) + damp * new_prices
        mean_wage = (1 - damp) * mean_wage + damp * new_mean_wage
        omega = (1 - damp) * omega + damp * new_omega
        scales = scales_new
        if change < res.tol and pools_settled:
            break
        if moving:
            firms = firm_bins(p, base, shift)
    state = _assemble(p, capability, groups, cells, outs, wc_cell, firms, jb, rents, share,
                      new_prices, new_mean_wage, nodes, node_w, shift, base,
                      converged=change < res.tol and pools_settled, iterations=it, res=res,
                      allocation=alloc, incomes=incomes)
    state.labour_prices = {g.name: float(w) for g, w in zip(groups, new_omega, strict=True)}
    return state


def _firm_owner_income(firms: FirmBins, jb: Jobs, rents: Firms, node_w: np.ndarray,
                       jr: float) -> np.ndarray:
    """Expected owners' income per firm of each initial asset bin (base order).

    Per N/J persons: jobs per firm job_rate·emp/p_unw times owners' income per job.
    """
    per_firm = jr * jb.emp / firms.p_unw * (rents.owner @ node_w)
    out = np.empty_like(per_firm)
    out[firms.order] = per_firm
    return out


def _assemble(p: Params, capability: float, groups: list[TaskGroup], cells: list[Cells],
              outs: list, wc_cell: list[np.ndarray], firms: FirmBins, jb: Jobs, rents: Firms,
              share: np.ndarray, prices: np.ndarray, mean_wage: float, nodes: np.ndarray,
              node_w: np.ndarray, shift: np.ndarray, base: BaseBins, *, converged: bool,
              iterations: int, res: Resolution, allocation: Allocation | None,
              incomes: bool = True) -> State:
    """Persons' income distribution of a converged state, its Gini and source split."""
    jr = p.job_rate
    pe = p.public_equity
    # wages: every cell at every productivity node of its firm bin
    wage, mass, claim = [], [], []
    for k, c in enumerate(cells):
        f = np.maximum(c.firm, 0)
        wage.append(np.where(c.employed[:, None], wc_cell[k][:, None] * rents.factor[f], 0.0))
        mass.append(share[k] * c.mass[:, None] * node_w[None, :])
        # unemployment insurance (abm.steps.benefits): b·w^c out of work, whatever the node
        claim.append(np.where(c.employed[:, None], 0.0,
                              p.unemployment_benefit * wc_cell[k][:, None]
                              * np.ones_like(node_w)[None, :]))
    wage_v, wage_m = np.concatenate([w.ravel() for w in wage]), np.concatenate(
        [m.ravel() for m in mass])
    between = _between_firm(cells, wage_v, wage_m, node_w.size) if incomes else math.nan
    claim_v = np.concatenate([b.ravel() for b in claim])
    paid, tax = financing(float(wdot(wage_m, claim_v)), float(wdot(wage_m, wage_v)),
                          p.unemployment_benefit)
    insurance = paid * claim_v - tax * wage_v       # benefit less payroll tax, per point
    emp = jb.emp
    owner_job = rents.owner @ node_w
    total_owner = jr * float(wdot(emp, owner_job))
    vendor = jr * float(wdot(emp, rents.fees))
    taxes = jr * float(wdot(emp, rents.tax))
    transfer = pe * (total_owner + vendor) + taxes
    per_firm = (1.0 - pe) * jr * (emp / firms.p_unw)[:, None] * rents.owner
    inc = (person_incomes(p, wage_v, wage_m, per_firm.ravel(),
                          (firms.p_unw[:, None] * node_w[None, :]).ravel(),
                          (1.0 - pe) * vendor, transfer, res.n_points, res.n_capital,
                          insurance=insurance)
           if incomes else Incomes(math.nan, {}, {}))
    output = jr * float(wdot(emp, rents.gross))
    wage_total = float(wdot(wage_m, wage_v))
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
    k_sorted = firms.k
    return State(
        capability=capability, gini=inc.gini, contributions=inc.contributions,
        shares=inc.shares,
        prices={g.name: float(pr) for g, pr in zip(groups, prices, strict=True)},
        mean_wage=mean_wage, labor_share=wage_total / output,
        asset_income_share=total_owner / output,
        vendor_income_share=vendor / output,
        ai_rent_share=jr * float(wdot(emp, rents.ai_rent)) / output,
        within_task_cv_exposed=float(np.average(cvs, weights=cw)) if cvs else float("nan"),
        mean_education=float(wdot(share, np.array(list(edu.values())))),
        employment_rate=jr, iterations=iterations, group_education=edu,
        anchor_income=_firm_owner_income(firms, jb, rents, node_w, jr),
        asset_shift=shift.copy(), converged=converged,
        gini_assets=_gini_of(k_sorted, firms.p_unw), output=output, allocation=allocation,
        between_firm_wage_share=between)


def _between_firm(cells: list[Cells], wage: np.ndarray, mass: np.ndarray, n_nodes: int
                  ) -> float:
    """Between-firm share of employed log wages, employers = firm bin × productivity node
    (`wage`, `mass`: every cell at every node, as `_assemble` lays them out), taken as
    `abm.collect` takes it over firms."""
    employer = np.concatenate([
        np.where(c.employed, c.firm, -1)[:, None] * n_nodes + np.arange(n_nodes)
        for c in cells]).ravel()
    on = employer >= 0
    return between_share(np.log(np.maximum(wage[on], 1e-300)), mass[on], employer[on])


def _gini_of(values: np.ndarray, weights: np.ndarray) -> float:
    """Gini of a weighted discrete distribution (firms' relative assets)."""
    g, _, _ = weighted_inequality(values, weights, {"all": values})
    return g
