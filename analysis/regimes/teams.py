"""Team outputs of the mean field's firm bins: what an allocation of workers produces.

Per cell of an allocation (`analysis.regimes.population.Cells`) the output at the
employer's AI access, at the fringe's and the vendors' AI gain; per firm bin and task
group the team means and the team output of `abm.steps.firm_technology`'s CES of assets
and labour. `analysis.regimes.meanfield` clears markets on them; `analysis.regimes.pools`
evaluates premia of alternative allocations with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.params import Params
from abm.steps import firm_technology
from analysis.regimes.population import Cells, FirmBins, TaskGroup, produce
from analysis.regimes.quadrature import wdot


def outputs(p: Params, groups: list[TaskGroup], cells: list[Cells], firms: FirmBins,
            capability: float) -> tuple[list, dict[str, float | None]]:
    """Per cell: output at the employer's access, at the fringe's, the vendors' AI gain.

    Also the neutral form's scale m_z per group (None under homogenization).
    """
    outs, scales = [], {}
    for g, c in zip(groups, cells, strict=True):
        scale = (float(wdot(c.mass, c.h_phi) / c.mass.sum())
                 if not p.homogenization else None)
        scales[g.name] = scale
        a_firm = np.where(c.employed, firms.access[np.maximum(c.firm, 0)], 0.0)
        ai = g.alpha * capability * a_firm if g.exposed else np.zeros(c.mass.size)
        ai_c = g.alpha * capability * firms.fringe if g.exposed else 0.0
        ai_v = g.alpha * capability * firms.vendor if g.exposed else 0.0
        outs.append((produce(p, c.h_phi, ai, scale), produce(p, c.h_phi, ai_c, scale),
                     produce(p, c.h_phi, ai_v, scale) - produce(p, c.h_phi, 0.0, scale)))
    return outs, scales


@dataclass
class Teams:
    """Per job of each firm bin (rows) and task group (columns)."""

    q: np.ndarray               # team output per job, Q/n at A = 1
    q_c: np.ndarray             # the same at the fringe's access (outside outputs)
    y_c: np.ndarray             # mean outside-option output y^c (fringe's access)
    gain: np.ndarray            # mean gain from the vendors' AI f(hφ, αAη0) − f(hφ, 0)
    u_c_task: np.ndarray        # ū^c_g: the task's mean y^c per unit of φ (the fringe's u)


def teams(p: Params, groups: list[TaskGroup], cells: list[Cells], outs: list,
          firms: FirmBins, lam: float, r: float) -> Teams:
    """Team outputs Q = n·φ·(1 + m_K)·C(L/(nφ), x) of `abm.steps.firm_technology`."""
    u_task = np.array([wdot(c.mass * c.employed, o[1]) / float(np.sum(c.mass * c.employed))
                       / g.phi for g, c, o in zip(groups, cells, outs, strict=True)])
    return ces_teams(p, groups, means(cells, outs, firms.p_emp.size), firms, lam, r, u_task)


def means(cells: list[Cells], outs: list, n_k: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Team means per firm bin (rows) and group: ȳ, ȳ^c and the vendors' AI gain."""
    cols: dict[str, list[np.ndarray]] = {"y": [], "y_c": [], "gain": []}
    for c, (y, yc, gain) in zip(cells, outs, strict=True):
        e = c.employed
        fm_raw = np.bincount(c.firm[e], weights=c.mass[e], minlength=n_k)
        fm = np.where(fm_raw > 0, fm_raw, 1.0)

        def mean(v: np.ndarray, c: Cells = c, e: np.ndarray = e, fm: np.ndarray = fm
                 ) -> np.ndarray:
            return np.bincount(c.firm[e], weights=c.mass[e] * v[e], minlength=n_k) / fm

        ybar, ycbar = mean(y), mean(yc)
        empty = fm_raw <= 0      # a sliver bin (e.g. cut at the fringe) may hold nobody
        if empty.any():          # its value carries no weight: keep the CES finite
            ybar, ycbar = (np.where(empty, 1.0, v) for v in (ybar, ycbar))
        cols["y"].append(ybar)
        cols["y_c"].append(ycbar)
        cols["gain"].append(mean(gain))
    y, y_c, gain = (np.column_stack(v) for v in cols.values())
    return y, y_c, gain


def ces_teams(p: Params, groups: list[TaskGroup], team_means: tuple | list,
              firms: FirmBins, lam: float, r: float, u_task: np.ndarray) -> Teams:
    """`Teams` from team means (`means`): the CES per job of each bin and group."""
    ybar, ycbar, gain = team_means
    phi = np.array([g.phi for g in groups])
    unit = phi * (1.0 + p.asset_markup)
    x = firms.x[:, None]
    return Teams(unit * firm_technology.ces(ybar / phi, x, lam, r),
                 unit * firm_technology.ces(ycbar / phi, x, lam, r), ycbar, gain, u_task)
