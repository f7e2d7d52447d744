"""The staged firm- and task-level formulas (`abm.steps.firm_formulas` with
`abm.fused.firm_stages`) against the numpy code they replace, bit for bit.

The stages leave every power to numpy and compute the arithmetic between the powers in
numpy's order, so on any machine, whatever numpy's powers are, they must give the numpy
code's numbers exactly: the checks use `assert_array_equal`, with no tolerance. Random
inputs cover numpy's special exponents (2, 0.5, −1 are a product, a square root and a
reciprocal in numpy), tasks without output or workers, firms below the fringe and
nobody employed; the edge cases where the stages decline are checked to decline.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from abm import Params
from abm.fused import numpy_math
from abm.fused import production as loops
from abm.steps import firm_formulas, production
from abm.steps import firm_technology as tech


@pytest.fixture
def staged(monkeypatch):
    """The staged route, whatever the machine (the compiled one switched off)."""
    monkeypatch.setattr(numpy_math, "COMPILED", False)
    monkeypatch.setattr(firm_formulas, "STAGED", True)


def numpy_code(monkeypatch) -> None:
    """Neither fast route: the phases run their numpy code."""
    monkeypatch.setattr(numpy_math, "COMPILED", False)
    monkeypatch.setattr(firm_formulas, "STAGED", False)


def assets(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.exp(rng.normal(0.0, 1.2, n))


@pytest.mark.parametrize("n", [1, 7, 100, 129, 1000])
@pytest.mark.parametrize("concentration, psi", [(True, 1.3), (True, 2.0), (True, 0.5),
                                                (False, 1.3)])
def test_firm_inputs_are_the_numpy_formulas(n, concentration, psi, staged):
    rng = np.random.default_rng(n)
    for employment in (rng.integers(0, 40, n), np.zeros(n, dtype=np.int64)):
        p = Params(firm_shock_persistence=0.9, firm_shock_sd=0.15, eta0=0.3, eta1=0.7,
                   psi=psi, concentration=concentration, fringe_assets=0.4,
                   size_elasticity=0.7)
        f = SimpleNamespace(assets=assets(rng, n), log_productivity=rng.normal(0, 0.3, n),
                            employment=employment)
        shocks = rng.normal(size=n)
        got = firm_formulas.firm_inputs(p, f, shocks)
        log_new = 0.9 * f.log_productivity + 0.15 * shocks
        k = production.relative_assets(f.assets)
        access, fringe_access = production.ai_access(k, 0.3, 0.7, psi, concentration,
                                                     employment, 0.4)
        want = (log_new, tech.productivity(log_new, 0.15, 0.9), access, fringe_access,
                tech.asset_services(k, 0.7, 0.4))
        assert got is not None
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("lam, elasticity", [(0.3, 0.6), (0.3, 2.0), (0.2, 1.5),
                                              (0.5, 0.5), (0.5, 1.0), (0.0, 0.6)])
def test_teams_are_the_numpy_formulas(lam, elasticity, staged, team_case):
    # elasticity 2 makes r = 0.5 and 1/r = 2 (numpy's square root and square), 0.5 makes
    # r = −1 (a reciprocal); at the Cobb-Douglas limit and without assets the stages
    # decline and the numpy code runs
    case = team_case(int(lam * 10 + elasticity * 100))
    rng, n_firms, n_tasks = case["rng"], case["n_firms"], case["n_tasks"]
    jobs, labour, skill = case["jobs"], case["labour"], case["skill"]
    x, tfp = case["x"], case["tfp"]
    r, markup = tech.exponent(elasticity), lam / (1.0 - lam)
    declines = lam == 0.0 or abs(r) < tech.CD_TOLERANCE
    x_r = None if declines else x ** r
    want = production.team_outputs(labour, jobs, skill, x, x_r, tfp, lam, r, markup)
    for labour_c in (labour.copy(), labour * rng.uniform(0.8, 1.0, labour.size)):
        got = firm_formulas.teams(labour, labour_c, jobs, skill, x, tfp, lam, r, markup,
                                  n_firms)
        if declines:
            assert got is None
            continue
        team, team_c, total = got
        np.testing.assert_array_equal(team, want)
        np.testing.assert_array_equal(
            team_c, production.team_outputs(labour_c, jobs, skill, x, x_r, tfp, lam, r,
                                            markup))
        np.testing.assert_array_equal(total, loops.task_totals(want, n_firms, n_tasks))
        assert (team_c is team) == np.array_equal(labour, labour_c)


@pytest.mark.parametrize("sigma", [0.5, 1.5, 3.0, 2.0, 0.6666666666666666, 0.2,
                                   1.0 + 1e-5, 1.0])
def test_task_prices_are_the_numpy_code(sigma, monkeypatch, price_case):
    # σ = 2 and 2/3 make 1/σ or r numpy's special exponents; at σ = 0.2 outputs of 1e300
    # underflow the power form (numpy then takes logs); σ − 1 = 1e-5 is below
    # R_GEOMETRIC and σ = 1 is Cobb-Douglas (logs again): there the stages decline
    weight, previous, outputs = price_case(sigma)
    r = (sigma - 1.0) / sigma
    for y in outputs:
        numpy_code(monkeypatch)
        want_price, want_total = production.ces_prices(y, weight, sigma, previous)
        monkeypatch.setattr(firm_formulas, "STAGED", True)
        price, total = production.ces_prices(y, weight, sigma, previous)
        np.testing.assert_array_equal(price, want_price)
        assert total == want_total
        staged = firm_formulas.task_prices(y, weight, sigma, previous,
                                           production.R_GEOMETRIC)
        takes = (abs(sigma - 1.0) >= 1e-9 and abs(r) >= production.R_GEOMETRIC
                 and bool(np.any(y > 0)) and not (sigma == 0.2 and y[0] == 1e300))
        assert (staged is not None) == takes


@pytest.mark.parametrize("markup, elasticity", [(0.4, 0.6), (0.4, 2.0), (1.0, 0.5),
                                                (0.4, 1.5), (0.0, 0.6), (1.0, 1.0)])
def test_labour_prices_are_the_numpy_formulas(markup, elasticity, monkeypatch):
    rng = np.random.default_rng(int(markup * 10 + elasticity))
    p = Params(asset_markup=markup, asset_elasticity=elasticity)
    n_tasks = 20
    price, previous = rng.uniform(0.5, 2.0, n_tasks), rng.uniform(0.5, 2.0, n_tasks)
    for n_task in (rng.integers(0, 50, n_tasks) * (rng.random(n_tasks) < 0.8),
                   np.zeros(n_tasks, dtype=np.int64)):
        sum_c = rng.gamma(2.0, 1.0, n_tasks) * n_task
        skill = rng.uniform(0.5, 2.0, n_tasks)
        numpy_code(monkeypatch)
        want = production.labour_price(price, sum_c, n_task, skill, p, previous)
        monkeypatch.setattr(firm_formulas, "STAGED", True)
        got = firm_formulas.labour_prices(price, sum_c, n_task, skill, p, previous)
        lam, r = tech.asset_share(markup), tech.exponent(elasticity)
        if lam == 0.0 or abs(r) < tech.CD_TOLERANCE:
            assert got is None
        else:
            np.testing.assert_array_equal(got, want)


def test_the_fringes_power_is_taken_once_per_parameters():
    x_r = firm_formulas.fringe_services_power(0.4, 0.7, -0.5)
    assert x_r.shape == (1,) and not x_r.flags.writeable
    assert firm_formulas.fringe_services_power(0.4, 0.7, -0.5) is x_r
    np.testing.assert_array_equal(x_r, firm_formulas.fringe_services(0.4, 0.7) ** -0.5)


VARIANTS = [{}, {"sigma": 0.5}, {"sigma": 1.0}, {"sigma": 2.0}, {"asset_elasticity": 1.0},
            {"asset_elasticity": 2.0}, {"asset_markup": 0.0}, {"concentration": False},
            {"psi": 0.5}, {"industry_concentration": 0.9, "skill_return_spread": 0.3},
            {"n_workers": 300, "n_firms": 7, "n_tasks": 3}]


@pytest.mark.parametrize("overrides", VARIANTS)
def test_runs_are_identical_staged_and_in_numpy(overrides, monkeypatch, frames):
    monkeypatch.setattr(numpy_math, "COMPILED", False)
    staged_run = frames(overrides)
    monkeypatch.setattr(firm_formulas, "STAGED", False)
    for got, want in zip(staged_run, frames(overrides), strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
