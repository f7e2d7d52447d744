"""Invariants checked after every period of several seeded runs."""

import pytest

from abm import LaborMarketModel
from abm.invariants import check_invariants

CONFIGS = {
    "baseline": {},
    "proprietary_taxed_public": dict(eta0=0.0, eta1=1.0, ai_rent_tax=0.5, public_equity=0.3),
    "commodity_xi0": dict(eta0=1.0, eta1=0.0, xi=0.0),
    "ces_complements": dict(augmentation="ces", rho=-1.0),
    "multiplicative_sigma_low": dict(augmentation="multiplicative", mult_elasticity=1.5,
                                     sigma=0.5),
    "mechanisms_off": dict(homogenization=False, price_effects=False, screening=False,
                           concentration=False),
    "cobb_douglas_fast_ai": dict(sigma=1.0, ai_growth=2.0, ai_max=3.0, retooling_rate=1.0),
    "owners_fewer_than_firms": dict(owner_share=0.01, n_firms=40),
    # the ends of the firm side's ranges: no rent sharing and all of it, access that
    # ignores assets and that follows them steeply, nearly equal and nearly all-in-one
    # assets, the firm CES at its elasticity range ends, dear AI, persistent shocks
    "xi_0_psi_0": dict(xi=0.0, psi=0.0, eta1=2.0),
    "xi_1_psi_3": dict(xi=1.0, psi=3.0, eta0=0.0, eta1=2.0),
    "assets_nearly_equal": dict(asset_gini=0.01),
    "assets_nearly_all_in_one": dict(asset_gini=0.99, eta0=0.0, eta1=1.0),
    "elasticity_low": dict(asset_elasticity=0.1, eta1=1.5),
    "elasticity_high": dict(asset_elasticity=50.0, ai_markup=0.9),
    # the largest productivity dispersion allowed: sd 1 of stationary log productivity
    "fringe_low_shocks_persistent": dict(fringe_assets=0.01, firm_shock_sd=0.31,
                                         firm_shock_persistence=0.95, asset_returns=1.0),
    # firms in shortfall paying outside options: owners' losses close the accounts
    "owners_bear_losses": dict(fringe_assets=1.0, firm_shock_sd=0.6, asset_markup=0.05,
                               limited_liability=False),
    # persistent productivity with assets reinvesting through the burn-in's last 3 years
    # (anchor window: periods -5 to -3)
    "assets_settle_in_burn_in": dict(firm_shock_sd=0.3, firm_shock_persistence=0.9,
                                     burn_in=8, asset_burn_in=3),
}


@pytest.mark.invariants
@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("seed", [1, 2])
def test_invariants_hold_after_every_step(small, name, seed):
    model = LaborMarketModel(small(**CONFIGS[name]), seed=seed)
    check_invariants(model)
    for _ in range(model.params.n_periods):
        model.step()
        check_invariants(model)
    assert model.steps == model.params.n_periods
    assert len(model.model_frame()) == model.params.n_periods + 1


@pytest.mark.invariants
def test_invariant_checker_detects_broken_accounting(small):
    model = LaborMarketModel(small(), seed=1)
    model.economy.workers.wage[0] += 1.0
    with pytest.raises(AssertionError, match="wages \\+ owners \\+ taxes \\+ vendors"):
        check_invariants(model)


@pytest.mark.invariants
def test_invariant_checker_detects_a_lost_worker(small):
    model = LaborMarketModel(small(), seed=1)
    employed = (model.economy.workers.employer >= 0).nonzero()[0]
    model.economy.workers.employer[employed[0]] = -1
    with pytest.raises(AssertionError, match="employ"):
        check_invariants(model)
