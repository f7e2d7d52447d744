"""Phase 4 of the period, production and task prices, as a mixin of `ReferenceModel`.

docs/MODEL.md §3.5: AI access of the fringe and the vendors, firms' productivity draws
and technology, workers' outputs, firms' team outputs, the final good's CES task prices
(`set_prices`, in logs where the power form fails: technology.py) and each task's labour
price at the competitive fringe. The per-agent rules are `Firm.draw_productivity`,
`Firm.adopt_technology`, `Firm.produce_with_teams` (firms.py) and `Worker.produce`
(workers.py); what is market-wide is here. Only meant to be mixed into `ReferenceModel`,
whose state (`params`, `workers`, `firms`, `tasks`, `period`, `base_price`) it uses.
"""

from __future__ import annotations

import math

import numpy as np

from .firms import Firm
from .numerics import power
from .technology import _ces_prices_in_logs, firm_ces_labour_slope
from .workers import Worker


class ProductionPhase:
    """`ReferenceModel`'s production phase (phase 4) and its task prices."""

    def production_phase(self) -> None:
        """Phase 4: technology, outputs, asset outputs, task outputs and CES prices."""
        p = self.params
        for f in self.firms:
            f.employment = len(f.staff)
        mean_assets = np.mean([f.assets for f in self.firms])
        kp = [power(max(f.assets / mean_assets, p.fringe_assets), p.psi) for f in self.firms]
        employment = [f.employment for f in self.firms]
        if sum(employment) > 0:
            norm = float(np.sum(np.multiply(employment, kp))) / float(sum(employment))
        else:
            norm = float(np.mean(kp))
        if p.concentration:
            self.fringe_access = p.eta0 + p.eta1 * p.fringe_assets ** p.psi / norm
            self.vendor_access = p.eta0
        else:
            self.fringe_access = self.vendor_access = p.eta0 + p.eta1
        self.agents_by_type[Firm].do("draw_productivity")
        var = p.firm_shock_sd * p.firm_shock_sd / (1.0 - p.firm_shock_persistence
                                                   * p.firm_shock_persistence)
        tfp = np.exp(np.array([f.log_productivity for f in self.firms]) - 0.5 * var)
        for f, a in zip(self.firms, tfp, strict=True):
            f.productivity = float(a)
        for f in self.firms:
            f.adopt_technology(mean_assets, norm)
        self._update_neutral_scales()
        self.agents_by_type[Worker].do("produce")
        self.agents_by_type[Firm].do("produce_with_teams")

        sum_c = [0.0] * len(self.tasks)
        count = [0] * len(self.tasks)
        for w in self.workers:
            if w.employer is not None:
                sum_c[w.task] += w.outside_output
                count[w.task] += 1
        for t in self.tasks:
            t.output = 0.0
        for f in self.firms:
            for z, t in enumerate(self.tasks):
                t.output += f.team_output[z]
        self.set_prices()
        for z, t in enumerate(self.tasks):
            if count[z] > 0:
                u = sum_c[z] / (count[z] * t.skill_intensity)
                x_f = power(p.fringe_assets, 1.0 - p.size_elasticity)
                t.labour_price = t.price * (1.0 + p.asset_markup) * firm_ces_labour_slope(
                    u, x_f, p)
        self.output_total = float(np.sum([t.price * t.output for t in self.tasks]))

    def set_prices(self) -> None:
        """p_z = β_z·(Y/Y_z)^{1/σ} of the CES final good (frozen without price effects).

        Out-of-range powers and |r| < 1e-4 (abm.steps.production.R_GEOMETRIC) are
        computed in logs, as `abm.steps.production.ces_prices` does.
        """
        p = self.params
        y = [t.output for t in self.tasks]
        empty = [v <= 0 for v in y]
        safe = [1.0 if e else v for v, e in zip(y, empty, strict=True)]
        weight = [t.weight for t in self.tasks]
        present = [not e for e in empty]
        if not any(present):                     # nothing produced: every price is kept
            price = [t.price for t in self.tasks]
        elif abs(p.sigma - 1.0) < 1e-9:
            total = float(np.exp(np.sum([b * np.log(s) for b, s in zip(weight, safe, strict=True)],
                                        where=present)))
            price = [b * total / s for b, s in zip(weight, safe, strict=True)]
        else:
            r = (p.sigma - 1.0) / p.sigma
            price = None
            if abs(r) >= 1e-4:
                with np.errstate(over="ignore", under="ignore", divide="ignore",
                                 invalid="ignore"):
                    total_sum = float(np.sum([b * power(s, r)
                                              for b, s in zip(weight, safe, strict=True)],
                                             where=present))
                    try:
                        total = total_sum ** (1.0 / r) if 0.0 < total_sum < math.inf else math.nan
                    except OverflowError:
                        total = math.nan
                    price = [b * power(total / s, 1.0 / p.sigma)
                             for b, s in zip(weight, safe, strict=True)]
                if not (0.0 < total < math.inf and all(0.0 < q < math.inf for q in price)):
                    price = None
            if price is None:
                price = _ces_prices_in_logs(weight, safe, present, p.sigma)
        price = [t.price if e else q for t, q, e in zip(self.tasks, price, empty, strict=True)]
        if p.price_effects or self.period <= 0 or self.base_price is None:
            for t, q in zip(self.tasks, price, strict=True):
                t.price = q
            if self.period <= 0:
                self.base_price = list(price)
        else:
            for t, q in zip(self.tasks, self.base_price, strict=True):
                t.price = q
