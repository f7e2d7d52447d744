"""Phase 5 of the period, rent sharing and incomes, as a mixin of `ReferenceModel`.

docs/MODEL.md §3.6: firms split value added (`Firm.share_rents`, firms.py); owners,
compute owners and the state are paid; the equal rebate, unemployment insurance with its
balanced payroll tax (`Worker.claim_benefit`, `Worker.receive_income`, workers.py) and
the levy that finances the education subsidy (`finance_schooling`). Only meant to be
mixed into `ReferenceModel`, whose state (`params`, `workers`, `firms`, `stakes`,
`compute_owners`, the income totals) it uses.
"""

from __future__ import annotations

import numpy as np

from .firms import Firm
from .workers import Worker


class RentSharingPhase:
    """`ReferenceModel`'s rent-sharing phase (phase 5): who is paid what, from where."""

    def rent_sharing_phase(self) -> None:
        """Phase 5: firms split value added; owners, the state and persons are paid."""
        p = self.params
        self.agents_by_type[Firm].do("share_rents")
        for w in self.workers:
            w.capital_income = 0.0
        for j, person, fraction in self.stakes:
            self.workers[person].capital_income += ((1.0 - p.public_equity)
                                                    * self.firms[j].owner_income * fraction)
        public_pool = p.public_equity * np.sum([f.owner_income for f in self.firms])
        self.vendor_income = float(np.sum([f.vendor_fees for f in self.firms]))
        vendor_pool = p.public_equity * self.vendor_income
        if self.vendor_income != 0.0 and self.compute_owners:
            dividend = (1.0 - p.public_equity) * self.vendor_income / len(self.compute_owners)
            for i in self.compute_owners:
                self.workers[i].capital_income += dividend
        taxes = np.sum([f.taxes for f in self.firms])
        rebate = float((public_pool + vendor_pool + taxes) / len(self.workers))
        self.agents_by_type[Worker].do("count_spell")
        self.benefits_total = self.payroll_tax_rate = 0.0
        if p.unemployment_benefit == 0.0 or all(w.employer is not None for w in self.workers):
            for w in self.workers:
                w.claim = 0.0
                w.receive_income(rebate)
        else:
            self.agents_by_type[Worker].do("claim_benefit")
            claims = wage_bill = 0.0
            for w in self.workers:          # one at a time, in index order
                if w.employer is None:
                    claims += w.claim
                else:
                    wage_bill += w.wage
            b = p.unemployment_benefit
            if claims <= 0.0:               # the budget balances every year
                paid, tax = 1.0, 0.0
            elif claims <= b * wage_bill:
                paid, tax = 1.0, claims / wage_bill
            else:                           # rationed: the rate stops at b
                paid, tax = b * wage_bill / claims, b
            for w in self.workers:
                w.receive_income(rebate, paid, tax)
            self.benefits_total, self.payroll_tax_rate = paid * claims, tax
        self.finance_schooling(rebate)
        wages = [w.wage for w in self.workers if w.employer is not None]
        if wages:
            self.mean_wage = float(np.mean(wages))

    def finance_schooling(self, rebate: float) -> None:
        """The education subsidies claimed this year, raised by a proportional levy on
        each person's income before the rebate (rate at most 1/2: then rationed)."""
        if self.edu_subsidy_total <= 0.0:
            self.edu_subsidy_total = 0.0
            return
        base = 0.0
        for w in self.workers:              # one at a time, in index order
            base += w.income - rebate
        rate = min(self.edu_subsidy_total / base, 0.5) if base > 0.0 else 0.0
        for w in self.workers:
            w.transfer = w.transfer - rate * (w.income - rebate)
            w.income = w.wage + w.capital_income + w.transfer
        self.edu_subsidy_total = rate * base
