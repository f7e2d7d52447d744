"""Compact results: a batch of runs' table as one 2-D float array plus a few typed columns.

A small run (a few thousand workers, a few periods) yields a table of a handful of rows.
Pickling one DataFrame per run to the client, labelling it and converting it to Arrow
there cost more than the run itself. A worker instead packs the tables of a whole
batch of runs into a `Block`: the float columns stacked in one float64 array, the
others (period, regime labels, agent ids, flags) as 1-D arrays, and the number of rows
of each run. The store turns a block back into the labelled DataFrame the per-run path
built (`Block.frame`), so the dataset is identical whichever way a run travelled
(tests/sweep/test_sweep_batches.py checks this column by column, dtypes included).

The model table arrives as arrays (`abm.table.Columns`, `Block.stack`), so a worker
that keeps no cross-sections never imports pandas: a third of a second less start-up
for every local worker process, and no DataFrame built per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from abm.table import Columns


def order(df: pd.DataFrame) -> pd.DataFrame:
    """The run's columns with period first (the identifying columns go before it)."""
    return df[["period", *(c for c in df.columns if c != "period")]].reset_index(drop=True)


@dataclass
class Block:
    """One table of a batch of runs, as arrays.

    Attributes:
        columns: output columns in table order (period first).
        floats: float64 array, one column per name in `float_names`.
        float_names: the float columns, in their order in `floats`.
        others: the remaining columns as 1-D arrays.
        dtypes: pandas dtypes of `others`, restored by `frame`; None where a column's
            values are to be inferred as `pd.Series(values)` infers them (a model
            table's labels, packed by `stack`).
        run_ids: run number of each run, in row order.
        rows: rows of each run.
    """

    columns: tuple[str, ...]
    floats: np.ndarray
    float_names: tuple[str, ...]
    others: dict[str, np.ndarray]
    dtypes: dict[str, Any]
    run_ids: np.ndarray
    rows: np.ndarray

    @classmethod
    def pack(cls, frames: Sequence[pd.DataFrame], run_ids: Sequence[int]) -> Block:
        """Stack the unlabelled tables of several runs (same columns) into one block.

        A table may carry `period` as its index (the model table) or as a column (the
        cross-sections). One concatenation per batch: selecting columns run by run
        would cost more than a small run's own table building.
        """
        import pandas as pd

        big = pd.concat(frames, ignore_index="period" in frames[0].columns)
        if "period" not in big.columns:
            big = big.reset_index()
        big = order(big)
        columns = tuple(big.columns)
        float_names = tuple(c for c in columns if big[c].dtype == np.float64)
        other_names = [c for c in columns if c not in float_names]
        return cls(columns=columns, floats=big[list(float_names)].to_numpy(dtype=np.float64),
                   float_names=float_names, others={c: big[c].to_numpy() for c in other_names},
                   dtypes={c: big[c].dtype for c in other_names},
                   run_ids=np.asarray(run_ids, dtype=np.int64),
                   rows=np.array([len(f) for f in frames], dtype=np.int64))

    @classmethod
    def stack(cls, tables: Sequence[Columns], run_ids: Sequence[int]) -> Block:
        """Stack the model tables of several runs (same columns), given as arrays.

        The block `pack` makes of their frames (`Columns.frame`), up to how the labels
        travel: as values, inferred when the frame is built, as pandas infers the
        per-run frames and their concatenation (a column of strings). Tables whose
        columns are split differently (a statistic that was not a float in some run)
        are packed as frames, which aligns them by name.
        """
        first = tables[0]
        if any(t.float_names != first.float_names or t.others.keys() != first.others.keys()
               for t in tables):
            return cls.pack([t.frame() for t in tables], run_ids)
        rows = np.array([t.rows for t in tables], dtype=np.int64)
        period = np.concatenate([np.arange(n, dtype=np.int64) for n in rows])
        others: dict[str, np.ndarray] = {"period": period}
        dtypes: dict[str, Any] = {"period": period.dtype}
        for name in first.others:
            values = [v for t in tables for v in t.others[name]]
            others[name] = np.empty(len(values), dtype=object)
            others[name][:] = values
            dtypes[name] = None
        return cls(columns=("period", *first.columns),
                   floats=np.concatenate([t.floats for t in tables]),
                   float_names=first.float_names, others=others, dtypes=dtypes,
                   run_ids=np.asarray(run_ids, dtype=np.int64), rows=rows)

    def frame(self, labels: Sequence[tuple[tuple[str, Any], ...]]) -> pd.DataFrame:
        """The labelled table: run_id, the swept parameters and seed, then the outputs.

        Args:
            labels: per run (in `run_ids` order), its (column, value) pairs after
                run_id: the swept parameters, then ("seed", seed).
        """
        import pandas as pd

        data: dict[str, Any] = {"run_id": np.repeat(self.run_ids, self.rows)}
        for j, (name, _) in enumerate(labels[0] if labels else ()):
            values = [run[j][1] for run in labels]
            # the dtype pandas gives one run's scalar column, as the per-run path did
            dtype = pd.DataFrame({name: values[:1]})[name].dtype
            data[name] = pd.Series(np.repeat(np.array(values, dtype=object), self.rows),
                                   dtype=dtype)
        position = {name: j for j, name in enumerate(self.float_names)}
        for name in self.columns:
            if name in position:
                data[name] = self.floats[:, position[name]]
            elif self.dtypes[name] is None:         # as pandas infers the values
                data[name] = pd.Series(self.others[name].tolist())
            else:
                data[name] = pd.Series(self.others[name], dtype=self.dtypes[name])
        return pd.DataFrame(data)

    def select(self, keep: Sequence[int]) -> Block:
        """The block restricted to the runs at positions `keep` (e.g. the successful ones)."""
        keep = list(keep)
        ends = np.cumsum(self.rows)
        starts = ends - self.rows
        index = np.concatenate([np.arange(starts[i], ends[i]) for i in keep]) if keep \
            else np.empty(0, dtype=np.int64)
        return Block(columns=self.columns, floats=self.floats[index],
                     float_names=self.float_names,
                     others={k: v[index] for k, v in self.others.items()},
                     dtypes=self.dtypes, run_ids=self.run_ids[keep], rows=self.rows[keep])
