"""Phase 3: hiring with screening (link 3, credential inflation).

Order within the phase: separations and layoffs; every worker produces a work sample
(with commodity AI available) that employers see with noise; employers update their
belief about how signals and credentials predict productivity; they post credential
requirements from their evaluation problem; eligible unemployed workers are matched to
vacancies. Signals, beliefs and requirements are in `abm.steps.screening`.

Matching (`abm.steps.matching`). Employers reach eligible applicants in order of
predicted productivity (a random share of them first); each chooses among the open
vacancies of her task with logit probabilities in the firms' pay premia.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.fused import firm_level, numpy_math
from abm.fused import hiring as loops
from abm.fused import layoffs as fused_layoffs
from abm.fused import selection
from abm.state import blocks, draws_at, skip_draws
from abm.steps import industries, matching, screening
from abm.steps.matching import _ranks
from abm.steps.production import relative_assets

if TYPE_CHECKING:
    from abm.engine import Engine


# ---------------------------------------------------------------------------------------
# pure kernels
# ---------------------------------------------------------------------------------------
def allocate_jobs(shares: np.ndarray, jobs_per_task: np.ndarray) -> np.ndarray:
    """Integer job targets (J, Z): task z's jobs split over firms ∝ `shares`.

    Systematic rounding with task-staggered offsets (`fused.hiring.systematic_rounding`):
    every firm gets its quota rounded down or up in each task, every task exactly its
    jobs, and (with equal jobs per task) a firm entitled to at least one job in all gets
    one, so small firms are not left empty by rounding every task the same way. With
    unequal jobs per task `fused.hiring.one_job_each` serves the firms it misses.
    """
    return loops.systematic_rounding(np.asarray(shares, dtype=float),
                                     np.asarray(jobs_per_task, dtype=np.int64))


def rank_within(groups: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order by (group asc, key asc) and each element's rank within its group."""
    order = np.lexsort((keys, groups))
    return order, _ranks(groups[order])


def layoffs(cell: np.ndarray, target: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Which employed workers to lay off so that no (firm, task) cell exceeds its target.

    Args:
        cell: flat (firm·Z + task) index of each employed worker.
        target: flat job target per cell.
        key: random key per worker; the highest keys within an over-full cell go.
    """
    cell = np.asarray(cell)
    target = np.asarray(target)
    out = np.zeros(cell.size, dtype=bool)
    # only cells holding more workers than their target lose anyone; after separations
    # these are few, so rank (a sort) just their workers: same ranks, a fraction of the work
    over = np.bincount(cell, minlength=target.size) > target
    sel = np.flatnonzero(over[cell])
    if sel.size:
        order, rank = rank_within(cell[sel], key[sel])
        out[sel[order]] = rank >= target[cell[sel[order]]]
    return out


# ---------------------------------------------------------------------------------------
# the phase
# ---------------------------------------------------------------------------------------
def run(model: Engine) -> None:
    """Separations, signals, beliefs, requirements and matching for this period."""
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    rng = model.streams["hiring"]
    # The phase draws four length-N sequences from its stream, in this order: quit draws,
    # layoff keys, signal noise, matching tiebreaks. Each is drawn block by block where it
    # is used: the same numbers as drawing all four up front, without holding them. The
    # matching then draws two length-N sequences from its own stream (`abm.steps.matching`).

    # separations (the draws block by block, as every worker's draw), keeping last
    # period's job and wage first, for the stayers of the rent-sharing regression
    quits = np.zeros(f.n, dtype=np.int64)
    workers_on = np.zeros(t.n, dtype=np.int64)
    for b in blocks(w.n):
        loops.separate(w.employer[b], w.task[b], rng.random(b.stop - b.start),
                       p.separation_rate, quits, workers_on, w.prev_employer[b], w.wage[b],
                       w.prev_wage[b])

    # job targets and layoffs
    if numpy_math.COMPILED:          # the numpy code below, in one call
        size, shares = firm_level.job_shares(f.assets, float(p.size_elasticity))
    else:
        size = relative_assets(f.assets) ** p.size_elasticity
        shares = size / np.add.reduce(size)
    # jobs per task ⌊job_rate·workers⌋ split over firms ∝ shares (`allocate_jobs`); with
    # unequal jobs per task (workers choose tasks) the rounding can leave a firm entitled
    # to a job with none: it takes one from the firm rounded up most (`one_job_each`);
    # then the workers held per (J·Z,) cell and those in over-full cells, in one call
    weight = industries.weights(p, f.n, t.codifiable)
    if weight is None:
        target, held, at_risk = fused_layoffs.job_targets(shares, workers_on,
                                                          float(p.job_rate), w.employer,
                                                          w.task)
    else:                            # industries: a share per (firm, task) cell
        target, held, at_risk = fused_layoffs.job_targets_cells(
            industries.cell_shares(size, weight), workers_on, float(p.job_rate),
            w.employer, w.task)
    # Only workers in over-full cells can be laid off, and `layoffs` ranks them within
    # their cell alone: pass just them (and just their layoff keys; every worker's key
    # is still drawn, so the stream advances as before).
    if at_risk.size:
        # `layoffs` of the at-risk workers, applied, and the workers still employed per
        # cell and laid off per firm, in one call
        cell_now, fired = fused_layoffs.lay_off(at_risk, draws_at(rng, w.n, at_risk),
                                                w.employer, w.task, target, held, t.n, f.n)
        separations = quits + fired
    else:                            # nobody at risk: the layoff keys go unused
        skip_draws(rng, w.n)
        cell_now, separations = held, quits
    del at_risk, quits

    # signals; who is employed and the employers' beliefs (`screening.update_beliefs`)
    w.signal, first = screening.signals(model,
                                        lambda b: rng.standard_normal(b.stop - b.start))
    emp, xtx = screening.update_beliefs(model, first)
    # in one call (`fused.selection.select`): every worker's score, the open vacancies,
    # the posted and applied requirements of the employers' evaluation problem
    # (`abm.steps.screening`), and the unemployed who meet them, in worker order, with
    # workers counted by (task, meets requirement) and the employed among them, for
    # the employment rates
    score = np.empty(w.n)
    (vac, vac_firm, t.requirement, t.requirement_effective, eligible, n_meets, k_meets,
     app_task, app_score) = selection.select(
        t.belief, xtx, bool(p.screening), w.task, w.signal, w.education, emp, target,
        cell_now, f.n, t.n, p.n_edu_levels, float(p.evaluation_cost), t.skill_intensity,
        score)
    w.score = score
    del score, emp, xtx
    # matching tiebreaks: needed only if scores tie, but drawn in any case
    tiebreaks: list[np.ndarray] = []

    def tiebreak() -> np.ndarray:
        tiebreaks.append(draws_at(rng, w.n, eligible))
        return tiebreaks[0]

    # `matching.choose`, step by step so that each temporary of N goes when it is used
    order, _ = matching.rank_applicants(app_task, app_score, tiebreak)
    del app_score
    if not tiebreaks:                  # not needed: advance the stream as if drawn
        skip_draws(rng, w.n)
    # the search friction's draws: every worker's contact draw, then every worker's
    # choice draw, from their own stream (the hiring stream is unchanged)
    search = model.streams["matching"]
    contact = draws_at(search, w.n, eligible)
    draw = draws_at(search, w.n, eligible)
    attraction = matching.choice_weights(f.rent_factor, p.supply_elasticity)
    # the contacted first, the choice of firms and the hires (`fused.matching`), and the
    # employment rates, the hired (unemployed, eligible) counted as employed, in one call
    f.hires, t.emp_rate_eligible, t.emp_rate_ineligible = selection.hire(
        order, app_task, contact, float(p.contact_rate), draw, vac, attraction, t.n,
        matching.WEIGHT_SCALE, eligible, w.employer, w.task, f.n, n_meets, k_meets)
    del order, app_task, contact, draw

    f.vacancies = vac_firm
    f.separations = separations
