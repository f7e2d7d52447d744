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
    with pytest.raises(AssertionError, match="wages \\+ owners \\+ taxes"):
        check_invariants(model)


@pytest.mark.invariants
def test_invariant_checker_detects_a_lost_worker(small):
    model = LaborMarketModel(small(), seed=1)
    employed = (model.economy.workers.employer >= 0).nonzero()[0]
    model.economy.workers.employer[employed[0]] = -1
    with pytest.raises(AssertionError, match="employ"):
        check_invariants(model)
