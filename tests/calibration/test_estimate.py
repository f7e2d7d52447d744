"""The MSM engine on a known answer: a toy model (fast) and the real model (tiny economy).

The toy has the signature of `moments.simulate_moments`: five moments, nonlinear in three
parameters, plus seed-dependent noise that is the same at every θ (common random numbers)
and a quantisation of 1e-4 (a step function at fine scale, as the real moments are).
Noise-free moments are `toy_truth(theta)`; one seed adds N(0, NOISE_SD²) per moment, so the
mean over R seeds has covariance NOISE_SD²/R · I. test_resume.py imports it from here.
"""

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.calibration.estimate import calibrate, sandwich

NOISE_SD = 0.05
NAMES = ("m1", "m2", "m3", "m4", "m5")


@dataclasses.dataclass(frozen=True)
class ToyFree:
    name: str
    lo: float
    hi: float
    start: float
    description: str = ""
    source: str = "toy"


SPACE = (ToyFree("a", 0.0, 2.0, 0.5), ToyFree("b", 0.1, 1.5, 1.0), ToyFree("c", 0.0, 1.0, 0.5))
TRUTH = {"a": 1.2, "b": 0.6, "c": 0.35}


@dataclasses.dataclass(frozen=True)
class ToyBase:
    sleep: float = 0.0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ToyTarget:
    name: str
    value: float
    se: float
    statistic: str
    period: int
    citation: str = "toy"
    doi: str = ""
    se_note: str = ""
    scenario: bool = False


@dataclasses.dataclass(frozen=True)
class ToyTargets:
    """The `targets.Targets` interface, for tests that do not need the real file."""

    targets: tuple
    source: str = "synthetic"

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    def empirical(self) -> pd.Series:
        return pd.Series({t.name: t.value for t in self.targets}, dtype=float)

    def cov(self) -> pd.DataFrame:
        return pd.DataFrame(np.diag([t.se ** 2 for t in self.targets]), index=self.names,
                            columns=self.names)

    def __getitem__(self, name: str) -> ToyTarget:
        return {t.name: t for t in self.targets}[name]


def toy_truth(theta) -> np.ndarray:
    a, b, c = (float(theta[k]) for k in ("a", "b", "c"))
    return np.array([a + 0.5 * c, a * b, np.exp(b) - 1.0, c ** 2 + 0.3 * a,
                     b + np.sin(2.0 * c)])


def toy_seed_moments(theta, *, targets, seeds, base) -> pd.DataFrame:
    """One row of moments per seed."""
    if base is not None and base.sleep:
        time.sleep(base.sleep)
    clean = toy_truth(theta)
    rows = {s: np.round(clean + np.random.default_rng([int(s), 9]).normal(0.0, NOISE_SD, 5), 4)
            for s in seeds}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(NAMES))


def toy_simulate(theta, *, targets, seeds, base) -> pd.Series:
    """Mean moments over `seeds`."""
    return toy_seed_moments(theta, targets=targets, seeds=seeds, base=base).mean()


def toy_targets(theta=None, se=0.03, data_seed=None) -> ToyTargets:
    """Targets at the noise-free moments of θ, optionally with N(0, se²) data noise."""
    values = toy_truth(theta or TRUTH)
    if data_seed is not None:
        values = values + np.random.default_rng(data_seed).normal(0.0, se, 5)
    return ToyTargets(tuple(ToyTarget(n, float(v), se, n, 0) for n, v in zip(NAMES, values)))


# ---- tests -----------------------------------------------------------------------

R = 5  # seeds per evaluation


def toy_fit(targets, seeds, **kw):
    return calibrate(targets, seeds=seeds, space=SPACE, base=ToyBase(),
                     simulate=toy_simulate, seed_moments=toy_seed_moments, **kw)


@pytest.fixture(scope="module")
def replications():
    """Five fits on independent seed sets and independent data draws (se 0.01).

    The data SE is small next to the simulation noise (NOISE_SD²/R = 5e-4 against 1e-4),
    so SEs that leave out Ω_sim/R (estimagic's own) would be about sqrt(6) = 2.4 times too
    small, outside the band tested below.
    """
    fits = []
    for i in range(5):
        seeds = range(100 * i + 1, 100 * i + 1 + R)
        fits.append(toy_fit(toy_targets(se=0.01, data_seed=1000 + i), seeds))
    return fits


def test_known_answer_within_two_se(replications):
    fit = replications[0]
    truth = pd.Series(TRUTH)[fit.params.index]
    assert ((fit.params - truth).abs() <= 2 * fit.se).all(), (fit.params, fit.se)
    assert fit.identification["rank"] == 3 and not fit.identification["unidentified"]


def test_se_matches_spread_over_independent_seed_sets(replications):
    """RMS deviation from the truth over 5 replications against the reported SE.

    With unbiased normal estimates, 5·RMS²/SE² ~ chi2(5) (the truth is known, so 5 and
    not 4 degrees of freedom); a two-sided 1 % band, Bonferroni over the 3 parameters,
    gives RMS/SE in [sqrt(q_lo/5), sqrt(q_hi/5)] ≈ [0.23, 1.97].
    """
    est = pd.DataFrame([f.params for f in replications])
    se = pd.DataFrame([f.se for f in replications]).mean()
    rms = np.sqrt(((est - pd.Series(TRUTH)) ** 2).mean())
    alpha = 0.01 / 3
    lo, hi = (np.sqrt(stats.chi2.ppf(q, 5) / 5) for q in (alpha / 2, 1 - alpha / 2))
    ratio = rms / se
    assert ((ratio > lo) & (ratio < hi)).all(), (ratio, lo, hi)


def test_simulation_noise_estimate_and_its_place_in_the_se(replications):
    """Ω̂_sim has the toy's noise variance; the SEs exceed estimagic's data-only SEs."""
    fit = replications[0]
    var = np.diag(fit.sim_cov.to_numpy())
    n = len(fit.meta["noise_seeds"])
    # (n-1)s²/σ² ~ chi2(n-1); 0.1 % two-sided band per moment
    lo, hi = (stats.chi2.ppf(q, n - 1) / (n - 1) for q in (0.0005, 0.9995))
    assert ((var / NOISE_SD ** 2 > lo) & (var / NOISE_SD ** 2 < hi)).all(), var
    own = pd.Series(fit.result.se(), dtype=float)[fit.se.index]
    assert (fit.se > own).all()
    # with Ω ∝ I (both parts nearly isotropic here) the ratio is sqrt(1 + σ²/(R se²)) ≈ 2.45
    assert ((fit.se / own) > 1.5).all() and ((fit.se / own) < 3.5).all(), fit.se / own


def test_sandwich_closed_form_and_identification():
    """Linear case by hand: G = [[1, 0], [0, 0], [0, 0]] leaves b unidentified."""
    names = ["m1", "m2", "m3"]
    data = pd.DataFrame(np.diag([0.01, 0.04, 0.09]), index=names, columns=names)
    sim = pd.DataFrame(np.diag([0.05, 0.05, 0.05]), index=names, columns=names)
    lower, upper = pd.Series({"a": 0.0, "b": 0.0}), pd.Series({"a": 1.0, "b": 1.0})
    jac = pd.DataFrame([[2.0, 0.0], [0.0, 0.0], [0.0, 3.0]], index=names, columns=["a", "b"])
    cov, ident = sandwich(jac, data, sim, 5, lower, upper)
    # a from m1 alone: var = (0.01 + 0.05/5) / 2² ; b from m3 alone: (0.09 + 0.01) / 3²
    assert cov.loc["a", "a"] == pytest.approx(0.02 / 4)
    assert cov.loc["b", "b"] == pytest.approx(0.10 / 9)
    assert ident["rank"] == 2 and ident["unidentified"] == []
    # b's column shrunk so that a sweep of its whole range moves m3 by 1.5 SE (< 1.96)
    jac.loc["m3", "b"] = 1.5 * 0.3
    _, ident = sandwich(jac, data, sim, 5, lower, upper)
    assert ident["unidentified"] == ["b"] and "b" in ident["advice"]
    jac.loc["m3", "b"] = 0.0
    cov, ident = sandwich(jac, data, sim, 5, lower, upper)
    assert ident["rank"] == 1 and cov.isna().all().all()
    assert ident["weakest_effect"] == pytest.approx(0.0, abs=1e-12)
    assert ident["weakest_direction"] == pytest.approx({"a": 0.0, "b": 1.0})
    # two columns that only move m1, in a fixed ratio: each is strong alone (20 SEs), but
    # a + b, in range shares along (1, -1)/√2, moves nothing
    jac = pd.DataFrame([[2.0, 2.0], [0.0, 0.0], [0.0, 0.0]], index=names, columns=["a", "b"])
    _, ident = sandwich(jac, data, sim, 5, lower, upper)
    assert ident["unidentified"] == [] and ident["weakest_effect"] == pytest.approx(0.0,
                                                                                     abs=1e-9)
    assert ident["weakest_direction"] == pytest.approx({"a": 2 ** -0.5, "b": -2 ** -0.5})


def test_fixed_parameter_is_held_out():
    fixed = {"c": TRUTH["c"]}
    lines = []
    fit = toy_fit(toy_targets(), range(1, 1 + R), fixed=fixed, n_starts=4,
                  progress=lines.append)
    assert lines[0].startswith("estimating ['a', 'b']") and lines[-1].startswith("done: ")
    assert any(line.startswith("evaluation 1: criterion") for line in lines)
    assert list(fit.params.index) == ["a", "b"] and fit.fixed == fixed
    assert fit.identification["fixed"] == ["c"]
    assert ((fit.params - pd.Series(TRUTH)[["a", "b"]]).abs() <= 2 * fit.se).all()


def test_rejects_bad_input_before_simulating():
    called = []

    def never(theta, **kw):
        called.append(theta)
        raise AssertionError("simulated")

    with pytest.raises(ValueError, match="outside their bounds"):
        calibrate(toy_targets(), space=SPACE, simulate=never, start={"a": 5.0})
    with pytest.raises(ValueError, match="noise_seeds"):
        calibrate(toy_targets(), space=SPACE, simulate=never, noise_seeds=1)
    with pytest.raises(ValueError, match="unknown free parameters"):
        calibrate(toy_targets(), space=SPACE, simulate=never, free=["zzz"])
    with pytest.raises(ValueError, match="nothing to estimate"):
        calibrate(toy_targets(), space=SPACE, simulate=never,
                  fixed={"a": 1.0, "b": 1.0, "c": 0.1})
    assert not called


def test_nan_moment_is_refused():
    def nan_model(theta, *, targets, seeds, base):
        out = toy_simulate(theta, targets=targets, seeds=seeds, base=base)
        out["m2"] = np.nan
        return out

    with pytest.raises(Exception, match="not finite"):
        calibrate(toy_targets(), space=SPACE, base=ToyBase(), seeds=[1, 2],
                  simulate=nan_model, n_starts=2)


# ---- the real model ----------------------------------------------------------------

REAL_TRUTH = {"ai_weight": 0.9, "xi": 0.2}


@pytest.fixture(scope="module")
def real_fit():
    """ai_weight and xi from targets simulated at REAL_TRUTH on other seeds (101-106).

    Tiny economy (1,000 workers, burn-in 5, n_periods 3): about 0.1 s an evaluation. The
    targets keep the file's SEs; their own simulation noise (Ω_sim/6) is smaller than
    those SEs, so a 2-SE band holds it with room (deviation variance Ω_sim/6 from the
    targets plus the estimate's own sampling, against SE² = Ω_data + Ω_sim/6).
    """
    from analysis.calibration import moments, space
    from analysis.calibration.targets import load_targets

    file_targets = load_targets()
    base = space.base_params(n_workers=1000, targets=file_targets).replace(burn_in=5)
    values = moments.simulate_moments(REAL_TRUTH, targets=file_targets,
                                      seeds=range(101, 107), base=base)
    targets = file_targets
    for name, value in values.items():
        targets = targets.with_value(name, float(value))
    return calibrate(targets, free=list(REAL_TRUTH), seeds=range(1, 7), base=base,
                     n_starts=4, noise_seeds=10)


def test_real_model_known_answer_within_two_se(real_fit):
    truth = pd.Series(REAL_TRUTH)[real_fit.params.index]
    assert ((real_fit.params - truth).abs() <= 2 * real_fit.se).all(), (
        real_fit.params, real_fit.se)
    assert real_fit.identification["rank"] == 2
    assert real_fit.seconds_in_model < real_fit.seconds
    assert real_fit.n_evaluations > 0 and real_fit.meta["n_workers"] == 1000


def test_real_fit_saves_and_reads_back(real_fit, tmp_path):
    from analysis.calibration.store import load_fit, save_fit

    save_fit(real_fit, tmp_path / "fit.json")
    saved = load_fit(tmp_path / "fit.json")
    pd.testing.assert_series_equal(saved.params, real_fit.params, check_names=False)
    params = saved.to_params()
    assert params.ai_weight == real_fit.params["ai_weight"] and params.n_workers == 1000


# ---- Dask --------------------------------------------------------------------------


def test_dask_batch_evaluator_order_unpacking_and_errors():
    from distributed import Client

    from analysis.calibration.evaluate import dask_batch_evaluator

    # the scheduler's HTTP server on any free port: 8787, its default even without a
    # dashboard, may be held by a cluster of a test running beside this one
    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as client:
        evaluate = dask_batch_evaluator(client)
        assert evaluate(lambda x: x * x, [3, 1, 2], n_cores=2, error_handling="raise",
                        unpack_symbol=None) == [9, 1, 4]
        assert evaluate(lambda a, b: a - b, [(3, 1), (1, 3)], n_cores=2,
                        error_handling="raise", unpack_symbol="*") == [2, -2]
        assert evaluate(lambda a, b: a - b, [{"a": 1, "b": 2}], n_cores=2,
                        error_handling="raise", unpack_symbol="**") == [-1]

        def fails(x):
            raise RuntimeError(f"no {x}")

        with pytest.warns(UserWarning):  # optimagic's catch warns with the traceback
            out = evaluate(fails, [1], n_cores=2, error_handling="continue",
                           unpack_symbol=None)
        assert "RuntimeError: no 1" in out[0]
        with pytest.raises(RuntimeError, match="no 2"):
            evaluate(fails, [2], n_cores=2, error_handling="raise", unpack_symbol=None)


def test_calibrate_on_dask_follows_the_serial_path(replications):
    """Same estimate through a Dask client as serially (results come back in order)."""
    from distributed import Client

    targets = toy_targets(se=0.01, data_seed=1000)
    # one thread: two Python threads of one process slow this µs-toy down tenfold (GIL
    # and lock hand-offs); the cluster's workers are processes (abm.sweep.cluster)
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as client:
        fit = toy_fit(targets, range(1, 1 + R), evaluator=client)
    assert fit.meta["n_cores"] == 1 and fit.n_evaluations == replications[0].n_evaluations
    pd.testing.assert_series_equal(fit.params, replications[0].params)
    pd.testing.assert_series_equal(fit.se, replications[0].se)


def test_estimate_at_a_bound_is_flagged():
    truth = {**TRUTH, "c": 0.0}           # c's lower bound
    fit = toy_fit(toy_targets(truth), range(1, 1 + R), n_starts=4)
    assert fit.identification["at_bound"] == ["c"]
    assert np.isfinite(fit.jacobian.to_numpy()).all()   # one-sided next to the bound
    interior = toy_fit(toy_targets(), range(1, 1 + R), n_starts=4)
    assert interior.identification["at_bound"] == []


def test_fixed_outside_the_free_list_joins_theta_not_the_base():
    """c fixed while only a and b are free: c is a space parameter, so it joins θ."""
    seen = []

    def spy(theta, *, targets, seeds, base):
        seen.append(dict(theta))
        return toy_simulate(theta, targets=targets, seeds=seeds, base=base)

    calibrate(toy_targets(), free=["a", "b"], fixed={"c": 0.35}, space=SPACE,
              base=ToyBase(), seeds=[1, 2], simulate=spy, n_starts=2, noise_seeds=2)
    assert seen and all(t["c"] == 0.35 and set(t) == {"a", "b", "c"} for t in seen)
