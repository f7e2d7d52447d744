"""Fused loops of the production and rent-sharing phases (see the rules in `abm.fused`)."""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE, PRECOMPUTED, numpy_math
from abm.fused.jit import inner, kernel
from abm.fused.numpy_math import pairwise_sum

OPTIONAL_KERNELS = ("skill_powers", "incomes") + (
    ("team_cells", "team_values", "task_totals", "same_values") if numpy_math.COMPILED
    else ())
"""Not called by a run at the defaults (`abm.feedback`): `skill_powers` only with returns
to skill by task (`skill_return_spread` ≠ 0), `incomes` only without unemployment
benefits or without anyone unemployed, the team loops and the comparison of the teams'
labour at the two accesses only where numpy's powers are not libm's (`fused.firm_level`
replaces them elsewhere)."""


@kernel
def employment(employer: np.ndarray, n_firms: int) -> np.ndarray:
    """Workers per firm (`bincount` of the employer index, the unemployed left out)."""
    out = np.zeros(n_firms, dtype=np.int64)
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            out[employer[i]] += 1
    return out


@kernel
def skill_powers(human_capital: np.ndarray, task: np.ndarray, skill_return: np.ndarray
                 ) -> np.ndarray:
    """h_i^λ[task_i] by the scalar power, element by element.

    numpy's vectorised `power` may differ from the scalar C `pow` in the last bit; the
    scalar one is what the per-agent reference and the education kernel take, so every
    h^λ in the model is the same number however it is reached.
    """
    out = np.empty(human_capital.shape[0])
    for i in range(human_capital.shape[0]):
        out[i] = human_capital[i] ** skill_return[task[i]]
    return out


@inner
def ai_per_task(ai_weight: np.ndarray, capability: float, augmentable: np.ndarray
                ) -> np.ndarray:
    """(αA)[z] = (α_z·A_t)·1[z ∈ S(A_t)], the AI input per unit of access by task: numpy's
    `ai_weight * capability * augmentable`, the same products (kernels that need it take
    its three factors rather than a numpy array made for them every period)."""
    out = np.empty(ai_weight.shape[0])
    for z in range(ai_weight.shape[0]):
        out[z] = ai_weight[z] * capability * (1.0 if augmentable[z] else 0.0)
    return out


@kernel
def outputs(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
            skill_intensity: np.ndarray, ai_weight: np.ndarray, capability: float,
            augmentable: np.ndarray, access: np.ndarray,
            fringe: float, commodity: float, neutral_scale: np.ndarray, form: int,
            output: np.ndarray, outside_output: np.ndarray, commodity_gain: np.ndarray,
            ai_use: np.ndarray,
            labour: np.ndarray, labour_c: np.ndarray, jobs: np.ndarray, n_tasks: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Outputs at the employer's and the fringe's access, commodity AI's gain; team sums.

    numpy: hφ = h·φ[z]; ai = (αA)[z]·access[j]; y = f(hφ, ai); y^c = f(hφ, (αA)[z]·c_f)
    at the fringe's access c_f; g = f(hφ, (αA)[z]·η_v) − f(hφ, 0), what the AI sold by
    vendors (access η_v) adds. With form PRECOMPUTED, `output`, `outside_output` and
    `commodity_gain` arrive holding y, y^c and g and only the unemployed's entries are
    zeroed. Team sums L = Σ y, L^c = Σ y^c and head counts, by cell j·Z + z, are
    added in worker order (as `bincount`). (αA)[z] from its factors (`ai_per_task`).
    Returns (employed per task, Σ y^c per task).
    """
    ai_by_task = ai_per_task(ai_weight, capability, augmentable)
    n_task = np.zeros(n_tasks, dtype=np.int64)
    sum_c = np.zeros(n_tasks)
    for c in range(labour.shape[0]):
        labour[c] = 0.0
        labour_c[c] = 0.0
        jobs[c] = 0
    for i in range(task.shape[0]):
        z = task[i]
        j = employer[i]
        if j < 0:
            output[i] = 0.0
            outside_output[i] = 0.0
            commodity_gain[i] = 0.0
            ai_use[i] = 0.0
            continue
        ai_task = ai_by_task[z]
        ai = ai_task * access[j]
        if form != PRECOMPUTED:
            h_phi = human_capital[i] * skill_intensity[z]
            ai_c = ai_task * fringe
            ai_v = ai_task * commodity
            if form == ADDITIVE:
                output[i] = h_phi + ai
                outside_output[i] = h_phi + ai_c
                commodity_gain[i] = (h_phi + ai_v) - (h_phi + 0.0)
            else:
                output[i] = h_phi * (1.0 + ai / neutral_scale[i])
                outside_output[i] = h_phi * (1.0 + ai_c / neutral_scale[i])
                commodity_gain[i] = (h_phi * (1.0 + ai_v / neutral_scale[i])
                                     - h_phi * (1.0 + 0.0 / neutral_scale[i]))
        ai_use[i] = ai
        n_task[z] += 1
        sum_c[z] += outside_output[i]
        cell = j * n_tasks + z
        labour[cell] += output[i]
        labour_c[cell] += outside_output[i]
        jobs[cell] += 1
    return n_task, sum_c


@kernel
def team_cells(labour: np.ndarray, jobs: np.ndarray, skill_intensity: np.ndarray,
               n_tasks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Staffed teams (n_jz > 0) in cell order: cell, firm, n·φ_z and u = L/(n·φ_z).

    numpy: has = jobs > 0; scale = jobs[has]·tile(φ, J)[has]; u = labour[has]/scale
    (the count is converted to a double before the product, as numpy does).
    """
    m = 0
    for c in range(jobs.shape[0]):
        if jobs[c] > 0:
            m += 1
    cell = np.empty(m, dtype=np.int64)
    firm = np.empty(m, dtype=np.int64)
    scale = np.empty(m)
    u = np.empty(m)
    k = 0
    for c in range(jobs.shape[0]):
        if jobs[c] > 0:
            s = float(jobs[c]) * skill_intensity[c % n_tasks]
            cell[k] = c
            firm[k] = c // n_tasks
            scale[k] = s
            u[k] = labour[c] / s
            k += 1
    return cell, firm, scale, u


@kernel
def team_values(cell: np.ndarray, firm: np.ndarray, scale: np.ndarray, ces: np.ndarray,
                tfp: np.ndarray, markup: float, n_cells: int) -> np.ndarray:
    """Q_jz = A_j·(n·φ_z·(1 + m_K)·C) on the staffed cells, 0 elsewhere (numpy's order)."""
    out = np.zeros(n_cells)
    for k in range(cell.shape[0]):
        out[cell[k]] = tfp[firm[k]] * (scale[k] * (1.0 + markup) * ces[k])
    return out


@kernel
def task_totals(team: np.ndarray, n_firms: int, n_tasks: int) -> np.ndarray:
    """Y_z = Σ_j Q_jz, firms added in index order."""
    total = np.zeros(n_tasks)
    for j in range(n_firms):
        for z in range(n_tasks):
            total[z] += team[j * n_tasks + z]
    return total


@kernel
def firm_values(task: np.ndarray, employer: np.ndarray, price: np.ndarray,
                labour_price: np.ndarray, outside_output: np.ndarray,
                commodity_gain: np.ndarray, team: np.ndarray, team_c: np.ndarray,
                markup: float, n_firms: int, n_tasks: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per firm: value added, competitive wage bill, proprietary-AI rents, vendor fees.

    Teams (cells in task order): gross value Σ_z p_z·Q_jz and AI rents
    Σ_z p_z·(Q_jz − Q^c_jz). Workers (in worker order): the vendor's fee
    f_i = μ·(ω_z·g_i) and the outside option w^c_i = ω_z·y^c_i − f_i.
    Value added is gross value minus the fees (commodity AI is a purchased input).
    """
    gross = np.zeros(n_firms)
    ai_rents = np.zeros(n_firms)
    for j in range(n_firms):
        for z in range(n_tasks):
            c = j * n_tasks + z
            gross[j] += price[z] * team[c]
            ai_rents[j] += price[z] * (team[c] - team_c[c])
    wc = np.zeros(n_firms)
    fees = np.zeros(n_firms)
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
            continue
        omega = labour_price[task[i]]
        fee = markup * (omega * commodity_gain[i])
        wc[j] += omega * outside_output[i] - fee
        fees[j] += fee
    va = np.empty(n_firms)
    for j in range(n_firms):
        va[j] = gross[j] - fees[j]
    return va, wc, ai_rents, fees


@kernel
def wages(task: np.ndarray, employer: np.ndarray, labour_price: np.ndarray,
          outside_output: np.ndarray, commodity_gain: np.ndarray, markup: float,
          rent_factor: np.ndarray, out: np.ndarray, n_firms: int) -> np.ndarray:
    """w_i = w^c_i·(1 + ξπ_j) (0 if unemployed) and the wage bill per firm."""
    bill = np.zeros(n_firms)
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
            out[i] = 0.0
            continue
        omega = labour_price[task[i]]
        fee = markup * (omega * commodity_gain[i])
        wage = (omega * outside_output[i] - fee) * rent_factor[j]
        out[i] = wage
        bill[j] += wage
    return bill


@kernel
def employed_values(employer: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`values[employer != UNEMPLOYED]`: the employed's values in worker order."""
    m = 0
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            m += 1
    out = np.empty(m)
    m = 0
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            out[m] = values[i]
            m += 1
    return out


@kernel
def rent_factor(va: np.ndarray, wc: np.ndarray, ai_rents: np.ndarray, fees: np.ndarray,
                xi: float, ai_rent_tax: float, limited: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per firm: rents Π = VA − Σw^c, taxes τ·(AI rents), wage factor and owners' income.

    With net rents N = Π − taxes ≥ 0: factor 1 + ξ·N/Σw^c and owners' income (1 − ξ)·N,
    exactly 0 at ξ = 1. With N < 0 under limited liability (`limited`: owners never pay
    in) the workers take the shortfall, factor 1 + N/Σw^c, and owners get 0; without it
    the factor is 1 (outside options paid) and owners get 0, financing −N from outside.
    A firm whose value added does not cover its taxes (a very bad productivity draw)
    pays the vendors only what is left (`va` and `fees` are lowered in place) and, under
    limited liability, its workers nothing: wages never turn negative. A firm without a
    competitive wage bill has factor 1.
    """
    n = va.shape[0]
    rents = np.empty(n)
    taxes = np.empty(n)
    factor = np.empty(n)
    owner = np.empty(n)
    for j in range(n):
        taxes[j] = ai_rent_tax * ai_rents[j]
        if va[j] - taxes[j] < 0.0:
            fees[j] = max(fees[j] + (va[j] - taxes[j]), 0.0)
            va[j] = taxes[j]
        rents[j] = va[j] - wc[j]
        net = rents[j] - taxes[j]
        if net >= 0.0:
            factor[j] = 1.0 + xi * (net / wc[j] if wc[j] > 0 else 0.0)
            owner[j] = (1.0 - xi) * net
        elif limited:     # 1 + N/Σw^c, written without cancelling 1 against −Σw^c/Σw^c
            factor[j] = max((va[j] - taxes[j]) / wc[j], 0.0) if wc[j] > 0 else 1.0
            owner[j] = 0.0
        else:
            factor[j] = 1.0
            owner[j] = 0.0
    return rents, taxes, factor, owner


@kernel
def incomes(wage: np.ndarray, capital: np.ndarray, transfer: float,
            transfer_out: np.ndarray, income_out: np.ndarray) -> None:
    """Every person's transfer, and income = wage + capital income + transfer."""
    for i in range(wage.shape[0]):
        transfer_out[i] = transfer
        income_out[i] = wage[i] + capital[i] + transfer


_firm_values = firm_values.dispatcher
_rent_factor = rent_factor.dispatcher
_wages = wages.dispatcher
_employed_values = employed_values.dispatcher


@kernel
def settle_firms(task: np.ndarray, employer: np.ndarray, price: np.ndarray,
                 labour_price: np.ndarray, outside_output: np.ndarray,
                 commodity_gain: np.ndarray, team: np.ndarray, team_c: np.ndarray,
                 markup: float, xi: float, ai_rent_tax: float, limited: bool,
                 wage: np.ndarray, n_firms: int, n_tasks: int, employment: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            float, int, float]:
    """`firm_values`, `rent_factor` and `wages` (into `wage`) in one call, and the sums
    that follow from them.

    Returns (value added, competitive wage bill, AI rents, vendor fees, rents, taxes,
    wage factor, owners' income, wage bill, value added per worker), per firm, then the
    vendors' income Σ fees, the number of employed workers and the sum of their wages.
    numpy: VA/L where L > 0, else 0 (`divide(..., where=)`); `add.reduce(fees)`; the
    employed's wages (`employed_values`) summed by `add.reduce` (`pairwise_sum`).
    """
    va, wc, ai_rents, fees = _firm_values(task, employer, price, labour_price,
                                          outside_output, commodity_gain, team, team_c,
                                          markup, n_firms, n_tasks)
    rents, taxes, factor, owner = _rent_factor(va, wc, ai_rents, fees, xi, ai_rent_tax,
                                              limited)
    bill = _wages(task, employer, labour_price, outside_output, commodity_gain, markup,
                  factor, wage, n_firms)
    per_worker = np.zeros(n_firms)
    for j in range(n_firms):
        if employment[j] > 0:
            per_worker[j] = va[j] / float(employment[j])
    employed_wages = _employed_values(employer, wage)
    return (va, wc, ai_rents, fees, rents, taxes, factor, owner, bill, per_worker,
            pairwise_sum(fees), employed_wages.shape[0], pairwise_sum(employed_wages))


@kernel
def same_values(a: np.ndarray, b: np.ndarray) -> bool:
    """`numpy.array_equal` of two float arrays of one length (NaN equals nothing)."""
    for i in range(a.shape[0]):
        if not a[i] == b[i]:
            return False
    return True
