"""Accounting closes under every lever: the model's invariants each period, and the
lever's own budget (tax revenue rebated, subsidies raised by the levy)."""

from __future__ import annotations

import numpy as np
import pytest

from abm.invariants import check_invariants
from abm.model import LaborMarketModel
from abm.params import Params
from analysis.policies.levers import LEVERS

# proprietary and commodity AI both present, so the AI-rent tax has a base
TINY = Params(n_workers=400, n_firms=20, n_tasks=10, burn_in=3, n_periods=4)


def _run(p: Params, seed: int = 2) -> list[dict]:
    model = LaborMarketModel(p, seed=seed, agents=False)
    rows = []
    check_invariants(model)
    for _ in range(p.n_periods):
        model.step()
        check_invariants(model)           # income sources, output, transfers, benefits
        w = model.economy.workers
        rows.append({**model.metrics, "transfers": float(w.transfer.sum()),
                     "income": float(w.income.sum()), "min_income": float(w.income.min())})
    return rows


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_accounting_closes_under_each_lever(name):
    p = LEVERS[name].apply(TINY)
    for row in _run(p):
        out = row["output_total"]
        tol = 1e-9 * out
        # income = output less the education subsidies the levy pays for (MODEL.md §3.6)
        assert abs(row["income"] - (out - row["edu_subsidy_total"])) <= tol
        # Σ transfers = rebated taxes + public equity − subsidies (benefits = payroll tax)
        public = p.public_equity * (row["owner_income_total"] + row["vendor_income"])
        assert abs(row["transfers"] - (row["taxes_total"] + public
                                       - row["edu_subsidy_total"])) <= tol
        assert row["min_income"] >= 0.0


def test_ai_rent_tax_revenue_is_rebated_equally():
    """Without insurance, public equity or subsidies, each person's transfer is exactly
    the tax revenue over N, and the revenue is positive under proprietary AI."""
    p = LEVERS["ai_rent_tax"].apply(TINY.replace(unemployment_benefit=0.0))
    model = LaborMarketModel(p, seed=4, agents=False)
    for _ in range(3):
        model.step()
    revenue = model.metrics["taxes_total"]
    assert revenue > 0
    np.testing.assert_allclose(model.economy.workers.transfer, revenue / p.n_workers,
                               rtol=1e-12)


def test_education_subsidy_is_paid_and_raised_by_the_levy():
    base, policy = _run(TINY), _run(LEVERS["edu_subsidy"].apply(TINY))
    assert all(r["edu_subsidy_total"] == 0.0 for r in base)
    assert all(r["edu_subsidy_total"] > 0.0 for r in policy)


def test_subsidies_beyond_half_of_income_are_rationed_and_incomes_stay_non_negative():
    """Schooling of five mean wages per level², 99.9% subsidised, on ten levels: the
    claims exceed half of all income M, so the levy stops at 1/2 and raises M/2, which
    (no public equity, no AI-rent tax, benefits = payroll tax) is half of output."""
    from abm.steps.benefits import LEVY_MAX

    p = TINY.replace(edu_subsidy=0.999, edu_cost=5.0, n_edu_levels=10, ai_rent_tax=0.0)
    for row in _run(p):
        out = row["output_total"]
        assert row["edu_subsidy_total"] == pytest.approx(LEVY_MAX * out, rel=1e-9)
        assert row["min_income"] >= 0.0
        assert 0.0 <= row["gini_income"] <= 1.0
