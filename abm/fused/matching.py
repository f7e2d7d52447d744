"""Fused loops of the matching (see `abm.steps.matching`)."""

from __future__ import annotations

import numpy as np

from abm.fused.jit import inner, kernel

# called only by `abm.steps.matching.match`, the ranked matching that the per-agent
# reference and the tests use; a run never does (see `abm.feedback`)
OPTIONAL_KERNELS = ("assign_slots",)


@kernel
def rankable(score: np.ndarray, order: np.ndarray, task: np.ndarray) -> int:
    """Tasks to rank over (max + 1) if the fast ranking applies, else -1.

    It applies when scores, visited in `order`, are free of NaN and of two equal
    neighbours (then descending order is ascending order reversed, whatever the
    tiebreak) and every task index is non-negative; an empty list does not apply.
    """
    n = order.shape[0]
    if n == 0:
        return -1
    for r in range(n):
        v = score[order[r]]
        if v != v or (r > 0 and v == score[order[r - 1]]):
            return -1
    top = -1
    for k in range(task.shape[0]):
        if task[k] < 0:
            return -1
        top = max(top, task[k])
    return top + 1


@kernel
def group_by_task(order: np.ndarray, task: np.ndarray, n_tasks: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Stable counting sort of `order` by task, and each element's rank within its task.

    The same permutation as `order[np.argsort(task[order], kind="stable")]`; ranks as
    int32 (a task never holds 2³¹ applicants), to keep the first period's matching,
    when nearly everyone applies, small.
    """
    n = order.shape[0]
    start = np.zeros(n_tasks + 1, dtype=np.int64)
    for r in range(n):
        start[task[order[r]] + 1] += 1
    for z in range(n_tasks):
        start[z + 1] += start[z]
    fill = start[:n_tasks].copy()
    out = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int32)
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
                 cell_order: np.ndarray, n_tasks: int) -> np.ndarray:
    """The r-th ranked applicant of task z takes the r-th ranked vacancy of task z.

    Applicants arrive ranked (task ascending, best first) with their rank within the
    task; vacancy cells arrive ranked by `cell_order` (task ascending, best first), each
    with its number of slots. Returns the firm of each applicant (by position in the
    applicant arrays), -1 for those not hired.
    """
    first = np.full(n_tasks, -1, dtype=np.int64)   # first ranked cell of each task
    n_slots = np.zeros(n_tasks, dtype=np.int64)
    for q in range(cell_order.shape[0]):
        z = cell_task[cell_order[q]]
        if first[z] < 0:
            first[z] = q
        n_slots[z] += cell_slots[cell_order[q]]
    firm_of = np.full(order.shape[0], -1, dtype=np.int64)
    cursor = first.copy()                          # current cell of each task
    left = np.zeros(n_tasks, dtype=np.int64)       # slots left in it
    for z in range(n_tasks):
        if cursor[z] >= 0:
            left[z] = cell_slots[cell_order[cursor[z]]]
    for r in range(order.shape[0]):
        z = app_task[order[r]]
        if rank[r] >= n_slots[z]:
            continue
        while left[z] == 0:                        # cells of zero slots take nobody
            cursor[z] += 1
            left[z] = cell_slots[cell_order[cursor[z]]]
        firm_of[order[r]] = cell_firm[cell_order[cursor[z]]]
        left[z] -= 1
    return firm_of


@kernel
def apply_hires(firm_of: np.ndarray, applicant: np.ndarray, employer: np.ndarray,
                task: np.ndarray, n_firms: int, n_tasks: int) -> tuple[np.ndarray, np.ndarray]:
    """Applicant k (worker `applicant[k]`) joins `firm_of[k]` unless it is -1.

    Returns hires per firm and per task.
    """
    per_firm = np.zeros(n_firms, dtype=np.int64)
    per_task = np.zeros(n_tasks, dtype=np.int64)
    for k in range(firm_of.shape[0]):
        j = firm_of[k]
        if j >= 0:
            i = applicant[k]
            employer[i] = j
            per_firm[j] += 1
            per_task[task[i]] += 1
    return per_firm, per_task


@kernel
def contacted_first(order: np.ndarray, app_task: np.ndarray, contacted: np.ndarray,
                    n_tasks: int) -> np.ndarray:
    """`order` (grouped by task, best first) with each task's contacted applicants first.

    A stable partition within every task: the contacted keep their score order, and so
    do the others behind them. `contacted` is indexed by applicant position.
    """
    n = order.shape[0]
    start = np.zeros(n_tasks + 1, dtype=np.int64)
    n_contacted = np.zeros(n_tasks, dtype=np.int64)
    for r in range(n):
        i = order[r]
        start[app_task[i] + 1] += 1
        if contacted[i]:
            n_contacted[app_task[i]] += 1
    for z in range(n_tasks):
        start[z + 1] += start[z]
    first = start[:n_tasks].copy()                 # next place of a contacted applicant
    later = start[:n_tasks] + n_contacted          # next place of one not contacted
    out = np.empty(n, dtype=np.int64)
    for r in range(n):
        i = order[r]
        z = app_task[i]
        if contacted[i]:
            out[first[z]] = i
            first[z] += 1
        else:
            out[later[z]] = i
            later[z] += 1
    return out


@inner
def _build_tree(tree: np.ndarray, mass: np.ndarray, vacancies: np.ndarray,
                attraction: np.ndarray, z: int, n_tasks: int, scale: float) -> int:
    """Integer weights m_j = ⌊scale·x_j / x_top⌋ of task z's open vacancies, in `tree`.

    x_top is the largest attraction among firms with an open vacancy on z (if it is 0,
    every such firm weighs 1). Fills `mass` with m_j, the Fenwick tree with v_jz·m_j,
    and returns the total.
    """
    n_firms = attraction.shape[0]
    top = 0.0
    for j in range(n_firms):
        if vacancies[j * n_tasks + z] > 0 and attraction[j] > top:
            top = attraction[j]
    total = 0
    for j in range(n_firms):
        m = np.int64(1) if top == 0.0 else np.int64(np.floor(scale * (attraction[j] / top)))
        mass[j] = m
        tree[j + 1] = vacancies[j * n_tasks + z] * m
        total += tree[j + 1]
    for k in range(1, n_firms + 1):
        parent = k + (k & -k)
        if parent <= n_firms:
            tree[parent] += tree[k]
    return total


@kernel
def choose_firms(order: np.ndarray, app_task: np.ndarray, draw: np.ndarray,
                 vacancies: np.ndarray, attraction: np.ndarray, n_tasks: int,
                 scale: float) -> np.ndarray:
    """Serial dictatorship with logit choice: each applicant, in `order`, picks a vacancy.

    Applicants arrive grouped by task in the order employers reach them. On task z the
    applicant takes firm j with probability m_j·v_jz / Σ_k m_k·v_kz over the vacancies v
    still open, with integer weights m_j = ⌊scale·x_j / x_top⌋ (x = `attraction`, x_top
    its largest value among firms with an open vacancy): integers, so every sum is
    exact. The pick is the first firm, in index order, whose cumulative weight exceeds
    ⌊u·W⌋ (u = `draw` of the applicant, W the total), found in a Fenwick tree in
    O(log J); a plain scan over firms picks the same. Weights below 1/scale of the best
    round to 0; when only such vacancies are left the weights are taken again relative
    to the best of them. Applicants who find no open vacancy stay unemployed.
    `vacancies` (flat by cell j·Z + z) is left unchanged. Returns the firm of each
    applicant (by position in the applicant arrays), -1 for those not hired.
    """
    n_firms = attraction.shape[0]
    firm_of = np.full(app_task.shape[0], -1, dtype=np.int64)
    tree = np.zeros(n_firms + 1, dtype=np.int64)
    mass = np.zeros(n_firms, dtype=np.int64)
    open_ = np.zeros(n_firms * n_tasks, dtype=np.int64)
    top = 1                                      # largest power of two <= n_firms
    while top * 2 <= n_firms:
        top *= 2
    r = 0
    n = order.shape[0]
    while r < n:
        z = app_task[order[r]]
        end = r
        while end < n and app_task[order[end]] == z:
            end += 1
        left = 0
        for j in range(n_firms):
            open_[j * n_tasks + z] = vacancies[j * n_tasks + z]
            left += vacancies[j * n_tasks + z]
        total = _build_tree(tree, mass, open_, attraction, z, n_tasks, scale)
        for q in range(r, end):
            if left == 0:
                break
            if total == 0:                       # only vacancies of weight 0 are left
                total = _build_tree(tree, mass, open_, attraction, z, n_tasks, scale)
            i = order[q]
            target = np.int64(draw[i] * np.float64(total))
            if target >= total:
                target = total - 1
            pos = 0
            step = top
            while step > 0:
                nxt = pos + step
                if nxt <= n_firms and tree[nxt] <= target:
                    pos = nxt
                    target -= tree[nxt]
                step //= 2
            firm_of[i] = pos                     # the first firm whose cumulative sum exceeds
            k = pos + 1
            while k <= n_firms:
                tree[k] -= mass[pos]
                k += k & -k
            total -= mass[pos]
            open_[pos * n_tasks + z] -= 1
            left -= 1
        r = end
    return firm_of


_contacted_first = contacted_first.dispatcher
_choose_firms = choose_firms.dispatcher
_apply_hires = apply_hires.dispatcher


@kernel
def match_and_hire(order: np.ndarray, app_task: np.ndarray, contact_draw: np.ndarray,
                   contact_rate: float, draw: np.ndarray, vacancies: np.ndarray,
                   attraction: np.ndarray, n_tasks: int, scale: float,
                   applicant: np.ndarray, employer: np.ndarray, task: np.ndarray,
                   n_firms: int) -> tuple[np.ndarray, np.ndarray]:
    """The matching after the ranking, in one call: `contacted_first` (contacted: the
    applicant's contact draw below `contact_rate`), `choose_firms`, `apply_hires`.

    Returns (hires per firm, hires per task).
    """
    contacted = np.empty(contact_draw.shape[0], dtype=np.bool_)
    for k in range(contact_draw.shape[0]):
        contacted[k] = contact_draw[k] < contact_rate
    order = _contacted_first(order, app_task, contacted, n_tasks)
    firm_of = _choose_firms(order, app_task, draw, vacancies, attraction, n_tasks, scale)
    return _apply_hires(firm_of, applicant, employer, task, n_firms, n_tasks)
