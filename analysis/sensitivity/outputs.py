"""The model outputs the sensitivity analysis apportions, and the simulated check.

Mean-field outputs (`MeanField`, one `analysis.regimes.predict` solve per row, about
0.07 s):

- `dgini`: the predicted long-run change of the income Gini from AI (docs/REGIMES.md);
- `concentrating`: the regime indicator, 1 where dgini > 0 (the simulation's convention,
  `analysis.regimes.prediction.regime_of`), else 0.

The indicator is a step function of the parameters. Sobol indices of it are well
defined (they apportion the variance p(1 − p) of a Bernoulli variable, p the share of
the ranges' volume that concentrates): S1 of a parameter is the share of that variance
explained by knowing it alone, ST includes its interactions. They say which parameters
move the boundary across the ranges, not how far a point is from it, and with a step
output the interactions (ST − S1) are large by nature.

The simulated check (`simulated_check`) runs the full model at a few points of the
Sobol design, paired runs of one seed with and without AI (`abm.branch.branch`: one
burn-in, two futures, common random numbers), several seeds per point, and compares
the simulated ΔGini (final-period income Gini with AI minus without) with the mean
field's, by the sign rule of `abm regimes` (`analysis.regimes.maps.classify`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params
from analysis.sensitivity.ranges import row_params

OUTPUTS = ("dgini", "concentrating")


@dataclass(frozen=True)
class MeanField:
    """Row -> {dgini, concentrating} of the mean field at the Params the row stands for.

    A frozen dataclass, so it pickles to Dask workers with its base economy.
    """

    names: tuple[str, ...]
    base: Params

    def __call__(self, row: np.ndarray) -> dict[str, float]:
        from analysis.regimes.prediction import predict

        params = row_params(row, self.names, self.base)
        dgini = float(predict(params).dgini)
        if not math.isfinite(dgini):
            raise ValueError(f"the mean field gave dgini={dgini} at {dict(zip(self.names, row))}")
        return {"dgini": dgini, "concentrating": float(dgini > 0)}


@dataclass(frozen=True)
class PairedRun:
    """Row (parameter values, then the seed) -> the simulated ΔGini of one paired run.

    The AI run and its no-AI counterfactual branch from one burn-in of the seed's
    economy; ΔGini is gini_income at the final period T of the first minus the second.
    """

    names: tuple[str, ...]
    base: Params
    periods: int

    def __call__(self, row: np.ndarray) -> dict[str, float]:
        from abm.branch import branch

        row = np.asarray(row, dtype=float)
        params = row_params(row[:-1], self.names, self.base)
        runs = branch(params, seed=int(row[-1]), n_periods=self.periods,
                      variants={"ai": {}, "no_ai": {"ai_enabled": False}})
        on, off = (runs[k]["gini_income"].iloc[-1] for k in ("ai", "no_ai"))
        return {"sim_dgini": float(on - off), "gini_ai": float(on), "gini_no_ai": float(off)}


def sim_base(base: Params, n_workers: int) -> Params:
    """The base economy of the simulated check: `n_workers` workers, the same workers per
    firm as `base` (at least 2 firms)."""
    firms = max(2, round(base.n_firms * n_workers / base.n_workers))
    return base.replace(n_workers=int(n_workers), n_firms=int(firms))


def design_points(X: np.ndarray, n_params: int, k: int) -> np.ndarray:
    """The first k rows of the Sobol design's base matrix A.

    Saltelli's design stacks, for each of its N base points, the row of A, D rows mixing
    A and B, and the row of B; A's rows are the scrambled Sobol sequence itself, whose
    first k points fill the ranges evenly for any k (a low-discrepancy prefix).
    """
    step = n_params + 2
    a_rows = X[::step]
    if k > len(a_rows):
        raise ValueError(f"{k} simulated points asked for, the design has {len(a_rows)}")
    return a_rows[:k]


def simulated_check(points: np.ndarray, names: Sequence[str], *, base: Params,
                    mean_field: np.ndarray, seeds: Sequence[int], periods: int,
                    client: Any = None, cache: Path | None = None,
                    progress: Any = None) -> pd.DataFrame:
    """Mean-field ΔGini beside the simulated one at each point.

    Args:
        points: one row of parameter values per point (in the order of `names`).
        names: the parameters of the rows.
        base: the economy the rows modify (its size is the simulated size).
        mean_field: the mean field's dgini at each point.
        seeds: replicate seeds, the same at every point (common random numbers).
        periods: periods after period 0 (T).
        client, cache, progress: as in `analysis.sensitivity.salib.evaluate`; each
            paired run is one task, saved as it finishes.

    Returns:
        One row per point: the parameter values, `dgini` (mean field), `sim_dgini`
        (mean over seeds), `sim_se` (sd/√n), `n_seeds`, and the sign rule's columns
        (`decisive`: the simulated mean differs from 0 by a two-sided t test at 5%;
        `agree`: the signs agree, NaN where not decisive; `sign_agree`: the signs of the
        two means agree, decisive or not).
    """
    from analysis.regimes.maps import classify
    from analysis.sensitivity.salib import evaluate

    points = np.asarray(points, dtype=float)
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError("the simulated check needs at least 2 seeds per point (an SE)")
    rows = np.array([[*pt, s] for pt in points for s in seeds], dtype=float)
    func = PairedRun(tuple(names), base, int(periods))
    runs = evaluate(func, rows, client=client, cache=cache, chunk=1, progress=progress)
    d = runs["sim_dgini"].to_numpy().reshape(len(points), len(seeds))
    table = pd.DataFrame(points, columns=list(names))
    table.insert(0, "point", np.arange(len(points)))
    table["dgini"] = np.asarray(mean_field, dtype=float)
    table["sim_dgini"] = d.mean(axis=1)
    table["sim_se"] = d.std(axis=1, ddof=1) / math.sqrt(len(seeds))
    table["n_seeds"] = len(seeds)
    table = classify(table)
    table["sign_agree"] = np.sign(table["sim_dgini"]) == np.sign(table["dgini"])
    return table


def agreement_line(table: pd.DataFrame) -> str:
    """One sentence: decisive points whose signs agree, and all points' sign agreement."""
    decisive = table[table["decisive"].astype(bool)]
    agree = int((decisive["agree"] == 1).sum())
    return (f"{agree}/{len(decisive)} decisive points agree in sign "
            f"({len(table) - len(decisive)} of {len(table)} not distinguishable from 0); "
            f"signs of the means agree at {int(table['sign_agree'].sum())}/{len(table)}; "
            f"mean |gap| {float((table['sim_dgini'] - table['dgini']).abs().mean()):.4f}")
