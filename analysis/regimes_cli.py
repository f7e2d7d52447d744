"""`abm regimes`: the analytic regime map beside simulated runs.

    abm regimes --seeds 4 --out results/regimes
        the standard report behind docs/REGIMES.md: maps of ξ × Gini(K) and of the
        proprietary share × ξ, boundary values and profiles at the baseline, the sign
        agreement report and the runs that explain each disagreement;
    abm regimes --x xi --y asset_gini [--fix name=value]... --seeds N --out DIR
        one phase diagram (analytic fine grid, simulated coarse grid) and its report.

Every input is checked before any computation starts, and before the analytic model
(numba, scipy, pandas) is imported (`analysis.regimes_inputs`); a bad one prints one
line `abm: error: ...` and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from abm.cli_checks import (BadInput, RaisingParser, check_out_folder, cluster_errors,
                            run_tool)

STANDARD_MAPS = (("xi", "asset_gini"), ("proprietary_share", "xi"))


def _parser() -> argparse.ArgumentParser:
    p = RaisingParser(prog="abm regimes",
                description="Analytic regime map beside simulated runs. Without --x/--y: "
                            "the standard report (two maps, boundary profiles, agreement).")
    p.add_argument("--x", help="x axis: xi, asset_gini, proprietary_share, psi or another "
                               "float parameter (give with --y)")
    p.add_argument("--y", help="y axis (as --x)")
    p.add_argument("--x-range", nargs=2, type=float, metavar=("LO", "HI"),
                   help="x range (default: the axis's map range)")
    p.add_argument("--y-range", nargs=2, type=float, metavar=("LO", "HI"),
                   help="y range (default: the axis's map range)")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help="hold a parameter at a value (repeatable)")
    p.add_argument("--seeds", type=int, default=4,
                   help="replicate seeds per simulated point (4)")
    p.add_argument("--periods", type=int, default=30, help="years after period 0, T (30)")
    p.add_argument("--fine", type=int, default=31, help="analytic grid points per axis (31)")
    p.add_argument("--coarse", type=int, default=5, help="simulated grid points per axis (5)")
    p.add_argument("--root-seed", type=int, default=0, help="root of the replicate seeds (0)")
    p.add_argument("--scenario", default="baseline",
                   help="scenario the points differ from (baseline)")
    p.add_argument("--client", default=None,
                   help="Dask scheduler address, or 'serial' (default: a local Dask cluster)")
    p.add_argument("--mean-field", choices=("fast", "choice"), default="fast",
                   help="analytic side: 'fast' (tasks held, PAM; 0.03 s a point) or "
                        "'choice' (occupational choice from the burn-in, matching at the "
                        "search friction's bound; about 1.4 s a point) (fast)")
    p.add_argument("--knockouts", action="store_true",
                   help="also the knock-out table (each link off) and dgini along ξ and "
                        "Gini(K), simulated at --seeds seeds (knockouts.md / .csv)")
    p.add_argument("--no-explain", action="store_true",
                   help="skip rerunning disagreeing points without reinvestment")
    p.add_argument("--out", default="results/regimes",
                   help="output folder (results/regimes)")
    return p


def _validate(args: argparse.Namespace) -> tuple[Any, dict[str, Any], list]:
    """Check every argument; return the base Params, the fixed values and the maps."""
    import scenarios
    from abm.params import ParameterError, parse_assignment
    from analysis.regimes_inputs import (check_search, check_supported, map_range,
                                         one_group_per_task)

    if (args.x is None) != (args.y is None):
        raise BadInput("give both --x and --y, or neither for the standard report")
    if args.x is not None and args.x == args.y:
        raise BadInput(f"--x and --y must differ (both {args.x!r})")
    for name, value, low in (("--seeds", args.seeds, 2), ("--periods", args.periods, 1),
                             ("--fine", args.fine, 3), ("--coarse", args.coarse, 2),
                             ("--root-seed", args.root_seed, 0)):
        if value < low:
            raise BadInput(f"{name}={value} must be at least {low}")
    if args.fine > 201 or args.coarse > 21:
        raise BadInput("--fine is at most 201 and --coarse at most 21 points per axis")
    if not str(args.out).strip():
        raise BadInput("--out must name a folder, got an empty string")
    args.out = Path(args.out)
    check_out_folder(args.out)
    if args.client not in (None, "serial") and ":" not in args.client:
        raise BadInput(f"--client={args.client!r} must be 'serial' or a Dask scheduler "
                       "address such as tcp://host:8786")
    try:
        module = scenarios.load(args.scenario)
    except scenarios.UnknownScenario as exc:
        raise BadInput(str(exc)) from None
    if not hasattr(module, "build_params"):
        raise BadInput(f"scenario {args.scenario!r} has several variants; choose a "
                       "single-variant scenario (e.g. baseline)")
    try:
        fixed = dict(parse_assignment(s) for s in args.fix)
        base = module.build_params().replace(**fixed, n_periods=args.periods)
        check_supported(base)
        if args.mean_field == "choice":
            check_search(base)
            if one_group_per_task(base):
                raise BadInput(f"--mean-field choice with skill_return_spread="
                               f"{base.skill_return_spread!r}, industry_concentration="
                               f"{base.industry_concentration!r}: occupational choice over "
                               "one group per task takes one to two minutes a point, hours "
                               "for a map (docs/REGIMES.md, 'Returns to skill by task'); use "
                               "--mean-field fast, or both 0")
        pairs = [(args.x, args.y)] if args.x is not None else list(STANDARD_MAPS)
        ranges = []
        for xn, yn in pairs:
            xr = map_range(xn, tuple(args.x_range) if args.x_range and args.x else None)
            yr = map_range(yn, tuple(args.y_range) if args.y_range and args.y else None)
            for name in (xn, yn):
                clash = {name} if name != "proprietary_share" else set()
                if clash & set(fixed):
                    raise BadInput(f"{name} is both an axis and fixed by --fix")
                if name == "proprietary_share" and base.eta0 + base.eta1 <= 0:
                    raise BadInput("proprietary_share needs eta0 + eta1 > 0")
            ranges.append(((xn, xr), (yn, yr)))
        # every check has passed: now the analytic model (numpy, numba, scipy, the sweep
        # runner), whose map axes carry the ranges checked above
        from analysis.regimes.maps import Axis

        maps = [(Axis(xn, *xr), Axis(yn, *yr)) for (xn, xr), (yn, yr) in ranges]
    except (ParameterError, ValueError) as exc:
        if isinstance(exc, BadInput):
            raise
        raise BadInput(str(exc).replace("--set", "--fix")) from None
    return base, fixed, maps


def main(argv: list[str] | None = None) -> int:
    """Entry point of `abm regimes` (argv: the arguments after `regimes`)."""
    return run_tool(_parser, _validate, lambda args, checked: _execute(args, *checked), argv,
                    cluster_errors)


def _execute(args: argparse.Namespace, base: Any, fixed: dict[str, Any], maps: list) -> int:
    from analysis.regimes import figures, report
    from analysis.regimes.maps import agreement

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    run = report.Run(base=base, fixed=fixed, seeds=args.seeds, periods=args.periods,
                     root_seed=args.root_seed, out=out,
                     client=args.client, scenario=args.scenario,
                     mean_field=_mean_field(args.mean_field))
    standard = args.x is None
    frames, sims = [], {}
    for x, y in maps:
        print(f"map {y.name} vs {x.name}: {args.fine}x{args.fine} analytic, "
              f"{args.coarse}x{args.coarse} simulated x {args.seeds} seeds ...", flush=True)
        analytic, sim = report.run_map(run, x, y, fine=args.fine, coarse=args.coarse)
        frames += [analytic, sim]
        sims[f"map {x.name} x {y.name}"] = sim
    bounds = report.boundary_table(base, mean_field=run.mean_field)
    report.write_boundaries(out, bounds)
    if standard:
        print("boundary profiles ...", flush=True)
        panels, profile_sims = report.profile_panels(run)
        figures.boundary_profiles(panels, out / "boundary_profiles",
                                  title="Predicted and simulated ΔGini along each axis, "
                                        f"others at the baseline (T = {args.periods} years, "
                                        f"{args.seeds} seeds)")
        sims["profiles (full model)"] = profile_sims[profile_sims["variant"] == "full model"]
        sims["profiles (no reinvestment)"] = profile_sims[profile_sims["variant"]
                                                          != "full model"]
        frames.append(profile_sims.assign(map="profiles", grid="simulated"))
    axes_cols = sorted({c for x, y in maps for c in (x.name, y.name)}
                       | {"xi", "asset_gini", "proprietary_share", "psi"})
    disagree = [agreement(t).disagreements for k, t in sims.items()
                if "no reinvestment" not in k]
    explained = (report.explain(run, _concat(disagree), axes_cols)
                 if not args.no_explain else _concat([]))
    if not explained.empty:
        frames.append(explained.assign(map="explain", grid="simulated"))
    report.write_tables(out, frames)
    text = report.agreement_markdown(sims, explained, axes_cols)
    (out / "agreement.md").write_text(text)
    _concat([t.assign(grid_name=k) for k, t in sims.items()]).to_csv(
        out / "agreement.csv", index=False)
    _summary(bounds, sims, out)
    if args.knockouts:
        _knockouts(run, out)
    return 0


def _knockouts(run: Any, out: Path) -> None:
    """knockouts.md / .csv: dgini with each link off, and along ξ and Gini(K)."""
    from analysis.regimes import knockouts

    print("knock-outs and the dependence on ξ and Gini(K) ...", flush=True)
    parts = []
    text = []
    for title, points, label in (
            ("Each link off", knockouts.knockout_points(), "knockout"),
            ("Along ξ and Gini(K)", knockouts.dependence_points(), "dependence")):
        t = knockouts.simulated_rows(run.base, points, seeds=run.seeds, periods=run.periods,
                                     root_seed=run.root_seed, out=out / "sims",
                                     client=run.client, label=label, fixed=run.fixed,
                                     mean_field=run.mean_field)
        parts.append(t.assign(table=label))
        text += [f"## {title}", "", knockouts.markdown(t)]
    (out / "knockouts.md").write_text("\n".join(text))
    _concat(parts).to_csv(out / "knockouts.csv", index=False)


def _mean_field(name: str) -> dict[str, Any]:
    """`predict` options of the --mean-field choice (docs/REGIMES.md, 'The two mean fields')."""
    from analysis.regimes.prediction import WITH_CHOICE

    return dict(WITH_CHOICE) if name == "choice" else {}


def _concat(frames: list) -> Any:
    import pandas as pd

    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _summary(bounds: Any, sims: dict[str, Any], out: Path) -> None:
    from analysis.regimes.maps import agreement

    print("\nboundaries (predicted dgini = 0):")
    for _, b in bounds.iterrows():
        print(f"  [{b['context']}] {b['message']}")
    print("\nsign agreement (decisive = simulated mean distinguishable from 0, two-sided "
          "t test at 5%):")
    for name, t in sims.items():
        a = agreement(t)
        print(f"  {name}: {a.n_agree}/{a.n_decisive} decisive points agree "
              f"({a.share:.0%}); {a.n_points - a.n_decisive} not distinguishable from 0")
    print(f"\nwrote {out}/phase_*.png, regime_map.parquet/.csv, boundaries.csv, "
          "agreement.md")


if __name__ == "__main__":
    sys.exit(main())
