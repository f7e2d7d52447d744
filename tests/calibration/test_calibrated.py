"""The committed estimate (analysis/data/calibrated.json) and the `calibrated` scenario.

The estimate records the simulated moments at its parameters; re-simulating them with
the same seeds and economy must give the same numbers, so the committed scenario is the
economy that was estimated (any change to the model that moves them shows here, and the
estimate must then be redone with `abm calibrate`).
"""

import math

import pytest

from abm.params import Params
from analysis.calibration.moments import simulate_moments
from analysis.calibration.space import FREE, SCENARIO_AXES
from analysis.calibration.store import load_fit
from analysis.calibration.targets import load_targets
from scenarios import calibrated


@pytest.fixture(scope="module")
def saved():
    return load_fit(calibrated.ESTIMATE)


def test_the_committed_estimate_reproduces_its_moments(saved):
    """Same seeds, same base economy, same parameters: the simulated moments stored with
    the estimate come back to rounding (1e-12: the model is deterministic given its seed;
    the tolerance only allows for summation order in the mean over seeds)."""
    names = {f.name for f in FREE}
    theta = {**{k: v for k, v in saved.fixed.items() if k in names}, **saved.params.to_dict()}
    again = simulate_moments(theta, targets=load_targets(), seeds=saved.meta["seeds"],
                             base=Params.from_dict(saved.base))
    for name, row in saved.targets.items():
        assert math.isclose(again[name], row["simulated"], rel_tol=0, abs_tol=1e-12), name


def test_the_estimate_holds_the_scenario_axes_and_every_other_free_parameter(saved):
    assert saved.fixed == SCENARIO_AXES
    assert set(saved.params.index) | set(saved.fixed) == {f.name for f in FREE}
    assert (saved.se > 0).all()


def test_the_scenario_is_the_estimate_over_the_baseline_horizon(saved):
    p = calibrated.build_params()
    assert p == saved.to_params().replace(n_periods=Params().n_periods)
    assert p.eta1 / (p.eta0 + p.eta1) == pytest.approx(saved.params["proprietary_share"],
                                                       abs=1e-12)
    v = calibrated.build_variants()
    assert set(v) == {"no_ai", "calibrated", "commodity_ai", "proprietary_ai"}
    assert v["calibrated"] == p and v["no_ai"] == p.replace(ai_enabled=False)
    total = p.eta0 + p.eta1        # AI intensity at equal access is the same in all three
    assert (v["commodity_ai"].eta0, v["commodity_ai"].eta1) == (total, 0.0)
    assert (v["proprietary_ai"].eta0, v["proprietary_ai"].eta1) == (0.0, total)


def test_the_committed_estimate_names_no_folder_of_the_machine_that_ran_it(saved):
    text = calibrated.ESTIMATE.read_text()
    assert "log" not in saved.meta and "/tmp/" not in text and "/home/" not in text
