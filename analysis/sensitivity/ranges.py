"""The parameter ranges of the global sensitivity analysis, each with its source.

Every range is a uniform interval over which the analysis asks "how much of the spread
of ΔGini (or of the regime) does this parameter explain?". Where a data range exists it
is used as published; where the model's parameter has no direct empirical counterpart
the range is the model's plausible one, and `source` says why. The ranges are the
inputs of a statement about the model, not estimates: a parameter whose range is
narrow because the data pin it down gets a small index for that reason, which is the
point of the exercise.

`proprietary_share` s = η₁/(η₀ + η₁) is not a `Params` field: a sample value sets
η₁ = s·T and η₀ = (1 − s)·T with T = η₀ + η₁ of the base economy held fixed, so the
total AI access of the average job does not move and only who holds it does (the same
convention as `abm regimes` and the calibration space).

The within-task form's curvature enters only when the base economy uses it: ρ under
`augmentation="ces"`, μ under `"multiplicative"`; the default additive form has none.
The labour-supply elasticity β_L is left out: the mean field takes the assortative
limit of hiring (docs/REGIMES.md), so its index would be zero by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.params import Params

SHARE = "proprietary_share"


@dataclass(frozen=True)
class Range:
    """One uniform input of the analysis: name (a Params field or `proprietary_share`),
    bounds, symbol, and the source or reasoning behind the bounds."""

    name: str
    lo: float
    hi: float
    symbol: str
    source: str

    def __post_init__(self) -> None:
        if not self.lo < self.hi:
            raise ValueError(f"range of {self.name}: lo={self.lo} must be below hi={self.hi}")


RANGES: tuple[Range, ...] = (
    Range("xi", 0.05, 0.15, "ξ",
          "rent-sharing elasticity of wages to value added per worker, 0.05-0.15 "
          "(Card, Cardoso, Heining & Kline 2018, JOLE 36(S1), doi:10.1086/694153)"),
    Range("asset_gini", 0.3, 0.9, "Gini(K)",
          "no direct estimate for the model's object (the complementary assets of one labour "
          "market's employers); economy-wide corporate assets are far more concentrated (the "
          "top 1% of US corporations hold about 90% of corporate assets: Kwon, Ma & "
          "Zimmermann 2024, AER 114(7)), so the range spans moderate (0.3) to near that "
          "level (0.9) around the default 0.6"),
    Range(SHARE, 0.0, 1.0, "η₁/(η₀+η₁)",
          "unobserved technology structure: all commodity AI (0) to all proprietary (1); "
          "η₀+η₁ of the base held fixed; the calibration space uses the same interval"),
    Range("psi", 0.0, 2.0, "ψ",
          "capital intensity of proprietary AI, access ∝ k^ψ: 0 = independent of assets, "
          "1 (default) = proportional, 2 = convex; no data, the model's plausible range"),
    Range("sigma", 0.5, 3.0, "σ",
          "elasticity of substitution between tasks: about 0.9 between occupations (Goos, "
          "Manning & Salomons 2014, AER 104(8), doi:10.1257/aer.104.8.2509), 1.4-2 between "
          "skill groups (Katz & Murphy 1992, QJE 107(1); Acemoglu & Autor 2011, Handbook of "
          "Labor Economics 4B); widened to 0.5-3"),
    Range("asset_elasticity", 0.4, 0.7, "ε",
          "capital-labour elasticity of substitution 0.4-0.7 (Chirinko 2008, J. Macroecon. "
          "30(2), doi:10.1016/j.jmacro.2007.10.010; Oberfield & Raval 2021, Econometrica "
          "89(2), doi:10.3982/ECTA12807)"),
    Range("ability_sd", 0.2, 0.8, "sd(ln θ)",
          "residual (within-group) log-wage sd about 0.5 in the US (Lemieux 2006, AER 96(3), "
          "doi:10.1257/aer.96.3.461); ability is part of it, so 0.2-0.8 around the default "
          "0.4 (the calibration bounds are 0.1-1.2)"),
    Range("ai_weight", 0.2, 1.5, "α",
          "level of AI's contribution: the default 0.6 matches the 14% mean gain of "
          "Brynjolfsson, Li & Raymond 2025 (QJE 140(2), doi:10.1093/qje/qjae044); experiments "
          "find up to about 40% (Noy & Zhang 2023, Science 381, doi:10.1126/science.adh2586), "
          "so one third to 2.5 times the default"),
    Range("job_rate", 0.90, 0.97, "J/N",
          "jobs per worker: US unemployment rates of 3-10% since 1990 (BLS Current Population "
          "Survey, series LNS14000000)"),
    Range("edu_return", 0.02, 0.08, "γ",
          "return of a year of schooling to human capital: half to double the default 0.04, "
          "which sits below the 0.06-0.12 of OLS estimates (Card 1999, Handbook of Labor "
          "Economics 3A, doi:10.1016/S1573-4463(99)03011-4) because the model's own OLS "
          "return adds ability bias"),
)

CURVATURE: dict[str, Range] = {
    "ces": Range("rho", 0.1, 0.9, "ρ",
                 "within-task CES curvature on the substitutes side of the default 0.5 "
                 "(Params excludes |ρ| < 0.05, so the interval cannot cross zero); no data, "
                 "the model's plausible range"),
    "multiplicative": Range("mult_elasticity", 0.0, 1.5, "μ",
                            "skill elasticity of the AI term: additive (0) to proportional (1) "
                            "and beyond; no data, the model's plausible range"),
}


def default_ranges(base: Params | None = None) -> tuple[Range, ...]:
    """The analysis's ranges for `base`: `RANGES` plus the curvature of its within-task form."""
    base = base if base is not None else Params()
    extra = CURVATURE.get(base.augmentation)
    return RANGES + ((extra,) if extra is not None else ())


def as_ranges(ranges: Sequence[Range] | Mapping[str, tuple[float, float]]) -> tuple[Range, ...]:
    """Ranges from `Range` objects or a plain {name: (lo, hi)} mapping (test functions)."""
    if isinstance(ranges, Mapping):
        return tuple(Range(k, float(lo), float(hi), k, "given") for k, (lo, hi) in ranges.items())
    out = tuple(ranges)
    if not out or not all(isinstance(r, Range) for r in out):
        raise TypeError("ranges must be a non-empty sequence of Range or a {name: (lo, hi)} dict")
    return out


def problem(ranges: Sequence[Range] | Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """The SALib problem dict (`num_vars`, `names`, `bounds`) of the ranges."""
    rs = as_ranges(ranges)
    names = [r.name for r in rs]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate parameter names in ranges: {names}")
    return {"num_vars": len(rs), "names": names, "bounds": [[r.lo, r.hi] for r in rs]}


def fields(values: Mapping[str, float], base: Params) -> dict[str, Any]:
    """Params fields for named values: `proprietary_share` s becomes η₀ = (1 − s)·T,
    η₁ = s·T with T = base.eta0 + base.eta1."""
    out = {k: float(v) for k, v in values.items()}
    if SHARE in out:
        s = out.pop(SHARE)
        total = base.eta0 + base.eta1
        if total <= 0:
            raise ValueError("proprietary_share needs eta0 + eta1 > 0 in the base economy")
        out["eta0"], out["eta1"] = (1.0 - s) * total, s * total
    return out


def row_params(row: Sequence[float] | np.ndarray, names: Sequence[str], base: Params) -> Params:
    """The Params a sample row stands for (validated by Params)."""
    row = np.asarray(row, dtype=float)
    if row.shape != (len(names),):
        raise ValueError(f"a sample row has {len(names)} values, got shape {row.shape}")
    return base.replace(**fields(dict(zip(names, row.tolist())), base))


def table(ranges: Sequence[Range]) -> str:
    """Markdown table of the ranges with their sources (report, docs)."""
    lines = ["| parameter | symbol | range | source |", "|---|---|---|---|"]
    for r in ranges:
        lines.append(f"| `{r.name}` | {r.symbol} | {r.lo:g}-{r.hi:g} | {r.source} |")
    return "\n".join(lines)
