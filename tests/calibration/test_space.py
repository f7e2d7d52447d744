"""The calibration space: names, bounds, the map onto Params and its errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.params import Params
from analysis.calibration import space
from analysis.calibration.space import FREE, base_params, free, from_params, to_params
from analysis.calibration.targets import Target, Targets

NAMES = ["ai_weight", "ability_sd", "edu_return", "xi", "proprietary_share"]


def test_free_parameters_as_decided():
    assert [f.name for f in FREE] == NAMES
    bounds = {f.name: (f.lo, f.hi) for f in FREE}
    assert bounds == {"ai_weight": (0.05, 3.0), "ability_sd": (0.1, 1.2),
                      "edu_return": (0.01, 0.2), "xi": (0.0, 0.6),
                      "proprietary_share": (0.0, 1.0)}
    d = Params()
    starts = {f.name: f.start for f in FREE}
    assert starts == {"ai_weight": d.ai_weight, "ability_sd": d.ability_sd,
                      "edu_return": d.edu_return, "xi": d.xi,
                      "proprietary_share": d.eta1 / (d.eta0 + d.eta1)}
    for f in FREE:
        assert f.lo < f.start < f.hi
        assert f.description and f.source


def test_free_subset_keeps_order_and_rejects_unknown():
    assert free() == FREE
    assert [f.name for f in free(["proprietary_share", "ai_weight"])] == \
        ["ai_weight", "proprietary_share"]
    with pytest.raises(ValueError, match="unknown free parameter 'asset_gini'; allowed: "
                                         "ai_weight, ability_sd, edu_return, xi, "
                                         "proprietary_share"):
        free(["ai_weight", "asset_gini"])


def test_to_params_maps_each_name():
    base = Params()
    p = to_params({"ai_weight": 1.2, "ability_sd": 0.7, "edu_return": 0.1, "xi": 0.3,
                   "proprietary_share": 0.25}, base)
    assert (p.ai_weight, p.ability_sd, p.edu_return, p.xi) == (1.2, 0.7, 0.1, 0.3)
    # η1 = s·T, η0 = T − η1 with T = 0.5 + 0.5 held fixed
    assert (p.eta0, p.eta1) == (0.75, 0.25)
    assert to_params({}, base) == base                      # an empty θ is the base
    q = to_params({"xi": 0.2}, base)                        # others stay at base values
    assert q == base.replace(xi=0.2)


def test_total_access_is_held_exactly():
    # the equal-access experiment uses η0 + η1: it must equal T bit for bit at every s,
    # for totals that are not powers of two as well
    for total_parts in ((0.5, 0.5), (0.2, 1.3), (0.7, 0.0), (3.1, 0.45)):
        base = Params(eta0=total_parts[0], eta1=total_parts[1])
        total = base.eta0 + base.eta1
        shares = np.concatenate([np.linspace(0.0, 1.0, 101),
                                 np.random.default_rng(0).uniform(size=500)])
        for s in shares:
            p = to_params({"proprietary_share": float(s)}, base)
            assert p.eta0 + p.eta1 == total
            assert p.eta0 >= 0 and p.eta1 == pytest.approx(s * total, abs=1e-15)
            assert from_params(p)["proprietary_share"] == pytest.approx(s, abs=1e-14)


@pytest.mark.parametrize("theta,words", [
    ({"ai_weight": 3.5}, "ai_weight=3.5 is outside its calibration range [0.05, 3.0]"),
    ({"ai_weight": 0.04}, "ai_weight=0.04 is outside"),
    ({"proprietary_share": 1.01}, "proprietary_share=1.01 is outside its calibration range "
                                  "[0.0, 1.0]"),
    ({"xi": -0.01}, "xi=-0.01 is outside"),
    ({"xi": math.nan}, "xi=nan must be a finite number in [0.0, 0.6]"),
    ({"xi": True}, "xi=True must be a finite number"),
    ({"asset_gini": 0.5}, "unknown free parameter 'asset_gini'; allowed: ai_weight"),
])
def test_to_params_rejects_with_one_line(theta, words):
    with pytest.raises(ValueError) as info:
        to_params(theta, Params())
    assert words in str(info.value) and "\n" not in str(info.value)


def test_bounds_themselves_are_accepted():
    base = Params()
    for f in FREE:
        for value in (f.lo, f.hi):
            to_params({f.name: value}, base)               # no error on either bound


def test_from_params_inverts_to_params():
    theta = {"ai_weight": 0.9, "ability_sd": 0.5, "edu_return": 0.06, "xi": 0.12,
             "proprietary_share": 0.8}
    back = from_params(to_params(theta, Params()))
    assert back == pytest.approx(theta, abs=1e-15)


def test_base_params():
    p = base_params()
    assert p.n_workers == 5000 and p.n_periods == 3           # latest target: m6 at t = 3
    # the only other departure from the defaults: heterogeneous schooling costs
    assert p.edu_cost_sd == 1.0 and Params().edu_cost_sd == 0.0
    assert p.replace(n_periods=Params().n_periods, n_workers=5000, edu_cost_sd=0.0) == Params()
    pre_ai = Targets((Target("m", 0.1, 0.01, "education_premium", 0, "c", "", "n"),),
                     "synthetic")
    assert base_params(800, pre_ai).n_periods == 1 and base_params(800, pre_ai).n_workers == 800
    assert space.start() == {f.name: f.start for f in FREE}
