"""Fused loops of unemployment insurance (rent-sharing phase; see `abm.steps.benefits`)."""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE, PRECOMPUTED
from abm.fused.jit import kernel

# called only by the education subsidy's levy (off by default; see `abm.feedback`)
OPTIONAL_KERNELS = ("levy_base", "levy")

DURATION_MAX = np.iinfo(np.int16).max
"""The spell counter saturates here (int16) rather than wrapping round."""


@kernel
def spells(employer: np.ndarray, duration: np.ndarray) -> int:
    """Count this period's end into every spell: d' = d + 1 if unemployed, else 0.

    Returns the number of unemployed workers.
    """
    n_unemployed = 0
    for i in range(employer.shape[0]):
        if employer[i] >= 0:
            duration[i] = 0
        else:
            n_unemployed += 1
            if duration[i] < DURATION_MAX:
                duration[i] += 1
    return n_unemployed


@kernel
def claims(task: np.ndarray, employer: np.ndarray, human_capital: np.ndarray,
           skill_intensity: np.ndarray, ai_per_task: np.ndarray, fringe: float,
           commodity: float, neutral_scale: np.ndarray, form: int,
           outside_u: np.ndarray, gain_u: np.ndarray, labour_price: np.ndarray,
           markup: float, replacement: float, wage: np.ndarray, claim: np.ndarray
           ) -> tuple[float, float]:
    """Each unemployed worker's claim b·w^c_i (0 for the employed); Σ claims and Σ wages.

    w^c_i = ω_z·y^c_i − μ·(ω_z·g_i) is her outside option, written as the wage loop
    writes it: y^c = f(hφ, (αA)_z·c_f) at the fringe's access and g = f(hφ, (αA)_z·η_v)
    − f(hφ, 0). With form PRECOMPUTED, `outside_u` and `gain_u` hold y^c and g of the
    unemployed in worker order. Both sums add one worker at a time in worker order.
    """
    total = 0.0
    bill = 0.0
    m = 0
    for i in range(task.shape[0]):
        if employer[i] >= 0:
            claim[i] = 0.0
            bill += wage[i]
            continue
        z = task[i]
        if form == PRECOMPUTED:
            y_c = outside_u[m]
            gain = gain_u[m]
        else:
            h_phi = human_capital[i] * skill_intensity[z]
            ai_c = ai_per_task[z] * fringe
            ai_v = ai_per_task[z] * commodity
            if form == ADDITIVE:
                y_c = h_phi + ai_c
                gain = (h_phi + ai_v) - (h_phi + 0.0)
            else:
                y_c = h_phi * (1.0 + ai_c / neutral_scale[i])
                gain = (h_phi * (1.0 + ai_v / neutral_scale[i])
                        - h_phi * (1.0 + 0.0 / neutral_scale[i]))
        m += 1
        omega = labour_price[z]
        fee = markup * (omega * gain)
        claim[i] = replacement * (omega * y_c - fee)
        total += claim[i]
    return total, bill


@kernel
def levy_base(income: np.ndarray, pool: float) -> float:
    """Σ (income − equal rebate): persons' income before the rebate, in worker order."""
    total = 0.0
    for i in range(income.shape[0]):
        total += income[i] - pool
    return total


@kernel
def levy(wage: np.ndarray, capital: np.ndarray, pool: float, rate: float,
         transfer: np.ndarray, income: np.ndarray) -> None:
    """transfer −= rate·(income − rebate); income = wage + capital + transfer."""
    for i in range(wage.shape[0]):
        transfer[i] = transfer[i] - rate * (income[i] - pool)
        income[i] = wage[i] + capital[i] + transfer[i]


@kernel
def net_transfers(wage: np.ndarray, capital: np.ndarray, pool: float, paid_share: float,
                  tax_rate: float, transfer: np.ndarray, income: np.ndarray) -> None:
    """transfer = (pool + paid share·claim) − tax rate·wage; income = wage + capital + transfer.

    `transfer` arrives holding the claims (`claims`) and leaves holding the transfers.
    """
    for i in range(wage.shape[0]):
        transfer[i] = (pool + paid_share * transfer[i]) - tax_rate * wage[i]
        income[i] = wage[i] + capital[i] + transfer[i]
