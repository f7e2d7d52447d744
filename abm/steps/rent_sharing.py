"""Phase 5: rent sharing. Wages, owners' income, taxes and persons' incomes.

A worker's outside option is what she produces at commodity AI access on an asset-less
firm, valued at the task price: w^c_i = p_z·y^c_i. Competition for workers passes
commodity AI's output to them, because any firm can buy it. The rest of the firm's
value added is rent: Π_j = VA_j − Σ w^c_i, the return to its complementary assets
(their output a_j·ȳ^c_z per job) and to its proprietary AI access (p_z·(y_i − y^c_i)). A tax τ on the proprietary-AI part is
levied first; workers get the share ξ of the remaining rent in proportion to their
outside option, w_i = w^c_i·(1 + ξ·π_j) with π_j = Π'_j / Σ w^c_i; owners get (1 − ξ)·Π'_j.
The wage elasticity to value added per worker is then ξ(1+π)/(1+ξπ) ≈ ξ for small ξ.

Accounting: Σ_j VA_j = Σ w_i + Σ owner income + Σ taxes, exactly (up to float rounding).
Persons' income = wage + capital income (equity stakes) + transfer (taxes and public
equity paid out equally per person).
"""

from __future__ import annotations

from typing import NamedTuple, TYPE_CHECKING

import numpy as np

from abm.fused import production as loops

if TYPE_CHECKING:
    from abm.model import LaborMarketModel


class FirmSplit(NamedTuple):
    """Per-firm result of `split_rents`."""

    value_added: np.ndarray
    competitive_wage_bill: np.ndarray
    rents: np.ndarray
    ai_rents: np.ndarray
    taxes: np.ndarray
    owner_income: np.ndarray
    rent_factor: np.ndarray


def split_rents(firm: np.ndarray, value: np.ndarray, outside_wage: np.ndarray,
                ai_value: np.ndarray, n_firms: int, xi: float, ai_rent_tax: float
                ) -> tuple[np.ndarray, FirmSplit]:
    """Wages of employed workers and the firm-level split of value added.

    Args:
        firm: employer index of each employed worker.
        value: p_z·(y_i + a_j·ȳ^c_z), the job's contribution to value added.
        outside_wage: p_z·y^c_i, the outside option.
        ai_value: p_z·(y_i − y^c_i), value due to proprietary AI access.
        n_firms: J.
        xi: worker share of rents ξ.
        ai_rent_tax: tax rate τ on proprietary-AI rents.
    """
    va = np.bincount(firm, weights=value, minlength=n_firms)
    wc = np.bincount(firm, weights=outside_wage, minlength=n_firms)
    ai_rents = np.bincount(firm, weights=ai_value, minlength=n_firms)
    rents, taxes, factor = _rent_factor(va, wc, ai_rents, xi, ai_rent_tax)
    wages = outside_wage * factor[firm]
    owner = va - taxes - np.bincount(firm, weights=wages, minlength=n_firms)
    return wages, FirmSplit(va, wc, rents, ai_rents, taxes, owner, factor)


def _rent_factor(va: np.ndarray, wc: np.ndarray, ai_rents: np.ndarray, xi: float,
                 ai_rent_tax: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per firm: rents Π, taxes on proprietary-AI rents and the wage factor 1 + ξ·π."""
    return loops.rent_factor(np.asarray(va, dtype=float), np.asarray(wc, dtype=float),
                             np.asarray(ai_rents, dtype=float), float(xi), float(ai_rent_tax))


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


def run(model: LaborMarketModel) -> None:
    """Pay wages, owners and the state; set every person's income."""
    p, eco = model.params, model.economy
    w, f, t, own = eco.workers, eco.firms, eco.tasks, eco.ownership
    # `split_rents` over the employed: sums per firm added in worker order (as `bincount`)
    va, wc, ai_rents = loops.firm_values(w.task, w.employer, t.price, w.output,
                                         w.asset_output, w.outside_output, f.n)
    rents, taxes, factor = _rent_factor(va, wc, ai_rents, p.xi, p.ai_rent_tax)
    wage_bill = loops.wages(w.task, w.employer, t.price, w.outside_output, factor, w.wage, f.n)
    f.value_added = va
    f.competitive_wage_bill = wc
    f.rents = rents
    f.ai_rents = ai_rents
    f.taxes = taxes
    f.owner_income = va - taxes - wage_bill
    f.rent_factor = factor
    f.wage_bill = wage_bill

    capital, public_pool = distribute_owner_income(
        f.owner_income, own.firm, own.person, own.fraction, w.n, p.public_equity)
    w.capital_income = capital
    transfer, income = np.empty(w.n), np.empty(w.n)
    loops.incomes(w.wage, capital, (public_pool + np.add.reduce(taxes)) / w.n, transfer, income)
    w.transfer, w.income = transfer, income
    # the mean over the employed, summed as numpy sums their wages in worker order
    wage_e = loops.employed_values(w.employer, w.wage)
    eco.mean_wage = float(np.add.reduce(wage_e)) / wage_e.size if wage_e.size else eco.mean_wage
