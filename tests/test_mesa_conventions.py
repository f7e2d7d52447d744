"""Mesa and Python conventions: SPEC-7 `rng=`, `running`, `batch_run`, numpy seeds,
argument validation, and the multiprocessing start method left as the user set it."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from abm import LaborMarketModel, Params, ParameterError, simulate

SMALL = dict(n_workers=500, n_tasks=5, n_firms=10)


def small(**changes):
    return Params(**SMALL, **changes)


def test_rng_keyword_gives_the_same_run_as_seed():
    a = LaborMarketModel(small(n_periods=2), rng=42, agents=False).run()
    b = LaborMarketModel(small(n_periods=2), seed=42, agents=False).run()
    pd.testing.assert_frame_equal(a, b)


def test_rng_accepts_a_generator_reproducibly():
    a = LaborMarketModel(small(), rng=np.random.default_rng(5), agents=False)
    b = LaborMarketModel(small(), rng=np.random.default_rng(5), agents=False)
    assert a.seed == b.seed
    assert a.metrics["gini_income"] == b.metrics["gini_income"]


def test_seed_and_rng_together_are_refused():
    with pytest.raises(ParameterError, match="either seed= or rng="):
        LaborMarketModel(small(), seed=1, rng=1)


def test_running_turns_false_at_the_horizon_and_run_model_stops_there():
    model = LaborMarketModel(small(n_periods=3), seed=1, agents=False)
    assert model.running
    model.run_model()                   # Mesa's loop: while running: step()
    assert model.steps == 3 and not model.running
    assert len(model.model_frame()) == 4  # periods 0..3


def test_mesa_batch_run_stops_at_n_periods():
    from mesa import batch_run

    rows = batch_run(LaborMarketModel,
                     parameters={**SMALL, "n_periods": 3, "agents": False, "rng": [1, 2]},
                     max_steps=50, number_processes=1, data_collection_period=1,
                     display_progress=False)
    df = pd.DataFrame(rows)
    # without `running` turning False batch_run would step to max_steps (50)
    assert sorted(df.groupby("rng")["Step"].max()) == [2, 2]
    # Mesa 3.3.1 reports rows 0 .. steps-1 of the collector: periods 0..2 of this run
    direct = simulate(small(n_periods=3), seed=2)
    got = df[df["rng"] == 2].set_index("Step")["gini_income"]
    np.testing.assert_array_equal(got.to_numpy(), direct["gini_income"].iloc[:3].to_numpy())


@pytest.mark.parametrize("seed", [np.int64(3), np.uint32(3), np.int8(3)])
def test_numpy_integer_seeds_are_accepted(seed):
    pd.testing.assert_frame_equal(simulate(small(n_periods=1), seed=seed),
                                  simulate(small(n_periods=1), seed=3))
    assert LaborMarketModel(small(), seed=seed, agents=False).seed == 3


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(seed=1.7), "seed=1.7 must be a non-negative int"),
    (dict(seed=-1), "seed=-1 must be a non-negative int"),
    (dict(seed="abc"), "seed='abc' must be a non-negative int"),
    (dict(seed=True), "seed=True must be a non-negative int"),
    (dict(rng=2.5), "rng=2.5 must be a non-negative int, a numpy Generator"),
    (dict(agents="yes"), "agents='yes' must be True or False"),
])
def test_model_validates_its_arguments_like_simulate(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        LaborMarketModel(small(), **kwargs)


def test_model_refuses_a_non_params_positional_argument():
    with pytest.raises(ParameterError, match="params must be a Params, got str"):
        LaborMarketModel("x")  # type: ignore[arg-type]


def test_negative_run_length_is_refused_not_silently_zero():
    model = LaborMarketModel(small(), seed=1, agents=False)
    with pytest.raises(ParameterError, match="n_periods=-3 must be a non-negative int"):
        model.run(-3)
    with pytest.raises(ParameterError, match="n_periods=-3"):
        simulate(small(), seed=1, n_periods=-3)


def _start_method_after(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    return proc.stdout.strip()


def test_import_abm_leaves_the_multiprocessing_start_method_alone():
    # Mesa 3.3.1 forces "spawn" at import; importing abm must not
    code = "import multiprocessing as mp; import abm; print(mp.get_start_method(allow_none=True))"
    assert _start_method_after(code) == "None"
    code = ("import multiprocessing as mp; mp.set_start_method('forkserver'); import abm; "
            "print(mp.get_start_method())")
    assert _start_method_after(code) == "forkserver"
