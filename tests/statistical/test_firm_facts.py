"""The firm-facts market (`scenarios/firm_facts.py`: the sorted market with persistent firm
productivity and owners bearing losses) against matched employer-employee facts, on
seeds 7-12, held out from every choice of its values (the sorted market's two on seeds
1-3, the productivity process on seeds 1-6; docs/MODEL.md §3.3.3).

6,000 workers, 20 years after period 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import LaborMarketModel
from scenarios.firm_facts import build_params

HELD = (7, 8, 9, 10, 11, 12)


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
    # pay, the bound of docs/MODEL.md §3.3.3 (0.077), below the data's 0.1. Measured on
    # these seeds: 0.33-0.42, 0.10-0.14, 0.55-0.73, premia 0.027-0.057, nobody paid
    # below the outside option (by construction without limited liability).
    for seed in HELD:
        last = run(seed).iloc[-1]
        assert 0.3 <= last["between_firm_wage_share"] <= 0.5, (seed, last)
        assert 0.05 <= last["rent_sharing_elasticity"] <= 0.15, (seed, last)
        assert 0.54 <= last["va_per_worker_sd"] <= 0.8, (seed, last)
        assert last["firm_premium_share"] < 0.077, (seed, last)
        assert last["below_outside_option_share"] == 0.0


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "finding (docs/MODEL.md §3.3.3): without AI the between-firm share drifts up by "
    "+0.031 ± 0.010 over 30 years (five-year means, seeds 1-9), against a "
    "stationarity bound of 0.01: the sorted market's task choice has not settled after "
    "the 20-year burn-in (+0.013 ± 0.005 after 60 years), and assets, held through the "
    "burn-in, then grow at firms whose productivity has stayed high (+0.004 ± 0.006 "
    "after 60 years with assets frozen)"))
def test_the_between_firm_share_does_not_drift_without_ai():
    # five-year means at both ends (the share moves by a few hundredths a year)
    drifts = []
    for seed in range(1, 10):
        share = run(seed, periods=30, ai_enabled=False)["between_firm_wage_share"].to_numpy()
        drifts.append(share[-5:].mean() - share[1:6].mean())
    assert abs(np.mean(drifts)) < 0.01, drifts
