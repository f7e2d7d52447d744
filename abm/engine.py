"""Engine: the economy, its period and its statistics, without Mesa.

Construction builds the economy from one seed, runs the unrecorded pre-AI burn-in and
the pre-AI period 0, and collects period 0. Each `step()` runs the phases of
`abm.steps.PERIOD` in order, then measures and collects. `simulate`, `branch` and the
sweeps run engines: a run needs the state arrays and the statistics, not Mesa's
registries, agents or generators, and a process that runs only engines never imports
Mesa (about a second of start-up for every sweep worker and script).
`abm.model.LaborMarketModel` is the same engine as a Mesa model, with agent objects
and Mesa's data collector, for the browser and for code that wants agents.

Randomness: one seed in. `numpy.random.SeedSequence(seed)` is spawned into one child
stream per named consumer (`STREAMS`), so switching a mechanism off, or changing how
many numbers one phase draws, never shifts the draws of another.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from abm.collect import COLUMNS, check_columns, measure
from abm.params import ParameterError, Params
from abm.population import build_economy
from abm.state import UNEMPLOYED
from abm.steps import PERIOD
from abm.table import Columns, MetricsTable

if TYPE_CHECKING:
    import pandas as pd

STREAMS = ("population", "assets", "ownership", "education", "hiring", "firms", "matching",
           "occupations")


def root_seed(seed: Any = None, rng: Any = None) -> int | None:
    """The integer root seed from ``seed=`` or ``rng=`` (never both), validated.

    Accepts None (fresh entropy), a non-negative Python or numpy integer, and for
    ``rng`` also a ``numpy.random.Generator`` (one draw from it becomes the root seed,
    so the run is reproducible from the generator's state) or a ``SeedSequence``.
    Floats, strings and booleans are refused rather than silently converted.
    """
    if seed is not None and rng is not None:
        raise ParameterError("give either seed= or rng=, not both")
    name, value = ("rng", rng) if rng is not None else ("seed", seed)
    if value is None:
        return None
    if isinstance(value, np.random.Generator):
        return int(value.integers(0, 2**63 - 1))
    if isinstance(value, np.random.SeedSequence):
        return int(value.generate_state(1, np.uint64)[0] >> np.uint64(1))
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < 0:
        allowed = ("a non-negative int, a numpy Generator or SeedSequence" if name == "rng"
                   else "a non-negative int")
        raise ParameterError(f"{name}={value!r} must be {allowed}")
    return int(value)


def check_periods(n_periods: Any, name: str = "n_periods") -> int:
    """A number of periods: a non-negative (numpy) integer, else ParameterError."""
    if isinstance(n_periods, bool | np.bool_) or not isinstance(n_periods, int | np.integer) \
            or n_periods < 0:
        raise ParameterError(f"{name}={n_periods!r} must be a non-negative int")
    return int(n_periods)


def checked_params(params: Any, overrides: dict[str, Any]) -> Params:
    """`params` (default `Params()`) with `overrides` applied, or ParameterError."""
    params = params if params is not None else Params()
    if not isinstance(params, Params):
        raise ParameterError(f"params must be a Params, got {type(params).__name__} "
                             f"{params!r}; pass parameter values as keywords")
    return params.replace(**overrides) if overrides else params


class Engine:
    """Workers, employers and firms in a task economy with generative AI (no Mesa).

    Args:
        params: a `Params`; defaults to `Params()`.
        seed: root seed (non-negative int or numpy integer). None draws fresh entropy,
            recorded in `self.seed`.
        rng: alternative to ``seed`` (Mesa 3 / SPEC-7): an integer, a numpy Generator or
            a SeedSequence (give one of ``seed`` and ``rng``).
        columns: statistics to measure and collect (names in `abm.collect.COLUMNS`);
            None (default) measures all. A subset skips the passes over the workers that
            give none of them; the values are those of a full measurement.
        **overrides: parameter values applied on top of `params`.

    ``running`` turns False once ``params.n_periods`` periods have run.
    """

    def __init__(self, params: Params | None = None, *, seed: Any = None, rng: Any = None,
                 columns: Any = None, **overrides: Any) -> None:
        params = checked_params(params, overrides)
        self._seed_from(seed, rng, columns)
        self.running = True
        self._build(params)
        self.datacollector: Any = MetricsTable(
            COLUMNS if self.columns is None else self.columns, rows=params.n_periods + 1)
        self.datacollector.collect(self)

    def _seed_from(self, seed: Any, rng: Any, columns: Any) -> None:
        """Check the columns and fix the root seed (`self.seed`, fresh entropy if None)."""
        self.columns = check_columns(columns)
        self.seed = int(np.random.SeedSequence(root_seed(seed, rng)).entropy)  # type: ignore[arg-type]

    def _build(self, params: Params) -> None:
        """The economy of `self.seed`, burnt in and standing at period 0, measured."""
        self.params = params
        seq = np.random.SeedSequence(self.seed)
        self.streams = dict(zip(STREAMS, (np.random.default_rng(s) for s in seq.spawn(len(STREAMS))),
                                strict=True))
        self.economy = build_economy(params, self.streams)
        self.metrics: dict[str, Any] = {}
        self.metrics_at_zero: dict[str, Any] = {}
        for t in range(-params.burn_in, 1):
            self.economy.period = t
            self._run_phases()
        self.metrics = measure(self, self.columns)
        self.metrics_at_zero = dict(self.metrics)

    @functools.cached_property
    def owner_set(self) -> frozenset[int]:
        """Persons holding equity (built on first use: agents need it, large runs do not)."""
        return frozenset(self.economy.ownership.person.tolist())

    # -- running --------------------------------------------------------------------
    def _run_phases(self) -> None:
        for _name, phase in PERIOD:
            phase(self)

    def step(self) -> None:
        """Advance one period (one year) and collect its statistics.

        `running` becomes False once `params.n_periods` periods have run; stepping
        further is still allowed.
        """
        self.economy.period += 1
        self._run_phases()
        self.metrics = measure(self, getattr(self, "columns", None))
        self.datacollector.collect(self)
        if self.economy.period >= self.params.n_periods:
            self.running = False

    def run(self, n_periods: int | None = None) -> pd.DataFrame:
        """Step `n_periods` times (default `params.n_periods`) and return the model frame."""
        n = self.params.n_periods if n_periods is None else check_periods(n_periods)
        for _ in range(n):
            self.step()
        return self.model_frame()

    def branch(self, **changes: Any) -> Engine:
        """An independent copy of this engine, with `changes` to after-period-0 parameters.

        The copy holds copies of the state arrays, the statistics, the collected rows and
        the named streams, so stepping it and stepping this engine give what two separate
        runs from the same seed would. `changes` may only name parameters marked
        `after_zero` in `abm.params` (`abm.branch` explains the rule), and only while the
        engine stands at period 0; a plain copy (no changes) is allowed at any period.
        """
        twin, params = self._twin(changes)
        twin._copy_from(self, params, changes, skip=set())
        return twin

    def _twin(self, changes: dict[str, Any]) -> tuple[Any, Params]:
        """A bare instance for a branch, and the branch's checked parameters."""
        from abm.branch import branch_params

        if changes and self.economy.period != 0:
            raise ParameterError(f"a branch may change parameters only at period 0; this "
                                 f"model is at period {self.economy.period}")
        params = branch_params(self.params, changes)
        return type(self).__new__(type(self)), params

    def _copy_from(self, source: Engine, params: Params, changes: dict[str, Any],
                   skip: set[str]) -> None:
        """Copy everything `source` holds but `skip` (economy, streams, statistics,
        collector, and whatever is added later); agents and cached views are rebuilt."""
        from abm.branch import copy_state, rederive

        for name, value in vars(source).items():
            if name not in skip and name not in ("params", "firm_agents", "owner_set"):
                setattr(self, name, copy_state(value))
        self.params = params
        if changes:
            rederive(self)

    # -- output ---------------------------------------------------------------------
    def model_frame(self) -> pd.DataFrame:
        """Collected model-level statistics, one row per period (index `period`): every
        column of `COLUMNS`, or those asked for with `columns=`, in that order."""
        collector = self.datacollector
        if isinstance(collector, MetricsTable):
            return collector.frame(self._columns())
        import pandas as pd

        df = collector.get_model_vars_dataframe()      # a collector set by the user
        df.index = pd.RangeIndex(len(df), name="period")
        return df[self._columns()]

    def model_table(self) -> Columns:
        """`model_frame`'s contents as arrays, without pandas (what a sweep worker sends).

        Only for the engine's own table (`MetricsTable`), not a collector set by the user.
        """
        if not isinstance(self.datacollector, MetricsTable):
            raise TypeError("model_table needs the engine's own MetricsTable collector")
        return self.datacollector.arrays(self._columns())

    def _columns(self) -> list[str]:
        return list(COLUMNS) if getattr(self, "columns", None) is None else list(self.columns)

    def worker_frame(self) -> pd.DataFrame:
        """Current cross-section of workers (one row per worker), straight from the arrays."""
        import pandas as pd

        w, t = self.economy.workers, self.economy.tasks
        return pd.DataFrame({
            "ability": w.ability, "education": w.education, "human_capital": w.human_capital,
            "task": w.task, "task_codifiable": t.codifiable[w.task],
            "employer": w.employer, "employed": w.employer != UNEMPLOYED,
            "signal": w.signal, "score": w.score, "output": w.output,
            "outside_output": w.outside_output, "commodity_gain": w.commodity_gain,
            "job_output": self._job_output(), "ai_use": w.ai_use, "wage": w.wage,
            "capital_income": w.capital_income, "transfer": w.transfer, "income": w.income,
            "unemployment_duration": w.unemployment_duration,
        }, copy=True).rename_axis("worker")

    def _job_output(self) -> np.ndarray:
        """q_i = y_i·Q_jz/L_jz: the worker's share of her team's output (0 if unemployed)."""
        eco = self.economy
        w, t = eco.workers, eco.tasks
        out = np.zeros(w.n)
        emp = w.employer != UNEMPLOYED
        if eco.team_labour.size:       # Q/L per team, derived here rather than every period
            labour = eco.team_labour
            ratio = np.divide(eco.team_output, labour, out=np.zeros(labour.size),
                              where=labour > 0)
            out[emp] = w.output[emp] * ratio[w.employer[emp] * t.n + w.task[emp]]
        return out

    def firm_frame(self) -> pd.DataFrame:
        """Current cross-section of firms (one row per firm)."""
        import pandas as pd

        f = self.economy.firms
        return pd.DataFrame({
            "assets": f.assets, "ai_access": f.ai_access, "asset_productivity": f.asset_productivity,
            "employment": f.employment, "value_added": f.value_added,
            "competitive_wage_bill": f.competitive_wage_bill, "rents": f.rents,
            "ai_rents": f.ai_rents, "taxes": f.taxes, "wage_bill": f.wage_bill,
            "owner_income": f.owner_income, "rent_factor": f.rent_factor,
            "vendor_fees": f.vendor_fees, "value_added_per_worker": f.va_per_worker,
            "asset_stock": f.asset_stock,
            "vacancies": f.vacancies, "hires": f.hires, "separations": f.separations,
        }, copy=True).rename_axis("firm")

    def task_frame(self) -> pd.DataFrame:
        """Current per-task statistics: prices, exposure, screening and within-task CV."""
        import pandas as pd

        from abm.steps.technology import within_task_cv

        w, t = self.economy.workers, self.economy.tasks
        emp = w.employer != UNEMPLOYED
        return pd.DataFrame({
            "codifiable": t.codifiable, "augmentable": t.augmentable,
            "skill_intensity": t.skill_intensity, "price": t.price, "output": t.output,
            "labour_price": t.labour_price,
            "within_task_cv": within_task_cv(w.output, w.task, t.n, emp),
            "credential_requirement": t.requirement,
            "credential_requirement_applied": t.requirement_effective,
            "signal_weight": t.belief[:, 1], "credential_weight": t.belief[:, 2],
            "diagnostic_variance": t.diagnostic_variance,
        }, copy=True).rename_axis("task")

    def lorenz(self, points: int = 101) -> pd.DataFrame:
        """Lorenz curve of persons' income now (population share, income share)."""
        import pandas as pd

        from abm.metrics import lorenz

        pop, share = lorenz(self.economy.workers.income, points)
        return pd.DataFrame({"population_share": pop, "income_share": share})
