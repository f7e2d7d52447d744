"""Regime maps: the analytic prediction on a fine grid, the simulation on a coarse one.

The analytic grid evaluates `predict` at every point (deterministic; about a minute for
31 × 31 points). The simulated grid runs every point with and without AI for `seeds`
replicates through the sweep runner (`analysis.regimes.simulated`), so it parallelises
and resumes. The sign rule of the agreement report is the project's one regime rule
(`abm.uncertainty`): a simulated point is decisive when its mean dgini over n seeds is
distinguishable from zero by a two-sided t test at 5% (|mean| > t_{0.975, n−1} · SE;
12.71 SE with 2 seeds, 2.57 with 6), and it agrees when its sign equals the analytic
sign there; points that are not distinguishable from zero are undecided, not
disagreements.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params
from abm.uncertainty import LEVEL, t_critical
from analysis.regimes.prediction import predict
from analysis.regimes.simulated import build_spec, run_spec, summarize
from analysis.regimes_inputs import map_range, set_axis


@dataclass(frozen=True)
class Axis:
    """One axis of a map: a parameter (or proprietary_share) and its range."""

    name: str
    lo: float
    hi: float

    @classmethod
    def of(cls, name: str, bounds: tuple[float, float] | None = None) -> Axis:
        """Axis over `bounds`, or the default map range, checked against the allowed range."""
        return cls(name, *map_range(name, bounds))

    def values(self, n: int) -> np.ndarray:
        """n equally spaced values including both ends."""
        return np.linspace(self.lo, self.hi, n)

    def centres(self, n: int) -> np.ndarray:
        """Centres of n equal cells of the range (rounded to 6 decimals for the sweep)."""
        return np.round(self.lo + (np.arange(n) + 0.5) * (self.hi - self.lo) / n, 6)


def analytic_grid(base: Params, x: Axis, y: Axis, n: int, *,
                  mean_field: dict[str, Any] | None = None) -> pd.DataFrame:
    """Predicted dgini and its terms at every point of an n×n grid (tidy, one row each).

    `mean_field`: options of `predict` (for example `prediction.WITH_CHOICE`, about 1.4 s
    a point instead of 0.03 s); None: its defaults.

    A grid takes about a minute at n = 30; progress goes to stderr (a line rewritten on a
    terminal, a line every 10 s in logs and pipes, nothing for work under that).
    """
    from abm.feedback import Progress

    rows = []
    bar = Progress(n * n, f"analytic map {x.name} × {y.name}")
    for yv in y.values(n):
        for xv in x.values(n):
            p = set_axis(set_axis(base, x.name, xv), y.name, yv)
            rows.append({x.name: xv, y.name: yv,
                         **predict(p, **(mean_field or {})).as_dict()})
            bar.advance()
    if bar.done and bar._last > bar.start:     # a line was written: end it with the total
        bar.close()
    return pd.DataFrame(rows)


def coarse_points(x: Axis, y: Axis, n: int) -> list[dict[str, float]]:
    """The simulated grid: the centres of n×n equal cells, x varying fastest.

    Cell centres keep every simulated point inside the map (ξ = 0.1, 0.3, ..., 0.9 for
    n = 5), away from the edges where a parameter switches a mechanism off entirely.
    """
    return [{x.name: float(xv), y.name: float(yv)} for yv in y.centres(n)
            for xv in x.centres(n)]


def sweep_folder(root: Path, label: str, spec: dict[str, Any]) -> Path:
    """A folder per distinct spec, so the same request resumes and a new one starts fresh."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    return root / f"{label}-{digest}"


def simulate_points(points: list[dict[str, Any]], *, base: Params, fixed: dict[str, Any],
                    seeds: int, periods: int, root_seed: int, out: Path, label: str,
                    client: Any = None, scenario: str = "baseline",
                    mean_field: dict[str, Any] | None = None) -> pd.DataFrame:
    """Simulated dgini (mean, standard error over seeds) and the analytic dgini per point.

    `mean_field`: options of `predict` for the analytic column (for example
    `prediction.WITH_CHOICE`); None: its defaults.
    """
    spec = build_spec(points, base=base, fixed=fixed, seeds=seeds, periods=periods,
                      root_seed=root_seed, scenario=scenario)
    df = run_spec(spec, sweep_folder(out, label, spec), client=client)
    table = summarize(df, points, base, periods)
    preds = [predict(_point(base, v), **(mean_field or {})) for v in points]
    table["dgini"] = [pr.dgini for pr in preds]
    table["compression"] = [pr.compression for pr in preds]
    table["concentration"] = [pr.concentration for pr in preds]
    table["vendors"] = [pr.vendors for pr in preds]
    table["gini_assets_after"] = [pr.after.gini_assets for pr in preds]
    table["cv_before"] = [pr.cv_before for pr in preds]
    table["cv_after"] = [pr.cv_after for pr in preds]
    return classify(table)


def _point(base: Params, values: dict[str, Any]) -> Params:
    p = base
    for k, v in values.items():
        p = p.replace(**{k: v}) if isinstance(v, bool | str) else set_axis(p, k, v)
    return p


def classify(table: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Add the sign rule's columns: t statistic, its critical value, decisive, agree, gap.

    `table` needs `sim_dgini`, `sim_se` and `n_seeds` (the seeds behind each mean).
    """
    t = table.copy()
    t["sim_z"] = t["sim_dgini"] / t["sim_se"]
    t["t_critical"] = [t_critical(int(n), level) for n in t["n_seeds"]]
    t["decisive"] = t["sim_z"].abs() > t["t_critical"]
    t["agree"] = np.where(t["decisive"], np.sign(t["sim_dgini"]) == np.sign(t["dgini"]),
                          np.nan)
    t["gap"] = t["sim_dgini"] - t["dgini"]
    return t


@dataclass(frozen=True)
class Agreement:
    """Sign agreement between the analytic and the simulated dgini over a set of points."""

    n_points: int
    n_decisive: int
    n_agree: int
    disagreements: pd.DataFrame

    @property
    def share(self) -> float:
        """Share of decisive points whose signs agree (NaN when none is decisive)."""
        return self.n_agree / self.n_decisive if self.n_decisive else float("nan")


def agreement(table: pd.DataFrame) -> Agreement:
    """Apply the sign rule to a classified table (`classify`)."""
    decisive = table[table["decisive"]]
    agree = int((decisive["agree"] == 1).sum())
    return Agreement(n_points=len(table), n_decisive=len(decisive), n_agree=agree,
                     disagreements=decisive[decisive["agree"] == 0].copy())
