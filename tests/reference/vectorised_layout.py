"""The reference's state in and out of the vectorised model's array layout.

`from_model` builds a reference in exactly the state of a vectorised `LaborMarketModel`
(every state variable and the generator states of the named streams), and `export`
returns the reference's state as arrays named like the fields of `abm.state`: together
they let test_crosscheck.py run one phase in both models from one state and compare
every array bit for bit. This is the bridge to `abm`'s layout, not a rule of the model
(docs/MODEL.md describes none of it), so it lives apart from the agents and phases.
Only meant to be mixed into `ReferenceModel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .firms import Employer, Firm
from .tasks import Task
from .workers import Worker

if TYPE_CHECKING:
    from .model import ReferenceModel


class VectorisedLayout:
    """`ReferenceModel`'s state in the vectorised layout, for comparisons."""

    @classmethod
    def from_model(cls, model: Any) -> ReferenceModel:
        """A reference model in exactly the state of a vectorised `LaborMarketModel`.

        Copies every state variable and the generator states of the named streams, so
        the next phase of both models sees the same state and the same random numbers.
        """
        eco = model.economy
        w, f, t, own = eco.workers, eco.firms, eco.tasks, eco.ownership
        ref = cls(model.params, seed=0, build=False)
        for name, gen in model.streams.items():
            ref.streams[name].bit_generator.state = gen.bit_generator.state
        for z in range(t.n):
            ref.tasks.append(Task(
                index=z, codifiable=bool(t.codifiable[z]),
                skill_intensity=float(t.skill_intensity[z]), ai_weight=float(t.ai_weight[z]),
                skill_return=float(t.skill_return[z]),
                threshold=float(t.threshold[z]), weight=float(t.weight[z]),
                price=float(t.price[z]), output=float(t.output[z]),
                augmentable=bool(t.augmentable[z]), requirement=float(t.requirement[z]),
                requirement_effective=int(t.requirement_effective[z]),
                belief=tuple(float(v) for v in t.belief[z]), signal_sd=float(t.signal_sd[z]),
                diagnostic_variance=float(t.diagnostic_variance[z]),
                emp_rate_eligible=float(t.emp_rate_eligible[z]),
                emp_rate_ineligible=float(t.emp_rate_ineligible[z]),
                labour_price=float(t.labour_price[z])))
        for j in range(f.n):
            firm = Firm(ref, j, float(f.assets[j]))
            for name in ("ai_access", "asset_productivity", "value_added",
                         "competitive_wage_bill", "rents", "ai_rents", "taxes", "wage_bill",
                         "owner_income", "rent_factor", "log_productivity", "asset_stock",
                         "asset_base", "asset_reference", "vendor_fees", "va_per_worker",
                         "prev_va_per_worker"):
                setattr(firm, name, float(getattr(f, name)[j]))
            if eco.team_output.size:
                firm.team_output = [float(v) for v in eco.team_output[j * t.n:(j + 1) * t.n]]
                firm.team_output_c = [float(v)
                                      for v in eco.team_output_c[j * t.n:(j + 1) * t.n]]
            firm.employment = int(f.employment[j])
            ref.firms.append(firm)
            employer = Employer(ref, firm)
            employer.hires, employer.separations = int(f.hires[j]), int(f.separations[j])
            # last period's vacancies by task are not kept by `abm` (only their total);
            # the next hiring phase recomputes them
            employer.vacancies = [int(f.vacancies[j])] + [0] * (t.n - 1)
            ref.employers.append(employer)
        for i in range(w.n):
            worker = Worker(ref, i, float(w.ability[i]), int(w.task[i]))
            worker.education = int(w.education[i])
            for name in ("human_capital", "signal", "score", "output", "outside_output",
                         "commodity_gain", "ai_use", "wage", "capital_income", "transfer",
                         "income", "prev_wage"):
                setattr(worker, name, float(getattr(w, name)[i]))
            worker.prev_employer = int(w.prev_employer[i])
            worker.unemployment_duration = int(w.unemployment_duration[i])
            j = int(w.employer[i])
            if j >= 0:
                worker.employer = ref.firms[j]
                ref.firms[j].staff.add(worker)
            ref.workers.append(worker)
        ref.stakes = [(int(a), int(b), float(c))
                      for a, b, c in zip(own.firm, own.person, own.fraction, strict=True)]
        ref.compute_owners = [int(i) for i in eco.compute_owners]
        ref.fringe_access = eco.fringe_access
        p = model.params
        ref.vendor_access = p.eta0 if p.concentration else p.eta0 + p.eta1
        ref.vendor_income = eco.vendor_income
        ref.benefits_total, ref.payroll_tax_rate = eco.benefits_total, eco.payroll_tax_rate
        ref.edu_subsidy_total = eco.edu_subsidy_total
        ref.period, ref.ai_capability = eco.period, eco.ai_capability
        ref.output_total, ref.mean_wage = eco.output_total, eco.mean_wage
        ref.base_price = [float(v) for v in eco.base_price] if eco.base_price.size else None
        ref.metrics_at_zero = dict(model.metrics_at_zero)
        return ref

    def export(self) -> dict[str, np.ndarray]:
        """Every state variable as an array named like the fields of `abm.state`."""
        out: dict[str, np.ndarray] = {}
        for name in ("ability", "task", "education", "human_capital", "signal", "score", "output",
                     "outside_output", "commodity_gain", "ai_use", "wage", "capital_income",
                     "transfer", "income", "prev_employer", "prev_wage", "unemployment_duration"):
            out[f"workers.{name}"] = np.array([getattr(w, name) for w in self.workers])
        out["workers.employer"] = np.array([-1 if w.employer is None else w.employer.index
                                            for w in self.workers])
        for name in ("assets", "ai_access", "asset_productivity", "employment", "value_added",
                     "competitive_wage_bill", "rents", "ai_rents", "taxes", "wage_bill",
                     "owner_income", "rent_factor", "log_productivity", "asset_stock",
                     "asset_base", "asset_reference", "vendor_fees", "va_per_worker",
                     "prev_va_per_worker"):
            out[f"firms.{name}"] = np.array([getattr(f, name) for f in self.firms])
        for name in ("hires", "separations"):
            out[f"firms.{name}"] = np.array([getattr(e, name) for e in self.employers])
        out["firms.vacancies"] = np.array([sum(e.vacancies) for e in self.employers])
        for name in ("price", "output", "augmentable", "requirement", "requirement_effective",
                     "signal_sd", "diagnostic_variance", "emp_rate_eligible",
                     "emp_rate_ineligible", "labour_price"):
            out[f"tasks.{name}"] = np.array([getattr(t, name) for t in self.tasks])
        out["tasks.belief"] = np.array([t.belief for t in self.tasks])
        return out
