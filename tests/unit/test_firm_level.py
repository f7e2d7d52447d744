"""The compiled firm- and task-level formulas (`abm.fused.firm_level`) against the numpy
code of the phases they replace, on random inputs and edge cases.

Where numpy's array loops are libm's (`numpy_math.NUMPY_IS_LIBM`: x86-64 machines
without AVX-512) each kernel must give numpy's numbers bit for bit: that is what lets
the phases use them. Elsewhere (with AVX-512) the phases take other routes
(`test_firm_stages.py`), and the kernels need only be the same formulas: equal to 1e-13
relative (a few ulps of the powers, compounded). Last, whole runs with the compiled path
on and off (the numpy code) give identical frames: in this process where numpy is libm, and on either kind of machine in a child
process whose numpy has its AVX-512 code switched off.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm import Params
from abm.fused import firm_level as fl
from abm.fused import numpy_math
from abm.fused import production as loops
from abm.steps import firm_technology as tech
from abm.steps import firm_formulas, matching, production


def same(a, b) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if numpy_math.NUMPY_IS_LIBM:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=0.0)


@pytest.fixture
def numpy_path(monkeypatch):
    """The phases' functions with their numpy code (the compiled and staged routes
    switched off)."""
    monkeypatch.setattr(numpy_math, "COMPILED", False)
    monkeypatch.setattr(firm_formulas, "STAGED", False)


def assets(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.exp(rng.normal(0.0, 1.2, n))


@pytest.mark.parametrize("n", [1, 7, 100, 129, 1000])
@pytest.mark.parametrize("concentration", [True, False])
def test_firm_inputs_are_the_numpy_formulas(n, concentration):
    rng = np.random.default_rng(n)
    a, log_a, shocks = assets(rng, n), rng.normal(0, 0.3, n), rng.normal(size=n)
    for employment in (rng.integers(0, 40, n), np.zeros(n, dtype=np.int64)):
        rho, sd, eta0, eta1, psi, fringe, nu = 0.9, 0.15, 0.3, 0.7, 1.3, 0.4, 0.7
        got = fl.firm_inputs(a, log_a, shocks, employment, rho, sd,
                             tech.half_variance(sd, rho), eta0, eta1, psi, concentration,
                             fringe, 1.0 - nu)
        log_new = rho * log_a + sd * shocks
        k = production.relative_assets(a)
        access, fringe_access = production.ai_access(k, eta0, eta1, psi, concentration,
                                                     employment, fringe)
        for g, want in zip(got, (log_new, tech.productivity(log_new, sd, rho), access,
                                 fringe_access, tech.asset_services(k, nu, fringe)),
                           strict=True):
            same(g, want)


@pytest.mark.parametrize("lam, elasticity", [(0.3, 0.6), (0.3, 2.0), (0.5, 1.0),
                                              (0.0, 0.6), (0.2, 1.5)])
def test_team_outputs_are_the_numpy_formulas(lam, elasticity, team_case):
    # elasticity 2 makes r = 0.5 and 1/r = 2 (numpy's square root and square); 1.0 the
    # Cobb-Douglas with λ = 0.5 (a square root again)
    case = team_case(int(lam * 10 + elasticity * 100))
    rng, n_firms, n_tasks = case["rng"], case["n_firms"], case["n_tasks"]
    jobs, labour, skill = case["jobs"], case["labour"], case["skill"]
    x, tfp = case["x"], case["tfp"]
    r, markup = tech.exponent(elasticity), lam / (1.0 - lam)
    x_r = x ** r if lam != 0.0 and abs(r) >= tech.CD_TOLERANCE else None
    want = production.team_outputs(labour, jobs, skill, x, x_r, tfp, lam, r, markup)
    for labour_c in (labour.copy(), labour * rng.uniform(0.8, 1.0, labour.size)):
        team, team_c, total = fl.team_outputs(labour, labour_c, jobs, skill, x, tfp, lam, r,
                                              markup, tech.CD_TOLERANCE, n_tasks)
        same(team, want)
        same(team_c, production.team_outputs(labour_c, jobs, skill, x, x_r, tfp, lam, r,
                                             markup))
        same(total, loops.task_totals(want, n_firms, n_tasks))


@pytest.mark.parametrize("sigma", [0.5, 1.5, 3.0, 2.0, 0.6666666666666666, 0.2,
                                   1.0 + 1e-5])
def test_task_prices_are_the_numpy_code(sigma, monkeypatch, price_case):
    # σ = 2 and 2/3 make 1/σ or r numpy's special exponents (0.5, 2, −0.5 ...); at
    # σ = 0.2 outputs of 1e300 underflow the power form (numpy then takes logs); σ − 1
    # = 1e-5 is below R_GEOMETRIC (logs again): there the kernel declines
    weight, previous, outputs = price_case(sigma)
    regular = outputs[:6]
    monkeypatch.setattr(firm_formulas, "STAGED", False)
    for y in outputs:
        monkeypatch.setattr(numpy_math, "COMPILED", False)
        want_price, want_total = production.ces_prices(y, weight, sigma, previous)
        monkeypatch.setattr(numpy_math, "COMPILED", True)
        price, total = production.ces_prices(y, weight, sigma, previous)
        same(price, want_price)
        same(total, want_total)
    geometric = abs((sigma - 1.0) / sigma) < production.R_GEOMETRIC
    for y in regular:              # the kernel does take the regular cases
        assert fl.task_prices(y, weight, sigma, previous, production.R_GEOMETRIC)[2] != geometric


def test_task_prices_decline_where_numpy_takes_another_form():
    w, prev = np.full(4, 0.25), np.ones(4)
    assert not fl.task_prices(np.zeros(4), w, 2.0, prev, production.R_GEOMETRIC)[2]
    assert not fl.task_prices(np.ones(4), w, 1.0 + 1e-6, prev, production.R_GEOMETRIC)[2]
    assert not fl.task_prices(np.full(4, 1e300), w, 0.2, prev, production.R_GEOMETRIC)[2]
    assert fl.task_prices(np.arange(1.0, 5.0), w, 2.0, prev, production.R_GEOMETRIC)[2]


@pytest.mark.parametrize("markup, elasticity", [(0.4, 0.6), (0.0, 0.6), (1.0, 1.0),
                                                (0.4, 2.0)])
def test_labour_prices_are_the_numpy_formulas(markup, elasticity, numpy_path):
    rng = np.random.default_rng(int(markup * 10 + elasticity))
    p = Params(asset_markup=markup, asset_elasticity=elasticity)
    n_tasks = 20
    price, previous = rng.uniform(0.5, 2.0, n_tasks), rng.uniform(0.5, 2.0, n_tasks)
    n_task = rng.integers(0, 50, n_tasks) * (rng.random(n_tasks) < 0.8)
    sum_c = rng.gamma(2.0, 1.0, n_tasks) * n_task
    skill = rng.uniform(0.5, 2.0, n_tasks)
    want = production.labour_price(price, sum_c, n_task, skill, p, previous)
    got = fl.labour_prices(price, sum_c, n_task, skill, previous, markup,
                           tech.asset_share(markup), tech.exponent(elasticity),
                           tech.CD_TOLERANCE, float(p.fringe_assets),
                           1.0 - p.size_elasticity)
    same(got, want)


@pytest.mark.parametrize("fringe, nu", [(0.3, 0.7), (0.05, 0.2), (1.0, 0.7), (0.4, 1.5)])
def test_the_fringes_services_in_one_value_are_every_tasks(fringe, nu):
    # numpy's power (AVX-512 code here, lane by lane) of one value equals its power of a
    # full array of that value at every length: vectors full, partial and several
    x_f = production.fringe_services(fringe, nu)
    assert x_f.shape == (1,) and not x_f.flags.writeable
    assert production.fringe_services(fringe, nu) is x_f          # once per parameters
    for m in (1, 3, 8, 9, 20, 37):
        full = tech.asset_services(np.full(m, fringe), nu, fringe)
        np.testing.assert_array_equal(np.broadcast_to(x_f, (m,)), full)
        u = np.linspace(0.2, 3.0, m)
        for lam, r in ((0.3, -0.5), (0.3, 0.0), (0.0, 0.4), (0.5, 0.6)):
            np.testing.assert_array_equal(tech.ces_labour_slope(u, x_f, lam, r),
                                          tech.ces_labour_slope(u, full, lam, r))


@pytest.mark.parametrize("n", [1, 100, 300])
@pytest.mark.parametrize("nu", [0.5, 0.7, 1.0, 2.0])
def test_job_shares_are_the_numpy_formulas(n, nu):
    a = assets(np.random.default_rng(n), n)
    size, shares = fl.job_shares(a, nu)
    want = production.relative_assets(a) ** nu
    same(size, want)
    same(shares, want / np.add.reduce(want))


@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0, 4.0, 1000.0])
def test_choice_weights_are_the_numpy_formulas(beta, numpy_path):
    rng = np.random.default_rng(int(beta))
    for factor in (rng.uniform(0.2, 1.5, 50), np.zeros(5), np.array([0.5, np.nan, 1.0]),
                   -rng.uniform(0.1, 1.0, 4), np.array([])):
        same(fl.choice_weights(factor, beta), matching.choice_weights(factor, beta))


VARIANTS = [{}, {"sigma": 0.5}, {"sigma": 1.0}, {"sigma": 2.0}, {"asset_elasticity": 1.0},
            {"asset_elasticity": 2.0}, {"asset_markup": 0.0}, {"concentration": False},
            {"industry_concentration": 0.9, "skill_return_spread": 0.3},
            {"firm_shock_persistence": 0.95, "firm_shock_sd": 0.15,
             "limited_liability": False},
            {"n_workers": 300, "n_firms": 7, "n_tasks": 3}, {"supply_elasticity": 0.5}]


@pytest.mark.parametrize("overrides", VARIANTS)
def test_runs_are_identical_with_the_compiled_path_on_and_off(overrides, monkeypatch,
                                                             frames):
    compiled = frames(overrides)
    monkeypatch.setattr(numpy_math, "COMPILED", False)
    monkeypatch.setattr(firm_formulas, "STAGED", False)
    for got, want in zip(compiled, frames(overrides), strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_bit_for_bit_checks_also_run_where_numpy_uses_avx512():
    # Where numpy uses its AVX-512 code the kernels are checked only to 1e-13 above, and
    # whole runs compare the numpy path with itself (the phases take the compiled path
    # only where numpy is libm). numpy reads NPY_DISABLE_CPU_FEATURES at import: with
    # its AVX-512 targets switched off (`simd_targets`) it calls libm, so a child pytest
    # runs this module's and `test_numpy_math`'s checks bit for bit on such a machine.
    targets = numpy_math.simd_targets()
    if numpy_math.NUMPY_IS_LIBM or not targets:
        pytest.skip("numpy is libm here, so the checks above ran bit for bit"
                    if numpy_math.NUMPY_IS_LIBM else
                    "numpy's powers are not libm's on this CPU and it has no AVX-512 code "
                    "to switch off: the phases never take the compiled path here")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(targets)}
    env.pop("ABM_NUMPY_POWERS", None)
    probe = subprocess.run(
        [sys.executable, "-c", "from abm.fused import numpy_math as m; "
         "print(m.numerics(), m.COMPILED)"], env=env, capture_output=True, text=True,
        check=True)
    assert probe.stdout.split() == ["libm", "True"], probe.stdout
    here = Path(__file__).resolve().parent
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
         str(here / "test_firm_level.py"), str(here / "test_numpy_math.py"),
         "-k", "not avx512"], env=env, capture_output=True, text=True, timeout=900,
        cwd=here.parents[1])
    assert proc.returncode == 0, proc.stdout[-4000:]
