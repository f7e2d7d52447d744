"""The person as a Mesa agent: `Worker`.

Her rules, one method each: schooling and occupation (docs/MODEL.md §3.4:
`choose_education`), separations and lotteries of the hiring phase (§3.3.1:
`consider_quitting`, `draw_layoff_key`), her screening signal (§3.3.2:
`produce_work_sample`), the draws behind matching (§3.3.3: `draw_tiebreak`,
`draw_contact`, `draw_choice`), her output (§3.5: `produce`) and her income (§3.6:
`count_spell`, `claim_benefit`, `receive_income`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from scipy.special import ndtri

from .technology import task_output

if TYPE_CHECKING:
    from .firms import Firm
    from .model import ReferenceModel


class Worker(mesa.Agent):
    """A person: ability, education, a task, maybe a job, maybe an equity stake."""

    def __init__(self, model: ReferenceModel, index: int, ability: float, task: int) -> None:
        super().__init__(model)
        self.index = index
        self.ability = ability
        self.task = task
        self.education = 0
        self.human_capital = ability
        self.employer: Firm | None = None
        self.signal = self.score = 0.0
        self.output = self.outside_output = self.commodity_gain = self.ai_use = 0.0
        self.wage = self.capital_income = self.transfer = self.income = 0.0
        self.layoff_key = self.tiebreak = 0.0
        self.contact_draw = self.choice_draw = 0.0
        self.prev_employer = -1
        self.prev_wage = 0.0
        self.unemployment_duration = 0
        self.claim = 0.0

    # -- helpers --------------------------------------------------------------------
    def output_at(self, access: float) -> float:
        """What this worker produces now with AI access `access`."""
        m = self.model
        t = m.tasks[self.task]
        ai = t.ai_per_access(m.ai_capability) * access
        return task_output(t.human_input(self.human_capital), ai, m.params,
                           m.neutral_scale(self.task))

    def leave_job(self) -> None:
        """Separate from the current employer."""
        self.employer.staff.discard(self)
        self.employer = None

    def remember_job(self) -> None:
        """Phase 3 begins: last period's employer and wage (stayers are compared with them)."""
        self.prev_employer = -1 if self.employer is None else self.employer.index
        self.prev_wage = self.wage

    # -- phase 2: education ---------------------------------------------------------
    def choose_education(self) -> None:
        """Maybe re-choose (task, e) to maximise P_z(e)·ω_z·y(θe^{γ·years}φ_z) − κc(1−s)·e²·w̄/θ.

        With occupational choice the candidates are her task, then one random codifiable
        and one random social task (in the burn-in with `burn_in_search` = 'every', every
        other task); a move costs `switch_cost` mean wages and ends her job.
        """
        m, p = self.model, self.model.params
        draw = m.streams["education"].random()
        u_c, u_s, u_k = (m.streams["occupations"].random() for _ in range(3))
        candidates = [self.task]
        if p.occupational_choice:
            n_c = sum(1 for t in m.tasks if t.codifiable)
            n_s = len(m.tasks) - n_c
            if p.burn_in_search == "every" and -p.burn_in < m.period <= 0:
                candidates += [z for z in range(len(m.tasks)) if z != self.task]
            elif m.period > -p.burn_in:     # not in the first burn-in period
                candidates += [min(int(u_c * n_c), n_c - 1),
                               n_c + min(int(u_s * n_s), n_s - 1)]
        if not draw < m.retooling_share():
            return
        unit_cost = p.edu_cost * (1.0 - p.edu_subsidy) * m.mean_wage
        unit_subsidy = p.edu_cost * p.edu_subsidy * m.mean_wage    # the state's part
        if p.edu_cost_sd > 0:               # her cost of schooling this time: lognormal
            unit_cost = unit_cost * np.exp(p.edu_cost_sd * ndtri(u_k))
            unit_subsidy = unit_subsidy * np.exp(p.edu_cost_sd * ndtri(u_k))
        switch_cost = p.switch_cost * m.mean_wage
        best_task, best_level, best_net = self.task, 0, None
        for z in candidates:
            t = m.tasks[z]
            ai = t.ai_per_access(m.ai_capability) * m.fringe_access
            cost = 0.0 if z == self.task else switch_cost
            for e in range(p.n_edu_levels):
                h_phi = t.human_input(self.ability
                                      * np.exp(p.edu_return * p.years_per_level * e))
                y = task_output(h_phi, ai, p, m.neutral_scale(z))
                rate = (t.emp_rate_eligible if e >= t.requirement_effective
                        else t.emp_rate_ineligible)
                net = (rate * t.labour_price * y - unit_cost * float(e) ** 2 / self.ability
                       - cost)
                if best_net is None or net > best_net:   # the first best (task, level) wins
                    best_task, best_level, best_net = z, e, net
        self.education = best_level
        self.human_capital = self.ability * np.exp(p.edu_return * p.years_per_level * best_level)
        if p.edu_subsidy > 0:               # the state pays its part of her cost this year
            m.edu_subsidy_total += unit_subsidy * float(best_level) ** 2 / self.ability
        if best_task != self.task:
            self.task = best_task
            if self.employer is not None:
                self.leave_job()

    # -- phase 3: hiring ------------------------------------------------------------
    def consider_quitting(self) -> None:
        """Exogenous separation with probability `separation_rate` (every worker draws)."""
        m = self.model
        draw = m.streams["hiring"].random()
        if self.employer is not None and draw < m.params.separation_rate:
            m.employer_of(self.employer).separations += 1
            self.leave_job()

    def draw_layoff_key(self) -> None:
        """A lottery number deciding who goes first if the worker's job is cut."""
        self.layoff_key = self.model.streams["hiring"].random()

    def produce_work_sample(self) -> None:
        """A work sample made with commodity AI, seen with noise (proportional or constant sd)."""
        m, p = self.model, self.model.params
        noise = m.streams["hiring"].standard_normal()
        with_ai = self.output_at(p.eta0 if p.concentration else p.eta0 + p.eta1)
        if p.skills_assessment > 0:
            without_ai = self.output_at(0.0)
            with_ai = (1.0 - p.skills_assessment) * with_ai + p.skills_assessment * without_ai
        if not p.screening:
            self.signal = with_ai
        elif p.signal_noise_form == "constant":
            self.signal = with_ai + p.signal_noise * m.tasks[self.task].skill_intensity * noise
        else:
            self.signal = with_ai * (1.0 + p.signal_noise * noise)

    def draw_tiebreak(self) -> None:
        """A lottery number ranking applicants whose predicted productivity ties."""
        self.tiebreak = self.model.streams["hiring"].random()

    def draw_contact(self) -> None:
        """A lottery number: employers reach her first if it is below the contact rate."""
        self.contact_draw = self.model.streams["matching"].random()

    def draw_choice(self) -> None:
        """The uniform number behind her logit choice among open vacancies."""
        self.choice_draw = self.model.streams["matching"].random()

    # -- phase 4: production --------------------------------------------------------
    def produce(self) -> None:
        """Output at the employer's AI access, at commodity access, without AI; AI used."""
        m, p = self.model, self.model.params
        if self.employer is None:
            self.output = self.outside_output = self.commodity_gain = self.ai_use = 0.0
            return
        t = m.tasks[self.task]
        h_phi = t.human_input(self.human_capital)
        ai_task = t.ai_per_access(m.ai_capability)
        self.ai_use = ai_task * self.employer.ai_access
        scale = m.neutral_scale(self.task)
        self.output = task_output(h_phi, self.ai_use, p, scale)
        self.outside_output = task_output(h_phi, ai_task * m.fringe_access, p, scale)
        self.commodity_gain = (task_output(h_phi, ai_task * m.vendor_access, p, scale)
                               - task_output(h_phi, ai_task * 0.0, p, scale))

    # -- phase 5: incomes -----------------------------------------------------------
    def count_spell(self) -> None:
        """One more period end in an unemployment spell (int16: saturates), or none."""
        if self.employer is None:
            self.unemployment_duration = min(self.unemployment_duration + 1, 32767)
        else:
            self.unemployment_duration = 0

    def claim_benefit(self) -> None:
        """Out of work: claim b·w^c, w^c = ω_z·y^c − μ·ω_z·g at her task and education."""
        m, p = self.model, self.model.params
        self.claim = 0.0
        if self.employer is not None:
            return
        t = m.tasks[self.task]
        h_phi = t.human_input(self.human_capital)
        ai_task = t.ai_per_access(m.ai_capability)
        scale = m.neutral_scale(self.task)
        outside = task_output(h_phi, ai_task * m.fringe_access, p, scale)
        gain = (task_output(h_phi, ai_task * m.vendor_access, p, scale)
                - task_output(h_phi, ai_task * 0.0, p, scale))
        omega = t.labour_price
        self.claim = p.unemployment_benefit * (omega * outside - p.ai_markup * (omega * gain))

    def receive_income(self, rebate: float, paid_share: float = 1.0,
                       tax_rate: float = 0.0) -> None:
        """Income = wage + capital income + transfer (wage 0 if unemployed); the transfer
        is the equal rebate plus the paid share of her benefit claim less the payroll tax."""
        if self.employer is None:
            self.wage = 0.0
        self.transfer = (rebate + paid_share * self.claim) - tax_rate * self.wage
        self.income = self.wage + self.capital_income + self.transfer
