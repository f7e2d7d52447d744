"""Property test: for any valid parameter set, the invariants hold after every step.

Parameter sets are drawn by Hypothesis from the ranges declared in the `Params`
metadata (`Params.field_info()`), so a new parameter is covered as soon as it is
declared: numbers anywhere in their range or at its ends (Hypothesis favours extreme
and tiny values), booleans and choices freely. Sizes are small. Draws that a
cross-parameter rule of `Params` refuses are discarded. Derandomised, with a bounded
number of examples, so the test is deterministic and takes seconds; the longer
campaign is `scripts/fuzz_params.py`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from abm import LaborMarketModel, Params, ParameterError
from abm.invariants import check_invariants
from abm.params import RHO_MIN
from abm.simulate import release

SIZES = {"n_workers": 600, "n_firms": 30, "n_periods": 3, "burn_in": 2, "asset_burn_in": 20}
"""Upper ends used instead of the declared ones (small economies)."""
DEFINED = ("output_total", "wages_total", "owner_income_total", "taxes_total",
           "gini_income", "gini_wage", "gini_capital_income", "gini_assets", "dgini",
           "labor_share", "asset_income_share", "ai_rent_share", "revenue_share_exposed",
           "between_firm_wage_share", "employment_rate")
"""Money, Gini and share columns: defined for every valid economy (docs/MODEL.md §4)."""
UNIT = ("gini_income", "gini_wage", "gini_capital_income", "gini_assets", "labor_share",
        "asset_income_share", "ai_rent_share", "revenue_share_exposed",
        "between_firm_wage_share", "employment_rate")


def _field_strategy(info: dict[str, Any]) -> st.SearchStrategy:
    kind = info["type"]
    if kind == "bool":
        return st.booleans()
    if kind == "str":
        return st.sampled_from(info["choices"])
    lo, hi = info["lo"], min(info["hi"], SIZES.get(info["name"], info["hi"]))
    if kind == "int":
        return st.integers(lo, hi)
    inside = st.floats(lo, hi, exclude_min=info["lo_open"], exclude_max=info["hi_open"])
    ends = [v for v, is_open in ((lo, info["lo_open"]), (hi, info["hi_open"])) if not is_open]
    if info["name"] == "rho":
        ends += [-RHO_MIN, RHO_MIN]          # the edges of the excluded band
    return st.one_of(st.sampled_from(ends), inside) if ends else inside


@st.composite
def valid_params(draw: st.DrawFn) -> Params:
    """A `Params` whose every field is drawn from its declared (size-capped) range."""
    values = {info["name"]: draw(_field_strategy(info)) for info in Params.field_info()
              if info["name"] != "n_tasks"}
    n_tasks = next(i for i in Params.field_info() if i["name"] == "n_tasks")
    values["n_tasks"] = draw(st.integers(n_tasks["lo"],
                                         min(n_tasks["hi"], values["n_workers"] // 5)))
    try:
        return Params(**values)
    except ParameterError:
        assume(False)
        raise


@pytest.mark.invariants
@pytest.mark.slow          # about 40 s: 60 small economies
@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(params=valid_params(), seed=st.integers(0, 2**31 - 1))
def test_any_valid_economy_keeps_its_invariants(params: Params, seed: int) -> None:
    # numpy's floating-point warnings are errors here (setup.cfg filterwarnings)
    model = LaborMarketModel(params, seed=seed, agents=False)
    try:
        check_invariants(model)
        for _ in range(params.n_periods):
            model.step()
            check_invariants(model)
        frame = model.model_frame()
    finally:
        release(model)
    for name in DEFINED:
        assert np.isfinite(frame[name].to_numpy(float)).all(), name
    for name in UNIT:
        v = frame[name].to_numpy(float)
        if name == "labor_share" and not params.limited_liability:
            # owners who bear losses pay wages out of more than output: wages ≤ output +
            # owners' losses (the accounting identity), so the share may exceed 1
            top = 1.0 + frame["owner_losses_total"].to_numpy(float) / frame["output_total"]
            assert ((v >= 0.0) & (v <= top * (1.0 + 1e-12))).all(), name
            continue
        assert ((v >= 0.0) & (v <= 1.0)).all(), name
    for name in ("wages_total", "owner_income_total", "taxes_total"):
        assert (frame[name] >= 0.0).all(), name
