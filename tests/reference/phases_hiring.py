"""Phase 3 of the period, hiring with screening, as a mixin of `ReferenceModel`.

docs/MODEL.md §3.3: separations, job targets and layoffs (§3.3.1: `set_job_targets`),
work samples, the employers' beliefs and credential requirements (§3.3.2:
`update_beliefs`, `post_requirements`, `relax_requirements`), and matching (§3.3.3:
`match`), then the employment rates by credential that workers expect (§3.4:
`update_employment_rates`). `hiring_phase` runs them in the model's order, calling the
workers' and employers' own rules (workers.py, firms.py) and the plain functions of
screening.py and matching.py. The phase is the longest of the period, so it has a module
of its own; the methods use the model's state (`params`, `workers`, `firms`,
`employers`, `tasks`) and are only meant to be mixed into `ReferenceModel`.
"""

from __future__ import annotations

import math

import numpy as np

from .firms import Employer
from .matching import logit_pairs
from .numerics import power
from .screening import RIDGE, expected_gain, hiring_standard
from .workers import Worker


class HiringPhase:
    """`ReferenceModel`'s hiring phase (phase 3) and the market-wide rules it calls."""

    def hiring_phase(self) -> None:
        """Phase 3: separations, layoffs, work samples, beliefs, requirements, matching."""
        p = self.params
        for e in self.employers:
            e.hires = e.separations = 0
        workers = self.agents_by_type[Worker]
        workers.do("remember_job")
        workers.do("consider_quitting")
        self.set_job_targets()
        workers.do("draw_layoff_key")
        self.agents_by_type[Employer].do("lay_off")
        self._update_neutral_scales()
        workers.do("produce_work_sample")
        self.update_beliefs()
        for w in self.workers:
            a, b_s, b_e = self.tasks[w.task].belief
            w.score = a + b_s * w.signal + b_e * w.education
        self.agents_by_type[Employer].do("post_vacancies")
        if p.screening:
            self.post_requirements()
            self.relax_requirements()
        else:
            for t in self.tasks:
                t.requirement, t.requirement_effective = 0.0, 0
        workers.do("draw_tiebreak")
        workers.do("draw_contact")
        workers.do("draw_choice")
        self.match()
        self.update_employment_rates()

    def set_job_targets(self) -> None:
        """Jobs per task (job_rate × workers on it) split over firms ∝ k^ν, systematically.

        Task z's quotas are cumulated in firm order and firm j gets
        ⌊C_j + u_z⌋ − ⌊C_{j−1} + u_z⌋ jobs, u_z = (z + ½)/Z; then one job each for the
        firms entitled to one that the rounding missed.
        """
        p = self.params
        mean_assets = np.mean([f.assets for f in self.firms])
        size = [power(f.assets / mean_assets, p.size_elasticity) for f in self.firms]
        total = np.sum(size)
        shares = [s / total for s in size]
        on_task = [0] * len(self.tasks)
        for w in self.workers:
            on_task[w.task] += 1
        for e in self.employers:
            e.target = [0] * len(self.tasks)
        n_tasks = len(self.tasks)
        if p.industry_concentration > 0:
            self._set_industry_targets(size, on_task)
            return
        for z in range(n_tasks):
            jobs = float(int(np.floor(p.job_rate * on_task[z])))
            offset = (z + 0.5) / n_tasks
            cum, prev = 0.0, 0
            for j, e in enumerate(self.employers):
                cum += shares[j] * jobs
                if j == len(self.employers) - 1:
                    cum = jobs
                cur = math.floor(cum + offset)
                e.target[z] = cur - prev
                prev = cur
        # a firm entitled to a job (share of all jobs ≥ 1) that the rounding left with
        # none takes one, in the task with the most jobs, from the firm holding two or
        # more that the rounding favoured most there (largest target − quota > 0)
        jobs = [int(np.floor(p.job_rate * on_task[z])) for z in range(n_tasks)]
        all_jobs = float(sum(jobs))
        for j, e in enumerate(self.employers):
            if sum(e.target) > 0 or shares[j] * all_jobs < 1.0:
                continue
            z = jobs.index(max(jobs))
            giver, most = None, 0.0
            for i, other in enumerate(self.employers):
                if sum(other.target) >= 2 and other.target[z] >= 1:
                    excess = other.target[z] - shares[i] * float(jobs[z])
                    if excess > most:
                        giver, most = other, excess
            if giver is not None:
                giver.target[z] -= 1
                e.target[z] += 1

    def _set_industry_targets(self, size: list[float], on_task: list[int]) -> None:
        """The same with industries: task z's jobs split ∝ k^ν·a_{g_j z}, one job each.

        Firm j is in industry j mod G; task k of a type's n tasks is in band ⌊k·G/n⌋;
        a_gz = (1 − c) + c·G·[band(z) = g]. A firm whose quotas add up to a job and that
        got none takes one in its task of largest quota from the firm holding two or more
        (one there) that the rounding favoured most there.
        """
        p = self.params
        n_tasks, g = len(self.tasks), p.n_industries
        n_c = sum(1 for t in self.tasks if t.codifiable)
        band = [k * g // n_c for k in range(n_c)] + [k * g // (n_tasks - n_c)
                                                     for k in range(n_tasks - n_c)]
        c = p.industry_concentration
        cell = [[size[j] * ((1.0 - c) + c * g * float(j % g == band[z]))
                 for z in range(n_tasks)] for j in range(len(self.employers))]
        col = [0.0] * n_tasks
        for row in cell:
            for z in range(n_tasks):
                col[z] += row[z]
        shares = [[row[z] / col[z] for z in range(n_tasks)] for row in cell]
        jobs = [int(np.floor(p.job_rate * on_task[z])) for z in range(n_tasks)]
        for z in range(n_tasks):
            offset = (z + 0.5) / n_tasks
            cum, prev = 0.0, 0
            for j, e in enumerate(self.employers):
                cum += shares[j][z] * float(jobs[z])
                if j == len(self.employers) - 1:
                    cum = float(jobs[z])
                cur = math.floor(cum + offset)
                e.target[z] = cur - prev
                prev = cur
        for j, e in enumerate(self.employers):
            quota = [shares[j][z] * float(jobs[z]) for z in range(n_tasks)]
            if sum(e.target) > 0 or sum(quota) < 1.0:
                continue
            z = quota.index(max(quota))
            giver, most = None, 0.0
            for i, other in enumerate(self.employers):
                if sum(other.target) >= 2 and other.target[z] >= 1:
                    excess = other.target[z] - shares[i][z] * float(jobs[z])
                    if excess > most:
                        giver, most = other, excess
            if giver is not None:
                giver.target[z] -= 1
                e.target[z] += 1

    def update_beliefs(self) -> None:
        """Per task: V_D = corr(s, θ)² over all workers; the incumbents' OLS y ≈ a + b_s·s + b_e·e."""
        p = self.params
        n_tasks = len(self.tasks)
        count = [0] * n_tasks
        sum_s, sum_a = [0.0] * n_tasks, [0.0] * n_tasks
        for w in self.workers:
            count[w.task] += 1
            sum_s[w.task] += w.signal
            sum_a[w.task] += w.ability
        cov, var_s, var_a = [0.0] * n_tasks, [0.0] * n_tasks, [0.0] * n_tasks
        for w in self.workers:
            ds = w.signal - sum_s[w.task] / count[w.task]
            da = w.ability - sum_a[w.task] / count[w.task]
            cov[w.task] += ds * da
            var_s[w.task] += ds * ds
            var_a[w.task] += da * da
        for t in self.tasks:
            z = t.index
            ok = var_s[z] > 0 and var_a[z] > 0
            t.diagnostic_variance = cov[z] * cov[z] / (var_s[z] * var_a[z]) if ok else 0.0

        # incumbents: the normal equations of y on (1, s, e), summed worker by worker
        xtx = [[[0.0] * 3 for _ in range(3)] for _ in range(n_tasks)]
        xty = [[0.0] * 3 for _ in range(n_tasks)]
        for w in self.workers:
            if w.employer is None:
                continue
            x = (1.0, w.signal, float(w.education))
            m, v = xtx[w.task], xty[w.task]
            m[0][0] += 1.0
            m[0][1] += x[1]
            m[0][2] += x[2]
            m[1][1] += x[1] * x[1]
            m[1][2] += x[1] * x[2]
            m[2][2] += x[2] * x[2]
            v[0] += w.outside_output
            v[1] += x[1] * w.outside_output
            v[2] += x[2] * w.outside_output
        for t in self.tasks:
            m = xtx[t.index]
            n = m[0][0]
            if n > 0:
                mean_s = m[0][1] / n
                t.signal_sd = float(np.sqrt(np.maximum(m[1][1] / n - mean_s * mean_s, 0)))
            else:
                t.signal_sd = 0.0
            if not p.screening:
                t.belief = (0.0, 1.0, 0.0)
                continue
            a = np.array([[m[0][0], m[0][1], m[0][2]],
                          [m[0][1], m[1][1], m[1][2]],
                          [m[0][2], m[1][2], m[2][2]]])
            ridge = RIDGE * max(n, 1.0)
            for d in range(3):
                a[d, d] += ridge
            if a[0, 0] < 3:                        # too few incumbents: rank by signal
                t.belief = (0.0, 1.0, 0.0)
            else:
                t.belief = tuple(float(c) for c in np.linalg.solve(a, np.array(xty[t.index])))

    def post_requirements(self) -> None:
        """Each task's posted requirement: the lowest credential level worth evaluating.

        Applicants of level e have predictions ŷ ~ N(m_e, σ_e²) (their scores' mean and
        sd); an evaluation costs k = κ·φ_z. Going down the levels, the next one joins the
        evaluated pool iff E[(ŷ − y*)⁺] ≥ k at the current pool's hiring standard y*
        (always while the pool cannot fill the vacancies). The requirement is where the
        net gain crosses zero between the first level that does not pay and the last
        that did (0 if every level pays).
        """
        p = self.params
        levels = p.n_edu_levels
        count = [[0] * levels for _ in self.tasks]
        total = [[0.0] * levels for _ in self.tasks]
        square = [[0.0] * levels for _ in self.tasks]
        for w in self.workers:
            if w.employer is None:
                count[w.task][w.education] += 1
                total[w.task][w.education] += w.score
                square[w.task][w.education] += w.score * w.score
        for t in self.tasks:
            z = t.index
            mean, sd = [0.0] * levels, [0.0] * levels
            for e in range(levels):
                if count[z][e] > 0:
                    mean[e] = total[z][e] / count[z][e]
                    v = square[z][e] / count[z][e] - mean[e] * mean[e]
                    sd[e] = math.sqrt(v) if v > 0.0 else 0.0
            vacancies = float(sum(e.vacancies[z] for e in self.employers))
            cost = p.evaluation_cost * t.skill_intensity
            t.requirement = 0.0
            evaluated: list[int] = []               # levels evaluated, highest first
            for level in range(levels - 1, -1, -1):
                if count[z][level] == 0:
                    continue
                if not evaluated:
                    evaluated.append(level)
                    continue
                y = hiring_standard(count[z], mean, sd, evaluated, vacancies)
                if y == -math.inf:
                    evaluated.append(level)
                    continue
                d_next = expected_gain(y, mean[level], sd[level]) - cost
                if d_next >= 0.0:
                    evaluated.append(level)
                    continue
                last = evaluated[-1]
                d_last = expected_gain(y, mean[last], sd[last]) - cost
                c = float(last)
                if d_last > 0.0:
                    c = level + (last - level) * (-d_next) / (d_last - d_next)
                t.requirement = min(max(c, 0.0), float(levels - 1))
                break

    def relax_requirements(self) -> None:
        """Requirement applied: ceil(posted), lowered until the task's vacancies can fill."""
        levels = self.params.n_edu_levels
        applicants = [[0] * levels for _ in self.tasks]
        for w in self.workers:
            if w.employer is None:
                applicants[w.task][w.education] += 1
        for t in self.tasks:
            vacancies = sum(e.vacancies[t.index] for e in self.employers)
            highest_fillable = 0
            for level in range(levels):
                if sum(applicants[t.index][level:]) >= vacancies:
                    highest_fillable = level
            t.requirement_effective = min(math.ceil(t.requirement - 1e-9), highest_fillable)

    def match(self) -> None:
        """Serial dictatorship with logit choice of firm, task by task.

        Employers reach the eligible unemployed in order of predicted productivity, the
        randomly contacted first; each reached applicant picks an open vacancy with
        probability ∝ its firm's attraction x_j = (R_j / max R)^β_L (R_j = 1 + ξπ_j).
        """
        p = self.params
        top = max(f.rent_factor for f in self.firms)
        attraction = [power(f.rent_factor / top if top > 0 else 1.0, p.supply_elasticity)
                      for f in self.firms]
        applicants = [(w.index, w.task, w.score, w.tiebreak, w.contact_draw < p.contact_rate,
                       w.choice_draw) for w in self.workers
                      if w.employer is None
                      and w.education >= self.tasks[w.task].requirement_effective]
        vacancies = [(z, attraction[e.firm.index], e.firm.index, e.vacancies[z])
                     for e in self.employers for z in range(len(self.tasks))]
        for i, j in logit_pairs(applicants, vacancies).items():
            self.employers[j].hire(self.workers[i])

    def update_employment_rates(self) -> None:
        """Employment rates of workers meeting / not meeting their task's requirement."""
        n = [[0, 0] for _ in self.tasks]
        k = [[0, 0] for _ in self.tasks]
        for w in self.workers:
            meets = int(w.education >= self.tasks[w.task].requirement_effective)
            n[w.task][meets] += 1
            k[w.task][meets] += w.employer is not None
        for t in self.tasks:
            z = t.index
            t.emp_rate_eligible = k[z][1] / n[z][1] if n[z][1] > 0 else 1.0
            t.emp_rate_ineligible = k[z][0] / n[z][0] if n[z][0] > 0 else 0.0
