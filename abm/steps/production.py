"""Phase 4: production, task outputs and economy-wide CES task prices (link 2).

Worker i at firm j on task z produces y_i = f(h_i·φ(z), α(z)·A_t·access_j) (see
`technology`). The firm's team on task z combines its workers' output L_jz = Σ y_i with
the firm's complementary assets (distribution, brand, data: what AI cannot replicate)
in the CES of `firm_technology`: Q_jz = n_jz·φ_z·(1 + m_K)·C(L_jz/(n_jz·φ_z), x_j), with
x_j = max(k_j^(1−ν), x_f) asset services per job. Task output Y_z = Σ_j Q_jz is combined
into the final good by a CES with elasticity σ; task prices are the marginal products
p_z = β_z·(Y/Y_z)^(1/σ), so Σ_z p_z·Y_z = Y (Euler) and output is fully paid out in the
rent-sharing phase.

The labour market's price of a unit of worker output on task z is what the competitive
fringe (an employer with asset services x_f per job, at the task's mean commodity-AI
output) would pay for it, its marginal value ω_z = p_z·(1 + m_K)·C_u(ū^c_z, x_f): every
worker's outside option is ω_z·y^c_i less the AI vendors' share (`rent_sharing`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import production as loops
from abm.metrics import dot
from abm.state import blocks
from abm.steps import firm_formulas, firm_technology
from abm.steps.firm_formulas import fringe_services
from abm.steps.technology import skill_input, task_output

if TYPE_CHECKING:
    from abm.engine import Engine
    from abm.params import Params
    from abm.state import Economy


def relative_assets(assets: np.ndarray) -> np.ndarray:
    """k_j = K_j / mean(K): only relative assets matter for access, size and markup."""
    return assets / (np.add.reduce(assets) / assets.size)


def ai_access(k: np.ndarray, eta0: float, eta1: float, psi: float, concentration: bool,
              employment: np.ndarray | None = None, fringe: float = 0.0
              ) -> tuple[np.ndarray, float]:
    """Firm AI access and the access of the competitive fringe (the outside option's).

    Commodity AI (η0) is sold to all alike. Proprietary AI (η1) scales with the firm's
    assets with capital intensity ψ: access_j = η0 + η1·k̃_j^ψ / E_L[k̃^ψ] with
    k̃ = max(k, k_f) (a firm below the fringe operates as the fringe), normalised by the
    employment-weighted mean so that the average worker's access is η0 + η1 whatever the
    asset distribution: η0 + η1 is the economy's AI intensity and η1/(η0 + η1) its
    proprietary share; ψ and Gini(K) decide who holds it. The fringe's access
    η0 + η1·k_f^ψ / E_L[k̃^ψ] is what every employer can offer, so competition passes it
    to workers: at ψ = 0 every employer has all the AI there is, proprietary or not.
    With the concentrating channel off all AI is commodity: η0 + η1 everywhere.
    """
    if not concentration:
        level = eta0 + eta1
        return np.full(k.shape, level), level
    kp = np.maximum(k, fringe) ** psi
    workers = 0 if employment is None else int(np.add.reduce(employment))
    if workers > 0:
        norm = dot(employment, kp) / float(workers)
    else:
        norm = float(kp.mean())
    return eta0 + eta1 * kp / norm, eta0 + eta1 * fringe ** psi / norm


def ces_prices(task_output_z: np.ndarray, weight: np.ndarray, sigma: float,
               previous: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Task prices p_z and aggregate output Y of the CES Y = (Σ β_z Y_z^r)^(1/r), r = (σ−1)/σ.

    σ = 1 is the Cobb-Douglas limit (β sums to 1). A task with no output keeps its
    previous price (nobody is paid it this period), so prices stay finite; with no
    output at all Y = 0 and every price is kept.

    The power form is used wherever it is finite and positive (bit for bit as before).
    For |r| < `R_GEOMETRIC`, or where a power over- or underflows (σ < 1 makes r very
    negative: Y_z^r is out of range for moderate Y_z), the same numbers are computed in
    logs (`ces_prices_log`).
    """
    y = np.asarray(task_output_z, dtype=float)
    fast = firm_formulas.task_prices(          # the power form below, compiled
        y, np.asarray(weight, dtype=float), float(sigma),
        np.asarray(weight if previous is None else previous, dtype=float), R_GEOMETRIC)
    if fast is not None:
        return fast
    empty = y <= 0
    if empty.all():
        return np.array(weight if previous is None else previous, dtype=float), 0.0
    safe = np.where(empty, 1.0, y)
    if abs(sigma - 1.0) < 1e-9:
        total = float(np.exp(np.add.reduce(weight * np.log(safe), where=~empty)))
        price = weight * total / safe
    else:
        r = (sigma - 1.0) / sigma
        ok = abs(r) >= R_GEOMETRIC
        if ok:
            with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                s = float(np.add.reduce(weight * safe ** r, where=~empty))
                try:
                    total = s ** (1.0 / r) if 0.0 < s < math.inf else math.nan
                except OverflowError:
                    total = math.nan
                price = weight * (total / safe) ** (1.0 / sigma)
            ok = 0.0 < total < math.inf and bool(np.all((price > 0) & (price < math.inf)))
        if not ok:
            price, total = ces_prices_log(safe, weight, empty, sigma)
    if empty.any():
        price = np.where(empty, previous if previous is not None else weight, price)
    return price, total


R_GEOMETRIC = 1e-4
"""|r| = |σ−1|/σ below which `ces_prices` works in logs: the power form's sum is then
Σβ + O(r), and raising it to 1/r multiplies its rounding error by 1/r."""


def ces_prices_log(safe: np.ndarray, weight: np.ndarray, empty: np.ndarray, sigma: float
                   ) -> tuple[np.ndarray, float]:
    """`ces_prices` of the non-empty tasks in logs: ln Y = ln(Σ β_z·exp(r·ln Y_z))/r.

    The sum is a log-sum-exp shifted by its largest term, or, for |r| < `R_GEOMETRIC`,
    log1p(Σβ − 1 + Σ β·expm1(r·ln Y_z)), which tends to the Cobb-Douglas Σ β·ln Y_z as
    r → 0 without cancellation. Prices are p_z = β_z·exp((ln Y − ln Y_z)/σ).
    """
    r = (sigma - 1.0) / sigma
    log_y = np.log(safe)
    present = ~empty
    if abs(r) < R_GEOMETRIC:
        excess = math.fsum(weight[present]) - 1.0
        log_sum = math.log1p(excess + float(np.add.reduce(weight * np.expm1(r * log_y),
                                                          where=present)))
    else:
        with np.errstate(divide="ignore"):
            terms = np.log(weight) + r * log_y
        top = float(np.max(terms[present]))
        log_sum = top + math.log(float(np.add.reduce(np.exp(terms - top), where=present)))
    log_total = log_sum / r
    price = weight * np.exp((log_total - log_y) / sigma)
    return price, math.exp(log_total)


def ai_input(tasks_ai_weight: np.ndarray, augmentable: np.ndarray, task: np.ndarray,
             capability_now: float, access: np.ndarray | float) -> np.ndarray:
    """α(z)·A_t·access for each worker (zero outside S(A_t))."""
    per_task = tasks_ai_weight * capability_now * augmentable
    return per_task[task] * access


def human_input(params: Params, eco: Economy) -> np.ndarray:
    """h^λ(z) of every worker on her current task (`technology.skill_input`).

    The workers' `human_capital` array itself without a spread of returns (the default),
    decided from the parameter so that the default economy pays nothing per call.
    """
    w = eco.workers
    if params.skill_return_spread == 0.0:
        return w.human_capital
    return skill_input(w.human_capital, w.task, eco.tasks.skill_return)


def neutral_scale_by_task(params: Params, eco: Economy) -> np.ndarray | None:
    """m_z, mean hφ of the workers on task z, when homogenization is off, else None.

    NaN for a task nobody works on (occupational choice can empty one): no worker's
    output uses it, and as a candidate task its NaN income is never chosen.
    """
    if params.homogenization:
        return None
    w, t = eco.workers, eco.tasks
    h_phi = human_input(params, eco) * t.skill_intensity[w.task]
    total = np.bincount(w.task, weights=h_phi, minlength=t.n)
    count = np.bincount(w.task, minlength=t.n)
    with np.errstate(invalid="ignore"):
        return total / count


def neutral_scale(params: Params, eco: Economy) -> np.ndarray | None:
    """Per-worker m_z (mean hφ on the worker's task) when homogenization is off, else None."""
    m = neutral_scale_by_task(params, eco)
    return None if m is None else m[eco.workers.task]


def outputs(params: Params, eco: Economy, access: np.ndarray | float,
            sel: np.ndarray | None = None) -> np.ndarray:
    """Task output of workers `sel` (all if None) at the given AI access."""
    w, t = eco.workers, eco.tasks
    task = w.task if sel is None else w.task[sel]
    h = human_input(params, eco)
    h_phi = (h if sel is None else h[sel]) * t.skill_intensity[task]
    ai = ai_input(t.ai_weight, t.augmentable, task, eco.ai_capability, access)
    scale = neutral_scale(params, eco)
    if scale is not None and sel is not None:
        scale = scale[sel]
    return task_output(h_phi, ai, form=params.augmentation, rho=params.rho,
                       mult_elasticity=params.mult_elasticity, tool_base=params.tool_base,
                       neutral_scale=scale)


def run(model: Engine) -> None:
    """Outputs of employed workers, team and task outputs, task prices, labour prices.

    Per-worker outputs are written straight into the state arrays (zero for the
    unemployed) by one fused loop (`fused.production.outputs`), which also adds the
    sums by task and by team (firm × task) in worker order, as `bincount` would. The
    CES and multiplicative forms compute outputs with numpy first, block by block (they
    need numpy's `power`). The firm- and task-level formulas (firms' productivity,
    access and asset services; team and task outputs; task and labour prices) are one
    compiled call each where numpy's powers are libm's (`fused.firm_level`, the same
    numbers), and elsewhere compiled stages between numpy's powers (`firm_formulas`);
    the numpy code below is the reference, and what runs where neither route applies.
    """
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    f.employment = loops.employment(w.employer, f.n)
    # firms' productivity: one draw per firm every period, whatever the parameters
    shocks = model.streams["firms"].standard_normal(f.n)
    inputs = firm_formulas.firm_inputs(p, f, shocks)   # the numpy code below, compiled
    if inputs is not None:
        (f.log_productivity, tfp, f.ai_access, fringe, f.asset_productivity) = inputs
    else:
        f.log_productivity = (p.firm_shock_persistence * f.log_productivity
                              + p.firm_shock_sd * shocks)
        tfp = firm_technology.productivity(f.log_productivity, p.firm_shock_sd,
                                           p.firm_shock_persistence)
        k = relative_assets(f.assets)
        f.ai_access, fringe = ai_access(k, p.eta0, p.eta1, p.psi, p.concentration,
                                        f.employment, p.fringe_assets)
        f.asset_productivity = firm_technology.asset_services(k, p.size_elasticity,
                                                              p.fringe_assets)
    eco.fringe_access = fringe
    commodity = vendor_access(p)

    scale = neutral_scale(p, eco)
    form = {"form": p.augmentation, "rho": p.rho, "mult_elasticity": p.mult_elasticity,
            "tool_base": p.tool_base}
    access = f.ai_access
    code = fused.form_code(p.augmentation, scale is not None)
    h = human_input(p, eco)
    if code is None:               # CES or multiplicative: power stays in numpy
        code = fused.PRECOMPUTED
        # AI input per unit of access by task: ai_input(...) with access 1
        ai_per_task = t.ai_weight * eco.ai_capability * t.augmentable
        for b in blocks(w.n):
            task = w.task[b]
            h_phi = h[b] * t.skill_intensity[task]
            ai_task = ai_per_task[task]
            w.output[b] = task_output(h_phi, ai_task * access[w.employer[b]], **form)
            w.outside_output[b] = task_output(h_phi, ai_task * fringe, **form)
            w.commodity_gain[b] = (task_output(h_phi, ai_task * commodity, **form)
                                   - task_output(h_phi, ai_task * 0.0, **form))
    cells = f.n * t.n
    labour, labour_c = np.empty(cells), np.empty(cells)
    jobs = np.empty(cells, dtype=np.int64)
    n_task, sum_c = loops.outputs(w.task, w.employer, h, t.skill_intensity, t.ai_weight,
                                  float(eco.ai_capability), t.augmentable, access,
                                  float(fringe), float(commodity),
                                  fused.EMPTY if scale is None else scale, code, w.output,
                                  w.outside_output, w.commodity_gain, w.ai_use,
                                  labour, labour_c, jobs, t.n)
    lam = firm_technology.asset_share(p.asset_markup)
    r = firm_technology.exponent(p.asset_elasticity)
    x = f.asset_productivity
    fast = firm_formulas.teams(labour, labour_c, jobs, t.skill_intensity, x, tfp, lam, r,
                               p.asset_markup, f.n)    # the numpy code below, compiled
    if fast is not None:
        team, team_c, t.output = fast
    else:
        # x^r once per firm, not per team (the same power of the same values)
        x_r = x ** r if lam != 0.0 and abs(r) >= firm_technology.CD_TOLERANCE else None
        team = team_outputs(labour, jobs, t.skill_intensity, x, x_r, tfp, lam, r,
                            p.asset_markup)
        # at commodity access: the same teams' output unless some firm's AI exceeds
        # the fringe's
        team_c = (team if loops.same_values(labour, labour_c) else
                  team_outputs(labour_c, jobs, t.skill_intensity, x, x_r, tfp, lam, r,
                               p.asset_markup))
        t.output = loops.task_totals(team, f.n, t.n)
    eco.team_output, eco.team_output_c = team, team_c
    eco.team_labour = labour
    price, total = ces_prices(t.output, t.weight, p.sigma, previous=t.price)
    if p.price_effects or eco.period <= 0 or eco.base_price.size == 0:
        t.price = price
        if eco.period <= 0:
            eco.base_price = price.copy()
    else:
        t.price = eco.base_price.copy()
    t.labour_price = labour_price(t.price, sum_c, n_task, t.skill_intensity, p, previous=t.labour_price)
    eco.output_total = float(np.add.reduce(t.price * t.output))


def team_outputs(labour: np.ndarray, jobs: np.ndarray, skill: np.ndarray, x: np.ndarray,
                 x_r: np.ndarray | None, tfp: np.ndarray, lam: float, r: float,
                 asset_markup: float) -> np.ndarray:
    """`firm_technology.team_output` over the J·Z cells, from per-firm x, x^r and A.

    The same numbers: only the staffed teams are evaluated, their u = L/(n·φ) found in
    one loop (`fused.production.team_cells`); the CES's powers stay in numpy (rule 3),
    x^r (`x_r`, None for the Cobb-Douglas and no-asset forms) taken per firm and
    gathered, which is the same power of the same values as per team.
    """
    cell, firm, scale, u = loops.team_cells(labour, jobs, skill, skill.size)
    if x_r is None:
        c = firm_technology.ces(u, x[firm], lam, r)
    else:
        c = ((1.0 - lam) * u ** r + lam * x_r[firm]) ** (1.0 / r)
    return loops.team_values(cell, firm, scale, c, tfp, float(asset_markup), labour.size)


def vendor_access(p: Params) -> float:
    """Access to the AI that vendors sell: η0 (all AI with the concentrating channel off)."""
    return p.eta0 if p.concentration else p.eta0 + p.eta1


def labour_price(price: np.ndarray, sum_c: np.ndarray, n_task: np.ndarray,
                 skill: np.ndarray, p: Params, previous: np.ndarray) -> np.ndarray:
    """ω_z = p_z·(1 + m_K)·C_u(ū^c_z, x_f), x_f = k_f^(1−ν): the fringe's value of a unit
    of worker output.

    ū^c_z = Σ y^c / (n_z·φ_z) is the task's mean commodity-AI output per unit of skill
    intensity. A task with nobody employed keeps its previous ω.
    """
    fast = firm_formulas.labour_prices(price, sum_c, n_task, skill, p, previous)
    if fast is not None:             # the numpy code below, compiled
        return fast
    lam = firm_technology.asset_share(p.asset_markup)
    r = firm_technology.exponent(p.asset_elasticity)
    has = n_task > 0
    out = previous.copy()
    u = sum_c[has] / (n_task[has] * skill[has])
    slope = firm_technology.ces_labour_slope(u, fringe_services(p.fringe_assets,
                                                                p.size_elasticity), lam, r)
    out[has] = price[has] * (1.0 + p.asset_markup) * slope
    return out
