"""The income-distribution columns against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm import metrics as m
from abm.model import LaborMarketModel
from abm.params import Params


def test_shares_of_a_small_array():
    # incomes 1, 2, 3, 4, 10 (total 20): the poorer half is the ⌊5/2⌋ = 2 lowest,
    # (1 + 2)/20 = 0.15; the top tenth the ⌈5/10⌉ = 1 highest, 10/20 = 0.5
    assert m.income_shares(np.array([1.0, 2.0, 3.0, 4.0, 10.0])) == (0.15, 0.5)
    # ten persons, five at 1, four at 3, one at 11: total 5 + 12 + 11 = 28; the poorer
    # half holds 5, the top tenth (one person) 11
    v = np.array([1.0] * 5 + [3.0] * 4 + [11.0])
    bottom, top = m.income_shares(v)
    assert bottom == pytest.approx(5 / 28) and top == pytest.approx(11 / 28)
    # equal incomes: each half and tenth holds its population share
    assert m.income_shares(np.full(10, 2.0)) == pytest.approx((0.5, 0.1))
    # a share of nothing is 0, as every share of amounts (MODEL.md §4)
    assert m.income_shares(np.zeros(4)) == (0.0, 0.0)
    assert all(math.isnan(x) for x in m.income_shares(np.array([1.0, np.inf])))


def test_atkinson_of_a_small_array():
    v = np.array([1.0, 2.0, 3.0, 4.0, 10.0])               # mean 4
    # ε = 1: geometric mean (1·2·3·4·10)^(1/5) = 240^(1/5) = 2.992556...
    a1, ede1 = m.atkinson(v, 1.0)
    assert ede1 == pytest.approx(240 ** 0.2, rel=1e-12)
    assert a1 == pytest.approx(1 - 240 ** 0.2 / 4, rel=1e-12)
    # ε = 2: harmonic mean 5/(1 + 1/2 + 1/3 + 1/4 + 1/10) = 5/(131/60) = 300/131
    a2, ede2 = m.atkinson(v, 2.0)
    assert ede2 == pytest.approx(300 / 131, rel=1e-12)
    assert a2 == pytest.approx(1 - 300 / 131 / 4, rel=1e-12)
    assert 0 < a1 < a2 < 1                                  # more aversion, more loss
    assert m.atkinson(np.full(7, 3.0), 2.0) == (0.0, 3.0)     # equality: no loss
    assert m.atkinson(np.zeros(3), 1.0) == (0.0, 0.0)         # as the Gini: 0
    # a zero income: y_ε → 0 for ε ≥ 1 (index 1); a negative one: undefined
    assert m.atkinson(np.array([0.0, 1.0, 2.0]), 1.0) == (1.0, 0.0)
    assert all(math.isnan(x) for x in m.atkinson(np.array([-1.0, 2.0, 3.0]), 1.0))


def test_model_columns_are_those_of_the_income_array():
    """The recorded columns are the textbook formulas on persons' incomes."""
    model = LaborMarketModel(Params(n_workers=400, n_firms=20, n_tasks=10, burn_in=3,
                                    n_periods=2), seed=3, agents=False)
    model.step()
    y = sorted(model.economy.workers.income.tolist())
    n, total = len(y), sum(y)
    got = model.metrics
    assert got["mean_income"] == pytest.approx(total / n, rel=1e-12)
    assert got["income_share_bottom50"] == pytest.approx(sum(y[:200]) / total, rel=1e-12)
    assert got["income_share_top10"] == pytest.approx(sum(y[-40:]) / total, rel=1e-12)
    geo = math.exp(sum(math.log(x) for x in y) / n)
    harm = n / sum(1 / x for x in y)
    assert got["ede_income_1"] == pytest.approx(geo, rel=1e-10)
    assert got["ede_income_2"] == pytest.approx(harm, rel=1e-10)
    assert got["atkinson_1"] == pytest.approx(1 - geo / (total / n), rel=1e-9)
    assert got["atkinson_2"] == pytest.approx(1 - harm / (total / n), rel=1e-9)
    # without subsidies, income adds up to output exactly (to rounding)
    assert got["edu_subsidy_total"] == 0.0
    assert total == pytest.approx(got["output_total"], rel=1e-9)
