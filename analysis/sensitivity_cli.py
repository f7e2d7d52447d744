"""`abm sensitivity`: which parameters decide AI's effect on inequality.

    abm sensitivity --out results/sensitivity
        Morris screening, then Sobol first-order and total indices (with 95% intervals)
        of the mean field's ΔGini and regime indicator, then paired simulations at the
        first points of the Sobol design, then PRIM boxes of the concentrating regime
        (and, with a calibrated economy, the regime probability under its uncertainty).

Writes morris.csv, sobol.csv, sobol_samples.parquet, simulated_check.csv, prim_boxes.csv,
figures (sobol_indices, morris, simulated_check; PNG and PDF) and report.md in --out,
with a log (sensitivity.log). Each finished stage is saved with the settings it ran
under (state.json) and reused when the command is rerun with the same settings; inside a
stage, mean-field chunks and paired runs are saved as they finish (cache/), so an
interrupted run resumes where it stopped. Every input is checked before any work; a bad
one prints one line `abm: error: ...` and exits with status 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from abm.cli_checks import (BadInput, RaisingParser, check_out_folder, cluster_errors,
                            run_tool)
from scenarios.calibrated import ESTIMATE as CALIBRATED  # the committed estimate's path

PRIM_COLUMNS = ("box", "coverage", "density", "mass", "parameter", "lower", "upper",
                "range_lower", "range_upper")


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm sensitivity",
                      description="Morris and Sobol sensitivity of the mean field's ΔGini and "
                                  "regime, a simulated check, PRIM boxes (docs/SENSITIVITY.md).")
    p.add_argument("--out", required=True, help="output folder (rerun to resume)")
    p.add_argument("--n", type=int, default=512,
                   help="Sobol base sample N, a power of two: N·(D+2) mean-field solves (512)")
    p.add_argument("--trajectories", type=int, default=20, help="Morris trajectories (20)")
    p.add_argument("--levels", type=int, default=4, help="Morris grid levels, even (4)")
    p.add_argument("--sim-points", type=int, default=16,
                   help="points of the Sobol design simulated (16; 0 skips the check)")
    p.add_argument("--seeds", type=int, default=3, help="seeds per simulated point (3)")
    p.add_argument("--sim-workers", type=int, default=2000,
                   help="workers in each simulated economy (2000)")
    p.add_argument("--periods", type=int, default=30, help="years after period 0, T (30)")
    p.add_argument("--seed", type=int, default=0, help="seed of the designs and bootstraps (0)")
    p.add_argument("--draws", type=int, default=1000,
                   help="draws of the regime probability under the calibrated uncertainty "
                        "(1000; needs the calibrated economy)")
    p.add_argument("--scenario-fit", action="append", default=[], metavar="LABEL=FILE",
                   help="another saved estimate (the fit.json of `abm calibrate --m6 VALUE "
                        "--stages fit --out DIR`) whose regime probability is reported "
                        "beside the committed one's: the ΔGini target as a scenario "
                        "(repeatable)")
    p.add_argument("--workers", type=int, default=1,
                   help="local Dask worker processes (1: in this process)")
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    p.add_argument("--base", choices=("calibrated", "defaults"), default=None,
                   help="base economy: the calibrated one (analysis/data/calibrated.json) or "
                        "Params() defaults (default: calibrated when the file exists)")
    return p


def _validate(args: argparse.Namespace) -> None:
    """Check every argument (standard library only); raises BadInput with one line."""
    for name, value, low, high in (("--n", args.n, 2, 1 << 16),
                                   ("--trajectories", args.trajectories, 2, 1000),
                                   ("--levels", args.levels, 2, 20),
                                   ("--sim-points", args.sim_points, 0, 1000),
                                   ("--seeds", args.seeds, 2, 100),
                                   ("--sim-workers", args.sim_workers, 100, 50_000),
                                   ("--periods", args.periods, 1, 200),
                                   ("--seed", args.seed, 0, 2**32 - 1),
                                   ("--draws", args.draws, 10, 100_000),
                                   ("--workers", args.workers, 1, 256)):
        if not low <= value <= high:
            raise BadInput(f"{name}={value} is out of range; allowed {low}..{high}")
    if args.n & (args.n - 1):
        raise BadInput(f"--n={args.n} must be a power of two (the Sobol sequence is "
                       "balanced only there), e.g. 256, 512, 1024")
    if args.levels % 2:
        raise BadInput(f"--levels={args.levels} must be even")
    if args.sim_points > args.n:
        raise BadInput(f"--sim-points={args.sim_points} exceeds the {args.n} base points "
                       "of the Sobol design (--n)")
    if args.scheduler is not None:
        if ":" not in args.scheduler:
            raise BadInput(f"--scheduler={args.scheduler!r} must be a Dask scheduler address "
                           "such as tcp://host:8786")
        if args.workers != 1:
            raise BadInput("--workers sizes a local cluster; an external --scheduler has "
                           "the workers started on it")
    if not str(args.out).strip():
        raise BadInput("--out must name a folder, got an empty string")
    args.out = Path(args.out)
    check_out_folder(args.out)
    if args.base == "calibrated" and not CALIBRATED.exists():
        raise BadInput(f"--base calibrated: {CALIBRATED} does not exist yet; use "
                       "--base defaults")
    args.scenario_fits = {}
    for text in args.scenario_fit:
        label, sep, path = text.partition("=")
        if not sep or not label.strip() or not path.strip():
            raise BadInput(f"--scenario-fit expects LABEL=FILE, got {text!r}")
        if label.strip() in args.scenario_fits or label.strip() == "committed":
            raise BadInput(f"--scenario-fit: label {label.strip()!r} is used twice "
                           "('committed' is the committed estimate's)")
        if not Path(path).is_file():
            raise BadInput(f"--scenario-fit {label.strip()}: {path} is not a file")
        args.scenario_fits[label.strip()] = Path(path)


def _base(args: argparse.Namespace) -> tuple[Any, str]:
    """The base economy and a sentence saying which it is."""
    from abm.params import Params

    use = args.base or ("calibrated" if CALIBRATED.exists() else "defaults")
    if use == "defaults" and getattr(args, "scenario_fits", None):
        raise BadInput("--scenario-fit needs the calibrated economy as the base "
                       f"({CALIBRATED.name}); it is not used with the defaults")
    if use == "defaults":
        note = ("the Params() defaults" if args.base else
                f"the Params() defaults ({CALIBRATED.name} not found)")
        return Params().replace(n_periods=args.periods), note
    try:
        from analysis.calibration.store import load_fit

        base = load_fit(CALIBRATED).to_params()
    except Exception as exc:  # noqa: BLE001 - any failure to read it is bad input
        raise BadInput(f"cannot load {CALIBRATED}: {' '.join(str(exc).split())}") from None
    for label, path in getattr(args, "scenario_fits", {}).items():
        try:
            load_fit(path).to_params()
        except Exception as exc:  # noqa: BLE001 - any failure to read it is bad input
            raise BadInput(f"--scenario-fit {label}: {' '.join(str(exc).split())}") from None
    return base.replace(n_periods=args.periods), f"the calibrated economy ({CALIBRATED})"


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm sensitivity` (argv: the arguments after `sensitivity`)."""
    return run_tool(_parser, _checked, lambda args, checked: _execute(args, *checked), argv,
                    cluster_errors)


def _checked(args: argparse.Namespace) -> tuple[Any, str]:
    """Every check, then the base economy and the sentence saying which it is."""
    _validate(args)
    return _base(args)


class _Log:
    """Progress lines on the terminal and, time-stamped, in DIR/sensitivity.log."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, message: str) -> None:
        print(message, flush=True)
        with self.path.open("a") as fh:
            fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")


def _key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


class _Stages:
    """Finished stages in DIR/state.json: name -> {key, seconds}; reused when keys match."""

    def __init__(self, out: Path) -> None:
        self.path = out / "state.json"
        self.state = json.loads(self.path.read_text()) if self.path.exists() else {}

    def done(self, name: str, key: str, files: list[Path]) -> bool:
        entry = self.state.get(name)
        return bool(entry and entry["key"] == key and all(f.exists() for f in files))

    def finish(self, name: str, key: str, seconds: float) -> None:
        self.state[name] = {"key": key, "seconds": round(seconds, 2)}
        self.path.write_text(json.dumps(self.state, indent=1))

    def seconds(self, name: str) -> float:
        return float(self.state.get(name, {}).get("seconds", float("nan")))


def _execute(args: argparse.Namespace, base: Any, note: str) -> int:
    import contextlib

    if args.scheduler is None and args.workers == 1:
        cm: Any = contextlib.nullcontext(None)
    else:
        from abm.sweep.cluster import dask_client

        cm = dask_client(args.scheduler, workers=None if args.scheduler else args.workers)
    with cm as client:                   # an unreachable scheduler is refused before --out
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        log = _Log(out / "sensitivity.log")
        where = "in this process" if client is None else f"on Dask ({client.scheduler.address})"
        log(f"abm sensitivity: base economy = {note}; output in {out}; evaluating {where}")
        _stages(args, base, note, client, log)
    return 0


def _stages(args: argparse.Namespace, base: Any, note: str, client: Any, log: _Log) -> None:
    import pandas as pd

    from analysis.sensitivity import figures, outputs, report, salib
    from analysis.sensitivity.ranges import default_ranges

    out: Path = args.out
    ranges = default_ranges(base)
    names = tuple(r.name for r in ranges)
    symbols = {r.name: r.symbol for r in ranges}
    d = len(names)
    mf_key = _key(base.to_dict(), [(r.name, r.lo, r.hi) for r in ranges])
    func = outputs.MeanField(names, base)
    stages = _Stages(out)
    cache = out / "cache" / f"meanfield-{mf_key}"

    # 1. Morris screening
    key = _key(mf_key, args.trajectories, args.levels, args.seed)
    path = out / "morris.csv"
    if stages.done("morris", key, [path]):
        log("morris: reusing morris.csv")
        morris = pd.read_csv(path)
    else:
        n_eval = args.trajectories * (d + 1)
        log(f"morris: {args.trajectories} trajectories x {d + 1} = {n_eval} mean-field solves")
        t0 = time.perf_counter()
        morris = salib.morris(func, ranges, trajectories=args.trajectories, levels=args.levels,
                              seed=args.seed, client=client, cache=cache, progress=log)
        morris.to_csv(path, index=False)
        stages.finish("morris", key, time.perf_counter() - t0)

    # 2. Sobol indices
    key = _key(mf_key, args.n, args.seed)
    path, samples = out / "sobol.csv", out / "sobol_samples.parquet"
    if stages.done("sobol", key, [path, samples]):
        log("sobol: reusing sobol.csv")
        sobol, design = pd.read_csv(path), pd.read_parquet(samples)
    else:
        X = salib.sobol_design(ranges, n=args.n, seed=args.seed)
        log(f"sobol: N = {args.n} x (D + 2 = {d + 2}) = {len(X)} mean-field solves")
        t0 = time.perf_counter()
        Y = salib.evaluate(func, X, client=client, cache=cache, progress=log)
        sobol = salib.sobol_indices(ranges, Y, seed=args.seed)
        sobol.to_csv(path, index=False)
        design = pd.concat([pd.DataFrame(X, columns=list(names)), Y], axis=1)
        design.to_parquet(samples)
        stages.finish("sobol", key, time.perf_counter() - t0)
    share = float(design["concentrating"].mean())

    # 3. the simulated check
    check, agreement = None, ""
    path = out / "simulated_check.csv"
    if args.sim_points:
        sb = outputs.sim_base(base, args.sim_workers)
        key = _key(mf_key, args.n, args.seed, args.sim_points, args.seeds, sb.to_dict())
        if stages.done("simulated", key, [path]):
            log("simulated check: reusing simulated_check.csv")
            check = pd.read_csv(path)
        else:
            X = design[list(names)].to_numpy()
            pts = outputs.design_points(X, d, args.sim_points)
            mf = design["dgini"].to_numpy()[::d + 2][:args.sim_points]
            log(f"simulated check: {args.sim_points} points x {args.seeds} seeds, paired "
                f"AI / no-AI runs of {sb.n_workers} workers, T = {base.n_periods}")
            t0 = time.perf_counter()
            check = outputs.simulated_check(
                pts, names, base=sb, mean_field=mf, seeds=range(1, args.seeds + 1),
                periods=base.n_periods, client=client,
                cache=out / "cache" / f"paired-{key}", progress=log)
            check.to_csv(path, index=False)
            stages.finish("simulated", key, time.perf_counter() - t0)
        agreement = outputs.agreement_line(check)
        log(f"simulated check: {agreement}")

    # 4. PRIM boxes and the regime probability, where those modules are present
    extra = _discovery(args, base, design, names, stages, mf_key, log)

    log("figures and report ...")
    sub = f"{note}; Sobol N = {args.n}, Morris r = {args.trajectories}"
    figures.sobol_bars(sobol, out / "sobol_indices", symbols=symbols, subtitle=sub)
    figures.morris_plane(morris, out / "morris", symbols=symbols, subtitle=sub)
    if check is not None:
        figures.simulated_scatter(check, out / "simulated_check",
                                  subtitle=f"{len(check)} points x {args.seeds} seeds")
    settings = {"base": note, "T": base.n_periods, "Sobol N": args.n,
                "mean-field solves (Sobol)": args.n * (d + 2),
                "Morris trajectories": args.trajectories, "levels": args.levels,
                "seed": args.seed, "simulated points": args.sim_points,
                "seeds per point": args.seeds, "simulated workers": args.sim_workers}
    timings = {k: stages.seconds(k) for k in ("morris", "sobol", "simulated", "prim",
                                              "probability") if k in stages.state}
    text = report.markdown(settings=settings, ranges=ranges, morris=morris, sobol=sobol,
                           share_concentrating=share, check=check, agreement=agreement,
                           timings=timings, extra=extra)
    (out / "report.md").write_text(text)
    _summary(sobol, log)
    log(f"wrote {out}/report.md, sobol.csv, morris.csv, simulated_check.csv, figures")


def _discovery(args: argparse.Namespace, base: Any, design: Any, names: tuple[str, ...],
               stages: _Stages, mf_key: str, log: _Log) -> list[str]:
    """PRIM boxes on the Sobol design; the regime probability with a calibrated fit."""
    import importlib.util

    import pandas as pd

    from analysis.sensitivity import report

    extra: list[str] = []
    if importlib.util.find_spec("analysis.sensitivity.prim") is not None:
        from analysis.sensitivity import prim, prim_figures

        key = _key(mf_key, args.n, args.seed, "prim")
        path = args.out / "prim_boxes.csv"
        figures = [args.out / f"prim_{n}.{e}" for n in ("box", "peeling") for e in ("png", "pdf")]
        if stages.done("prim", key, [path]):
            log("prim: reusing prim_boxes.csv")
            boxes = pd.read_csv(path)
        else:
            log(f"prim: boxes of the concentrating regime on the {len(design)} design points")
            t0 = time.perf_counter()
            points = design[[*names, "concentrating"]].astype({"concentrating": int})
            search = prim.prim_search(points[list(names)], points["concentrating"].to_numpy())
            boxes = search.boxes
            boxes.to_csv(path, index=False)
            if len(boxes) and boxes["parameter"].notna().any():
                # the kept box on its two most restricted parameters, and how it was peeled
                prim_figures.phase_diagram(points, search, args.out / "prim_box",
                                           title="Concentrating regime: PRIM box 1")
                prim_figures.peeling_trajectory(search, args.out / "prim_peeling")
            stages.finish("prim", key, time.perf_counter() - t0)
        drawn = [f.name for f in figures if f.exists()]
        extra += ["## PRIM boxes of the concentrating regime", "",
                  "On the Sobol design's mean-field points (`analysis.sensitivity.prim`, "
                  "density threshold 0.8); one row per box and restricted parameter"
                  + (f"; the first box on its two most restricted parameters in "
                     f"{', '.join(drawn)}" if drawn else "") + ".", "",
                  report.frame_markdown(boxes[[c for c in PRIM_COLUMNS if c in boxes]])
                  if len(boxes)
                  else "No box reaches the density threshold.", ""]
    if importlib.util.find_spec("analysis.sensitivity.probability") is not None:
        extra += _probability(args, base, stages, log)
    return extra


def _probability(args: argparse.Namespace, base: Any, stages: _Stages, log: _Log) -> list[str]:
    import pandas as pd

    if not CALIBRATED.exists() or args.base == "defaults":
        log("regime probability: skipped (needs the calibrated economy's estimate and "
            "covariance)")
        return []
    from analysis.calibration.store import load_fit
    from analysis.sensitivity import probability, report

    fits = {"committed": load_fit(CALIBRATED)}
    for label, path in args.scenario_fits.items():
        fits[label] = load_fit(path)     # read once already by _base: it loads
    bases = {k: base if k == "committed" else f.to_params().replace(n_periods=base.n_periods)
             for k, f in fits.items()}
    key = _key(base.to_dict(), args.seed, args.draws, "probability",
               {k: [f.params.to_dict(), f.cov.to_numpy().tolist(), bases[k].to_dict()]
                for k, f in fits.items()})
    path = args.out / "regime_probability.csv"
    if stages.done("probability", key, [path]):
        log("regime probability: reusing regime_probability.csv")
        table = pd.read_csv(path)
    else:
        log(f"regime probability: {args.draws} draws from each estimate's uncertainty "
            f"({', '.join(fits)}), regime at T = {base.n_periods}")
        t0 = time.perf_counter()
        rows = []
        for label, fit in fits.items():
            row = probability.regime_probability(fit.params, fit.cov, base=bases[label],
                                                 n_draws=args.draws, seed=args.seed,
                                                 horizon=base.n_periods)
            meta = getattr(fit, "meta", None)
            m6 = meta.get("m6") if isinstance(meta, dict) else None
            rows.append(row.assign(scenario=label, m6=m6))
        table = pd.concat(rows, ignore_index=True)
        table = table[["scenario", "m6", *[c for c in table if c not in ("scenario", "m6")]]]
        table.to_csv(path, index=False)
        stages.finish("probability", key, time.perf_counter() - t0)
    return ["## Regime probability under the calibrated uncertainty", "",
            report.frame_markdown(table), ""]


def _summary(sobol: Any, log: _Log) -> None:
    for output, t in sobol.groupby("output", sort=False):
        top = t.sort_values("ST", ascending=False).head(4)
        log(f"{output}: " + "; ".join(
            f"{r.parameter} S1 {r.S1:.2f}±{r.S1_conf:.2f} ST {r.ST:.2f}±{r.ST_conf:.2f}"
            for r in top.itertuples()))


if __name__ == "__main__":
    sys.exit(main())
