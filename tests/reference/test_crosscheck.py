"""The vectorised model against the per-agent reference (tests/reference/model.py).

Three levels, from strongest to weakest:

1. Phase by phase, exactly. Both models start from one state (the reference copies a
   vectorised model's state and random streams), run one phase each and must end in the
   same state, bit for bit: every phase is deterministic given its random numbers, and
   the reference sums in the order the kernels do (see its module docstring).
2. Whole runs from one seed: the reference builds its own economy from the seed and
   must reproduce the vectorised run's state exactly and its statistics to 1e-9.
3. In distribution, over independent seeds: the model-level outputs must pass a
   two-sample Kolmogorov-Smirnov test. This is the check that survives a future change
   that gives up bit-for-bit equality (say, a different summation order). A mutated
   reference shows that the test has power against a plausible bug.

Plus the market-clearing kernels against plain rules on inputs full of ties, which
random economies almost never produce.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from abm import Params
from abm.collect import measure
from abm.metrics import lerman_yitzhaki
from abm.model import LaborMarketModel
from abm.steps import PERIOD
from abm.fused import PRECOMPUTED
from abm.fused.education import choose_jobs
from abm.steps.hiring import allocate_jobs, layoffs
from abm.steps.matching import choice_weights, choose, match

from .model import (ReferenceModel, Worker, _lerman_yitzhaki, assortative_pairs,
                    logit_pairs)

SMALL = dict(n_workers=600, n_firms=12, n_tasks=6, burn_in=3)

# every switch and functional form the period has, each on a small economy
CONFIGS = {
    "baseline": {},
    "ces_complements": dict(augmentation="ces", rho=-1.0),
    "ces_substitutes": dict(augmentation="ces", rho=0.5),
    "multiplicative": dict(augmentation="multiplicative", mult_elasticity=1.5),
    # |ρ| < 0.1: the CES in its power-mean form (expm1/log1p); σ within 1e-4 of 1: the
    # final-good CES in logs; σ = 0.05 with one job per task
    "ces_near_geometric": dict(augmentation="ces", rho=0.07, sigma=1.00005),
    "ces_near_geometric_complements": dict(augmentation="ces", rho=-0.06, tool_base=0.5,
                                           sigma=0.99995),
    "sigma_low_one_job_per_task": dict(sigma=0.05, job_rate=0.07, n_tasks=40, n_workers=600),
    "no_screening": dict(screening=False),
    "no_homogenization": dict(homogenization=False),
    "skills_assessment": dict(skills_assessment=0.4, edu_subsidy=0.5),
    "no_concentration": dict(concentration=False),
    "proprietary_frozen_prices": dict(price_effects=False, eta0=0.0, eta1=1.0),
    "cobb_douglas_taxed": dict(sigma=1.0, ai_rent_tax=0.3, public_equity=0.2),
    "ai_off": dict(ai_enabled=False),
    "few_firms_many_owners": dict(n_firms=3, owner_share=0.5, separation_rate=0.3),
    # assets swing fast and nobody quits: job targets fall below staff, so firms lay off
    # (in the other economies layoffs are rare, as separations absorb falling targets)
    "layoffs": dict(separation_rate=0.0, size_elasticity=1.0, eta1=3.0, psi=3.0,
                    reinvest_rate=1.0, depreciation=0.9, ai_growth=2.0),
    # the firm technology: Cobb-Douglas with dear commodity AI, near-perfect substitutes
    # with persistent productivity, all rents to workers, and firms whose rents turn
    # negative (small fringe assets, large shocks: limited liability binds)
    "cobb_douglas_vendors": dict(asset_elasticity=1.0, ai_markup=0.5, compute_owner_share=0.2),
    "substitutes_persistent": dict(asset_elasticity=20.0, firm_shock_persistence=0.9,
                                   asset_returns=1.0),
    "xi_one": dict(xi=1.0, public_equity=0.3),
    "ai_weight_spread": dict(ai_weight_spread=0.8),
    # fixed tasks; personal schooling costs; free moves, one year of schooling per level
    "fixed_tasks": dict(occupational_choice=False),
    "schooling_costs": dict(edu_cost_sd=1.0, augmentation="ces", rho=0.5),
    # subsidised schooling with personal cost factors: the levy that finances it
    "subsidised_schooling_costs": dict(edu_cost_sd=1.0, edu_subsidy=0.6),
    # subsidies beyond half of all income: the levy's rate stops at 1/2, they are rationed
    "rationed_schooling_levy": dict(edu_subsidy=0.999, edu_cost=5.0, n_edu_levels=10),
    "free_moves": dict(switch_cost=0.0, years_per_level=1, retooling_rate=0.5),
    # a burn-in whose re-choosers compare every task, at a fifth of the workers a year
    "every_task_burn_in": dict(burn_in_search="every", burn_in_retooling=0.2, burn_in=6),
    "limited_liability": dict(fringe_assets=1.0, firm_shock_sd=0.6, asset_markup=0.05),
    # the same firms in shortfall, paying outside options with owners bearing the loss
    "owners_bear_losses": dict(fringe_assets=1.0, firm_shock_sd=0.6, asset_markup=0.05,
                               limited_liability=False),
    # persistent productivity with assets reinvesting through the burn-in's last 3 years
    # (anchor window: periods -5 to -3)
    "assets_settle_in_burn_in": dict(firm_shock_sd=0.3, firm_shock_persistence=0.9,
                                     burn_in=8, asset_burn_in=3),
    # 4.8 jobs per firm over tasks whose jobs differ (workers choose tasks): the rounding
    # leaves firms entitled to a job with none, and they take one (2-5 a year at seeds 5, 11)
    "many_small_firms": dict(n_firms=120),
    # unemployment insurance off; and so much unemployment that the payroll tax stops at
    # the replacement rate and benefits are rationed (the other economies pay them in full)
    "no_insurance": dict(unemployment_benefit=0.0),
    "rationed_benefits_ces": dict(job_rate=0.3, unemployment_benefit=0.9,
                                  augmentation="ces", rho=-1.0),
    # the employer's cutoff: constant-sd signal noise, and evaluation dear enough that
    # requirements are interior and often above the lowest level, with CES samples
    "constant_noise_dear_evaluation": dict(signal_noise_form="constant", signal_noise=0.8,
                                           evaluation_cost=0.1),
    "proportional_noise_ces_dear_evaluation": dict(augmentation="ces", rho=0.5,
                                                   evaluation_cost=0.05),
    # the matching's limits: random search with every applicant contacted first, and
    # sorting on premia alone (weights below 2^-26 of the best, taken again as firms fill)
    "random_search": dict(supply_elasticity=0.0, contact_rate=1.0),
    "assortative_limit": dict(supply_elasticity=1000.0, contact_rate=0.0, xi=0.5),
    # comparative advantage: returns to skill that differ across tasks, both orders,
    # with the inline (additive) and the numpy (CES, homogenization off) output forms
    "skill_returns": dict(skill_return_spread=0.6),
    "skill_returns_reversed_ces": dict(skill_return_spread=-0.5, augmentation="ces", rho=-1.0),
    "skill_returns_neutral_ai": dict(skill_return_spread=0.4, homogenization=False),
    # industries: firms that specialise in bands of tasks, partly and fully (three bands
    # of the six tasks' three per type), with many small firms for the one-job rule
    "industries": dict(industry_concentration=0.7, n_industries=3, skill_return_spread=0.5),
    "industries_full_small_firms": dict(industry_concentration=1.0, n_industries=2,
                                        n_firms=120, skill_return_spread=0.3),
}

REFERENCE_PHASE = {"ai_capability": "advance_ai", "education": "education_phase",
                   "hiring": "hiring_phase", "production": "production_phase",
                   "rent_sharing": "rent_sharing_phase", "accumulation": "accumulation_phase"}


def vectorised_state(model: LaborMarketModel) -> dict[str, np.ndarray]:
    """The vectorised model's state under the names `ReferenceModel.export` uses."""
    eco = model.economy
    out = {}
    for group in ("workers", "firms", "tasks"):
        for name, value in vars(getattr(eco, group)).items():
            out[f"{group}.{name}"] = np.asarray(value)
    return out


def assert_same_state(model: LaborMarketModel, ref: ReferenceModel, when: str) -> None:
    """Every variable the reference tracks is bit-for-bit equal in both models."""
    vec = vectorised_state(model)
    exported = ref.export()
    assert len(exported) == 51          # guards against silently comparing fewer fields
    for name, expected in exported.items():
        got = vec[name]
        assert got.shape == expected.shape, f"{when}: {name} shape"
        np.testing.assert_array_equal(got.astype(float), expected.astype(float),
                                      err_msg=f"{when}: {name}")


def assert_close_metrics(got: dict, expected: dict, rtol: float, when: str) -> None:
    """Statistics agree to `rtol` (relative; absolute for values near 0)."""
    assert set(got) == set(expected)
    for name, value in expected.items():
        if isinstance(value, str):
            assert got[name] == value, f"{when}: {name}"
        elif math.isnan(value):
            assert math.isnan(got[name]), f"{when}: {name}"
        else:
            assert got[name] == pytest.approx(value, rel=rtol, abs=rtol), f"{when}: {name}"


# ---------------------------------------------------------------------------------------
# 1. phase by phase, bit for bit
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CONFIGS)
def test_every_phase_matches_the_reference_exactly(config: str) -> None:
    """From one state and one set of random numbers, each phase ends in one state."""
    params = Params(**{**SMALL, **CONFIGS[config]})
    model = LaborMarketModel(params, seed=11, agents=False)
    model.step()                                # past period 1: AI on, states diverse
    model.economy.period += 1
    ref = ReferenceModel.from_model(model)
    assert_same_state(model, ref, "copy")
    for name, phase in PERIOD:
        phase(model)
        getattr(ref, REFERENCE_PHASE[name])()
        assert_same_state(model, ref, f"{config}, after {name}")
    # measurement: textbook sums against the fused loops', so equal to rounding only.
    # 1e-9 is three orders above the largest observed difference (1.5e-13, the
    # between-firm share from one-pass sums) and far below any real discrepancy.
    assert_close_metrics(measure(model), ref.measure(), 1e-9, config)


# ---------------------------------------------------------------------------------------
# 2. whole runs from the same seed
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", ["baseline", "ces_complements", "no_screening",
                                    "proprietary_frozen_prices", "layoffs", "ai_weight_spread",
                                    "many_small_firms", "assets_settle_in_burn_in",
                                    "every_task_burn_in"])
def test_same_seed_gives_the_same_run(config: str) -> None:
    """Built independently from a seed, both models follow the same trajectory."""
    params = Params(**{**SMALL, **CONFIGS[config]})
    model = LaborMarketModel(params, seed=5, agents=False)
    ref = ReferenceModel(params, seed=5)          # builds its own economy from the seed
    assert_same_state(model, ref, "after burn-in")
    for period in range(1, 5):
        model.step()
        ref.step()
        assert_same_state(model, ref, f"period {period}")
        assert_close_metrics(model.metrics, ref.metrics, 1e-9, f"period {period}")


# ---------------------------------------------------------------------------------------
# 3. in distribution over independent seeds
# ---------------------------------------------------------------------------------------
DIST = dict(n_workers=500, n_firms=10, n_tasks=6, burn_in=3)
DIST_PERIODS = 6
SEEDS = 30
STATISTICS = ("gini_income", "gini_wage", "gini_capital_income", "within_task_cv_exposed",
              "education_premium", "credential_requirement_exposed", "labor_share",
              "diagnostic_variance")
# Family-wise false-alarm rate 1% (Bonferroni over the statistics). The seeds are fixed,
# so the outcome is deterministic; the level says how surprising a failure would be.
ALPHA = 0.01 / len(STATISTICS)


def final_statistics(runs: list[dict]) -> dict[str, np.ndarray]:
    """Each statistic in the last period, one value per run."""
    return {s: np.array([r[s] for r in runs]) for s in STATISTICS}


def vectorised_runs(params: Params, seeds: range) -> dict[str, np.ndarray]:
    runs = []
    for seed in seeds:
        model = LaborMarketModel(params, seed=seed, agents=False)
        for _ in range(DIST_PERIODS):
            model.step()
        runs.append(model.metrics)
    return final_statistics(runs)


def reference_runs(params: Params, seeds: range, cls: type = ReferenceModel
                   ) -> dict[str, np.ndarray]:
    runs = []
    for seed in seeds:
        ref = cls(params, seed=seed)
        for _ in range(DIST_PERIODS):
            ref.step()
        runs.append(ref.metrics)
    return final_statistics(runs)


def ks_pvalues(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """Two-sample Kolmogorov-Smirnov p-value per statistic (exact method)."""
    return {s: float(stats.ks_2samp(a[s], b[s], method="exact").pvalue) for s in STATISTICS}


@pytest.fixture(scope="module")
def vectorised_sample() -> dict[str, np.ndarray]:
    return vectorised_runs(Params(**DIST), range(SEEDS))


def test_outputs_agree_in_distribution(vectorised_sample: dict[str, np.ndarray]) -> None:
    """Over independent seeds, the headline statistics have the same distribution."""
    # disjoint seeds: the two samples are independent
    reference = reference_runs(Params(**DIST), range(1000, 1000 + SEEDS))
    pvalues = ks_pvalues(vectorised_sample, reference)
    assert min(pvalues.values()) > ALPHA, pvalues


class ShiftedNoiseWorker(Worker):
    """A plausible bug: work-sample noise of constant size instead of proportional."""

    def produce_work_sample(self) -> None:
        m, p = self.model, self.model.params
        noise = m.streams["hiring"].standard_normal()
        with_ai = self.output_at(p.eta0 if p.concentration else p.eta0 + p.eta1)
        self.signal = with_ai + p.signal_noise * noise


class BuggyReference(ReferenceModel):
    """The reference with `ShiftedNoiseWorker`s (same draws, one rule changed)."""

    def build(self) -> None:
        super().build()
        for w in self.workers:
            w.__class__ = ShiftedNoiseWorker    # still registered (and activated) as Worker


def test_the_distribution_test_detects_a_changed_rule(
        vectorised_sample: dict[str, np.ndarray]) -> None:
    """The distribution test has power: it rejects a reference with one rule changed."""
    # Power check: the same test, same sizes and seeds, must reject a reference whose
    # screening signal has additive instead of proportional noise.
    buggy = reference_runs(Params(**DIST), range(1000, 1000 + SEEDS), BuggyReference)
    pvalues = ks_pvalues(vectorised_sample, buggy)
    assert min(pvalues.values()) < ALPHA, pvalues


# ---------------------------------------------------------------------------------------
# market-clearing kernels on inputs full of ties
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(40))
def test_match_equals_the_plain_assortative_rule(seed: int) -> None:
    """Cell-wise matching with fast ranking pairs as the textbook rule, ties included."""
    rng = np.random.default_rng(seed)
    n_app, n_tasks, n_firms = int(rng.integers(0, 60)), int(rng.integers(1, 5)), 6
    task = rng.integers(0, n_tasks, n_app)
    score = rng.integers(0, 4, n_app).astype(float)             # many tied scores
    tiebreak = rng.integers(0, 3, n_app) / 3.0                   # and tied lotteries
    premium = rng.choice([1.0, 1.1], n_firms)
    vac = rng.integers(0, 4, (n_firms, n_tasks))
    cell = np.repeat(np.arange(vac.size), vac.ravel())          # slots, firm-major
    slot_firm, slot_task = cell // n_tasks, cell % n_tasks
    pos, firm = match(task, score, tiebreak, slot_task, premium[slot_firm], slot_firm)
    expected = assortative_pairs(
        [(i, int(task[i]), float(score[i]), float(tiebreak[i])) for i in range(n_app)],
        [(z, float(premium[j]), j, int(vac[j, z]))
         for j in range(n_firms) for z in range(n_tasks)])
    assert dict(zip(pos.tolist(), firm.tolist(), strict=True)) == expected


@pytest.mark.parametrize("seed", range(40))
def test_logit_choice_equals_the_plain_per_applicant_rule(seed: int) -> None:
    """Fenwick-tree serial dictatorship picks as the per-applicant scan, ties included."""
    rng = np.random.default_rng(seed)
    n_app, n_tasks, n_firms = int(rng.integers(0, 60)), int(rng.integers(1, 5)), 7
    task = rng.integers(0, n_tasks, n_app)
    score = rng.integers(0, 4, n_app).astype(float)             # many tied scores
    tiebreak = rng.integers(0, 3, n_app) / 3.0                   # and tied lotteries
    contacted = rng.random(n_app) < 0.5
    draw = rng.random(n_app)
    draw[:3] = 1.0 - 2.0 ** -53                                  # the largest uniforms
    factor = rng.choice([0.0, 1.0, 1.05, 1.3], n_firms)
    beta = float(rng.choice([0.0, 4.0, 50.0, 1000.0]))
    vac = rng.integers(0, 4, (n_firms, n_tasks))
    weight = choice_weights(factor, beta)
    firm_of = choose(task, score, tiebreak, contacted, draw, vac.ravel(), weight)
    expected = logit_pairs(
        [(i, int(task[i]), float(score[i]), float(tiebreak[i]), bool(contacted[i]),
          float(draw[i])) for i in range(n_app)],
        [(z, float(weight[j]), j, int(vac[j, z])) for j in range(n_firms)
         for z in range(n_tasks)])
    got = {i: int(j) for i, j in enumerate(firm_of) if j >= 0}
    assert got == expected


@pytest.mark.parametrize("seed", range(20))
def test_layoffs_fire_the_highest_keys_in_each_overfull_cell(seed: int) -> None:
    """Ranking only over-full cells fires whom ranking every cell would, ties included."""
    rng = np.random.default_rng(seed)
    n, n_cells = int(rng.integers(0, 80)), 7
    cell = rng.integers(0, n_cells, n)
    key = rng.integers(0, 5, n) / 5.0                            # tied keys
    target = rng.integers(0, 8, n_cells)
    fired = layoffs(cell, target, key)
    expected = np.zeros(n, dtype=bool)
    for c in range(n_cells):
        members = sorted(np.flatnonzero(cell == c), key=lambda i: (key[i], i))
        expected[members[target[c]:]] = True
    np.testing.assert_array_equal(fired, expected)


@pytest.mark.parametrize("seed", range(20))
def test_allocate_jobs_is_systematic_rounding(seed: int) -> None:
    """Job targets: each firm its quota rounded down or up, each task exactly its jobs;
    with equal jobs per task, every firm entitled to at least one job in all gets one
    (the offsets u_z are evenly spread, so some task's rounding reaches the firm)."""
    rng = np.random.default_rng(seed)
    n_firms, n_tasks = int(rng.integers(1, 60)), int(rng.integers(1, 8))
    size = rng.choice([1.0, 2.0, 3.0], n_firms) * rng.lognormal(0, 1, n_firms)
    shares = size / size.sum()
    jobs = rng.integers(0, 30, n_tasks)
    got = allocate_jobs(shares, jobs)
    quota = shares[:, None] * jobs[None, :]
    assert (got.sum(axis=0) == jobs).all()
    assert ((got == np.floor(quota)) | (got == np.ceil(quota))
            | (np.abs(got - quota) < 1e-9)).all()
    same = np.full(n_tasks, int(jobs.max()))
    got = allocate_jobs(shares, same)
    entitled = (shares * same.sum()) >= 1.0 + 1e-9
    assert (got.sum(axis=1)[entitled] >= 1).all()


@pytest.mark.parametrize("seed", range(20))
def test_job_choice_is_the_first_maximiser(seed: int) -> None:
    """Over (candidate task, level) in order, the first best net income wins ties."""
    rng = np.random.default_rng(seed)
    n, levels, n_tasks = 50, int(rng.integers(1, 6)), 4
    candidates = rng.integers(0, n_tasks, (n, 3))
    y = rng.integers(0, 3, (n, 3, levels)).astype(float)        # ties between choices
    theta = rng.choice([0.5, 1.0, np.inf], n)
    unit = float(rng.choice([0.0, 0.1]))
    switch = float(rng.choice([0.0, 1.0]))
    pay = np.ones((levels, n_tasks))
    task = candidates[:, 0].copy()
    education = np.zeros(n, dtype=np.int8)
    employer = np.zeros(n, dtype=np.int64)
    choose_jobs(np.zeros(n), 1.0, candidates, theta, np.zeros(0), np.ones(n_tasks),
                np.ones(n_tasks), np.zeros(n_tasks), 0.0, np.zeros(0), PRECOMPUTED, np.ones(levels), pay, unit,
                switch, y, task, education, np.zeros(n), employer)
    for i in range(n):
        nets = [(y[i, c, e] - unit * float(e) ** 2 / theta[i]
                 - (0.0 if candidates[i, c] == candidates[i, 0] else switch),
                 candidates[i, c], e) for c in range(3) for e in range(levels)]
        best = max(v[0] for v in nets)
        _, z, e = next(v for v in nets if v[0] == best)
        assert (task[i], education[i]) == (z, e), (i, nets)
        assert employer[i] == (0 if z == candidates[i, 0] else -1)


def test_lerman_yitzhaki_with_tied_incomes_matches_the_textbook_ranks() -> None:
    """The decomposition ranks tied incomes as a stable sort does."""
    # Many persons share an income (as the unemployed do), so the ranks depend on how
    # ties are ordered: the fast stable argsort must order them as a stable sort would.
    # Tolerance 1e-12: textbook Python sums against numpy's pairwise sums and BLAS.
    rng = np.random.default_rng(3)
    persons = [SimpleNamespace(wage=float(rng.choice([0.0, 1.0, 2.0])),
                               capital_income=float(rng.choice([0.0, 0.0, 0.5])),
                               transfer=0.25) for _ in range(400)]
    expected = _lerman_yitzhaki(persons)
    got = lerman_yitzhaki({"wage": np.array([p.wage for p in persons]),
                           "capital": np.array([p.capital_income for p in persons]),
                           "transfer": np.array([p.transfer for p in persons])})
    for k in expected:
        assert got[k] == pytest.approx(expected[k], rel=1e-12, abs=1e-14)
