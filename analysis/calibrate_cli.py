"""`abm calibrate`: estimate the model by the Method of Simulated Moments and decompose it.

    abm calibrate --out results/calibration
        the default run (docs/CALIBRATION.md): the estimate on analysis/data/targets.toml,
        its sensitivity, ΔGini at the estimate, the best fit in each ΔGini regime, the m6
        scenarios and the profile along the proprietary share;
    abm calibrate --quick --out DIR            a small smoke run of the same stages;
    abm calibrate --synthetic ai_weight=0.8,xi=0.2 --out DIR
        known answer: targets simulated at those parameters (others at their start
        values), SEs kept from the targets file; estimates beside the truth in
        synthetic_truth.csv.

Every input is checked before any simulation; a bad one prints one line
`abm: error: ...` and exits with status 2. A rerun into the same folder with the same
settings replays the evaluation logs in DIR/logs and continues where it stopped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from abm.cli_checks import (BadInput, RaisingParser, check_out_folder, cluster_errors,
                            run_tool)

STAGE_NAMES = ("fit", "sensitivity", "dgini", "regimes", "m6", "profile")


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm calibrate",
                      description="MSM calibration to the targets file, its sensitivity, "
                                  "ΔGini at the estimate and the refits along the scenario "
                                  "axes (docs/CALIBRATION.md).")
    p.add_argument("--targets", default=None, metavar="FILE",
                   help="targets file (default analysis/data/targets.toml)")
    p.add_argument("--m6", default=None, metavar="VALUE",
                   help="value of the ΔGini target (a scenario input; default the file's)")
    p.add_argument("--seeds", type=int, default=None, metavar="R",
                   help="common-random-number seeds per evaluation (10; --quick 3)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local Dask worker processes (default one per core; 1 = serial)")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (tcp://host:port) of any cluster")
    p.add_argument("--starts", type=int, default=None, metavar="N",
                   help="multistart points of the main estimate (16; --quick 2)")
    p.add_argument("--n-workers-economy", type=int, default=None, metavar="N",
                   help="workers in the simulated economy (5000; --quick 1000)")
    p.add_argument("--stages", default=",".join(STAGE_NAMES),
                   help="comma-separated stages to run after the fit (default all: "
                        + ",".join(STAGE_NAMES) + ")")
    p.add_argument("--quick", action="store_true", help="a small run of every stage")
    p.add_argument("--synthetic", default=None, metavar="NAME=VALUE,...",
                   help="known-answer mode: targets simulated at these free parameters")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help="hold a free parameter at a value in every fit (a scenario axis; "
                        "repeatable; default ability_sd=0.4, which the targets cannot "
                        "separate from the AI weight: docs/CALIBRATION.md)")
    p.add_argument("--free-all", action="store_true",
                   help="estimate all five parameters (no scenario axis held fixed)")
    p.add_argument("--force", action="store_true",
                   help="reuse a folder that holds a run with other settings")
    p.add_argument("--out", required=True, help="output folder")
    return p


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BadInput(f"{what}={text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{what}={text!r} must be finite")
    return value


def parse_synthetic(text: str, option: str = "--synthetic") -> dict[str, float]:
    """'a=1,b=2' -> {a: 1.0, b: 2.0}, each a free parameter inside its bounds."""
    from analysis.calibration.space import FREE

    known = {f.name: f for f in FREE}
    out: dict[str, float] = {}
    for part in [s.strip() for s in text.split(",")]:
        if "=" not in part:
            raise BadInput(f"{option} expects name=value,...; got {part!r}")
        name, raw = (s.strip() for s in part.split("=", 1))
        if name not in known:
            raise BadInput(f"{option}: unknown parameter {name!r}; allowed: "
                           + ", ".join(known))
        if name in out:
            raise BadInput(f"{option}: {name} given twice")
        value = _number(raw, f"{option} {name}")
        f = known[name]
        if not f.lo <= value <= f.hi:
            raise BadInput(f"{option} {name}={value:g} is outside its range "
                           f"[{f.lo:g}, {f.hi:g}]")
        out[name] = value
    return out


def _validate(args: argparse.Namespace) -> dict[str, Any]:
    """Check every argument (no simulation); return run_calibration's arguments."""
    from analysis.calibration.pipeline import Settings

    for name, value, low in (("--seeds", args.seeds, 2), ("--workers", args.workers, 1),
                             ("--starts", args.starts, 2),
                             ("--n-workers-economy", args.n_workers_economy, 200)):
        if value is not None and value < low:
            raise BadInput(f"{name}={value} must be at least {low}")
    if args.scheduler is not None and "://" not in args.scheduler \
            and ":" not in args.scheduler:
        raise BadInput(f"--scheduler={args.scheduler!r} must be a Dask scheduler address "
                       "such as tcp://host:8786")
    if args.scheduler is not None and args.workers is not None:
        raise BadInput("--workers sizes the local cluster only; an external cluster "
                       "(--scheduler) has as many workers as were started on it")
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    bad = [s for s in stages if s not in STAGE_NAMES]
    if bad or not stages:
        raise BadInput(f"--stages: unknown stage {bad[0] if bad else args.stages!r}; "
                       f"allowed: {', '.join(STAGE_NAMES)}")
    if args.synthetic is not None and args.m6 is not None:
        raise BadInput("--m6 and --synthetic exclude each other (synthetic targets are "
                       "all simulated, m6 included)")
    m6 = None if args.m6 is None else _number(args.m6, "--m6")
    if args.m6 is not None and not -1.0 < m6 < 1.0:
        raise BadInput(f"--m6={m6:g} is a change in a Gini: it must lie in (-1, 1)")
    synthetic = None if args.synthetic is None else parse_synthetic(args.synthetic)
    fixed = _fixed(args)
    clash = sorted(set(fixed) & set(synthetic or {}))
    if clash:
        raise BadInput(f"--synthetic {clash[0]} is held fixed; give it with --fix "
                       f"{clash[0]}=VALUE or estimate it with --free-all")
    from analysis.calibration.targets import TargetsError, load_targets

    try:
        targets = load_targets(args.targets)
    except TargetsError as exc:
        raise BadInput(" ".join(str(exc).split())) from None
    from analysis.calibration.refit import dgini_target

    try:
        dgini_target(targets)
    except ValueError as exc:
        if m6 is not None or "m6" in stages or "regimes" in stages or "dgini" in stages:
            raise BadInput(f"{args.targets or 'targets'}: {exc}") from None
    if args.n_workers_economy is not None:
        from abm.params import ParameterError, Params

        try:
            Params(n_workers=args.n_workers_economy)
        except ParameterError as exc:
            raise BadInput(str(exc)) from None
    out = Path(args.out)
    if not str(args.out).strip():
        raise BadInput("--out must name a folder, got an empty string")
    check_out_folder(out)
    settings = Settings.quick() if args.quick else Settings()
    settings = _replace(settings, seeds=args.seeds, starts=args.starts,
                        n_workers_economy=args.n_workers_economy,
                        stages=tuple(dict.fromkeys(("fit", *stages))),
                        fixed=tuple(fixed.items()))
    _check_previous(out, settings, targets, m6, synthetic, args.force)
    return {"out": out, "targets": targets, "m6": m6, "workers": args.workers,
            "scheduler": args.scheduler, "synthetic": synthetic, "settings": settings}


def _fixed(args: argparse.Namespace) -> dict[str, float]:
    """The parameters held fixed: the scenario axes, changed by --fix, none with --free-all."""
    from analysis.calibration.space import SCENARIO_AXES, FREE

    if args.free_all and args.fix:
        raise BadInput("--fix and --free-all exclude each other")
    if args.free_all:
        return {}
    fixed = dict(SCENARIO_AXES)
    if args.fix:
        fixed = {}
        for text in args.fix:
            for name, value in parse_synthetic(text, "--fix").items():
                if name in fixed:
                    raise BadInput(f"--fix: {name} given twice")
                fixed[name] = value
    if len(fixed) >= len(FREE):
        raise BadInput("--fix holds every free parameter: nothing to estimate")
    return fixed


def _replace(settings: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(settings, **{k: v for k, v in changes.items() if v is not None})


def _check_previous(out: Path, settings: Any, targets: Any, m6: float | None,
                    synthetic: dict | None, force: bool) -> None:
    """Refuse a folder holding a run with other settings (its tables would be mixed)."""
    import dataclasses

    run = out / "run.json"
    if force or not run.is_file():
        return
    try:
        old = json.loads(run.read_text())
    except (OSError, ValueError):
        return
    now = {"settings": json.loads(json.dumps(dataclasses.asdict(settings), default=str)),
           "targets": targets.source, "m6": m6, "synthetic": dict(synthetic or {})}
    differ = [k for k in now if old.get(k) != now[k]]
    if differ:
        raise BadInput(f"--out {out} holds a run with other {', '.join(differ)}; choose "
                       "another folder or add --force")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm calibrate` (argv: the arguments after `calibrate`)."""
    return run_tool(_parser, _validate, _run, argv, cluster_errors)


def _run(args: argparse.Namespace, kwargs: dict[str, Any]) -> int:
    from analysis.calibration.pipeline import run_calibration

    run_calibration(**kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
