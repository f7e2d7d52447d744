"""The labour-market model, one agent at a time: a slow, readable reference for `abm`.

Every rule of a period (docs/MODEL.md; the docstrings of `abm.steps`) is written in this
package as a method of the agent that acts, called by the model in plain Python loops
over Mesa agents:

- `Worker` (workers.py): `remember_job`, `choose_education`, `consider_quitting`,
  `draw_layoff_key`, `produce_work_sample`, `draw_tiebreak`, `draw_contact`,
  `draw_choice`, `produce`, `count_spell`, `claim_benefit`, `receive_income`.
- `Employer` (firms.py; the hiring side of a firm): `lay_off`, `post_vacancies`, `hire`.
- `Firm` (firms.py): `draw_productivity`, `adopt_technology`, `produce_with_teams`,
  `share_rents`, `reinvest`.

What is market-wide in the model (task prices, the employers' shared screening belief,
the matching of applicants to vacancies) is a method of `ReferenceModel`, looping over
tasks and agents; a `Task` (tasks.py) is such a market, not an agent. This module holds
the model itself: its construction (docs/MODEL.md §3.1), the order of the phases (§1.3),
AI capability (§3.2) and the phases that only call the agents' rules (education, §3.4;
accumulation, §3.7). Each longer phase is a mixin it inherits, in a module of its own:

- phases_hiring.py, `HiringPhase` (§3.3), with the plain functions of screening.py
  (the hiring standard, §3.3.2) and matching.py (§3.3.3);
- phases_production.py, `ProductionPhase` (§3.5), with technology.py (task output, the
  firms' CES of labour and assets, the final good's prices);
- phases_rent_sharing.py, `RentSharingPhase` (§3.6);
- measurement.py, `Measurement` (§4), with textbook_statistics.py;
- vectorised_layout.py, `VectorisedLayout`: `from_model` and `export`, the bridge to
  `abm`'s arrays that the cross-checks use.

Every name this module defined before the rules moved to those modules is still
importable from here.

The reference is meant to be compared with `abm` bit for bit where the rules are
deterministic given the random numbers, so it follows three conventions:

1. Random numbers come from the same named streams as `abm` (`population`, `assets`,
   `ownership`, `education`, `hiring`, `firms`, `matching`, `occupations`), one number
   per agent, agents in index order, in the order the phases document. With the same
   seed both models see the same numbers; `ReferenceModel.from_model` copies a
   vectorised model's state and streams.
2. Sums over agents are accumulated agent by agent in index order (the order in which
   numpy's `bincount` adds); means and dot products over all agents of a kind use numpy
   on a list built in index order (numpy's pairwise summation).
3. Elementary functions are numpy's (`np.exp`, `np.log`, `np.sqrt`) and real powers
   go through `power` (numerics.py), numpy's array power: C's `pow` and numpy's
   vectorised power can differ in the last bit, which would make the comparison test
   libm, not the model.

Nothing here is optimised; `benchmarks/bench_model.py` measures how much faster `abm` is.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np
from scipy.special import ndtri

from abm.params import Params

from .firms import MIN_RATIO, Employer, Firm
from .matching import _integer_weights, assortative_pairs, logit_pairs
from .measurement import Measurement
from .numerics import _ufunc, power
from .phases_hiring import HiringPhase
from .phases_production import ProductionPhase
from .phases_rent_sharing import RentSharingPhase
from .screening import BISECTIONS, RIDGE, expected_gain, hiring_standard, upper_tail
from .tasks import Task
from .technology import (_ces_prices_in_logs, ces_output, firm_ces, firm_ces_labour_slope,
                         task_output)
from .textbook_statistics import (_akm_shares, _between_share, _cv_by_task, _gini,
                                  _income_distribution, _lerman_yitzhaki, _mean,
                                  _mean_finite, _mincer)
from .vectorised_layout import VectorisedLayout
from .workers import Worker

# every name this module defined before the split, still importable from it (tests import
# `hiring_standard`, `logit_pairs`, `_lerman_yitzhaki`... from here)
__all__ = ["BISECTIONS", "MIN_RATIO", "RIDGE", "STREAMS", "Employer", "Firm", "ReferenceModel",
           "Task", "Worker", "_akm_shares", "_between_share", "_ces_prices_in_logs",
           "_cv_by_task", "_gini", "_income_distribution", "_integer_weights",
           "_lerman_yitzhaki", "_mean", "_mean_finite", "_mincer", "_ufunc",
           "assortative_pairs", "ces_output", "expected_gain", "firm_ces",
           "firm_ces_labour_slope", "hiring_standard", "logit_pairs", "power", "task_output",
           "upper_tail"]

STREAMS = ("population", "assets", "ownership", "education", "hiring", "firms", "matching",
           "occupations")


class ReferenceModel(HiringPhase, ProductionPhase, RentSharingPhase, Measurement,
                     VectorisedLayout, mesa.Model):
    """The same economy as `abm.LaborMarketModel`, agent by agent.

    Args:
        params: model parameters.
        seed: root seed; spawns the same named streams as `abm`.
        build: False leaves the model empty (used by `from_model`).
    """

    def __init__(self, params: Params | None = None, *, seed: int = 0,
                 build: bool = True) -> None:
        super().__init__(rng=seed)
        self.params = params if params is not None else Params()
        seq = np.random.SeedSequence(seed)
        self.streams = {name: np.random.default_rng(s)
                        for name, s in zip(STREAMS, seq.spawn(len(STREAMS)), strict=True)}
        self.workers: list[Worker] = []
        self.firms: list[Firm] = []
        self.employers: list[Employer] = []
        self.tasks: list[Task] = []
        self.stakes: list[tuple[int, int, float]] = []    # (firm, person, fraction)
        self.compute_owners: list[int] = []
        self.vendor_income = 0.0
        self.benefits_total = 0.0
        self.payroll_tax_rate = 0.0
        self.edu_subsidy_total = 0.0
        self.period = 0
        self.ai_capability = 0.0
        self.output_total = 0.0
        self.mean_wage = 1.0
        self.fringe_access = 0.0
        self.vendor_access = 0.0
        self.base_price: list[float] | None = None
        self._scales: list[float] | None = None
        self.metrics: dict[str, Any] = {}
        self.metrics_at_zero: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        if build:
            self.build()
            for t in range(-self.params.burn_in, 1):
                self.period = t
                self.run_phases()
            self.metrics = self.measure()
            self.metrics_at_zero = dict(self.metrics)
            self.history.append(self.metrics)

    # -- construction ---------------------------------------------------------------
    def build(self) -> None:
        """Tasks, workers, firms and equity stakes, drawn as `abm.population` draws them."""
        p = self.params
        n_c = min(max(int(round(p.codifiable_share * p.n_tasks)), 1), p.n_tasks - 1)
        for z in range(p.n_tasks):
            codifiable = z < n_c
            profile = 1.0            # α_k = α·(1 + spread·(1 − 2k/(n_C − 1))) on codifiable tasks
            if codifiable and p.ai_weight_spread > 0 and n_c > 1:
                profile += p.ai_weight_spread * (1.0 - 2.0 * z / (n_c - 1))
            self.tasks.append(Task(
                index=z, codifiable=codifiable,
                skill_intensity=p.skill_intensity if codifiable else 1.0,
                ai_weight=p.ai_weight * profile if codifiable else 0.0,
                threshold=p.frontier_spread * p.ai_max * z / n_c if codifiable else math.inf,
                weight=1.0 / p.n_tasks, price=1.0 / p.n_tasks, labour_price=1.0 / p.n_tasks,
                skill_return=_skill_return(z, n_c, p)))
        rng = self.streams["population"]
        s = p.ability_sd
        abilities = [np.exp(s * rng.standard_normal() - 0.5 * s * s)
                     for _ in range(p.n_workers)]
        tasks = rng.permutation([i % p.n_tasks for i in range(p.n_workers)])
        for i in range(p.n_workers):
            self.workers.append(Worker(self, i, float(abilities[i]), int(tasks[i])))
        rng = self.streams["assets"]
        s = float(np.sqrt(2.0) * ndtri((1.0 + p.asset_gini) / 2.0))
        for j in range(p.n_firms):
            firm = Firm(self, j, float(np.exp(s * rng.standard_normal() - 0.5 * s * s)))
            self.firms.append(firm)
            self.employers.append(Employer(self, firm))
        n_owners = max(1, int(round(p.owner_share * p.n_workers)))
        owners = self.streams["ownership"].choice(p.n_workers, size=n_owners, replace=False)
        n_stakes = max(n_owners, p.n_firms)
        per_firm = [0] * p.n_firms
        for stake in range(n_stakes):
            per_firm[stake % p.n_firms] += 1
        for stake in range(n_stakes):
            j = stake % p.n_firms
            self.stakes.append((j, int(owners[stake % n_owners]), 1.0 / per_firm[j]))
        n_compute = max(1, int(round(p.compute_owner_share * p.n_workers)))
        self.compute_owners = sorted(int(i) for i in self.streams["ownership"].choice(
            p.n_workers, size=n_compute, replace=False))
        sd = p.firm_shock_sd / np.sqrt(1.0 - p.firm_shock_persistence ** 2)
        for f in self.firms:
            f.log_productivity = sd * self.streams["firms"].standard_normal()
        # before any rent is paid, workers expect premia in the order of asset output
        mean_assets = np.mean([f.assets for f in self.firms])
        for f in self.firms:
            k = f.assets / mean_assets
            f.rent_factor = 1.0 + p.xi * p.asset_markup * power(k, 1.0 - p.size_elasticity)
        self.mean_wage = float(np.mean([self.tasks[w.task].price
                                        * self.tasks[w.task].human_input(w.ability)
                                        for w in self.workers]))

    # -- small shared quantities ----------------------------------------------------
    def employer_of(self, firm: Firm) -> Employer:
        """The Employer agent (hiring side) of a firm."""
        return self.employers[firm.index]

    def retooling_share(self) -> float:
        """Share of workers who may re-choose education this period."""
        if self.period <= -self.params.burn_in:
            return 1.0
        if self.period <= 0:
            return max(self.params.retooling_rate, self.params.burn_in_retooling)
        return self.params.retooling_rate

    def neutral_scale(self, task: int) -> float | None:
        """m_z, mean h·φ on the task, when homogenization is switched off (else None)."""
        return None if self._scales is None else self._scales[task]

    def _update_neutral_scales(self) -> None:
        self._scales = None
        if self.params.homogenization:
            return
        total = [0.0] * len(self.tasks)
        count = [0] * len(self.tasks)
        for w in self.workers:
            total[w.task] += self.tasks[w.task].human_input(w.human_capital)
            count[w.task] += 1
        self._scales = [total[z] / count[z] if count[z] else math.nan
                        for z in range(len(self.tasks))]

    # -- the period -----------------------------------------------------------------
    def step(self) -> None:
        """One period (one year): the six phases, then measurement."""
        self.period += 1
        self.run_phases()
        self.metrics = self.measure()
        self.history.append(self.metrics)

    def run_phases(self) -> None:
        """Phases 1-6 in the model's order."""
        self.advance_ai()
        self.education_phase()
        self.hiring_phase()
        self.production_phase()
        self.rent_sharing_phase()
        self.accumulation_phase()

    def advance_ai(self) -> None:
        """Phase 1: A_t = A_max·(1 − e^{−g·t}) from period 1; tasks enter S(A_t)."""
        p = self.params
        if not p.ai_enabled or self.period <= 0:
            self.ai_capability = 0.0
        else:
            self.ai_capability = p.ai_max * (1.0 - math.exp(-p.ai_growth * self.period))
        for t in self.tasks:
            t.augmentable = t.ai_weight > 0 and self.ai_capability > t.threshold

    def education_phase(self) -> None:
        """Phase 2: every worker draws; the retooling ones re-choose education."""
        self._update_neutral_scales()
        self.edu_subsidy_total = 0.0
        self.agents_by_type[Worker].do("choose_education")

    def accumulation_phase(self) -> None:
        """Phase 6: firms reinvest owners' income in their assets."""
        self.agents_by_type[Firm].do("reinvest")


def _skill_return(z: int, n_codifiable: int, p: Params) -> float:
    """λ of task z: 1 + s·(2k/(n − 1) − 1) for task k of its type's n tasks (1 if n = 1)."""
    k, n = (z, n_codifiable) if z < n_codifiable else (z - n_codifiable,
                                                       p.n_tasks - n_codifiable)
    if n < 2:
        return 1.0
    return 1.0 + p.skill_return_spread * (2.0 * k / (n - 1) - 1.0)
