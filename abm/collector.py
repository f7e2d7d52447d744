"""The Mesa data collector of the model-level statistics: `abm.table.MetricsTable` with
Mesa's DataCollector API.

`abm.collect.measure` computes a period's statistics into `model.metrics`; the collector
records them, one row per period, and builds the result DataFrame in one piece.
"""

from __future__ import annotations

import copy
from functools import partial
from typing import TYPE_CHECKING, Any

import abm._mesa  # noqa: F401  (first: imports Mesa keeping the start method)
import numpy as np
from mesa import DataCollector

from abm.table import MetricsTable

if TYPE_CHECKING:
    from abm.engine import Engine


def read_metric(model: Engine, name: str) -> Any:
    """Model reporter body: one entry of this period's `model.metrics`."""
    return model.metrics[name]


class MetricsCollector(MetricsTable, DataCollector):
    """Mesa's DataCollector, recording the period's `model.metrics` into one table.

    Mesa appends each reporter's deep-copied value to a list per reporter and builds the
    DataFrame from those lists: about 1.5 ms for ~50 columns and a few rows, as much as
    a period of a 3,000-worker economy. Here the statistics (`read_metric` reporters)
    are written into the preallocated table of `MetricsTable`, and `frame()` builds the
    DataFrame from it at once. A deep copy returns floats and strings unchanged, so
    nothing is lost by not copying.

    Mesa's API keeps working: `model_vars` is a dict of lists (materialised from the
    table when read, written back when assigned), and reporters added by a user (any
    other callable) are collected by Mesa as usual. Mesa's methods are called by name
    (`DataCollector.collect`), not through `super()`, which would reach the table's.
    """

    def __init__(self, model_reporters: dict[str, Any] | None = None, **kwargs: Any) -> None:
        MetricsTable.__init__(self)
        self._vars: dict[str, list[Any]] = {}
        DataCollector.__init__(self, model_reporters=model_reporters, **kwargs)

    # -- storage --------------------------------------------------------------------
    def _new_model_reporter(self, name: str, reporter: Any) -> None:
        if isinstance(reporter, partial) and reporter.func is read_metric:
            self.model_reporters[name] = reporter
            self._float_cols[name] = len(self._metric_names)
            self._metric_names.append(name)
            self._table = np.empty((self._table.shape[0], len(self._metric_names)))
            self._rows = 0
            return
        DataCollector._new_model_reporter(self, name, reporter)

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list[Any]]:
        """Mesa's dict of lists, one per model reporter, statistics included."""
        out = self._vars
        for name in self._metric_names:
            out[name] = self._column(name)
        return out

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        names = getattr(self, "_metric_names", [])
        self._vars = {k: v for k, v in value.items() if k not in names}
        self._float_cols = {n: i for i, n in enumerate(names)}
        self._lists = {}
        rows = max((len(value[n]) for n in names if n in value), default=0)
        self._table = np.empty((rows, len(names)))
        self._rows = rows
        for name in names:
            values = list(value.get(name, ()))
            if all(type(v) is float for v in values) and len(values) == rows:
                self._table[:, self._float_cols[name]] = values
            else:
                self._float_cols.pop(name)
                self._lists[name] = values

    def copy_rows(self, out: MetricsTable) -> None:
        """Give `out`, a shallow copy of this collector, its own rows collected so far
        (and its own copy of what Mesa collected for other reporters).

        For `abm.branch`: copying the table directly costs a tenth of reading
        `model_vars` (which materialises every column as a list) and writing it back.
        """
        MetricsTable.copy_rows(self, out)
        assert isinstance(out, MetricsCollector)
        out._vars = copy.deepcopy(self._vars)
        out.model_reporters = dict(self.model_reporters)

    # -- collecting -----------------------------------------------------------------
    def collect(self, model: Any) -> None:
        """Record this period's value of every model reporter."""
        self.record(model.metrics)
        others = {}
        if len(self.model_reporters) != len(self._metric_names):
            others = {var: r for var, r in self.model_reporters.items()
                      if var not in self._float_cols and var not in self._lists}
        if others or self.agent_reporters or self.agenttype_reporters:
            own = self.model_reporters
            self.model_reporters = others
            own_vars, self._metric_names = self._metric_names, []
            try:
                DataCollector.collect(self, model)
            finally:
                self.model_reporters = own
                self._metric_names = own_vars


def make_datacollector(columns: list[str] | tuple[str, ...] | None = None,
                       rows: int = 0) -> MetricsCollector:
    """Model-level DataCollector with one named reporter per statistic in `columns`.

    `columns`: documented columns to record (default all of `abm.collect.COLUMNS`);
    `rows`: periods to make room for. Each reporter is `functools.partial(read_metric,
    name=...)`: a module-level function, so it pickles (Mesa calls partials with the
    model as argument).
    """
    from abm.collect import COLUMNS

    names = list(COLUMNS) if columns is None else list(columns)
    collector = MetricsCollector(model_reporters={name: partial(read_metric, name=name)
                                                  for name in names})
    collector.reserve(rows)
    return collector
