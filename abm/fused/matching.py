"""Fused loops of the assortative matching (see `abm.steps.hiring.match`)."""

from __future__ import annotations

import numpy as np

from abm.fused.jit import kernel


@kernel
def has_ties(score: np.ndarray, order: np.ndarray) -> bool:
    """Whether scores, visited in `order`, contain NaN or two equal neighbours."""
    n = order.shape[0]
    for r in range(n):
        v = score[order[r]]
        if v != v:
            return True
        if r > 0 and v == score[order[r - 1]]:
            return True
    return False


@kernel
def group_by_task(order: np.ndarray, task: np.ndarray, n_tasks: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Stable counting sort of `order` by task, and each element's rank within its task.

    The same permutation as `order[np.argsort(task[order], kind="stable")]`.
    """
    n = order.shape[0]
    start = np.zeros(n_tasks + 1, dtype=np.int64)
    for r in range(n):
        start[task[order[r]] + 1] += 1
    for z in range(n_tasks):
        start[z + 1] += start[z]
    fill = start[:n_tasks].copy()
    out = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    for r in range(n):
        i = order[r]
        z = task[i]
        q = fill[z]
        out[q] = i
        rank[q] = q - start[z]
        fill[z] = q + 1
    return out, rank


@kernel
def assign_slots(order: np.ndarray, rank: np.ndarray, app_task: np.ndarray,
                 cell_task: np.ndarray, cell_firm: np.ndarray, cell_slots: np.ndarray,
                 cell_order: np.ndarray, n_tasks: int) -> tuple[np.ndarray, np.ndarray]:
    """The r-th ranked applicant of task z takes the r-th ranked vacancy of task z.

    Applicants arrive ranked (task ascending, best first) with their rank within the
    task; vacancy cells arrive ranked by `cell_order` (task ascending, best first), each
    with its number of slots. Returns (positions in the applicant arrays of those hired,
    their firms), in ranked applicant order.
    """
    first = np.full(n_tasks, -1, dtype=np.int64)   # first ranked cell of each task
    n_slots = np.zeros(n_tasks, dtype=np.int64)
    for q in range(cell_order.shape[0]):
        z = cell_task[cell_order[q]]
        if first[z] < 0:
            first[z] = q
        n_slots[z] += cell_slots[cell_order[q]]
    hired = 0
    for r in range(order.shape[0]):
        if rank[r] < n_slots[app_task[order[r]]]:
            hired += 1
    pos = np.empty(hired, dtype=np.int64)
    firm = np.empty(hired, dtype=cell_firm.dtype)
    cursor = first.copy()                          # current cell of each task
    left = np.zeros(n_tasks, dtype=np.int64)       # slots left in it
    for z in range(n_tasks):
        if cursor[z] >= 0:
            left[z] = cell_slots[cell_order[cursor[z]]]
    h = 0
    for r in range(order.shape[0]):
        z = app_task[order[r]]
        if rank[r] >= n_slots[z]:
            continue
        while left[z] == 0:                        # cells of zero slots take nobody
            cursor[z] += 1
            left[z] = cell_slots[cell_order[cursor[z]]]
        pos[h] = order[r]
        firm[h] = cell_firm[cell_order[cursor[z]]]
        left[z] -= 1
        h += 1
    return pos, firm


@kernel
def ranked_cells(vacancies: np.ndarray, firm_order: np.ndarray, n_tasks: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(task, firm, slots) of the flat (firm·Z + task) cells with vacancies, ranked.

    Ranked by task, then in `firm_order`. When a cell's rank depends on its firm alone,
    this is the order of `np.lexsort((second, -premium, task))` over the cells in flat
    order.
    """
    m = 0
    for c in range(vacancies.shape[0]):
        if vacancies[c] > 0:
            m += 1
    task = np.empty(m, dtype=np.int64)
    firm = np.empty(m, dtype=np.int64)
    slots = np.empty(m, dtype=np.int64)
    m = 0
    for z in range(n_tasks):
        for j in firm_order:
            c = j * n_tasks + z
            if vacancies[c] > 0:
                task[m], firm[m], slots[m] = z, j, vacancies[c]
                m += 1
    return task, firm, slots
