"""All model parameters in one frozen, validated dataclass.

Time unit: 1 period = 1 year. Money unit: the final good (the CES aggregate of all
tasks), so wages, rents and incomes are in units of output.

`Params` is the single source of truth for what a user can set. Every field carries
metadata (paper symbol, unit, allowed range, one-line rationale); validation,
`--set name=value` parsing on the command line and the parameter table in
`docs/MODEL.md` all read that metadata, so they cannot drift apart.

Validation happens on construction (`Params(...)`, `params.replace(...)`), before any
simulation work starts, and raises `ParameterError` (a `ValueError`) that names the
parameter, the offending value and the allowed range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from abm.param_checks import (RHO_MIN, ParameterError, check_combinations, type_name,
                              unknown_message, validate_field)

__all__ = ["Params", "ParameterError", "RHO_MIN", "SCHOOLING_BASE", "parse_assignment"]

SCHOOLING_BASE = 10
"""Years of schooling at education level 0 (see `Params.years_per_level`)."""


def _p(default: Any, lo: float | None = None, hi: float | None = None, *, symbol: str = "",
       unit: str = "", doc: str = "", choices: tuple[str, ...] = (),
       lo_open: bool = False, hi_open: bool = False, after_zero: bool = False,
       unless: str = "") -> Any:
    """A field with its metadata. `after_zero=True` marks a parameter that cannot change
    the economy up to and including period 0 (see `abm.branch`), so runs that differ
    only in such parameters may share their burn-in and period 0; `unless` names a
    parameter whose nonzero value brings it before period 0 (the mark then lapses)."""
    meta = {"lo": lo, "hi": hi, "symbol": symbol, "unit": unit, "doc": doc,
            "choices": choices, "lo_open": lo_open, "hi_open": hi_open,
            "after_zero": after_zero, "unless": unless}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Params:
    """Parameters of the labour-market economy (see docs/MODEL.md, section Details)."""

    # --- size and time -------------------------------------------------------------
    n_workers: int = _p(5000, 100, 50_000_000, symbol="N", unit="persons",
                        doc="workers (every person is a worker; some also own firm equity)")
    n_firms: int = _p(100, 2, 1_000_000, symbol="J", unit="firms",
                      doc="firms, each with one employer (its hiring side)")
    n_tasks: int = _p(20, 2, 1000, symbol="Z", unit="tasks",
                      doc="tasks (occupations); each worker performs one")
    n_periods: int = _p(30, 1, 1000, symbol="T", unit="years",
                        doc="periods simulated after the pre-AI period 0", after_zero=True)
    burn_in: int = _p(20, 0, 200, unit="years",
                      doc="unrecorded pre-AI periods that settle education, matching and assets")
    burn_in_retooling: float = _p(0.5, 0.0, 1.0, lo_open=True, unit="1/year",
                                  doc="share of workers who may re-choose in each burn-in year "
                                      "after the first (at least `retooling_rate`): the "
                                      "burn-in's speed towards the pre-AI steady state")
    burn_in_search: str = _p("sampled", choices=("sampled", "every"),
                             doc="tasks a burn-in worker compares: 'sampled' as in the recorded "
                                 "years (her own and one random task of each type); 'every' "
                                 "task, which reaches a more sorted pre-AI allocation and "
                                 "overshoots (a cobweb) unless `burn_in_retooling` is at most "
                                 "about 0.2 (docs/MODEL.md §3.3.1)")

    # --- tasks ---------------------------------------------------------------------
    codifiable_share: float = _p(0.5, 0.0, 1.0, lo_open=True, hi_open=True, unit="share",
                                 doc="share of tasks that are codifiable cognitive (AI-exposed); "
                                     "the rest are social/organizational")
    skill_intensity: float = _p(1.25, 0.1, 10.0, symbol="φ_C", unit="output per unit h",
                                doc="human-skill intensity φ(z) of codifiable tasks (social tasks: 1); "
                                    "AI targets tasks that were skill intensive")
    skill_return_spread: float = _p(0.0, -0.9, 0.9, symbol="s_λ",
                                    doc="spread of the returns to skill across tasks (comparative "
                                        "advantage, Roy 1951; Acemoglu & Autor 2011, Handbook of "
                                        "Labor Economics 4B ch. 12): task k of a type's n tasks "
                                        "uses h^λ_k with λ_k = 1 + s_λ·(2k/(n − 1) − 1), mean 1; "
                                        "> 0: the codifiable tasks AI reaches later reward skill "
                                        "more, < 0: those it reaches first; 0 = output ∝ h on "
                                        "every task")
    frontier_spread: float = _p(0.8, 0.0, 1.0, unit="share of A_max",
                                doc="capability thresholds of codifiable tasks are spread evenly on "
                                    "[0, frontier_spread·A_max]; S(A_t) widens as A_t grows",
                                after_zero=True)

    # --- AI capability path --------------------------------------------------------
    ai_enabled: bool = _p(True, doc="master switch: False holds A_t = 0 in every period",
                          after_zero=True)
    ai_max: float = _p(1.0, 0.0, 10.0, symbol="A_max", unit="output per worker",
                       doc="long-run AI capability", after_zero=True)
    ai_growth: float = _p(0.25, 0.0, 5.0, symbol="g", unit="1/year",
                          doc="deployment cadence: A_t = A_max·(1 − exp(−g·t))", after_zero=True)
    ai_weight: float = _p(0.6, 0.0, 10.0, symbol="α", unit="output per unit A",
                          doc="AI contribution α(z) on augmentable tasks", after_zero=True)
    ai_weight_spread: float = _p(0.0, 0.0, 1.0, hi_open=True, unit="share of α",
                                 doc="heterogeneous AI weight across codifiable tasks: α_k = "
                                     "α·(1 + spread·(1 − 2k/(n_C − 1))), evenly spread, mean α, "
                                     "largest on the tasks AI reaches first; 0 = equal weights",
                                 after_zero=True)

    # --- technology of augmentation (link 1) ---------------------------------------
    augmentation: str = _p("additive", choices=("additive", "ces", "multiplicative"),
                           doc="within-task form: additive floor, CES with curvature rho, or "
                               "partially multiplicative with elasticity mult_elasticity")
    rho: float = _p(0.5, -10.0, 1.0, symbol="ρ",
                    doc="within-task CES curvature (augmentation='ces'); ρ>0 substitutes, ρ<0 "
                        "complements; |ρ| < 0.05 excluded: the unweighted CES is 2^(1/ρ) times a "
                        "power mean, with no Cobb-Douglas limit, so near 0 output runs to "
                        "2^(±1/|ρ|) (10^±6 at 0.05, overflow below 0.001) while initial assets "
                        "and education costs are quoted near 1")
    mult_elasticity: float = _p(0.5, 0.0, 3.0, symbol="μ",
                                doc="partially multiplicative form: AI term scales with (h·φ)^μ; "
                                    "μ=0 additive, μ=1 proportional, μ>1 amplifies skill")
    tool_base: float = _p(1.0, 0.0, 10.0, symbol="T_0", unit="output per worker",
                          doc="pre-AI complementary input in the CES form (needed for ρ ≤ 0)")
    homogenization: bool = _p(True, doc="link 1 switch: False makes AI skill-neutral "
                                        "(y = hφ·(1 + αA·access/m_z)), leaving CV unchanged")

    # --- task prices (link 2) ------------------------------------------------------
    sigma: float = _p(2.0, 0.05, 20.0, symbol="σ",
                      doc="elasticity of substitution between tasks in the final-good CES")
    price_effects: bool = _p(True, doc="link 2 switch: False freezes task prices at period 0",
                             after_zero=True)

    # --- workers and education -----------------------------------------------------
    ability_sd: float = _p(0.4, 0.0, 3.0, symbol="sd(ln θ)",
                           doc="log-sd of ability θ (lognormal, mean 1)")
    n_edu_levels: int = _p(5, 2, 10, unit="levels", doc="education levels e = 0..n-1 (credentials)")
    years_per_level: int = _p(2, 1, 4, symbol="y_e", unit="years of schooling per level",
                              doc="level e is SCHOOLING_BASE + years_per_level·e years of "
                                  "schooling: at 2, 10/12/14/16/18 years, the attainment "
                                  "categories of the BLS/Census CPS (less than high school, "
                                  "high school, some college or associate, bachelor's, "
                                  "advanced degree)")
    edu_return: float = _p(0.04, 0.0, 1.0, symbol="γ", unit="log h per year of schooling",
                           doc="h = θ·exp(γ·years_per_level·e), 0.08 per level; the causal "
                               "return sits below the 0.06-0.12 of OLS estimates (Card 1999, Handbook of "
                               "Labor Economics 3A ch. 30, doi:10.1016/S1573-4463(99)03011-4), "
                               "which include ability bias; the OLS return measured at the "
                               "defaults is 0.17 per year, ability bias included (see "
                               "edu_cost_sd)")
    edu_cost: float = _p(0.02, 0.0, 5.0, symbol="κ", unit="mean wage per level²",
                         doc="yearly cost κ·e²·w̄/θ of holding education e; falls with ability")
    edu_cost_sd: float = _p(0.0, 0.0, 3.0, symbol="σ_κ", unit="log points",
                            doc="log-sd of a worker's schooling cost factor c_i (lognormal, "
                                "median 1), redrawn at each re-choice: costs of schooling "
                                "differ between people of equal ability (Carneiro, Heckman & "
                                "Vytlacil 2011, AER 101(6), doi:10.1257/aer.101.6.2754). 1.0 "
                                "brings the OLS return to 0.11 per year but leaves credential "
                                "requirements near 0 (0.03 levels); 0 by default")
    edu_subsidy: float = _p(0.0, 0.0, 1.0, hi_open=True, unit="share",
                            doc="retraining credit: share of education cost paid by the "
                                "state, financed by a proportional levy on persons' income")
    retooling_rate: float = _p(0.1, 0.0, 1.0, unit="1/year",
                               doc="share of workers who may re-choose education (and, with "
                                   "occupational_choice, their task) each year")

    occupational_choice: bool = _p(True, doc="retooling workers choose their task jointly with "
                                             "education, among their own task and one random "
                                             "task of each type; False keeps every task fixed")
    switch_cost: float = _p(0.15, 0.0, 10.0, symbol="c_s", unit="mean wage",
                            doc="cost of changing task, in the year of the move: the 12-20% wage "
                                "value of five years of occupational tenure lost on a switch "
                                "(Kambourov & Manovskii 2009, International Economic Review 50(1), "
                                "doi:10.1111/j.1468-2354.2008.00524.x)")

    # --- screening and hiring (link 3) ---------------------------------------------
    screening: bool = _p(True, doc="link 3 switch: False lets employers observe productivity "
                                   "exactly (no signal noise, no credential requirement)")
    signal_noise: float = _p(0.3, 0.0, 5.0, symbol="s_ε",
                             doc="sd of the work-sample error: relative to the sample's level "
                                 "(proportional form) or in the task's output unit φ_z "
                                 "(constant form)")
    signal_noise_form: str = _p("proportional", choices=("proportional", "constant"),
                                doc="how the work-sample error scales: 'proportional' to the "
                                    "sample's level (ratio-scale judgement: the error of "
                                    "magnitude judgements grows in proportion to the magnitude, "
                                    "Stevens 1957, Psychological Review 64(3)), or 'constant' "
                                    "(sd s_ε·φ_z whatever the level)")
    skills_assessment: float = _p(0.0, 0.0, 1.0, unit="share",
                                  doc="share of the work sample taken without AI (direct skills "
                                      "assessment policy)")
    evaluation_cost: float = _p(0.01, 0.0, 1.0, symbol="κ_v", unit="φ_z per applicant",
                                doc="cost of evaluating one applicant's work sample, in the task's "
                                    "output unit φ_z (a year's AI-free output of a worker with "
                                    "human capital 1): 0.01 is about 2.5 working days. Recruiting "
                                    "a worker takes tens of hours of staff time spread over "
                                    "several applicants (Barron, Berger & Black 1997, Economic "
                                    "Inquiry 35(1)); search and selection are a few weeks of "
                                    "wages per hire (Muehlemann & Strupler Leiser 2018, Labour "
                                    "Economics 52)")
    separation_rate: float = _p(0.1, 0.0, 1.0, unit="1/year", doc="exogenous job separations")
    job_rate: float = _p(0.95, 0.05, 1.0, unit="jobs per worker", doc="jobs per worker in each task")
    supply_elasticity: float = _p(4.0, 0.0, 1000.0, symbol="β_L",
                                  doc="firm-level labour-supply elasticity: applicants choose "
                                      "among open vacancies with logit weights ∝ (1 + ξπ_j)^β_L "
                                      "(idiosyncratic workplace tastes); ∞: assortative "
                                      "matching, 0: random search. About 4 in Card, Cardoso, "
                                      "Heining & Kline 2018 (JOLE 36(S1)); most estimates "
                                      "below 10 (Sokolova & Sorensen 2021, ILR 74(1); "
                                      "Lamadon, Mogstad & Setzler 2022, AER 112(1))")
    contact_rate: float = _p(0.5, 0.0, 1.0, symbol="c", unit="share",
                             doc="share of applicants employers reach first each year, at "
                                 "random, before the rest in score order: job finding does "
                                 "not hinge on the score alone. The long-term unemployed "
                                 "find jobs at about 10% a month, ≈ 0.5-0.7 a year "
                                 "(Krueger, Cramer & Cho 2014, BPEA Spring)")

    # --- firms, assets and rents (link 4) ------------------------------------------
    asset_gini: float = _p(0.6, 0.0, 0.99, symbol="Gini(K)",
                           doc="initial Gini of firms' complementary assets (lognormal)")
    size_elasticity: float = _p(0.5, 0.0, 1.0, symbol="ν",
                                doc="firm employment ∝ k^ν (k = K/mean K)")
    n_industries: int = _p(5, 1, 1000, symbol="G", unit="industries",
                           doc="industries: firm j is in industry j mod G, and industry g's "
                               "tasks are band g of each type's tasks (in their order); at "
                               "most the tasks of either type and the firms")
    industry_concentration: float = _p(0.0, 0.0, 1.0, symbol="c_G", unit="share",
                                       doc="how much firms specialise in their industry's "
                                           "tasks: task z's jobs go to firms ∝ k^ν·((1 − c_G) "
                                           "+ c_G·G·[z in the firm's band]); 0 = every firm "
                                           "uses every task alike, 1 = only its band's "
                                           "(businesses' worker mix: Haltiwanger, Lane & "
                                           "Spletzer 2007, Labour Econ. 14(3))")
    asset_markup: float = _p(0.3, 0.0, 5.0, symbol="m_K",
                             doc="output of the mean firm's assets per job relative to its labour's "
                                 "before AI: the assets' share of the mean firm's output is "
                                 "λ = m_K/(1+m_K)")
    asset_elasticity: float = _p(0.6, 0.1, 50.0, symbol="ε",
                                 doc="elasticity of substitution between complementary assets and "
                                     "AI-augmented labour in the firm's CES; ε < 1: complements (the "
                                     "assets' share rises when AI raises effective labour); capital-"
                                     "labour estimates 0.4-0.7 (Chirinko 2008, J. Macroecon. 30(2); "
                                     "Oberfield & Raval 2021, Econometrica 89(2))")
    fringe_assets: float = _p(0.6, 0.01, 1.0, symbol="k_f", unit="× mean firm's",
                              doc="relative assets of the competitive fringe: the marginal "
                                  "employer, whose asset services and AI access set every "
                                  "worker's outside option; a firm with fewer assets operates "
                                  "as the fringe")
    asset_returns: float = _p(0.5, 0.0, 1.0, lo_open=True, symbol="β",
                              doc="returns to a firm's accumulated asset stock: effective assets "
                                  "∝ stock^β; β < 1 bounds concentration (a stationary asset "
                                  "distribution), β = 1 is constant returns",
                              after_zero=True, unless="asset_burn_in")
    asset_burn_in: int = _p(0, 0, 200, unit="years",
                            doc="last years of the burn-in in which assets already accumulate "
                                "(at most `burn_in`); 0 (default): assets are held until the "
                                "end of period 0, which is their steady state when firms' "
                                "productivity shocks are transitory; with persistent shocks "
                                "(ρ_a > 0) the anchored economy is not stationary and assets "
                                "need years to settle (docs/MODEL.md §3.7)")
    firm_shock_sd: float = _p(0.1, 0.0, 1.0, symbol="σ_a",
                              doc="sd of yearly innovations to firms' log productivity (AR(1)): "
                                  "the firm-level variation rent sharing is estimated from; "
                                  "plants: 0.15 (Cooper & Haltiwanger 2006, REStud 73(3)), "
                                  "firms' smaller")
    firm_shock_persistence: float = _p(0.0, 0.0, 1.0, hi_open=True, symbol="ρ_a",
                                       doc="persistence of firms' log productivity; 0 (default): "
                                           "transitory shocks, which leave the asset "
                                           "distribution stationary; near 1 the shocks "
                                           "accumulate in assets (plants: 0.885, Cooper & "
                                           "Haltiwanger 2006)")
    ai_markup: float = _p(0.07, 0.0, 1.0, hi_open=True, symbol="μ", unit="share",
                          doc="share of commodity AI's value that its vendors capture (0: free AI); "
                              "vendor profits go to the owners of compute. US generative-AI revenue "
                              "of about $7bn against $97bn of user surplus in 2024 (Collis & "
                              "Brynjolfsson 2025) gives 7/104 ≈ 0.07", after_zero=True)
    compute_owner_share: float = _p(0.01, 0.0, 1.0, lo_open=True, unit="share of persons",
                                    doc="persons who own the AI vendors (compute); drawn at random, "
                                        "independently of firm equity")
    xi: float = _p(0.1, 0.0, 1.0, symbol="ξ",
                   doc="rent sharing: worker share of firm rents (≈ wage elasticity to value added "
                       "per worker; 0.05-0.15 in Card et al. 2018)")
    limited_liability: bool = _p(True, doc="True: owners never pay in, so where value added "
                                 "after taxes does not cover the competitive wage bill the "
                                 "workers take the shortfall, paid below their outside option; "
                                 "False: no worker is paid below her outside option (she would "
                                 "take the fringe's offer) and owners finance the loss from "
                                 "wealth outside the period's incomes (`owner_losses_total`)")
    eta0: float = _p(0.5, 0.0, 10.0, symbol="η_0", doc="commodity AI access, equal for all firms",
                     after_zero=True)
    eta1: float = _p(0.5, 0.0, 10.0, symbol="η_1",
                     doc="proprietary AI access, scaled by k^ψ / E_L[k^ψ]", after_zero=True)
    psi: float = _p(1.0, 0.0, 3.0, symbol="ψ",
                    doc="capital intensity of proprietary AI: access ∝ k^ψ (normalised)",
                    after_zero=True)
    concentration: bool = _p(True, doc="link 4 switch: False makes all AI commodity "
                                       "(access η0+η1 everywhere) and freezes assets")
    reinvest_rate: float = _p(0.3, 0.0, 1.0, symbol="s_K", unit="share",
                              doc="share of owners' income reinvested in assets K")
    depreciation: float = _p(0.1, 0.01, 1.0, symbol="δ", unit="1/year",
                             doc="asset depreciation; the stationary stock is s_K·income/δ and is "
                                 "approached at rate δ(1 − β), so δ ≥ 0.01 keeps it finite and "
                                 "reached within centuries")
    owner_share: float = _p(0.1, 0.0, 1.0, lo_open=True, unit="share of persons",
                            doc="persons who hold firm equity")
    public_equity: float = _p(0.0, 0.0, 1.0, unit="share",
                              doc="broad ownership: share of every firm's owner income paid "
                                  "equally to all persons")
    ai_rent_tax: float = _p(0.0, 0.0, 1.0, unit="share",
                            doc="tax on firms' proprietary-AI rents, rebated equally to all persons",
                            after_zero=True)

    # --- unemployment insurance ----------------------------------------------------
    unemployment_benefit: float = _p(0.5, 0.0, 1.0, hi_open=True, symbol="b",
                                     unit="share of w^c",
                                     doc="replacement rate: a year's benefit is b times the "
                                         "worker's outside-option wage w^c, paid by a payroll "
                                         "tax that balances the budget every year; net "
                                         "replacement in the first year of unemployment, "
                                         "2010: US 51%, OECD average 56% (Immervoll & "
                                         "Scarpetta 2012, IZA J. Labor Policy 1:9, "
                                         "doi:10.1186/2193-9004-1-9); 0 = no insurance")

    def __new__(cls, *args: Any, **kwargs: Any) -> Params:
        """Reject unknown names with a ValueError before the dataclass init sees them."""
        known = {f.name for f in dataclasses.fields(cls)}
        for name in kwargs:
            if name not in known:
                raise ParameterError(unknown_message(name, known))
        return super().__new__(cls)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            validate_field(f, getattr(self, f.name))
        check_combinations(self)

    def replace(self, **changes: Any) -> Params:
        """Return a copy with `changes` applied, validated like the constructor."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all parameters (JSON-serialisable).

        Every field holds a scalar (int, float, bool or str: `validate_field`), so the
        shallow dict is the whole value; `dataclasses.asdict` would deep-copy each one,
        a fifth of a millisecond that sweeps pay per run (grouping runs that share a
        past, recording each run's parameters).
        """
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Params:
        """Build from a dict, rejecting unknown names."""
        return cls(**values)

    @classmethod
    def field_info(cls) -> list[dict[str, Any]]:
        """Name, default, type and metadata of every parameter (for docs and UIs)."""
        out = []
        for f in dataclasses.fields(cls):
            out.append({"name": f.name, "default": f.default, "type": type_name(f),
                        **f.metadata})
        return out


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a command-line `name=value` into a typed (name, value) pair.

    Raises ParameterError for a malformed assignment, an unknown name or a value that
    cannot be read as the parameter's type.
    """
    if "=" not in text:
        raise ParameterError(f"--set expects name=value, got {text!r}")
    name, raw = (s.strip() for s in text.split("=", 1))
    fields = {f.name: f for f in dataclasses.fields(Params)}
    if name not in fields:
        raise ParameterError(unknown_message(name, set(fields)))
    kind = type_name(fields[name])
    try:
        if kind == "bool":
            low = raw.lower()
            if low not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError(raw)
            value: Any = low in ("true", "1", "yes", "on")
        elif kind == "int":
            value = int(raw)
        elif kind == "float":
            value = float(raw)
        else:
            value = raw
    except ValueError:
        raise ParameterError(f"--set {name}={raw!r}: expected a {kind} value") from None
    return name, value
