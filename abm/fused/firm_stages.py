"""The production phase's firm- and task-level formulas, compiled between numpy's powers.

Where numpy's powers and exponentials are not libm's (rule 3 of `abm.fused`), the
formulas of `fused.firm_level` cannot be one compiled call each: their powers must be
numpy's. They are still mostly arithmetic on arrays of 20-100 values (firms, tasks),
which numpy evaluates one small call at a time, a microsecond or more each inside a
run. Here each formula is cut at its powers: the arithmetic between two powers is one
kernel, the powers stay numpy calls on the arrays the kernels hand over (contiguous,
with the values numpy's own expression would have raised), so the numbers are the
numpy code's, bit for bit. `abm.steps.firm_formulas` strings the stages together.
"""

from __future__ import annotations

import math

import numpy as np

from abm.fused import numpy_math
from abm.fused.jit import inner, kernel
from abm.fused.numpy_math import masked_sum, pairwise_sum

OPTIONAL_KERNELS = (("firm_floors", "firm_access", "team_inner", "price_bases", "price_ratios",
                     "price_values", "labour_inputs", "labour_inner", "labour_ratios",
                     "labour_values") if numpy_math.COMPILED else ())
"""Where numpy's powers are libm's, `fused.firm_level` evaluates these formulas in one
call each and none of the stages runs (`abm.feedback`)."""


@kernel
def firm_floors(assets: np.ndarray, log_productivity: np.ndarray, shocks: np.ndarray,
                persistence: float, shock_sd: float, half_variance: float, fringe: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log productivity, its exponent and the floored relative assets of every firm.

    numpy: a' = ρ·a + σ·shock; a' − var/2 (the argument of `firm_technology.
    productivity`'s exp); k = K / (ΣK / J) (`relative_assets`); max(k, k_f), the base
    of `ai_access`'s and `asset_services`' powers. Returns (a', a' − var/2, max(k, k_f)).
    """
    n = assets.shape[0]
    log_a = np.empty(n)
    centred = np.empty(n)
    for j in range(n):
        log_a[j] = persistence * log_productivity[j] + shock_sd * shocks[j]
        centred[j] = log_a[j] - half_variance
    mean = pairwise_sum(assets) / n
    floor_k = np.empty(n)
    for j in range(n):
        k = assets[j] / mean
        floor_k[j] = k if k >= fringe else fringe
    return log_a, centred, floor_k


@kernel
def firm_access(kp: np.ndarray, employment: np.ndarray, eta0: float, eta1: float,
                fringe_kp: float) -> tuple[np.ndarray, float]:
    """`steps.production.ai_access` given k̃^ψ (`kp`, numpy's power) and k_f^ψ.

    numpy: norm = Σ n_j·k̃_j^ψ / Σ n_j (`metrics.dot`), or mean k̃^ψ with nobody
    employed; access = η0 + η1·k̃^ψ / norm, and the fringe's η0 + η1·k_f^ψ / norm.
    """
    access, norm = access_of(kp, employment, eta0, eta1)
    return access, eta0 + eta1 * fringe_kp / norm


@inner
def access_of(kp: np.ndarray, employment: np.ndarray, eta0: float, eta1: float
              ) -> tuple[np.ndarray, float]:
    """η0 + η1·k̃_j^ψ / norm of every firm, and norm = Σ n_j·k̃_j^ψ / Σ n_j (mean k̃^ψ
    with nobody employed), as `steps.production.ai_access` computes them (shared with
    `fused.firm_level.firm_inputs`, which takes the powers itself)."""
    n = kp.shape[0]
    workers = 0
    for j in range(n):
        workers += employment[j]
    if workers > 0:
        weighted = np.empty(n)
        for j in range(n):
            weighted[j] = float(employment[j]) * kp[j]
        norm = pairwise_sum(weighted) / float(workers)
    else:
        norm = pairwise_sum(kp) / n
    access = np.empty(n)
    for j in range(n):
        access[j] = eta0 + eta1 * kp[j] / norm
    return access, norm


@kernel
def team_inner(u_r: np.ndarray, x_r: np.ndarray, firm: np.ndarray, lam: float
               ) -> np.ndarray:
    """(1 − λ)·u^r + λ·x_j^r of every staffed team, the CES's sum before its power 1/r.

    numpy: (1 − λ)·u**r + λ·x_r[firm] (`steps.production.team_outputs`), given u**r
    and x**r per firm (numpy's powers).
    """
    out = np.empty(u_r.shape[0])
    for k in range(u_r.shape[0]):
        out[k] = (1.0 - lam) * u_r[k] + lam * x_r[firm[k]]
    return out


@kernel
def price_bases(output: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """The tasks with output and the bases of `ces_prices`' powers.

    numpy: empty = Y ≤ 0; safe = where(empty, 1, Y). Returns (present, safe, whether
    any task has output).
    """
    return bases_of(output)


@inner
def bases_of(output: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """`price_bases` (shared with `fused.firm_level.task_prices`)."""
    n = output.shape[0]
    present = np.empty(n, dtype=np.bool_)
    safe = np.empty(n)
    anyone = False
    for z in range(n):
        present[z] = not output[z] <= 0
        safe[z] = output[z] if present[z] else 1.0
        anyone = anyone or present[z]
    return present, safe, anyone


@kernel
def price_ratios(weight: np.ndarray, safe_r: np.ndarray, present: np.ndarray,
                 safe: np.ndarray, r: float) -> tuple[np.ndarray, float, bool]:
    """Y = (Σ β_z·Y_z^r)^(1/r) over the tasks with output, and Y / Y_z.

    numpy: s = add.reduce(β·safe**r, where=present); Y = s**(1/r) (a Python float's
    power: libm's, as numba's); Y / safe. False where the power form fails (s or Y not
    finite and positive): the caller then takes the log form.
    """
    n = weight.shape[0]
    terms = np.empty(n)
    for z in range(n):
        terms[z] = weight[z] * safe_r[z]
    ratio = np.empty(n)
    total = total_of(terms, present, r)
    if not total > 0.0:
        return ratio, 0.0, False
    for z in range(n):
        ratio[z] = total / safe[z]
    return ratio, total, True


@inner
def total_of(terms: np.ndarray, present: np.ndarray, r: float) -> float:
    """Y = s^(1/r), s = add.reduce(β·Y**r, where=present) given the terms, or 0 where the
    power form fails (s or Y not finite and positive; shared with `fused.firm_level`)."""
    s = masked_sum(terms, present)
    if not (0.0 < s < math.inf):
        return 0.0
    total = s ** (1.0 / r)
    if not (0.0 < total < math.inf):
        return 0.0
    return total


@kernel
def price_values(weight: np.ndarray, ratio_power: np.ndarray, present: np.ndarray,
                 previous: np.ndarray) -> tuple[np.ndarray, bool]:
    """p_z = β_z·(Y/Y_z)^(1/σ), the previous price where Y_z = 0.

    False if some p_z is not finite and positive (the power form fails).
    """
    n = weight.shape[0]
    price = np.empty(n)
    for z in range(n):
        price[z] = weight[z] * ratio_power[z]
        if not (0.0 < price[z] < math.inf):
            return price, False
    for z in range(n):
        if not present[z]:
            price[z] = previous[z]
    return price, True


@kernel
def labour_inputs(sum_c: np.ndarray, n_task: np.ndarray, skill_intensity: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The staffed tasks and their ū^c_z = Σ y^c / (n_z·φ_z), in task order.

    numpy: has = n > 0; sum_c[has] / (n[has]·φ[has]) (the count converted to a double
    before the product).
    """
    m = 0
    for z in range(n_task.shape[0]):
        if n_task[z] > 0:
            m += 1
    staffed = np.empty(m, dtype=np.int64)
    u = np.empty(m)
    k = 0
    for z in range(n_task.shape[0]):
        if n_task[z] > 0:
            staffed[k] = z
            u[k] = sum_c[z] / (float(n_task[z]) * skill_intensity[z])
            k += 1
    return staffed, u


@kernel
def labour_inner(u_r: np.ndarray, x_r: np.ndarray, lam: float) -> np.ndarray:
    """(1 − λ)·u^r + λ·x_f^r, the CES's sum before its power 1/r (`firm_technology.ces`;
    x_f^r a one-value array, broadcast as numpy does)."""
    out = np.empty(u_r.shape[0])
    for k in range(u_r.shape[0]):
        out[k] = (1.0 - lam) * u_r[k] + lam * x_r[0]
    return out


@kernel
def labour_ratios(ces: np.ndarray, u: np.ndarray) -> np.ndarray:
    """C/u, the base of `firm_technology.ces_labour_slope`'s power."""
    out = np.empty(u.shape[0])
    for k in range(u.shape[0]):
        out[k] = ces[k] / u[k]
    return out


@kernel
def labour_values(price: np.ndarray, ratio_power: np.ndarray, staffed: np.ndarray,
                  previous: np.ndarray, markup: float, lam: float) -> np.ndarray:
    """ω_z = p_z·(1 + m_K)·(1 − λ)·(C/u)^(1−r) on the staffed tasks, the previous ω
    elsewhere (`steps.production.labour_price`)."""
    out = previous.copy()
    for k in range(staffed.shape[0]):
        z = staffed[k]
        out[z] = price[z] * (1.0 + markup) * ((1.0 - lam) * ratio_power[k])
    return out
