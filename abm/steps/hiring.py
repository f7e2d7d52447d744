"""Phase 3: hiring with screening (link 3, credential inflation).

Order within the phase: separations and layoffs; every worker produces a work sample
(with commodity AI available) that employers see with noise; employers update their
belief about how signals and credentials predict productivity; they post credential
requirements; eligible unemployed workers are matched to vacancies.

Signal. s_i = ys_i·(1 + s_ε·ε_i), ε ~ N(0, 1). The error is proportional to the sample's
level: a grader judges quality on a ratio scale, so a sample twice as good is judged with
twice the absolute error. AI adds an ability-independent floor to the sample, which
raises its level (and the error) without raising its ability content, so the signal's
diagnostic value about ability, V_D = corr(s, θ)², falls as A_t grows.

Belief. Employers on task z project incumbents' productivity (outside-option output,
observed on the job) on their current signals and credentials, y ≈ a + b_s·s + b_e·e
(one OLS per task, shared by all employers: the market's screening technology).

Requirement. An applicant is worth evaluating only if an excellent sample, `signal_reach`
signal standard deviations above the mean, could lift her prediction to the incumbents'
mean. The posted requirement is the lowest credential for which that is possible:
c_z = ē_z − R·b_s·sd(s)/b_e. A less diagnostic signal (smaller b_s·sd(s), larger b_e)
raises c_z. If too few applicants meet c_z to fill the vacancies the employer relaxes it
to the highest level that can fill them.

Matching (`abm.steps.matching`). Employers reach eligible applicants in order of
predicted productivity (a random share of them first); each chooses among the open
vacancies of her task with logit probabilities in the firms' pay premia.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import hiring as loops
from abm.fused import matching as fused_matching
from abm.state import UNEMPLOYED, blocks, draws_at, skip_draws
from abm.steps import matching
from abm.steps.matching import _ranks
from abm.steps.production import neutral_scale, relative_assets
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.model import LaborMarketModel

RIDGE = 1e-9  # keeps the per-task 3x3 normal equations solvable when a regressor is constant


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


def project(y: np.ndarray, s: np.ndarray, e: np.ndarray, task: np.ndarray,
            n_tasks: int) -> np.ndarray:
    """Per-task OLS coefficients (a, b_s, b_e) of y on (1, s, e), via bincount moments."""
    return _solve_normal_equations(*_normal_equations(y, s, e, task, n_tasks))


def _normal_equations(y: np.ndarray, s: np.ndarray, e: np.ndarray, task: np.ndarray,
                      n_tasks: int, known: dict[tuple[int, int], np.ndarray] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Per-task X'X (Z, 3, 3) and X'y (Z, 3) for X = (1, s, e).

    `known` holds sums by task already computed by the caller, keyed by the regressor
    pair ((0, 0) count, (0, 1) Σs, (1, 1) Σs², (0, 2) Σe): they are reused rather than
    recomputed, which gives the same numbers.
    """
    known = known or {}
    x = (None, np.asarray(s, dtype=float), np.asarray(e, dtype=float))  # None: the constant
    y = np.asarray(y, dtype=float)
    prod = np.empty(y.shape)          # one buffer for every product of two variables
    xtx = np.empty((n_tasks, 3, 3))
    xty = np.empty((n_tasks, 3))
    for a in range(3):
        xty[:, a] = np.bincount(task, weights=y if a == 0 else np.multiply(x[a], y, out=prod),
                                minlength=n_tasks)
        for b in range(a, 3):
            if (a, b) in known:
                v = known[(a, b)]
            elif a == 0:   # 1·x_b is x_b and Σ 1 is the count, bit for bit
                v = (np.bincount(task, minlength=n_tasks).astype(float) if b == 0
                     else np.bincount(task, weights=x[b], minlength=n_tasks))
            else:
                v = np.bincount(task, weights=np.multiply(x[a], x[b], out=prod),
                                minlength=n_tasks)
            xtx[:, a, b] = v
            xtx[:, b, a] = v
    return xtx, xty


def _solve_normal_equations(xtx: np.ndarray, xty: np.ndarray) -> np.ndarray:
    """OLS coefficients from per-task normal equations (ridge-stabilised; see `project`)."""
    xtx = np.ascontiguousarray(xtx, dtype=float)
    loops.add_ridge(xtx, RIDGE)
    coef = np.linalg.solve(xtx, np.asarray(xty, dtype=float)[..., None])[..., 0]
    loops.default_rows(coef, xtx)         # too few incumbents: rank by signal alone
    return coef


def posted_requirement(coef: np.ndarray, mean_e: np.ndarray, signal_sd: np.ndarray,
                       reach: float, max_level: int) -> np.ndarray:
    """c_z = ē − R·b_s·sd(s)/b_e, clipped to [0, max_level]; 0 where credentials do not predict."""
    return loops.requirements(np.ascontiguousarray(coef, dtype=float),
                              np.ascontiguousarray(mean_e, dtype=float),
                              np.ascontiguousarray(signal_sd, dtype=float), float(reach),
                              float(max_level))


def relax_requirement(posted: np.ndarray, applicant_task: np.ndarray, applicant_e: np.ndarray,
                      vacancies: np.ndarray, n_levels: int) -> np.ndarray:
    """Integer requirement actually applied: ceil(posted), lowered until vacancies can be filled."""
    n_tasks = posted.size
    counts = np.bincount(applicant_task * n_levels + applicant_e.astype(np.int64),
                         minlength=n_tasks * n_levels).reshape(n_tasks, n_levels)
    return _relax_from_counts(posted, counts, vacancies)


def _relax_from_counts(posted: np.ndarray, counts: np.ndarray, vacancies: np.ndarray
                       ) -> np.ndarray:
    """`relax_requirement` given applicant counts by (task, education level)."""
    return loops.relax(np.asarray(posted, dtype=float), np.asarray(counts, dtype=np.int64),
                       np.asarray(vacancies, dtype=np.int64))


def diagnostic_variance(signal: np.ndarray, ability: np.ndarray, task: np.ndarray,
                        n_tasks: int) -> np.ndarray:
    """V_D(z) = corr(s, θ)² within each task: the share of signal variance due to ability.

    Deviations from task means, their products summed by task in worker order; the
    phase computes the same sums in `fused.hiring.screening_moments`.
    """
    signal = np.ascontiguousarray(signal, dtype=float)
    task = np.ascontiguousarray(task, dtype=np.int64)
    ability = np.ascontiguousarray(ability, dtype=float)
    first = np.zeros(4 * n_tasks)
    loops.first_moments(task, signal, ability, first)
    nobody = np.zeros(task.size, dtype=bool)           # the OLS sums are not needed here
    dv, xtx, _, count = loops.screening_moments(
        task, nobody, signal, np.zeros(task.size, dtype=np.int8), signal, ability, first,
        n_tasks, False)
    return loops.belief_inputs(dv, xtx, count)[0]


# ---------------------------------------------------------------------------------------
# the phase
# ---------------------------------------------------------------------------------------
def _signals(model: LaborMarketModel, noise: Callable[[slice], np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray]:
    """Signals of all workers: the AI-assisted work sample seen with proportional noise.

    Each block's noise comes from `noise(block)`, requested for every block in order
    even when screening is off and it goes unused, so that a caller drawing it from a
    stream consumes the stream the same way whatever the parameters. Also returns the workers, Σ s and Σ θ of each task
    (`fused.hiring.first_moments`), added up on the way for the diagnostic variance.
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    access = p.eta0 if p.concentration else p.eta0 + p.eta1
    # `outputs(p, eco, access)` (and at access 0 for the skills assessment), block by block
    scale = neutral_scale(p, eco)
    ai_per_task = t.ai_weight * eco.ai_capability * t.augmentable
    form = {"form": p.augmentation, "rho": p.rho, "mult_elasticity": p.mult_elasticity,
            "tool_base": p.tool_base}
    fused_form = fused.form_code(p.augmentation, scale is not None)
    signal = np.empty(w.n)
    first = np.zeros(4 * t.n)                # workers, Σ s, Σ θ by task (see below)
    for b in blocks(w.n):
        eps = noise(b)
        if fused_form is not None:
            loops.signals(w.task[b], w.human_capital[b], t.skill_intensity,
                          ai_per_task.astype(float), float(access),
                          fused.EMPTY if scale is None else scale[b], fused_form,
                          float(p.skills_assessment), eps, float(p.signal_noise),
                          bool(p.screening), signal[b], w.ability[b], first)
            continue
        task = w.task[b]
        h_phi = w.human_capital[b] * t.skill_intensity[task]
        s = None if scale is None else scale[b]
        with_ai = task_output(h_phi, ai_per_task[task] * access, neutral_scale=s, **form)
        if p.skills_assessment > 0:
            without_ai = task_output(h_phi, ai_per_task[task] * 0.0, neutral_scale=s, **form)
            with_ai = (1.0 - p.skills_assessment) * with_ai + p.skills_assessment * without_ai
        signal[b] = with_ai * (1.0 + p.signal_noise * eps) if p.screening else with_ai
        loops.first_moments(task, signal[b], w.ability[b], first)
    return signal, first


def _update_beliefs(model: LaborMarketModel, emp: np.ndarray, first: np.ndarray) -> None:
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    # `diagnostic_variance` and the incumbents' normal equations of y on (1, s, e), i.e.
    # `project`'s sums by task, in one fused pass (the same sums in the same order)
    dv, xtx, xty, count = loops.screening_moments(
        w.task, emp, w.signal, w.education, w.outside_output, w.ability, first, t.n,
        bool(p.screening))
    t.diagnostic_variance, t.signal_sd, mean_e = loops.belief_inputs(dv, xtx, count)
    if not p.screening:
        t.belief = np.tile((0.0, 1.0, 0.0), (t.n, 1))
        t.requirement = np.zeros(t.n)
        return
    t.belief = _solve_normal_equations(xtx, xty)
    t.requirement = posted_requirement(t.belief, mean_e, t.signal_sd,
                                       p.signal_reach, p.n_edu_levels - 1)


def run(model: LaborMarketModel) -> None:
    """Separations, signals, beliefs, requirements and matching for this period."""
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    rng = model.streams["hiring"]
    # The phase draws four length-N sequences from its stream, in this order: quit draws,
    # layoff keys, signal noise, matching tiebreaks. Each is drawn block by block where it
    # is used: the same numbers as drawing all four up front, without holding them. The
    # matching then draws two length-N sequences from its own stream (`abm.steps.matching`).

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
        out = layoffs(at_risk_cell, target, draws_at(rng, w.n, at_risk))
        w.employer[at_risk[out]] = UNEMPLOYED
        fired_cell = at_risk_cell[out]
        # workers still employed, per cell: counts are integers, so subtracting is exact
        cell_now = held - np.bincount(fired_cell, minlength=f.n * t.n)
        fired = np.bincount(fired_cell // t.n, minlength=f.n)
        del at_risk_cell, out
    else:                            # nobody at risk: the layoff keys go unused
        skip_draws(rng, w.n)
        cell_now, fired = held, 0
    del at_risk
    emp = w.employer != UNEMPLOYED

    # signals, beliefs, requirements
    w.signal, first = _signals(model, lambda b: rng.standard_normal(b.stop - b.start))
    _update_beliefs(model, emp, first)
    # every worker's score, and the applicants (the unemployed) by task and education
    score = np.empty(w.n)
    levels = p.n_edu_levels
    applicants = loops.scores(w.task, w.signal, w.education, emp,
                              np.ascontiguousarray(t.belief, dtype=float), levels, t.n, score)
    w.score = score
    del score
    vac = np.maximum(target - cell_now, 0)
    vac_task = vac.reshape(f.n, t.n).sum(axis=0)
    t.requirement_effective = (
        _relax_from_counts(t.requirement, applicants.reshape(t.n, levels), vac_task)
        if p.screening else np.zeros(t.n, dtype=np.int64))

    # matching: eligible applicants, in worker order. The same pass counts workers by
    # (task, meets requirement) and the employed among them, for the employment rates.
    eligible, n_meets, k_meets = loops.eligible_applicants(
        w.task, w.education, emp, t.requirement_effective.astype(np.int64), t.n)
    app_task = w.task[eligible].astype(np.int32)        # small: nearly all apply at first
    # matching tiebreaks: needed only if scores tie, but drawn in any case
    tiebreaks: list[np.ndarray] = []

    def tiebreak() -> np.ndarray:
        tiebreaks.append(draws_at(rng, w.n, eligible))
        return tiebreaks[0]

    # `matching.choose`, step by step so that each temporary of N goes when it is used
    order, _ = matching.rank_applicants(app_task, w.score[eligible], tiebreak)
    if not tiebreaks:                  # not needed: advance the stream as if drawn
        skip_draws(rng, w.n)
    # the search friction's draws: every worker's contact draw, then every worker's
    # choice draw, from their own stream (the hiring stream is unchanged)
    search = model.streams["matching"]
    contacted = draws_at(search, w.n, eligible) < p.contact_rate
    order = fused_matching.contacted_first(order, app_task, contacted, t.n)
    del contacted
    draw = draws_at(search, w.n, eligible)
    attraction = matching.choice_weights(f.rent_factor, p.supply_elasticity)
    firm_of = fused_matching.choose_firms(order, app_task, draw, vac, attraction, t.n,
                                          matching.WEIGHT_SCALE)
    del order, app_task, draw
    f.hires, hired_on = fused_matching.apply_hires(firm_of, eligible, w.employer, w.task,
                                                   f.n, t.n)
    del firm_of

    f.vacancies = vac.reshape(f.n, t.n).sum(axis=1)
    f.separations = quits + fired
    # the hired were unemployed and eligible (they meet the requirement)
    t.emp_rate_eligible, t.emp_rate_ineligible = loops.employment_rates(n_meets, k_meets,
                                                                         hired_on)
