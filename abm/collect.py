"""Phase 7: measurement. What the data collector records each period.

`measure(model)` computes every model-level statistic once per period from the arrays
and stores them in `model.metrics`; the table of statistics (`abm.table`, or the Mesa
model's data collector built on it, `abm.collector`) then records them. `COLUMNS`
documents every column of the DataFrame returned by `simulate`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from abm import fused
from abm import metrics as m
from abm.estimates import ai_gains, rent_sharing_elasticity
from abm.fused import measure as loops
from abm.fused.production import employed_values
from abm.params import ParameterError
from abm.state import blocks
from abm.steps.production import human_input, neutral_scale
from abm.steps.rent_sharing import owner_losses
from abm.steps.technology import task_output

if TYPE_CHECKING:
    from abm.engine import Engine

COLUMNS: dict[str, str] = {
    "ai_capability": "A_t, AI capability (0 in the pre-AI period 0)",
    "gini_income": "Gini of persons' income (wage + capital income + transfer), all persons",
    "gini_wage": "Gini of wages among employed workers",
    "gini_capital_income": "Gini of persons' capital income (equity stakes), all persons",
    "gini_assets": "Gini(K) of firms' complementary assets",
    "dgini": "gini_income minus its period-0 value",
    "regime": "'pre-AI' in period 0; then 'no AI' while A_t = 0, else 'concentrating' "
              "(dgini > 0), 'equalizing' (dgini < 0) or 'neutral' (dgini = 0)",
    "labor_share": "wages_total / output_total (above 1 only where owners bear losses, "
                   "`limited_liability` False)",
    "asset_income_share": "owner_income_total / output_total (firm owners: returns to "
                          "complementary assets and proprietary AI, after rent sharing)",
    "vendor_income_share": "AI vendors' income (the markup on commodity AI) / output_total",
    "rent_sharing_elasticity": "OLS slope of stayers' Δlog wage on their firm's Δlog value "
                               "added per worker, year demeaned (the estimate of Card, "
                               "Cardoso, Heining & Kline 2018); NaN with < 10 stayers or no "
                               "firm-level variation",
    "va_per_worker_sd": "sd of log value added per worker across the firms with workers "
                        "and positive value added, weighted by employment (what firm "
                        "premia from rent sharing scale with; docs/MODEL.md §3.3.3)",
    "below_outside_option_share": "share of the employed paid below their outside option: "
                                  "at firms whose value added (after taxes) does not cover "
                                  "the competitive wage bill, whose workers take the "
                                  "shortfall (rent factor < 1)",
    "owner_losses_total": "losses that owners finance from wealth outside the period's "
                          "incomes so that firms in shortfall pay outside options (0 "
                          "under limited liability); output + this = incomes",
    "largest_firm_asset_share": "the largest firm's share of all firms' assets",
    "empty_firm_share": "share of firms that employ nobody",
    "ai_rent_share": "proprietary-AI rents / output_total",
    "within_task_cv_exposed": "within-task CV at equal AI access (counterfactual): mean over "
                              "AI-exposed (codifiable) tasks of the CV of employed workers' "
                              "output with every worker at the same AI access (η0+η1): "
                              "individual performance with the same AI (Proposition 1)",
    "within_task_cv_unexposed": "the same on unexposed (social) tasks",
    "within_task_cv_exposed_realised": "realised within-task CV: mean over exposed tasks of "
                                       "the CV of realised output y across all firms "
                                       "(includes differences in employers' AI access)",
    "ai_gain_same_access": "mean log output gain from AI, log y(h, η0+η1) − log y(h, no AI), "
                           "of employed workers on augmentable exposed tasks, every worker at "
                           "the same AI access: what a within-firm experiment measures "
                           "(Brynjolfsson, Li & Raymond 2025); mean over tasks of the task "
                           "mean; NaN when no employed worker is on an augmentable task",
    "ai_gain_bottom_quintile": "ai_gain_same_access among the bottom quintile (the ⌈n/5⌉ "
                               "lowest) of pre-AI output y(h, no AI) within each task",
    "ai_gain_top_quintile": "ai_gain_same_access among the top quintile (the ⌈n/5⌉ highest) "
                            "of pre-AI output within each task",
    "education_premium": "Mincer return per year of schooling: OLS slope of log wage on "
                         "years of schooling (10 + years_per_level·e), task fixed effects, "
                         "employed",
    "education_premium_codifiable": "education_premium among workers on codifiable tasks",
    "education_premium_social": "education_premium among workers on social tasks",
    "return_codifiable_education": "wage gain per year of schooling on codifiable tasks, in "
                                   "pre-AI mean wages: OLS slope of the wage level on years, "
                                   "task fixed effects, divided by the employed's mean wage in "
                                   "period 0; carries the task price (Proposition 3)",
    "return_social_education": "the same on social/organisational tasks",
    "codifiable_employment_share": "share of the employed working on codifiable tasks",
    "credential_requirement_exposed": "mean posted credential requirement, exposed tasks",
    "credential_requirement_unexposed": "mean posted credential requirement, unexposed tasks",
    "diagnostic_variance": "V_D: mean over exposed tasks of corr(signal, ability)^2",
    "diagnostic_variance_unexposed": "V_D on unexposed tasks",
    "between_firm_wage_share": "between-firm share of the variance of log wages",
    "between_task_wage_share": "between-task share of the variance of log wages (tasks are "
                               "the model's occupations; OEWS 2019: 0.43 between the 22 "
                               "major occupation groups, `abm empirics`)",
    "firm_premium_share": "var(ψ)/var(log w) over the employed, ψ_i = log(w_i/w^c_i) = "
                          "log(1 + ξπ_j): the firm pay premium the model knows (AKM-style "
                          "firm effect; Card, Cardoso, Heining & Kline 2018)",
    "sorting_share": "2·cov(α, ψ)/var(log w) over the employed, α_i = log w^c_i (the "
                     "worker effect); var(α)/var(log w) = 1 − firm_premium_share − "
                     "sorting_share",
    "employment_rate": "employed workers / workers",
    "long_term_unemployment_share": "share of workers (the labour force) unemployed at the end "
                                    "of this period and of the previous one: spells of a year "
                                    "or more (data: the unemployment rate of spells over 52 "
                                    "weeks; BLS's long-term 27+ weeks is shorter than a period)",
    "mean_education": "mean education level of all workers",
    "price_exposed": "mean task price of exposed tasks relative to unexposed tasks",
    "revenue_share_exposed": "share of output valued on exposed tasks (Σ_C p·Y / Y)",
    "ly_wage": "Lerman-Yitzhaki contribution of wages to gini_income",
    "ly_capital": "Lerman-Yitzhaki contribution of capital income to gini_income",
    "ly_transfer": "Lerman-Yitzhaki contribution of transfers (equal rebates, plus "
                   "unemployment benefits less the payroll tax) to gini_income",
    "output_total": "Σ_z p_z·Y_z, value added of all firms (final-good units)",
    "wages_total": "Σ wages",
    "owner_income_total": "Σ owners' income (private stakes and public equity)",
    "vendor_income": "Σ fees paid to AI vendors for commodity AI",
    "taxes_total": "Σ taxes on proprietary-AI rents",
    "unemployment_benefits_total": "Σ unemployment benefits paid (b·w^c to each unemployed "
                                   "worker; inside the transfers)",
    "payroll_tax_rate": "payroll tax on wages that pays for the benefits "
                        "(unemployment_benefits_total / wages_total)",
    "edu_subsidy_total": "Σ education subsidies paid by the state this year (edu_subsidy "
                         "times the schooling cost of the workers who re-chose), financed "
                         "by a proportional levy on persons' income inside the transfers",
    "mean_income": "mean of persons' income (wage + capital income + transfer), all persons",
    "income_share_bottom50": "share of all persons' income received by the poorer half "
                             "(the ⌊n/2⌋ lowest incomes)",
    "income_share_top10": "share of all persons' income received by the richest tenth "
                          "(the ⌈n/10⌉ highest incomes)",
    "atkinson_1": "Atkinson index of persons' income at inequality aversion ε = 1: "
                  "1 − ede_income_1 / mean_income (Atkinson 1970, J. Econ. Theory 2(3))",
    "atkinson_2": "Atkinson index at ε = 2: 1 − ede_income_2 / mean_income",
    "ede_income_1": "equally-distributed-equivalent income at ε = 1, exp(mean log income): "
                    "the welfare of the income distribution in income units (0 if anyone "
                    "has no income)",
    "ede_income_2": "equally-distributed-equivalent income at ε = 2, the harmonic mean of "
                    "income (0 if anyone has no income)",
}


_FINITE_ONLY = np.array([True, True, False, False, False, False])
"""Rows of the per-task statistics averaged only where defined (the within-task CVs)."""


def _income_distribution(ordered: np.ndarray) -> dict[str, float]:
    """Mean, bottom-half and top-decile shares, Atkinson indices and equally-distributed-
    equivalent incomes (`metrics.ATKINSON_AVERSIONS`) of incomes sorted ascending."""
    bottom, top = m.income_shares(ordered)
    out = {"mean_income": float(np.add.reduce(ordered)) / max(ordered.size, 1),
           "income_share_bottom50": bottom, "income_share_top10": top}
    for eps in m.ATKINSON_AVERSIONS:
        out[f"atkinson_{eps:g}"], out[f"ede_income_{eps:g}"] = m.atkinson(ordered, eps)
    return out


def _income_inequality(model: Engine
                       ) -> tuple[float, dict[str, float], dict[str, float]]:
    """Income Gini, its Lerman-Yitzhaki decomposition and the distribution statistics
    of `_income_distribution`, from a single sort of incomes.

    Edge cases as `metrics.gini_sorted`: equal incomes (all zero included) give exactly
    0 and so do their decomposition terms (ranks among ties say nothing); a non-finite
    income gives NaN, never a reading of equality.
    """
    w = model.economy.workers
    sources = {"wage": w.wage, "capital": w.capital_income, "transfer": w.transfer}
    order, ordered = m.sorted_with_order(w.income)
    dist = _income_distribution(ordered)
    if w.n == 0 or ordered[0] == ordered[-1]:
        return 0.0, {k: 0.0 for k in sources}, dist
    del ordered
    weighted, total, cov, consistent = loops.income_inequality(
        order, w.income, w.wage, w.capital_income, w.transfer)
    del order
    if not np.isfinite(total):
        return math.nan, {k: math.nan for k in sources}, dist
    mean = total / w.n
    if mean <= 0:
        return 0.0, {k: 0.0 for k in sources}, dist
    g_income = m.unit_interval(float(weighted / (w.n * total)))
    if not consistent:
        # income is not the sum of the sources (a caller edited one): rank their sum
        return g_income, m._lerman_yitzhaki(sources, sum(sources.values()), None), dist
    return (g_income, {k: float(2.0 * c / w.n / mean) for k, c in zip(sources, cov, strict=True)},
            dist)


def _employed_statistics(model: Engine, log_wage: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float,
                                    float, float, float, float]:
    """Within-task CVs of output, education premia and returns, the codifiable share,
    the between-firm wage share and its AKM-style split into firm premia and sorting.

    The CVs: `within_task_cv` of `outputs(..., η0+η1, employed)` (the same AI access
    for everyone) and of the employed's realised output. All from one pass over the
    workers (`fused.measure.employed_statistics`); no array of N is built unless the
    output form needs numpy's power.
    """
    p, eco = model.params, model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    scale = neutral_scale(p, eco)
    # AI input per task at the common access (`ai_input` of every task)
    ai_per_task = (t.ai_weight * eco.ai_capability * t.augmentable * (p.eta0 + p.eta1)
                   ).astype(float)
    code = fused.form_code(p.augmentation, scale is not None)
    same = fused.EMPTY
    h = human_input(p, eco)
    if code is None:                 # CES or multiplicative: power stays in numpy
        code = fused.PRECOMPUTED
        same = np.empty(w.n)
        for b in blocks(w.n):
            same[b] = task_output(h[b] * t.skill_intensity[w.task[b]],
                                  ai_per_task[w.task[b]], form=p.augmentation, rho=p.rho,
                                  mult_elasticity=p.mult_elasticity, tool_base=p.tool_base)
    return loops.employed_statistics(w.task, w.employer, h, t.skill_intensity,
                                     ai_per_task, fused.EMPTY if scale is None else scale,
                                     code, same, w.output, log_wage, w.wage, w.education,
                                     t.codifiable, t.n, f.n, m.ROUNDING,
                                     np.log(np.maximum(f.rent_factor, 1e-300)))


def regime_label(period: int, capability: float, dgini: float) -> str:
    """Sign of the income Gini's change since period 0, once AI has arrived."""
    if period <= 0:
        return "pre-AI"
    if capability == 0:
        return "no AI"
    return "concentrating" if dgini > 0 else "equalizing" if dgini < 0 else "neutral"


GROUPS: dict[str, tuple[str, ...]] = {
    "income": ("gini_income", "dgini", "regime", "ly_wage", "ly_capital", "ly_transfer",
               "mean_income", "income_share_bottom50", "income_share_top10", "atkinson_1",
               "atkinson_2", "ede_income_1", "ede_income_2"),
    "wage": ("gini_wage",),
    "employed": ("within_task_cv_exposed", "within_task_cv_unexposed",
                 "within_task_cv_exposed_realised", "education_premium",
                 "education_premium_codifiable", "education_premium_social",
                 "return_codifiable_education", "return_social_education",
                 "codifiable_employment_share", "between_firm_wage_share",
                 "between_task_wage_share", "firm_premium_share", "sorting_share"),
    "gains": ("ai_gain_same_access", "ai_gain_bottom_quintile", "ai_gain_top_quintile"),
    "rent_sharing": ("rent_sharing_elasticity",),
    "capital": ("gini_capital_income",),
    "assets": ("gini_assets",),
}
"""The statistics that cost a pass over the workers (a sort or a kernel), by the
computation that gives them; `measure(model, columns)` skips a group none of whose
columns is asked for. Every other column is a sum or a ratio and always computed."""

ALWAYS = ("wages_total", "employment_rate", "gini_income")
"""Computed in period 0 whatever is asked: their values then are the bases of later
periods' `dgini` and education returns (`metrics_at_zero`)."""


def check_columns(columns: Any) -> tuple[str, ...] | None:
    """Requested statistics: None (all) or a non-empty sequence of `COLUMNS` names."""
    if columns is None:
        return None
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise ParameterError(f"columns={columns!r} must be a list of column names")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise ParameterError(f"columns={columns!r}: unknown {unknown} (see abm.collect.COLUMNS)"
                             if unknown else "columns=[] asks for nothing; give None for all")
    return tuple(dict.fromkeys(columns))


def measure(model: Engine, columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    """All model-level statistics of the current period, or those in `columns`.

    Statistics are computed one after another and their per-worker temporaries dropped
    as soon as they are reduced, so that measurement adds only a few arrays of N to
    the state at any moment. With `columns`, the passes over the workers that give none
    of them (`GROUPS`) are skipped; the values computed are the same as in a full
    measurement (the returned dict also holds the cheap columns, and `ALWAYS` in period
    0; statistics not computed are NaN).
    """
    if columns is None:
        need = set(GROUPS)
    else:
        asked = set(columns) | (set(ALWAYS) if model.economy.period <= 0 else set())
        need = {g for g, names in GROUPS.items() if asked.intersection(names)}
    nan = math.nan
    eco = model.economy
    w, f, t = eco.workers, eco.firms, eco.tasks
    exposed = t.codifiable
    g_income, ly = nan, {"wage": nan, "capital": nan, "transfer": nan}
    dist = dict.fromkeys(GROUPS["income"][6:], nan)
    if "income" in need:
        g_income, ly, dist = _income_inequality(model)

    wage_e = employed_values(w.employer, w.wage)
    n_employed = wage_e.size
    wages_total = float(np.add.reduce(wage_e))
    log_w = np.log(np.maximum(wage_e, 1e-300)) if "employed" in need else wage_e
    gini_wage = nan
    if "wage" in need:
        wage_e.sort()                        # a private copy: sort it in place for the Gini
        gini_wage = m.gini_sorted(wage_e)
    del wage_e
    if "employed" in need:
        (cv, cv_all, premia, levels, codifiable_share, between, firm_premium,
         sorting, between_task) = _employed_statistics(model, log_w)
    else:
        cv = cv_all = np.full(t.n, nan)
        premia, levels = np.full(3, nan), np.full(2, nan)
        codifiable_share = between = firm_premium = sorting = between_task = nan
    del log_w
    gains = ai_gains(model) if "gains" in need else (nan, nan, nan)
    years = model.params.years_per_level     # slopes per level → per year of schooling
    # wage gains are quoted in the employed's mean wage before AI (period 0), fixed per
    # run, so that their changes carry the task prices (Proposition 3)
    mean_wage = wages_total / max(n_employed, 1)
    at_zero = model.metrics_at_zero
    base_wage = (at_zero["wages_total"] / max(round(at_zero["employment_rate"] * w.n), 1)
                 if eco.period > 0 and at_zero else mean_wage)

    owner_total = float(np.add.reduce(f.owner_income))
    taxes_total = float(np.add.reduce(f.taxes))
    out = max(eco.output_total, 1e-300)
    # owners' income is value added less wages and taxes, ≥ 0 by construction; a total
    # within the accounting's rounding of 0 (ξ = 1, no rents) is no capital income
    no_capital = abs(owner_total) <= m.ROUNDING * out
    if no_capital:
        owner_total = 0.0
    base = model.metrics_at_zero.get("gini_income", g_income) if eco.period > 0 else g_income
    dgini = g_income - base
    # per-task statistics averaged over exposed (column 0) and unexposed tasks; the CVs
    # over tasks where they are defined
    # (`np.array` of the rows is `np.vstack` of them without its Python, 10 µs in a run)
    sums, means = loops.split_by_exposure(
        np.array((cv, cv_all, t.requirement, t.diagnostic_variance, t.price,
                  t.price * t.output), dtype=float), exposed, _FINITE_ONLY)

    return {
        "ai_capability": eco.ai_capability,
        "gini_income": g_income,
        "gini_wage": gini_wage,
        "gini_capital_income": 0.0 if no_capital else m.gini(w.capital_income)
        if "capital" in need else nan,
        "gini_assets": m.gini(f.assets) if "assets" in need else nan,
        "dgini": dgini,
        "regime": regime_label(eco.period, eco.ai_capability, dgini),
        "labor_share": m.unit_interval(wages_total / out),
        "asset_income_share": m.unit_interval(owner_total / out),
        "vendor_income_share": m.unit_interval(eco.vendor_income / out),
        "rent_sharing_elasticity": rent_sharing_elasticity(model)
        if "rent_sharing" in need else nan,
        "va_per_worker_sd": m.weighted_log_sd(f.va_per_worker, f.employment),
        "below_outside_option_share": float(np.add.reduce(f.employment[f.rent_factor < 1.0]))
        / max(n_employed, 1),
        "owner_losses_total": owner_losses(f.rents, f.taxes, model.params.limited_liability),
        "largest_firm_asset_share": m.unit_interval(float(f.assets.max()
                                                          / np.add.reduce(f.assets))),
        "empty_firm_share": float(np.count_nonzero(f.employment == 0)) / f.n,
        "ai_rent_share": m.unit_interval(float(np.add.reduce(f.ai_rents)) / out),
        "within_task_cv_exposed": float(means[0, 0]),
        "within_task_cv_unexposed": float(means[0, 1]),
        "within_task_cv_exposed_realised": float(means[1, 0]),
        "ai_gain_same_access": gains[0],
        "ai_gain_bottom_quintile": gains[1],
        "ai_gain_top_quintile": gains[2],
        "education_premium": float(premia[0]) / years,
        "education_premium_codifiable": float(premia[1]) / years,
        "education_premium_social": float(premia[2]) / years,
        "return_codifiable_education": float(levels[0]) / years / base_wage,
        "return_social_education": float(levels[1]) / years / base_wage,
        "codifiable_employment_share": float(codifiable_share),
        "credential_requirement_exposed": float(means[2, 0]),
        "credential_requirement_unexposed": float(means[2, 1]),
        "diagnostic_variance": float(means[3, 0]),
        "diagnostic_variance_unexposed": float(means[3, 1]),
        "between_firm_wage_share": m.unit_interval(between),
        "between_task_wage_share": m.unit_interval(between_task),
        "firm_premium_share": firm_premium,
        "sorting_share": sorting,
        "employment_rate": n_employed / w.n,
        "long_term_unemployment_share":
            float(np.count_nonzero(w.unemployment_duration >= 2)) / w.n,
        "mean_education": float(np.add.reduce(w.education, dtype=float)) / w.n,
        "price_exposed": float(means[4, 0] / means[4, 1]),
        "revenue_share_exposed": m.unit_interval(
            float(sums[5, 0] / max(sums[5, 0] + sums[5, 1], 1e-300))),
        "ly_wage": ly["wage"],
        "ly_capital": ly["capital"],
        "ly_transfer": ly["transfer"],
        "output_total": eco.output_total,
        "wages_total": wages_total,
        "owner_income_total": owner_total,
        "vendor_income": eco.vendor_income,
        "taxes_total": taxes_total,
        "unemployment_benefits_total": eco.benefits_total,
        "payroll_tax_rate": eco.payroll_tax_rate,
        "edu_subsidy_total": eco.edu_subsidy_total,
        **dist,
    }
