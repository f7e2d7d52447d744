"""Initial state: abilities, tasks, firms' assets and equity stakes.

Each draw comes from the named stream it belongs to, so the initial economy of a seed
does not depend on which mechanisms are switched on.
"""

from __future__ import annotations

import numpy as np

from abm.metrics import lognormal_sigma_for_gini
from abm.params import Params
from abm.state import UNEMPLOYED, Economy, Firms, Ownership, Tasks, Workers
from abm.steps import technology


def build_tasks(p: Params) -> Tasks:
    """Tasks 0..n_C−1 are codifiable cognitive (AI-exposed), the rest social/organizational."""
    z = p.n_tasks
    n_c = min(max(int(round(p.codifiable_share * z)), 1), z - 1)
    codifiable = np.arange(z) < n_c
    threshold = np.full(z, np.inf)
    threshold[:n_c] = p.frontier_spread * p.ai_max * np.arange(n_c) / n_c
    weight = np.full(z, 1.0 / z)
    return Tasks(
        codifiable=codifiable,
        skill_intensity=np.where(codifiable, p.skill_intensity, 1.0),
        skill_return=technology.skill_returns(z, n_c, p.skill_return_spread),
        ai_weight=np.where(codifiable, p.ai_weight * _weight_profile(z, n_c, p.ai_weight_spread),
                           0.0),
        threshold=threshold, weight=weight, price=weight.copy(), output=np.zeros(z),
        labour_price=weight.copy(),
        augmentable=np.zeros(z, dtype=bool), requirement=np.zeros(z),
        requirement_effective=np.zeros(z, dtype=np.int64),
        belief=np.tile((0.0, 1.0, 0.0), (z, 1)), signal_sd=np.zeros(z),
        diagnostic_variance=np.zeros(z), emp_rate_eligible=np.ones(z),
        emp_rate_ineligible=np.zeros(z))


def _weight_profile(z: int, n_c: int, spread: float) -> np.ndarray:
    """1 + spread·(1 − 2k/(n_C − 1)) on codifiable task k (mean 1), 1 elsewhere.

    Exactly 1 everywhere when spread = 0, so the default economy is unchanged.
    """
    profile = np.ones(z)
    if spread > 0 and n_c > 1:
        profile[:n_c] += spread * (1.0 - 2.0 * np.arange(n_c) / (n_c - 1))
    return profile


def build_workers(p: Params, rng: np.random.Generator) -> Workers:
    """Lognormal abilities with mean 1; tasks assigned in equal numbers, at random."""
    n = p.n_workers
    s = p.ability_sd
    ability = np.exp(s * rng.standard_normal(n) - 0.5 * s * s)
    task = rng.permutation(np.arange(n) % p.n_tasks).astype(np.int64)
    zeros = np.zeros(n)
    return Workers(
        ability=ability, task=task, education=np.zeros(n, dtype=np.int8),
        human_capital=ability.copy(), employer=np.full(n, UNEMPLOYED, dtype=np.int64),
        signal=zeros.copy(), score=zeros.copy(), output=zeros.copy(),
        outside_output=zeros.copy(), commodity_gain=zeros.copy(), ai_use=zeros.copy(),
        wage=zeros.copy(), capital_income=zeros.copy(), transfer=zeros.copy(),
        income=zeros.copy(), prev_employer=np.full(n, UNEMPLOYED, dtype=np.int64),
        prev_wage=zeros.copy(), unemployment_duration=np.zeros(n, dtype=np.int16))


def build_firms(p: Params, rng: np.random.Generator) -> Firms:
    """Assets lognormal with mean 1 and population Gini `asset_gini`.

    A finite sample of J firms has a lower expected Gini (about 0.59 for 0.6 at J = 100);
    `gini_assets` in period 0 reports the realised value.
    """
    j = p.n_firms
    s = lognormal_sigma_for_gini(p.asset_gini)
    assets = np.exp(s * rng.standard_normal(j) - 0.5 * s * s)
    zeros = np.zeros(j)
    return Firms(
        assets=assets, ai_access=zeros.copy(), asset_productivity=zeros.copy(),
        log_productivity=zeros.copy(),
        asset_stock=assets.copy(), asset_base=assets.copy(), asset_reference=zeros.copy(),
        employment=np.zeros(j, dtype=np.int64), value_added=zeros.copy(),
        competitive_wage_bill=zeros.copy(), rents=zeros.copy(), ai_rents=zeros.copy(),
        taxes=zeros.copy(), wage_bill=zeros.copy(), owner_income=zeros.copy(),
        vendor_fees=zeros.copy(), va_per_worker=zeros.copy(), prev_va_per_worker=zeros.copy(),
        rent_factor=np.ones(j), vacancies=np.zeros(j, dtype=np.int64),
        hires=np.zeros(j, dtype=np.int64), separations=np.zeros(j, dtype=np.int64))


def build_ownership(p: Params, rng: np.random.Generator) -> Ownership:
    """A share `owner_share` of persons, drawn at random, hold equal stakes in firms.

    With more owners than firms each firm has about n_owners/J owners; with fewer,
    owners hold several firms. Every firm is fully owned.
    """
    n_owners = max(1, int(round(p.owner_share * p.n_workers)))
    owners = rng.choice(p.n_workers, size=n_owners, replace=False)
    n_stakes = max(n_owners, p.n_firms)
    stake = np.arange(n_stakes)
    firm = stake % p.n_firms
    person = owners[stake % n_owners]
    fraction = 1.0 / np.bincount(firm, minlength=p.n_firms)[firm]
    return Ownership(firm=firm, person=person.astype(np.int64), fraction=fraction)


def stationary_productivity(p: Params, rng: np.random.Generator) -> np.ndarray:
    """Firms' log productivity drawn from its stationary distribution N(0, σ_a²/(1 − ρ_a²))."""
    sd = p.firm_shock_sd / np.sqrt(1.0 - p.firm_shock_persistence ** 2)
    return sd * rng.standard_normal(p.n_firms)


def build_compute_owners(p: Params, rng: np.random.Generator) -> np.ndarray:
    """Persons who own the AI vendors: a share `compute_owner_share`, drawn at random.

    Drawn after the firm stakes from the same stream, independently of them, so a person
    may own both. Compute is concentrated by default (1% of persons).
    """
    n = max(1, int(round(p.compute_owner_share * p.n_workers)))
    return np.sort(rng.choice(p.n_workers, size=n, replace=False)).astype(np.int64)


def build_economy(p: Params, streams: dict[str, np.random.Generator]) -> Economy:
    """The economy before the first (burn-in) period."""
    tasks = build_tasks(p)
    workers = build_workers(p, streams["population"])
    firms = build_firms(p, streams["assets"])
    ownership = build_ownership(p, streams["ownership"])
    firms.log_productivity = stationary_productivity(p, streams["firms"])
    eco = Economy(workers=workers, firms=firms, tasks=tasks, ownership=ownership,
                  period=-p.burn_in,
                  compute_owners=build_compute_owners(p, streams["ownership"]))
    # before any rent is paid, workers expect premia in the order of firms' asset services
    k = firms.assets / firms.assets.mean()
    firms.rent_factor = 1.0 + p.xi * p.asset_markup * k ** (1.0 - p.size_elasticity)
    # the wage scale education costs are quoted in, before any wage has been paid
    eco.mean_wage = float(np.mean(tasks.price[workers.task]
                                  * tasks.skill_intensity[workers.task]
                                  * technology.skill_input(workers.ability, workers.task,
                                                           tasks.skill_return)))
    return eco
