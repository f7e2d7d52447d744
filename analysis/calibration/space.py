"""The calibration space: the free parameters, their bounds, and how they map onto `Params`.

Five parameters are estimated (docs/CALIBRATION.md); each maps onto one field of
`abm.params.Params` except `proprietary_share`, which re-expresses the split of AI
access between commodity and proprietary AI with its total held fixed:

    s = η1/(η0 + η1),  η1 = s·T,  η0 = T − η1,  T = base.eta0 + base.eta1.

Holding T fixed keeps the AI intensity every worker has at equal access (α(z)·A_t·T,
the within-firm experiment of m1-m3) independent of s, so the share moves only who gets
the access (firms with more assets get more of η1), not how much the tool can do.
Every other parameter stays at the base economy's value; `asset_gini` is fixed and
reported as a scenario axis (not identified at the data date).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from abm.params import Params


@dataclass(frozen=True)
class Free:
    """A free parameter: its bounds and start value, what it does, why the range."""

    name: str
    lo: float
    hi: float
    start: float
    description: str
    source: str


FREE: tuple[Free, ...] = (
    Free("ai_weight", 0.05, 3.0, 0.6,
         "α, the AI contribution on augmentable tasks: the level of AI's gains",
         "At t = 2 (A_2 = 0.39) and access η0+η1 = 1, the additive form's gain is "
         "log(1 + α·0.39/(hφ)) with hφ ≈ 1.6 at the defaults: α = 0.05 gives about 0.01 "
         "log points, α = 3 about 0.55, bracketing measured gains from nil (top quintile "
         "of Brynjolfsson, Li & Raymond 2025, QJE 140(2), doi:10.1093/qje/qjae044) to the "
         "+0.51 log points of a 40% time saving (Noy & Zhang 2023, Science 381, "
         "doi:10.1126/science.adh2586). Start: the Params default 0.6."),
    Free("ability_sd", 0.1, 1.2, 0.4,
         "sd of log ability θ: the dispersion of pre-AI skill, which sets how much more "
         "the least able gain from an ability-independent AI input",
         "Residual (within-group) sd of US log wages is about 0.45-0.55 (Lemieux 2006, AER "
         "96(3), doi:10.1257/aer.96.3.461); ability is one part of it, so 0.1-1.2 "
         "brackets it by a factor of 5 below and 2 above. Start: the Params default 0.4."),
    Free("edu_return", 0.01, 0.2, 0.04,
         "γ, the causal return of a year of schooling to human capital (log h per year)",
         "Up to above the top of IV estimates of the return to schooling, 0.06-0.15 "
         "(Card 1999, Handbook of Labor Economics 3A ch. 30, "
         "doi:10.1016/S1573-4463(99)03011-4). Not down to 0: with no return to schooling "
         "nobody is schooled (mean level 0.000 at γ = 0, 5,000 workers, 5 seeds), so the "
         "Mincer slope m4 is undefined, and below 0.01 it rests on a handful of schooled "
         "workers (mean level 0.12 at γ = 0.005, 0.42 at 0.01). Start: the Params "
         "default 0.04."),
    Free("xi", 0.0, 0.6, 0.1,
         "ξ, the workers' share of firm rents (w = w^c·(1 + ξπ))",
         "The wage elasticity to value added per worker, ≈ ξ(1+π)/(1+ξπ), is 0.05-0.15 "
         "(Card, Cardoso, Heining & Kline 2018, JOLE 36(S1), doi:10.1086/694153); workers "
         "capture about 0.3 of patent-induced surplus (Kline, Petkova, Williams & Zidar "
         "2019, QJE 134(3), doi:10.1093/qje/qjz011): 0.6 doubles the largest. Start: the "
         "Params default 0.1."),
    Free("proprietary_share", 0.0, 1.0, 0.5,
         "s = η1/(η0+η1), the share of AI access that is proprietary (scaled by a firm's "
         "assets) at fixed total access η0+η1",
         "A share: the whole unit interval (0: all AI is a commodity; 1: all access "
         "follows complementary assets). Start: the Params defaults η0 = η1 = 0.5."),
)
"""The five free parameters, in the order of every parameter vector."""

_BY_NAME = {f.name: f for f in FREE}


def free(names: Sequence[str] | None = None) -> tuple[Free, ...]:
    """The free parameters named (in `FREE` order), or all of them.

    Raises:
        ValueError: a name is not a free parameter (the message lists the allowed ones).
    """
    if names is None:
        return FREE
    if isinstance(names, str):
        names = [names]
    unknown = [n for n in names if n not in _BY_NAME]
    if unknown:
        raise ValueError(f"unknown free parameter {unknown[0]!r}; allowed: "
                         f"{', '.join(_BY_NAME)}")
    wanted = set(names)
    return tuple(f for f in FREE if f.name in wanted)


def check_theta(theta: Mapping[str, float]) -> dict[str, float]:
    """`theta` as {name: float}, each a known free parameter inside its bounds.

    Raises:
        ValueError: one line naming the parameter, the value and the allowed range.
    """
    out: dict[str, float] = {}
    for name, value in dict(theta).items():
        if name not in _BY_NAME:
            raise ValueError(f"unknown free parameter {name!r}; allowed: "
                             f"{', '.join(_BY_NAME)}")
        f = _BY_NAME[name]
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not math.isfinite(float(value)):
            raise ValueError(f"{name}={value!r} must be a finite number in [{f.lo}, {f.hi}]")
        if not f.lo <= float(value) <= f.hi:
            raise ValueError(f"{name}={float(value)!r} is outside its calibration range "
                             f"[{f.lo}, {f.hi}]")
        out[name] = float(value)
    return out


def split_access(share: float, total: float) -> tuple[float, float]:
    """(η0, η1) with η1 ≈ share·total and η0 + η1 == total exactly in floating point.

    The sum is what the equal-access experiment uses, so it must not drift by a rounding
    error with the share (m1-m3 would then move with s by an ulp). The larger part is
    rounded once; the smaller is total minus it, which is exact (Sterbenz: the larger
    part lies in [total/2, total]), so the two add up to total exactly.
    """
    eta1 = share * total
    if eta1 < 0.5 * total:
        eta0 = total - eta1
        eta1 = total - eta0                  # exact
    else:
        eta0 = total - eta1                  # exact
    return eta0, eta1


def to_params(theta: Mapping[str, float], base: Params) -> Params:
    """The economy at `theta` (any subset of `FREE` names; others at `base`'s values).

    `proprietary_share` s sets η1 = s·T and η0 = T − η1 with T = base.eta0 + base.eta1.
    The result is validated by `Params` (ParameterError on an invalid combination).

    Raises:
        ValueError: an unknown name or a value outside its bounds (one line).
    """
    values = check_theta(theta)
    changes: dict[str, float] = {k: v for k, v in values.items() if k != "proprietary_share"}
    if "proprietary_share" in values:
        changes["eta0"], changes["eta1"] = split_access(values["proprietary_share"],
                                                        base.eta0 + base.eta1)
    return base.replace(**changes)


def from_params(params: Params, names: Sequence[str] | None = None) -> dict[str, float]:
    """The free parameters' values in `params` (the inverse of `to_params`)."""
    total = params.eta0 + params.eta1
    values = {f.name: float(getattr(params, f.name)) for f in FREE
              if f.name != "proprietary_share"}
    values["proprietary_share"] = params.eta1 / total if total > 0 else 0.0
    return {f.name: values[f.name] for f in free(names)}


def start(names: Sequence[str] | None = None) -> dict[str, float]:
    """Start values {name: start} of the free parameters named (default all)."""
    return {f.name: f.start for f in free(names)}


# Free parameters the six targets cannot tell apart, held at these values by default and
# reported as scenario axes (docs/CALIBRATION.md, "Identification"). At the five-parameter
# estimate the SE-scaled Jacobian (central differences, 3% steps, 10 seeds × 5,000
# workers) has singular values 72, 52, 26, 7.1 and 0.19: the direction
# −0.76·α + 0.49·σ_θ − 0.26·γ + 0.34·s moves the six moments by 0.19 target SEs per unit,
# because in the additive technology the experiment's gains depend on α relative to
# human capital, whose dispersion comes from ability and schooling alike. Holding any one
# of α, σ_θ, γ fixes it (condition number of G'WG 1.5e5 -> 67-116). Ability dispersion is
# the one the targets measure least directly, so it is the axis; `abm calibrate --fix
# ability_sd=VALUE` moves it and `--free-all` estimates all five.
SCENARIO_AXES: dict[str, float] = {"ability_sd": 0.4}

# The base economy's departures from `Params()` (see `base_params`).
BASE_CHANGES: dict[str, float] = {"edu_cost_sd": 1.0}


def base_params(n_workers: int = 5000, targets: object | None = None) -> Params:
    """The base economy: `Params()` with `n_workers`, n_periods = the latest target
    period (`targets`, default the targets file), at least 1, and heterogeneous schooling
    costs (`BASE_CHANGES`).

    Why the schooling costs: with costs common to workers of equal ability
    (`edu_cost_sd` = 0) schooling is chosen by ability alone, and the OLS return to a
    year of schooling is mostly ability selection: it stays at 0.18-0.21 for every
    `edu_return` in [0.02, 0.08] and is not monotone in it (6 seeds × 3,000 workers), so
    the Mincer target (0.09) can neither be reached nor identify `edu_return`. With the
    log-sd of schooling costs at 1 (people of equal ability face different costs, as
    Carneiro, Heckman & Vytlacil 2011, AER 101(6), doi:10.1257/aer.101.6.2754, estimate)
    the return rises monotonically with `edu_return`: 0.099, 0.112, 0.149 at 0.02, 0.04,
    0.08. docs/CALIBRATION.md reports this choice as part of the base economy.
    """
    from analysis.calibration.targets import load_targets

    targets = load_targets() if targets is None else targets
    last = max((t.period for t in targets.targets), default=1)  # type: ignore[attr-defined]
    return Params(n_workers=n_workers, n_periods=max(int(last), 1), **BASE_CHANGES)


__all__ = ["BASE_CHANGES", "FREE", "SCENARIO_AXES", "Free", "base_params", "check_theta", "free", "from_params",
           "split_access", "start", "to_params"]
