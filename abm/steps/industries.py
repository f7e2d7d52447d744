"""Industries: firms that differ in the tasks they use (part of phase 3, job targets).

Businesses differ persistently in their mix of workers (Haltiwanger, Lane & Spletzer
2007, Labour Economics 14(3)), and much of the rise of between-firm pay dispersion is
workers of similar pay working together (Song, Price, Guvenen, Bloom & von Wachter 2019,
QJE 134(1)). Here firm j belongs to industry g_j = j mod G (`n_industries`; firms' assets
are drawn independently of it), and the tasks of each type are cut into G bands in
their order, task k of a type's n tasks in band ⌊k·G/n⌋. Industry g's weight on task z is

    a_gz = (1 − c) + c·G·[band(z) = g],     c = `industry_concentration`,

mean 1 over industries for every task: at c = 0 every firm uses every task in
proportion to its size (the economy without industries), at c = 1 a firm uses only its
band's tasks. Task z's jobs go to firms in proportion to k_j^ν·a_{g_j z}. With returns
to skill that differ by task (`skill_return_spread`) the bands differ in pay, so firms
that specialise hold workers of similar pay: a between-firm share of log-wage variance
with a motive (technology), not a tie-break.
"""

from __future__ import annotations

import numpy as np

from abm.params import Params


def bands(n_tasks: int, n_codifiable: int, n_industries: int) -> np.ndarray:
    """band(z) of every task: ⌊k·G/n⌋ for task k of its type's n tasks."""
    out = np.empty(n_tasks, dtype=np.int64)
    for lo, hi in ((0, n_codifiable), (n_codifiable, n_tasks)):
        n = hi - lo
        out[lo:hi] = np.arange(n) * n_industries // n
    return out


def weights(p: Params, n_firms: int, codifiable: np.ndarray) -> np.ndarray | None:
    """a[j, z] = (1 − c) + c·G·[band(z) = g_j], (J, Z); None at c = 0 (no industries).

    `codifiable`: which tasks are codifiable (the first n_C).
    """
    if p.industry_concentration == 0.0:
        return None
    n_c = int(np.count_nonzero(codifiable))
    return band_weights(p, np.arange(n_firms) % p.n_industries,
                        bands(p.n_tasks, n_c, p.n_industries))


def band_weights(p: Params, industry: np.ndarray, band: np.ndarray) -> np.ndarray:
    """a = (1 − c) + c·G·[band = industry] for firms of `industry` (rows) and tasks of
    `band` (columns); the analytic mean field weighs its firm bins with it too."""
    c = p.industry_concentration
    return (1.0 - c) + c * p.n_industries * (industry[:, None] == band[None, :])


def cell_shares(size: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """s[j, z] = size_j·a_jz / Σ_i size_i·a_iz: each task's jobs split over firms (J, Z).

    A task that no firm uses (every a_iz = 0 cannot happen: each band has firms when
    G ≤ J, which `Params` requires) would divide by zero.
    """
    cell = size[:, None] * weight
    return cell / cell.sum(axis=0, keepdims=True)


__all__ = ["band_weights", "bands", "cell_shares", "weights"]
