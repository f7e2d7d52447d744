"""The production phase's firm- and task-level formulas by their fastest exact route.

Three routes give the same numbers, bit for bit, wherever each runs. The numpy code in
`steps.production` (`ai_access`, `ces_prices`, `labour_price`, `firm_technology`)
states the formulas and is the reference. Where numpy's powers are libm's (`numpy_math.COMPILED`) each formula
is one compiled call (`fused.firm_level`). Elsewhere (numpy's AVX-512 powers) the
formulas are staged: compiled kernels for the arithmetic between the powers, numpy for
the powers themselves (`fused.firm_stages`), a handful of calls instead of a dozen or
two numpy calls on arrays of 20-100 values each.

Each function returns None where neither fast route applies (a case the numpy code
treats apart: Cobb-Douglas limits, no assets, no output anywhere, a power form that
fails); the phase then runs the numpy code. `STAGED` False switches the staged route
off (the tests compare it with the numpy code on every machine).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from abm.fused import firm_level, numpy_math
from abm.fused import firm_stages as stages
from abm.fused import production as loops
from abm.steps import firm_technology

if TYPE_CHECKING:
    from abm.params import Params
    from abm.state import Firms

STAGED = True
"""Take the staged route where the compiled one does not apply (False: the numpy code)."""

FirmInputs = tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]


def firm_inputs(p: Params, f: Firms, shocks: np.ndarray) -> FirmInputs | None:
    """(a', TFP, AI access, the fringe's access, asset services x) of every firm.

    The numpy code: `steps.production.run`'s firms' block (`firm_technology.
    productivity`, `relative_assets`, `ai_access`, `firm_technology.asset_services`).
    """
    half = firm_technology.half_variance(p.firm_shock_sd, p.firm_shock_persistence)
    if numpy_math.COMPILED:
        return firm_level.firm_inputs(
            f.assets, f.log_productivity, shocks, f.employment,
            float(p.firm_shock_persistence), float(p.firm_shock_sd), half,
            float(p.eta0), float(p.eta1), float(p.psi), bool(p.concentration),
            float(p.fringe_assets), 1.0 - p.size_elasticity)
    if not STAGED:
        return None
    log_a, tfp, floor_k = stages.firm_floors(
        f.assets, f.log_productivity, shocks, float(p.firm_shock_persistence),
        float(p.firm_shock_sd), half, float(p.fringe_assets))
    np.exp(tfp, out=tfp)             # a' − var/2 in, TFP out: numpy's exp
    services = floor_k ** (1.0 - p.size_elasticity)
    if not p.concentration:
        level = p.eta0 + p.eta1
        return log_a, tfp, np.full(floor_k.shape, level), level, services
    access, fringe = stages.firm_access(floor_k ** p.psi, f.employment, float(p.eta0),
                                        float(p.eta1), float(p.fringe_assets ** p.psi))
    return log_a, tfp, access, fringe, services


def teams(labour: np.ndarray, labour_c: np.ndarray, jobs: np.ndarray, skill: np.ndarray,
          x: np.ndarray, tfp: np.ndarray, lam: float, r: float, markup: float,
          n_firms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Team outputs at firms' and at commodity access, and task outputs Y_z.

    The numpy code: `steps.production.run`'s teams' block (`team_outputs` of L and, if
    it differs, of L^c; `fused.production.task_totals`). Staged only off the
    Cobb-Douglas limit and with assets (λ ≠ 0).
    """
    n_tasks = skill.size
    if numpy_math.COMPILED:
        return firm_level.team_outputs(labour, labour_c, jobs, skill, x, tfp, lam, r,
                                       float(markup), firm_technology.CD_TOLERANCE,
                                       n_tasks)
    if not STAGED or lam == 0.0 or abs(r) < firm_technology.CD_TOLERANCE:
        return None
    x_r = x ** r                     # once per firm, as the numpy code takes it
    team = _staged_teams(labour, jobs, skill, x_r, tfp, lam, r, markup)
    team_c = (team if loops.same_values(labour, labour_c) else
              _staged_teams(labour_c, jobs, skill, x_r, tfp, lam, r, markup))
    return team, team_c, loops.task_totals(team, n_firms, n_tasks)


def _staged_teams(labour: np.ndarray, jobs: np.ndarray, skill: np.ndarray,
                  x_r: np.ndarray, tfp: np.ndarray, lam: float, r: float, markup: float
                  ) -> np.ndarray:
    """`steps.production.team_outputs` with x^r given, its sum compiled."""
    cell, firm, scale, u = loops.team_cells(labour, jobs, skill, skill.size)
    ces = stages.team_inner(u ** r, x_r, firm, lam) ** (1.0 / r)
    return loops.team_values(cell, firm, scale, ces, tfp, float(markup), labour.size)


def task_prices(output: np.ndarray, weight: np.ndarray, sigma: float,
                previous: np.ndarray, r_geometric: float
                ) -> tuple[np.ndarray, float] | None:
    """`steps.production.ces_prices` in its power form, or None where the numpy code
    takes another (σ = 1, |r| < `r_geometric`, no output, a power out of range)."""
    if abs(sigma - 1.0) < 1e-9:
        return None
    if numpy_math.COMPILED:
        price, total, ok = firm_level.task_prices(output, weight, float(sigma), previous,
                                                  r_geometric)
        return (price, total) if ok else None
    r = (sigma - 1.0) / sigma
    if not STAGED or abs(r) < r_geometric:
        return None
    present, safe, anyone = stages.price_bases(output)
    if not anyone:
        return None
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        ratio, total, ok = stages.price_ratios(weight, safe ** r, present, safe, r)
        if not ok:
            return None
        price, ok = stages.price_values(weight, ratio ** (1.0 / sigma), present, previous)
    return (price, total) if ok else None


def labour_prices(price: np.ndarray, sum_c: np.ndarray, n_task: np.ndarray,
                  skill: np.ndarray, p: Params, previous: np.ndarray) -> np.ndarray | None:
    """`steps.production.labour_price`, or None where the numpy code is taken (staged:
    without assets, λ = 0, and at the Cobb-Douglas limit)."""
    lam = firm_technology.asset_share(p.asset_markup)
    r = firm_technology.exponent(p.asset_elasticity)
    if numpy_math.COMPILED:
        return firm_level.labour_prices(price, sum_c, n_task, skill, previous,
                                         float(p.asset_markup), lam, r,
                                         firm_technology.CD_TOLERANCE,
                                         float(p.fringe_assets), 1.0 - p.size_elasticity)
    if not STAGED or lam == 0.0 or abs(r) < firm_technology.CD_TOLERANCE:
        return None
    staffed, u = stages.labour_inputs(sum_c, n_task, skill)
    x_r = fringe_services_power(p.fringe_assets, p.size_elasticity, r)
    ces = stages.labour_inner(u ** r, x_r, lam) ** (1.0 / r)
    slope_base = stages.labour_ratios(ces, u) ** (1.0 - r)
    return stages.labour_values(price, slope_base, staffed, previous,
                                float(p.asset_markup), lam)


@functools.lru_cache(maxsize=64)
def fringe_services(fringe: float, size_elasticity: float) -> np.ndarray:
    """x_f = max(k_f, k_f)^(1−ν), the fringe's asset services per job, as a read-only
    array of one value: numpy's power of it is that of every task's entry of a full
    array (the same value, lane by lane), and it broadcasts against the tasks. Fixed
    by the parameters, so taken once per set of them rather than every period."""
    x_f = firm_technology.asset_services(np.full(1, fringe), size_elasticity, fringe)
    x_f.flags.writeable = False
    return x_f


@functools.lru_cache(maxsize=64)
def fringe_services_power(fringe: float, size_elasticity: float, r: float) -> np.ndarray:
    """x_f^r, numpy's power of `fringe_services` (read-only, one value): the term
    λ·x_f^r of the fringe's CES, fixed by the parameters."""
    x_r = fringe_services(fringe, size_elasticity) ** r
    x_r.flags.writeable = False
    return x_r
