"""Simulated evidence: paired AI / no-AI runs per cell and seed, reduced to small tables.

A cell is a set of parameter changes from the empirics' base economy. For each cell and
seed, `analyse_pair` runs the economy with and without AI (same seed), builds the
simulated occupations and their regressions (`occupations`), and keeps the task-level
truth, the gains by ability quintile, the model-level statistics at the last period and
per-task changes. Seeds are the independent units: every standard error in the
simulated tables is across seeds (clustered by seed), never across workers or tasks of
one run. Runs are spread over processes with `concurrent.futures` (spawned, so the
compiled model loops load from numba's cache in each).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.empirics import model_io
from analysis.empirics import occupations as occ
from analysis.empirics.regress import OUTCOMES, SPECS, fit, single_threaded

BASE = {"n_workers": 20_000}
"""The empirics' base economy: the model defaults with 20,000 workers (1,000 per task),
enough for percentiles of 60 occupations of about 330 workers each."""

FRAME_COLUMNS = ("within_task_cv_exposed", "education_premium_codifiable",
                 "education_premium_social", "return_codifiable_education",
                 "return_social_education", "codifiable_employment_share",
                 "credential_requirement_exposed",
                 "credential_requirement_unexposed", "between_firm_wage_share",
                 "diagnostic_variance", "gini_income")


@dataclass(frozen=True)
class Cell:
    """A named set of parameter changes from the base economy."""

    name: str
    changes: dict[str, Any] = field(default_factory=dict)


TECHNOLOGY = {"commodity": {"eta0": 1.0, "eta1": 0.0}, "proprietary": {"eta0": 0.0, "eta1": 1.0}}


def aggregation_cells(xis: Iterable[float] = (0.1, 0.5), sigmas: Iterable[float] = (2.0, 0.5)
                      ) -> list[Cell]:
    """Technology structure × ξ × σ, the grid of the simulated-aggregation table."""
    return [Cell(f"{tech} xi={xi:g} sigma={sigma:g}", {**eta, "xi": xi, "sigma": sigma})
            for tech, eta in TECHNOLOGY.items() for xi in xis for sigma in sigmas]


def analyse_pair(changes: dict[str, Any], seed: int, base: dict[str, Any],
                 design: occ.Design | None) -> dict[str, Any]:
    """Everything the tables need from one paired run (small: no worker arrays).

    With `design` None the simulated occupations and their regressions are skipped
    (the hypotheses do not need them).
    """
    params = model_io.make_params(base, **changes)
    ai, noai = model_io.run_pair(params, seed)
    truth = occ.task_truth(ai, noai)
    regs = []
    if design is not None:
        rng = np.random.default_rng([seed, 14])           # the occupations' own stream
        occupations, panels = occ.build(ai, noai, design, rng)
        with single_threaded():
            for name, p in panels.items():
                for exposure in ("measured", "exposure"):
                    for spec in SPECS:
                        for outcome in OUTCOMES:
                            regs.append({"panel": name, "exposure": exposure, "spec": spec,
                                         "outcome": outcome,
                                         **fit(p, outcome, exposure, spec)})
        truth["sd_exposure"] = float(occupations["exposure"].std(ddof=1))
        truth["corr_measured_wage"] = float(np.corrcoef(occupations["measured"],
                                                        occupations["log_median_base"])[0, 1])
    last_ai, last_no = ai.frame.iloc[-1], noai.frame.iloc[-1]
    frame = {f"{c}_ai": float(last_ai[c]) for c in FRAME_COLUMNS}
    frame |= {f"{c}_noai": float(last_no[c]) for c in FRAME_COLUMNS}
    tasks = pd.DataFrame({
        "task": ai.tasks_end.index, "codifiable": ai.tasks_end["codifiable"].to_numpy(),
        "ai_weight": ai.tasks_end["ai_weight"].to_numpy(),
        "d_requirement": (ai.tasks_end["credential_requirement"]
                          - noai.tasks_end["credential_requirement"]).to_numpy(),
        "d_cv": (ai.tasks_end["within_task_cv"] - noai.tasks_end["within_task_cv"]).to_numpy()})
    return {"seed": seed, "regs": pd.DataFrame(regs), "truth": truth, "frame": frame,
            "gains": occ.gains_by_quintile(ai, noai).reset_index(), "tasks": tasks}


def _job(args: tuple) -> tuple[str, dict[str, Any]]:
    cell, seed, base, design = args
    return cell.name, analyse_pair(cell.changes, seed, base, design)


@dataclass
class Results:
    """Per-cell lists of `analyse_pair` outputs (one per seed)."""

    cells: list[Cell]
    by_cell: dict[str, list[dict[str, Any]]]

    def stack(self, key: str) -> pd.DataFrame:
        """One table of a per-seed output across cells and seeds (cell, seed columns)."""
        frames = []
        for name, runs in self.by_cell.items():
            for r in runs:
                part = r[key]
                df = pd.DataFrame([part]) if isinstance(part, dict) else part.copy()
                df.insert(0, "seed", r["seed"])
                df.insert(0, "cell", name)
                frames.append(df)
        return pd.concat(frames, ignore_index=True)


def run_cells(cells: list[Cell], seeds: list[int], *, base: dict[str, Any] | None = None,
              design: occ.Design | None = None, occupations: bool = True, workers: int = 1,
              progress: Callable[[str], None] | None = None) -> Results:
    """Run every cell for every seed, serially or on `workers` processes.

    Args:
        base: the economy the cells change (default `BASE`).
        design: the simulated occupations (default `occupations.Design()`).
        occupations: False skips occupations and regressions (hypotheses only).
    """
    base = dict(BASE if base is None else base)
    design = (design or occ.Design()) if occupations else None
    jobs = [(c, s, base, design) for c in cells for s in seeds]
    by_cell: dict[str, list[dict[str, Any]]] = {c.name: [] for c in cells}
    if workers <= 1:
        done = map(_job, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("spawn"))
        done = pool.map(_job, jobs)
    try:
        for k, (name, out) in enumerate(done, 1):
            by_cell[name].append(out)
            if progress:
                progress(f"{k}/{len(jobs)} {name} seed {out['seed']}")
    finally:
        if pool is not None:
            pool.shutdown()
    for runs in by_cell.values():
        runs.sort(key=lambda r: r["seed"])
    return Results(cells=cells, by_cell=by_cell)


def seed_mean(values: pd.Series) -> tuple[float, float]:
    """Mean over seeds and its standard error (seed-clustered: sd/√S)."""
    v = values.dropna().to_numpy(float)
    if len(v) < 2:
        return (float(v.mean()) if len(v) else np.nan), np.nan
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))
