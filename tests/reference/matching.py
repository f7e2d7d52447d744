"""Matching applicants to vacancies, one applicant at a time (docs/MODEL.md §3.3.3).

`logit_pairs` is the model's rule: serial dictatorship with logit choice of firm, each
applicant in the order employers reach her picking an open vacancy with integer weights
`_integer_weights` (firm attraction relative to the best open one). `assortative_pairs`
is its β_L → ∞ limit, the textbook stable matching, against which the fast ranking
kernel is checked on inputs full of ties. They take plain tuples, not agents, so the
cross-checks can call them on hand-made inputs too; the hiring phase
(`phases_hiring.py`) builds the tuples from its agents.
"""

from __future__ import annotations

import math


def logit_pairs(applicants: list[tuple[int, int, float, float, bool, float]],
                vacancies: list[tuple[int, float, int, int]]) -> dict[int, int]:
    """Applicants, in the order employers reach them, each pick an open vacancy at random.

    Args:
        applicants: (worker index, task, predicted productivity, lottery number,
            contacted first, choice draw u in [0, 1)).
        vacancies: (task, firm attraction x_j, firm index, open positions).

    Returns:
        {worker index: firm index} for every applicant hired. On each task the contacted
        applicants come first, then the others, each group best first (highest
        prediction, then lowest lottery number, then lowest index). Each takes the first
        firm, in index order, whose cumulative weight Σ m_k·v_k exceeds ⌊u·W⌋, W the sum
        over the firms with open positions; her position is then filled. The weights are
        integers m_j = ⌊2²⁶·x_j / x_top⌋, x_top the best attraction with an open position
        (all 1 if it is 0), taken again whenever only positions of weight 0 are left.
    """
    hired: dict[int, int] = {}
    for z in sorted({a[1] for a in applicants} | {v[0] for v in vacancies}):
        queue = sorted((a for a in applicants if a[1] == z),
                       key=lambda a: (not a[4], -a[2], a[3], a[0]))
        rows = sorted((v for v in vacancies if v[0] == z), key=lambda v: v[2])
        open_ = [v[3] for v in rows]
        mass = _integer_weights(rows, open_)
        for applicant in queue:
            if sum(open_) == 0:
                break
            total = sum(n * m for n, m in zip(open_, mass, strict=True))
            if total == 0:
                mass = _integer_weights(rows, open_)
                total = sum(n * m for n, m in zip(open_, mass, strict=True))
            target = min(int(applicant[5] * float(total)), total - 1)
            cum = 0
            for k, v in enumerate(rows):
                cum += open_[k] * mass[k]
                if cum > target:
                    hired[applicant[0]] = v[2]
                    open_[k] -= 1
                    break
    return hired


def _integer_weights(rows: list[tuple[int, float, int, int]], open_: list[int]) -> list[int]:
    """m_j = ⌊2²⁶·x_j / x_top⌋ over the firms of `rows`, x_top the best open attraction."""
    top = max((v[1] for v, n in zip(rows, open_, strict=True) if n > 0), default=0.0)
    top = max(top, 0.0)
    return [1 if top == 0.0 else int(math.floor(2.0 ** 26 * (v[1] / top))) for v in rows]


def assortative_pairs(applicants: list[tuple[int, int, float, float]],
                      vacancies: list[tuple[int, float, int, int]]) -> dict[int, int]:
    """The stable matching when all sides rank the other side alike, task by task.

    Args:
        applicants: (worker index, task, predicted productivity, lottery number).
        vacancies: (task, firm premium, firm index, open positions).

    Returns:
        {worker index: firm index} for every applicant hired. On each task the best
        applicant (highest prediction, then lowest lottery number, then lowest index)
        gets a position at the best-paying firm (highest premium, then lowest index), the
        second best the next position, and so on: the β_L → ∞ limit of `logit_pairs`.
    """
    hired: dict[int, int] = {}
    for z in sorted({a[1] for a in applicants} | {v[0] for v in vacancies}):
        queue = sorted((a for a in applicants if a[1] == z),
                       key=lambda a: (-a[2], a[3], a[0]))
        positions = []
        for _, premium, firm, n in sorted((v for v in vacancies if v[0] == z),
                                          key=lambda v: (-v[1], v[2])):
            positions += [firm] * n
        for applicant, firm in zip(queue, positions, strict=False):
            hired[applicant[0]] = firm
    return hired
