"""Phase 5: rent sharing. Wages, owners' income, AI vendors' income, taxes and incomes.

A worker's outside option is what the competitive fringe would pay her: the value of
her output at the fringe's AI access, ω_z·y^c_i (ω_z from `production.labour_price`),
less the AI vendors' share of what the AI they sell adds, f_i = μ·ω_z·g_i with
g_i = f(hφ, α_z·A_t·η0) − f(hφ, 0):

    w^c_i = ω_z·y^c_i − f_i.

Commodity AI is a purchased input: the firm pays the fee to the vendors, whose profits
go to the owners of compute. Value added is VA_j = Σ_z p_z·Q_jz − Σ_i f_i; the rest of
it is rent, Π_j = VA_j − Σ w^c_i: the return to the firm's complementary assets above the
fringe's and to its proprietary AI (valued at the firm's assets,
AI_j = Σ_z p_z·(Q_jz − Q^c_jz)). A tax τ on the proprietary-AI part is levied first;
workers get the share ξ of the remaining rent N_j in proportion to their outside option,
w_i = w^c_i·(1 + ξ·π_j) with π_j = N_j / Σ w^c_i; owners get (1 − ξ)·N_j. When N_j < 0
`limited_liability` decides who bears the loss. Under it (the default) owners never pay
in: the workers take the shortfall, paid below their outside option, and owners get 0.
Without it no worker is paid below her outside option (she would take the fringe's
offer): w_i = w^c_i, owners get 0 and finance the loss −N_j from wealth outside the
period's incomes (`owner_losses_total`). The wage elasticity to value added per worker
is ξ(1+π)/(1+ξπ) ≈ ξ for small ξ.

Accounting: output Σ_z p_z·Y_z + owners' losses (`owner_losses`) = Σ w_i + Σ owners'
income + Σ taxes + vendor income, exactly up to float rounding. Persons' income = wage +
capital income (equity stakes in firms and in the AI vendors) + transfer (taxes and
public equity paid out equally, plus unemployment benefits less the payroll tax that
pays for them: `benefits`).
"""

from __future__ import annotations

from typing import NamedTuple, TYPE_CHECKING

import numpy as np

from abm.fused import production as loops
from abm.steps import benefits

if TYPE_CHECKING:
    from abm.engine import Engine


class FirmSplit(NamedTuple):
    """Per-firm result of `split_rents`."""

    value_added: np.ndarray
    competitive_wage_bill: np.ndarray
    rents: np.ndarray
    ai_rents: np.ndarray
    taxes: np.ndarray
    owner_income: np.ndarray
    rent_factor: np.ndarray
    vendor_fees: np.ndarray


def split_rents(firm: np.ndarray, task: np.ndarray, outside_output: np.ndarray,
                commodity_gain: np.ndarray, labour_price: np.ndarray, price: np.ndarray,
                team: np.ndarray, team_c: np.ndarray, n_firms: int, xi: float,
                ai_rent_tax: float, ai_markup: float, limited_liability: bool = True
                ) -> tuple[np.ndarray, FirmSplit]:
    """Wages of employed workers and the firm-level split of value added, in numpy.

    The readable definition of the phase (`run` does the same with fused loops, and a
    test checks that both agree bit for bit).

    Args:
        firm, task: employer and task of each employed worker.
        outside_output, commodity_gain: y^c_i and g_i of each employed worker.
        labour_price: ω_z per task; price: p_z per task.
        team, team_c: Q_jz and Q^c_jz, flat by cell j·Z + z.
        n_firms: J.
        xi: worker share of rents ξ; ai_rent_tax: τ; ai_markup: vendors' share μ.
        limited_liability: False pays outside options where N < 0 (owners lose −N).
    """
    n_tasks = price.size
    omega = labour_price[task]
    fee = ai_markup * (omega * commodity_gain)
    outside_wage = omega * outside_output - fee
    # sums over a firm's teams in task order (cumsum adds left to right, as the loop does)
    gross = np.cumsum(price[None, :] * team.reshape(n_firms, n_tasks), axis=1)[:, -1]
    ai_rents = np.cumsum(price[None, :] * (team - team_c).reshape(n_firms, n_tasks),
                         axis=1)[:, -1]
    fees = np.bincount(firm, weights=fee, minlength=n_firms)
    wc = np.bincount(firm, weights=outside_wage, minlength=n_firms)
    va = gross - fees
    taxes = ai_rent_tax * ai_rents
    short = np.minimum(va - taxes, 0.0)          # value added that does not cover taxes
    fees = np.maximum(fees + short, 0.0)         # the vendors go unpaid by that much
    va = np.where(short < 0, taxes, va)
    rents = va - wc
    net = rents - taxes
    share = np.divide(net, wc, out=np.zeros(n_firms), where=wc > 0)
    # with N < 0 the factor 1 + N/Σw^c is computed as (VA − taxes)/Σw^c, without
    # cancelling 1 against −Σw^c/Σw^c when value added is small next to outside options
    short_factor = np.divide(va - taxes, wc, out=np.ones(n_firms), where=wc > 0)
    shortfall = np.maximum(short_factor, 0.0) if limited_liability else 1.0
    factor = np.where(net >= 0, 1.0 + xi * share, shortfall)
    owner = np.where(net >= 0, (1.0 - xi) * net, 0.0)
    wages = outside_wage * factor[firm]
    return wages, FirmSplit(va, wc, rents, ai_rents, taxes, owner, factor, fees)


def owner_losses(rents: np.ndarray, taxes: np.ndarray, limited_liability: bool) -> float:
    """What owners pay in from outside this period: Σ −N_j over firms with net rents
    N_j = Π_j − taxes < 0, where workers get their outside options (0 under limited
    liability, where the workers take the shortfall instead)."""
    if limited_liability:
        return 0.0
    return float(np.add.reduce(np.maximum(taxes - rents, 0.0)))


def distribute_owner_income(owner_income: np.ndarray, stake_firm: np.ndarray,
                            stake_person: np.ndarray, stake_fraction: np.ndarray,
                            n_persons: int, public_equity: float) -> tuple[np.ndarray, float]:
    """Capital income per person from equity stakes, and the public-equity pool.

    A share `public_equity` of every firm's owner income goes to a pool paid equally to
    all persons (broad ownership); the rest follows the private stakes.
    """
    private = (1.0 - public_equity) * owner_income
    capital = np.bincount(stake_person, weights=private[stake_firm] * stake_fraction,
                          minlength=n_persons)
    return capital, float(public_equity * np.add.reduce(owner_income))


def run(model: Engine) -> None:
    """Pay wages, vendors, owners, the state and the unemployed; set every person's income."""
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    # `fused.production.firm_values`, `rent_factor` and `wages`, in one call
    # and value added per worker, the vendors' income and the employed's wage sum
    (va, wc, ai_rents, fees, rents, taxes, factor, owner, wage_bill, va_per_worker,
     vendor_income, n_employed, wages_employed) = loops.settle_firms(
        w.task, w.employer, t.price, t.labour_price, w.outside_output, w.commodity_gain,
        eco.team_output, eco.team_output_c, float(p.ai_markup), float(p.xi),
        float(p.ai_rent_tax), bool(p.limited_liability), w.wage, f.n, t.n, f.employment)
    f.value_added = va
    f.competitive_wage_bill = wc
    f.rents = rents
    f.ai_rents = ai_rents
    f.taxes = taxes
    f.owner_income = owner
    f.rent_factor = factor
    f.wage_bill = wage_bill
    f.vendor_fees = fees
    f.prev_va_per_worker = f.va_per_worker
    f.va_per_worker = va_per_worker
    eco.vendor_income = vendor_income
    if eco.period < 0:
        # burn-in: persons' incomes (capital income, benefits, transfers) are measured from
        # period 0 on and no rule reads them (they move income, not choices), so only the
        # unemployment spells, which carry over, are counted; period 0 sets every income
        benefits.count_spells(model)
    else:
        _incomes(model)
    # the mean over the employed, their wages summed as numpy sums them in worker order
    # (the benefits and transfers above leave wages as they are)
    eco.mean_wage = wages_employed / n_employed if n_employed else eco.mean_wage


def _incomes(model: Engine) -> None:
    """Capital income, transfers (benefits, levy, rebates) and income of every person."""
    p, eco = model.params, model.economy
    w, f, own = eco.workers, eco.firms, eco.ownership
    capital, public_pool = distribute_owner_income(
        f.owner_income, own.firm, own.person, own.fraction, w.n, p.public_equity)
    vendor_pool = vendor_dividends(capital, eco.compute_owners, eco.vendor_income,
                                   p.public_equity)
    w.capital_income = capital
    transfer, income = np.empty(w.n), np.empty(w.n)
    pool = (public_pool + vendor_pool + np.add.reduce(f.taxes)) / w.n
    benefits.settle(model, pool, transfer, income)
    benefits.finance_schooling(model, pool, transfer, income)
    w.transfer, w.income = transfer, income


def vendor_dividends(capital: np.ndarray, owners: np.ndarray, vendor_income: float,
                     public_equity: float) -> float:
    """Add the AI vendors' profits to their owners' capital income; return the public part.

    A share `public_equity` goes to the public pool (paid equally to all persons), as for
    firms; the rest is split equally among the owners of compute.
    """
    if vendor_income == 0.0 or owners.size == 0:
        return public_equity * vendor_income
    capital[owners] += (1.0 - public_equity) * vendor_income / owners.size
    return public_equity * vendor_income
