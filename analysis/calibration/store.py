"""The saved estimate: one JSON file that policies, sensitivity and scenarios read.

Layout (docs/CALIBRATION.md, "The saved estimate"):

    {"params": {name: value}, "se": {name: se},
     "cov": {"names": [...], "matrix": [[...]]},
     "fixed": {name: value}, "base": Params.to_dict() of the base economy,
     "targets": {name: {"value", "se", "simulated"}},
     "meta": {"seeds", "n_workers", "m6", "date", "criterion", ...}}

JSON rather than a pickle of the estimagic result: readable, diffable when committed
(analysis/data/calibrated.json), and independent of library versions. An undefined number
(an SE of an unidentified parameter) is written as null and read back as NaN.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REQUIRED = ("params", "se", "cov", "fixed", "base", "targets", "meta")


class FitFileError(ValueError):
    """A saved estimate cannot be read; the one-line message names the file and the fault."""


@dataclasses.dataclass(frozen=True)
class SavedFit:
    """A saved estimate read back: estimates, SEs, covariance, fixed values, base economy."""

    params: pd.Series
    se: pd.Series
    cov: pd.DataFrame
    fixed: dict[str, float]
    base: dict[str, Any]
    targets: dict[str, dict[str, float]]
    meta: dict[str, Any]
    path: str = ""

    def to_params(self) -> Any:
        """The calibrated economy: base + fixed values + estimates (through space.to_params)."""
        from abm.params import Params
        from analysis.calibration.space import FREE, to_params

        in_space = {f.name for f in FREE}
        base = Params.from_dict(self.base)
        off_space = {k: v for k, v in self.fixed.items() if k not in in_space}
        if off_space:
            base = base.replace(**off_space)
        theta = {**{k: v for k, v in self.fixed.items() if k in in_space},
                 **self.params.to_dict()}
        return to_params(theta, base)


def save_fit(fit: Any, path: str | Path, *, base: Any = None, m6: float | None = None) -> None:
    """Write `fit` as JSON to `path` (base: the base economy, default the fit's own)."""
    names = list(fit.params.index)
    base_dict = (base.to_dict() if hasattr(base, "to_dict") else base) if base is not None \
        else fit.meta.get("base")
    if not isinstance(base_dict, dict):
        raise ValueError("save_fit needs the base economy: the fit carries none; "
                         "pass base=Params(...)")
    table = fit.moments
    if m6 is None and "dgini" in table.index:
        m6 = float(table.at["dgini", "empirical"])
    # the evaluation log's path names a folder of the machine that ran the fit: it is
    # not part of the estimate (a committed estimate must not carry machine paths)
    meta = {k: v for k, v in fit.meta.items() if k not in ("base", "log")}
    meta.update({"m6": m6, "date": datetime.datetime.now(datetime.UTC).isoformat(
        timespec="seconds"), "criterion": float(fit.criterion),
        "n_evaluations": int(fit.n_evaluations), "seconds": float(fit.seconds),
        "seconds_in_model": float(fit.seconds_in_model),
        "identification": fit.identification})
    doc = {"params": {n: _num(fit.params[n]) for n in names},
           "se": {n: _num(fit.se[n]) for n in names},
           "cov": {"names": names,
                   "matrix": [[_num(v) for v in row]
                              for row in fit.cov.loc[names, names].to_numpy()]},
           "fixed": {k: float(v) for k, v in fit.fixed.items()},
           "base": base_dict,
           "targets": {n: {"value": _num(table.at[n, "empirical"]),
                           "se": _num(table.at[n, "se"]),
                           "simulated": _num(table.at[n, "simulated"])} for n in table.index},
           "meta": _plain(meta)}
    Path(path).write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")


def load_fit(path: str | Path) -> SavedFit:
    """Read a saved estimate; FitFileError (one line) if it is missing or malformed."""
    path = Path(path)
    where = f"{path}: not a saved estimate:"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FitFileError(f"{path}: cannot read the saved estimate "
                           f"({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FitFileError(f"{where} line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(doc, dict):
        raise FitFileError(f"{where} the top level must be an object with keys "
                           f"{', '.join(REQUIRED)}")
    missing = [k for k in REQUIRED if k not in doc]
    if missing:
        raise FitFileError(f"{where} missing {', '.join(missing)}; required: "
                           f"{', '.join(REQUIRED)}")
    params = _numbers(doc["params"], "params", where, allow_null=False)
    se = _numbers(doc["se"], "se", where, allow_null=True)
    if list(se) != list(params):
        raise FitFileError(f"{where} se names {list(se)} differ from params {list(params)}")
    cov = doc["cov"]
    if not isinstance(cov, dict) or cov.get("names") != list(params):
        raise FitFileError(f"{where} cov.names must list the params in order: "
                           f"{list(params)}")
    matrix = cov.get("matrix")
    n = len(params)
    if not (isinstance(matrix, list) and len(matrix) == n
            and all(isinstance(r, list) and len(r) == n for r in matrix)):
        raise FitFileError(f"{where} cov.matrix must be a {n}×{n} list of lists")
    rows = [list(_numbers(dict(enumerate(r)), "cov.matrix", where, allow_null=True).values())
            for r in matrix]
    fixed = _numbers(doc["fixed"], "fixed", where, allow_null=False)
    for key in ("base", "targets", "meta"):
        if not isinstance(doc[key], dict):
            raise FitFileError(f"{where} {key} must be an object")
    names = list(params)
    return SavedFit(params=pd.Series(params, dtype=float), se=pd.Series(se, dtype=float),
                    cov=pd.DataFrame(np.array(rows, dtype=float).reshape(n, n), index=names,
                                     columns=names),
                    fixed=fixed, base=doc["base"], targets=doc["targets"], meta=doc["meta"],
                    path=str(path))


def _numbers(value: Any, key: str, where: str, *, allow_null: bool) -> dict:
    if not isinstance(value, dict):
        raise FitFileError(f"{where} {key} must be an object of numbers")
    out = {}
    for name, v in value.items():
        if v is None and allow_null:
            out[name] = math.nan
        elif isinstance(v, bool) or not isinstance(v, int | float):
            raise FitFileError(f"{where} {key}.{name} = {v!r} must be a number")
        else:
            out[name] = float(v)
    return out


def _num(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python numbers, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
