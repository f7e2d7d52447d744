"""Kernels that merge a phase's numpy glue, against the numpy they replace (bit for bit).

Layoffs (`fused.layoffs.lay_off`) against `steps.hiring.layoffs` plus the phase's two
`bincount`s; team outputs (`fused.production.team_cells`/`team_values`, through
`steps.production.team_outputs`) against `steps.firm_technology.team_output`. Both are
state: they must agree exactly, ties and empty cells included.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.fused import layoffs as fl
from abm.steps import firm_technology, hiring
from abm.steps.production import team_outputs

RNG = np.random.default_rng(20261202)


def _numpy_layoffs(employer, task, target, key_all, n_tasks, n_firms):
    """The phase's numpy before the kernel: layoffs of the at-risk workers, applied."""
    employer = employer.copy()
    emp = employer >= 0
    cell_all = np.where(emp, employer * n_tasks + task, 0)
    held = np.bincount(cell_all[emp], minlength=n_firms * n_tasks)
    at_risk = np.flatnonzero(emp & (held[cell_all] > target[cell_all]))
    cell = employer[at_risk] * n_tasks + task[at_risk]
    out = hiring.layoffs(cell, target, key_all[at_risk])
    employer[at_risk[out]] = -1
    now = held - np.bincount(cell[out], minlength=n_firms * n_tasks)
    fired = np.bincount(cell[out] // n_tasks, minlength=n_firms)
    return employer, now, fired, held, at_risk


@pytest.mark.parametrize("distinct_keys", [0, 3])     # continuous keys; keys that tie
@pytest.mark.parametrize("n_firms,n_tasks", [(40, 6), (4, 3)])   # small cells; cells
def test_lay_off_equals_the_numpy_layoffs(distinct_keys: int, n_firms: int,  # above SMALL
                                          n_tasks: int) -> None:
    n = 3_000
    employer = RNG.integers(-1, n_firms, n)
    task = RNG.integers(0, n_tasks, n)
    per_cell = n // (n_firms * n_tasks)
    # targets around the cells' sizes: some cells over-full, some not
    target = RNG.integers(0, 2 * per_cell, n_firms * n_tasks)
    key = (RNG.random(n) if distinct_keys == 0
           else RNG.integers(0, distinct_keys, n).astype(float))
    want_emp, want_now, want_fired, held, at_risk = _numpy_layoffs(employer, task, target,
                                                                   key, n_tasks, n_firms)
    assert 0 < (employer != want_emp).sum() < at_risk.size   # both sides: fired and kept
    got_emp = employer.copy()
    now, fired = fl.lay_off(at_risk, key[at_risk], got_emp, task, target, held, n_tasks,
                            n_firms)
    np.testing.assert_array_equal(got_emp, want_emp)
    np.testing.assert_array_equal(now, want_now)
    np.testing.assert_array_equal(fired, want_fired)


@pytest.mark.parametrize("lam,r", [(0.25, -2.0 / 3.0), (0.25, 0.5), (0.25, 0.0), (0.0, -1.0)])
def test_team_outputs_equal_team_output(lam: float, r: float) -> None:
    n_firms, n_tasks = 30, 7
    jobs = RNG.integers(0, 4, n_firms * n_tasks)         # empty teams included
    labour = np.where(jobs > 0, RNG.random(jobs.size) * jobs, 0.0)
    skill = RNG.random(n_tasks) + 0.5
    x = RNG.random(n_firms) + 0.2
    tfp = RNG.random(n_firms) + 0.5
    want = firm_technology.team_output(labour, jobs, np.tile(skill, n_firms),
                                       np.repeat(x, n_tasks), np.repeat(tfp, n_tasks),
                                       lam, r, 0.3)
    x_r = x ** r if lam != 0.0 and abs(r) >= firm_technology.CD_TOLERANCE else None
    got = team_outputs(labour, jobs, skill, x, x_r, tfp, lam, r, 0.3)
    assert (want == 0).any() and (want > 0).any()
    np.testing.assert_array_equal(got, want)


def test_open_vacancies_equal_the_numpy_sums() -> None:
    n_firms, n_tasks = 13, 5
    target = RNG.integers(0, 6, n_firms * n_tasks)
    held = RNG.integers(0, 6, n_firms * n_tasks)        # over- and under-staffed cells
    vac, per_task, per_firm = fl.open_vacancies(target, held, n_firms, n_tasks)
    want = np.maximum(target - held, 0)
    assert (target < held).any() and (want > 0).any()
    np.testing.assert_array_equal(vac, want)
    np.testing.assert_array_equal(per_task, want.reshape(n_firms, n_tasks).sum(axis=0))
    np.testing.assert_array_equal(per_firm, want.reshape(n_firms, n_tasks).sum(axis=1))
    assert vac.dtype == per_task.dtype == per_firm.dtype == want.dtype


def test_job_targets_equal_the_numpy_steps() -> None:
    from abm.fused import hiring as fh

    n, n_firms, n_tasks = 2_000, 17, 6
    employer = RNG.integers(-1, n_firms, n)
    task = RNG.integers(0, n_tasks, n)
    workers_on = np.bincount(task, minlength=n_tasks)    # unequal jobs per task
    size = (RNG.random(n_firms) + 0.05) ** 2
    shares = size / np.add.reduce(size)
    per_task = np.floor(0.93 * workers_on).astype(np.int64)
    want = hiring.allocate_jobs(shares, per_task)
    fh.one_job_each(want, shares, per_task)
    want = want.ravel()
    want_held, want_risk = fh.staffing(employer, task, want, n_tasks)
    target, held, at_risk = fl.job_targets(shares, workers_on, 0.93, employer, task)
    assert want_risk.size > 0
    for got, expected in ((target, want), (held, want_held), (at_risk, want_risk)):
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype


def test_match_and_hire_equals_the_three_steps(matching_case) -> None:
    from abm.fused import matching as fm
    from abm.steps.matching import WEIGHT_SCALE

    c = matching_case
    order, app_task, contact, draw = c["order"], c["app_task"], c["contact"], c["draw"]
    n_firms, n_tasks, eligible, task = c["n_firms"], c["n_tasks"], c["eligible"], c["task"]
    want_emp = c["employer"].copy()
    firm_of = fm.choose_firms(fm.contacted_first(order, app_task, contact < 0.3, n_tasks),
                              app_task, draw, c["vac"], c["attraction"], n_tasks,
                              WEIGHT_SCALE)
    want = fm.apply_hires(firm_of, eligible, want_emp, task, n_firms, n_tasks)
    got_emp = c["employer"].copy()
    got = fm.match_and_hire(order, app_task, contact, 0.3, draw, c["vac"], c["attraction"],
                            n_tasks, WEIGHT_SCALE, eligible, got_emp, task, n_firms)
    assert 0 < want[0].sum() < eligible.size             # some hired, some not
    np.testing.assert_array_equal(got_emp, want_emp)
    for g, w_ in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w_)


def test_requirements_equal_the_three_steps() -> None:
    from abm.fused import screening as fcut
    from abm.steps import screening

    n, n_tasks, levels = 2_000, 6, 5
    task = RNG.integers(0, n_tasks, n)
    education = RNG.integers(0, levels, n)
    employed = RNG.random(n) < 0.6
    score = RNG.normal(1.0 + 0.2 * education, 0.3)
    applicants = np.bincount(task[~employed] * levels + education[~employed],
                             minlength=n_tasks * levels).astype(np.int64)
    vacancies = RNG.integers(5, 60, n_tasks)              # some tasks short of applicants
    cost = np.full(n_tasks, 0.02)
    count, mean, sd = fcut.applicant_moments(task, education, employed, score, levels, n_tasks)
    want_posted = screening.posted_requirement(count, mean, sd, vacancies, cost, levels - 1)
    want_applied = screening._relax_from_counts(want_posted, applicants.reshape(n_tasks, levels),
                                                vacancies)
    posted, applied = fcut.requirements(task, education, employed, score, applicants,
                                        vacancies, cost, levels, n_tasks)
    assert (want_posted > 0).any()
    np.testing.assert_array_equal(posted, want_posted)
    np.testing.assert_array_equal(applied, want_applied)


@pytest.mark.parametrize("limited", [True, False])
def test_settle_firms_equals_the_three_steps(limited: bool) -> None:
    from abm.fused import production as fp

    n, n_firms, n_tasks = 1_200, 9, 4
    task = RNG.integers(0, n_tasks, n)
    employer = RNG.integers(-1, n_firms, n)
    price, labour_price = RNG.random(n_tasks) + 0.5, RNG.random(n_tasks) + 0.3
    outside, gain = RNG.random(n) + 0.5, RNG.random(n) * 0.1
    team = RNG.random(n_firms * n_tasks) * 80.0
    team_c = team * (1.0 - 0.1 * RNG.random(team.size))
    va, wc, ai_rents, fees = fp.firm_values(task, employer, price, labour_price, outside,
                                            gain, team, team_c, 0.2, n_firms, n_tasks)
    rents, taxes, factor, owner = fp.rent_factor(va, wc, ai_rents, fees, 0.4, 0.1,
                                                 limited)
    want_wage = np.full(n, np.nan)
    bill = fp.wages(task, employer, labour_price, outside, gain, 0.2, factor, want_wage,
                    n_firms)
    got_wage = np.full(n, np.nan)
    employment = np.bincount(employer[employer >= 0], minlength=n_firms)
    employment[3] = 0                                   # a firm without workers
    got = fp.settle_firms(task, employer, price, labour_price, outside, gain, team, team_c,
                          0.2, 0.4, 0.1, limited, got_wage, n_firms, n_tasks, employment)
    assert (rents > 0).any() and (rents < 0).any()       # both branches of the factor
    for g, w_ in zip(got[:9], (va, wc, ai_rents, fees, rents, taxes, factor, owner, bill),
                     strict=True):
        np.testing.assert_array_equal(g, w_)
    np.testing.assert_array_equal(got_wage, want_wage)
    # the sums that follow, as the phase took them with numpy
    per_worker = np.divide(va, employment, out=np.zeros(n_firms), where=employment > 0)
    np.testing.assert_array_equal(got[9], per_worker)
    assert got[9][3] == 0.0
    assert got[10] == float(np.add.reduce(fees))
    employed_wages = want_wage[employer >= 0]
    assert got[11] == employed_wages.size
    assert got[12] == float(np.add.reduce(employed_wages))


def test_same_values_is_numpys_array_equal() -> None:
    from abm.fused import production as fp

    a = RNG.random(500)
    b = a.copy()
    assert fp.same_values(a, b) and np.array_equal(a, b)
    b[499] = np.nextafter(b[499], 2.0)
    assert not fp.same_values(a, b)
    a[7] = b[7] = np.nan                               # NaN equals nothing, as in numpy
    assert not fp.same_values(a, a.copy()) and not np.array_equal(a, a.copy())
    assert fp.same_values(np.zeros(0), np.zeros(0))
