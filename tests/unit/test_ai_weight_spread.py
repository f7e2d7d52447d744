"""`ai_weight_spread`: heterogeneous AI weight across codifiable tasks, default unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params, simulate
from abm.params import ParameterError
from abm.population import build_tasks


def test_zero_spread_is_the_equal_weight_economy(small):
    t = build_tasks(small())
    assert np.array_equal(t.ai_weight, np.where(t.codifiable, 0.6, 0.0))
    a = simulate(small(), seed=4)
    b = simulate(small(ai_weight_spread=0.0), seed=4)
    assert a.equals(b)


def test_spread_keeps_the_mean_and_orders_weights_by_entry():
    t = build_tasks(Params(n_tasks=10, ai_weight=0.6, ai_weight_spread=0.5))
    alpha = t.ai_weight[t.codifiable]
    assert alpha.mean() == pytest.approx(0.6)
    assert alpha[0] == pytest.approx(0.9) and alpha[-1] == pytest.approx(0.3)
    assert np.all(np.diff(alpha) < 0)                     # first reached, largest weight
    assert np.all(t.ai_weight[~t.codifiable] == 0)


def test_spread_of_one_is_refused():
    with pytest.raises(ParameterError, match=r"ai_weight_spread=1.0 is out of range; allowed \[0.0, 1.0\)"):
        Params(ai_weight_spread=1.0)
