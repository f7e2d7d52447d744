"""The fused (numba) loops against the numpy expressions they replace.

State-changing kernels must agree bit for bit (the phase-by-phase comparison with the
per-agent reference in tests/reference checks them again inside whole periods);
measurement kernels sum sequentially where numpy sums pairwise, so they agree to
rounding, checked at 1e-12 relative (twelve orders above float64's resolution of
1e-16 and far below any real discrepancy).
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import metrics as m
from abm.fused import ADDITIVE, NEUTRAL, form_code
from abm.fused import hiring as fh
from abm.fused import matching as fm
from abm.fused import measure as fme
from abm.fused import production as fp
from abm.fused import sorting as fs
from abm.fused import screening as fcut
from abm.steps import hiring, screening
from abm.steps.technology import within_task_cv

RNG = np.random.default_rng(20261122)


# ---------------------------------------------------------------------------------------
# sorting
# ---------------------------------------------------------------------------------------
def _tie_heavy(n: int, rng: np.random.Generator) -> np.ndarray:
    """Exact ties, near-ties in the last mantissa bits, zeros and spread-out values."""
    base = rng.choice([0.0, 0.3, 1.0, 7.5], size=n)
    spread = rng.lognormal(0.0, 1.0, n)
    x = np.where(rng.random(n) < 0.5, base, spread)
    near = rng.random(n) < 0.2                      # 1-3 ulps above a tied value
    x[near] = np.nextafter(np.nextafter(base[near] + 1.0, np.inf), np.inf)
    return x


@pytest.mark.parametrize("n", [2, 3, 17, 1000, 65_537])
def test_sorted_with_order_is_numpys_stable_argsort(n: int) -> None:
    rng = np.random.default_rng(n)
    for x in (_tie_heavy(n, rng), rng.random(n), np.zeros(n), np.full(n, 2.5)):
        order, v = m.sorted_with_order(x)
        expected = np.argsort(x, kind="stable")
        np.testing.assert_array_equal(order, expected)
        np.testing.assert_array_equal(v, x[expected])


@pytest.mark.parametrize("bad", [-1.0, -0.0, np.nan])
def test_sorted_with_order_falls_back_for_values_whose_bits_do_not_sort(bad: float) -> None:
    x = _tie_heavy(500, np.random.default_rng(1))
    x[[3, 250, 251]] = bad
    assert fs.pack_keys(x, 9).size == 0
    order, v = m.sorted_with_order(x)
    np.testing.assert_array_equal(order, np.argsort(x, kind="stable"))
    assert np.array_equal(np.signbit(v), np.signbit(x[order]))      # -0.0 keeps its sign


def test_gini_of_mostly_zero_values_equals_the_full_sort() -> None:
    x = np.zeros(10_000)
    x[RNG.choice(10_000, 700, replace=False)] = RNG.lognormal(0.0, 1.5, 700)
    full = m.gini_sorted(np.sort(x))
    assert m.gini(x) == pytest.approx(full, rel=1e-12)
    # textbook Gini: mean absolute difference over twice the mean
    small = x[:2000]
    mad = np.abs(small[:, None] - small[None, :]).mean()
    assert m.gini(small) == pytest.approx(mad / (2 * small.mean()), rel=1e-12)
    assert np.isnan(m.gini(np.array([1.0, np.nan, 0.0, 0.0, 0.0])))
    assert m.gini(np.zeros(5)) == 0.0


# ---------------------------------------------------------------------------------------
# hiring
# ---------------------------------------------------------------------------------------
def _allocate_with_numpy(shares: np.ndarray, jobs: np.ndarray) -> np.ndarray:
    """Systematic rounding written with numpy: floor(C_j + u_z) − floor(C_{j−1} + u_z)."""
    n_tasks = jobs.size
    offset = (np.arange(n_tasks) + 0.5) / n_tasks
    cum = np.cumsum(shares[:, None] * jobs[None, :].astype(float), axis=0)
    cum[-1] = jobs
    edges = np.floor(cum + offset[None, :]).astype(np.int64)
    return np.diff(np.vstack((np.zeros((1, n_tasks), dtype=np.int64), edges)), axis=0)


def test_job_targets_equal_systematic_rounding_including_ties() -> None:
    rng = np.random.default_rng(7)
    for trial in range(600):
        n_firms, n_tasks = int(rng.integers(1, 80)), int(rng.integers(1, 6))
        kind = trial % 3
        if kind == 0:                       # every quota equal
            shares = np.full(n_firms, 1.0 / n_firms)
        elif kind == 1:                     # few distinct sizes
            shares = rng.integers(1, 4, n_firms).astype(float)
            shares /= shares.sum()
        else:
            shares = rng.random(n_firms)
            shares /= shares.sum()
        jobs = rng.integers(0, 300, n_tasks).astype(np.int64)
        got = hiring.allocate_jobs(shares, jobs)
        np.testing.assert_array_equal(got, _allocate_with_numpy(shares, jobs))
        assert (got.sum(axis=0) == jobs).all() and (got >= 0).all()
        # each cell is its quota rounded down or up
        assert (np.abs(got - shares[:, None] * jobs[None, :]) < 1.0 + 1e-9).all()


def test_a_firm_entitled_to_a_job_gets_one_from_the_firm_rounded_up_most() -> None:
    # hand-built: quotas (2, 2, 1, 1)/6 of jobs (2, 5); the rounding gives firm 2 (entitled
    # to 7/6 jobs) none. It takes one in task 1 (most jobs) from firm 0, whose excess
    # 2 − 5/3 ties firm 1's and comes first (firm 3's is 1 − 5/6)
    shares, jobs = np.array([2.0, 2.0, 1.0, 1.0]) / 6, np.array([2, 5])
    got = hiring.allocate_jobs(shares, jobs)
    assert got.tolist() == [[0, 2], [1, 2], [0, 0], [1, 1]]
    assert fh.one_job_each(got, shares, jobs) == 1
    assert got.tolist() == [[0, 1], [1, 2], [0, 1], [1, 1]]
    # the other side: a firm entitled to less than one job stays without
    shares, jobs = np.array([10.0, 10.0, 1.0]) / 21, np.array([6, 7])
    got = np.array([[3, 3], [3, 4], [0, 0]])     # each quota rounded down or up
    assert shares[2] * jobs.sum() < 1
    assert fh.one_job_each(got, shares, jobs) == 0 and got[2].sum() == 0


def test_one_job_each_keeps_the_rounding_and_serves_every_entitled_firm() -> None:
    rng = np.random.default_rng(3)
    served = 0
    for _ in range(600):
        n_firms, n_tasks = int(rng.integers(2, 80)), int(rng.integers(1, 6))
        shares = rng.lognormal(0, 1, n_firms)
        shares /= shares.sum()
        jobs = rng.integers(0, 60, n_tasks).astype(np.int64)
        got = hiring.allocate_jobs(shares, jobs)
        served += fh.one_job_each(got, shares, jobs)
        quota = shares[:, None] * jobs[None, :]
        assert (got.sum(axis=0) == jobs).all() and (got >= 0).all()
        assert (np.abs(got - quota) < 1.0 + 1e-9).all()
        # a giver exists while some firm holds two jobs and rounded up in the largest task
        entitled = shares * jobs.sum() >= 1.0
        assert (got.sum(axis=1)[entitled] >= 1).all()
    assert served > 0                      # the draws reach the case the rule is for


def test_screening_moments_are_the_two_pass_bincount_sums() -> None:
    n, n_tasks = 5000, 7
    task = RNG.integers(0, n_tasks, n)
    employed = RNG.random(n) < 0.85
    signal, ability, y = RNG.normal(1, 0.3, n), RNG.lognormal(0, 0.4, n), RNG.random(n)
    edu = RNG.integers(0, 5, n).astype(np.int8)
    first = np.zeros(4 * n_tasks)
    fh.first_moments(task, signal, ability, first)
    dv, xtx, xty, count = fh.screening_moments(task, employed, signal, edu, y, ability,
                                               first, n_tasks, True)
    cnt = np.bincount(task, minlength=n_tasks).astype(float)
    ds = signal - (np.bincount(task, signal, n_tasks) / cnt)[task]
    da = ability - (np.bincount(task, ability, n_tasks) / cnt)[task]
    for row, values in enumerate((ds * da, ds * ds, da * da)):
        np.testing.assert_array_equal(dv[row], np.bincount(task, values, n_tasks))
    z, s, e, yy = task[employed], signal[employed], edu[employed].astype(float), y[employed]
    np.testing.assert_array_equal(count, np.bincount(z, minlength=n_tasks))
    for (a, b), values in {(0, 1): s, (1, 1): s * s, (0, 2): e, (1, 2): s * e,
                           (2, 2): e * e}.items():
        np.testing.assert_array_equal(xtx[:, a, b], np.bincount(z, values, n_tasks))
    for a, values in enumerate((yy, s * yy, e * yy)):
        np.testing.assert_array_equal(xty[:, a], np.bincount(z, values, n_tasks))


def test_applicant_moments_are_the_bincount_moments() -> None:
    n, n_tasks, levels = 4000, 5, 4
    task = RNG.integers(0, n_tasks, n)
    edu = RNG.integers(0, levels, n).astype(np.int8)
    employed = RNG.random(n) < 0.8
    score = RNG.normal(1, 0.3, n)
    count, mean, sd = fcut.applicant_moments(task, edu, employed, score, levels, n_tasks)
    cell = (task * levels + edu)[~employed]
    n_ = np.bincount(cell, minlength=n_tasks * levels)
    m = np.bincount(cell, score[~employed], n_tasks * levels) / np.maximum(n_, 1)
    q = np.bincount(cell, score[~employed] ** 2, n_tasks * levels) / np.maximum(n_, 1)
    np.testing.assert_array_equal(count.ravel(), n_)
    np.testing.assert_array_equal(mean.ravel(), m)
    np.testing.assert_array_equal(sd.ravel(), np.sqrt(np.maximum(q - m * m, 0)))


def test_cutoffs_edge_cases() -> None:
    # no applicants, one level only, and a point mass (sd 0) below the standard
    count = np.array([[0, 0, 0], [0, 7, 0], [10, 10, 0]])
    mean = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    sd = np.array([[0.0, 0.0, 0.0], [0.0, 0.2, 0.0], [0.0, 0.0, 0.0]])
    posted, standard = fcut.cutoffs(count, mean, sd, np.array([3.0, 3.0, 5.0]),
                                    np.array([0.1, 0.1, 0.1]), 2.0)
    assert posted[0] == 0.0 and standard[0] == -np.inf
    assert posted[1] == 0.0                      # a single level is evaluated whole
    # task 2: 10 applicants at exactly 1.0 fill 5 jobs; y* -> 1.0, the level-0 gain is 0,
    # the level-1 gain 0 < k: the cutoff sits at level 1
    assert posted[2] == 1.0 and standard[2] == pytest.approx(1.0)


def test_relaxed_requirement_is_the_highest_fillable_level() -> None:
    counts = np.array([[5, 0, 3, 0, 1], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]])
    posted = np.array([3.2, 2.0, 4.0])
    vacancies = np.array([4, 1, 2])
    # task 0: levels >= 2 hold 4 applicants, >= 3 only 1 -> 2; task 1: none fillable
    # -> 0; task 2: levels >= 3 hold 2 -> 3
    np.testing.assert_array_equal(screening._relax_from_counts(posted, counts, vacancies),
                                  [2, 0, 3])


def test_staffing_and_separations_match_numpy() -> None:
    n, n_firms, n_tasks = 3000, 9, 4
    employer = np.where(RNG.random(n) < 0.9, RNG.integers(0, n_firms, n), -1)
    task = RNG.integers(0, n_tasks, n)
    target = RNG.integers(0, 90, n_firms * n_tasks)
    held, at_risk = fh.staffing(employer, task, target, n_tasks)
    emp = employer >= 0
    cell = employer * n_tasks + task
    np.testing.assert_array_equal(held, np.bincount(cell[emp], minlength=n_firms * n_tasks))
    np.testing.assert_array_equal(at_risk, np.flatnonzero(emp & (held > target)[cell]))
    draws, quits, after = RNG.random(n), np.zeros(n_firms, dtype=np.int64), employer.copy()
    per_task = np.zeros(n_tasks, dtype=np.int64)
    wage = RNG.random(n)
    prev_employer, prev_wage = np.full(n, -7), np.full(n, np.nan)
    fh.separate(after, task, draws, 0.2, quits, per_task, prev_employer, wage, prev_wage)
    leave = emp & (draws < 0.2)
    np.testing.assert_array_equal(prev_employer, employer)    # kept before the quits
    np.testing.assert_array_equal(prev_wage, wage)
    np.testing.assert_array_equal(after, np.where(leave, -1, employer))
    np.testing.assert_array_equal(quits, np.bincount(employer[leave], minlength=n_firms))
    np.testing.assert_array_equal(per_task, np.bincount(task, minlength=n_tasks))


def test_counting_sort_by_task_equals_a_stable_argsort() -> None:
    task = RNG.integers(0, 6, 4000).astype(np.int32)
    order = RNG.permutation(4000)
    out, rank = fm.group_by_task(order, task, 6)
    expected = order[np.argsort(task[order], kind="stable")]
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(rank, hiring._ranks(task[expected]))


def test_hires_are_applied_to_the_right_workers() -> None:
    employer = np.full(6, -1)
    task = np.array([0, 1, 0, 1, 2, 2])
    per_firm, per_task = fm.apply_hires(np.array([2, -1, 0]), np.array([1, 3, 4]), employer,
                                        task, 3, 3)
    np.testing.assert_array_equal(employer, [-1, 2, -1, -1, 0, -1])
    np.testing.assert_array_equal(per_firm, [1, 0, 1])
    np.testing.assert_array_equal(per_task, [0, 1, 1])


def test_employment_rates_default_to_one_and_zero_for_empty_groups() -> None:
    n_meets = np.array([4, 0, 0, 5])                  # task 0: 4 below, none meeting
    k_meets = np.array([1.0, 0.0, 0.0, 2.0])
    eligible, ineligible = fh.employment_rates(n_meets, k_meets, np.array([0, 1]))
    np.testing.assert_array_equal(eligible, [1.0, 3.0 / 5.0])
    np.testing.assert_array_equal(ineligible, [0.25, 0.0])


# ---------------------------------------------------------------------------------------
# production and rent sharing
# ---------------------------------------------------------------------------------------
def test_outputs_and_team_sums_equal_numpy_bit_for_bit() -> None:
    n, n_firms, n_tasks = 4000, 11, 5
    task = RNG.integers(0, n_tasks, n)
    employer = np.where(RNG.random(n) < 0.9, RNG.integers(0, n_firms, n), -1)
    h, phi = RNG.lognormal(0, 0.5, n), RNG.random(n_tasks) + 0.5
    weight, augmentable = RNG.random(n_tasks), RNG.random(n_tasks) < 0.6
    access = RNG.random(n_firms)
    ai_task = weight * 0.7 * augmentable       # the AI per task, as numpy takes it
    assert augmentable.any() and not augmentable.all()
    y, yc, y0, ai_use = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    cells = n_firms * n_tasks
    labour, labour_c, jobs = np.empty(cells), np.empty(cells), np.empty(cells, dtype=np.int64)
    n_task, sum_c = fp.outputs(task, employer, h, phi, weight, 0.7, augmentable, access, 0.3,
                               0.2, np.zeros(0), ADDITIVE, y, yc, y0, ai_use, labour, labour_c,
                               jobs, n_tasks)
    emp = employer >= 0
    h_phi = h * phi[task]
    np.testing.assert_array_equal(y, np.where(emp, h_phi + ai_task[task] * access[employer], 0))
    np.testing.assert_array_equal(yc, np.where(emp, h_phi + ai_task[task] * 0.3, 0))
    np.testing.assert_array_equal(
        y0, np.where(emp, (h_phi + ai_task[task] * 0.2) - (h_phi + 0.0), 0))
    np.testing.assert_array_equal(n_task, np.bincount(task[emp], minlength=n_tasks))
    np.testing.assert_array_equal(sum_c, np.bincount(task, yc, n_tasks))
    cell = employer[emp] * n_tasks + task[emp]
    np.testing.assert_array_equal(labour, np.bincount(cell, y[emp], cells))
    np.testing.assert_array_equal(labour_c, np.bincount(cell, yc[emp], cells))
    np.testing.assert_array_equal(jobs, np.bincount(cell, minlength=cells))
    team = RNG.random(cells)
    np.testing.assert_array_equal(fp.task_totals(team, n_firms, n_tasks),
                                  np.cumsum(team.reshape(n_firms, n_tasks), axis=0)[-1])
    np.testing.assert_array_equal(fp.employed_values(employer, y), y[emp])
    np.testing.assert_array_equal(fp.employment(employer, n_firms),
                                  np.bincount(employer[emp], minlength=n_firms))


def test_only_forms_without_power_are_fused() -> None:
    assert form_code("additive", False) == ADDITIVE
    assert form_code("ces", True) == NEUTRAL
    assert form_code("ces", False) is None
    assert form_code("multiplicative", False) is None


# ---------------------------------------------------------------------------------------
# measurement
# ---------------------------------------------------------------------------------------
def test_measurement_kernels_agree_with_the_numpy_statistics() -> None:
    n, n_firms, n_tasks = 6000, 13, 6
    task = RNG.integers(0, n_tasks, n)
    employer = np.where(RNG.random(n) < 0.9, RNG.integers(0, n_firms, n), -1)
    emp = employer >= 0
    output = np.where(emp, RNG.lognormal(0, 0.5, n), 0.0)
    h, phi, ai = RNG.lognormal(0, 0.5, n), RNG.random(n_tasks) + 0.5, RNG.random(n_tasks)
    wage = np.where(emp, RNG.lognormal(0, 0.6, n), 0.0)
    edu = RNG.integers(0, 5, n).astype(np.int8)
    codifiable = np.arange(n_tasks) % 2 == 0
    log_w = np.log(wage[emp])
    # firms' premia from their own generator, so the data above are the module stream's
    log_factor = np.log(np.random.default_rng(11).uniform(0.9, 1.3, n_firms))
    (cv, cv_real, premia, levels, share, between, premium_share, sorting_share,
     between_task) = (
        fme.employed_statistics(task, employer, h, phi, ai, np.zeros(0), ADDITIVE, np.zeros(0),
                                output, log_w, wage, edu, codifiable, n_tasks, n_firms,
                                m.ROUNDING, log_factor))
    y = h * phi[task] + ai[task]
    np.testing.assert_allclose(cv, within_task_cv(y, task, n_tasks, emp), rtol=1e-12)
    np.testing.assert_allclose(cv_real, within_task_cv(output, task, n_tasks, emp), rtol=1e-12)
    te, ee = task[emp], edu[emp].astype(float)
    on_c = codifiable[te]
    expected = (m.mincer_slope(log_w, ee, te, n_tasks),
                m.mincer_slope(log_w[on_c], ee[on_c], te[on_c], n_tasks),
                m.mincer_slope(log_w[~on_c], ee[~on_c], te[~on_c], n_tasks),
                m.between_share(log_w, employer[emp], n_firms),
                m.between_share(log_w, te, n_tasks))
    np.testing.assert_allclose([*premia, between, between_task], expected, rtol=1e-12)
    # wage levels on education, task fixed effects, by type; the codifiable share
    w_e = wage[emp]
    np.testing.assert_allclose(levels, [m.mincer_slope(w_e[on_c], ee[on_c], te[on_c], n_tasks),
                                        m.mincer_slope(w_e[~on_c], ee[~on_c], te[~on_c],
                                                       n_tasks)],
                               # the slopes here are near 0 (education is drawn independently
                               # of wages), so relative error is unbounded; the kernel's
                               # Σx·w − Σx·Σw/n, sums of order n·x̄·w̄ ≈ 1e4, rounds to about
                               # 1e-12 absolute, i.e. 1e-12/Σxd² ≈ 1e-16 in the slope
                               rtol=1e-12, atol=1e-14)
    assert share == pytest.approx(on_c.mean(), rel=1e-15)
    psi = log_factor[employer[emp]]                   # AKM split with the known premium
    var = log_w.var()
    assert premium_share == pytest.approx(psi.var() / var, rel=1e-10)
    assert sorting_share == pytest.approx(2 * np.cov(log_w - psi, psi, bias=True)[0, 1] / var,
                                          rel=1e-9, abs=1e-12)

    capital = np.where(RNG.random(n) < 0.1, RNG.lognormal(0, 1, n), 0.0)
    transfer = np.full(n, 0.05)
    income = wage + capital + transfer
    order, _ = m.sorted_with_order(income)
    weighted, total, cov, consistent = fme.income_inequality(order, income, wage, capital,
                                                             transfer)
    assert consistent
    assert weighted / (n * total) == pytest.approx(m.gini(income), rel=1e-12)
    ly = m.lerman_yitzhaki({"wage": wage, "capital": capital, "transfer": transfer})
    np.testing.assert_allclose(2.0 * cov / n / income.mean(), list(ly.values()), rtol=1e-9,
                               atol=1e-15)
    income[5] += 1.0
    assert not fme.income_inequality(order, income, wage, capital, transfer)[3]


def test_exposure_split_skips_undefined_values_only_where_asked() -> None:
    values = np.array([[1.0, np.nan, 3.0, 5.0], [1.0, np.nan, 3.0, 5.0]])
    codifiable = np.array([True, True, False, True])
    sums, means = fme.split_by_exposure(values, codifiable, np.array([True, False]))
    np.testing.assert_array_equal(sums[0], [6.0, 3.0])
    np.testing.assert_array_equal(means[0], [3.0, 3.0])
    assert np.isnan(sums[1, 0]) and sums[1, 1] == 3.0 and np.isnan(means[1, 0])
    _, means = fme.split_by_exposure(values, np.ones(4, dtype=bool), np.array([True, True]))
    assert np.isnan(means[0, 1])                     # no unexposed task: undefined


def test_custom_reporters_are_still_collected() -> None:
    from abm import LaborMarketModel, Params

    model = LaborMarketModel(Params(n_workers=300, n_firms=6, n_tasks=3, burn_in=1),
                             seed=3, agents=False)
    model.datacollector.model_reporters["period_again"] = lambda mm: mm.economy.period
    model.datacollector.model_vars["period_again"] = [0]
    model.step()
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["period_again"].tolist() == [0, 1, 2]
    assert frame["gini_income"].notna().all()


@pytest.mark.parametrize("limited", [True, False])
def test_rent_sharing_phase_equals_split_rents(limited: bool) -> None:
    """The phase's fused loops give exactly what the documented numpy kernel gives, with
    and without limited liability, in an economy where some firms fall short."""
    from abm import LaborMarketModel, Params
    from abm.steps import rent_sharing

    model = LaborMarketModel(Params(n_workers=2000, n_firms=15, n_tasks=5, xi=0.4,
                                    ai_rent_tax=0.2, ai_markup=0.3, burn_in=3,
                                    firm_shock_sd=0.3, firm_shock_persistence=0.9,
                                    limited_liability=limited), seed=4, agents=False)
    model.step()
    rent_sharing.run(model)
    eco = model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    emp = np.flatnonzero(w.employer >= 0)
    wages, split = rent_sharing.split_rents(
        w.employer[emp], w.task[emp], w.outside_output[emp], w.commodity_gain[emp],
        t.labour_price, t.price, eco.team_output, eco.team_output_c, f.n, 0.4, 0.2, 0.3,
        limited)
    assert (split.rents - split.taxes < 0).any()        # both branches of the rule run
    np.testing.assert_array_equal(w.wage[emp], wages)
    for name in split._fields:
        np.testing.assert_array_equal(getattr(f, name), getattr(split, name), err_msg=name)


@pytest.mark.parametrize("form", [ADDITIVE, NEUTRAL])
def test_signals_take_the_ai_per_task_as_numpy_does(form) -> None:
    # (αA)[z] = α_z·A_t·1[z ∈ S(A_t)] in the kernel, as numpy's ai_weight·A·augmentable
    n, n_tasks = 2_000, 5
    task = RNG.integers(0, n_tasks, n)
    h, skill = RNG.lognormal(0.0, 0.3, n), RNG.uniform(0.5, 1.5, n_tasks)
    weight, augmentable = RNG.uniform(0.2, 1.0, n_tasks), np.array([1, 0, 1, 1, 0], bool)
    scale, noise, ability = RNG.uniform(0.5, 2.0, n), RNG.standard_normal(n), RNG.random(n)
    capability, access, assess, sd = 0.8, 0.6, 0.3, 0.2
    out, first = np.empty(n), np.zeros(4 * n_tasks)
    fh.signals(task, h, skill, weight, capability, augmentable, access,
               scale if form == NEUTRAL else np.zeros(0), form, assess, noise, sd, False,
               True, out, ability, first)
    ai = (weight * capability * augmentable)[task] * access
    h_phi = h * skill[task]
    y, y0 = (h_phi + ai, h_phi + ai * 0.0) if form == ADDITIVE else (
        h_phi * (1.0 + ai / scale), h_phi * (1.0 + (ai * 0.0) / scale))
    want = ((1.0 - assess) * y + assess * y0) * (1.0 + sd * noise)
    np.testing.assert_array_equal(out, want)
    assert (augmentable[task] == 0).any() and out.size == n
