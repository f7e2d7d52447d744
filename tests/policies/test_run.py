"""The paired statistics are the differences of the separate runs, seed by seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.params import Params
from abm.simulate import simulate
from analysis.policies import run
from analysis.policies.levers import LEVERS

TINY = Params(n_workers=300, n_firms=15, n_tasks=6, burn_in=3, n_periods=3)


def test_paired_statistics_match_separate_runs(tmp_path):
    seeds = run.run(TINY, ("ai_rent_tax", "edu_subsidy"), seeds=2, out=tmp_path,
                    client="serial", progress=False)
    values = seeds.set_index(["policy", "statistic", "seed"])["value"]
    for seed in sorted(set(seeds["seed"])):
        base = simulate(TINY, seed=seed).iloc[-1]
        base_off = simulate(TINY.replace(ai_enabled=False), seed=seed).iloc[-1]
        assert values["base", "dgini_ai", seed] == base["gini_income"] - base_off["gini_income"]
        for name in ("ai_rent_tax", "edu_subsidy"):
            p = LEVERS[name].apply(TINY)
            on = simulate(p, seed=seed).iloc[-1]
            off = simulate(p.replace(ai_enabled=False), seed=seed).iloc[-1]
            assert values[name, "d_gini_income", seed] == on["gini_income"] - base["gini_income"]
            assert values[name, "dgini_ai", seed] == on["gini_income"] - off["gini_income"]
            assert values[name, "dgini_ai_vs_base", seed] == pytest.approx(
                (on["gini_income"] - off["gini_income"])
                - (base["gini_income"] - base_off["gini_income"]), abs=1e-15)
            assert values[name, "d_unemployment", seed] == pytest.approx(
                base["employment_rate"] - on["employment_rate"], abs=1e-15)
            assert values[name, "pct_mean_income", seed] == pytest.approx(
                100 * (on["mean_income"] / base["mean_income"] - 1), rel=1e-12)


def test_summary_is_the_mean_and_seed_se():
    import pandas as pd

    rows = pd.DataFrame({"policy": "x", "statistic": "s", "seed": [1, 2, 3, 4],
                         "value": [1.0, 2.0, 4.0, np.nan]})
    (out,) = run.summarize(rows).to_dict("records")
    # finite values 1, 2, 4: mean 7/3, sample sd sqrt(((−4/3)² + (−1/3)² + (5/3)²)/2)
    sd = math.sqrt((16 / 9 + 1 / 9 + 25 / 9) / 2)
    assert out["mean"] == pytest.approx(7 / 3)
    assert out["se"] == pytest.approx(sd / math.sqrt(3))
    assert out["n_seeds"] == 3
