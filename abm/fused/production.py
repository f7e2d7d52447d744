"""Fused loops of the production and rent-sharing phases (see the rules in `abm.fused`)."""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE, PRECOMPUTED
from abm.fused.jit import kernel



@kernel
def employment(employer: np.ndarray, n_firms: int) -> np.ndarray:
    """Workers per firm (`bincount` of the employer index, the unemployed left out)."""
    out = np.zeros(n_firms, dtype=np.int64)
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            out[employer[i]] += 1
    return out


@kernel
def outputs(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
            skill_intensity: np.ndarray, ai_per_task: np.ndarray, access: np.ndarray,
            commodity: float, neutral_scale: np.ndarray, form: int, output: np.ndarray,
            outside_output: np.ndarray, ai_use: np.ndarray, n_tasks: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Outputs at the employer's access and at commodity access; zero if unemployed.

    numpy: hφ = h·φ[z]; ai = (αA)[z]·access[j]; y = f(hφ, ai); y^c = f(hφ, (αA)[z]·η0).
    With form PRECOMPUTED, `output` and `outside_output` arrive holding y and y^c and
    only the unemployed's entries are zeroed. Returns (employed per task, Σ y^c per task).
    """
    n_task = np.zeros(n_tasks, dtype=np.int64)
    sum_c = np.zeros(n_tasks)
    for i in range(task.shape[0]):
        z = task[i]
        j = employer[i]
        if j < 0:
            output[i] = 0.0
            outside_output[i] = 0.0
            ai_use[i] = 0.0
            continue
        ai_task = ai_per_task[z]
        ai = ai_task * access[j]
        if form != PRECOMPUTED:
            h_phi = human_capital[i] * skill_intensity[z]
            ai_c = ai_task * commodity
            if form == ADDITIVE:
                output[i] = h_phi + ai
                outside_output[i] = h_phi + ai_c
            else:
                output[i] = h_phi * (1.0 + ai / neutral_scale[i])
                outside_output[i] = h_phi * (1.0 + ai_c / neutral_scale[i])
        ai_use[i] = ai
        n_task[z] += 1
        sum_c[z] += outside_output[i]
    return n_task, sum_c


@kernel
def asset_outputs(task: np.ndarray, employer: np.ndarray, asset_productivity: np.ndarray,
                  mean_outside: np.ndarray, output: np.ndarray, asset_output: np.ndarray,
                  n_tasks: int) -> np.ndarray:
    """a_j·ȳ^c_z per job (0 if unemployed) and task output Y_z = Σ (y_i + a_j·ȳ^c_z)."""
    total = np.zeros(n_tasks)
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
            asset_output[i] = 0.0
            continue
        z = task[i]
        a_out = asset_productivity[j] * mean_outside[z]
        asset_output[i] = a_out
        total[z] += output[i] + a_out
    return total


@kernel
def firm_values(task: np.ndarray, employer: np.ndarray, price: np.ndarray,
                output: np.ndarray, asset_output: np.ndarray, outside_output: np.ndarray,
                n_firms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per firm: value added Σ p·(y + a), competitive wage bill Σ p·y^c, AI rents Σ p·(y − y^c)."""
    acc = np.zeros(4 * n_firms)            # VA, wc, AI rents, interleaved by firm
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
            continue
        p = price[task[i]]
        k = 4 * j
        acc[k] += p * (output[i] + asset_output[i])
        acc[k + 1] += p * outside_output[i]
        acc[k + 2] += p * (output[i] - outside_output[i])
    va = np.empty(n_firms)
    wc = np.empty(n_firms)
    ai_rents = np.empty(n_firms)
    for j in range(n_firms):
        va[j], wc[j], ai_rents[j] = acc[4 * j], acc[4 * j + 1], acc[4 * j + 2]
    return va, wc, ai_rents


@kernel
def wages(task: np.ndarray, employer: np.ndarray, price: np.ndarray,
          outside_output: np.ndarray, rent_factor: np.ndarray, out: np.ndarray,
          n_firms: int) -> np.ndarray:
    """w_i = p_z·y^c_i·(1 + ξπ_j) (0 if unemployed) and the wage bill per firm."""
    bill = np.zeros(n_firms)
    for i in range(task.shape[0]):
        j = employer[i]
        if j < 0:
            out[i] = 0.0
            continue
        wage = price[task[i]] * outside_output[i] * rent_factor[j]
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
def rent_factor(va: np.ndarray, wc: np.ndarray, ai_rents: np.ndarray, xi: float,
                ai_rent_tax: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per firm: rents Π = VA − Σw^c, taxes τ·(AI rents) and the wage factor 1 + ξ·π.

    π = (Π − taxes)/Σw^c, or 0 for a firm without a competitive wage bill.
    """
    n = va.shape[0]
    rents = np.empty(n)
    taxes = np.empty(n)
    factor = np.empty(n)
    for j in range(n):
        rents[j] = va[j] - wc[j]
        taxes[j] = ai_rent_tax * ai_rents[j]
        net = rents[j] - taxes[j]
        factor[j] = 1.0 + xi * (net / wc[j] if wc[j] > 0 else 0.0)
    return rents, taxes, factor


@kernel
def incomes(wage: np.ndarray, capital: np.ndarray, transfer: float,
            transfer_out: np.ndarray, income_out: np.ndarray) -> None:
    """Every person's transfer, and income = wage + capital income + transfer."""
    for i in range(wage.shape[0]):
        transfer_out[i] = transfer
        income_out[i] = wage[i] + capital[i] + transfer
