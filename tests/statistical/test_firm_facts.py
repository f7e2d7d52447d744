"""The firm-facts market (`scenarios/firm_facts.py`: the sorted market with persistent firm
productivity and owners bearing losses) against matched employer-employee facts, on
seeds held out from every choice of its values (the sorted market's two on seeds 1-3,
its industry concentration, productivity process and burn-ins on seeds 1-6 and, for the
burn-ins' drift, 1-24; docs/MODEL.md §3.3.3).

6,000 workers, 20 years after period 0, after the scenario's 150-year burn-in.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import LaborMarketModel
from scenarios.firm_facts import build_params

from .test_sorted_market import drifts

HELD = (13, 14, 15, 16, 17, 18)


def run(seed: int, periods: int = 20, **changes: object):
    params = build_params().replace(n_workers=6000, n_periods=periods, **changes)
    return LaborMarketModel(params, seed=seed, agents=False).run()


@pytest.mark.slow
def test_three_employer_employee_facts_hold_and_premia_do_not_on_held_seeds():
    # data: between-firm share 0.3-0.5 (Card, Heining & Kline 2013; Song et al. 2019);
    # rent-sharing elasticity 0.05-0.15 (Card, Cardoso, Heining & Kline 2018); sd of log
    # value added per worker from 0.54 within industries (Syverson 2004) to about 0.8
    # across all establishments (Barth, Bryson, Davis & Freeman 2016), this economy
    # having industries. Premia: at most what rent sharing at the data's elasticity can
    # pay, the bound of docs/MODEL.md §3.3.3 (0.077), below the data's 0.1.
    # The data's figures are population values; an economy of 100 firms estimates the
    # elasticity and the dispersion with seed-to-seed sds of 0.036 and 0.038, so those
    # are tested on the mean over the held seeds, the between-firm share (sd 0.019) on
    # each seed. Measured here: between-firm 0.341-0.383; elasticity 0.128 ± 0.015;
    # dispersion 0.581 ± 0.016; premia 0.041 ± 0.007; nobody paid below the outside
    # option (by construction without limited liability).
    rows = [run(seed).iloc[-1] for seed in HELD]
    for last in rows:
        assert 0.3 <= last["between_firm_wage_share"] <= 0.5, last
        assert last["below_outside_option_share"] == 0.0
    mean = {c: np.mean([r[c] for r in rows]) for c in
            ("rent_sharing_elasticity", "va_per_worker_sd", "firm_premium_share")}
    assert 0.05 <= mean["rent_sharing_elasticity"] <= 0.15, mean
    assert 0.54 <= mean["va_per_worker_sd"] <= 0.8, mean
    assert mean["firm_premium_share"] < 0.077, mean


@pytest.mark.slow
def test_the_between_firm_share_does_not_drift_once_assets_have_settled():
    # Seeds 25-48, held out from the choice of the burn-ins (seeds 1-24). Once task
    # choice and assets have settled, nothing moves the economy without AI but noise:
    # the bound is 0.01 (measured +0.0001 ± 0.0033 here).
    # Other side: assets held to the end of period 0 start with every S/S* = 1, and the
    # ratios can then only spread out as persistent productivity wanders from its mean
    # over the anchor window, concentrating assets at the lucky firms (derived sign,
    # docs/MODEL.md §3.7). Paired by seed, that raises the drift: measured
    # +0.0064 ± 0.0022 here; the mean difference must exceed 2 SE.
    seeds = range(25, 49)
    settled = drifts(seeds, build_params)
    assert abs(settled.mean()) < 0.01, settled
    extra = drifts(seeds, build_params, asset_burn_in=0) - settled
    se = extra.std(ddof=1) / np.sqrt(extra.size)
    assert extra.mean() > 2 * se, (extra.mean(), se)
