"""Policy levers: each a named, documented difference from a base economy.

The levers are the ones the paper names (Chen & Meng, "When AI Levels the Playing
Field"): broadly accessible AI, stronger rent sharing, lower asset concentration and
broad ownership, a tax on AI rents, retraining credits (faster retooling, cheaper
education), direct skills assessment in hiring, and a slower deployment cadence. Each
`Lever` states the parameters it changes and by how much (with the reason for the
size and its source), the mechanism in the model it works through, how it is financed
(every lever that moves public money closes its budget every year: `budget`), and the
condition under which it acts, where it has one. A lever is a function of the base
economy, so it applies to the calibrated economy as well as to the defaults; the
`Params` difference is exactly `changes(base)` (tests/policies/test_levers.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from abm.params import Params

XI_POLICY = 0.3
"""Rent sharing under the policy: three times the default ξ = 0.1 and twice the top of
the 0.05-0.15 range of rent-sharing elasticities in Card, Cardoso, Heining & Kline
(2018, J. Labor Econ. 36(S1), doi:10.1086/694153); a policy scenario (sectoral
bargaining, profit sharing), not an estimate."""

ASSET_GINI_CUT = 0.2
"""Fall in Gini(K) under deconcentration: half the distance from the default 0.6 to the
0.2 of the `low_asset_concentration` scenario (competition and data-portability policy
that spreads complementary assets; a stylised size, not an estimate)."""

PUBLIC_EQUITY_POLICY = 0.14
"""Share of owners' income paid equally to all: the public sector's share of the world's
listed equity at end-2017, 14% (De La Cruz, Medina & Tang 2019, "Owners of the World's
Listed Companies", OECD Capital Market Series)."""

AI_RENT_TAX_POLICY = 0.25
"""Tax on proprietary-AI rents: about the OECD average combined statutory corporate
income tax rate (23-24% in 2023, OECD Corporate Tax Statistics 2023), levied on the AI
part of rents only."""

EDU_SUBSIDY_POLICY = 0.5
"""Share of schooling cost the state pays: half, between public shares of tertiary
spending in high-private-cost systems (the US, about a third) and the OECD average
(about two thirds; OECD Education at a Glance 2023, indicator C3)."""

SKILLS_ASSESSMENT_POLICY = 0.5
"""Share of the work sample taken without AI: half of the evaluation is a direct
(AI-free) skills test; a stylised size."""


@dataclass(frozen=True)
class Lever:
    """One policy: what it changes, why that much, how it acts, who pays, when it acts.

    Attributes:
        name: registry key (command line `--levers`).
        title: short label for tables and figures.
        changes: base Params -> the parameter values the policy sets (only these change).
        size: the size chosen and why, with sources.
        mechanism: the model's channel, in its own terms (docs/MODEL.md sections).
        budget: how public money it moves is raised or spent ("none" if it moves none).
        condition: when the lever acts, and when it cannot (the test checks both sides).
        predicts: the statistic the mechanism moves, and the sign, with the derivation.
    """

    name: str
    title: str
    changes: Callable[[Params], dict[str, Any]]
    size: str
    mechanism: str
    budget: str
    condition: str
    predicts: str

    def apply(self, base: Params) -> Params:
        """The base economy with this policy."""
        return base.replace(**self.changes(base))

    def difference(self, base: Params) -> dict[str, tuple[Any, Any]]:
        """{parameter: (base value, policy value)} for the parameters that differ."""
        after = self.apply(base).to_dict()
        before = base.to_dict()
        return {k: (before[k], v) for k, v in after.items() if v != before[k]}


def _open_ai(p: Params) -> dict[str, Any]:
    return {"eta0": p.eta0 + p.eta1, "eta1": 0.0}


LEVERS: dict[str, Lever] = {lever.name: lever for lever in (
    Lever("open_ai", "Open AI (all access commodity)", _open_ai,
          size="η0 → η0 + η1, η1 → 0: the same total AI access, all of it commodity "
               "(the open-weights limit; the paper's η1 vs η0 dimension)",
          mechanism="proprietary access ∝ k^ψ makes AI a firm rent AI_j that accrues to "
                    "the owners of concentrated assets (§3.5-3.6); commodity access is the "
                    "same for every firm and for the fringe, so it raises every worker's "
                    "outside option instead (minus the vendors' markup μ)",
          budget="none (no public money; vendors' fees go to the owners of compute as in "
                 "the base)",
          condition="acts only where the base has proprietary AI (η1 > 0); with η1 = 0 it "
                    "is the base economy",
          predicts="AI's ΔGini falls: proprietary rents scale with k^(ν+ψ), owned by the "
                   "top of the income distribution; commodity gains are an equal floor "
                   "α·A·η0 in every worker's output"),
    Lever("rent_sharing", "Rent sharing ξ = 0.3",
          lambda p: {"xi": max(p.xi, XI_POLICY)},
          size=f"ξ from the base value to {XI_POLICY} (kept if already higher): three "
               "times the default 0.1, twice the top of the 0.05-0.15 range in Card, "
               "Cardoso, Heining & Kline (2018, JOLE 36(S1)); a policy scenario",
          mechanism="workers receive the share ξ of their firm's net rents N_j, owners "
                    "1 − ξ (§3.6); AI's proprietary rents and the assets' rising share "
                    "(ε < 1) are firm rents",
          budget="none (a private split of rents)",
          condition="lowers AI's ΔGini where AI creates firm rents; without AI there is no "
                    "AI rent and AI's ΔGini is 0 at any ξ",
          predicts="Gini of income falls and the labour share rises: ∂w_i/∂ξ = w^c_i·π_j "
                   "> 0 and owners' income (1 − ξ)·N_j falls one for one, moving income "
                   "from the 10% of persons holding equity to workers"),
    Lever("asset_deconcentration", "Gini(K) − 0.2",
          lambda p: {"asset_gini": max(round(p.asset_gini - ASSET_GINI_CUT, 12), 0.0)},
          size=f"Gini(K) from the base value to {ASSET_GINI_CUT} lower (floored at 0): "
               "half the way from the default 0.6 to the low_asset_concentration "
               "scenario's 0.2; stylised",
          mechanism="firm size, rents and proprietary access rise with assets k (∝ k^ν, "
                    "k^ψ, §3.5); a less concentrated K spreads rents across firms",
          budget="none (the initial distribution of assets; no transfer is modelled)",
          condition="acts before AI too (initial assets), so it is compared with its own "
                    "no-AI economy as well as with the base",
          predicts="Gini of income and the top-10% share fall; AI's ΔGini falls where AI "
                   "is proprietary (rents ∝ k^(ν+ψ) are less concentrated)"),
    Lever("public_equity", "Broad ownership 14%",
          lambda p: {"public_equity": max(p.public_equity, PUBLIC_EQUITY_POLICY)},
          size=f"public_equity from the base value to {PUBLIC_EQUITY_POLICY}: the public "
               "sector's share of world listed equity (De La Cruz, Medina & Tang 2019, "
               "OECD)",
          mechanism="a share of every firm's owners' income and of the vendors' profits is "
                    "paid equally to all persons (§3.6); no decision depends on who owns",
          budget="closed: Σ transfers = public equity + taxes − education levy "
                 "(abm.invariants); the pool is paid out in full every year",
          condition="acts only where owners or vendors earn (ξ < 1 or μ > 0); at ξ = 1 and "
                    "μ = 0 it changes nothing",
          predicts="Gini of income falls with every other state unchanged: a transfer from "
                   "capital income (concentrated at the top) to an equal per-person payment"),
    Lever("ai_rent_tax", "AI-rent tax 25%",
          lambda p: {"ai_rent_tax": max(p.ai_rent_tax, AI_RENT_TAX_POLICY)},
          size=f"ai_rent_tax from the base value to {AI_RENT_TAX_POLICY}: about the OECD "
               "average corporate tax rate, on AI rents only",
          mechanism="τ·AI_j comes out of the firm's net rents, shared ξ : 1 − ξ by workers "
                    "and owners, and is rebated equally per person (§3.6)",
          budget="closed: revenue Σ τ·AI_j is rebated equally to all persons every year "
                 "(abm.invariants: transfers = taxes + public equity − education levy)",
          condition="acts only under proprietary AI: AI_j = Σ_z p_z·(Q_jz − Q^c_jz) is 0 "
                    "when every firm has the fringe's (commodity) access, η1 = 0",
          predicts="Gini of income falls under proprietary AI (the tax base is owners' and "
                   "high-premium workers' income, the rebate is equal); exactly no change "
                   "under commodity AI"),
    Lever("retooling", "Retooling rate × 2",
          lambda p: {"retooling_rate": min(1.0, max(2.0 * p.retooling_rate, 0.2))},
          size="retooling_rate doubled (0.1 → 0.2 a year at the default; at least 0.2, at "
               "most 1): retraining that lets twice as many workers re-choose education "
               "and task each year",
          mechanism="retooling workers re-choose (task, education) at the new task prices "
                    "(§3.4); faster retooling moves workers toward the tasks AI made "
                    "better paid sooner",
          budget="none (the right to retrain; schooling costs as in the base)",
          condition="acts through task and education choice; with occupational_choice off "
                    "only education responds",
          predicts="the codifiable employment share moves further in its direction after "
                   "AI (up for σ above σ* ≈ 1.25, §3.4) by a given year"),
    Lever("edu_subsidy", "Education subsidy 50%",
          lambda p: {"edu_subsidy": max(p.edu_subsidy, EDU_SUBSIDY_POLICY)},
          size=f"edu_subsidy from the base value to {EDU_SUBSIDY_POLICY}: " +
               "between the US and OECD-average public shares of tertiary spending",
          mechanism="the cost κ·c_i·(1 − s)·e²·w̄/θ of the education chosen falls "
                    "(§3.4), so workers choose more; credentials and human capital rise",
          budget="closed in the model: the state's part of the cost of this year's "
                 "choosers is raised the same year by a proportional levy on persons' "
                 "income before the equal rebate (docs/MODEL.md §3.6, edu_subsidy_total)",
          condition="acts through those who re-choose; with retooling_rate = 0 after the "
                    "burn-in only the burn-in choices move",
          predicts="mean education rises: net(e) = B(e) − κ(1 − s)e²·w̄/θ has increasing "
                   "differences in (e, s), so the chosen e is weakly higher for every "
                   "chooser (Topkis)"),
    Lever("skills_assessment", "Skills assessment 50%",
          lambda p: {"skills_assessment": max(p.skills_assessment, SKILLS_ASSESSMENT_POLICY)},
          size=f"skills_assessment from the base value to {SKILLS_ASSESSMENT_POLICY}: half "
               "the work sample taken without AI; stylised",
          mechanism="AI's equal floor compresses work samples and lowers their diagnostic "
                    "variance V_D (§3.3.2); a sample without AI keeps the ability signal, "
                    "so employers rely less on credentials",
          budget="none (the evaluation cost κ_v is unchanged)",
          condition="acts only once AI enters the work sample (A_t > 0) and with "
                    "screening on; before AI the two samples are the same",
          predicts="diagnostic variance on exposed tasks rises after AI"),
    Lever("slow_deployment", "Deployment cadence ÷ 2",
          lambda p: {"ai_growth": p.ai_growth / 2.0},
          size="ai_growth halved (0.25 → 0.125 a year at the default): A_t reaches half of "
               "A_max in 5.5 rather than 2.8 years",
          mechanism="A_t = A_max·(1 − exp(−g·t)) (§3.2): less capability at every date, "
                    "more time for retooling and asset adjustment",
          budget="none",
          condition="a transition lever: A_T differs by exp(−gT/2) − exp(−gT), small when "
                    "g·T is large, so long-run statistics move little",
          predicts="A_t lower at every t > 0; AI's ΔGini at T moves toward the base's as "
                   "the two capability paths converge"),
)}


def names() -> tuple[str, ...]:
    """Registered lever names, in registry order."""
    return tuple(LEVERS)


def check_names(requested: Iterable[str]) -> tuple[str, ...]:
    """The requested lever names, checked; an unknown one raises a one-line ValueError."""
    out = tuple(dict.fromkeys(n.strip() for n in requested))
    unknown = [n for n in out if n not in LEVERS]
    if unknown or not out:
        what = f"unknown lever {unknown[0]!r}" if unknown else "no lever given"
        raise ValueError(f"{what}; allowed: {', '.join(LEVERS)}")
    return out


def get(name: str) -> Lever:
    """The lever called `name` (unknown names refused as in `check_names`)."""
    return LEVERS[check_names([name])[0]]


def apply(name: str, base: Params) -> Params:
    """`base` with lever `name` applied."""
    return get(name).apply(base)
