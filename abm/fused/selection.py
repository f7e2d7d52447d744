"""The hiring phase's screening and selection, in one call between each of numpy's steps.

The hiring phase (`abm.steps.hiring`) alternates compiled loops with steps that stay in
numpy: the draws, the least-squares solve of the employers' beliefs (LAPACK), the sort
of the applicants' scores and the power in the choice weights (rule 3 of `abm.fused`).
Between two such steps the loops run here in one call each, the same kernels in the
same order as the phase called them one by one (`abm.fused.hiring`, `abm.fused.layoffs`,
`abm.fused.screening`, `abm.fused.matching`), so the results are theirs bit for bit. A
call saves what a kernel call costs besides its work, several microseconds a period
each: the dispatch, the boxing of the arrays it returns and the numpy glue between.
"""

from __future__ import annotations

import numpy as np

from abm.fused.hiring import add_ridge, belief_inputs, default_rows, eligible_applicants
from abm.fused.hiring import employment_rates, scores, screening_moments
from abm.fused.jit import kernel
from abm.fused.layoffs import open_vacancies
from abm.fused.matching import match_and_hire
from abm.fused.screening import requirements

_screening_moments = screening_moments.dispatcher
_belief_inputs = belief_inputs.dispatcher
_add_ridge = add_ridge.dispatcher
_default_rows = default_rows.dispatcher
_scores = scores.dispatcher
_open_vacancies = open_vacancies.dispatcher
_requirements = requirements.dispatcher
_eligible_applicants = eligible_applicants.dispatcher
_match_and_hire = match_and_hire.dispatcher
_employment_rates = employment_rates.dispatcher


@kernel
def beliefs(task: np.ndarray, employer: np.ndarray, signal: np.ndarray,
            education: np.ndarray, outside_output: np.ndarray, ability: np.ndarray,
            first: np.ndarray, n_tasks: int, screening: bool, ridge: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who is employed, and the inputs of the employers' beliefs, after the layoffs.

    `employer != -1`; `screening_moments` and `belief_inputs` (V_D and the incumbents'
    signal sd by task, X'X completed); then, if screening, `add_ridge` of X'X, ready for
    the solve. Returns (employed, V_D, signal sd, X'X, X'y).
    """
    employed = np.empty(employer.shape[0], dtype=np.bool_)
    for i in range(employer.shape[0]):
        employed[i] = employer[i] != -1
    dv, xtx, xty, count = _screening_moments(task, employed, signal, education,
                                             outside_output, ability, first, n_tasks,
                                             screening)
    vd, sd, _ = _belief_inputs(dv, xtx, count)
    if screening:
        _add_ridge(xtx, ridge)
    return employed, vd, sd, xtx, xty


@kernel
def select(coef: np.ndarray, xtx: np.ndarray, screening: bool, task: np.ndarray,
           signal: np.ndarray, education: np.ndarray, employed: np.ndarray,
           target: np.ndarray, held: np.ndarray, n_firms: int, n_tasks: int,
           n_levels: int, evaluation_cost: float, skill_intensity: np.ndarray,
           score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                       np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                       np.ndarray]:
    """Scores, vacancies, requirements and the eligible applicants, after the solve.

    If screening, `default_rows` of the solved beliefs `coef` (in place); `scores`
    (every worker's into `score`); `open_vacancies` of the job targets and the workers
    `held` per cell; if screening, `requirements` at the evaluation cost κ·φ_z (none
    otherwise: 0 posted and applied); `eligible_applicants` under the applied ones, and
    their tasks (int32) and scores. Returns (vacancies per cell, per firm, posted and
    applied requirement, eligible, counts and employed counts by (task, meets), and
    the eligible's tasks and scores).
    """
    if screening:
        _default_rows(coef, xtx)
    applicants = _scores(task, signal, education, employed, coef, n_levels, n_tasks, score)
    vac, vac_task, vac_firm = _open_vacancies(target, held, n_firms, n_tasks)
    if screening:
        cost = evaluation_cost * skill_intensity          # κ in the task's output unit φ_z
        posted, applied = _requirements(task, education, employed, score, applicants,
                                        vac_task, cost, n_levels, n_tasks)
    else:
        posted = np.zeros(n_tasks)
        applied = np.zeros(n_tasks, dtype=np.int64)
    eligible, n_meets, k_meets = _eligible_applicants(task, education, employed, applied,
                                                      n_tasks)
    app_task = np.empty(eligible.shape[0], dtype=np.int32)
    app_score = np.empty(eligible.shape[0])
    for k in range(eligible.shape[0]):
        app_task[k] = task[eligible[k]]
        app_score[k] = score[eligible[k]]
    return vac, vac_firm, posted, applied, eligible, n_meets, k_meets, app_task, app_score


@kernel
def hire(order: np.ndarray, app_task: np.ndarray, contact_draw: np.ndarray,
         contact_rate: float, draw: np.ndarray, vacancies: np.ndarray,
         attraction: np.ndarray, n_tasks: int, scale: float, applicant: np.ndarray,
         employer: np.ndarray, task: np.ndarray, n_firms: int, n_meets: np.ndarray,
         k_meets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`match_and_hire`, then `employment_rates` with the hired counted as employed.

    Returns (hires per firm, employment rate of those meeting their task's requirement,
    of those not meeting it).
    """
    hires, hired_on = _match_and_hire(order, app_task, contact_draw, contact_rate, draw,
                                      vacancies, attraction, n_tasks, scale, applicant,
                                      employer, task, n_firms)
    eligible, ineligible = _employment_rates(n_meets, k_meets, hired_on)
    return hires, eligible, ineligible
