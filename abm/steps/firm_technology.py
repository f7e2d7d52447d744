"""A firm's technology: complementary assets combined with AI-augmented labour (link 4).

Pure kernels of arrays; no Mesa, no randomness. A firm's team on task z (its n_jz
workers there) produces

    Q_jz = n_jz·φ_z·(1 + m_K)·C(u_jz, x_j),   u_jz = L_jz / (n_jz·φ_z),

where L_jz = Σ y_i is the team's own (AI-augmented) task output, x_j the firm's asset
services per job and C the normalised CES

    C(u, x) = ((1 − λ)·u^r + λ·x^r)^(1/r),   r = (ε − 1)/ε,   λ = m_K/(1 + m_K),

with C(1, 1) = 1: at the normalisation point (a team of unit human input per unit of
skill intensity, at the mean firm) the assets' share of output is λ, whatever ε. ε = 1
is Cobb-Douglas, C = u^(1−λ)·x^λ (constant shares); as ε → ∞, C → (1 − λ)·u + λ·x and Q
is labour's output plus m_K·φ_z·x_j per job (perfect substitutes). For ε < 1 the assets
are complements: when AI raises u, the marginal product of labour falls relative to the
assets' and their share of output rises. That is how AI shifts value toward the scarce
complementary assets here, under commodity as under proprietary AI.

Workers are perfect substitutes within a team (their outputs add up in L_jz), so every
worker of a team has the same marginal value per unit of output,
∂Q/∂L = (1 + m_K)·C_u(u, x), with C_u = (1 − λ)·u^(r−1)·C^(1−r).
"""

from __future__ import annotations

import numpy as np

CD_TOLERANCE = 1e-12   # |r| below this is the Cobb-Douglas limit


def asset_share(asset_markup: float) -> float:
    """λ = m_K/(1 + m_K): the assets' output share at the normalisation point."""
    return asset_markup / (1.0 + asset_markup)


def exponent(elasticity: float) -> float:
    """r = (ε − 1)/ε."""
    return (elasticity - 1.0) / elasticity


def ces(u: np.ndarray, x: np.ndarray, lam: float, r: float) -> np.ndarray:
    """C(u, x), elementwise; exactly u when λ = 0 (no assets)."""
    u = np.asarray(u, dtype=float)
    if lam == 0.0:
        return u.copy()
    if abs(r) < CD_TOLERANCE:
        return u ** (1.0 - lam) * np.asarray(x, dtype=float) ** lam
    return ((1.0 - lam) * u ** r + lam * np.asarray(x, dtype=float) ** r) ** (1.0 / r)


def ces_labour_slope(u: np.ndarray, x: np.ndarray, lam: float, r: float) -> np.ndarray:
    """C_u(u, x) = ∂C/∂u = (1 − λ)·(C/u)^(1−r); 1 when λ = 0."""
    u = np.asarray(u, dtype=float)
    if lam == 0.0:
        return np.ones_like(u)
    c = ces(u, x, lam, r)
    return (1.0 - lam) * (c / u) ** (1.0 - r)


def asset_services(k: np.ndarray, size_elasticity: float, fringe: float) -> np.ndarray:
    """x_j = max(k_j, k_f)^(1−ν): asset services per job, at least the fringe's.

    Employment is ∝ k^ν, so assets per job are ∝ k^(1−ν). A firm with fewer assets than
    the competitive fringe (relative assets k_f) operates as the fringe does (it is then
    marginal: it earns no return on its own assets).
    """
    return np.maximum(k, fringe) ** (1.0 - size_elasticity)


def productivity(log_productivity: np.ndarray, shock_sd: float, persistence: float
                 ) -> np.ndarray:
    """e^a / E[e^a] under the stationary distribution, so mean productivity is 1."""
    return np.exp(log_productivity - half_variance(shock_sd, persistence))


def half_variance(shock_sd: float, persistence: float) -> float:
    """var(a)/2 of the stationary AR(1) log productivity: E[e^a] = e^(var/2)."""
    return 0.5 * (shock_sd * shock_sd / (1.0 - persistence * persistence))


def team_output(labour: np.ndarray, jobs: np.ndarray, skill: np.ndarray, x: np.ndarray,
                tfp: np.ndarray, lam: float, r: float, asset_markup: float) -> np.ndarray:
    """Q = A·n·φ·(1 + m_K)·C(L/(n·φ), x) for teams with n > 0 (0 for empty teams)."""
    out = np.zeros(labour.shape)
    has = jobs > 0
    scale = jobs[has] * skill[has]
    u = labour[has] / scale
    out[has] = tfp[has] * (scale * (1.0 + asset_markup) * ces(u, x[has], lam, r))
    return out
