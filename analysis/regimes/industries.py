"""Industries in the mean field: where each task group's jobs are, and what a job does.

The simulation's industries (`abm.steps.industries`): firm j is in industry j mod G,
and task z's jobs go to firms in proportion to k_j^ν·a_{g_j z} with
a_gz = (1 − c_G) + c_G·G·[band(z) = g]. In the mean field a firm bin of the initial
asset distribution is G bins, one per industry with 1/G of its firms (industries are
independent of assets; `population.base_bins`), and a realised set of firms keeps each
firm's industry (`population.sample_bins`). Each group is one task with its band
(`population.task_groups`), so its jobs split over firm bins as the simulation's do,
and a bin's jobs are a mix of tasks that differs by industry: its output, outside
options and rents per job are that mix of its teams' (docs/REGIMES.md, 'Industries').
Without industries every bin holds every group's jobs in proportion to its employment
and a job is the economy's mix of tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.params import Params
from abm.steps.industries import band_weights, cell_shares
from analysis.regimes.population import FirmBins, TaskGroup


@dataclass(frozen=True)
class Jobs:
    """Each firm bin's jobs: by task group, and in all (bins sorted as `FirmBins`)."""

    task: np.ndarray            # (bins, groups): the bin's share of the group's jobs
    emp: np.ndarray             # (bins,): the bin's share of all jobs
    mix: np.ndarray | None      # (bins, groups): the bin's jobs by group; None: `share`
    share: np.ndarray           # (groups,): each group's share of all jobs

    def per_job(self, value: np.ndarray, price: np.ndarray) -> np.ndarray:
        """Σ_g mix_bg·value_bg·price_g: a value per job of each team, per job of the bin."""
        if self.mix is None:
            return value @ (self.share * price)
        return (value * self.mix) @ price

    def per_group(self, value: np.ndarray) -> np.ndarray:
        """Σ_b task_bg·value_bg: a value per job of each team, per job of the group."""
        if self.mix is None:
            return self.emp @ value
        return np.einsum("bg,bg->g", self.task, value)


def jobs(p: Params, firms: FirmBins, groups: list[TaskGroup], share: np.ndarray) -> Jobs:
    """The jobs of `share` (each group's share of workers) over `firms`.

    With industries the bin's share of group g's jobs is p_b·a_{i(b) z(g)} / Σ_b' (same),
    p_b its size share (∝ k^ν), as `abm.steps.industries.cell_shares` splits a task's
    jobs; the bin's jobs are then Σ_g share_g·task_bg, and their mix by group follows.
    """
    share = np.asarray(share, dtype=float)
    if firms.industry is None:
        n_b, n_g = firms.p_emp.size, len(groups)
        return Jobs(np.broadcast_to(firms.p_emp[:, None], (n_b, n_g)), firms.p_emp, None,
                    share)
    task = cell_shares(firms.p_emp, band_weights(p, firms.industry,
                                                 np.array([g.band for g in groups])))
    held = task * share[None, :]
    emp = held.sum(axis=1)
    mix = held / np.where(emp > 0.0, emp, 1.0)[:, None]
    return Jobs(task, emp, mix, share)


__all__ = ["Jobs", "jobs"]
