"""Regime discovery: PRIM boxes that describe where the concentrating regime lives.

Scenario discovery (Bryant & Lempert 2010, Technological Forecasting and Social Change
77(1), doi:10.1016/j.techfore.2009.08.002) asks which simple region of parameter space
holds most of the cases of interest. Here a case is one parameter vector, drawn by a
Latin hypercube over stated ranges, and it is of interest when the analytic mean field
(`analysis.regimes.prediction.predict`) puts it in the concentrating regime (ΔGini > 0).
PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999, Statistics and
Computing 9(2), doi:10.1023/A:1008894516817), peels the box that holds all the points a
fraction `peel_alpha` at a time from the face whose removal raises the share of
concentrating points most, then pastes back what it peeled too eagerly. The EMA
Workbench (Kwakkel 2017, Environmental Modelling & Software 96,
doi:10.1016/j.envsoft.2017.06.054) does the peeling and pasting; this module draws the
design, picks one box on each peeling trajectory and reports it in a tidy table.

Each box is read by three numbers (the Workbench's definitions): coverage, the share of
all concentrating points that lie in the box; density, the share of the box's points
that are concentrating; mass, the share of all points in the box. A box found after the
first is searched among the points no earlier box holds, so its density and mass are
over those remaining points while its coverage is over all concentrating points (the
coverages of the boxes add up).

**Selection rule.** On each peeling-and-pasting trajectory the box kept is the one with
the highest coverage among those whose density is at least `threshold` (ties: the
fewest restricted parameters, then the earliest). It is the loosest box that is still
"mostly concentrating" by the stated standard, so its limits mark where the regime
starts to dominate rather than its core; a higher threshold gives a tighter box. The
search stops after `max_boxes` boxes, or when no box on the trajectory reaches the
threshold. Optionally (`max_qp`) restrictions that a binomial test cannot tell from
chance are then dropped (`drop_weak_limits`), so the box names only parameters that
matter; its density can then end slightly below the threshold.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc

from abm.params import Params
from analysis.regimes_inputs import axis_range, set_axis

with warnings.catch_warnings():
    # The Workbench warns at import that its optional parallel evaluator (ipyparallel)
    # is missing, and (ImportWarning) when altair, for interactive box inspection, is;
    # PRIM uses neither.
    warnings.filterwarnings("ignore", message=".*ipyparallel", category=UserWarning)
    warnings.filterwarnings("ignore", category=ImportWarning)
    from ema_workbench.analysis import prim as _ema_prim

BOX_COLUMNS = ("box", "coverage", "density", "mass", "res_dim", "n", "k", "trajectory_id")
"""Box-level columns of `prim_boxes`' table (repeated on each of the box's rows)."""

LIMIT_COLUMNS = ("parameter", "lower", "upper", "range_lower", "range_upper", "qp_lower",
                 "qp_upper")
"""Per restricted parameter: the box's limits, the sample's range, and the Workbench's
quasi-p values (one-sided binomial test that the limit matters; -1 where the side is not
restricted)."""

Dgini = Callable[[Params], float]


@dataclass(frozen=True)
class PrimSearch:
    """Everything one PRIM search found: the tidy box table and the trajectories."""

    boxes: pd.DataFrame         # `prim_boxes`' table
    trajectories: pd.DataFrame  # one row per trajectory point: box, id, coverage, density,
    #                             mass, res_dim, n, k, chosen (bool)
    n: int                      # points in the design
    n_interest: int             # concentrating points among them
    threshold: float
    peel_alpha: float


@contextlib.contextmanager
def _quiet_workbench() -> Iterator[None]:
    """Run Workbench code without its deprecation warnings or INFO log lines.

    The Workbench calls pandas APIs that pandas 3 deprecates (`inplace=` and the like);
    those warnings concern its code, not ours, so they are ignored for warnings issued
    from its modules only. Its logger reports every box at INFO: raised to WARNING while
    PRIM runs, so a caller's INFO logging shows this package's progress, not PRIM's.
    """
    log = logging.getLogger("EMA")
    level = log.level
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning, PendingDeprecationWarning):
            warnings.filterwarnings("ignore", category=category, module=r"ema_workbench\.")
        log.setLevel(max(level, logging.WARNING))
        try:
            yield
        finally:
            log.setLevel(level)


def _choose(trajectory: pd.DataFrame, threshold: float) -> int | None:
    """Index of the kept box on a trajectory (module docstring), None if none qualifies."""
    ok = trajectory[trajectory["density"] >= threshold]
    if ok.empty:
        return None
    ranked = ok.assign(_i=np.arange(len(ok))).sort_values(
        ["coverage", "res_dim", "_i"], ascending=[False, True, True], kind="stable")
    return int(ranked.index[0])


def _box_rows(box, i: int, number: int, init: pd.DataFrame) -> list[dict]:
    """Tidy rows of one chosen box: one per restricted parameter (one blank if none)."""
    stats = box.peeling_trajectory.loc[i]
    level = {"box": number, "coverage": float(stats["coverage"]),
             "density": float(stats["density"]), "mass": float(stats["mass"]),
             "res_dim": int(stats["res_dim"]), "n": int(stats["n"]), "k": int(stats["k"]),
             "trajectory_id": int(i)}
    lims = box.box_lims[i]
    qp = box.qp[i]
    rows = []
    for name in lims.columns:
        lo, hi = float(lims.loc[0, name]), float(lims.loc[1, name])
        r_lo, r_hi = float(init.loc[0, name]), float(init.loc[1, name])
        if lo == r_lo and hi == r_hi:
            continue
        q_lo, q_hi = qp.get(name, [np.nan, np.nan])
        rows.append({**level, "parameter": name, "lower": lo, "upper": hi,
                     "range_lower": r_lo, "range_upper": r_hi,
                     "qp_lower": float(q_lo), "qp_upper": float(q_hi)})
    if not rows:
        rows.append({**level, **{c: np.nan for c in LIMIT_COLUMNS}, "parameter": None})
    return rows


def prim_search(X: pd.DataFrame, concentrating: np.ndarray, *, threshold: float = 0.8,
                peel_alpha: float = 0.05, max_boxes: int = 3,
                mass_min: float = 0.05, max_qp: float | None = None) -> PrimSearch:
    """PRIM boxes for the concentrating regime, with their peeling trajectories.

    Args:
        X: the design, one float column per parameter (at least 2 rows).
        concentrating: booleans (or 0/1), one per row of X.
        threshold: least density a kept box must reach, in (0, 1].
        peel_alpha: share of the box's points removed per peel, in (0, 0.5).
        max_boxes: at most this many boxes (each searched on the points left over).
        mass_min: PRIM stops peeling at this share of the points.
        max_qp: if given, drop the kept box's restrictions whose quasi-p values all
            exceed it (`drop_weak_limits`); None keeps every restriction.
    """
    y = np.asarray(concentrating)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"concentrating must be 1-d with len(X)={len(X)} entries, "
                         f"got shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("concentrating must hold booleans or 0/1")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r} is out of range; allowed (0, 1]")
    if not 0.0 < peel_alpha < 0.5:
        raise ValueError(f"peel_alpha={peel_alpha!r} is out of range; allowed (0, 0.5)")
    if int(max_boxes) < 1:
        raise ValueError(f"max_boxes={max_boxes!r} must be at least 1")
    if max_qp is not None and not 0.0 < max_qp < 1.0:
        raise ValueError(f"max_qp={max_qp!r} is out of range; allowed (0, 1) or None")
    x = pd.DataFrame(X).reset_index(drop=True).astype(float)
    y = y.astype(int)
    if y.min() == y.max():
        return _uniform(x, y, threshold, peel_alpha)
    rows, traj = [], []
    with _quiet_workbench():
        prim = _ema_prim.Prim(x, y, threshold=threshold, peel_alpha=peel_alpha,
                              mass_min=mass_min)
        init = prim.box_init
        for number in range(1, int(max_boxes) + 1):
            if prim.determine_coi(prim.yi_remaining) == 0:
                break
            box = prim.find_box()
            if box is None:
                break
            pt = box.peeling_trajectory
            i = _choose(pt, threshold)
            if i is None:
                traj.append(pt[["id", "coverage", "density", "mass", "res_dim", "n", "k"]]
                            .assign(box=number, chosen=False))
                break
            box.select(i)
            if max_qp is not None:
                i = drop_weak_limits(box, i, max_qp)
            traj.append(box.peeling_trajectory[
                ["id", "coverage", "density", "mass", "res_dim", "n", "k"]]
                .assign(box=number, chosen=lambda d, i=i: d["id"] == i))
            rows.extend(_box_rows(box, i, number, init))
            # the next search starts from the points this box does not hold
            prim._update_yi_remaining(prim)
    boxes = pd.DataFrame(rows, columns=[*BOX_COLUMNS, *LIMIT_COLUMNS])
    trajectories = (pd.concat(traj, ignore_index=True) if traj else
                    pd.DataFrame(columns=["id", "coverage", "density", "mass", "res_dim",
                                          "n", "k", "box", "chosen"]))
    return PrimSearch(boxes=boxes, trajectories=trajectories, n=len(y),
                      n_interest=int(y.sum()), threshold=threshold, peel_alpha=peel_alpha)


def _uniform(x: pd.DataFrame, y: np.ndarray, threshold: float, peel_alpha: float
             ) -> PrimSearch:
    """One regime everywhere (the Workbench needs both): no box if none is concentrating,
    else the whole sampled space, restricting nothing."""
    n, k = len(y), int(y.sum())
    level = {"box": 1, "coverage": 1.0, "density": 1.0, "mass": 1.0, "res_dim": 0, "n": n,
             "k": k, "trajectory_id": 0}
    rows = [] if k == 0 else [{**level, **{c: np.nan for c in LIMIT_COLUMNS},
                               "parameter": None}]
    traj = pd.DataFrame([{"id": 0, "coverage": 1.0 if k else np.nan, "density": k / n,
                          "mass": 1.0, "res_dim": 0, "n": n, "k": k, "box": 1,
                          "chosen": bool(k)}])
    return PrimSearch(boxes=pd.DataFrame(rows, columns=[*BOX_COLUMNS, *LIMIT_COLUMNS]),
                      trajectories=traj, n=n, n_interest=k, threshold=threshold,
                      peel_alpha=peel_alpha)


def drop_weak_limits(box, i: int, max_qp: float) -> int:
    """Drop restrictions a binomial test cannot tell from chance; the new kept index.

    The Workbench gives each restricted limit a quasi-p value (Bryant & Lempert 2010):
    the one-sided binomial probability of the box's density if that limit were removed.
    A restriction whose limits all have quasi-p > `max_qp` is dropped, the weakest
    first, one at a time (the Workbench's `drop_restriction`, which adds the wider box
    to the trajectory), until every remaining restriction passes. The kept box sits at
    the density threshold by the selection rule, so the wider box can fall slightly
    below it: that is the price of naming only restrictions the data support, and the
    table reports the density it has.
    """
    while True:
        weak = {name: min(q for q in pair if q >= 0)
                for name, pair in box.qp[i].items() if any(q >= 0 for q in pair)}
        weak = {name: q for name, q in weak.items() if q > max_qp}
        if not weak:
            return i
        box.drop_restriction(max(weak, key=weak.get), i=i)
        i = len(box.peeling_trajectory) - 1


def prim_boxes(X: pd.DataFrame, concentrating: np.ndarray, *, threshold: float = 0.8,
               peel_alpha: float = 0.05, max_boxes: int = 3,
               max_qp: float | None = None) -> pd.DataFrame:
    """Tidy table of the PRIM boxes where the concentrating regime lives.

    One row per box × restricted parameter (a box that restricts nothing has one row
    with parameter None), with the box-level columns `BOX_COLUMNS` repeated and the
    limits `LIMIT_COLUMNS`. Empty if no box reaches the density `threshold`.
    See `prim_search` for the arguments and the module docstring for the rule.
    """
    return prim_search(X, concentrating, threshold=threshold, peel_alpha=peel_alpha,
                       max_boxes=max_boxes, max_qp=max_qp).boxes


def check_ranges(ranges: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Validated copy of `ranges`: each a float parameter or proprietary_share, lo < hi,
    inside the parameter's allowed range."""
    out = {}
    for name, pair in ranges.items():
        lo, hi = (float(v) for v in pair)
        a_lo, a_hi = axis_range(name)
        if not (a_lo <= lo < hi <= a_hi):
            raise ValueError(f"range of {name} [{lo:g}, {hi:g}] is invalid; need lo < hi "
                             f"inside [{a_lo:g}, {a_hi:g}]")
        out[name] = (lo, hi)
    if not out:
        raise ValueError("ranges is empty; give at least one parameter")
    return out


def params_at(base: Params, theta: Mapping[str, float]) -> Params:
    """`base` with the named values set; proprietary_share s sets η₀ = (1−s)·T and
    η₁ = s·T with T = base.eta0 + base.eta1 (AI intensity at equal access unchanged)."""
    p = base
    for name, value in theta.items():
        p = set_axis(p, name, float(value))
    return p


def mean_field_dgini(params: Params) -> float:
    """Long-run income-Gini change from AI in the analytic mean field (docs/REGIMES.md)."""
    from analysis.regimes.prediction import predict
    return float(predict(params).dgini)


def latin_hypercube(ranges: Mapping[str, tuple[float, float]], n: int, *,
                    seed: int) -> pd.DataFrame:
    """n points of a scrambled Latin hypercube (McKay, Beckman & Conover 1979,
    Technometrics 21(2), doi:10.2307/1268522) scaled to `ranges`, from scipy.stats.qmc."""
    r = check_ranges(ranges)
    if int(n) < 2:
        raise ValueError(f"n={n!r} must be at least 2")
    unit = qmc.LatinHypercube(d=len(r), rng=np.random.default_rng(seed)).random(int(n))
    lo = np.array([v[0] for v in r.values()])
    hi = np.array([v[1] for v in r.values()])
    return pd.DataFrame(qmc.scale(unit, lo, hi), columns=list(r))


def regime_design(ranges: Mapping[str, tuple[float, float]], n: int = 1000, *, seed: int = 0,
                  base: Params | None = None, dgini: Dgini | None = None,
                  progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Latin-hypercube design over `ranges` with each point's ΔGini and regime.

    Columns: the parameters, `dgini` and `concentrating` (dgini > 0, the simulation's
    convention, `analysis.regimes.prediction.regime_of`). Every other parameter stays
    at `base` (default `Params()`). `dgini` maps Params to ΔGini (default: the mean
    field, ~0.07 s a point).
    """
    base = base if base is not None else Params()
    f = dgini if dgini is not None else mean_field_dgini
    X = latin_hypercube(ranges, n, seed=seed)
    values = np.empty(len(X))
    for j, theta in enumerate(X.to_dict("records")):
        values[j] = f(params_at(base, theta))
        if progress is not None:
            progress(j + 1, len(X))
    if not np.isfinite(values).all():
        raise ValueError(f"dgini is not finite at {int((~np.isfinite(values)).sum())} "
                         "design points")
    return X.assign(dgini=values, concentrating=values > 0)
