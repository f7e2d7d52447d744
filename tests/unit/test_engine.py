"""The engine without Mesa: the Mesa model's results bit for bit, branches, no Mesa import."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from abm import Engine, LaborMarketModel, Params, branch, simulate
from abm.params import ParameterError

SMALL = Params(n_workers=400, n_firms=8, n_tasks=4, burn_in=3, n_periods=3)


def _frames(model: Engine) -> list[pd.DataFrame]:
    return [model.run(), model.worker_frame(), model.firm_frame(), model.task_frame()]


@pytest.mark.parametrize("columns", [None, ["gini_income", "regime", "labor_share"]])
def test_the_engine_and_the_mesa_model_give_the_same_results(columns):
    engine = Engine(SMALL, seed=5, columns=columns)
    model = LaborMarketModel(SMALL, seed=5, agents=True, columns=columns)
    for a, b in zip(_frames(engine), _frames(model), strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not engine.running and not model.running


def test_simulate_without_agents_runs_the_engine_and_with_them_the_mesa_model():
    seen: list[type] = []
    plain = simulate(SMALL, seed=2, on_step=lambda m: seen.append(type(m)))
    with_agents = simulate(SMALL, seed=2, agents=True, on_step=lambda m: seen.append(type(m)))
    pd.testing.assert_frame_equal(plain, with_agents, check_exact=True)
    assert seen == [Engine] * 3 + [LaborMarketModel] * 3


def test_an_engine_branch_equals_a_separate_run_and_refuses_the_pre_ai_economy():
    root = Engine(SMALL, seed=9)
    twin = root.branch(ai_enabled=False)
    pd.testing.assert_frame_equal(twin.run(), Engine(SMALL.replace(ai_enabled=False),
                                                     seed=9).run(), check_exact=True)
    pd.testing.assert_frame_equal(root.run(), Engine(SMALL, seed=9).run(), check_exact=True)
    with pytest.raises(ParameterError, match="cannot branch on xi"):
        Engine(SMALL, seed=9).branch(xi=0.3)


@pytest.mark.parametrize("bad, message", [
    (dict(params="small"), "params must be a Params"),
    (dict(seed=-1), "seed=-1 must be a non-negative int"),
    (dict(columns=["no_such_column"]), "no_such_column"),
])
def test_the_engine_refuses_bad_input_in_one_line(bad, message):
    kwargs = {"params": SMALL, "seed": 1, **bad}
    with pytest.raises(ParameterError, match=message) as info:
        Engine(kwargs.pop("params"), **kwargs)
    assert "\n" not in str(info.value)


def _modules_after(code: str) -> set[str]:
    """Top-level modules imported by a fresh interpreter running `code`."""
    script = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_runs_without_agents_and_sweep_workers_never_import_mesa():
    # both sides: the same script with agents=True must import it
    runs = """
        from abm import Params, branch, simulate
        import abm.sweep.execute
        p = Params(n_workers=300, n_firms=6, n_tasks=4, burn_in=2, n_periods=1)
        simulate(p, seed=1)
        branch(p, seed=1, variants={"ai": {}, "no_ai": {"ai_enabled": False}})
        """
    assert "mesa" not in _modules_after(runs)
    assert "mesa" in _modules_after(runs + "simulate(p, seed=1, agents=True)\n")
