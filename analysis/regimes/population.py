"""The mean field's population: task groups, asset bins, education and the job allocation.

Building blocks of `analysis.regimes.meanfield`: tasks that the mean field treats as one
(`TaskGroup`), firms as bins of equal employment with exact conditional moments of
their assets (`FirmBins`), workers' education thresholds, and the cells of the joint
distribution of ability, education, employment and employer (`Cells`), under assortative
or random matching. docs/REGIMES.md states each rule and the simulation phase it is the
stationary form of.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from abm.metrics import lognormal_sigma_for_gini
from abm.params import Params
from abm.steps.industries import bands
from abm.steps.technology import skill_returns, task_output
from analysis.regimes.occupations import Density
from analysis.regimes.quadrature import power_mean, prob, quantile_edges, split_edges, wdot
from analysis.regimes_inputs import check_supported, one_group_per_task

MATCHING = ("assortative", "random", "assortative_pooled", "assortative_equalised")


@dataclass(frozen=True)
class Resolution:
    """Quadrature sizes and solver tolerances (defaults keep dgini accurate to ~5e-5)."""

    n_theta: int = 200          # equal-probability ability bins (before splitting)
    n_firms: int = 400          # firm bins: one per firm quantile, at most this many
    n_points: int = 600         # persons' wage distribution is merged to this many points
    n_shock: int = 7            # Gauss-Hermite nodes of firm productivity
    n_capital: int = 100        # owners' income distribution is merged to this many points
    tol: float = 1e-9           # relative change of prices and mean wage at convergence
    max_iter: int = 400


@dataclass(frozen=True)
class TaskGroup:
    """Tasks that are identical in the mean field: same φ, α, λ and membership of S(A)."""

    name: str
    count: int
    codifiable: bool
    phi: float
    alpha: float
    exposed: bool               # in S(A) at the AI state's capability
    skill_return: float = 1.0   # λ: output uses h^λ (`abm.steps.technology.skill_returns`)
    band: int = -1              # the industry band of its task (`abm.steps.industries`); −1: none

    def human_input(self, human_capital: np.ndarray) -> np.ndarray:
        """h^λ·φ of human capital h on this group's tasks (h·φ where λ = 1)."""
        h = human_capital if self.skill_return == 1.0 else human_capital ** self.skill_return
        return h * self.phi


def task_groups(p: Params, capability: float) -> list[TaskGroup]:
    """Codifiable tasks in S(A), codifiable tasks not (yet) in S(A), social tasks.

    Tasks in a group are alike. With returns to skill that differ by task
    (`skill_return_spread` ≠ 0) or industries (`industry_concentration` ≠ 0) no two
    tasks of a type are, so every task is its own group, named by its type and index
    (`exposed_0`, `codifiable_unexposed_5`, `social_12`), with λ_k of
    `abm.steps.technology.skill_returns` and its industry band of
    `abm.steps.industries.bands`.
    """
    check_supported(p)
    z = p.n_tasks
    n_c = min(max(int(round(p.codifiable_share * z)), 1), z - 1)
    threshold = p.frontier_spread * p.ai_max * np.arange(n_c) / n_c
    n_in = int(np.sum(capability > threshold)) if p.ai_weight > 0 else 0
    if one_group_per_task(p):
        lam = skill_returns(z, n_c, p.skill_return_spread)
        band = (bands(z, n_c, p.n_industries) if p.industry_concentration != 0.0
                else np.full(z, -1))
        return ([TaskGroup(f"exposed_{k}", 1, True, p.skill_intensity, p.ai_weight, True,
                           float(lam[k]), int(band[k])) for k in range(n_in)]
                + [TaskGroup(f"codifiable_unexposed_{k}", 1, True, p.skill_intensity,
                             p.ai_weight, False, float(lam[k]), int(band[k]))
                   for k in range(n_in, n_c)]
                + [TaskGroup(f"social_{k}", 1, False, 1.0, 0.0, False, float(lam[k]),
                             int(band[k])) for k in range(n_c, z)])
    groups = [TaskGroup("exposed", n_in, True, p.skill_intensity, p.ai_weight, True),
              TaskGroup("codifiable_unexposed", n_c - n_in, True, p.skill_intensity,
                        p.ai_weight, False),
              TaskGroup("social", z - n_c, False, 1.0, 0.0, False)]
    return [g for g in groups if g.count > 0]


# ---------------------------------------------------------------------------------------
# firms
# ---------------------------------------------------------------------------------------
@dataclass
class FirmBins:
    """Firms as bins, ordered by relative assets, with their technology per job.

    Built from `BaseBins` (the initial asset distribution, exact conditional moments)
    and a multiplier m per base bin: the stationary shift of assets under AI
    (`analysis.regimes.meanfield`), k = k̂·m / E[k̂·m]. With m = 1 the moments are exact.
    """

    p_emp: np.ndarray           # employment share of each bin (∝ k^ν; with industries
                                # its jobs per task follow `analysis.regimes.industries`)
    p_unw: np.ndarray           # share of firms in each bin
    x: np.ndarray               # asset services per job, max(k, k_f)^(1−ν)
    access: np.ndarray          # AI access η0 + η1·k̃^ψ/E_L[k̃^ψ], k̃ = max(k, k_f)
    fringe: float               # the fringe's access η0 + η1·k_f^ψ/E_L[k̃^ψ]: the outside option's
    vendor: float               # access to the AI vendors sell (η0)
    order: np.ndarray           # base bin of each bin (bins are sorted by k)
    k: np.ndarray               # unweighted mean relative assets E[k | bin]
    industry: np.ndarray | None = None   # industry of each bin; None: no industries


@dataclass(frozen=True)
class BaseBins:
    """Initial asset distribution: one bin per firm quantile, split at the fringe."""

    p_emp: np.ndarray           # employment share
    p_unw: np.ndarray           # share of firms
    k_unw: np.ndarray           # E[k | bin] over firms
    k_x: np.ndarray             # E_L[k^(1−ν) | bin] (employment-weighted)
    k_psi: np.ndarray           # E_L[k^ψ | bin]
    industry: np.ndarray | None = None   # industry of each bin; None: no industries
    # below the fringe (k < k_f) a firm operates as the fringe: firm_bins takes max(·, k_f)


def base_bins(p: Params, n: int) -> BaseBins:
    """One bin per firm quantile (at most n bins), split at the fringe threshold.

    With industries (`industry_concentration` > 0) each industry holds J/G of the
    firms, drawn independently of assets (`abm.steps.industries`): the quantiles are
    those of J/G firms (at most n/G), and each bin is G bins, one per industry, each
    with 1/G of its firms.

    Over firms log k ~ N(−s²/2, s²); over jobs (employment ∝ k^ν) log k ~ N(m_L, s²)
    with m_L = −s²/2 + ν s², so a firm quantile edge z is the job edge z − ν s. Bin j
    stands for the firm of quantile j: its team on a task holds the slice of the
    task's workers that the firm's employment share gives it under PAM, which is what
    the simulation's J firms hold, so the CES is evaluated at the mean of that slice.
    The edge at the fringe's assets k_f makes every bin wholly below the fringe (it then
    operates as the fringe: k̃ = max(k, k_f) = k_f) or wholly above it.
    """
    s = lognormal_sigma_for_gini(p.asset_gini) if p.asset_gini > 0 else 0.0
    nu = p.size_elasticity
    mu_l = -0.5 * s * s + nu * s * s
    g = p.n_industries if p.industry_concentration != 0.0 else 1
    edges = quantile_edges(max(min(n, p.n_firms) // g, 1)) - nu * s
    if s > 0:
        z_f = (math.log(p.fringe_assets) - mu_l) / s
        edges = split_edges(edges, np.array([z_f]))
    a, b = edges[:-1], edges[1:]
    bins = BaseBins(p_emp=prob(a, b), p_unw=prob(a + nu * s, b + nu * s),
                    k_unw=power_mean(a + nu * s, b + nu * s, -0.5 * s * s, s, 1.0),
                    k_x=power_mean(a, b, mu_l, s, 1.0 - nu),
                    k_psi=power_mean(a, b, mu_l, s, p.psi))
    if p.industry_concentration == 0.0:
        return bins
    return BaseBins(p_emp=np.repeat(bins.p_emp / g, g), p_unw=np.repeat(bins.p_unw / g, g),
                    k_unw=np.repeat(bins.k_unw, g), k_x=np.repeat(bins.k_x, g),
                    k_psi=np.repeat(bins.k_psi, g), industry=np.tile(np.arange(g), a.size))


def sample_bins(p: Params, assets: np.ndarray) -> BaseBins:
    """One bin per firm of a given set (a realised sample of J firms' assets).

    The mean field conditional on the firms a simulation drew: it removes the sampling
    variation of a finite J from a comparison with that simulation. `assets` is in the
    simulation's firm order: with industries firm j is in industry j mod G.
    """
    assets = np.asarray(assets, dtype=float)
    order = np.argsort(assets, kind="stable")
    k = assets[order]
    k = k / k.mean()
    nu = p.size_elasticity
    emp = k ** nu
    industry = (order % p.n_industries if p.industry_concentration != 0.0 else None)
    return BaseBins(p_emp=emp / emp.sum(), p_unw=np.full(k.size, 1.0 / k.size), k_unw=k,
                    k_x=k ** (1.0 - nu), k_psi=k ** p.psi, industry=industry)


def firm_bins(p: Params, base: BaseBins, shift: np.ndarray | None = None) -> FirmBins:
    """Firm bins after relative assets moved by `shift` (m per base bin; None: 1).

    k = k̂·m/c with c = E[k̂·m] over firms, so employment (∝ k^ν) moves by m^ν, asset
    services per job by (m/c)^(1−ν) and proprietary access by (m/c)^ψ, both at least the
    fringe's (k_f = `fringe_assets`), access renormalised over employment as in
    `abm.steps.production.ai_access`.
    """
    nu = p.size_elasticity
    m = np.ones(base.p_emp.size) if shift is None else np.asarray(shift, dtype=float)
    c = float(wdot(base.p_unw, base.k_unw * m))
    rel = m / c
    p_emp = base.p_emp * m ** nu
    p_emp = p_emp / p_emp.sum()
    k_f = p.fringe_assets
    x = np.maximum(base.k_x * rel ** (1.0 - nu), k_f ** (1.0 - nu))
    if p.concentration:
        kp = np.maximum(base.k_psi * rel ** p.psi, k_f ** p.psi)     # E_L[k̃^ψ | bin]
        norm = float(wdot(p_emp, kp))
        access = p.eta0 + p.eta1 * kp / norm
        fringe, vendor = p.eta0 + p.eta1 * k_f ** p.psi / norm, p.eta0
    else:
        access = np.full(m.size, p.eta0 + p.eta1)
        fringe = vendor = p.eta0 + p.eta1
    k = base.k_unw * rel
    order = np.argsort(k, kind="stable")
    return FirmBins(p_emp[order], base.p_unw[order], x[order], access[order], fringe,
                    vendor, order, k[order],
                    None if base.industry is None else base.industry[order])


# ---------------------------------------------------------------------------------------
# workers: education and the allocation to firms
# ---------------------------------------------------------------------------------------
def produce(p: Params, h_phi: np.ndarray, ai: np.ndarray | float,
            scale: float | None) -> np.ndarray:
    """Task output of `abm.steps.technology` (scalars broadcast; scale: m_z if neutral)."""
    return task_output(h_phi, ai, form=p.augmentation, rho=p.rho,  # type: ignore[arg-type]
                       mult_elasticity=p.mult_elasticity, tool_base=p.tool_base,
                       neutral_scale=scale)  # type: ignore[arg-type]


def education_thresholds(p: Params, g: TaskGroup, price: float, ai_c: float,
                          unit_cost: float, employ: float, scale: float | None,
                          mu: float, s: float) -> np.ndarray:
    """z-values of log ability at which the chosen education level switches.

    The payoff P·p_z·y(θ·e^{γe}·φ) − c·e²/θ has increasing differences in (θ, e), so
    the chosen level is non-decreasing in θ: find the switches on a fine grid, then
    refine each by root-finding the payoff difference (continuity of every prediction
    in the parameters depends on these being exact).
    """
    if s == 0.0:
        return np.empty(0)
    levels = np.arange(p.n_edu_levels)

    def payoff(z: np.ndarray, e: np.ndarray) -> np.ndarray:
        theta = np.exp(mu + s * z)
        h_phi = g.human_input(theta * np.exp(p.edu_return * p.years_per_level * e))
        return employ * price * produce(p, h_phi, ai_c, scale) - unit_cost * e * e / theta

    z = np.linspace(-8.5, 8.5, 681)      # 0.025 apart: closer switches are not split
    pay = payoff(z[:, None], levels[None, :].astype(float))
    choice = np.argmax(pay, axis=1)
    at = np.flatnonzero(choice[1:] != choice[:-1])
    if at.size == 0:
        return np.empty(0)
    lo_e, hi_e = choice[at], choice[at + 1]
    lo, hi = z[at], z[at + 1]
    d_lo = pay[at, hi_e] - pay[at, lo_e]          # < 0: the lower level is better
    d_hi = pay[at + 1, hi_e] - pay[at + 1, lo_e]  # > 0
    lo_e, hi_e = lo_e.astype(float), hi_e.astype(float)
    for _ in range(12):       # Illinois false position: superlinear, keeps the bracket
        x = lo - d_lo * (hi - lo) / (d_hi - d_lo)
        d = payoff(x, hi_e) - payoff(x, lo_e)
        left = d < 0
        d_hi = np.where(left, 0.5 * d_hi, d)
        hi = np.where(left, hi, x)
        d_lo = np.where(left, d, 0.5 * d_lo)
        lo = np.where(left, x, lo)
        if np.all(hi - lo < 1e-13):
            break
    return lo - d_lo * (hi - lo) / (d_hi - d_lo)


@dataclass
class Cells:
    """Worker cells of one task group: (ability bin × firm bin), mass within the task."""

    mass: np.ndarray
    h_phi: np.ndarray
    education: np.ndarray
    employed: np.ndarray
    firm: np.ndarray            # firm bin (−1 if unemployed)


def allocate(p: Params, g: TaskGroup, edu_z: np.ndarray,
             edu_level: Callable[[np.ndarray], np.ndarray], res: Resolution,
             firms: FirmBins, matching: str, mu: float, s: float, job_rate: float,
             density: Density | None, jobs: np.ndarray) -> Cells:
    """Cells of one task group: ability bins split at education switches and job edges.

    Unemployed: the bottom 1 − job_rate of the task. Assortative: the employed worker of
    rank u is at the firm bin holding the group's job rank u. Random: each employed cell
    is spread over all firm bins in proportion to their jobs. `density`: the group's
    distribution of z when occupational choice makes it differ from the population's
    (`analysis.regimes.occupations`); ranks are then taken within it (None: the
    population's). `jobs`: each firm bin's share of the group's jobs
    (`analysis.regimes.industries`).
    """
    if density is None:
        quantile, cdf = ndtri, ndtr
    else:
        quantile, cdf = density.quantile, density.cdf
    z_u = float(quantile(1.0 - job_rate)) if job_rate < 1.0 else -np.inf
    n_k = firms.p_emp.size
    extra = [edu_z, np.array([z_u])]
    if density is not None:
        extra.append(density.cuts)
    if matching == "assortative":
        u_edges = np.cumsum(jobs)[:-1]
        extra.append(quantile(np.clip(1.0 - job_rate + job_rate * u_edges, 0.0, 1.0)))
    edges = split_edges(quantile_edges(res.n_theta), np.concatenate(extra))
    a, b = edges[:-1], edges[1:]
    mass = prob(a, b)
    if density is not None:           # only the intervals where the group has workers
        mid0 = np.where(np.isfinite(a) & np.isfinite(b), 0.5 * (a + b),
                        np.where(np.isfinite(a), a + 1.0, b - 1.0))
        mass = mass * density.weight_at(mid0)
        keep = mass > 0
        a, b, mass = a[keep], b[keep], mass[keep]
    theta = power_mean(a, b, mu, s, 1.0) if s > 0 else np.ones(a.size)
    mid = np.where(np.isfinite(a) & np.isfinite(b), 0.5 * (a + b),
                   np.where(np.isfinite(a), a + 1.0, b - 1.0))
    edu = edu_level(mid).astype(float)
    employed = a >= z_u - 1e-12
    h_phi = g.human_input(theta * np.exp(p.edu_return * p.years_per_level * edu))
    if matching == "assortative":
        u_mid = (cdf(mid) - (1.0 - job_rate)) / job_rate
        cum = np.r_[0.0, np.cumsum(jobs)]
        firm = np.clip(np.searchsorted(cum, u_mid, side="right") - 1, 0, n_k - 1)
        firm = np.where(employed, firm, -1)
        return Cells(mass, h_phi, edu, employed, firm)
    # random matching: every employed cell is spread over all firm bins by employment
    emp = np.flatnonzero(employed)
    une = np.flatnonzero(~employed)
    rep = np.repeat(emp, n_k)
    fb = np.tile(np.arange(n_k), emp.size)
    return Cells(np.r_[mass[rep] * jobs[fb], mass[une]],
                  np.r_[h_phi[rep], h_phi[une]], np.r_[edu[rep], edu[une]],
                  np.r_[np.ones(rep.size, bool), np.zeros(une.size, bool)],
                  np.r_[fb, -np.ones(une.size, np.int64)])


def level_pay(p: Params, g: TaskGroup, omega: float, ai_c: float, scale: float | None,
              unit_cost: float, mu: float, s: float, z: np.ndarray) -> np.ndarray:
    """Net income at each education level (columns) of workers at log-ability z (rows).

    P·ω_g·y(θ·e^(γ·y_e·e)·φ_g, α_g·A·c_f) − κ(1 − s)·e²·w̄/θ, P the job rate (no
    credential requirement in the mean field), `unit_cost` = κ(1 − s)·w̄: what the
    education choice maximises (`education_thresholds` finds its switch points).
    """
    levels = np.arange(p.n_edu_levels)
    theta = np.exp(mu + s * np.asarray(z, dtype=float))[:, None]
    h_phi = g.human_input(theta * np.exp(p.edu_return * p.years_per_level * levels[None, :]))
    return (p.job_rate * omega * produce(p, h_phi, ai_c, scale)
            - unit_cost * levels[None, :] ** 2 / theta)
