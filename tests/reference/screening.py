"""Screening arithmetic: the employers' hiring standard and the gain from evaluating.

docs/MODEL.md §3.3.2 (signals, beliefs and credential requirements): applicants of one
credential level have predictions ŷ ~ N(m_e, σ_e²); `hiring_standard` is the marginal
hire's prediction y* that fills the vacancies from the levels evaluated, and
`expected_gain` the value E[(ŷ − y*)⁺] of evaluating one more applicant of a level. The
hiring phase (`phases_hiring.py`) posts credential requirements with them; they are
plain functions of numbers, tested on their own in tests/unit/test_bisection.py.
`RIDGE` is the ridge of the employers' OLS belief, as in `abm`.
"""

from __future__ import annotations

import math

RIDGE = 1e-9          # as abm.steps.screening.RIDGE
BISECTIONS = 80       # as abm.fused.screening.BISECTIONS


def upper_tail(y: float, mean: float, sd: float) -> float:
    """P(ŷ > y) for ŷ ~ N(mean, sd²); a point mass at `mean` when sd = 0."""
    if sd > 0.0:
        return 0.5 * math.erfc((y - mean) / (sd * math.sqrt(2.0)))
    return 1.0 if y < mean else 0.0


def expected_gain(y: float, mean: float, sd: float) -> float:
    """E[(ŷ − y)⁺] for ŷ ~ N(mean, sd²)."""
    if sd > 0.0:
        d = (y - mean) / sd
        return (sd * (1.0 / math.sqrt(2.0 * math.pi)) * math.exp(-0.5 * d * d)
                + (mean - y) * 0.5 * math.erfc(d / math.sqrt(2.0)))
    return mean - y if mean > y else 0.0


def hiring_standard(count: list[int], mean: list[float], sd: list[float],
                    evaluated: list[int], vacancies: float) -> float:
    """The marginal hire's prediction y*: Σ_evaluated n_e·P(ŷ_e > y*) = V, by bisection."""
    pool, lo, hi = 0.0, math.inf, -math.inf
    for e in range(min(evaluated), len(count)):
        if count[e] > 0:
            pool += float(count[e])
            lo = min(lo, mean[e] - 8.0 * sd[e])
            hi = max(hi, mean[e] + 8.0 * sd[e])
    if pool <= vacancies:
        return -math.inf
    lo, hi = lo - 1.0, hi + 1.0
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = 0.0
        for e in range(min(evaluated), len(count)):
            if count[e] > 0:
                above += float(count[e]) * upper_tail(mid, mean[e], sd[e])
        if above > vacancies:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
