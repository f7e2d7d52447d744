"""Fused loop of the education phase (see the rules in `abm.fused`)."""

from __future__ import annotations

import numpy as np

from abm.fused import ADDITIVE
from abm.fused.jit import kernel


@kernel
def choose_levels(draws: np.ndarray, share: float, task: np.ndarray, ability: np.ndarray,
                  skill_intensity: np.ndarray, ai_per_task: np.ndarray, access: float,
                  neutral_scale: np.ndarray, form: int, growth: np.ndarray,
                  pay: np.ndarray, unit_cost: float, education: np.ndarray,
                  human_capital: np.ndarray) -> None:
    """Workers whose draw is below `share` take the level maximising net expected income.

    numpy (`education.run` and `best_level`): for level e, hφ = θ·exp(γe)·φ[z] with
    `growth[e]` = exp(γe) from numpy; y = f(hφ, (αA)[z]·access); net income
    pay[e, z]·y − κ·e²/θ; the first maximum wins, and a NaN beats any number (the
    first NaN wins). Writes the choice and h = θ·exp(γe*).
    """
    n_levels = growth.shape[0]
    for i in range(task.shape[0]):
        if not draws[i] < share:
            continue
        z = task[i]
        theta = ability[i]
        ai = ai_per_task[z] * access
        best = 0.0
        level = 0
        best_is_nan = False
        for e in range(n_levels):
            h_phi = theta * growth[e] * skill_intensity[z]
            if form == ADDITIVE:
                y = h_phi + ai
            else:
                y = h_phi * (1.0 + ai / neutral_scale[i])
            net = pay[e, z] * y - unit_cost * float(e * e) / theta
            if e == 0:
                best = net
                best_is_nan = net != net
            elif net > best or (net != net and not best_is_nan):
                if net != net:
                    best_is_nan = True
                best = net
                level = e
        education[i] = level
        human_capital[i] = theta * growth[level]
