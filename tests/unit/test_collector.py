"""The result table: built from one array, equal to Mesa's construction; subset measurement."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from mesa import DataCollector

from abm import LaborMarketModel, Params, simulate
from abm.collect import COLUMNS, GROUPS
from abm.collector import make_datacollector
from abm.params import ParameterError

SMALL = dict(n_workers=600, n_firms=8, n_tasks=4, burn_in=2)


def _mesa_frame(collector: DataCollector) -> pd.DataFrame:
    """The previous construction: Mesa's DataFrame of its per-reporter lists."""
    df = collector.get_model_vars_dataframe()
    df.index = pd.RangeIndex(len(df), name="period")
    return df[list(COLUMNS)]


def test_fast_table_equals_mesa_construction_on_every_column_and_dtype() -> None:
    model = LaborMarketModel(Params(**SMALL), seed=5, agents=False)
    plain = DataCollector(model_reporters=dict(make_datacollector().model_reporters))
    plain.collect(model)
    for _ in range(3):
        model.step()
        plain.collect(model)
    fast = model.model_frame()
    # exact equality, dtypes (float64 and the string column) and index included
    pd.testing.assert_frame_equal(fast, _mesa_frame(plain), check_exact=True)
    assert (fast.dtypes == _mesa_frame(plain).dtypes).all()
    # the Mesa API still shows the same rows
    pd.testing.assert_frame_equal(_mesa_frame(model.datacollector), fast, check_exact=True)


def test_table_grows_past_its_reservation_and_keeps_non_floats() -> None:
    model = LaborMarketModel(Params(**SMALL, n_periods=1), seed=2, agents=False)
    plain = DataCollector(model_reporters=dict(make_datacollector().model_reporters))
    plain.collect(model)
    for _ in range(6):                         # reserved 2 rows: grows twice
        model.step()
        plain.collect(model)
    pd.testing.assert_frame_equal(model.model_frame(), _mesa_frame(plain), check_exact=True)
    # a statistic that turns out not to be a float moves to a list, as Mesa would keep it
    model.metrics["employment_rate"] = 1
    model.metrics["labor_share"] = "n/a"
    model.datacollector.collect(model)
    assert type(model.datacollector.model_vars["employment_rate"][-1]) is int
    assert model.model_frame()["labor_share"].dtype == object
    pd.testing.assert_frame_equal(model.model_frame(), _mesa_frame(model.datacollector),
                                  check_exact=True)


def test_user_reporters_and_model_vars_assignment_still_work() -> None:
    model = LaborMarketModel(Params(**SMALL), seed=3, agents=False)
    model.datacollector.model_reporters["period_again"] = lambda mm: mm.economy.period
    model.datacollector.model_vars["period_again"] = [0]
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["period_again"].tolist() == [0, 1]
    assert list(model.model_frame().columns) == list(COLUMNS)
    # assigning model_vars (as a copy does) replaces the rows
    rows = model.datacollector.model_vars
    model.datacollector.model_vars = {k: v[:1] for k, v in rows.items()}
    assert len(model.model_frame()) == 1


def test_collector_survives_pickle_and_branch() -> None:
    model = LaborMarketModel(Params(**SMALL), seed=4, agents=False)
    twin = model.branch()
    again = pickle.loads(pickle.dumps(model))
    model.step()
    twin.step()
    again.step()
    pd.testing.assert_frame_equal(twin.model_frame(), model.model_frame(), check_exact=True)
    pd.testing.assert_frame_equal(again.model_frame(), model.model_frame(), check_exact=True)


def test_a_branch_copy_keeps_rows_of_its_own() -> None:
    # the copy and the original write the same rows of their reserved tables (4 rows)
    # and demote columns alone: the copy equals a separate run, and the original keeps
    # its own rows (its third row repeats its second, collected again at period 1)
    model = LaborMarketModel(Params(**SMALL, n_periods=3), seed=5, agents=False)
    model.datacollector.model_reporters["period_again"] = lambda mm: mm.economy.period
    model.datacollector.model_vars["period_again"] = [0]
    model.step()
    twin = model.branch()
    model.metrics["labor_share"] = "n/a"
    model.datacollector.collect(model)         # row 2, demoting one column, original only
    twin.step()
    twin.step()                                # rows 2 and 3 of the copy
    separate = LaborMarketModel(Params(**SMALL, n_periods=3), seed=5, agents=False)
    for _ in range(3):
        separate.step()
    pd.testing.assert_frame_equal(twin.model_frame(), separate.model_frame(), check_exact=True)
    assert twin.datacollector.model_vars["period_again"] == [0, 1, 2, 3]
    assert model.datacollector.model_vars["period_again"] == [0, 1, 1]
    mine = model.model_frame()
    assert mine["labor_share"].tolist()[-1] == "n/a"
    rest = mine.drop(columns="labor_share")
    pd.testing.assert_frame_equal(rest.iloc[:2], separate.model_frame().drop(
        columns="labor_share").iloc[:2], check_exact=True)
    np.testing.assert_array_equal(rest.iloc[2].to_numpy(), rest.iloc[1].to_numpy())


# one column from every measured group, plus cheap ones, in an order unlike COLUMNS
SUBSETS = [
    ["gini_wage"],
    ["regime", "employment_rate", "ai_gain_top_quintile"],
    ["sorting_share", "dgini", "return_social_education", "credential_requirement_exposed"],
    ["labor_share", "payroll_tax_rate"],
    [names[0] for names in GROUPS.values()],
]


@pytest.mark.parametrize("columns", SUBSETS)
def test_subset_measurement_equals_full_on_requested_columns(columns: list[str]) -> None:
    p = Params(**SMALL)
    full = simulate(p, seed=7, n_periods=3)
    sub = simulate(p, seed=7, n_periods=3, columns=columns)
    assert list(sub.columns) == columns
    pd.testing.assert_frame_equal(sub, full[columns], check_exact=True)


def test_subset_skips_unrequested_groups() -> None:
    """The subset path really measures less: a skipped group is left undefined."""
    model = LaborMarketModel(Params(**SMALL), seed=1, agents=False, columns=["labor_share"])
    assert not np.isnan(model.metrics_at_zero["gini_income"])   # period 0: a later base
    model.step()
    assert np.isnan(model.metrics["gini_income"])               # later: not asked for
    assert np.isnan(model.metrics["gini_wage"])
    assert np.isnan(model.metrics["ai_gain_same_access"])
    assert not np.isnan(model.metrics["labor_share"])
    full = LaborMarketModel(Params(**SMALL), seed=1, agents=False)
    full.step()
    assert not np.isnan(full.metrics["gini_wage"])


@pytest.mark.parametrize("bad", [["no_such_column"], "gini_wage", [], [1]])
def test_bad_columns_are_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match="columns"):
        simulate(Params(**SMALL), seed=1, n_periods=1, columns=bad)


def test_simulate_builds_no_agents_unless_asked() -> None:
    # without agents the run is the engine, which has no Mesa registry at all
    seen: list[int] = []
    simulate(Params(**SMALL), seed=1, n_periods=1,
             on_step=lambda mm: seen.append(len(getattr(mm, "agents", ()))))
    simulate(Params(**SMALL), seed=1, n_periods=1, agents=True,
             on_step=lambda mm: seen.append(len(mm.agents)))
    assert seen[0] == 0 and seen[1] > 0
