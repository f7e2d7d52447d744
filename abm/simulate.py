"""The public function boundary: parameters and a seed in, a tidy DataFrame out.

Scenarios, analysis, sweeps and tests all call `simulate`; nothing outside `abm`
needs to step the model itself. A run without agents is an `abm.engine.Engine`, which
never imports Mesa; with agents it is the Mesa model, `abm.model.LaborMarketModel`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from abm.engine import Engine, check_periods
from abm.params import Params, ParameterError

if TYPE_CHECKING:
    import pandas as pd


def simulate(params: Params | None = None, *, seed: Any, n_periods: int | None = None,
             agents: bool = False, columns: Sequence[str] | None = None,
             on_step: Callable[[Engine], Any] | None = None) -> pd.DataFrame:
    """Run one simulation and return its model-level statistics.

    Args:
        params: model parameters (default `Params()`).
        seed: root seed, a non-negative int or numpy integer; the same seed gives an
            identical DataFrame.
        n_periods: periods after period 0 (default `params.n_periods`).
        agents: run the Mesa model with agent objects (views onto the arrays, for an
            `on_step` that wants them); the default False runs the engine alone, without
            Mesa, and the results are bit-identical.
        columns: the statistics wanted (names in `abm.collect.COLUMNS`); None gives all.
            Only what they need is measured, so a few columns cost less than all; each
            equals the same column of the full frame.
        on_step: called with the engine (the Mesa model if `agents`) after every period
            (e.g. to report progress).

    Returns:
        One row per period, index `period` (0 is pre-AI); columns in `abm.collect.COLUMNS`
        (or `columns`, in that order).
    """
    params = params if params is not None else Params()
    if not isinstance(params, Params):
        raise ParameterError(f"params must be a Params, got {type(params).__name__}")
    check_seed(seed)
    if n_periods is not None:
        params = params.replace(n_periods=check_periods(n_periods))
    from abm.feedback import compilation_notice

    compilation_notice()
    model = new_model(params, seed=seed, agents=agents, columns=columns)
    try:
        if on_step is None:
            return model.run()
        for _ in range(params.n_periods):
            model.step()
            on_step(model)
        return model.model_frame()
    finally:
        release(model)


def new_model(params: Params, *, seed: Any, agents: Any = False, columns: Any = None
              ) -> Engine:
    """The Mesa model if `agents` (True) is asked for, else the engine alone."""
    if isinstance(agents, bool | np.bool_) and not agents:
        return Engine(params, seed=seed, columns=columns)
    from abm.model import LaborMarketModel

    return LaborMarketModel(params, seed=seed, agents=agents, columns=columns)


def check_seed(seed: Any) -> None:
    """A run's seed: a non-negative (numpy) integer, else ParameterError."""
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed={seed!r} must be a non-negative int")


def release(model: Engine) -> None:
    """Drop Mesa 3.3's class-level reference to a finished Mesa model so it can be freed.

    Mesa 3.3.1 keeps every model in `Agent._ids` forever (mesa issue #3179); long
    sweeps would otherwise grow without bound. An engine is not a Mesa model: nothing
    to drop, and Mesa is not imported for it.
    """
    mesa = sys.modules.get("mesa")
    if mesa is None or not isinstance(model, mesa.Model):
        return
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict) or hasattr(ids, "pop"):
        ids.pop(model, None)
