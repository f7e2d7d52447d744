"""Array-backed state of the economy: one numpy array per attribute, per agent type.

The model owns one `Economy`. Phase kernels read and write these arrays; Mesa agents
(`abm.agents`) are thin views onto them, so nothing is ever copied between an agent
object and the arrays, and the model runs identically with or without agent objects.

Index conventions: worker i in [0, N), firm j in [0, J), task z in [0, Z).
`employer[i] == -1` marks an unemployed worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

UNEMPLOYED = -1

BLOCK = 1 << 15
"""Workers per block in per-worker arithmetic.

Most per-worker work runs in fused loops (`abm.fused`) that need no temporaries. What
remains in numpy (random draws; the CES and multiplicative output forms, which need
numpy's `power`) runs block by block, so that temporaries (a few hundred kB each) stay
in the CPU cache and a phase's scratch memory does not grow with N. Sums across workers
(by task or by firm) are added one worker at a time in worker order, whichever way
they are computed, so blocking never changes a floating-point sum.
"""


def blocks(n: int, size: int | None = None) -> Iterator[slice]:
    """Consecutive slices of at most `size` (default `BLOCK`) covering indices 0..n-1."""
    size = size or BLOCK
    for lo in range(0, n, size):
        yield slice(lo, min(lo + size, n))


def draws_at(rng: np.random.Generator, n: int, at: np.ndarray) -> np.ndarray:
    """`rng.random(n)[at]` for sorted indices `at`, drawn block by block.

    The stream advances exactly as with `rng.random(n)`, without holding all n numbers;
    blocks holding none of `at` are jumped over rather than drawn.
    """
    if n <= BLOCK:                   # one block (small runs): the same, without the loop
        if at.size == 0:
            skip_draws(rng, n)
            return np.empty(0)
        return rng.random(n)[at]
    out = np.empty(at.size)
    for b in blocks(n):
        lo, hi = np.searchsorted(at, (b.start, b.stop))
        if hi == lo:
            skip_draws(rng, b.stop - b.start)
        else:
            out[lo:hi] = rng.random(b.stop - b.start)[at[lo:hi] - b.start]
    return out


def skip_draws(rng: np.random.Generator, n: int) -> None:
    """Advance `rng` exactly as drawing `n` uniform doubles with `rng.random` would.

    A PCG64 double consumes one 64-bit output, and PCG64 can jump ahead by any number of
    outputs at once; other bit generators draw and discard.
    """
    if type(rng.bit_generator) is np.random.PCG64:
        rng.bit_generator.advance(n)
    else:
        for b in blocks(n):
            rng.random(b.stop - b.start)


@dataclass
class Workers:
    """Per-worker state (length N arrays)."""

    ability: np.ndarray            # θ_i, lognormal with mean 1; never seen by employers
    task: np.ndarray               # z_i, the worker's task (occupation), re-chosen on retooling
    education: np.ndarray          # e_i in 0..n_edu_levels-1 (the credential)
    human_capital: np.ndarray      # h_i = θ_i·exp(γ·e_i)
    employer: np.ndarray           # firm index j, or UNEMPLOYED
    signal: np.ndarray             # this period's work-sample signal s_i
    score: np.ndarray              # employers' predicted productivity E[y | s, e]
    output: np.ndarray             # y_i, task output this period (0 if unemployed)
    outside_output: np.ndarray     # y_i at commodity AI access (what travels with the worker)
    commodity_gain: np.ndarray     # g_i, what commodity AI (η0) adds to y_i: priced by its vendors
    ai_use: np.ndarray             # AI input α(z)·A_t·access used this period
    wage: np.ndarray               # w_i (0 if unemployed)
    capital_income: np.ndarray     # owners' income received through equity stakes
    transfer: np.ndarray           # equal per-person rebate of taxes and public equity
    income: np.ndarray             # wage + capital_income + transfer
    prev_employer: np.ndarray      # employer at the end of last period (stayers: the same)
    prev_wage: np.ndarray          # wage last period
    unemployment_duration: np.ndarray  # int16: consecutive period ends unemployed (0 if employed)

    @property
    def n(self) -> int:
        """Number of workers."""
        return int(self.ability.shape[0])


@dataclass
class Firms:
    """Per-firm state (length J arrays); employer-side arrays live here too."""

    assets: np.ndarray             # K_j, complementary assets (data, compute, distribution)
    ai_access: np.ndarray          # η0 + η1·k_j^ψ
    log_productivity: np.ndarray   # a_j, AR(1) log productivity (multiplies team output by e^a/E e^a)
    asset_productivity: np.ndarray  # x_j = max(k_j^(1-ν), x_f), asset services per job
    asset_stock: np.ndarray        # S_j, the accumulated stock behind K_j (after period 0)
    asset_base: np.ndarray         # K̂_j, assets when the stock was anchored (end of period 0)
    asset_reference: np.ndarray    # S*_j = s_K·owner income/δ then: K_j = K̂_j·(S_j/S*_j)^β
    employment: np.ndarray         # L_j
    value_added: np.ndarray        # VA_j
    competitive_wage_bill: np.ndarray  # Σ outside-option wages of the firm's workers
    rents: np.ndarray              # Π_j = VA_j − competitive wage bill
    ai_rents: np.ndarray           # part of Π_j due to proprietary AI access
    taxes: np.ndarray              # tax paid on AI rents
    wage_bill: np.ndarray          # Σ w_i
    owner_income: np.ndarray       # (1 − ξ)·(Π_j − taxes_j), never negative
    vendor_fees: np.ndarray        # paid to AI vendors for commodity AI
    va_per_worker: np.ndarray      # VA_j / L_j this period (0 without workers)
    prev_va_per_worker: np.ndarray  # the same last period
    rent_factor: np.ndarray        # 1 + ξ·π_j, the firm wage premium factor
    vacancies: np.ndarray          # open positions posted this period (all tasks)
    hires: np.ndarray              # hires this period
    separations: np.ndarray        # separations and layoffs this period

    @property
    def n(self) -> int:
        """Number of firms."""
        return int(self.assets.shape[0])


@dataclass
class Tasks:
    """Per-task state (length Z arrays)."""

    codifiable: np.ndarray         # bool: codifiable cognitive (AI-exposed) vs social
    skill_intensity: np.ndarray    # φ(z)
    skill_return: np.ndarray       # λ(z): output uses h^λ(z) (1 everywhere by default)
    ai_weight: np.ndarray          # α(z) (0 on social tasks)
    threshold: np.ndarray          # task enters S(A_t) once A_t > threshold
    weight: np.ndarray             # β_z in the final-good CES
    price: np.ndarray              # p_z
    output: np.ndarray             # Y_z = Σ_j Q_jz, teams' output with their firms' assets
    labour_price: np.ndarray       # ω_z, the fringe's value of a unit of worker output
    augmentable: np.ndarray        # bool: z ∈ S(A_t)
    requirement: np.ndarray        # posted credential requirement c_z (continuous)
    requirement_effective: np.ndarray  # integer requirement applied after relaxation
    belief: np.ndarray             # (Z, 3) employers' projection y ≈ a + b_s·s + b_e·e
    signal_sd: np.ndarray          # sd of work-sample signals among incumbents
    diagnostic_variance: np.ndarray  # V_D(z) = corr(s, θ)²
    emp_rate_eligible: np.ndarray  # employment rate of workers meeting the requirement
    emp_rate_ineligible: np.ndarray  # employment rate of workers below it

    @property
    def n(self) -> int:
        """Number of tasks."""
        return int(self.codifiable.shape[0])


@dataclass
class Ownership:
    """Equity stakes: stake s gives `fraction[s]` of firm `firm[s]`'s owner income to `person[s]`."""

    firm: np.ndarray
    person: np.ndarray
    fraction: np.ndarray


@dataclass
class Economy:
    """Everything that changes over a run, plus the scalars of the current period."""

    workers: Workers
    firms: Firms
    tasks: Tasks
    ownership: Ownership
    period: int = 0
    ai_capability: float = 0.0
    output_total: float = 0.0
    mean_wage: float = 1.0
    base_price: np.ndarray = field(default_factory=lambda: np.empty(0))
    vendor_income: float = 0.0
    fringe_access: float = 0.0     # AI access of the competitive fringe (outside options)
    benefits_total: float = 0.0    # unemployment benefits paid this period
    payroll_tax_rate: float = 0.0  # the payroll tax on wages that finances them
    edu_subsidy_total: float = 0.0  # education subsidies paid this period (equal levy)
    compute_owners: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    team_output: np.ndarray = field(default_factory=lambda: np.empty(0))    # Q_jz, flat j·Z+z
    team_output_c: np.ndarray = field(default_factory=lambda: np.empty(0))  # Q_jz at the fringe's AI
    team_labour: np.ndarray = field(default_factory=lambda: np.empty(0))    # L_jz = Σ y_i
