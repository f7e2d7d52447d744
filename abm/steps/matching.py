"""Phase 3, last step: matching applicants to vacancies, with a search friction.

Workers value a job at firm j by its pay premium and an idiosyncratic taste for the
workplace (Card, Cardoso, Heining & Kline 2018, JOLE 36(S1); Lamadon, Mogstad &
Setzler 2022, AER 112(1)): u_ij = β_L·ψ_j + ε_ij with ε Gumbel and ψ_j = log(1 + ξπ_j)
the log premium the firm paid last period. Employers prefer higher predicted
productivity and reach applicants in that order, except that they first reach a
random share c (`contact_rate`) of them (recruiting contacts are random): the
contacted, best first, then the rest, best first. Each applicant reached takes one of
the open vacancies of her task with logit probability ∝ v_jz·(1 + ξπ_j)^β_L, where v_jz
is firm j's open vacancies on task z (a serial dictatorship with random utility).

β_L is the firm-level labour-supply elasticity: β_L → ∞ gives the assortative matching
(`match`), β_L = 0 random search, where the allocation is independent of premia.
Firms with equal premia are equally attractive: nothing else (assets, size) draws the
best applicants. The contact share keeps job finding from depending on the score
alone, so that no worker is excluded by construction: an applicant is contacted with
probability c each year and, when the contacted do not outnumber the vacancies, every
contacted applicant is hired.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from abm.fused import firm_level, matching, numpy_math

WEIGHT_SCALE = float(2 ** 26)
"""Integer resolution of the choice weights m_j = ⌊2²⁶·x_j / x_top⌋ (`choose_firms`).

Integer weights make every cumulative sum exact, so the Fenwick-tree search of the
fast model and a plain scan over firms pick the same firm. With fewer than 2²⁷ open
vacancies per task (N ≤ 5·10⁷) the total stays below 2⁵³, so ⌊u·W⌋ is exact in float64.
A vacancy less attractive than 2⁻²⁶ of the best open one is not chosen while the
better ones are open (a truncation of the logit at relative probability 1.5·10⁻⁸).
"""


def choice_weights(rent_factor: np.ndarray, beta: float) -> np.ndarray:
    """Attraction x_j = (R_j / max R)^β of every firm, R_j = 1 + ξπ_j its wage factor.

    Relative to the best-paying firm so that x ∈ [0, 1] whatever β; with no positive
    factor every firm attracts alike. The matching takes integer weights from x relative
    to the best firm with an open vacancy, so that a large β orders firms by premium
    however far below the top they pay.
    """
    rf = np.asarray(rent_factor, dtype=float)
    if numpy_math.COMPILED:          # the numpy code below, in one call
        return firm_level.choice_weights(rf, float(beta))
    top = float(rf.max()) if rf.size else 0.0
    ratio = rf / top if top > 0 else np.ones(rf.size)
    return np.power(ratio, float(beta))


def choose(app_task: np.ndarray, app_score: np.ndarray,
           tiebreak: np.ndarray | Callable[[], np.ndarray], contacted: np.ndarray,
           draw: np.ndarray, vacancies: np.ndarray, attraction: np.ndarray) -> np.ndarray:
    """The firm each applicant joins (-1: none), by position in the applicant arrays.

    Args:
        app_task, app_score: task and predicted productivity of each applicant.
        tiebreak: lottery numbers ranking equal scores (or a function returning them).
        contacted: whether employers reach the applicant first this year.
        draw: the applicant's uniform draw in [0, 1) for her choice of firm.
        vacancies: open vacancies, flat by cell j·Z + z.
        attraction: `choice_weights` of every firm.
    """
    app_task = np.asarray(app_task)
    attraction = np.asarray(attraction, dtype=float)
    n_tasks = vacancies.size // max(attraction.size, 1)
    order, _ = rank_applicants(app_task, np.asarray(app_score, dtype=float), tiebreak)
    order = matching.contacted_first(np.asarray(order, dtype=np.int64), app_task,
                                     np.asarray(contacted, dtype=np.bool_), n_tasks)
    return matching.choose_firms(order, app_task, np.asarray(draw, dtype=float),
                                 np.asarray(vacancies, dtype=np.int64), attraction, n_tasks,
                                 WEIGHT_SCALE)


def match(app_task: np.ndarray, app_score: np.ndarray, app_tiebreak: np.ndarray,
          slot_task: np.ndarray, slot_premium: np.ndarray, slot_firm: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Assortative matching within tasks: the limit of `choose` as β_L → ∞.

    Returns (applicant positions hired, firm for each): the r-th best applicant on task z
    gets the r-th best-paying vacancy on task z, for r < min(#applicants, #vacancies).
    Vacancies paying the same premium are ranked by slot order.
    """
    slot_task, slot_premium, slot_firm = (np.asarray(a) for a in (slot_task, slot_premium,
                                                                   slot_firm))
    second = np.zeros_like(slot_premium)
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
    a_order, a_rank = rank_applicants(app_task, app_score, app_tiebreak)
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


def rank_applicants(task: np.ndarray, score: np.ndarray,
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
    new_run = np.empty(g.size, dtype=bool)       # np.r_[True, g[1:] != g[:-1]], without
    new_run[:1] = True                           # np.r_'s parsing (a few µs a call)
    np.not_equal(g[1:], g[:-1], out=new_run[1:])
    starts = np.flatnonzero(new_run)
    rank = np.arange(g.size)
    runs = np.empty(starts.size, dtype=np.int64)   # np.diff(np.r_[starts, g.size])
    np.subtract(starts[1:], starts[:-1], out=runs[:-1])
    runs[-1:] = g.size - starts[-1:]
    rank -= np.repeat(starts, runs)
    return rank
