"""The firm as two Mesa agents: `Firm` (production, rents, assets) and `Employer` (hiring).

`Firm` acts in the production phase (docs/MODEL.md §3.5: `draw_productivity`,
`adopt_technology`, `produce_with_teams`), in rent sharing (§3.6: `share_rents`) and in
asset accumulation (§3.7: `reinvest`). `Employer`, its hiring side, acts in the hiring
phase (§3.3.1: `lay_off`, `post_vacancies`; §3.3.3: `hire`). Each method is one rule for
one firm; what is market-wide is in the model's phase mixins (`phases_*.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .numerics import power
from .technology import firm_ces

if TYPE_CHECKING:
    from .model import ReferenceModel
    from .workers import Worker

MIN_RATIO = 1e-12     # as abm.steps.accumulation.MIN_RATIO


class Firm(mesa.Agent):
    """Complementary assets, AI access, value added, rents and reinvestment."""

    def __init__(self, model: ReferenceModel, index: int, assets: float) -> None:
        super().__init__(model)
        self.index = index
        self.assets = assets
        self.staff: set[Worker] = set()
        self.employment = 0
        self.ai_access = 0.0
        self.asset_productivity = 0.0
        self.value_added = 0.0
        self.competitive_wage_bill = 0.0
        self.rents = 0.0
        self.ai_rents = 0.0
        self.taxes = 0.0
        self.wage_bill = 0.0
        self.owner_income = 0.0
        self.rent_factor = 1.0
        self.log_productivity = 0.0
        self.productivity = 1.0
        self.asset_stock = assets
        self.asset_base = assets
        self.asset_reference = 0.0
        self.vendor_fees = 0.0
        self.owner_loss = 0.0
        self.va_per_worker = 0.0
        self.prev_va_per_worker = 0.0
        self.team_output: list[float] = []
        self.team_output_c: list[float] = []

    def roster(self) -> list[Worker]:
        """The firm's workers in index order (the order sums over them are taken in)."""
        return sorted(self.staff, key=lambda w: w.index)

    def draw_productivity(self) -> None:
        """Phase 4: a' = ρ_a·a + σ_a·ε, one draw per firm from the `firms` stream."""
        p = self.model.params
        shock = self.model.streams["firms"].standard_normal()
        self.log_productivity = (p.firm_shock_persistence * self.log_productivity
                                 + p.firm_shock_sd * shock)

    def adopt_technology(self, mean_assets: float, access_norm: float) -> None:
        """Phase 4: relative assets k, AI access and asset services per job."""
        p = self.model.params
        k = max(self.assets / mean_assets, p.fringe_assets)     # below the fringe: as it
        if p.concentration:
            self.ai_access = p.eta0 + p.eta1 * power(k, p.psi) / access_norm
        else:
            self.ai_access = p.eta0 + p.eta1
        self.asset_productivity = power(k, 1.0 - p.size_elasticity)

    def produce_with_teams(self) -> None:
        """Phase 4: each task's team combines its workers' output with the firm's assets.

        Q_jz = A_j·(n·φ_z·(1 + m_K)·C(L/(n·φ_z), x_j)), also at commodity AI access.
        """
        m, p = self.model, self.model.params
        n_tasks = len(m.tasks)
        labour, labour_c, jobs = [0.0] * n_tasks, [0.0] * n_tasks, [0] * n_tasks
        for w in self.roster():
            labour[w.task] += w.output
            labour_c[w.task] += w.outside_output
            jobs[w.task] += 1
        self.team_output, self.team_output_c = [0.0] * n_tasks, [0.0] * n_tasks
        for z, t in enumerate(m.tasks):
            if jobs[z] == 0:
                continue
            scale = jobs[z] * t.skill_intensity
            for out, total in ((self.team_output, labour[z]), (self.team_output_c, labour_c[z])):
                out[z] = self.productivity * (scale * (1.0 + p.asset_markup)
                                              * firm_ces(total / scale, self.asset_productivity, p))

    def share_rents(self) -> None:
        """Phase 5: pay the AI vendors and the workers out of the teams' output.

        Workers' outside options are w^c = ω_z·y^c − f with the vendors' fee
        f = μ·(ω_z·(y^c − y^0)); workers get ξ of the rent above them, owners the rest.
        Under limited liability owners never pay in (the workers take a negative rent);
        without it the workers get their outside options and the owners lose the rest.
        """
        p = self.model.params
        tasks = self.model.tasks
        gross = ai_rents = 0.0
        for z, t in enumerate(tasks):
            gross += t.price * self.team_output[z]
            ai_rents += t.price * (self.team_output[z] - self.team_output_c[z])
        wc = fees = 0.0
        staff = self.roster()
        for w in staff:
            omega = tasks[w.task].labour_price
            fee = p.ai_markup * (omega * w.commodity_gain)
            wc += omega * w.outside_output - fee
            fees += fee
        va = gross - fees
        taxes = p.ai_rent_tax * ai_rents
        if va - taxes < 0.0:           # not even the taxes are covered: vendors go short
            fees = max(fees + (va - taxes), 0.0)
            va = taxes
        rents = va - wc
        net = rents - taxes
        if net >= 0.0:
            self.rent_factor = 1.0 + p.xi * (net / wc if wc > 0 else 0.0)
            self.owner_income = (1.0 - p.xi) * net
        elif p.limited_liability:
            self.rent_factor = max((va - taxes) / wc, 0.0) if wc > 0 else 1.0
            self.owner_income = 0.0
        else:
            self.rent_factor = 1.0
            self.owner_income = 0.0
        self.owner_loss = 0.0 if p.limited_liability else max(-net, 0.0)
        paid = 0.0
        for w in staff:
            omega = tasks[w.task].labour_price
            fee = p.ai_markup * (omega * w.commodity_gain)
            w.wage = (omega * w.outside_output - fee) * self.rent_factor
            paid += w.wage
        self.value_added, self.competitive_wage_bill = va, wc
        self.rents, self.ai_rents, self.taxes = rents, ai_rents, taxes
        self.vendor_fees = fees
        self.wage_bill = paid
        self.prev_va_per_worker = self.va_per_worker
        self.va_per_worker = va / self.employment if self.employment > 0 else 0.0

    def reinvest(self) -> None:
        """Phase 6: the stock S' = (1 − δ)·S + s_K·owner income gives K = K̂·(S/S*)^β.

        Frozen up to the end of period a = −asset_burn_in, where the anchor (K̂, S*) is
        built: S* = s_K·Ī/δ with Ī the mean owners' income over period a and the second
        half of the burn-in's years before it.
        """
        m, p = self.model, self.model.params
        if not p.concentration:
            return
        at = -p.asset_burn_in
        first = at - (p.burn_in + at) // 2
        if m.period <= at:
            if m.period >= first:
                self.asset_reference = self.asset_reference + self.owner_income
            if m.period == at:
                mean_income = self.asset_reference / float(at + 1 - first)
                self.asset_base = self.assets
                self.asset_reference = p.reinvest_rate * mean_income / p.depreciation
                self.asset_stock = self.asset_reference
            return
        self.asset_stock = ((1.0 - p.depreciation) * self.asset_stock
                            + p.reinvest_rate * self.owner_income)
        if self.asset_reference > 0:
            ratio = max(self.asset_stock / self.asset_reference, MIN_RATIO)
            self.assets = self.asset_base * power(ratio, p.asset_returns)
        else:
            self.assets = self.asset_base


class Employer(mesa.Agent):
    """The hiring side of a firm: job targets, layoffs, vacancies, hires."""

    def __init__(self, model: ReferenceModel, firm: Firm) -> None:
        super().__init__(model)
        self.firm = firm
        self.target: list[int] = []
        self.vacancies: list[int] = []
        self.hires = 0
        self.separations = 0

    def lay_off(self) -> None:
        """Phase 3: on every task with more workers than jobs, the highest keys go."""
        by_task: dict[int, list[Worker]] = {}
        for w in self.firm.roster():
            by_task.setdefault(w.task, []).append(w)
        for z, workers in by_task.items():
            workers.sort(key=lambda w: (w.layoff_key, w.index))
            for w in workers[self.target[z]:]:
                w.leave_job()
                self.separations += 1

    def post_vacancies(self) -> None:
        """Phase 3: open positions = job target − workers still employed, per task."""
        held = [0] * len(self.target)
        for w in self.firm.staff:
            held[w.task] += 1
        self.vacancies = [max(self.target[z] - held[z], 0) for z in range(len(held))]

    def hire(self, worker: Worker) -> None:
        """Phase 3: take on a matched applicant."""
        worker.employer = self.firm
        self.firm.staff.add(worker)
        self.hires += 1
