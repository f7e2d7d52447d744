"""LaborMarketModel: the engine (`abm.engine.Engine`) as a Mesa model.

The economy, its period and its statistics are the engine's; this class adds what Mesa
and the browser need: Mesa's registries and generators, agent objects (views onto the
state arrays) and Mesa's DataCollector API (`abm.collector.MetricsCollector`). Its
results are the engine's bit for bit.

Mesa conventions: the seed may be given as ``seed=`` or as ``rng=`` (Mesa 3's SPEC-7
argument: an integer, a numpy integer, a ``numpy.random.Generator`` or a
``SeedSequence``); ``model.running`` turns False once ``params.n_periods`` periods have
run, so ``mesa.batch_run`` and ``run_model()`` stop at the model's horizon. Mesa's own
generators are seeded from the same seed (they are not used by the economics).
"""

from __future__ import annotations

from typing import Any

import abm._mesa  # noqa: F401  (first: imports Mesa keeping the start method)
import mesa
import numpy as np

from abm.agents import Employer, Firm, Worker
from abm.collector import make_datacollector
from abm.engine import STREAMS, Engine, check_periods, checked_params, root_seed
from abm.params import ParameterError, Params

__all__ = ["STREAMS", "LaborMarketModel", "check_periods", "root_seed"]


class LaborMarketModel(Engine, mesa.Model):
    """Workers, employers and firms in a task economy with generative AI, as a Mesa model.

    Args:
        params: a `Params`; defaults to `Params()`.
        seed: root seed (non-negative int or numpy integer). None draws fresh entropy,
            recorded in `self.seed`.
        rng: Mesa 3 / SPEC-7 alternative to ``seed``: an integer, a numpy Generator or a
            SeedSequence (give one of ``seed`` and ``rng``).
        agents: create Mesa agent objects (views onto the arrays). False skips them for
            large runs; model-level results are bit-identical either way.
        columns: statistics to measure and collect (names in `abm.collect.COLUMNS`);
            None (default) measures all. A subset skips the passes over the workers that
            give none of them; the values are those of a full measurement.
        **overrides: parameter values applied on top of `params` (so that Mesa's
            SolaraViz can rebuild the model from flat keyword arguments).
    """

    def __init__(self, params: Params | None = None, *, seed: Any = None, rng: Any = None,
                 agents: bool = True, columns: Any = None, **overrides: Any) -> None:
        params = checked_params(params, {})
        if not isinstance(agents, bool | np.bool_):
            raise ParameterError(f"agents={agents!r} must be True or False")
        params = checked_params(params, overrides)
        self._seed_from(seed, rng, columns)
        mesa.Model.__init__(self, rng=self.seed)
        self.firm_agents: list[Firm] = []
        self._build(params)
        if agents:
            self._create_agents()
        self.datacollector = make_datacollector(self.columns, rows=params.n_periods + 1)
        self.datacollector.collect(self)

    def branch(self, *, agents: bool | None = None,  # type: ignore[override]
               **changes: Any) -> LaborMarketModel:
        """An independent copy of this model, with `changes` to after-period-0 parameters.

        As `Engine.branch`; the copy also holds Mesa's generators in their current state.
        Mesa agents are views onto one model's arrays, so the copy gets agents of its own
        (`agents`: default, if this model has them).
        """
        if not isinstance(agents, bool | np.bool_ | None):
            raise ParameterError(f"agents={agents!r} must be True, False or None")
        twin, params = self._twin(changes)
        mesa.Model.__init__(twin, rng=self.seed)     # Mesa's own registries, empty
        mesa_owned = set(vars(twin))
        twin.rng.bit_generator.state = self.rng.bit_generator.state
        twin.random.setstate(self.random.getstate())
        twin.steps, twin.running = self.steps, self.running
        twin._copy_from(self, params, changes, skip=mesa_owned)
        twin.firm_agents = []
        if bool(self.firm_agents) if agents is None else agents:
            twin._create_agents()
        return twin

    # -- agents ---------------------------------------------------------------------
    def _create_agents(self) -> None:
        eco = self.economy
        self.firm_agents = [Firm(self, j) for j in range(eco.firms.n)]
        for j in range(eco.firms.n):
            Employer(self, j)
        for i in range(eco.workers.n):
            Worker(self, i)
