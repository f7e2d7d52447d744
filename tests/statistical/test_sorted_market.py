"""The sorted labour market (`scenarios/sorted_labour_market.py`: returns to skill by task
0.3, industry concentration 0.9) against matched employer-employee facts, on seeds held
out from the choice of its two values (chosen on seeds 1-3; docs/MODEL.md §3.3.1).

6,000 workers, 20 years after period 0.
"""

from __future__ import annotations

import pytest

from abm import LaborMarketModel
from scenarios.sorted_labour_market import build_params

HELD = (4, 5, 6, 7, 8, 9)


def final(seed: int, **changes: float) -> dict[str, float]:
    params = build_params().replace(n_workers=6000, n_periods=20, **changes)
    return LaborMarketModel(params, seed=seed, agents=False).run().iloc[-1].to_dict()


@pytest.mark.slow
def test_between_firm_share_is_inside_the_data_on_held_seeds():
    # data: 0.3-0.5 (Card, Heining & Kline 2013; Song et al. 2019); measured on the held
    # seeds 0.336-0.382, on seeds 1-3 0.37 ± 0.02
    for seed in HELD:
        share = final(seed)["between_firm_wage_share"]
        assert 0.3 <= share <= 0.5, (seed, share)


@pytest.mark.slow
def test_firm_premia_are_nothing_without_rent_sharing_in_the_sorted_market():
    # ξ = 0: every worker is paid her outside option wherever value added covers it, so
    # ψ = 0 for all (measured 0 to 1e-5); the between-firm share is then sorting alone
    # (measured 0.336-0.373: the sorting has a motive that does not run through premia)
    for seed in HELD[:3]:
        row = final(seed, xi=0.0)
        assert row["firm_premium_share"] < 0.001, (seed, row["firm_premium_share"])
        assert row["between_firm_wage_share"] > 0.3, (seed, row["between_firm_wage_share"])
