"""Statistics estimated the way an empirical economist would estimate them.

Two of the model's columns are not population moments but estimates from a design the
literature uses, so that they can be compared with (and later calibrated to) published
numbers: the AI gain of a within-firm experiment (`ai_gains`) and the rent-sharing
elasticity of a stayers' panel regression (`rent_sharing_elasticity`). `abm.collect`
records them every period.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from abm import metrics as m
from abm.fused import measure as loops
from abm.steps.production import human_input, neutral_scale
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.engine import Engine


def ai_gains(model: Engine) -> tuple[float, float, float]:
    """Mean log output gain from AI at equal access: all treated, bottom and top quintile.

    The within-firm experiment of Brynjolfsson, Li & Raymond (2025, QJE 140(2),
    doi:10.1093/qje/qjae044): the same worker (same h, same task) with the tool at the
    access every worker has in `within_task_cv_exposed` (η0+η1) and without it,
    gain = log y(h, αA·(η0+η1)) − log y(h, 0), task output y itself (`task_output`), so
    prices and employers' access do not enter. Treated: employed workers on codifiable
    tasks in S(A_t). Quintiles of pre-AI output y(h, 0) are taken within each task (as
    the experiment ranks agents by pre-period productivity) by `gains_by_quintile`.
    Returns (mean, bottom quintile, top quintile), each a mean over tasks of the task
    mean; NaN when nobody is treated (period 0, A_t = 0, or no task yet augmentable).
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    treated = t.codifiable & t.augmentable
    if not treated.any():
        return math.nan, math.nan, math.nan
    sel = np.flatnonzero((w.employer >= 0) & treated[w.task])
    if sel.size == 0:
        return math.nan, math.nan, math.nan
    task = w.task[sel]
    h_phi = human_input(p, eco)[sel] * t.skill_intensity[task]
    ai = (t.ai_weight * eco.ai_capability * t.augmentable * (p.eta0 + p.eta1))[task]
    scale = neutral_scale(p, eco)
    form = dict(form=p.augmentation, rho=p.rho, mult_elasticity=p.mult_elasticity,
                tool_base=p.tool_base, neutral_scale=None if scale is None else scale[sel])
    before = task_output(h_phi, np.zeros(sel.size), **form)
    gain = task_output(h_phi, ai, **form)
    del h_phi, ai, sel
    np.log(gain, out=gain)
    gain -= np.log(before)
    order = m.sorted_with_order(before)[0]      # stable: ties by worker order
    del before
    out = loops.gains_by_quintile(task, gain, order, t.n)
    return float(out[0]), float(out[1]), float(out[2])


MIN_STAYERS = 10


def rent_sharing_elasticity(model: Engine) -> float:
    """Stayers' wage growth on their firm's growth in value added per worker.

    Δlog w_i = a + b·Δlog(VA/L)_j(i) + e_i over workers employed by the same firm last
    period and this one (with positive wages and value added both years), by OLS: the
    worker-level regression with firm-level variation of the rent-sharing literature
    (Card, Cardoso, Heining & Kline 2018, JOLE 36(S1)). The constant absorbs the year's
    common change in prices. The model's wage rule w = w^c·(1 + ξπ) gives an elasticity
    of ξ(1 + π)/(1 + ξπ) to value added per worker when w^c is held fixed; composition
    and price changes move w^c too, so the estimate is what a data set would show.
    """
    eco = model.economy
    w, f = eco.workers, eco.firms
    ok = (f.va_per_worker > 0) & (f.prev_va_per_worker > 0)
    change = np.full(f.n, np.nan)
    change[ok] = np.log(f.va_per_worker[ok]) - np.log(f.prev_va_per_worker[ok])
    n, sx, sy, sxx, sxy = loops.stayer_sums(w.employer, w.prev_employer, w.wage, w.prev_wage,
                                           change)
    if n < MIN_STAYERS:
        return float("nan")
    var = sxx - sx * sx / n
    if not var > 1e-12 * max(sxx, 1e-300):
        return float("nan")
    return float((sxy - sx * sy / n) / var)


__all__ = ["MIN_STAYERS", "ai_gains", "rent_sharing_elasticity"]
