"""Holding a burn-in round's allocation on a grid (`occupations.on_grid`), and the values
of one group per point that refine the roots (`task_values(...).at`).

Oracles: closed forms for one cut in a cell and for the persons each cell holds; the
exact (never gridded) burn-in for the grid's error, against the simulation's seed SE.
"""

import numpy as np
import pytest
from scipy.special import ndtr

from abm import Params
from analysis.regimes import burnin
from analysis.regimes.occupations import Allocation, mean_ability, on_grid
from analysis.regimes.choice import task_values
from analysis.regimes.population import Resolution, task_groups
from analysis.regimes.quadrature import prob

EDGES = np.linspace(-6.0, 6.0, 601)


def test_one_cut_in_a_cell_is_spread_over_the_cell():
    """Group 0 below c, group 1 above, c inside the cell [a, b]: on the grid the cell
    holds group 0 in the share (Φ(c) − Φ(a))/(Φ(b) − Φ(a)) of its persons (closed form),
    every other cell keeps its group exactly, and the cuts are the cell's edges."""
    edges = np.array([-1.0, 0.0, 1.0])
    c = 0.3
    out = on_grid(Allocation(np.array([c]), np.array([[1.0, 0.0], [0.0, 1.0]])), edges)
    share = (ndtr(c) - ndtr(0.0)) / (ndtr(1.0) - ndtr(0.0))
    assert np.array_equal(out.cuts, [0.0, 1.0])
    assert out.weights[0] == pytest.approx([1.0, share, 0.0], abs=1e-15)
    assert out.weights.sum(axis=0) == pytest.approx(1.0, abs=1e-15)
    # an allocation whose cuts are all edges is already on the grid: unchanged
    again = on_grid(out, edges)
    assert np.array_equal(again.cuts, out.cuts) and np.array_equal(again.weights, out.weights)


def test_every_group_keeps_its_persons_in_every_cell():
    """300 random cuts, four groups: each group's persons below every edge are the same
    on and off the grid (mass per cell kept); cells without a cut keep their weights bit
    for bit; a group's mean ability moves by at most Σ P(cell)·(θ range of the cell)
    over the cells holding cuts (within a cell its persons are kept, only who among
    them is moved, by at most that range)."""
    rng = np.random.default_rng(7)
    cuts = np.sort(rng.normal(scale=1.5, size=300))
    alloc = Allocation(cuts, rng.dirichlet(np.ones(4), size=301).T)
    out = on_grid(alloc, EDGES)
    assert out.cuts.size <= EDGES.size and np.all(np.isin(out.cuts, EDGES))

    def below(a: Allocation, z: np.ndarray) -> np.ndarray:
        fine = np.union1d(a.cuts, z)
        e = np.r_[-np.inf, fine]
        mass = a.weights[:, np.searchsorted(a.cuts, e[1:], side="left")] * prob(e[:-1], e[1:])
        return np.cumsum(mass, axis=1)[:, np.searchsorted(fine, z)]

    assert np.allclose(below(out, EDGES), below(alloc, EDGES), atol=1e-14, rtol=0.0)
    held = np.setdiff1d(np.arange(EDGES.size + 1), np.searchsorted(EDGES, cuts, side="right"))
    mid = np.r_[EDGES[0] - 1.0, 0.5 * (EDGES[1:] + EDGES[:-1]), EDGES[-1] + 1.0][held]
    assert np.array_equal(out.weights[:, np.searchsorted(out.cuts, mid, side="right")],
                          alloc.weights[:, np.searchsorted(alloc.cuts, mid, side="right")])
    s = 0.3
    e = np.r_[-np.inf, EDGES, np.inf]
    occupied = np.unique(np.searchsorted(EDGES, cuts, side="right"))
    theta_range = np.exp(s * np.minimum(e[1:], 8.0)) - np.exp(s * np.maximum(e[:-1], -8.0))
    bound = float(np.sum((prob(e[:-1], e[1:]) * theta_range)[occupied])) * np.exp(-0.5 * s * s)
    gap = np.abs(mean_ability(out, s) - mean_ability(alloc, s))
    assert np.all(gap <= bound), (gap, bound)


def test_values_of_one_group_per_point_are_the_groups_values():
    """`at(z, g)` is column g of `values(z)`, bit for bit (the same operations per
    element), with returns to skill by task and AI on the exposed tasks."""
    p = Params(skill_return_spread=0.3)
    groups = task_groups(p, 0.5)
    values = task_values(p, groups, np.linspace(0.8, 1.2, len(groups)),
                         [0.1 if g.exposed else 0.0 for g in groups],
                         {g.name: None for g in groups}, 0.3, -0.045, 0.3)
    z = np.linspace(-5.0, 5.0, 500)
    g = np.random.default_rng(0).integers(0, len(groups), z.size)
    assert np.array_equal(values.at(z, g), values(z)[np.arange(z.size), g])


def test_the_grid_moves_the_burn_in_by_far_less_than_the_simulation_can_tell(monkeypatch):
    """Six tasks with returns to skill by task (six groups, 20 rounds): with the grid's
    601 edges the shares of each group differ from the exact burn-in (the grid never
    used) by less than 1e-4, a fiftieth of the simulation's seed SE of such a share
    (0.005 at 5,000 workers, test_regimes_burnin.py); a coarser grid (101 edges) moves
    them more, as a first-order approximation in the cell width must (measured: 1e-5
    and 1.9e-4); and on the grid the cuts stay bounded by its edges."""
    p = Params(skill_return_spread=0.3, n_tasks=6, burn_in=20)
    groups = task_groups(p, 0.0)

    def shares(n_edges: int) -> tuple[np.ndarray, int]:
        monkeypatch.setattr(burnin, "CELLS", np.linspace(-6.0, 6.0, n_edges))
        a = burnin.burn_in_allocation(p, groups, "random", Resolution())
        return a.shares(), a.cuts.size

    exact, n_exact = shares(10**6)              # more edges than cuts: never gridded
    fine, n_fine = shares(601)
    coarse, n_coarse = shares(101)
    assert n_exact > 601 and n_fine <= 601 and n_coarse <= 101
    err_fine, err_coarse = np.abs(fine - exact).max(), np.abs(coarse - exact).max()
    assert err_fine < 1e-4 < err_coarse, (err_fine, err_coarse)
