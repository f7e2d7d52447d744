"""The regime boundary: where the predicted dgini changes sign along one parameter.

`boundary(params, along="xi")` holds every other parameter fixed and finds x with
dgini(x) = 0 by Brent's method to a tolerance `xtol`. A coarse scan of the axis only
brackets sign changes (Brent needs a bracket, and dgini need not be monotone); every
root it reports is refined by the root-finder, never read off the scan.

Axes (`analysis.regimes_inputs`): any float parameter of `Params` over its allowed
range, plus `proprietary_share` = η1/(η0+η1), AI's technology structure, which moves η0
and η1 with their sum (the economy's AI intensity) held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from abm.params import Params, ParameterError
from analysis.regimes.meanfield import Resolution
from analysis.regimes_inputs import axis_range, get_axis, set_axis
from analysis.regimes.prediction import predict

@dataclass(frozen=True)
class Boundary:
    """Where predicted dgini = 0 along one axis, all else fixed."""

    along: str
    value: float | None             # root nearest the current value (None: no root)
    roots: tuple[float, ...]        # every sign change found in the range, refined
    lo: float
    hi: float
    current: float
    dgini_lo: float                 # predicted dgini at the ends of the range
    dgini_hi: float
    xtol: float

    @property
    def exists(self) -> bool:
        """True if dgini changes sign inside the range."""
        return self.value is not None

    @property
    def message(self) -> str:
        """One line saying where the boundary is, or which regime holds throughout."""
        if self.exists:
            return (f"dgini = 0 at {self.along} = {self.value:.4f} (±{self.xtol:g}); "
                    f"dgini {self.dgini_lo:+.4f} at {self.lo:g}, {self.dgini_hi:+.4f} at "
                    f"{self.hi:g}")
        regime = "concentrating" if self.dgini_lo > 0 else "equalizing"
        return (f"no boundary for {self.along} in [{self.lo:g}, {self.hi:g}]: {regime} "
                f"throughout (dgini {self.dgini_lo:+.4f} to {self.dgini_hi:+.4f})")


def boundary(params: Params | None = None, along: str = "xi", *,
             bounds: tuple[float, float] | None = None, xtol: float = 1e-4,
             n_scan: int = 12, matching: str | None = "assortative",
             occupations: bool = False, burn_in: bool = False,
             resolution: Resolution | None = None) -> Boundary:
    """Value of `along` at which the predicted dgini is zero, holding the rest fixed.

    Args:
        params: the point (default `Params()`).
        along: "xi", "asset_gini", "proprietary_share", "psi" or another float parameter.
        bounds: search range (default the parameter's allowed range).
        xtol: absolute tolerance on the root (Brent's method).
        n_scan: intervals of the bracketing scan; a pair of roots closer than
            (hi − lo)/n_scan can be missed, and is then reported as no root.
        matching, occupations, burn_in, resolution: passed to `predict`
            (`boundary(p, along, **WITH_CHOICE)`: the mean field with occupational
            choice).

    Returns:
        A `Boundary`; `.value` is None when dgini keeps one sign over the range.
    """
    p = params if params is not None else Params()
    lo, hi = bounds if bounds is not None else axis_range(along)
    if not lo < hi:
        raise ParameterError(f"bounds=({lo}, {hi}) must satisfy lo < hi")
    set_axis(p, along, lo), set_axis(p, along, hi)         # validate the range up front

    def f(x: float) -> float:
        return predict(set_axis(p, along, x), matching=matching, occupations=occupations,
                       burn_in=burn_in, resolution=resolution).dgini

    grid = np.linspace(lo, hi, n_scan + 1)
    vals = np.array([f(x) for x in grid])
    roots: list[float] = [float(x) for x, v in zip(grid, vals, strict=True) if v == 0.0]
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:], strict=True):
        if fa * fb < 0:
            roots.append(float(brentq(f, a, b, xtol=xtol, rtol=4 * np.finfo(float).eps)))
    roots.sort()
    current = get_axis(p, along)
    value = (min(roots, key=lambda r: abs(r - current)) if roots and np.isfinite(current)
             else (roots[0] if roots else None))
    return Boundary(along=along, value=value, roots=tuple(roots), lo=float(lo), hi=float(hi),
                    current=current, dgini_lo=float(vals[0]), dgini_hi=float(vals[-1]),
                    xtol=xtol)


def describe(b: Boundary) -> dict[str, Any]:
    """Flat record of a boundary for tables and JSON."""
    return {"along": b.along, "value": b.value, "roots": list(b.roots), "lo": b.lo,
            "hi": b.hi, "current": b.current, "dgini_lo": b.dgini_lo,
            "dgini_hi": b.dgini_hi, "xtol": b.xtol, "message": b.message}
