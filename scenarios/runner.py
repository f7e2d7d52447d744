"""Run a scenario: check everything, simulate each variant on common seeds, save, summarise.

`plan` turns a scenario name and the command-line options into a `Plan` and refuses,
before any simulation, every input that could make the results say something other
than what their labels say:

- a `--set` on a parameter that defines the scenario's variants (e.g. `eta0` in
  `two_regimes`, where it is what makes "commodity_ai" commodity AI) is refused with a
  message naming the conflict: the variants would keep their names while no longer
  being what the names say. Run such a change on a single-variant scenario (e.g.
  `baseline`) or write a scenario module for it.
- the same parameter set twice, or `n_periods` given by both `--set` and `--periods`,
  is refused rather than resolved silently.

`run_plan` then simulates every (variant, seed) with progress on stderr (variants that
differ only in after-period-0 parameters share each seed's burn-in: `abm.branch`), and the
results folder is written by `scenarios.results` (see there for its layout and the
overwrite protection).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from abm import Params
from abm.feedback import Progress, compilation_notice
from abm.params import ParameterError, parse_assignment
import scenarios

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.summary import summarize

MAX_SEEDS = 10_000


@dataclass(frozen=True)
class Plan:
    """A checked scenario run: parameters per variant, seeds and applied overrides."""

    scenario: str
    params: dict[str, Params]
    seeds: list[int]
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def periods(self) -> int:
        """Years after period 0 (equal in every variant)."""
        return next(iter(self.params.values())).n_periods

    def describe(self) -> list[str]:
        """Header lines: what runs, on which seeds, with which overrides."""
        s = self.seeds
        seeds = (f"seed {s[0]}" if len(s) == 1 else f"{len(s)} seeds ({s[0]}-{s[-1]})"
                 if s == list(range(s[0], s[0] + len(s))) else f"{len(s)} seeds {s}")
        lines = [f"{self.scenario}: {len(self.params)} variant(s) x {seeds}, "
                 f"{self.periods} years after the pre-AI year 0"]
        if self.overrides:
            default = Params()
            applied = ", ".join(f"{k}={v!r}" + (f" (default {getattr(default, k)!r})"
                                               if k != "n_periods" else "")
                                for k, v in self.overrides.items())
            lines += textwrap.wrap(f"overrides applied to every variant: {applied}", 95,
                                   subsequent_indent="  ")
        return lines


def defining_parameters(module: Any) -> dict[str, dict[str, Any]]:
    """Parameters that define a scenario's variants: {name: {variant: value}}.

    With several variants, those whose values differ between variants; with one, those
    in which it differs from the baseline.
    """
    from scenarios.baseline import build_params as baseline

    variants = scenarios.variants(module)
    if len(variants) == 1:
        variants = {"baseline": baseline(), **variants}
    dicts = {v: p.to_dict() for v, p in variants.items()}
    names = next(iter(dicts.values())).keys()
    return {k: {v: d[k] for v, d in dicts.items()} for k in names
            if len({repr(d[k]) for d in dicts.values()}) > 1}


def parse_sets(sets: list[str]) -> dict[str, Any]:
    """`name=value` strings as a dict; the same name twice is refused."""
    out: dict[str, Any] = {}
    for text in sets:
        name, value = parse_assignment(text)
        if name in out:
            raise ParameterError(f"--set {name} is given twice ({out[name]!r} and {value!r}); "
                                 "give it once")
        out[name] = value
    return out


def plan(name: str, *, seed: int | None = None, seeds: int | None = None,
         periods: int | None = None, sets: list[str] | None = None) -> Plan:
    """Check every input of a scenario run; raise ParameterError (one line) on the first problem.

    Args:
        name: scenario name.
        seed: root seed of the first replicate (default: the scenario's first seed).
        seeds: number of replicate seeds, `seed`, `seed`+1, ... (default: the scenario's
            declared `SEEDS`, or just `seed` when only that is given).
        periods: years after period 0 (default: the scenario's).
        sets: `name=value` overrides applied to every variant.
    """
    module = scenarios.load(name)
    for label, value, low in (("--seed", seed, 0), ("--seeds", seeds, 1),
                              ("--periods", periods, 1)):
        if value is not None and value < low:
            raise ParameterError(f"{label}={value} must be " + ("a non-negative int" if low == 0
                                                                else f"at least {low}"))
    if seeds is not None and seeds > MAX_SEEDS:
        raise ParameterError(f"--seeds={seeds} must be at most {MAX_SEEDS}")
    overrides = parse_sets(sets or [])
    if periods is not None and "n_periods" in overrides:
        raise ParameterError(f"--periods {periods} and --set n_periods={overrides['n_periods']}"
                             " both set the number of years; give one")
    defining = defining_parameters(module)
    for key, value in overrides.items():
        if key in defining:
            values = ", ".join(f"{v}: {x!r}" for v, x in defining[key].items())
            raise ParameterError(
                f"--set {key}={value!r} conflicts with scenario {name!r}, whose variants "
                f"are defined by {key} ({values}); run it on a scenario that does not fix "
                f"{key} (e.g. baseline) or write a scenario module for it")
    if periods is not None:
        overrides["n_periods"] = periods
    params = {v: p.replace(**overrides) for v, p in scenarios.variants(module).items()}
    if seeds is not None:
        start = seed if seed is not None else int(module.SEEDS[0])
        seed_list = list(range(start, start + seeds))
    else:
        seed_list = [seed] if seed is not None else [int(s) for s in module.SEEDS]
    return Plan(name, params, seed_list, overrides)


def run_plan(p: Plan, *, agents: bool = False, progress: bool = True) -> pd.DataFrame:
    """Simulate every (variant, seed) of a checked plan; returns the tidy long table."""
    import pandas as pd

    from abm.branch import run_many

    runs = [(v, s) for v in p.params for s in p.seeds]
    bar = (Progress(len(runs) * p.periods, f"{p.scenario}: {len(runs)} simulations "
                                           f"x {p.periods} years")
           if progress else None)
    if progress:
        compilation_notice()
    # variants differing only in after-period-0 parameters (e.g. no_ai beside the AI
    # variants) share each seed's burn-in and period 0; results equal separate runs
    results = run_many([(p.params[v], s) for v, s in runs], agents=agents,
                       on_step=(lambda _m: bar.advance()) if bar else None)
    frames = []
    for (variant, s), df in zip(runs, results, strict=True):
        df = df.reset_index()
        df.insert(0, "seed", s)
        df.insert(0, "variant", variant)
        frames.append(df)
    if bar:
        bar.close()
    out = pd.concat(frames, ignore_index=True)
    out.attrs["params"] = {v: q.to_dict() for v, q in p.params.items()}
    return out


def run_scenario(name: str, *, seed: int | None = None, seeds: int | None = None,
                 periods: int | None = None, sets: list[str] | None = None,
                 agents: bool = False, progress: bool = False) -> pd.DataFrame:
    """Check and simulate scenario `name`; returns the tidy long table (see `plan`)."""
    return run_plan(plan(name, seed=seed, seeds=seeds, periods=periods, sets=sets),
                    agents=agents, progress=progress)


def main(argv: list[str] | None = None) -> int:
    """`python -m scenarios.<name> [options]`: the same as `abm run <name> [options]`."""
    from abm.cli import main as cli_main

    return cli_main(["run", *(argv or [])])


__all__ = ["Plan", "main", "plan", "run_plan", "run_scenario", "summarize"]


def __getattr__(name: str) -> Any:
    # `summarize` (pandas) is imported on first use, so that `plan` can refuse a bad
    # command line before pandas, Mesa and numba are imported (`abm run` checks first)
    if name == "summarize":
        from scenarios.summary import summarize

        globals()[name] = summarize      # later look-ups skip this function
        return summarize
    raise AttributeError(f"module 'scenarios.runner' has no attribute {name!r}")
