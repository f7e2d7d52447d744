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
    # The data describe economies before generative AI, so the comparison is the
    # pre-AI economy, period 0: every held seed must lie inside (measured: between-firm
    # 0.321-0.369, elasticity 0.080-0.141, dispersion 0.549-0.623, premia 0.019-0.039).
    # Twenty years into AI the facts are a projection, not a comparison with data; they
    # are checked to stay inside, the elasticity and dispersion on the mean over the
    # seeds (an economy of 100 firms estimates each with a seed-to-seed sd near 0.04):
    # measured between-firm 0.341-0.383, elasticity 0.128 ± 0.015, dispersion
    # 0.581 ± 0.016, premia 0.041 ± 0.007. Nobody is paid below the outside option (by
    # construction without limited liability).
    frames = [run(seed) for seed in HELD]
    for first in (f.iloc[0] for f in frames):
        assert 0.3 <= first["between_firm_wage_share"] <= 0.5, first
        assert 0.05 <= first["rent_sharing_elasticity"] <= 0.15, first
        assert 0.54 <= first["va_per_worker_sd"] <= 0.8, first
        assert first["firm_premium_share"] < 0.077, first
    rows = [f.iloc[-1] for f in frames]
    for last in rows:
        assert 0.3 <= last["between_firm_wage_share"] <= 0.5, last
        assert last["below_outside_option_share"] == 0.0
    mean = {c: np.mean([r[c] for r in rows]) for c in
            ("rent_sharing_elasticity", "va_per_worker_sd", "firm_premium_share")}
    assert 0.05 <= mean["rent_sharing_elasticity"] <= 0.15, mean
    assert 0.54 <= mean["va_per_worker_sd"] <= 0.8, mean
    assert mean["firm_premium_share"] < 0.077, mean


def without_ai(seed: int, **changes: object) -> tuple[float, float, float]:
    """30 years without AI: var(log K) across firms in period 0 and at the end, and the
    between-firm share's change (mean of years 21-30 minus years 1-10: it moves by a
    few hundredths a year)."""
    params = build_params().replace(n_workers=6000, n_periods=30, ai_enabled=False,
                                    **changes)
    model = LaborMarketModel(params, seed=seed, agents=False)
    start = float(np.var(np.log(model.economy.firms.assets)))
    share = model.run()["between_firm_wage_share"].to_numpy()
    end = float(np.var(np.log(model.economy.firms.assets)))
    return start, end, float(share[21:].mean() - share[1:11].mean())


@pytest.mark.slow
def test_without_ai_assets_and_the_between_firm_share_are_stationary_once_settled():
    # Seeds 25-60, held out from the choice of the burn-ins (seeds 1-24).
    # Between-firm share: the stationarity bound is 0.01 over 30 years
    # (measured +0.0028 ± 0.0025 here; with 36 seeds the SE leaves 2.9 SE of margin).
    # Assets, both sides of docs/MODEL.md §3.7. Held to the end of period 0, every
    # S/S* starts at 1 and can only spread out as persistent productivity wanders
    # (derived sign): var(log K) rises, measured +0.64 ± 0.03 from 1.43. Settled in the
    # burn-in's last 80 years, period 0 is a draw from the stationary spread: measured
    # +0.030 ± 0.041 from 2.92 (1%). Tolerance: a tenth of the level, 7 seed SEs; the
    # held economy must rise by more than the same tenth, so the tolerance separates
    # the two.
    seeds = range(25, 61)
    settled = np.array([without_ai(s) for s in seeds])
    held = np.array([without_ai(s, asset_burn_in=0) for s in seeds])
    assert abs(settled[:, 2].mean()) < 0.01, settled[:, 2]
    change = settled[:, 1] - settled[:, 0]
    assert abs(change.mean()) < 0.1 * settled[:, 0].mean(), (change.mean(), settled[:, 0])
    rise = held[:, 1] - held[:, 0]
    se = rise.std(ddof=1) / np.sqrt(rise.size)
    assert rise.mean() > 3 * se and rise.mean() > 0.1 * held[:, 0].mean(), (rise.mean(), se)
