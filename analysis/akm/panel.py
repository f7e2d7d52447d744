"""The matched employer-employee panel of one run: employed person-years.

Collected through `abm.simulate`'s `on_step`: after each period the employed workers'
firm, log wage and the premium the model pays them, ψ_it = log(1 + ξπ_j) (the log of
their firm's rent factor; `abm.steps.rent_sharing`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

PANEL_COLUMNS = ("worker", "firm", "year", "log_wage", "premium")
"""Columns of a panel: worker and firm ids, the period, log wage, the known log premium."""


def panel(params: Any, seed: int, years: int) -> pd.DataFrame:
    """Employed person-years of periods 1..`years` of one run (columns `PANEL_COLUMNS`).

    Person-years with a wage or rent factor that is not positive (possible only under
    limited liability, for workers of a firm whose value added is below zero) have no
    log and are left out, as a data set of log wages leaves them out.
    """
    from abm import simulate
    from abm.state import UNEMPLOYED

    frames: list[pd.DataFrame] = []

    def record(model: Any) -> None:
        w, f = model.economy.workers, model.economy.firms
        employed = np.flatnonzero(w.employer != UNEMPLOYED)
        firm = w.employer[employed].astype(np.int64)
        wage, factor = w.wage[employed], f.rent_factor[firm]
        ok = (wage > 0) & (factor > 0)
        frames.append(pd.DataFrame({
            "worker": employed[ok].astype(np.int64), "firm": firm[ok],
            "year": np.full(int(ok.sum()), model.economy.period, dtype=np.int64),
            "log_wage": np.log(wage[ok]), "premium": np.log(factor[ok])}))

    simulate(params, seed=seed, n_periods=years, on_step=record, columns=["gini_wage"])
    return pd.concat(frames, ignore_index=True)
