"""The whole calibration run behind `abm calibrate` and `run_calibration`.

Stages, each writing its tables as soon as it ends (report.md grows with them):

    fit          the MSM estimate (`estimate.calibrate`: multistart DFO-LS, noise SEs)
    sensitivity  AGS + HJdP (`decompose.sensitivity`; no simulation)
    dgini        ΔGini at the estimate, data date and long run (`decompose.dgini_at`)
    regimes      best fit with ΔGini ≤ 0 and ≥ 0 (`decompose.regime_constrained`)
    m6           refits at m6 = −0.01, 0, +0.01 (`decompose.m6_scenarios`)
    profile      refits along the proprietary share (`decompose.share_profile`)

Resumable: every model evaluation is committed to an SQLite log in OUT/logs (the
estimation's through `evaluate.EvaluationLog`, the decomposition's through `Logged`); a
rerun with the same settings replays them and continues where the last run stopped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.calibration.space import SCENARIO_AXES

STAGES = ("fit", "sensitivity", "dgini", "regimes", "m6", "profile")
M6_VALUES = (-0.01, 0.0, 0.01)
SHARE_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
PART = {"sensitivity": "sensitivity", "dgini": "dgini", "regimes": "regimes",
        "m6": "scenarios", "profile": "profile"}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Sizes of one run. `default()` fits well under an hour on 2 cores (docs/CALIBRATION.md
    gives the budget); `quick()` is a smoke run of a few minutes."""

    seeds: int = 10
    starts: int = 16
    n_workers_economy: int = 5000
    noise_seeds: int = 20
    refit_noise_seeds: int = 4
    refit_starts: int = 4
    cobyla_maxiter: int = 60
    long_run_periods: int = 30
    long_run_seeds: int = 10
    m6_values: tuple[float, ...] = M6_VALUES
    share_grid: tuple[float, ...] = SHARE_GRID
    stages: tuple[str, ...] = STAGES
    # free parameters held fixed in every fit: the scenario axes (space.SCENARIO_AXES)
    fixed: tuple[tuple[str, float], ...] = tuple(SCENARIO_AXES.items())

    @classmethod
    def quick(cls, **changes: Any) -> Settings:
        return dataclasses.replace(cls(seeds=3, starts=2, n_workers_economy=1000,
                                       noise_seeds=4, refit_noise_seeds=2, cobyla_maxiter=15,
                                       long_run_seeds=2, share_grid=(0.0, 0.5, 1.0)),
                                   **changes)


class Logged:
    """`simulate` through an evaluation log (picklable): the decomposition's evaluations
    (COBYLA steps, long-run ΔGini) survive a crash like the estimation's."""

    def __init__(self, simulate: Callable, path: Path) -> None:
        self.simulate, self.path = simulate, Path(path)
        self._log: Any = None

    def __getstate__(self) -> dict:
        return {"simulate": self.simulate, "path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["simulate"], state["path"])

    def __call__(self, theta: Mapping[str, float], *, targets: Any, seeds: Sequence[int],
                 base: Any) -> Any:
        import pandas as pd

        from analysis.calibration.evaluate import EvaluationLog, context_hash, theta_key

        if self._log is None:
            self._log = EvaluationLog(self.path)
        theta = {k: float(v) for k, v in dict(theta).items()}
        context = context_hash({
            "targets": [(t.name, t.statistic, t.period) for t in targets.targets],
            "base": base.to_dict() if hasattr(base, "to_dict") else repr(base),
            "model": f"{self.simulate.__module__}.{self.simulate.__qualname__}"})
        key = theta_key(context, "mean", theta, seeds)
        stored = self._log.get(key)
        if stored is not None:
            return pd.Series(stored, dtype=float)
        start = time.perf_counter()
        moments = self.simulate(theta, targets=targets, seeds=list(seeds), base=base)
        self._log.put(key, "mean", theta, seeds, dict(moments), time.perf_counter() - start)
        return moments


class Progress:
    """Progress lines on the terminal and appended to OUT/calibrate.log."""

    def __init__(self, out: Path, echo: bool = True) -> None:
        self.path, self.echo, self.start = Path(out) / "calibrate.log", echo, time.time()

    def __call__(self, message: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')} +{time.time() - self.start:5.0f}s] {message}"
        if self.echo:
            print(line, flush=True)
        with self.path.open("a") as f:
            f.write(line + "\n")


@contextlib.contextmanager
def evaluator_for(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """None (serial, this process) for one local worker; else a Dask client (local
    cluster of `workers` processes, or the cluster at `scheduler`)."""
    if scheduler is None and workers == 1:
        yield None
        return
    from abm.sweep.cluster import dask_client

    with dask_client(scheduler, workers=None if scheduler else workers) as client:
        yield client


def synthetic_targets(targets: Any, truth: Mapping[str, float], *, base: Any,
                      seeds: Sequence[int], simulate: Callable | None = None) -> Any:
    """Targets drawn from the model itself at `truth`: each value is the simulated moment
    at independent seeds (so the known-answer test carries simulation noise, as data
    would); the SEs stay those of `targets`."""
    from analysis.calibration.refit import simulate_fn

    sim = simulate_fn(simulate)(dict(truth), targets=targets, seeds=list(seeds), base=base)
    for name in targets.names:
        targets = targets.with_value(name, float(sim[name]))
    label = ",".join(f"{k}={v:g}" for k, v in truth.items())
    return dataclasses.replace(targets, source=f"synthetic ({label})")


def run_calibration(out: str | Path, targets: Any = None, m6: float | None = None,
                    seeds: int | Sequence[int] | None = None, workers: int | None = None,
                    scheduler: str | None = None, synthetic: Mapping[str, float] | None = None,
                    *, starts: int | None = None, n_workers_economy: int | None = None,
                    quick: bool = False, settings: Settings | None = None,
                    simulate: Callable | None = None, echo: bool = True) -> Any:
    """Run the calibration into folder `out` and return the main `Fit`.

    targets: a `Targets`, a targets file, or None for analysis/data/targets.toml;
    m6: the ΔGini target's value for the main fit (a scenario input); seeds: R (common
    random numbers 1..R) or the seeds themselves; synthetic: {parameter: value} for a
    known-answer run (targets simulated there, SEs kept); settings: every size (default
    `Settings()`, or `Settings.quick()` with `quick`), overridden by seeds, starts and
    n_workers_economy.
    """
    from analysis.calibration import decompose, report
    from analysis.calibration.estimate import calibrate
    from analysis.calibration.refit import dgini_target, simulate_fn
    from analysis.calibration.space import base_params
    from analysis.calibration.space import start as start_values
    from analysis.calibration.targets import Targets, load_targets

    began = time.time()
    seed_values = None
    if seeds is not None and not isinstance(seeds, int):   # explicit seeds, e.g. range(1, 11)
        seed_values = [int(x) for x in seeds]
        seeds = len(seed_values)
    s = settings or (Settings.quick() if quick else Settings())
    changes = {k: v for k, v in (("seeds", seeds), ("starts", starts),
                                 ("n_workers_economy", n_workers_economy)) if v is not None}
    s = dataclasses.replace(s, **changes)
    if s.seeds < 2:
        raise ValueError(f"seeds={s.seeds} must be at least 2 (the simulation-noise term)")
    # connect first: an unreachable scheduler is refused before the folder is touched
    with evaluator_for(workers, scheduler) as ev:
        out = Path(out)
        (out / "logs").mkdir(parents=True, exist_ok=True)
        say = Progress(out, echo)
        tg = targets if isinstance(targets, Targets) else load_targets(targets)
        m6_name = dgini_target(tg).name
        if m6 is not None:
            tg = tg.with_value(m6_name, float(m6))
        base = base_params(n_workers=s.n_workers_economy, targets=tg)
        seed_list = seed_values or list(range(1, s.seeds + 1))
        record = {"settings": dataclasses.asdict(s), "targets": tg.source, "m6": m6,
                  "synthetic": dict(synthetic or {}), "scheduler": scheduler, "workers": workers}
        (out / "run.json").write_text(json.dumps(record, indent=2, default=str))
        say(f"calibration into {out}: {s.seeds} seeds x {s.n_workers_economy} workers per "
            f"evaluation, stages {', '.join(s.stages)}")
        logged = Logged(simulate_fn(simulate), out / "logs" / "decompose.sqlite")
        if synthetic:
            # the others at their starts, the fixed ones at their values
            synthetic = {**start_values(), **dict(s.fixed), **dict(synthetic)}
            say(f"synthetic targets at {synthetic} (seeds {10_001}..)")
            tg = synthetic_targets(tg, synthetic, base=base, simulate=logged,
                                   seeds=range(10_001, 10_001 + s.seeds))
            tg.empirical().rename("value").to_csv(out / "synthetic_targets.csv")
        common = dict(seeds=seed_list, base=base, evaluator=ev, simulate=simulate,
                      progress=say, fixed=dict(s.fixed))
        fit = calibrate(tg, n_starts=s.starts, noise_seeds=s.noise_seeds,
                        log=out / "logs" / "main.sqlite", **common)
        _save(fit, out, say, base)
        parts: dict[str, Any] = {}
        meta = {"seeds": s.seeds, "n_workers": s.n_workers_economy, "targets": tg.source,
                "m6": float(tg[m6_name].value)}

        def write() -> None:
            report.write_report(out, fit=fit, targets=tg, settings=meta,
                                seconds=time.time() - began, **parts)
            if synthetic:
                _truth_table(fit, synthetic).to_csv(out / "synthetic_truth.csv", index=False)

        write()
        failed: list[str] = []

        def stage(name: str, label: str, run: Callable[[], Any]) -> None:
            """Run one stage; a stage that fails is logged and reported, the others run."""
            if name not in s.stages:
                return
            say(label)
            try:
                parts[PART[name]] = run()
            except Exception as exc:  # noqa: BLE001 - a refit may hit an undefined moment
                exc = _root_cause(exc)
                message = " ".join(str(exc).split())[:400]
                say(f"stage {name} failed: {type(exc).__name__}: {message}")
                failed.append(f"{name}: {type(exc).__name__}: {message}")
                parts["failed"] = list(failed)
            write()

        refit = dict(common, n_starts=s.refit_starts, noise_seeds=s.refit_noise_seeds,
                     start={k: float(v) for k, v in fit.params.items()})
        stage("sensitivity", "sensitivity (AGS, HJdP)", lambda: decompose.sensitivity(fit))
        stage("dgini", f"ΔGini at the estimate: data date and long run (T = "
              f"{s.long_run_periods}, {s.long_run_seeds} seeds)", lambda: decompose.dgini_at(
            fit, targets=tg, seeds=seed_list, base=base, simulate=logged,
            periods=s.long_run_periods, evaluator=ev,
            long_run_seeds=range(1, max(2, s.long_run_seeds) + 1)))
        stage("regimes", "best fit in each ΔGini regime", lambda: decompose.regime_constrained(
            tg, fit=fit, seeds=seed_list, base=base, simulate=logged,
            maxiter=s.cobyla_maxiter, progress=say, long_run=True,
            periods=s.long_run_periods))
        stage("m6", f"m6 scenarios {list(s.m6_values)}", lambda: decompose.m6_scenarios(
            tg, s.m6_values, log=out / "logs" / "m6.sqlite", **refit))
        stage("profile", f"profile along the proprietary share {list(s.share_grid)}",
              lambda: decompose.share_profile(
            tg, s.share_grid, log=out / "logs" / "profile.sqlite", long_run=True,
            periods=s.long_run_periods, **refit))
        say(f"done in {time.time() - began:.0f} s: {out / 'report.md'}")
    return fit


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause (optimagic wraps the model's own error in its own)."""
    seen = set()
    while (exc.__cause__ or exc.__context__) is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return exc


def _save(fit: Any, out: Path, say: Callable[[str], None], base: Any) -> None:
    try:
        from analysis.calibration.store import save_fit
    except ImportError:               # the store is optional for the tables
        return
    save_fit(fit, out / "fit.json", base=base)
    say(f"estimate saved: {out / 'fit.json'}")


def _truth_table(fit: Any, truth: Mapping[str, float]) -> Any:
    import pandas as pd

    nan = float("nan")
    rows = [{"parameter": k, "truth": float(v), "estimate": float(fit.params.get(k, nan)),
             "se": float(fit.se.get(k, nan))} for k, v in truth.items()]
    t = pd.DataFrame(rows)
    t["z"] = (t["estimate"] - t["truth"]) / t["se"]
    return t
