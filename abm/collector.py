"""The data collector of the model-level statistics: one preallocated table.

`abm.collect.measure` computes a period's statistics into `model.metrics`; the collector
records them, one row per period, and builds the result DataFrame in one piece.
"""

from __future__ import annotations

import copy
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

import abm._mesa  # noqa: F401  (first: imports Mesa keeping the start method)
import numpy as np
import pandas as pd
from mesa import DataCollector

if TYPE_CHECKING:
    from abm.model import LaborMarketModel


def read_metric(model: LaborMarketModel, name: str) -> Any:
    """Model reporter body: one entry of this period's `model.metrics`."""
    return model.metrics[name]


class MetricsCollector(DataCollector):
    """Mesa's DataCollector, recording the period's `model.metrics` into one table.

    Mesa appends each reporter's deep-copied value to a list per reporter and builds the
    DataFrame from those lists: about 1.5 ms for ~50 columns and a few rows, as much as
    a period of a 3,000-worker economy. Here the statistics (`read_metric` reporters)
    are written into a preallocated 2-D float array, one row per collect (columns that
    ever hold a non-float, such as `regime`, are kept as lists), and `frame()` builds
    the DataFrame from it at once. A deep copy returns floats and strings unchanged, so
    nothing is lost by not copying.

    Mesa's API keeps working: `model_vars` is a dict of lists (materialised from the
    table when read, written back when assigned), and reporters added by a user (any
    other callable) are collected by Mesa as usual.
    """

    def __init__(self, model_reporters: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self._metric_names: list[str] = []
        self._float_cols: dict[str, int] = {}
        self._lists: dict[str, list[Any]] = {}
        self._table = np.empty((0, 0))
        self._rows = 0
        self._vars: dict[str, list[Any]] = {}
        super().__init__(model_reporters=model_reporters, **kwargs)

    # -- storage --------------------------------------------------------------------
    def _new_model_reporter(self, name: str, reporter: Any) -> None:
        if isinstance(reporter, partial) and reporter.func is read_metric:
            self.model_reporters[name] = reporter
            self._float_cols[name] = len(self._metric_names)
            self._metric_names.append(name)
            self._table = np.empty((self._table.shape[0], len(self._metric_names)))
            self._rows = 0
            return
        super()._new_model_reporter(name, reporter)

    def reserve(self, rows: int) -> None:
        """Room for `rows` collected periods without growing the table."""
        if rows > self._table.shape[0]:
            table = np.empty((rows, len(self._metric_names)))
            table[:self._rows] = self._table[:self._rows]
            self._table = table

    def _demote(self, name: str) -> None:
        """Move a float column to a list: it received a value that is not a float."""
        col = self._float_cols.pop(name)
        self._lists[name] = self._table[:self._rows, col].tolist()

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

    def _column(self, name: str) -> list[Any]:
        if name in self._lists:
            return self._lists[name]
        return self._table[:self._rows, self._float_cols[name]].tolist()

    def copy_rows(self, out: MetricsCollector) -> None:
        """Give `out`, a shallow copy of this collector, its own rows collected so far.

        For `abm.branch`: copying the table directly costs a tenth of reading
        `model_vars` (which materialises every column as a list) and writing it back.
        """
        out._table = self._table.copy()
        out._lists = {k: list(v) for k, v in self._lists.items()}
        out._vars = copy.deepcopy(self._vars)
        out._float_cols = dict(self._float_cols)
        out._metric_names = list(self._metric_names)
        out.model_reporters = dict(self.model_reporters)

    # -- collecting -----------------------------------------------------------------
    def collect(self, model: Any) -> None:
        """Record this period's value of every model reporter."""
        metrics = model.metrics
        if self._metric_names:
            if self._rows == self._table.shape[0]:
                self.reserve(max(2 * self._rows, 4))
            row = self._table[self._rows]
            cols, lists = self._float_cols, self._lists
            for name in self._metric_names:
                value = metrics[name]
                if name in lists:
                    lists[name].append(value)
                elif type(value) is float:
                    row[cols[name]] = value
                else:
                    self._demote(name)
                    lists[name].append(value)
            self._rows += 1
        others = {}
        if len(self.model_reporters) != len(self._metric_names):
            others = {var: r for var, r in self.model_reporters.items()
                      if var not in self._float_cols and var not in self._lists}
        if others or self.agent_reporters or self.agenttype_reporters:
            own = self.model_reporters
            self.model_reporters = others
            own_vars, self._metric_names = self._metric_names, []
            try:
                super().collect(model)
            finally:
                self.model_reporters = own
                self._metric_names = own_vars

    def frame(self, columns: list[str]) -> pd.DataFrame:
        """The statistics `columns` (all collected) as a DataFrame indexed by `period`.

        Equal, column for column and dtype for dtype, to Mesa's
        `pd.DataFrame(model_vars)[columns]` with a `period` RangeIndex; built from the
        table in one piece.
        """
        index = pd.RangeIndex(self._rows, name="period")
        floats = tuple(c for c in columns if c in self._float_cols)
        picks = [self._float_cols[c] for c in floats]
        # a view of the cached labels: a caller who renames them changes only this frame
        df = pd.DataFrame(self._table[:self._rows, picks],
                          columns=_column_index(floats).view(), index=index)
        for pos, name in enumerate(columns):
            if name not in self._float_cols:
                df.insert(pos, name, _column_values(self._lists[name]))
        return df


def _column_values(values: list[Any]) -> Any:
    """A non-float column's values as `pd.Series(values)` infers them.

    Strings (the regime labels) take a few distinct sequences across runs, and building
    their Arrow string array is most of the cost of a small frame when pandas' string
    code is not in the CPU's caches, so the array is built once per sequence (the frame
    copies it on insertion). Other values are inferred from the list each time.
    """
    if all(type(v) is str for v in values):
        return _strings(tuple(values))
    return values


@lru_cache(maxsize=256)
def _strings(values: tuple[str, ...]) -> Any:
    return pd.Series(list(values)).array


@lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    """The column labels as a pandas Index, built once per set of names.

    Building it from a list of strings (type inference, an Arrow string array) is most
    of a small frame's construction; an Index is immutable, so frames may share one.
    """
    return pd.Index(list(names))
