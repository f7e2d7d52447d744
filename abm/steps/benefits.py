"""Unemployment insurance, settled in the rent-sharing phase: benefits, payroll tax, spells.

Every worker without a job this period draws a benefit b·w^c_i, b = `unemployment_benefit`
(the replacement rate). The base w^c_i = ω_z·y^c_i − f_i is her outside option: what the
competitive fringe would pay for her output at her task, with her education and at the
fringe's AI access, less the AI vendors' share (`rent_sharing`). It is defined for every
worker every year, employed or not, so a long spell or a worker never hired has a base,
it follows prices and AI as wages do, and it carries no firm's rent: a worker who lost a
job at a rich firm is insured for what the market pays her, not for her old premium.
A last-wage base would need a wage for workers never hired and would freeze the
prices of the year the spell began.

A proportional payroll tax on wages pays for the benefits and balances the budget every
year: rate τ = B / W, B the benefits and W the wage bill. The tax is levied on the
employees: the rent-sharing wage (what the firm pays) is unchanged, and with labour
supplied inelastically (every worker wants a job at any wage) nothing shifts it onto
employers, so its incidence is on employed workers, in proportion to their wage. When
the claims exceed b·W (the unemployed's bases add up to more than the wage bill:
unemployment above about one half) the rate stops at b and every benefit is scaled down
by the same share, so that net wages stay at least (1 − b)·w; with nobody employed
nothing can be raised and no benefit is paid.

Benefits and the tax are part of each person's transfer, transfer_i = equal rebate +
benefit_i − τ·w_i (see `rent_sharing`), so income is still wage + capital income +
transfer, the transfers still add up to the taxes and public equity rebated, and the
Lerman-Yitzhaki terms still add up to the income Gini. Nothing else in the model reads
benefits: they move income, not choices (education and hiring respond to wages and
employment rates, not to income out of work), so any b leaves every other state
variable as it is at b = 0, and b = 0 is the model without insurance bit for bit.

The spell counter d_i counts the consecutive period ends at which the worker was
unemployed (0 while employed); `long_term_unemployment_share` is the share with d ≥ 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm import fused
from abm.fused import benefits as loops
from abm.fused import production as production_loops
from abm.steps.production import human_input, neutral_scale, vendor_access
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.engine import Engine
    from abm.params import Params


def financing(claims_total: float, wage_bill: float, replacement: float
              ) -> tuple[float, float]:
    """(share of each claim paid, payroll tax rate) of a budget balanced every year.

    τ = B/W with everything paid while B ≤ b·W; above, τ = b and each claim is paid
    in the share b·W/B. No claims: no tax. No wages: nothing is paid.
    """
    if claims_total <= 0.0:
        return 1.0, 0.0
    if claims_total <= replacement * wage_bill:
        return 1.0, claims_total / wage_bill
    return replacement * wage_bill / claims_total, replacement


def count_spells(model: Engine) -> None:
    """Count unemployment spells only (`settle`'s first step): the burn-in's settlement."""
    w = model.economy.workers
    loops.spells(w.employer, w.unemployment_duration)


def settle(model: Engine, pool: float, transfer: np.ndarray,
           income: np.ndarray) -> None:
    """Count spells, pay benefits and the payroll tax; fill transfers and incomes.

    `pool` is the equal per-person rebate (taxes and public equity). At b = 0 transfers
    are exactly the rebate, as without insurance.
    """
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    n_unemployed = loops.spells(w.employer, w.unemployment_duration)
    b = float(p.unemployment_benefit)
    if b == 0.0 or n_unemployed == 0:
        production_loops.incomes(w.wage, w.capital_income, pool, transfer, income)
        eco.benefits_total, eco.payroll_tax_rate = 0.0, 0.0
        return
    scale = neutral_scale(p, eco)
    ai_per_task = (t.ai_weight * eco.ai_capability * t.augmentable).astype(float)
    fringe, commodity = float(eco.fringe_access), float(vendor_access(p))
    code = fused.form_code(p.augmentation, scale is not None)
    outside_u = gain_u = fused.EMPTY
    h = human_input(p, eco)
    if code is None:                  # CES or multiplicative: power stays in numpy
        code = fused.PRECOMPUTED
        outside_u, gain_u = outside_options(p, h, w.task, w.employer,
                                            t.skill_intensity, ai_per_task, fringe, commodity)
    claims_total, wage_bill = loops.claims(
        w.task, w.employer, h, t.skill_intensity, ai_per_task, fringe,
        commodity, fused.EMPTY if scale is None else scale, code, outside_u, gain_u,
        t.labour_price, float(p.ai_markup), b, w.wage, transfer)
    paid, tax = financing(claims_total, wage_bill, b)
    loops.net_transfers(w.wage, w.capital_income, pool, paid, tax, transfer, income)
    eco.benefits_total, eco.payroll_tax_rate = paid * claims_total, tax


LEVY_MAX = 0.5
"""Highest rate of the levy that finances education subsidies: a levy that takes more
than half of every income is a confiscation, not a tax, and near 1 it would leave
incomes that are differences of nearly equal numbers (rounding, not income). Only
economies whose subsidies exceed half of all income (schooling costs of several mean
wages, subsidised at nearly 100%) reach it; their subsidies are then rationed."""


def finance_schooling(model: Engine, pool: float, transfer: np.ndarray,
                      income: np.ndarray) -> None:
    """Raise this year's education subsidies by a proportional levy on income before the
    equal rebate (wage net of the payroll tax + capital income + benefit).

    The education phase left the subsidies claimed in `economy.edu_subsidy_total`; the
    rate is claimed/base, at most `LEVY_MAX` (then every subsidy is paid in the share
    LEVY_MAX·base/claimed, as benefits are rationed), and the total paid replaces the
    claim. A levy on income rather than per head keeps every income non-negative: income
    after it is (1 − rate)·(income before the rebate) + rebate. Without subsidies nothing
    changes.
    """
    eco, w = model.economy, model.economy.workers
    if eco.edu_subsidy_total <= 0.0:
        eco.edu_subsidy_total = 0.0
        return
    base = loops.levy_base(income, pool)
    rate = min(eco.edu_subsidy_total / base, LEVY_MAX) if base > 0.0 else 0.0
    loops.levy(w.wage, w.capital_income, pool, rate, transfer, income)
    eco.edu_subsidy_total = rate * base


def outside_options(p: Params, human_capital: np.ndarray, task: np.ndarray, employer: np.ndarray,
                    skill_intensity: np.ndarray, ai_per_task: np.ndarray, fringe: float,
                    commodity: float) -> tuple[np.ndarray, np.ndarray]:
    """y^c and g of the unemployed, in worker order, by numpy (the CES and
    multiplicative forms), as the production phase computes them for the employed.
    `human_capital` is h^λ(z) on each worker's task (`production.human_input`)."""
    sel = np.flatnonzero(employer < 0)
    z = task[sel]
    h_phi = human_capital[sel] * skill_intensity[z]
    ai_task = ai_per_task[z]
    form = {"form": p.augmentation, "rho": p.rho, "mult_elasticity": p.mult_elasticity,
            "tool_base": p.tool_base}
    outside = task_output(h_phi, ai_task * fringe, **form)
    gain = task_output(h_phi, ai_task * commodity, **form) - task_output(h_phi, ai_task * 0.0,
                                                                         **form)
    return outside, gain
