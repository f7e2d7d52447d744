"""State invariants that must hold after every period (used by the tests; callable by users).

`check_invariants(model)` raises AssertionError with a description of the first
violation: accounting that does not close (unemployment benefits included: they must
equal the payroll tax raised; education subsidies: the levy must raise them), workers
lost or double-counted, NaN or infinite values, or statistics outside their range (or
defined where they cannot be).
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np

from abm.state import UNEMPLOYED
from abm.steps.rent_sharing import owner_losses

if TYPE_CHECKING:
    from abm.engine import Engine

REL_TOL = 1e-9  # accounting closes to float rounding, relative to output


def check_invariants(model: Engine) -> None:
    """Assert every invariant of the current period's state."""
    eco, p = model.economy, model.params
    w, f, t = eco.workers, eco.firms, eco.tasks
    for group in (w, f, t):
        for fld in fields(group):
            arr = getattr(group, fld.name)
            if np.issubdtype(np.asarray(arr).dtype, np.floating):
                finite = np.isfinite(arr) | (fld.name == "threshold")
                assert finite.all(), f"{type(group).__name__}.{fld.name} has NaN or inf"

    assert w.n == p.n_workers and f.n == p.n_firms and t.n == p.n_tasks, "head count changed"
    emp = w.employer != UNEMPLOYED
    assert ((w.employer >= UNEMPLOYED) & (w.employer < f.n)).all(), "employer index out of range"
    assert int(f.employment.sum()) == int(emp.sum()), "firm employment != employed workers"
    assert (np.bincount(w.employer[emp], minlength=f.n) == f.employment).all(), \
        "a worker is not counted at exactly one employer"
    assert (w.wage[~emp] == 0).all() and (w.output[~emp] == 0).all(), "unemployed paid or producing"
    assert ((w.education >= 0) & (w.education < p.n_edu_levels)).all(), "education out of range"
    assert (f.assets > 0).all(), "non-positive assets"

    out = eco.output_total
    tol = REL_TOL * max(abs(out), 1.0)
    vendor = eco.vendor_income
    assert abs(f.value_added.sum() + vendor - out) <= tol, "Σ value added + vendor income != output"
    assert abs(f.vendor_fees.sum() - vendor) <= tol, "vendor income != fees paid"
    paid = w.wage.sum() + f.owner_income.sum() + f.taxes.sum() + vendor
    losses = owner_losses(f.rents, f.taxes, p.limited_liability)
    assert abs(paid - out - losses) <= tol, \
        f"output {out} + owners' losses != wages + owners + taxes + vendors {paid}"
    private = (1.0 - p.public_equity) * (f.owner_income.sum() + vendor)
    assert abs(w.capital_income.sum() - private) <= tol, "capital income != private owner income"
    pool = (p.public_equity * (f.owner_income.sum() + vendor) + f.taxes.sum()
            - eco.edu_subsidy_total)
    assert abs(w.transfer.sum() - pool) <= tol, \
        "transfers != taxes + public equity − education subsidies"
    assert eco.edu_subsidy_total >= 0.0 and (p.edu_subsidy > 0 or eco.edu_subsidy_total == 0), \
        "education subsidies negative, or paid without a subsidy"
    assert np.allclose(w.income, w.wage + w.capital_income + w.transfer), "income != sum of sources"
    benefits, tax = eco.benefits_total, eco.payroll_tax_rate
    assert abs(benefits - tax * w.wage.sum()) <= tol, \
        f"unemployment benefits {benefits} != payroll tax raised {tax * w.wage.sum()}"
    # B/W ≤ b holds before rounding the division (B ≤ b·W), so to one rounding after it
    assert 0.0 <= tax <= p.unemployment_benefit * (1.0 + 1e-15) and benefits >= 0.0, \
        f"payroll tax rate {tax} outside [0, unemployment_benefit] or negative benefits"
    assert ((w.unemployment_duration > 0) == ~emp).all(), \
        "unemployment spell counter disagrees with employment"
    assert (f.owner_income >= 0).all(), "negative owners' income (losses are financed outside the period's incomes)"
    assert (f.vendor_fees >= 0).all() and (w.wage >= 0).all(), "negative fees or wages"
    if not p.limited_liability:
        assert (f.rent_factor >= 1.0).all(), "a worker paid below her outside option"
    if p.xi == 1:
        assert (f.owner_income == 0).all(), "xi = 1 but owners are paid"
    if p.xi == 0:
        fee = p.ai_markup * (t.labour_price[w.task] * w.commodity_gain)
        outside = t.labour_price[w.task] * w.outside_output - fee
        free = f.rents[w.employer] - f.taxes[w.employer] >= 0
        sel = emp & (free | (not p.limited_liability))
        assert np.allclose(w.wage[sel], outside[sel]), \
            "xi = 0 but wages differ from the outside option"

    for name in ("gini_income", "gini_wage", "gini_capital_income", "gini_assets"):
        g = model.metrics[name]
        assert 0.0 <= g <= 1.0, f"{name}={g} outside [0, 1]"
    ly = model.metrics["ly_wage"] + model.metrics["ly_capital"] + model.metrics["ly_transfer"]
    assert abs(ly - model.metrics["gini_income"]) < 1e-9, "Lerman-Yitzhaki terms do not sum to Gini"

    # AI gains at equal access: undefined without a treated group, never a loss (AI input
    # is ≥ 0 and output rises in it in every form), and the gain is monotone in pre-AI
    # output within a task in every form (falling, constant or rising), so each task's
    # mean lies between its quintiles' means, and so do the averages over tasks
    mean, bottom, top = (model.metrics[c] for c in
                         ("ai_gain_same_access", "ai_gain_bottom_quintile", "ai_gain_top_quintile"))
    treated = t.codifiable & t.augmentable
    if not (emp & treated[w.task]).any():
        assert np.isnan([mean, bottom, top]).all(), "AI gains reported but nobody is treated"
    else:
        assert min(mean, bottom, top) >= -1e-12, f"AI gains {mean, bottom, top} negative or NaN"
        assert min(bottom, top) - 1e-9 <= mean <= max(bottom, top) + 1e-9, \
            "mean AI gain outside its quintiles' gains"
