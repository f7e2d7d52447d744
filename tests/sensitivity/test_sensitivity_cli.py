"""`abm sensitivity`: one-line refusals before any work, and a tiny run end to end."""

from __future__ import annotations

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis import sensitivity_cli
from analysis.sensitivity import ranges
from analysis.sensitivity_cli import main


@pytest.mark.parametrize("argv, needle", [
    (["--n", "1000"], "power of two"),
    (["--n", "1"], "--n=1 is out of range"),
    (["--trajectories", "1"], "--trajectories=1 is out of range"),
    (["--levels", "5"], "must be even"),
    (["--seeds", "1"], "--seeds=1 is out of range"),
    (["--n", "8", "--sim-points", "9"], "exceeds the 8 base points"),
    (["--workers", "0"], "--workers=0 is out of range"),
    (["--scheduler", "localhost"], "Dask scheduler address"),
    (["--scheduler", "tcp://h:1", "--workers", "2"], "external --scheduler"),
    (["--base", "neither"], "invalid choice"),
    (["--frobnicate"], "unrecognized arguments"),
    (["--scenario-fit", "nolabel"], "expects LABEL=FILE"),
    (["--scenario-fit", "neg=/nonexistent/fit.json"], "is not a file"),
    (["--scenario-fit", "committed=setup.cfg"], "used twice"),
])
def test_bad_input_is_one_line_and_status_2(argv, needle, capsys, tmp_path):
    out = tmp_path / "o"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abm: error: ") and needle in err
    assert err.count("\n") == 1
    assert not out.exists()                              # nothing ran, nothing written


def test_missing_out_and_out_that_is_a_file_are_refused(capsys, tmp_path):
    assert main([]) == 2
    assert "--out" in capsys.readouterr().err
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["--out", str(afile)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_calibrated_base_refused_while_the_file_is_missing(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sensitivity_cli, "CALIBRATED", tmp_path / "none.json")
    assert main(["--base", "calibrated", "--out", str(tmp_path / "o")]) == 2
    assert "does not exist yet" in capsys.readouterr().err


def test_dispatch_from_the_abm_command(capsys, tmp_path):
    assert abm_main(["sensitivity", "--n", "3", "--out", str(tmp_path / "o")]) == 2
    assert "power of two" in capsys.readouterr().err


def test_a_tiny_run_end_to_end_and_its_resume(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sensitivity_cli, "CALIBRATED", tmp_path / "none.json")
    # three of the ranges keep the run to 22 mean-field solves (the test's time budget)
    three = tuple(r for r in ranges.RANGES if r.name in ("xi", "asset_gini",
                                                          "proprietary_share"))
    monkeypatch.setattr(ranges, "default_ranges", lambda base: three)
    out = tmp_path / "run"
    argv = ["--out", str(out), "--n", "4", "--trajectories", "2", "--sim-points", "1",
            "--seeds", "2", "--sim-workers", "300", "--periods", "3"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "Params() defaults (none.json not found)" in text
    sobol = pd.read_csv(out / "sobol.csv")
    assert list(sobol.columns) == ["parameter", "output", "S1", "S1_conf", "ST", "ST_conf"]
    assert set(sobol["output"]) == {"dgini", "concentrating"}
    assert len(sobol) == 2 * 3
    assert list(sobol["parameter"][:3]) == ["xi", "asset_gini", "proprietary_share"]
    morris = pd.read_csv(out / "morris.csv")
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(morris.columns)
    check = pd.read_csv(out / "simulated_check.csv")
    assert len(check) == 1 and check.loc[0, "n_seeds"] == 2
    samples = pd.read_parquet(out / "sobol_samples.parquet")
    assert len(samples) == 4 * (3 + 2)                  # N·(D + 2)
    for name in ("report.md", "sobol_indices.png", "sobol_indices.pdf", "morris.png",
                 "simulated_check.png", "sensitivity.log"):
        assert (out / name).exists(), name
    report = (out / "report.md").read_text()
    assert "## Sobol indices" in report and "## Mean field against the simulation" in report
    # a rerun with the same settings reuses every finished stage
    assert main(argv) == 0
    again = capsys.readouterr().out
    assert "morris: reusing" in again and "sobol: reusing" in again
    assert "simulated check: reusing" in again
    assert pd.read_csv(out / "sobol.csv").equals(sobol)


@pytest.mark.parametrize("args", [["--help"], ["--n", "3", "--out", "o"]])
def test_help_and_refusals_import_no_heavy_module(args, tmp_path):
    # as tests/test_startup_imports.py: the console script's code in a fresh interpreter
    from tests.test_startup_imports import run_abm

    status, heavy, out, err = run_abm("sensitivity", *args, cwd=tmp_path)
    assert status == (0 if args == ["--help"] else 2)
    assert heavy == []
    assert "usage: abm sensitivity" in out or "power of two" in err


def test_an_unreachable_scheduler_is_refused_before_output(capsys, tmp_path):
    # port 9 (discard) on localhost: nothing listens there
    out = tmp_path / "o"
    assert main(["--scheduler", "tcp://127.0.0.1:9", "--out", str(out)]) == 2
    assert "abm: error:" in capsys.readouterr().err
    assert not out.exists()


def test_a_calibrated_economy_is_used_when_its_file_exists(tmp_path, capsys, monkeypatch):
    # a stand-in for analysis.calibration.store (its own branch): load_fit(path) returns
    # the estimate, its covariance and the economy (CALIB-API.md "The saved estimate")
    import sys
    import types

    import numpy as np

    from abm import Params

    class Fit:
        params = pd.Series({"xi": 0.1, "proprietary_share": 0.6})
        cov = pd.DataFrame(np.diag([0.02**2, 0.05**2]), index=params.index,
                           columns=params.index)

        def to_params(self):
            return Params(n_periods=3, ability_sd=0.45)

    store = types.ModuleType("analysis.calibration.store")
    store.load_fit = lambda path: Fit()
    monkeypatch.setitem(sys.modules, "analysis.calibration.store", store)
    fake = tmp_path / "calibrated.json"
    fake.write_text("{}")
    monkeypatch.setattr(sensitivity_cli, "CALIBRATED", fake)
    three = tuple(r for r in ranges.RANGES if r.name in ("xi", "proprietary_share"))
    monkeypatch.setattr(ranges, "default_ranges", lambda base: three)
    out = tmp_path / "run"
    other = tmp_path / "m6neg.json"              # another estimate: the m6 scenario's
    other.write_text("{}")
    assert main(["--out", str(out), "--n", "2", "--trajectories", "2", "--sim-points", "0",
                 "--draws", "10", "--scenario-fit", f"m6neg={other}"]) == 0
    text = capsys.readouterr().out
    assert "the calibrated economy" in text
    prob = pd.read_csv(out / "regime_probability.csv")
    assert list(prob["scenario"]) == ["committed", "m6neg"]   # one row per estimate
    assert prob["p_concentrating"].between(0, 1).all()
    assert prob.loc[0, "horizon"] == 30                     # the long run, not the data date
    assert "## Regime probability" in (out / "report.md").read_text()
    assert not (out / "simulated_check.csv").exists()      # --sim-points 0 skips it


def test_a_scenario_fit_needs_the_calibrated_base(capsys, tmp_path):
    fit = tmp_path / "fit.json"
    fit.write_text("{}")
    out = tmp_path / "o"
    assert main(["--base", "defaults", "--scenario-fit", f"neg={fit}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs the calibrated economy" in err
    assert not out.exists()


def test_a_malformed_scenario_fit_is_refused_before_any_work(capsys, tmp_path):
    fit = tmp_path / "fit.json"
    fit.write_text("{not json")
    out = tmp_path / "o"
    assert main(["--base", "calibrated", "--scenario-fit", f"neg={fit}",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scenario-fit neg:" in err and "invalid JSON" in err
    assert not out.exists()
