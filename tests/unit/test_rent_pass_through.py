"""What the wage rule w = w^c·(1 + ξπ) implies for firm premia and pass-through.

Closed forms derived in docs/MODEL.md §3.3.3 ('How much of the variance rent sharing
can carry'), checked on synthetic firms through `rent_sharing.split_rents`. With
s_j = W_j / VA_j the firm's labour share and r_j = log(VA_j / W^c_j) its log rent ratio:

- where rents cover outside options (N ≥ 0) the wage bill's elasticity to value added,
  outside options held, is e_j = ξ/s_j and the log premium is
  ψ_j = log(1 − ξ) − log(1 − ξ/s_j);
- where they do not (N < 0) workers take the whole shortfall: e_j = 1;
- e rises with rents from ξ at r = 0, so ξ·r_j ≤ ψ_j ≤ e_j·r_j.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.steps import rent_sharing

N_FIRMS = 40


def split(value_added: np.ndarray, xi: float) -> tuple[np.ndarray, rent_sharing.FirmSplit]:
    """Firms of two workers on one task, outside options 1.0 and 2.0, no AI, no tax."""
    n = value_added.size
    firm = np.repeat(np.arange(n), 2)
    task = np.zeros(2 * n, dtype=np.int64)
    outside = np.tile([1.0, 2.0], n)
    team = value_added.astype(float)        # one task: the team's output is the firm's VA
    return rent_sharing.split_rents(firm, task, outside, np.zeros(2 * n), np.ones(1),
                                    np.ones(1), team, team.copy(), n, xi, 0.0, 0.0)


def firm_values(value_added: np.ndarray, xi: float) -> tuple[np.ndarray, np.ndarray]:
    """Labour share s_j and log premium ψ_j = log(W_j / W^c_j) of every firm."""
    wages, s = split(value_added, xi)
    bill = np.bincount(np.repeat(np.arange(value_added.size), 2), weights=wages)
    return bill / s.value_added, np.log(bill / s.competitive_wage_bill)


def elasticity(value_added: np.ndarray, xi: float, step: float = 1e-6) -> np.ndarray:
    """d log W_j / d log VA_j by a central difference, outside options held."""
    up = split(value_added * (1.0 + step), xi)[1]
    down = split(value_added * (1.0 - step), xi)[1]
    bill_up = up.competitive_wage_bill * up.rent_factor
    bill_down = down.competitive_wage_bill * down.rent_factor
    return (np.log(bill_up) - np.log(bill_down)) / (np.log1p(step) - np.log1p(-step))


@pytest.fixture(scope="module")
def rents() -> np.ndarray:
    # value added from 1.05 to 10 times the outside-option bill of 3.0: rent ratios
    # e^r from 1.05 to 10, every firm with rents above outside options
    return 3.0 * np.geomspace(1.05, 10.0, N_FIRMS)


@pytest.mark.parametrize("xi", [0.05, 0.1, 0.5])
def test_premium_is_the_closed_form_in_the_labour_share(rents, xi):
    share, psi = firm_values(rents, xi)
    # exact algebra on a handful of float operations: 1e-12 relative
    assert psi == pytest.approx(np.log(1.0 - xi) - np.log(1.0 - xi / share), rel=1e-12)


@pytest.mark.parametrize("xi", [0.05, 0.1, 0.5])
def test_pass_through_is_xi_over_the_labour_share_where_rents_cover_outside_options(
        rents, xi):
    share, _ = firm_values(rents, xi)
    # central difference with step 1e-6: truncation O(1e-12), rounding ~1e-16/1e-6
    assert elasticity(rents, xi) == pytest.approx(xi / share, rel=1e-6)


def test_workers_take_the_whole_shortfall_where_rents_do_not_cover_outside_options():
    # value added 0.5 to 0.95 of the outside-option bill: N < 0, owners get 0
    short = 3.0 * np.linspace(0.5, 0.95, 10)
    assert elasticity(short, 0.1) == pytest.approx(np.ones(10), rel=1e-6)
    _, s = split(short, 0.1)
    assert np.all(s.owner_income == 0.0)


@pytest.mark.parametrize("xi", [0.05, 0.1, 0.5])
def test_premium_lies_between_xi_and_the_firms_pass_through_times_the_rent(rents, xi):
    share, psi = firm_values(rents, xi)
    r = np.log(rents / 3.0)
    e = xi / share
    # strict where r > 0; 1e-12 of slack for rounding
    assert np.all(psi >= xi * r - 1e-12)
    assert np.all(psi <= e * r + 1e-12)
    # and the premium is strictly below the upper bound: e rises along the way
    assert np.all(psi < e * r)
