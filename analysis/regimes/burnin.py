"""Where the pre-AI allocation starts: the burn-in's re-choices at last period's prices.

The simulation starts with N/Z workers on every task and, from the second burn-in period
on, lets a share max(`retooling_rate`, `burn_in_retooling`) of the workers re-choose
their task each period at last period's labour prices, each among her own task and one
sampled task of each type (`abm.steps.education.retooling_share`; a burn-in whose
workers compare every task, `burn_in_search` = 'every', is not represented). The
first such period prices the equal allocation, where a unit of ability pays more on
the codifiable tasks (ω_Cφ_C/ω_S = 1.09 in the simulation at the defaults, 1.11 in the
mean field), so half of the able social workers move at once; the next period's prices
overshoot (0.97 in the simulation, 0.95 here) and the allocation then settles inside
the switch cost's inaction band, with more able workers on the codifiable tasks than
the stationary choice at the final prices puts there from equal numbers. Because the
band keeps them, where the burn-in leaves workers is where the AI state starts from.

`burn_in_allocation` follows those periods: each round a share of the workers takes one
chance (`occupations.stationary` with `share`) at the labour prices and mean wage of
the economy with last round's allocation held (`solve_state` with `origin` and
occupations off). Measured against the simulation (seeds 1-4, 5,000 workers):

- the first round (burn_in = 1) moves as many: share on codifiable tasks 0.528 against
  0.527 ± 0.005 (`tests/regimes/test_regimes_burnin.py`);
- re-choosing at the retooling rate (0.1) through a 60-year burn-in, it ends where the
  simulation does when its burn-in is changed likewise: share 0.508 against 0.511, share
  of the persons with z > 1.5 on codifiable tasks 0.586 against 0.620;
- with the default burn-in (half of the workers a year) it moves too few back after the
  overshoot: 0.527 and 0.74 against 0.520 and 0.60. Within a group the simulation's
  tasks are not identical: the first period's labour prices differ by ±4% (codifiable)
  and ±7% (social) between tasks with the workers each drew, so the first movers also
  come from the middle of the ability range (2.6% of persons with 0 < z < 1), and
  those move back; the mean field's tasks of a group share one price.

Rounds re-solve everyone's education at the round's prices (in the simulation only the
workers who re-choose do). With a group per task the rounds' roots would pile up (about
360 new cuts a round at 20 groups, and every later state is solved on all of them), so
an allocation with more cuts than `CELLS` has edges is held on that grid
(`occupations.on_grid`): each group keeps its persons in every cell 0.02 wide in
standardised log ability, and only who within a cell works where is averaged. At
s_λ = 0.3 this moves a `WITH_CHOICE` prediction's ΔGini by 1.4e-6 and cuts its cost
from 284 s to 76 s; at the defaults (three groups) the grid is never reached.
docs/REGIMES.md ('Occupational choice', 'Returns to skill by task') states the rule.
"""

from __future__ import annotations

import numpy as np

from abm.params import Params
from abm.steps.education import retooling_share
from analysis.regimes.choice import candidates, task_values
from analysis.regimes.meanfield import solve_state
from analysis.regimes.occupations import Allocation, on_grid, stationary, uniform
from analysis.regimes.population import Resolution, TaskGroup
from analysis.regimes_inputs import check_search


CELLS = np.linspace(-6.0, 6.0, 601)
"""Edges of the grid a round's allocation is held on once it has more cuts than the
grid has edges (`occupations.on_grid`; with fewer the grid would only add cuts): 0.02
apart in standardised log ability, so nobody's log ability is misplaced by more than
0.02·s. Each round's roots lie at new places, as prices move from round to round; with
a group per task (20 at the defaults' task count) they add about 360 cuts a round, and
every later state is solved on all of them."""


def burn_in_allocation(p: Params, groups: list[TaskGroup], matching: str,
                       resolution: Resolution, assets: tuple | None = None) -> Allocation:
    """The allocation at the end of the pre-AI burn-in (module docstring).

    Period −B (B = `burn_in`) prices the equal allocation; in each period t from −B + 1
    to 0 a share `retooling_share(t)` takes one chance at the previous period's prices.
    With `burn_in` = 0 nothing is re-chosen before AI: the equal allocation.
    """
    check_search(p)
    counts = np.array([g.count for g in groups], dtype=float)
    codifiable = np.array([g.codifiable for g in groups])
    alloc = uniform(counts / p.n_tasks)
    if p.burn_in < 1 or codifiable.all() or not codifiable.any():
        return alloc
    draw, social = candidates(groups)
    s = p.ability_sd
    unit = p.edu_cost * (1.0 - p.edu_subsidy)
    state = None
    for t in range(-p.burn_in + 1, 1):
        state = solve_state(p, 0.0, groups=list(groups), matching=matching,
                            resolution=resolution, assets=assets, origin=alloc, guess=state,
                            incomes=False)
        omega = np.array([state.labour_prices[g.name] for g in groups])
        values = task_values(p, list(groups), omega, [0.0] * len(groups),
                         {g.name: None for g in groups}, unit * state.mean_wage,
                         -0.5 * s * s, s)
        alloc = stationary(alloc, values, p.switch_cost * state.mean_wage, draw, social,
                           share=retooling_share(t, p.burn_in, p.retooling_rate,
                                                  p.burn_in_retooling))
        if alloc.cuts.size > CELLS.size:
            alloc = on_grid(alloc, CELLS)
    return alloc
