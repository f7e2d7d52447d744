"""Sorting of workers over firms: the AKM-style shares, their ξ = 0 limit, their drift
without AI, and job finding under the search friction (docs/MODEL.md §3.3, Matching).

Seeds 1-3, 6,000 workers, 20 years after period 0 (30 for the drift). Each tolerance
states the seed-to-seed standard error (SE) measured for it or the closed form it
comes from.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import LaborMarketModel, Params

SEEDS = (1, 2, 3)
N = 6000


def final_rows(periods: int = 20, **overrides: float) -> list[dict[str, float]]:
    """Period-0 and last-period statistics of each seed."""
    rows = []
    for seed in SEEDS:
        model = LaborMarketModel(Params(n_workers=N, n_periods=periods, **overrides),
                                 seed=seed, agents=False)
        start = dict(model.metrics)
        frame = model.run()
        rows.append({"start": start, "end": frame.iloc[-1].to_dict()})
    return rows


def values(rows: list[dict], column: str, when: str = "end") -> np.ndarray:
    return np.array([r[when][column] for r in rows])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "finding (docs/MODEL.md §3.3): with ξ = 0.1, β_L = 4 and transitory firm shocks the "
    "premia 1 + ξπ_j vary by a few per cent, so they explain ~0.005 of log-wage variance "
    "and sort few workers (between-firm share ~0.025), below the data's 0.3-0.5 and "
    "0.1-0.3; firm productivity dispersion at the data's closes the premium gap only "
    "through workers paid below their outside option at firms in shortfall "
    "(tests/statistical/test_firm_dispersion.py), and "
    "with premia from shared rents alone and a rent-sharing elasticity of at most 0.15 "
    "premia explain at most ~0.08 of log-wage variance (derivation, docs/MODEL.md §3.3.3); "
    "0.1-0.3 is the plug-in AKM range, which limited-mobility bias raises: corrected, the "
    "share is 0.05-0.16 in five countries' data (docs/MODEL.md §3.3.3)"))
def test_between_firm_and_premium_shares_are_inside_the_data_at_the_defaults():
    # data: between-firm share 0.3-0.5 (Card, Heining & Kline 2013; Song et al. 2019;
    # 0.32-0.47 in five countries, Bonhomme et al. 2023), firm premia 0.1-0.3 of log-wage
    # variance (Card, Cardoso, Heining & Kline 2018; plug-in AKM, see the reason above)
    rows = final_rows()
    between, premium = values(rows, "between_firm_wage_share"), values(rows, "firm_premium_share")
    assert np.all((between >= 0.3) & (between <= 0.5)), between
    assert np.all((premium >= 0.1) & (premium <= 0.3)), premium


@pytest.mark.slow
def test_firm_premia_explain_nothing_without_rent_sharing_and_something_with_it():
    # ξ = 0: w_i = w^c_i wherever value added covers outside options, so ψ_i = 0 and the
    # share is 0 up to firms in shortfall (measured 0.00000, SE < 1e-5): < 0.001.
    # Other side, ξ = 0.1: measured 0.0052 (SE 0.0009, lowest seed 0.0037): each seed
    # must show > 0.002, and the sorting share must stay below the premium share's
    # order of magnitude (measured 0.0005, SE 0.0008): |sorting| < 0.01
    off = final_rows(xi=0.0)
    on = final_rows()
    assert np.all(values(off, "firm_premium_share") < 0.001)
    assert np.all(np.abs(values(off, "sorting_share")) < 0.001)
    assert np.all(values(on, "firm_premium_share") > 0.002)
    assert np.all(np.abs(values(on, "sorting_share")) < 0.01)


@pytest.mark.slow
def test_the_between_firm_share_does_not_drift_without_ai():
    # nothing changes the economy without AI but noise: over 30 years the mean change is
    # measured −0.002 (SE 0.001); the bound is 0.01 in absolute value (8 SE)
    rows = final_rows(periods=30, ai_enabled=False)
    change = (values(rows, "between_firm_wage_share")
              - values(rows, "between_firm_wage_share", "start"))
    assert abs(change.mean()) < 0.01, change


def unemployed_every_year(years: int = 10, **overrides: float) -> list[int]:
    """Workers unemployed, and eligible for their task, in each of the last `years` years."""
    counts = []
    for seed in SEEDS:
        model = LaborMarketModel(Params(n_workers=N, n_periods=20, **overrides), seed=seed,
                                 agents=False)
        w, t = model.economy.workers, model.economy.tasks
        out = np.ones(w.n, dtype=bool)
        for period in range(20):
            model.step()
            if period >= 20 - years:
                out &= (w.employer < 0) & (w.education >= t.requirement_effective[w.task])
        counts.append(int(out.sum()))
    return counts


@pytest.mark.slow
def test_no_eligible_worker_stays_unemployed_for_ten_years_by_construction():
    # Bound from the friction: an eligible applicant is contacted with probability c
    # each year (her own draw), and while the contacted do not outnumber the vacancies
    # (about 0.07 vs 0.095 of workers at c = 0.5) every contacted applicant is hired.
    # So P(ten years unemployed | unemployed) ≤ (1 − c)^10 and the expected count is at
    # most N·u·(1 − c)^10 with u ≤ 0.15 the applicant share: 0.88 per seed, 2.6 over
    # three seeds. The Poisson(2.6) 99.9% quantile is 9.
    # Other side, c = 0 (employers reach applicants in score order only): the lowest
    # predictions never reach a vacancy; measured 41-52 per seed.
    assert sum(unemployed_every_year()) <= 9
    assert min(unemployed_every_year(contact_rate=0.0)) > 9
