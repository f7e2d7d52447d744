"""The project's wrapper around SALib 1.6.0: Morris screening and Sobol indices.

SALib does the sampling and the estimators (Herman & Usher 2017, JOSS 2(9),
doi:10.21105/joss.00097); this module adds what the project needs around them:

- explicit seeds everywhere (the design and the bootstrap of the confidence intervals;
  SALib is never left to global random state);
- evaluation of a function over the rows of a design, serially or on a Dask client,
  in chunks that are saved as they finish, so an interrupted analysis resumes where it
  stopped (`cache`);
- one tidy table per method, with an `output` column when the function returns several
  named outputs (ΔGini and the regime indicator come from one mean-field solve).

Morris (1991, Technometrics 33(2), doi:10.1080/00401706.1991.10484804) with the μ*
of Campolongo, Cariboni & Saltelli (2007, Environ. Model. Softw. 22(10),
doi:10.1016/j.envsoft.2006.10.004) screens: μ* ranks parameters by their mean absolute
elementary effect, σ flags interactions and non-linearity. Sobol (2001, Math. Comput.
Simul. 55, doi:10.1016/S0378-4754(00)00270-6) indices apportion variance: S1 is the
share a parameter explains alone, ST the share it is involved in (with interactions),
estimated with Saltelli's scheme (Saltelli et al. 2010, Comput. Phys. Commun. 181(2),
doi:10.1016/j.cpc.2009.09.018), N·(D + 2) evaluations without second-order terms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.sensitivity.ranges import Range, problem

Func = Callable[[np.ndarray], "float | Mapping[str, float]"]
Progress = Callable[[str], None]
CONF_LEVEL = 0.95
NUM_RESAMPLES = 1000
CHUNK = 128


def _rows(func: Func, X: np.ndarray) -> list[dict[str, float]]:
    """func over the rows of X, each result as {output: value} (a scalar becomes "y")."""
    out = []
    for row in X:
        value = func(row)
        if isinstance(value, Mapping):
            out.append({str(k): float(v) for k, v in value.items()})
        else:
            out.append({"y": float(value)})
    return out


def _key(X: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(X, dtype=float).tobytes()).hexdigest()[:16]


def evaluate(func: Func, X: np.ndarray, *, client: Any = None, cache: Path | None = None,
             chunk: int = CHUNK, progress: Progress | None = None) -> pd.DataFrame:
    """func at every row of X, one column per output, rows in X's order.

    Args:
        func: row (1-D array) -> float, or -> {output name: float}; picklable when a
            client is given (a module-level function or a functools.partial of one).
        X: the design, one row per evaluation.
        client: None to evaluate in this process, or a `distributed.Client`.
        cache: a folder: each chunk of rows is saved there as it finishes (named by a
            hash of its rows) and reused by a later call with the same rows. A folder
            belongs to one func: the caller keys it by whatever func depends on (the
            CLI names it by a hash of the base economy and the ranges).
        chunk: rows per task (and per saved file).
        progress: called with a one-line message as chunks finish.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty 2-D design, got shape {X.shape}")
    pieces = [X[i:i + chunk] for i in range(0, len(X), chunk)]
    done: dict[int, list[dict[str, float]]] = {}
    paths: list[Path | None] = [None] * len(pieces)
    if cache is not None:
        cache = Path(cache)
        cache.mkdir(parents=True, exist_ok=True)
        for i, piece in enumerate(pieces):
            paths[i] = cache / f"chunk-{_key(piece)}.parquet"
            if paths[i].exists():
                done[i] = pd.read_parquet(paths[i]).to_dict("records")
    todo = [i for i in range(len(pieces)) if i not in done]
    if progress is not None and done:
        progress(f"  reusing {len(done)}/{len(pieces)} saved chunks of {chunk} rows")

    def finish(i: int, rows: list[dict[str, float]]) -> None:
        done[i] = rows
        if paths[i] is not None:
            tmp = paths[i].with_suffix(".tmp")
            pd.DataFrame(rows).to_parquet(tmp)
            tmp.replace(paths[i])           # a finished chunk appears whole or not at all
        if progress is not None:
            progress(f"  {sum(len(pieces[j]) for j in done)}/{len(X)} evaluations")

    if client is None:
        for i in todo:
            finish(i, _rows(func, pieces[i]))
    elif todo:
        # every chunk is queued at once; results are saved in order (a chunk that
        # finishes early waits in the cluster's memory until its turn)
        futures = [(i, client.submit(_rows, func, pieces[i], pure=False)) for i in todo]
        for i, fut in futures:
            finish(i, fut.result())
    frame = pd.DataFrame([r for i in range(len(pieces)) for r in done[i]])
    if len(frame) != len(X):
        raise RuntimeError(f"evaluated {len(frame)} rows of {len(X)}")
    return frame


# --- Morris ------------------------------------------------------------------------

def morris_design(ranges: Sequence[Range] | Mapping[str, tuple[float, float]], *,
                  trajectories: int, levels: int = 4, seed: int) -> np.ndarray:
    """Morris trajectories, (trajectories·(D + 1)) × D, from SALib with an explicit seed."""
    from SALib.sample import morris as sample

    _check_levels(trajectories, levels)
    return sample.sample(problem(ranges), trajectories, num_levels=levels,
                         seed=np.random.default_rng(seed))


def morris_indices(ranges: Sequence[Range] | Mapping[str, tuple[float, float]],
                   X: np.ndarray, Y: pd.DataFrame, *, levels: int = 4, seed: int,
                   conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """μ*, its bootstrap confidence half-width, σ and μ per parameter and output."""
    from SALib.analyze import morris as analyze

    prob = problem(ranges)
    frames = []
    for k, output in enumerate(Y.columns):
        y = Y[output].to_numpy(dtype=float)
        res = analyze.analyze(prob, np.asarray(X, dtype=float), y, num_resamples=NUM_RESAMPLES,
                              conf_level=conf_level, num_levels=levels,
                              seed=np.random.default_rng([seed, k]))
        frames.append(pd.DataFrame({
            "parameter": prob["names"], "output": output,
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
            "mu": np.asarray(res["mu"], dtype=float)}))
    return _tidy(frames, Y)


def morris(func: Func, ranges: Sequence[Range] | Mapping[str, tuple[float, float]], *,
           trajectories: int, levels: int = 4, seed: int, client: Any = None,
           cache: Path | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Morris screening of func: DataFrame(parameter, mu_star, mu_star_conf, sigma, mu),
    plus `output` when func returns several named outputs.

    Elementary effects are in output units per full range of the parameter (SALib
    scales the step by the range), so μ* compares parameters on their whole ranges.
    """
    X = morris_design(ranges, trajectories=trajectories, levels=levels, seed=seed)
    Y = evaluate(func, X, client=client, cache=cache, progress=progress)
    return morris_indices(ranges, X, Y, levels=levels, seed=seed)


def _check_levels(trajectories: int, levels: int) -> None:
    if trajectories < 2:
        raise ValueError(f"trajectories={trajectories} must be at least 2")
    if levels < 2 or levels % 2:
        raise ValueError(f"levels={levels} must be an even number of at least 2 "
                         "(Morris's symmetric step Δ = levels/(2(levels − 1)))")


# --- Sobol -------------------------------------------------------------------------

def sobol_design(ranges: Sequence[Range] | Mapping[str, tuple[float, float]], *, n: int,
                 seed: int, calc_second_order: bool = False) -> np.ndarray:
    """Saltelli's design on a scrambled Sobol sequence: N·(D + 2) rows (N·(2D + 2) with
    second-order terms); N must be a power of two (the sequence's balance property)."""
    from SALib.sample import sobol as sample

    if n < 2 or n & (n - 1):
        raise ValueError(f"n={n} must be a power of two of at least 2 (the Sobol sequence "
                         "is balanced only at powers of two)")
    return sample.sample(problem(ranges), n, calc_second_order=calc_second_order,
                         scramble=True, seed=np.random.default_rng(seed))


def sobol_indices(ranges: Sequence[Range] | Mapping[str, tuple[float, float]],
                  Y: pd.DataFrame, *, seed: int, calc_second_order: bool = False,
                  conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """S1 and ST with bootstrap confidence half-widths per parameter and output.

    An output without variance over the design (a regime indicator that never switches)
    has no variance to apportion: its indices are NaN, not zero.
    """
    from SALib.analyze import sobol as analyze

    prob = problem(ranges)
    frames = []
    for k, output in enumerate(Y.columns):
        y = Y[output].to_numpy(dtype=float)
        if not np.isfinite(y).all():
            raise ValueError(f"output {output!r} has {int((~np.isfinite(y)).sum())} "
                             "non-finite values")
        if np.var(y) == 0:
            nan = np.full(prob["num_vars"], np.nan)
            res = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
        else:
            res = analyze.analyze(prob, y, calc_second_order=calc_second_order,
                                  num_resamples=NUM_RESAMPLES, conf_level=conf_level,
                                  seed=np.random.default_rng([seed, k]))
        frames.append(pd.DataFrame({
            "parameter": prob["names"], "output": output,
            **{c: np.asarray(res[c], dtype=float) for c in ("S1", "S1_conf", "ST", "ST_conf")}}))
    return _tidy(frames, Y)


def sobol(func: Func, ranges: Sequence[Range] | Mapping[str, tuple[float, float]], *,
          n: int, seed: int, calc_second_order: bool = False, client: Any = None,
          cache: Path | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices of func:
    DataFrame(parameter, S1, S1_conf, ST, ST_conf), plus `output` for named outputs.

    `*_conf` is the half-width of the bootstrap 95% interval (1,000 resamples).
    """
    X = sobol_design(ranges, n=n, seed=seed, calc_second_order=calc_second_order)
    Y = evaluate(func, X, client=client, cache=cache, progress=progress)
    return sobol_indices(ranges, Y, seed=seed, calc_second_order=calc_second_order)


def _tidy(frames: list[pd.DataFrame], Y: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    if list(Y.columns) == ["y"]:
        out = out.drop(columns="output")
    return out
