"""Progress of a running sweep, and the summary table printed when it ends.

On a terminal a tqdm bar shows runs done, failures, elapsed and remaining time. Where
the output is not a terminal (cluster job logs, nohup, notebooks, pipes) a bar would
either vanish or fill the log with carriage returns, so a plain line is written
instead, at a modest rate: when at least INTERVAL seconds and at least STEP of the
runs have passed since the last line (the rarer of the two), plus a first and a last
line.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

import pandas as pd

INTERVAL = 10.0
STEP = 0.10
SUMMARY_COLUMNS = ("gini_income", "dgini", "labor_share")
MAX_SUMMARY_ROWS = 20


def _clock_text(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Bar:
    """tqdm bar counting done and failed runs (elapsed and remaining time from tqdm)."""

    def __init__(self, total: int, initial: int, stream: IO[str]) -> None:
        from tqdm import tqdm

        self.failed = 0
        self._bar = tqdm(total=total, initial=initial, unit="run", desc="sweep", file=stream,
                         dynamic_ncols=True, smoothing=0.05)
        self._bar.set_postfix(failed=0)

    def update(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
            self._bar.set_postfix(failed=self.failed, refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


class Lines:
    """Plain progress lines for logs and pipes (see the module docstring for the rate)."""

    def __init__(self, total: int, initial: int, stream: IO[str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.initial, self.done, self.failed = total, initial, initial, 0
        self._stream, self._clock = stream, clock
        self._start = clock()
        self._last_time, self._last_done = self._start, initial
        self._write()

    def update(self, ok: bool) -> None:
        self.done += 1
        self.failed += not ok
        now = self._clock()
        if (now - self._last_time >= INTERVAL
                and self.done - self._last_done >= STEP * self.total):
            self._write(now)

    def close(self) -> None:
        if self.done != self._last_done:
            self._write()

    def _write(self, now: float | None = None) -> None:
        now = self._clock() if now is None else now
        elapsed = now - self._start
        computed = self.done - self.initial
        parts = [f"sweep: {self.done}/{self.total} runs ({100 * self.done / self.total:.0f}%)"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts.append(f"elapsed {_clock_text(elapsed)}")
        if computed and self.done < self.total:
            remaining = elapsed / computed * (self.total - self.done)
            parts.append(f"remaining ~{_clock_text(remaining)}")
        print(", ".join(parts), file=self._stream, flush=True)
        self._last_time, self._last_done = now, self.done


class _Silent:
    def update(self, ok: bool) -> None:
        pass

    def close(self) -> None:
        pass


@contextlib.contextmanager
def progress(total: int, initial: int, enabled: bool | None,
             stream: IO[str] | None = None) -> Iterator[Any]:
    """A bar (terminal, or `enabled=True`), lines (not a terminal) or nothing (False)."""
    stream = sys.stderr if stream is None else stream
    if enabled is False:
        reporter: Any = _Silent()
    elif enabled or _isatty(stream):
        reporter = Bar(total, initial, stream)
    else:
        reporter = Lines(total, initial, stream)
    try:
        yield reporter
    finally:
        reporter.close()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def summary(df: pd.DataFrame, dims: list[str] | None = None) -> pd.DataFrame:
    """Per parameter point: runs, and mean and standard error over seeds of key outcomes
    in each run's last period.

    Args:
        df: a sweep's model table (`abm.sweep.load(out)`).
        dims: the swept-parameter columns; default: those between run_id and seed.

    The standard error is the standard deviation across replicate seeds over sqrt(runs)
    (replicates are independent draws: common random numbers pair runs across points,
    not within one).
    """
    if df.empty:
        return pd.DataFrame()
    if dims is None:
        cols = list(df.columns)
        dims = cols[cols.index("run_id") + 1:cols.index("seed")]
    last = df.loc[df.groupby("run_id")["period"].idxmax()]
    cols = [c for c in SUMMARY_COLUMNS if c in last.columns]
    keys = list(dims) or (lambda _: "all")
    grouped = last.groupby(keys, sort=False)
    out = grouped.size().rename("runs").to_frame()
    for col in cols:
        out[f"{col} mean"] = grouped[col].mean()
        out[f"{col} se"] = grouped[col].std(ddof=1) / out["runs"] ** 0.5
    out.insert(0, "last period", grouped["period"].max())
    return out


def format_summary(table: pd.DataFrame) -> str:
    """The summary table as text, at most MAX_SUMMARY_ROWS rows."""
    if table.empty:
        return ""
    shown = table.head(MAX_SUMMARY_ROWS)
    text = shown.to_string(float_format=lambda v: f"{v:.4f}", na_rep="-")
    if len(table) > MAX_SUMMARY_ROWS:
        text += f"\n... and {len(table) - MAX_SUMMARY_ROWS} more points (abm.sweep.summary)"
    return text
