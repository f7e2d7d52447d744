"""Fuzz campaign: valid parameter sets drawn from the declared ranges, invariants after every step.

Run from the repository root (low priority: it takes a while):

    nice -n 10 python scripts/fuzz_params.py --cases 2100 --seed 0
    python scripts/fuzz_params.py --cases 2100 --seed 0 --only 417      # replay one case

Every parameter's range comes from the `Params` metadata (`Params.field_info()`), so a new
parameter is fuzzed without changing this script. Each case picks one drawing mode for
all its parameters:

- ``uniform``: uniform on the declared range;
- ``log-uniform``: log-uniform magnitude on [1e-9·hi, hi] (either sign where the range
  spans zero): tiny values, the region where floating point breaks first;
- ``ends``: each parameter at one end of its range (an open end: the nearest double
  inside; ρ also at the edges ±RHO_MIN of its excluded band); booleans and choices
  uniformly.

Sizes are small whatever the mode (at most 2,000 workers, 100 firms, 6 periods, 5
burn-in periods) so that a case takes a fraction of a second. A draw that `Params`
refuses (a cross-parameter rule) is drawn again. Each case builds the model, checks
`check_invariants` after construction and after every step, and records: an exception
(and where), the first invariant failure, non-finite values in the money, Gini and share
columns, share or money columns outside their bounds (negative totals, shares outside
[0, 1]), an education premium that breaks the documented rule for when it is undefined,
and numpy floating-point warnings. It also counts the cases whose education premium is
undefined (NaN) in some period, which the rule allows.

The summary table counts cases with each kind of defect by mode. ``--out`` writes one
JSON line per defective case (its parameters and what failed) for replay.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import traceback
import warnings
from typing import Any

import numpy as np

from abm import LaborMarketModel, Params, ParameterError
from abm.invariants import check_invariants
from abm.params import RHO_MIN
from abm.simulate import release

MODES = ("uniform", "log-uniform", "ends")
SIZE_CAPS = {"n_workers": 2000, "n_firms": 100, "n_periods": 6, "burn_in": 5}
"""Upper ends used instead of the declared ones: small economies, fast cases."""
LOG_SPAN = 1e-9
"""Log-uniform draws cover magnitudes [LOG_SPAN·hi, hi]."""

MONEY = ("output_total", "wages_total", "owner_income_total", "taxes_total")
GINI = ("gini_income", "gini_wage", "gini_capital_income", "gini_assets", "dgini",
        "ly_wage", "ly_capital", "ly_transfer")
SHARES = ("labor_share", "asset_income_share", "ai_rent_share", "revenue_share_exposed",
          "between_firm_wage_share", "employment_rate")
KINDS = ("exception", "invariant", "nan_money", "nan_gini", "nan_share", "bounds",
         "premium_rule", "fp_warning")


def _numeric(rng: np.random.Generator, mode: str, lo: float, hi: float, lo_open: bool,
             hi_open: bool, integer: bool) -> float | int:
    """One value of a numeric parameter on [lo, hi] in the given mode."""
    if integer:
        if mode == "ends":
            return int(lo if rng.random() < 0.5 else hi)
        if mode == "log-uniform":
            return int(round(math.exp(rng.uniform(math.log(max(lo, 1)), math.log(max(hi, 1))))))
        return int(rng.integers(lo, hi + 1))
    lo_in = float(np.nextafter(lo, hi)) if lo_open else float(lo)
    hi_in = float(np.nextafter(hi, lo)) if hi_open else float(hi)
    if mode == "ends":
        return lo_in if rng.random() < 0.5 else hi_in
    if mode == "uniform":
        return float(min(max(rng.uniform(lo, hi), lo_in), hi_in))
    # log-uniform magnitude; where the range spans zero, the sign in proportion to it
    if lo < 0 < hi:
        top = -lo if rng.random() < -lo / (hi - lo) else hi
        sign = -1.0 if top == -lo else 1.0
    else:
        top, sign = (hi, 1.0) if hi > 0 else (-lo, -1.0)
    bottom = max(abs(lo) if lo > 0 else 0.0, top * LOG_SPAN)
    value = sign * math.exp(rng.uniform(math.log(bottom), math.log(top)))
    return float(min(max(value, lo_in), hi_in))


def draw_values(rng: np.random.Generator, mode: str) -> dict[str, Any]:
    """One set of raw parameter values (possibly refused by `Params`' cross-rules)."""
    values: dict[str, Any] = {}
    for info in Params.field_info():
        name, kind = info["name"], info["type"]
        if kind == "bool":
            values[name] = bool(rng.random() < 0.5)
        elif kind == "str":
            values[name] = str(rng.choice(info["choices"]))
        else:
            hi = info["hi"]
            if name in SIZE_CAPS:
                hi = min(hi, SIZE_CAPS[name])
            if name == "n_tasks":          # n_workers >= 5·n_tasks: draw after n_workers
                continue
            values[name] = _numeric(rng, mode, info["lo"], hi, info["lo_open"],
                                    info["hi_open"], kind == "int")
            if name == "rho" and mode == "ends" and rng.random() < 0.5:
                values[name] = float(rng.choice((-RHO_MIN, RHO_MIN)))   # the excluded band's edges
    info = next(i for i in Params.field_info() if i["name"] == "n_tasks")
    hi = min(info["hi"], values["n_workers"] // 5)
    values["n_tasks"] = _numeric(rng, mode, info["lo"], hi, False, False, True)
    return values


def draw_params(seed: int, case: int) -> tuple[str, Params, int]:
    """The case's mode, a valid `Params` and the model seed, all from (seed, case)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(case,)))
    mode = MODES[case % len(MODES)]
    for _ in range(1000):
        try:
            params = Params(**draw_values(rng, mode))
        except ParameterError:
            continue
        return mode, params, int(rng.integers(2**31))
    raise RuntimeError(f"case {case}: no valid parameter set in 1000 draws")


def _bad_columns(frame: Any, names: tuple[str, ...]) -> list[str]:
    return [c for c in names if not np.isfinite(frame[c].to_numpy(dtype=float)).all()]


def _out_of_bounds(frame: Any) -> list[str]:
    bad = [c for c in MONEY if (frame[c].to_numpy(dtype=float) < 0).any()]
    for c in SHARES:
        v = frame[c].to_numpy(dtype=float)
        if ((v < 0) | (v > 1)).any():
            bad.append(c)
    return bad


def premium_follows_rule(model: LaborMarketModel) -> bool:
    """`education_premium` is NaN exactly when education does not vary within any task
    among the employed, or fewer than three are employed (docs/MODEL.md §4)."""
    w, n_tasks = model.economy.workers, model.economy.tasks.n
    emp = w.employer >= 0
    task, e = w.task[emp], w.education[emp].astype(np.int64)
    n = np.bincount(task, minlength=n_tasks)
    s1 = np.bincount(task, weights=e, minlength=n_tasks).astype(np.int64)
    s2 = np.bincount(task, weights=e * e, minlength=n_tasks).astype(np.int64)
    identified = emp.sum() >= 3 and bool((n * s2 - s1 * s1 > 0).any())
    return math.isnan(model.metrics["education_premium"]) != identified


def run_case(params: Params, seed: int) -> dict[str, Any]:
    """Run one economy; what went wrong, by kind (empty if nothing)."""
    found: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = None
        where = "construction"
        try:
            model = LaborMarketModel(params, seed=seed, agents=False)
            for step in range(params.n_periods + 1):
                if step:
                    where = f"step {step}"
                    model.step()
                if "premium_rule" not in found and not premium_follows_rule(model):
                    found["premium_rule"] = where
                if "invariant" not in found:
                    try:
                        check_invariants(model)
                    except AssertionError as exc:
                        found["invariant"] = f"{where}: {exc}"
        except Exception as exc:  # noqa: BLE001 - counting every kind is the point
            found["exception"] = (f"{where}: {type(exc).__name__}: {exc} "
                                  f"[{traceback.extract_tb(exc.__traceback__)[-1].name}]")
        if model is not None:
            frame = model.model_frame()
            for kind, names in (("nan_money", MONEY), ("nan_gini", GINI),
                                ("nan_share", SHARES)):
                bad = _bad_columns(frame, names)
                if bad:
                    found[kind] = bad
            found_info = frame["education_premium"].isna().any()
            if found_info:
                found["premium_undefined"] = True
            bounds = _out_of_bounds(frame)
            if bounds:
                found["bounds"] = bounds
            release(model)
    fp = sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)})
    if fp:
        found["fp_warning"] = fp
    return found


def summary_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """Cases with each kind of defect, by mode and in all."""
    header = ["mode", "cases", *KINDS, "any", "premium NaN (allowed)"]
    lines = []
    for mode in (*MODES, "all"):
        sel = [f for m, f in rows if mode in (m, "all")]
        counts = [sum(kind in f for f in sel) for kind in KINDS]
        lines.append([mode, len(sel), *counts, sum(any(k in f for k in KINDS) for f in sel),
                      sum("premium_undefined" in f for f in sel)])
    width = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    fmt = "  ".join(f"{{:>{w}}}" for w in width)
    return "\n".join([fmt.format(*header), *(fmt.format(*line) for line in lines)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2100, help="parameter sets (>= 1)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (>= 0)")
    parser.add_argument("--only", type=int, default=None, help="replay this case index only")
    parser.add_argument("--out", default=None, help="JSON lines of defective cases")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.seed < 0:
        print(f"--cases={args.cases} must be >= 1 and --seed={args.seed} >= 0",
              file=sys.stderr)
        return 2
    if args.only is not None and not 0 <= args.only < args.cases:
        print(f"--only={args.only} must be in [0, {args.cases - 1}]", file=sys.stderr)
        return 2
    out = None
    if args.out:
        try:
            out = open(args.out, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            print(f"--out={args.out!r} cannot be written: {exc.strerror}", file=sys.stderr)
            return 2
    cases = [args.only] if args.only is not None else range(args.cases)
    rows = []
    start = time.perf_counter()
    for case in cases:
        mode, params, model_seed = draw_params(args.seed, case)
        found = run_case(params, model_seed)
        rows.append((mode, found))
        if any(k in found for k in KINDS) and (out or args.only is not None):
            record = {"case": case, "mode": mode, "seed": model_seed,
                      "params": params.to_dict(), "found": found}
            if out:
                out.write(json.dumps(record) + "\n")
                out.flush()
            else:
                print(json.dumps(record, indent=1))
        if args.only is None and (case + 1) % 100 == 0:
            print(f"{case + 1} cases, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    if out:
        out.close()
    print(f"{len(rows)} cases (seed {args.seed}) in {time.perf_counter() - start:.0f} s")
    print(summary_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
