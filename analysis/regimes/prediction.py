"""Analytic comparative statics: the predicted change in the income Gini from AI.

`predict(params)` solves the mean field (`analysis.regimes.meanfield`) twice, at the
pre-AI state (A = 0) and at the AI state (A = A_T, the capability the simulation has
reached in its final period T = n_periods, with S(A_T) the tasks it has made
augmentable), and reports

    dgini = G_after − G_before = compression + concentration + redistribution,

an exact Lerman-Yitzhaki split of the change. With S_k the share of source k (wages,
capital income, transfers) in mean income and C_k = R_k·G_k its concentration
coefficient (so that G = Σ S_k·C_k), and bars for the mean of the two states:

- compression    = S̄_w·ΔC_w: wages became more or less unequal (within-task
  compression, task-price changes, the dispersion of firms' rent premia);
- concentration  = ΔS_K·(C̄_K − C̄_w) + S̄_K·ΔC_K: income shifted from wages to
  owners of assets, and capital income became more or less concentrated;
- redistribution = ΔS_T·(C̄_T − C̄_w) + S̄_T·ΔC_T: the same for transfers (equal
  rebates of taxed AI rents and public equity; unemployment benefits less the payroll
  tax that pays for them); zero unless those policies are on. Insurance alone adds up
  to nothing (S_T = 0, C_T undefined), so the second part is computed as the change of
  the transfers' contribution less ΔS_T·C̄_T, which is S̄_T·ΔC_T wherever C_T exists;
- vendors        = ΔS_V·(C̄_V − C̄_w) + S̄_V·ΔC_V: income shifted to the owners of
  compute by the AI vendors' fees on commodity AI (zero before AI).

The AI state's assets are at their steady state under AI (`abm.steps.accumulation`:
K = K̂·(S/S*)^β, S → s_K·income/δ, so K/K̂ = (income under AI / pre-AI income)^β,
whatever s_K > 0 and δ), solved jointly with prices and education; with
`reinvest_rate=0` or the concentrating channel off they keep their initial
distribution, as in the simulation.

By default the mean field holds every task at N/Z workers and matches by PAM: fast
(0.03 s a prediction), the form the maps and the variance decomposition use.
`predict(p, **WITH_CHOICE)` is the mean field with what the default simulation adds:
workers choose their tasks (`occupations`) from where the burn-in leaves them
(`burn_in`), and jobs are matched at the random bound the defaults' search friction is
near (`default_matching`); about 1.5 s a prediction (docs/REGIMES.md, 'Occupational
choice'). With occupational choice the AI state starts from the prices that clear AI's
economy with the workers held where the pre-AI state left them: at the pre-AI prices
the first chances can empty tasks, and Newton's method does not come back from there.
With returns to skill by task (`skill_return_spread` ≠ 0) or industries
(`industry_concentration` ≠ 0) every task is its own group: 1-3 s a prediction with
tasks held, a minute or two with occupational choice (docs/REGIMES.md, 'Returns to
skill by task', 'Industries').

The simulated counterpart is the final-period income Gini of a run minus that of its
no-AI counterfactual (same seed); `analysis.regimes.simulated` computes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from abm.params import Params
from abm.steps.ai_path import capability as capability_at
from analysis.regimes.burnin import burn_in_allocation, check_search
from analysis.regimes.meanfield import (Resolution, State, solve_state, steady_state_active,
                                        task_groups)

EQUALIZING, CONCENTRATING = "equalizing", "concentrating"


@dataclass(frozen=True)
class Prediction:
    """Mean-field prediction of AI's effect on the income Gini (see module docstring)."""

    params: Params
    gini_before: float
    gini_after: float
    dgini: float
    compression: float
    concentration: float
    redistribution: float
    vendors: float
    regime: str
    terms: dict[str, float]
    before: State = field(repr=False)
    after: State = field(repr=False)
    matching: str = "assortative"
    occupations: bool = False

    @property
    def cv_before(self) -> float:
        """Within-task CV of output on AI-exposed tasks before AI (same AI access)."""
        return self.before.within_task_cv_exposed

    @property
    def cv_after(self) -> float:
        """Within-task CV of output on AI-exposed tasks in the AI state."""
        return self.after.within_task_cv_exposed

    def as_dict(self) -> dict[str, float | str]:
        """Flat record for tables: Ginis, terms, shares and CVs of both states."""
        out: dict[str, float | str] = {
            "gini_before": self.gini_before, "gini_after": self.gini_after,
            "dgini": self.dgini, "compression": self.compression,
            "concentration": self.concentration, "redistribution": self.redistribution,
            "vendors": self.vendors, "regime": self.regime, "cv_before": self.cv_before, "cv_after": self.cv_after,
            "labor_share_before": self.before.labor_share,
            "labor_share_after": self.after.labor_share,
            "asset_income_share_before": self.before.asset_income_share,
            "asset_income_share_after": self.after.asset_income_share,
            "vendor_income_share_after": self.after.vendor_income_share,
            "gini_assets_after": self.after.gini_assets,
            "converged": float(self.before.converged and self.after.converged),
            "capability": self.after.capability}
        out.update(self.terms)
        return out


def regime_of(dgini: float) -> str:
    """The simulation's convention (`abm.collect`): concentrating iff dgini > 0."""
    return CONCENTRATING if dgini > 0 else EQUALIZING


ASSORTATIVE_ELASTICITY = 100.0


def default_matching(p: Params) -> str:
    """The bound of `matching` the simulation's hiring rule is near (docs/REGIMES.md, 'Hiring').

    Workers choose among vacancies with logit weights (1 + ξπ_j)^β_L, and a share c of
    applicants reaches them in random order. The allocation is assortative only when a
    premium gap decides the choice (β_L ≥ `ASSORTATIVE_ELASTICITY`: a 5% premium gap
    moves the odds 1.05^100 ≈ 130-fold) and the best applicants choose first (c = 0);
    otherwise (defaults β_L = 4, c = 0.5: the same gap moves the odds by 22% and half of
    the applicants come in random order) it is near random: the sorting share of
    log-wage variance is 0.0005 ± 0.0008 at the defaults (docs/MODEL.md §3.3.3).
    """
    if p.contact_rate == 0.0 and p.supply_elasticity >= ASSORTATIVE_ELASTICITY:
        return "assortative_equalised"
    return "random"


#: `predict(p, **WITH_CHOICE)`: the mean field with occupational choice from the
#: burn-in's allocation, at the matching bound `default_matching` picks.
WITH_CHOICE = {"matching": None, "occupations": True, "burn_in": True}


def predict(params: Params | None = None, *, matching: str | None = "assortative",
            occupations: bool = False, burn_in: bool = False,
            resolution: Resolution | None = None,
            firm_assets: np.ndarray | None = None) -> Prediction:
    """Predicted income Gini before and after AI, its change and decomposition.

    Args:
        params: model parameters (default `Params()`); n_workers, n_firms and the
            random seed play no role except through the owners' stake structure.
        matching: "assortative" (the stationary limit of the model's hiring rule) or
            "random" (no sorting of workers over firms), to bound the role of sorting;
            "assortative_equalised" and "assortative_pooled" do not sort workers by
            assets within pooled premia (`analysis.regimes.pools`); None:
            `default_matching(params)`, the bound the search friction is near.
        occupations: workers choose their task group as the simulation's retooling
            workers do (`analysis.regimes.occupations`); False holds every task at N/Z
            workers. Only with `occupational_choice` on (otherwise ignored).
        burn_in: with occupations, start the pre-AI allocation where the burn-in's
            re-choices at last period's prices leave workers
            (`burnin.burn_in_allocation`) instead of at equal numbers on every task.
        resolution: quadrature sizes (`meanfield.Resolution`).
        firm_assets: the initial assets of a realised set of firms (for example those a
            simulation drew) to condition on, instead of the lognormal of `asset_gini`.

    Returns:
        A `Prediction`; `.dgini > 0` is the concentrating regime.
    """
    p = params if params is not None else Params()
    if not isinstance(p, Params):
        raise TypeError(f"params must be a Params, got {type(p).__name__}")
    assets = None if firm_assets is None else tuple(float(a) for a in firm_assets)
    matching = default_matching(p) if matching is None else matching
    occupations = bool(occupations) and p.occupational_choice
    if burn_in and occupations:
        check_search(p)
    return _predict(p, matching, occupations, resolution or Resolution(), assets,
                    bool(burn_in) and occupations)


@lru_cache(maxsize=4096)
def _pre_state(p: Params, matching: str, occupations: bool, res: Resolution, groups: tuple,
               assets: tuple | None, burn_in: bool) -> State:
    """The pre-AI state; with `burn_in`, reached from where the burn-in's re-choices at
    last period's prices leave workers (`burnin.burn_in_allocation`)."""
    origin = (burn_in_allocation(p, list(groups), matching, res, assets) if burn_in
              else None)
    return solve_state(p, 0.0, groups=list(groups), matching=matching, resolution=res,
                       assets=assets, occupations=occupations, origin=origin)


def _pre_params(p: Params) -> Params:
    """The pre-AI state does not depend on AI's technology: share one solve across them."""
    return p.replace(eta0=0.0, eta1=0.0, psi=0.0, ai_rent_tax=0.0, ai_markup=0.0)


@lru_cache(maxsize=4096)
def _predict(p: Params, matching: str, occupations: bool, res: Resolution,
             assets: tuple | None, burn_in: bool) -> Prediction:
    a_t = capability_at(p.n_periods, p.ai_max, p.ai_growth, p.ai_enabled)
    groups = task_groups(p, a_t)
    before = _pre_state(_pre_params(p), matching, occupations, res, tuple(groups), assets,
                        burn_in)
    anchor = before.anchor_income if steady_state_active(p) and a_t > 0 else None
    fixed = None if p.price_effects else before.prices
    origin = before.allocation if a_t > 0 else None
    guess = None
    if occupations and a_t > 0:     # start from AI's prices with the workers held
        guess = solve_state(p, a_t, groups=groups, matching=matching, resolution=res,
                            fixed_prices=fixed, anchor=anchor, assets=assets,
                            origin=origin, guess=before, incomes=False)
    after = solve_state(p, a_t, groups=groups, matching=matching, resolution=res,
                        fixed_prices=fixed, anchor=anchor, assets=assets,
                        occupations=occupations, origin=origin, guess=guess)
    terms = decompose(before, after)
    dgini = after.gini - before.gini
    return Prediction(
        params=p, gini_before=before.gini, gini_after=after.gini, dgini=dgini,
        compression=terms["wage_compression"],
        concentration=terms["shift_to_assets"] + terms["asset_concentration"],
        redistribution=terms["shift_to_transfers"] + terms["transfer_concentration"],
        vendors=terms["shift_to_compute"] + terms["compute_concentration"],
        regime=regime_of(dgini), terms=terms, before=before, after=after,
        matching=matching, occupations=occupations)


def decompose(before: State, after: State) -> dict[str, float]:
    """Exact split of G_after − G_before into share shifts and concentration changes."""
    def coef(s: State, k: str) -> float:
        return s.contributions[k] / s.shares[k] if s.shares[k] > 1e-15 else 0.0

    s0, s1 = before.shares, after.shares
    c0 = {k: coef(before, k) for k in s0}
    c1 = {k: coef(after, k) for k in s1}
    sbar = {k: 0.5 * (s0[k] + s1[k]) for k in s0}
    cbar = {k: 0.5 * (c0[k] + c1[k]) for k in s0}
    return {
        "wage_compression": sbar["wage"] * (c1["wage"] - c0["wage"]),
        "shift_to_assets": (s1["capital"] - s0["capital"]) * (cbar["capital"] - cbar["wage"]),
        "asset_concentration": sbar["capital"] * (c1["capital"] - c0["capital"]),
        "shift_to_transfers": ((s1["transfer"] - s0["transfer"])
                               * (cbar["transfer"] - cbar["wage"])),
        "transfer_concentration": ((after.contributions["transfer"]
                                    - before.contributions["transfer"])
                                   - (s1["transfer"] - s0["transfer"]) * cbar["transfer"]),
        "shift_to_compute": ((s1["compute"] - s0["compute"])
                             * (cbar["compute"] - cbar["wage"])),
        "compute_concentration": sbar["compute"] * (c1["compute"] - c0["compute"]),
    }
