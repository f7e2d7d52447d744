"""The regime boundary: a root of the predicted dgini, checked against the analytic map."""

import numpy as np
import pytest

from abm import Params
from abm.params import ParameterError
from analysis.regimes import boundary, predict
from analysis.regimes_inputs import set_axis
from analysis.regimes.maps import Axis, analytic_grid

BASE = Params()
XTOL = 1e-4


def _signs_around(p: Params, along: str, root: float) -> tuple[float, float]:
    return (predict(set_axis(p, along, root - 2 * XTOL)).dgini,
            predict(set_axis(p, along, root + 2 * XTOL)).dgini)


@pytest.mark.parametrize(("p", "along"), [
    (BASE, "proprietary_share"),
    pytest.param(BASE.replace(asset_gini=0.2), "xi", marks=pytest.mark.slow)])  # ~60 s
def test_root_is_a_sign_change_of_the_analytic_map(p, along):
    b = boundary(p, along=along, xtol=XTOL)
    assert b.exists and len(b.roots) == 1
    below, above = _signs_around(p, along, b.value)
    assert below * above < 0                      # dgini changes sign within 2·xtol
    # the fine analytic map along the axis changes sign exactly once, in the cell that
    # holds the root (a grid lookup would only know the cell; Brent knows the point)
    values = np.linspace(b.lo, b.hi, 21)
    d = np.array([predict(set_axis(p, along, v)).dgini for v in values])
    cells = np.flatnonzero(np.sign(d[1:]) != np.sign(d[:-1]))
    assert cells.size == 1
    assert values[cells[0]] <= b.value <= values[cells[0] + 1]


def test_boundary_agrees_with_the_zero_line_of_a_two_dimensional_map():
    # along each row of a (proprietary share × ξ) map the zero crossing, interpolated
    # linearly between grid points, is within one grid step of the root at that ξ
    x, y = Axis.of("proprietary_share"), Axis("xi", 0.0, 1.0)
    grid = analytic_grid(BASE, x, y, 7)
    step = (x.hi - x.lo) / 6
    found = 0
    for xi, row in grid.groupby("xi"):
        d = row.sort_values("proprietary_share")
        s, v = d["proprietary_share"].to_numpy(), d["dgini"].to_numpy()
        cells = np.flatnonzero(np.sign(v[1:]) != np.sign(v[:-1]))
        b = boundary(BASE.replace(xi=float(xi)), along="proprietary_share")
        if cells.size == 0:          # one sign along the row: within one step of an end
            assert not b.exists or min(b.value - x.lo, x.hi - b.value) < step
            continue
        k = int(cells[0])
        crossing = s[k] - v[k] * (s[k + 1] - s[k]) / (v[k + 1] - v[k])
        assert b.exists and abs(crossing - b.value) < step
        found += 1
    assert found >= 2


def test_c_baseline_has_no_xi_boundary_but_a_less_concentrated_economy_does():
    """(c) At Gini(K) = 0.6 no realistic ξ flips the sign; at Gini(K) = 0.2 one does."""
    # at the baseline dgini stays positive up to full rent sharing: it reaches zero only
    # within 0.01 of ξ = 1 (−0.0004 at ξ = 1), far outside realistic rent sharing
    at_base = boundary(BASE, along="xi")
    assert at_base.dgini_lo > 0.015
    assert not at_base.exists or at_base.value > 0.99
    assert predict(BASE.replace(xi=0.9)).dgini > 0
    low = boundary(BASE.replace(asset_gini=0.2), along="xi")
    assert low.exists and 0.15 < low.value < 0.7
    assert low.dgini_lo > 0 > low.dgini_hi


def test_tolerance_is_honoured():
    coarse = boundary(BASE, along="proprietary_share", xtol=1e-2).value
    fine = boundary(BASE, along="proprietary_share", xtol=1e-7).value
    assert abs(coarse - fine) < 1e-2
    assert abs(predict(set_axis(BASE, "proprietary_share", fine)).dgini) < 1e-6


def test_bad_axes():
    with pytest.raises(ParameterError, match="unknown axis"):
        boundary(BASE, along="rent_sharing")
    with pytest.raises(ParameterError, match="float parameter"):
        boundary(BASE, along="n_workers")
    with pytest.raises(ParameterError, match="eta0 \\+ eta1"):
        boundary(BASE.replace(eta0=0.0, eta1=0.0), along="proprietary_share")
    with pytest.raises(ParameterError, match="lo < hi"):
        boundary(BASE, along="xi", bounds=(0.5, 0.5))
