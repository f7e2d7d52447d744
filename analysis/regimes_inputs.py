"""What the analytic regimes accept, decided from the parameters alone.

The axes of regime maps and boundaries (names, labels, allowed and default ranges) and
the economies the mean field represents. Nothing here needs numpy, so `abm regimes`
(`analysis.regimes_cli`) refuses a bad axis, range or economy with one line before it
imports the analytic model (numba, scipy, pandas); `analysis.regimes` uses the same
rules when it computes.

Axes: any float parameter of `Params` over its allowed range, plus
`proprietary_share` = η1/(η0+η1), AI's technology structure, which moves η0 and η1
with their sum (the economy's AI intensity) held fixed.
"""

from __future__ import annotations

import dataclasses

from abm.params import ParameterError, Params

AXES = ("xi", "asset_gini", "proprietary_share", "psi")
LABELS = {
    "xi": ("rent sharing ξ", "worker share of firm rents"),
    "asset_gini": ("asset concentration Gini(K)", "Gini of firms' complementary assets"),
    "proprietary_share": ("proprietary share η₁/(η₀+η₁)",
                          "share of AI access that scales with assets"),
    "psi": ("capital intensity ψ", "elasticity of proprietary access to assets"),
}
MAP_RANGES = {"xi": (0.0, 1.0), "asset_gini": (0.0, 0.9), "proprietary_share": (0.0, 1.0),
              "psi": (0.0, 3.0)}
"""Default ranges of the map axes (within the allowed ranges): Gini(K) stops at 0.9, where
100 firms still resemble the lognormal the mean field integrates over (at 0.99 a sample
of 100 is far from it)."""


class UnsupportedEconomy(ValueError):
    """An economy the mean field does not represent (a valid one: simulate it)."""


def check_supported(p: Params) -> None:
    """One line naming what the mean field cannot represent, before any work starts."""
    if p.asset_burn_in != 0:
        raise UnsupportedEconomy(f"asset_burn_in={p.asset_burn_in!r}: the analytic regimes "
                         "hold the drawn asset distribution up to period 0; allowed value 0 "
                         "(simulate other values)")


def check_search(p: Params) -> None:
    """One line if the burn-in's workers compare every task, which is not represented."""
    if p.burn_in_search != "sampled":
        raise UnsupportedEconomy(f"burn_in_search={p.burn_in_search!r}: the mean field's "
                                 "burn-in re-chooses among sampled tasks; allowed value "
                                 "'sampled' (simulate 'every')")


def one_group_per_task(p: Params) -> bool:
    """Whether tasks of a type differ: in their return to skill or their industry band."""
    return p.skill_return_spread != 0.0 or p.industry_concentration != 0.0


def axis_range(name: str) -> tuple[float, float]:
    """Allowed range of an axis: the parameter's own range from `Params` metadata."""
    if name in ("proprietary_share", "eta1_share"):
        return 0.0, 1.0
    info = {f.name: f for f in dataclasses.fields(Params)}
    if name not in info:
        raise ParameterError(f"unknown axis {name!r}; use proprietary_share or a float "
                             f"parameter such as {', '.join(AXES)}")
    f = info[name]
    if (f.type if isinstance(f.type, str) else f.type.__name__) != "float":
        raise ParameterError(f"axis {name!r} must be a float parameter")
    lo, hi = f.metadata["lo"], f.metadata["hi"]
    eps = 1e-9 * (hi - lo)
    return lo + (eps if f.metadata["lo_open"] else 0.0), hi - (eps if f.metadata["hi_open"]
                                                              else 0.0)


def map_range(name: str, bounds: tuple[float, float] | None = None) -> tuple[float, float]:
    """A map axis's range: `bounds`, or the default map range, checked against the
    allowed range (ValueError naming both)."""
    allowed = axis_range(name)
    lo, hi = bounds if bounds is not None else MAP_RANGES.get(name, allowed)
    if not (allowed[0] - 1e-12 <= lo < hi <= allowed[1] + 1e-12):
        raise ValueError(f"range of {name} must satisfy {allowed[0]:g} <= lo < hi <= "
                         f"{allowed[1]:g}, got [{lo:g}, {hi:g}]")
    return float(lo), float(hi)


def get_axis(p: Params, name: str) -> float:
    """Current value of an axis."""
    if name in ("proprietary_share", "eta1_share"):
        total = p.eta0 + p.eta1
        return p.eta1 / total if total > 0 else float("nan")
    return float(getattr(p, name))


def set_axis(p: Params, name: str, value: float) -> Params:
    """Params with the axis set to `value` (validated like any Params)."""
    if name in ("proprietary_share", "eta1_share"):
        total = p.eta0 + p.eta1
        if total <= 0:
            raise ParameterError("proprietary_share is undefined when eta0 + eta1 = 0")
        if not 0.0 <= value <= 1.0:
            raise ParameterError(f"proprietary_share={value!r} is out of range; allowed "
                                 "[0, 1]")
        return p.replace(eta0=(1.0 - value) * total, eta1=value * total)
    return p.replace(**{name: float(value)})
