"""The table of model-level statistics: one preallocated array, one row per period.

`abm.collect.measure` computes a period's statistics into `metrics`; the table records
them and builds the result DataFrame in one piece. It needs neither Mesa nor agents:
`abm.engine.Engine` collects into it directly, and the Mesa model's data collector
(`abm.collector.MetricsCollector`) is this table with Mesa's API on top.

Float statistics are written into a 2-D float array; a column that ever receives a
non-float (the `regime` label) is kept as a list from then on. `MetricsTable.arrays`
hands the collected rows over as arrays (`Columns`) without pandas, which is what a
sweep worker sends (`abm.sweep.compact`); pandas is imported only to build a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Columns:
    """Collected statistics as arrays: the model frame's contents before pandas.

    Attributes:
        columns: the statistics, in the frame's order.
        floats: one row per period, one column per name in `float_names` (a copy).
        float_names: the columns held in `floats`, in their order.
        others: the remaining columns' values, one list each (the `regime` labels).
    """

    columns: tuple[str, ...]
    floats: np.ndarray
    float_names: tuple[str, ...]
    others: dict[str, list[Any]]

    @property
    def rows(self) -> int:
        return int(self.floats.shape[0])

    def frame(self) -> pd.DataFrame:
        """The statistics as a DataFrame indexed by `period`.

        Equal, column for column and dtype for dtype, to Mesa's
        `pd.DataFrame(model_vars)[columns]` with a `period` RangeIndex; built in one piece.
        """
        import pandas as pd

        index = pd.RangeIndex(self.rows, name="period")
        # views of the cached labels: a caller who renames them changes only this frame
        if not self.others:
            return pd.DataFrame(self.floats, columns=_column_index(self.float_names).view(),
                                index=index)
        # every column in its place at once, the others NaN until set by position:
        # inserting a column (a new label index, its lookup table, the blocks moved) cost
        # a third of a small frame's construction
        values = np.full((self.rows, len(self.columns)), np.nan)
        values[:, _positions(self.columns, self.float_names)] = self.floats
        df = pd.DataFrame(values, columns=_column_index(self.columns).view(), index=index,
                          copy=False)
        for pos, name in enumerate(self.columns):
            if name in self.others:
                df.isetitem(pos, _column_values(self.others[name]))
        return df


class MetricsTable:
    """The named statistics of every collected period.

    Args:
        names: the statistics to record, in order (keys of the `metrics` dicts).
        rows: periods to make room for (the table grows if more are collected).
    """

    def __init__(self, names: Iterable[str] = (), rows: int = 0) -> None:
        self._metric_names: list[str] = list(names)
        self._float_cols: dict[str, int] = {n: i for i, n in enumerate(self._metric_names)}
        self._lists: dict[str, list[Any]] = {}
        self._table = np.empty((rows, len(self._metric_names)))
        self._rows = 0

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

    def _column(self, name: str) -> list[Any]:
        if name in self._lists:
            return self._lists[name]
        return self._table[:self._rows, self._float_cols[name]].tolist()

    def record(self, metrics: Mapping[str, Any]) -> None:
        """Append one period: the value in `metrics` of every recorded statistic."""
        if not self._metric_names:
            return
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

    def collect(self, model: Any) -> None:
        """Record `model.metrics` (the call a Mesa data collector answers)."""
        self.record(model.metrics)

    def copy_rows(self, out: MetricsTable) -> None:
        """Give `out`, a shallow copy of this table, its own rows collected so far.

        For `abm.branch`: a branch writes its own rows from period 1 on, into storage
        the original must not see.
        """
        out._table = self._table.copy()
        out._lists = {k: list(v) for k, v in self._lists.items()}
        out._float_cols = dict(self._float_cols)
        out._metric_names = list(self._metric_names)

    def arrays(self, columns: list[str]) -> Columns:
        """The statistics `columns` (all collected) as arrays, without pandas."""
        floats = tuple(c for c in columns if c in self._float_cols)
        picks = [self._float_cols[c] for c in floats]
        return Columns(columns=tuple(columns), floats=self._table[:self._rows, picks],
                       float_names=floats,
                       others={c: list(self._lists[c]) for c in columns
                               if c not in self._float_cols})

    def frame(self, columns: list[str]) -> pd.DataFrame:
        """The statistics `columns` (all collected) as a DataFrame indexed by `period`
        (`Columns.frame`)."""
        return self.arrays(columns).frame()


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
    import pandas as pd

    return pd.Series(list(values)).array


@lru_cache(maxsize=64)
def _positions(columns: tuple[str, ...], names: tuple[str, ...]) -> list[int]:
    """Where each of `names` stands among `columns`."""
    return [columns.index(name) for name in names]


@lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    """The column labels as a pandas Index, built once per set of names.

    Building it from a list of strings (type inference, an Arrow string array) is most
    of a small frame's construction; an Index is immutable, so frames may share one.
    """
    import pandas as pd

    return pd.Index(list(names))
