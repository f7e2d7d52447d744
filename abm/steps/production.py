"""Phase 4: production, task outputs and economy-wide CES task prices (link 2).

Worker i at firm j on task z produces y_i = f(h_i·φ(z), α(z)·A_t·access_j) (see
`technology`). Each job at firm j also carries the output of the firm's complementary
assets (distribution, brand, data: what AI cannot replicate), a_j·ȳ^c_z with
a_j = m_K·k_j^(1−ν) and ȳ^c_z the task's mean outside-option output: the asset's value
per job does not depend on who holds the job. Since employment is ∝ k^ν, pre-AI asset
returns are ∝ k_j exactly, so the asset distribution is stationary without AI.
Task output Y_z = Σ_{i on z} (y_i + a_j·ȳ^c_z) is combined into the final good by a CES
with elasticity σ; task prices are the marginal products p_z = β_z·(Y/Y_z)^(1/σ), so
Σ_z p_z·Y_z = Y (Euler) and output is fully paid out in the rent-sharing phase.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import production as loops
from abm.metrics import dot
from abm.state import blocks
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.model import LaborMarketModel
    from abm.params import Params
    from abm.state import Economy


def relative_assets(assets: np.ndarray) -> np.ndarray:
    """k_j = K_j / mean(K): only relative assets matter for access, size and markup."""
    return assets / (np.add.reduce(assets) / assets.size)


def ai_access(k: np.ndarray, eta0: float, eta1: float, psi: float, concentration: bool,
              employment: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Firm AI access and the commodity access every firm (and every worker) can get.

    Commodity AI (η0) is sold to all alike. Proprietary AI (η1) scales with the firm's
    assets with capital intensity ψ: access_j = η0 + η1·k_j^ψ / E_L[k^ψ], normalised by
    the employment-weighted mean so that the average worker's access is η0 + η1 whatever
    the asset distribution. η0 + η1 is thus the economy's AI intensity and
    η1/(η0 + η1) its proprietary share; ψ and Gini(K) decide who holds it. With the
    concentrating channel switched off all AI is commodity: access η0 + η1 everywhere.
    """
    if not concentration:
        level = eta0 + eta1
        return np.full(k.shape, level), level
    kp = k ** psi
    workers = 0 if employment is None else int(np.add.reduce(employment))
    if workers > 0:
        norm = dot(employment, kp) / float(workers)
    else:
        norm = float(kp.mean())
    return eta0 + eta1 * kp / norm, eta0


def asset_productivity(k: np.ndarray, asset_markup: float, size_elasticity: float) -> np.ndarray:
    """a_j = m_K·k^(1−ν): asset output per job, in units of the task's mean output.

    With employment ∝ k^ν a firm's asset output is ∝ k (scale-free, no drift before AI).
    """
    return asset_markup * k ** (1.0 - size_elasticity)


def asset_output(asset_prod: np.ndarray, firm: np.ndarray, task: np.ndarray,
                 outside_output: np.ndarray, n_tasks: int) -> np.ndarray:
    """a_j·ȳ^c_z for each employed worker (ȳ^c_z: mean outside-option output on task z)."""
    n = np.bincount(task, minlength=n_tasks)
    mean_c = np.bincount(task, weights=outside_output, minlength=n_tasks) / np.maximum(n, 1)
    return asset_prod[firm] * mean_c[task]


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


def neutral_scale(params: Params, eco: Economy) -> np.ndarray | None:
    """Per-worker m_z (mean hφ on the worker's task) when homogenization is off, else None."""
    if params.homogenization:
        return None
    w, t = eco.workers, eco.tasks
    h_phi = w.human_capital * t.skill_intensity[w.task]
    m = np.bincount(w.task, weights=h_phi, minlength=t.n) / np.bincount(w.task, minlength=t.n)
    return m[w.task]


def outputs(params: Params, eco: Economy, access: np.ndarray | float,
            sel: np.ndarray | None = None) -> np.ndarray:
    """Task output of workers `sel` (all if None) at the given AI access."""
    w, t = eco.workers, eco.tasks
    task = w.task if sel is None else w.task[sel]
    h_phi = (w.human_capital if sel is None else w.human_capital[sel]) * t.skill_intensity[task]
    ai = ai_input(t.ai_weight, t.augmentable, task, eco.ai_capability, access)
    scale = neutral_scale(params, eco)
    if scale is not None and sel is not None:
        scale = scale[sel]
    return task_output(h_phi, ai, form=params.augmentation, rho=params.rho,
                       mult_elasticity=params.mult_elasticity, tool_base=params.tool_base,
                       neutral_scale=scale)


def run(model: LaborMarketModel) -> None:
    """Compute outputs of employed workers, task outputs and task prices.

    Per-worker outputs are written straight into the state arrays (zero for the
    unemployed) by one fused loop (`fused.production.outputs`), which also adds the
    sums by task in worker order, as `bincount` would; a second loop values the assets'
    output per job and adds up task output. The CES and multiplicative forms compute
    outputs with numpy first, block by block (they need numpy's `power`).
    """
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    f.employment = loops.employment(w.employer, f.n)
    k = relative_assets(f.assets)
    f.ai_access, commodity = ai_access(k, p.eta0, p.eta1, p.psi, p.concentration,
                                       f.employment)
    f.asset_productivity = asset_productivity(k, p.asset_markup, p.size_elasticity)

    scale = neutral_scale(p, eco)
    form = {"form": p.augmentation, "rho": p.rho, "mult_elasticity": p.mult_elasticity,
            "tool_base": p.tool_base}
    # AI input per unit of access by task: ai_input(...) with access 1
    ai_per_task = t.ai_weight * eco.ai_capability * t.augmentable
    access = f.ai_access
    code = fused.form_code(p.augmentation, scale is not None)
    if code is None:               # CES or multiplicative: power stays in numpy
        code = fused.PRECOMPUTED
        for b in blocks(w.n):
            task = w.task[b]
            h_phi = w.human_capital[b] * t.skill_intensity[task]
            ai_task = ai_per_task[task]
            w.output[b] = task_output(h_phi, ai_task * access[w.employer[b]], **form)
            w.outside_output[b] = task_output(h_phi, ai_task * commodity, **form)
    # outputs (zero for the unemployed) and the employed's sums by task, in worker order
    n_task, sum_c = loops.outputs(w.task, w.employer, w.human_capital, t.skill_intensity,
                                  ai_per_task.astype(float), access, float(commodity),
                                  fused.EMPTY if scale is None else scale, code, w.output,
                                  w.outside_output, w.ai_use, t.n)
    # a_j·ȳ^c_z (see `asset_output`) and task output Y_z = Σ (y_i + a_j·ȳ^c_z)
    mean_c = sum_c / np.maximum(n_task, 1)
    output = loops.asset_outputs(w.task, w.employer, f.asset_productivity, mean_c, w.output,
                                 w.asset_output, t.n)
    t.output = output
    price, total = ces_prices(t.output, t.weight, p.sigma, previous=t.price)
    if p.price_effects or eco.period <= 0 or eco.base_price.size == 0:
        t.price = price
        if eco.period <= 0:
            eco.base_price = price.copy()
    else:
        t.price = eco.base_price.copy()
    eco.output_total = float(np.sum(t.price * t.output))
