"""Measurement (phase 7): the model-level statistics, as a mixin of `ReferenceModel`.

docs/MODEL.md §4: every statistic of `abm.collect.COLUMNS`, computed the plain way, by
loops over agents and the textbook formulas of textbook_statistics.py (`measure`), with
the AI gains at equal access by quintile of pre-AI output (`_ai_gains`) and the
rent-sharing elasticity of stayers' wages (`_rent_sharing_elasticity`). It reads the
agents' state and changes none of it, except the workers' neutral scales it refreshes;
only meant to be mixed into `ReferenceModel`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from abm.params import SCHOOLING_BASE

from .textbook_statistics import (_akm_shares, _between_share, _cv_by_task, _gini,
                                  _income_distribution, _lerman_yitzhaki, _mean,
                                  _mean_finite, _mincer)
from .workers import Worker


class Measurement:
    """`ReferenceModel`'s measurement (phase 7), computed the plain way."""

    def measure(self) -> dict[str, Any]:
        """The model-level statistics of `abm.collect.COLUMNS`, by loops over agents."""
        p = self.params
        employed = [w for w in self.workers if w.employer is not None]
        exposed = [t.index for t in self.tasks if t.codifiable]
        unexposed = [t.index for t in self.tasks if not t.codifiable]
        self._update_neutral_scales()
        same_ai = {w.index: w.output_at(p.eta0 + p.eta1) for w in employed}
        cv_same = _cv_by_task([(w.task, same_ai[w.index]) for w in employed], len(self.tasks))
        cv_real = _cv_by_task([(w.task, w.output) for w in employed], len(self.tasks))
        log_w = [math.log(max(w.wage, 1e-300)) for w in employed]
        codifiable = [self.tasks[w.task].codifiable for w in employed]
        wages_total = sum(w.wage for w in employed)
        owner_total = sum(f.owner_income for f in self.firms)
        out = max(self.output_total, 1e-300)
        no_capital = abs(owner_total) <= 1e-9 * out    # rounding residue: no capital income
        if no_capital:
            owner_total = 0.0
        g_income = _gini([w.income for w in self.workers])
        base = self.metrics_at_zero.get("gini_income", g_income) if self.period > 0 else g_income
        dgini = g_income - base
        value = [t.price * t.output for t in self.tasks]

        def years(w: Worker) -> float:
            return float(SCHOOLING_BASE + p.years_per_level * w.education)

        def premium(keep: list[bool]) -> float:
            rows = [(w.task, years(w), lw)
                    for w, lw, k in zip(employed, log_w, keep, strict=True) if k]
            return _mincer(rows)

        # wage gain per year, task fixed effects, in the employed's mean wage of period 0
        n_employed = len(employed)
        if self.period > 0 and self.metrics_at_zero:
            zero = self.metrics_at_zero
            base_wage = zero["wages_total"] / max(round(zero["employment_rate"]
                                                        * len(self.workers)), 1)
        else:
            base_wage = wages_total / max(n_employed, 1)

        def wage_gain(keep: list[bool]) -> float:
            rows = [(w.task, years(w), w.wage)
                    for w, k in zip(employed, keep, strict=True) if k]
            return _mincer(rows) / base_wage

        ly = _lerman_yitzhaki(self.workers)
        gains = self._ai_gains(employed)
        return {
            "ai_capability": self.ai_capability,
            "gini_income": g_income,
            "gini_wage": _gini([w.wage for w in employed]),
            "gini_capital_income": (0.0 if no_capital
                                    else _gini([w.capital_income for w in self.workers])),
            "gini_assets": _gini([f.assets for f in self.firms]),
            "dgini": dgini,
            "regime": ("pre-AI" if self.period <= 0 else "no AI" if self.ai_capability == 0
                       else "concentrating" if dgini > 0 else "equalizing" if dgini < 0
                       else "neutral"),
            "labor_share": wages_total / out,
            "asset_income_share": owner_total / out,
            "vendor_income_share": self.vendor_income / out,
            "rent_sharing_elasticity": self._rent_sharing_elasticity(),
            "va_per_worker_sd": self._va_per_worker_sd(),
            "owner_losses_total": sum(f.owner_loss for f in self.firms),
            "below_outside_option_share": (sum(f.employment for f in self.firms
                                               if f.rent_factor < 1.0)
                                           / max(len(employed), 1)),
            "largest_firm_asset_share": (max(f.assets for f in self.firms)
                                         / sum(f.assets for f in self.firms)),
            "empty_firm_share": sum(1 for f in self.firms if not f.staff) / len(self.firms),
            "ai_rent_share": sum(f.ai_rents for f in self.firms) / out,
            "within_task_cv_exposed": _mean_finite([cv_same[z] for z in exposed]),
            "within_task_cv_unexposed": _mean_finite([cv_same[z] for z in unexposed]),
            "within_task_cv_exposed_realised": _mean_finite([cv_real[z] for z in exposed]),
            "ai_gain_same_access": gains[0],
            "ai_gain_bottom_quintile": gains[1],
            "ai_gain_top_quintile": gains[2],
            "education_premium": premium([True] * len(employed)),
            "education_premium_codifiable": premium(codifiable),
            "education_premium_social": premium([not c for c in codifiable]),
            "return_codifiable_education": wage_gain(codifiable),
            "return_social_education": wage_gain([not c for c in codifiable]),
            "codifiable_employment_share": (sum(codifiable) / n_employed if n_employed
                                            else math.nan),
            "credential_requirement_exposed": _mean([self.tasks[z].requirement for z in exposed]),
            "credential_requirement_unexposed": _mean([self.tasks[z].requirement
                                                       for z in unexposed]),
            "diagnostic_variance": _mean([self.tasks[z].diagnostic_variance for z in exposed]),
            "diagnostic_variance_unexposed": _mean([self.tasks[z].diagnostic_variance
                                                    for z in unexposed]),
            "between_firm_wage_share": _between_share(
                [(w.employer.index, lw) for w, lw in zip(employed, log_w, strict=True)]),
            "between_task_wage_share": _between_share(
                [(w.task, lw) for w, lw in zip(employed, log_w, strict=True)]),
            **_akm_shares([(math.log(max(w.employer.rent_factor, 1e-300)), lw)
                           for w, lw in zip(employed, log_w, strict=True)]),
            "employment_rate": len(employed) / len(self.workers),
            "long_term_unemployment_share": (sum(1 for w in self.workers
                                                 if w.unemployment_duration >= 2)
                                             / len(self.workers)),
            "mean_education": _mean([float(w.education) for w in self.workers]),
            "price_exposed": (_mean([self.tasks[z].price for z in exposed])
                              / _mean([self.tasks[z].price for z in unexposed])),
            "revenue_share_exposed": sum(value[z] for z in exposed) / max(sum(value), 1e-300),
            "ly_wage": ly["wage"],
            "ly_capital": ly["capital"],
            "ly_transfer": ly["transfer"],
            "output_total": self.output_total,
            "wages_total": wages_total,
            "owner_income_total": owner_total,
            "vendor_income": self.vendor_income,
            "taxes_total": sum(f.taxes for f in self.firms),
            "unemployment_benefits_total": self.benefits_total,
            "payroll_tax_rate": self.payroll_tax_rate,
            "edu_subsidy_total": self.edu_subsidy_total,
            **_income_distribution([w.income for w in self.workers]),
        }

    def _ai_gains(self, employed: list[Worker]) -> tuple[float, float, float]:
        """Mean log gain log y(AI at η0+η1) − log y(no AI): all, bottom and top quintile.

        Per task: the treated (employed, task codifiable and augmentable) sorted by pre-AI
        output, then index; the bottom quintile is the first ⌈n/5⌉, the top the last ⌈n/5⌉.
        Each statistic is the mean over tasks of the task's mean gain.
        """
        p = self.params
        groups: dict[int, list[tuple[float, int, float]]] = {}
        for w in employed:
            t = self.tasks[w.task]
            if not (t.codifiable and t.augmentable):
                continue
            before = w.output_at(0.0)
            gain = math.log(w.output_at(p.eta0 + p.eta1)) - math.log(before)
            groups.setdefault(w.task, []).append((before, w.index, gain))
        if not groups:
            return math.nan, math.nan, math.nan
        means: list[list[float]] = [[], [], []]
        for z in sorted(groups):
            rows = sorted(groups[z])
            k = math.ceil(len(rows) / 5)
            for out, part in zip(means, (rows, rows[:k], rows[-k:]), strict=True):
                out.append(sum(g for _, _, g in part) / len(part))
        return _mean(means[0]), _mean(means[1]), _mean(means[2])

    def _va_per_worker_sd(self) -> float:
        """Employment-weighted sd of log value added per worker across firms."""
        rows = [(float(f.employment), math.log(f.va_per_worker)) for f in self.firms
                if f.employment > 0 and f.va_per_worker > 0]
        total = sum(weight for weight, _ in rows)
        if not rows or total <= 0:
            return math.nan
        mean = sum(weight * x for weight, x in rows) / total
        return math.sqrt(sum(weight * (x - mean) ** 2 for weight, x in rows) / total)

    def _rent_sharing_elasticity(self) -> float:
        """OLS slope of stayers' Δlog wage on their firm's Δlog(VA/L), with a constant."""
        rows = []
        for w in self.workers:
            f = w.employer
            if (f is None or f.index != w.prev_employer or w.prev_wage <= 0 or w.wage <= 0
                    or f.va_per_worker <= 0 or f.prev_va_per_worker <= 0):
                continue
            rows.append((math.log(f.va_per_worker) - math.log(f.prev_va_per_worker),
                         math.log(w.wage) - math.log(w.prev_wage)))
        if len(rows) < 10:
            return float("nan")
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows])
        slope, _ = np.polyfit(x, y, 1)
        return float(slope)
