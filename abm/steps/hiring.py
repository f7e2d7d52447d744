"""Phase 3: hiring with screening (link 3, credential inflation).

Order within the phase: separations and layoffs; every worker produces a work sample
(with commodity AI available) that employers see with noise; employers update their
belief about how signals and credentials predict productivity; they post credential
requirements from their evaluation problem; eligible unemployed workers are matched to
vacancies. Signals, beliefs and requirements are in `abm.steps.screening`.

Matching. All workers prefer firms paying a higher rent premium; all employers prefer
higher predicted productivity. The stable matching is assortative within each task:
rank eligible applicants by score and vacancies by firm premium and pair them in order
(sorting, no per-applicant loop).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from abm.fused import hiring as loops
from abm.fused import matching
from abm.state import UNEMPLOYED, blocks
from abm.steps import screening
from abm.steps.production import relative_assets

if TYPE_CHECKING:
    from abm.model import LaborMarketModel

# ---------------------------------------------------------------------------------------
# pure kernels
# ---------------------------------------------------------------------------------------
def allocate_jobs(shares: np.ndarray, jobs_per_task: np.ndarray) -> np.ndarray:
    """Integer job targets (J, Z): task z's jobs split over firms ∝ `shares`.

    Systematic rounding with task-staggered offsets (`fused.hiring.systematic_rounding`):
    every firm gets its quota rounded down or up in each task, every task exactly its
    jobs, and (with equal jobs per task) a firm entitled to at least one job in all gets
    one, so small firms are not left empty by rounding every task the same way.
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


def match(app_task: np.ndarray, app_score: np.ndarray, app_tiebreak: np.ndarray,
          slot_task: np.ndarray, slot_premium: np.ndarray, slot_firm: np.ndarray,
          slot_assets: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Assortative matching within tasks.

    Returns (applicant positions hired, firm for each): the r-th best applicant on task z
    gets the r-th best-paying vacancy on task z, for r < min(#applicants, #vacancies).
    Vacancies paying the same premium are ranked by the firm's assets (then index).
    """
    slot_task, slot_premium, slot_firm = (np.asarray(a) for a in (slot_task, slot_premium,
                                                                   slot_firm))
    second = np.zeros_like(slot_premium) if slot_assets is None else -np.asarray(slot_assets)
    # Slots of one firm and task are interchangeable: match on runs of identical slots.
    # Runs are contiguous in slot order, so ranking runs by (task, premium, assets, first
    # slot) and expanding them orders the slots exactly as ranking every slot would.
    n = slot_task.size
    same = ((slot_task[1:] == slot_task[:-1]) & (slot_premium[1:] == slot_premium[:-1])
            & (slot_firm[1:] == slot_firm[:-1]) & (second[1:] == second[:-1]))
    start = np.flatnonzero(np.r_[True, ~same]) if n else np.zeros(0, dtype=np.int64)
    count = np.diff(np.r_[start, n])
    return _match_cells(np.asarray(app_task), np.asarray(app_score), np.asarray(app_tiebreak),
                        slot_task[start], slot_premium[start], slot_firm[start],
                        second[start], count)


def _match_cells(app_task: np.ndarray, app_score: np.ndarray, app_tiebreak: np.ndarray,
                 cell_task: np.ndarray, cell_premium: np.ndarray, cell_firm: np.ndarray,
                 cell_second: np.ndarray, cell_slots: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """`match` with vacancies given per (firm, task) cell, in slot order, with counts.

    `cell_second` is the secondary vacancy key, ascending (minus the assets). The r-th
    slot of task z in ranked order lies in the ranked cell whose cumulative slot count
    first exceeds r, so no per-slot array is ever built (in the first period nearly
    every job is vacant).
    """
    a_order, a_rank = _rank_with_tiebreak(app_task, app_score, app_tiebreak)
    return _assign_slots(a_order, a_rank, app_task, cell_task, cell_premium, cell_firm,
                         cell_second, cell_slots)


def _assign_slots(a_order: np.ndarray, a_rank: np.ndarray, app_task: np.ndarray,
                  cell_task: np.ndarray, cell_premium: np.ndarray, cell_firm: np.ndarray,
                  cell_second: np.ndarray, cell_slots: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Second half of `_match_cells`: ranked applicants to ranked vacancy cells.

    The r-th applicant of task z (in ranked order) is hired if r < vacancies on z, into
    the r-th of z's slots in ranked order: cells ranked by (task, premium descending,
    secondary key, cell order), each holding `cell_slots` interchangeable slots.
    Returns (applicant positions hired, firm of each), in ranked applicant order.
    """
    cell_task = np.asarray(cell_task, dtype=np.int64)
    c_order = np.lexsort((cell_second, -np.asarray(cell_premium), cell_task))
    n_tasks = int(max(np.max(app_task, initial=-1), np.max(cell_task, initial=-1)) + 1)
    a_order = np.asarray(a_order, dtype=np.int64)
    firm_of = matching.assign_slots(a_order, np.asarray(a_rank, dtype=np.int64),
                                    np.asarray(app_task, dtype=np.int64), cell_task,
                                    np.asarray(cell_firm, dtype=np.int64),
                                    np.asarray(cell_slots, dtype=np.int64), c_order,
                                    max(n_tasks, 0))
    hired = a_order[firm_of[a_order] >= 0]          # in ranked order
    return hired, firm_of[hired].astype(np.asarray(cell_firm).dtype, copy=False)


def _rank_with_tiebreak(task: np.ndarray, score: np.ndarray,
                        tiebreak: np.ndarray | Callable[[], np.ndarray]
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Order by (task asc, score desc, tiebreak asc) and each applicant's rank in its task.

    Equivalent to `np.lexsort((tiebreak, -score, task))`, which is slow (three merge
    sorts). Scores are continuous, so they almost never tie: sort by score with the fast
    unstable sort (descending order is ascending order reversed when nothing ties),
    then by task with a stable counting sort. If two scores do tie (or
    one is NaN) the tiebreak matters and the lexsort is used instead. `tiebreak` may be
    a function returning it, called only in that case.
    """
    score = np.asarray(score, dtype=float)
    order = np.argsort(score)[::-1]
    n_tasks = matching.rankable(score, order, task)
    if n_tasks < 0:
        order = np.lexsort((tiebreak() if callable(tiebreak) else tiebreak, -score, task))
        return order, _ranks(task[order])
    del score                          # the caller's copy may go: the first period is big
    # a stable counting sort by task of the score order (one pass, no second sort)
    return matching.group_by_task(order, task, n_tasks)


def _ranks(sorted_groups: np.ndarray) -> np.ndarray:
    """Rank of each element within its run of equal values in an already sorted array."""
    g = sorted_groups
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.arange(g.size)
    rank -= np.repeat(starts, np.diff(np.r_[starts, g.size]))
    return rank


# ---------------------------------------------------------------------------------------
# the phase
# ---------------------------------------------------------------------------------------
def _draws_at(rng: np.random.Generator, n: int, at: np.ndarray) -> np.ndarray:
    """`rng.random(n)[at]` for sorted indices `at`, drawn block by block.

    The stream advances exactly as with `rng.random(n)`, without holding all n numbers;
    blocks holding none of `at` are jumped over rather than drawn.
    """
    out = np.empty(at.size)
    for b in blocks(n):
        lo, hi = np.searchsorted(at, (b.start, b.stop))
        if hi == lo:
            _skip(rng, b.stop - b.start)
        else:
            out[lo:hi] = rng.random(b.stop - b.start)[at[lo:hi] - b.start]
    return out


def _skip(rng: np.random.Generator, n: int) -> None:
    """Advance `rng` exactly as drawing `n` uniform doubles with `rng.random` would.

    A PCG64 double consumes one 64-bit output, and PCG64 can jump ahead by any number of
    outputs at once; other bit generators draw and discard.
    """
    if type(rng.bit_generator) is np.random.PCG64:
        rng.bit_generator.advance(n)
    else:
        for b in blocks(n):
            rng.random(b.stop - b.start)


def run(model: LaborMarketModel) -> None:
    """Separations, signals, beliefs, requirements and matching for this period."""
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    rng = model.streams["hiring"]
    # The phase draws four length-N sequences from its stream, in this order: quit draws,
    # layoff keys, signal noise, matching tiebreaks. Each is drawn block by block where it
    # is used: the same numbers as drawing all four up front, without holding them.

    # last period's job and wage, for the stayers of the rent-sharing regression
    np.copyto(w.prev_employer, w.employer)
    np.copyto(w.prev_wage, w.wage)
    # separations (the draws block by block, as every worker's draw)
    quits = np.zeros(f.n, dtype=np.int64)
    workers_on = np.zeros(t.n, dtype=np.int64)
    for b in blocks(w.n):
        loops.separate(w.employer[b], w.task[b], rng.random(b.stop - b.start),
                       p.separation_rate, quits, workers_on)

    # job targets and layoffs
    k = relative_assets(f.assets)
    size = k ** p.size_elasticity
    per_task = np.floor(p.job_rate * workers_on).astype(np.int64)
    target = allocate_jobs(size / np.add.reduce(size), per_task).ravel()          # (J·Z,)
    held, at_risk = loops.staffing(w.employer, w.task, target, t.n)
    # Only workers in over-full cells can be laid off, and `layoffs` ranks them within
    # their cell alone: pass just them (and just their layoff keys; every worker's key
    # is still drawn, so the stream advances as before).
    if at_risk.size:
        at_risk_cell = w.employer[at_risk] * t.n + w.task[at_risk]
        out = layoffs(at_risk_cell, target, _draws_at(rng, w.n, at_risk))
        w.employer[at_risk[out]] = UNEMPLOYED
        fired_cell = at_risk_cell[out]
        # workers still employed, per cell: counts are integers, so subtracting is exact
        cell_now = held - np.bincount(fired_cell, minlength=f.n * t.n)
        fired = np.bincount(fired_cell // t.n, minlength=f.n)
        del at_risk_cell, out
    else:                            # nobody at risk: the layoff keys go unused
        _skip(rng, w.n)
        cell_now, fired = held, 0
    del at_risk
    emp = w.employer != UNEMPLOYED

    # signals, beliefs, requirements
    w.signal, first = screening.signals(model,
                                        lambda b: rng.standard_normal(b.stop - b.start))
    screening.update_beliefs(model, emp, first)
    # every worker's score, and the applicants (the unemployed) by task and education
    score = np.empty(w.n)
    levels = p.n_edu_levels
    applicants = loops.scores(w.task, w.signal, w.education, emp,
                              np.ascontiguousarray(t.belief, dtype=float), levels, t.n, score)
    w.score = score
    del score
    vac = np.maximum(target - cell_now, 0)
    vac_task = vac.reshape(f.n, t.n).sum(axis=0)
    screening.set_requirements(model, emp, applicants, vac_task)

    # matching: eligible applicants, in worker order. The same pass counts workers by
    # (task, meets requirement) and the employed among them, for the employment rates.
    eligible, n_meets, k_meets = loops.eligible_applicants(
        w.task, w.education, emp, t.requirement_effective.astype(np.int64), t.n)
    app_task = w.task[eligible].astype(np.int32)        # small: nearly all apply at first
    # matching tiebreaks: needed only if scores tie, but drawn in any case
    tiebreaks: list[np.ndarray] = []

    def tiebreak() -> np.ndarray:
        tiebreaks.append(_draws_at(rng, w.n, eligible))
        return tiebreaks[0]

    order, rank = _rank_with_tiebreak(app_task, w.score[eligible], tiebreak)
    if not tiebreaks:                  # not needed: advance the stream as if drawn
        _skip(rng, w.n)
    # vacancies ranked by task, then the firm's premium (descending), assets (descending)
    # and index, as `match` ranks them: every cell of a firm ranks alike, so the J firms
    # are ranked once and their cells listed task by task in that order
    firm_order = np.lexsort((-f.assets, -f.rent_factor))
    cell_task, cell_firm, cell_slots = matching.ranked_cells(vac, firm_order, t.n)
    firm_of = matching.assign_slots(order, rank, app_task, cell_task, cell_firm, cell_slots,
                                    np.arange(cell_task.size), t.n)
    del order, rank, app_task
    f.hires, hired_on = matching.apply_hires(firm_of, eligible, w.employer, w.task, f.n, t.n)
    del firm_of

    f.vacancies = vac.reshape(f.n, t.n).sum(axis=1)
    f.separations = quits + fired
    # the hired were unemployed and eligible (they meet the requirement)
    t.emp_rate_eligible, t.emp_rate_ineligible = loops.employment_rates(n_meets, k_meets,
                                                                         hired_on)
