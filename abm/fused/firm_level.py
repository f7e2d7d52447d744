"""The phases' firm- and task-level formulas, powers included, compiled.

Each kernel is the numpy code of `abm.steps` it names, evaluated in one loop with
numpy's arithmetic reproduced by `abm.fused.numpy_math` (array powers with scalar
exponents, pairwise sums, masked sums), so it gives the same numbers. Outside
the per-worker loops these formulas are a few dozen numpy calls on arrays of firms and
tasks; in a run of a few thousand workers their per-call overhead is a sizeable part
of the period. The phases call them only where numpy's loops are libm's
(`numpy_math.COMPILED`, rule 3 of `abm.fused`); elsewhere the production phase's
formulas run in stages between numpy's powers (`firm_stages`), the hiring phase's in numpy.
"""

from __future__ import annotations

import math

import numpy as np

from abm.fused.firm_stages import access_of, bases_of, total_of
from abm.fused.jit import inner, kernel
from abm.fused.production import task_totals
from abm.fused.numpy_math import COMPILED, array_power, pairwise_sum

OPTIONAL_KERNELS = () if COMPILED else ("job_shares", "choice_weights", "firm_inputs",
                                        "team_outputs", "task_prices", "labour_prices")
"""Where numpy's powers are not libm's the phases take other routes and call none
of these (`abm.feedback`)."""

_task_totals = task_totals.dispatcher


@kernel
def job_shares(assets: np.ndarray, size_elasticity: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """Firm size k^ν and its share of all firms' (the hiring phase's job shares).

    numpy: k = K / (ΣK / J) (`steps.production.relative_assets`); s = k**ν;
    s / Σs.
    """
    n = assets.shape[0]
    mean = pairwise_sum(assets) / n
    size = np.empty(n)
    for j in range(n):
        size[j] = array_power(assets[j] / mean, size_elasticity)
    total = pairwise_sum(size)
    shares = np.empty(n)
    for j in range(n):
        shares[j] = size[j] / total
    return size, shares


@kernel
def choice_weights(rent_factor: np.ndarray, beta: float) -> np.ndarray:
    """`steps.matching.choice_weights`: (R_j / max R)^β, all 1 without a positive max.

    numpy's max is NaN if any factor is, and NaN is not positive.
    """
    n = rent_factor.shape[0]
    top = 0.0
    for j in range(n):
        v = rent_factor[j]
        if math.isnan(v):
            top = math.nan
            break
        if j == 0 or v > top:
            top = v
    out = np.empty(n)
    for j in range(n):
        ratio = rent_factor[j] / top if top > 0 else 1.0
        out[j] = array_power(ratio, beta)
    return out


@kernel
def firm_inputs(assets: np.ndarray, log_productivity: np.ndarray, shocks: np.ndarray,
                employment: np.ndarray, persistence: float, shock_sd: float,
                half_variance: float, eta0: float, eta1: float, psi: float,
                concentration: bool, fringe: float, services_exponent: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """Log productivity, TFP, AI access, the fringe's access and asset services per firm.

    numpy: a' = ρ·a + σ·shock; A = exp(a' − var/2) (`firm_technology.productivity`);
    k = K / (ΣK / J) (`relative_assets`); `ai_access(k, ...)`; x = max(k, k_f)^(1−ν)
    (`firm_technology.asset_services`). Returns (a', A, access, fringe access, x).
    """
    n = assets.shape[0]
    log_a = np.empty(n)
    tfp = np.empty(n)
    for j in range(n):
        log_a[j] = persistence * log_productivity[j] + shock_sd * shocks[j]
        tfp[j] = math.exp(log_a[j] - half_variance)
    mean = pairwise_sum(assets) / n
    floor_k = np.empty(n)                    # max(k, k_f)
    services = np.empty(n)
    for j in range(n):
        k = assets[j] / mean
        floor_k[j] = k if k >= fringe else fringe
        services[j] = array_power(floor_k[j], services_exponent)
    if not concentration:
        level = eta0 + eta1
        access = np.empty(n)
        for j in range(n):
            access[j] = level
        return log_a, tfp, access, level, services
    kp = np.empty(n)
    for j in range(n):
        kp[j] = array_power(floor_k[j], psi)
    access, norm = access_of(kp, employment, eta0, eta1)
    return log_a, tfp, access, eta0 + eta1 * fringe ** psi / norm, services


@inner
def _ces(u: float, x: float, x_r: float, lam: float, r: float, cd_tolerance: float
         ) -> float:
    """`firm_technology.ces` of one team, given x^r (used only off the Cobb-Douglas)."""
    if lam == 0.0:
        return u
    if abs(r) < cd_tolerance:
        return array_power(u, 1.0 - lam) * array_power(x, lam)
    return array_power((1.0 - lam) * array_power(u, r) + lam * x_r, 1.0 / r)


@inner
def _teams(labour: np.ndarray, jobs: np.ndarray, skill_intensity: np.ndarray,
           x: np.ndarray, x_r: np.ndarray, tfp: np.ndarray, lam: float, r: float,
           markup: float, cd_tolerance: float, n_tasks: int) -> np.ndarray:
    out = np.zeros(labour.shape[0])
    for c in range(jobs.shape[0]):
        if jobs[c] > 0:
            scale = float(jobs[c]) * skill_intensity[c % n_tasks]
            j = c // n_tasks
            ces = _ces(labour[c] / scale, x[j], x_r[j], lam, r, cd_tolerance)
            out[c] = tfp[j] * (scale * (1.0 + markup) * ces)
    return out


@kernel
def team_outputs(labour: np.ndarray, labour_c: np.ndarray, jobs: np.ndarray,
                 skill_intensity: np.ndarray, x: np.ndarray, tfp: np.ndarray, lam: float,
                 r: float, markup: float, cd_tolerance: float, n_tasks: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Team outputs at firms' and at commodity access, and task outputs Y_z.

    numpy: `steps.production.team_outputs` of L and of L^c (the same array when
    L^c = L, as there), then Y_z = Σ_j Q_jz with firms in index order
    (`fused.production.task_totals`).
    """
    x_r = np.empty(x.shape[0])               # x^r once per firm, as numpy takes it
    if lam != 0.0 and abs(r) >= cd_tolerance:
        for j in range(x.shape[0]):
            x_r[j] = array_power(x[j], r)
    team = _teams(labour, jobs, skill_intensity, x, x_r, tfp, lam, r, markup,
                  cd_tolerance, n_tasks)
    same = True
    for c in range(labour.shape[0]):
        if labour[c] != labour_c[c]:
            same = False
            break
    team_c = team if same else _teams(labour_c, jobs, skill_intensity, x, x_r, tfp, lam,
                                      r, markup, cd_tolerance, n_tasks)
    return team, team_c, _task_totals(team, labour.shape[0] // n_tasks, n_tasks)


@kernel
def task_prices(output: np.ndarray, weight: np.ndarray, sigma: float,
                previous: np.ndarray, r_geometric: float
                ) -> tuple[np.ndarray, float, bool]:
    """`steps.production.ces_prices` in its power form; False where it takes another.

    Returns (prices, Y, True), or (_, _, False) where the numpy code would not use the
    power form: no task with output, |r| below `r_geometric`, or a sum, total or price
    that is not finite and positive (the caller then runs the numpy code, which takes
    the log form).
    """
    n = output.shape[0]
    price = np.empty(n)
    present, safe, anyone = bases_of(output)   # present: not empty, output > 0
    r = (sigma - 1.0) / sigma
    if not anyone or abs(r) < r_geometric:
        return price, 0.0, False
    terms = np.empty(n)
    for z in range(n):
        terms[z] = weight[z] * array_power(safe[z], r)
    total = total_of(terms, present, r)
    if not total > 0.0:
        return price, 0.0, False
    inverse = 1.0 / sigma
    for z in range(n):
        price[z] = weight[z] * array_power(total / safe[z], inverse)
        if not (0.0 < price[z] < math.inf):
            return price, 0.0, False
    for z in range(n):
        if not present[z]:
            price[z] = previous[z]
    return price, total, True


@kernel
def labour_prices(price: np.ndarray, sum_c: np.ndarray, n_task: np.ndarray,
                  skill_intensity: np.ndarray, previous: np.ndarray, markup: float,
                  lam: float, r: float, cd_tolerance: float, fringe: float,
                  services_exponent: float) -> np.ndarray:
    """`steps.production.labour_price`: ω_z = p_z·(1 + m_K)·C_u(ū^c_z, x_f).

    x_f = max(k_f, k_f)^(1−ν) is the fringe's asset services, as numpy computes it for
    every task.
    """
    x_f = array_power(fringe, services_exponent)
    out = previous.copy()
    for z in range(price.shape[0]):
        if n_task[z] > 0:
            u = sum_c[z] / (float(n_task[z]) * skill_intensity[z])
            slope = 1.0
            if lam != 0.0:
                ces = _ces(u, x_f, array_power(x_f, r), lam, r, cd_tolerance)
                slope = (1.0 - lam) * array_power(ces / u, 1.0 - r)
            out[z] = price[z] * (1.0 + markup) * slope
    return out

