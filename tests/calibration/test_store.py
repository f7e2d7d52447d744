"""The saved estimate: JSON round trip, the calibrated economy, one-line errors."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from abm.params import Params
from analysis.calibration.estimate import Fit
from analysis.calibration.store import FitFileError, load_fit, save_fit


def make_fit(se_b=0.02):
    names = ["ai_weight", "xi"]
    cov = pd.DataFrame([[0.01, 0.001], [0.001, se_b ** 2]], index=names, columns=names)
    moments = pd.DataFrame({"empirical": [0.14, 0.001], "se": [0.02, 0.003],
                            "simulated": [0.1400000000000001, 0.0012], "t": [0.0, 0.06]},
                           index=["ai_gain_mean", "dgini"])
    return Fit(params=pd.Series({"ai_weight": 0.7123456789012345, "xi": 0.1 / 3}),
               se=pd.Series(np.sqrt(np.diag(cov)), index=names), cov=cov, moments=moments,
               jacobian=pd.DataFrame(), sim_cov=pd.DataFrame(),
               identification={"rank": 2, "condition_number": np.float64(3.5)},
               criterion=0.25, fixed={"proprietary_share": 0.8, "asset_gini": 0.5},
               n_evaluations=10, seconds=2.0, seconds_in_model=1.5, result=None,
               meta={"seeds": [1, 2], "n_workers": 1000,
                     "base": Params(n_workers=1000, n_periods=3).to_dict()})


def test_round_trip_exact(tmp_path):
    fit = make_fit()
    save_fit(fit, tmp_path / "fit.json")
    saved = load_fit(tmp_path / "fit.json")
    pd.testing.assert_series_equal(saved.params, fit.params, check_names=False)
    pd.testing.assert_series_equal(saved.se, fit.se, check_names=False)
    pd.testing.assert_frame_equal(saved.cov, fit.cov)
    assert saved.fixed == fit.fixed
    assert saved.targets["dgini"] == {"value": 0.001, "se": 0.003, "simulated": 0.0012}
    assert saved.meta["m6"] == 0.001 and saved.meta["criterion"] == 0.25
    assert saved.meta["seeds"] == [1, 2] and saved.base["n_workers"] == 1000


def test_to_params_applies_fixed_and_estimates(tmp_path):
    save_fit(make_fit(), tmp_path / "fit.json")
    params = load_fit(tmp_path / "fit.json").to_params()
    assert params.ai_weight == 0.7123456789012345 and params.xi == 0.1 / 3
    assert params.asset_gini == 0.5 and params.n_workers == 1000
    total = Params().eta0 + Params().eta1
    assert params.eta1 == pytest.approx(0.8 * total) and params.eta0 + params.eta1 == \
        pytest.approx(total)


def test_undefined_se_is_null_and_reads_back_nan(tmp_path):
    fit = make_fit()
    fit.se["xi"] = np.nan
    fit.cov.loc["xi", "xi"] = np.nan
    save_fit(fit, tmp_path / "fit.json")
    doc = json.loads((tmp_path / "fit.json").read_text())
    assert doc["se"]["xi"] is None
    saved = load_fit(tmp_path / "fit.json")
    assert math.isnan(saved.se["xi"]) and math.isnan(saved.cov.loc["xi", "xi"])


def test_without_base_refuses():
    fit = make_fit()
    fit.meta.pop("base")
    with pytest.raises(ValueError, match="base economy"):
        save_fit(fit, "/nonexistent/never-written.json")


def broken(doc, **change):
    doc = json.loads(json.dumps(doc))
    for key, value in change.items():
        if value is KeyError:
            doc.pop(key)
        else:
            doc[key] = value
    return json.dumps(doc)


@pytest.mark.parametrize("text, message", [
    ("{not json", "line 1: invalid JSON"),
    ("[1, 2]", "top level must be an object"),
    ("REMOVE:params", "missing params"),
    ("SET:params", "params.ai_weight = 'x' must be a number"),
    ("SET:se", "se names"),
    ("SET:cov", "cov.matrix must be a 2×2"),
    ("SET:fixed", "fixed must be an object"),
])
def test_malformed_file_one_line(tmp_path, text, message):
    save_fit(make_fit(), tmp_path / "good.json")
    doc = json.loads((tmp_path / "good.json").read_text())
    changes = {"REMOVE:params": broken(doc, params=KeyError),
               "SET:params": broken(doc, params={"ai_weight": "x", "xi": 0.1}),
               "SET:se": broken(doc, se={"xi": 0.1}),
               "SET:cov": broken(doc, cov={"names": ["ai_weight", "xi"], "matrix": [[1.0]]}),
               "SET:fixed": broken(doc, fixed=[1, 2])}
    (tmp_path / "bad.json").write_text(changes.get(text, text))
    with pytest.raises(FitFileError) as info:
        load_fit(tmp_path / "bad.json")
    assert message in str(info.value) and "\n" not in str(info.value)
    assert str(tmp_path / "bad.json") in str(info.value)


def test_missing_file_one_line(tmp_path):
    with pytest.raises(FitFileError, match="cannot read the saved estimate"):
        load_fit(tmp_path / "absent.json")
