"""Unemployment insurance: the benefit floor, its financing, spells and b = 0.

Expected values are hand-computed from the rule in docs/MODEL.md §3.6 (benefit b·w^c,
w^c = ω_z·y^c − μ·ω_z·g, payroll tax τ = B/W capped at b), not read from the code.
Tolerance rtol = 1e-12: the hand computation groups a handful of float operations
differently from the kernels (and numpy's pairwise sums differ from their sequential
ones), which costs a few ulps (~1e-15), far below any error in the rule.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params
from abm.invariants import check_invariants
from abm.model import LaborMarketModel
from abm.params import ParameterError
from abm.steps.benefits import financing

TINY = dict(n_workers=200, n_firms=4, n_tasks=2, burn_in=2)


def run(periods: int, seed: int = 3, **kw) -> LaborMarketModel:
    model = LaborMarketModel(Params(**{**TINY, **kw}), seed=seed, agents=False)
    for _ in range(periods):
        model.step()
    return model


def outside_option(model: LaborMarketModel) -> np.ndarray:
    """w^c of every worker, by hand: the additive form at the fringe's AI access."""
    p, eco = model.params, model.economy
    w, t = eco.workers, eco.tasks
    z = w.task
    ai = t.ai_weight[z] * eco.ai_capability * t.augmentable[z]     # α_z·A_t on S(A_t)
    h_phi = w.human_capital * t.skill_intensity[z]
    y_c = h_phi + ai * eco.fringe_access
    gain = ai * p.eta0                                              # additive: g = α·A·η0
    omega = t.labour_price[z]
    return omega * y_c - p.ai_markup * omega * gain


# ---------------------------------------------------------------------------------------
# the budget rule
# ---------------------------------------------------------------------------------------
def test_financing_balances_the_budget_and_rations_above_the_wage_bill() -> None:
    # B = 2 ≤ b·W = 0.5·10: all paid, τ = 2/10
    assert financing(2.0, 10.0, 0.5) == (1.0, 0.2)
    # B = b·W exactly: still all paid, τ = b
    assert financing(5.0, 10.0, 0.5) == (1.0, 0.5)
    # B = 8 > b·W = 5: τ stops at b, each claim paid 5/8; paid total 5 = τ·W
    paid, tax = financing(8.0, 10.0, 0.5)
    assert (paid, tax) == (0.625, 0.5) and paid * 8.0 == tax * 10.0
    # no claims: no tax; no wages: nothing paid
    assert financing(0.0, 10.0, 0.5) == (1.0, 0.0)
    assert financing(3.0, 0.0, 0.5)[0] == 0.0


# ---------------------------------------------------------------------------------------
# the floor, on a tiny economy
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("periods", [0, 3])
def test_unemployed_income_is_the_replacement_rate_times_the_outside_option(periods: int
                                                                            ) -> None:
    """Period 0 (no AI: w^c = ω·hφ) and period 3 (AI on some tasks, vendors' fee)."""
    model = run(periods, unemployment_benefit=0.4)
    eco = model.economy
    w = eco.workers
    assert eco.ai_capability == 0.0 if periods == 0 else eco.ai_capability > 0
    out = w.employer < 0
    assert 0 < out.sum() < w.n
    # public_equity = ai_rent_tax = 0: the equal rebate is 0, so a person's transfer is
    # her benefit less her payroll tax
    expected = 0.4 * outside_option(model)
    np.testing.assert_allclose(w.income[out] - w.capital_income[out], expected[out],
                               rtol=1e-12)
    assert (expected[out] > 0).all()
    # the employed pay τ = B/W of their wage, B the benefits and W the wage bill
    tax = expected[out].sum() / w.wage[~out].sum()
    assert eco.payroll_tax_rate == pytest.approx(tax, rel=1e-12)
    np.testing.assert_allclose(w.transfer[~out], -tax * w.wage[~out], rtol=1e-12)
    check_invariants(model)


def test_rationed_benefits_keep_the_budget_balanced() -> None:
    """With 70% unemployed the claims exceed b·W: τ = b and each claim is scaled down."""
    model = run(2, job_rate=0.3, unemployment_benefit=0.8)
    w, eco = model.economy.workers, model.economy
    out = w.employer < 0
    claims = 0.8 * outside_option(model)
    wage_bill = w.wage[~out].sum()
    assert claims[out].sum() > 0.8 * wage_bill         # the condition of the cap
    assert eco.payroll_tax_rate == 0.8
    share = 0.8 * wage_bill / claims[out].sum()
    np.testing.assert_allclose(w.transfer[out], share * claims[out], rtol=1e-12)
    assert eco.benefits_total == pytest.approx(0.8 * wage_bill, rel=1e-12)
    check_invariants(model)


def test_below_the_cap_benefits_are_paid_in_full() -> None:
    """The other side of the cap: at 5% unemployment every claim is paid whole."""
    model = run(2, unemployment_benefit=0.8)
    w, eco = model.economy.workers, model.economy
    out = w.employer < 0
    assert eco.payroll_tax_rate < 0.8
    np.testing.assert_allclose(w.transfer[out], 0.8 * outside_option(model)[out],
                               rtol=1e-12)


@pytest.mark.parametrize("extra", [{}, dict(public_equity=0.3, ai_rent_tax=0.2),
                                   dict(job_rate=0.3, unemployment_benefit=0.9),
                                   dict(augmentation="ces", rho=-1.0)])
def test_accounting_closes_with_benefits_on(extra: dict) -> None:
    """Output = wages + owners + taxes + vendors and Σ transfers = rebated taxes and
    public equity, to 1e-9 of output (abm.invariants.REL_TOL: float rounding), every
    period; the Lerman-Yitzhaki terms still sum to the income Gini."""
    model = LaborMarketModel(Params(**{**TINY, **extra}), seed=4, agents=False)
    for _ in range(4):
        model.step()
        check_invariants(model)
        assert model.metrics["unemployment_benefits_total"] > 0
        m = model.metrics
        assert m["ly_wage"] + m["ly_capital"] + m["ly_transfer"] == pytest.approx(
            m["gini_income"], abs=1e-12)


# ---------------------------------------------------------------------------------------
# b = 0 is the model without insurance; b > 0 changes incomes only
# ---------------------------------------------------------------------------------------
def test_benefits_change_transfers_and_incomes_and_nothing_else() -> None:
    off, on = run(4, unemployment_benefit=0.0), run(4, unemployment_benefit=0.6)
    incomes = {"transfer", "income"}
    for group in ("workers", "firms", "tasks"):
        a, b = vars(getattr(off.economy, group)), vars(getattr(on.economy, group))
        for name in a:
            if name in incomes:
                assert not np.array_equal(a[name], b[name]), name
            else:
                np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    # without insurance every transfer is the equal rebate (0 here): no payroll tax
    assert (off.economy.workers.transfer == 0.0).all()
    assert off.metrics["payroll_tax_rate"] == 0.0
    assert off.metrics["unemployment_benefits_total"] == 0.0
    assert off.metrics["ly_transfer"] == 0.0
    # insurance lifts the unemployed off zero income: the income Gini falls
    assert on.metrics["gini_income"] < off.metrics["gini_income"]
    same = set(off.metrics) - {"gini_income", "dgini", "ly_wage", "ly_capital",
                               "ly_transfer", "regime", "unemployment_benefits_total",
                               "payroll_tax_rate", "mean_income", "income_share_bottom50",
                               "income_share_top10", "atkinson_1", "atkinson_2",
                               "ede_income_1", "ede_income_2"}
    for name in same:
        assert off.metrics[name] == on.metrics[name] or (
            np.isnan(off.metrics[name]) and np.isnan(on.metrics[name])), name


# ---------------------------------------------------------------------------------------
# spells
# ---------------------------------------------------------------------------------------
def test_spell_counter_counts_consecutive_years_without_a_job() -> None:
    model = LaborMarketModel(Params(**TINY), seed=5, agents=False)
    w = model.economy.workers
    streak = w.unemployment_duration.astype(int)      # as counted through the burn-in
    previous = w.employer < 0
    for _ in range(6):
        model.step()
        now = w.employer < 0
        streak = np.where(now, streak + 1, 0)
        np.testing.assert_array_equal(w.unemployment_duration, streak)
        # long-term: unemployed at this period's end and the previous one
        assert model.metrics["long_term_unemployment_share"] == (now & previous).mean()
        previous = now
    assert w.unemployment_duration.dtype == np.int16
    assert (streak >= 2).any() and (streak == 1).any()   # both sides of the threshold


# ---------------------------------------------------------------------------------------
# bad values
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [1.0, -0.1, float("nan"), "0.5", True])
def test_bad_replacement_rates_are_refused_in_one_line(value: object) -> None:
    with pytest.raises(ParameterError) as err:
        Params(unemployment_benefit=value)
    message = str(err.value)
    assert "unemployment_benefit" in message and "\n" not in message


@pytest.mark.parametrize("value", [0.0, 0.5, 0.99])
def test_replacement_rates_in_range_are_accepted(value: float) -> None:
    assert Params(unemployment_benefit=value).unemployment_benefit == value
