"""Scenario modules: each builds its `Params` as a difference from the baseline.

A scenario module defines `DESCRIPTION` (one line), `SEEDS` (explicit root seeds) and
either `build_params() -> Params` or, for side-by-side comparisons,
`build_variants() -> dict[str, Params]`. `registry()` finds them all; the runner in
`scenarios.runner` executes one and writes its results.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from abm.params import Params

_NOT_SCENARIOS = {"runner", "summary", "results", "plot"}


def names() -> list[str]:
    """Names of all scenario modules, sorted."""
    import scenarios

    return sorted(m.name for m in pkgutil.iter_modules(scenarios.__path__)
                  if not m.name.startswith("_") and m.name not in _NOT_SCENARIOS)


class UnknownScenario(ValueError):
    """The named scenario does not exist."""


def load(name: str) -> ModuleType:
    """Import scenario `name`, or raise UnknownScenario listing the valid names."""
    valid = names()
    if name not in valid:
        raise UnknownScenario(f"unknown scenario {name!r}; valid scenarios: {', '.join(valid)}")
    return importlib.import_module(f"scenarios.{name}")


def variants(module: ModuleType) -> dict[str, Params]:
    """The parameter sets a scenario runs: {variant name: Params}."""
    if hasattr(module, "build_variants"):
        return dict(module.build_variants())
    return {module.__name__.rsplit(".", 1)[-1]: module.build_params()}


def registry() -> dict[str, str]:
    """{scenario name: one-line description}."""
    return {n: load(n).DESCRIPTION for n in names()}
