"""`abm policies`: bad input stops with one line and status 2 before any work; a tiny
run writes the table, the figure and the report."""

from __future__ import annotations

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis.policies_cli import main

BAD = [
    (["--levers", "rent_sharing,basic_income"], "unknown lever 'basic_income'; allowed:"),
    (["--levers", ","], "unknown lever ''"),
    (["--seeds", "1"], "--seeds=1 must be between 2"),
    (["--seeds", "many"], "invalid int value"),
    (["--workers", "0"], "--workers=0 must be at least 1"),
    (["--scheduler", "nowhere"], "scheduler address"),
    (["--scheduler", "serial", "--workers", "2"], "local cluster only"),
    (["--periods", "0"], "--periods=0 must be at least 1"),
    (["--n-workers", "10"], "--n-workers=10"),
    (["--root-seed", "-1"], "--root-seed=-1"),
    (["--set", "rent_share=0.3"], "unknown parameter 'rent_share'"),
    (["--set", "xi=2"], "xi=2.0 is out of range"),
    (["--set", "ai_enabled=false"], "ai_enabled=False"),
    (["--bogus"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("argv", "needle"), BAD)
def test_bad_input_is_one_line_and_status_2(argv, needle, refused):
    refused(main, argv, needle)


def test_missing_out_and_out_that_is_a_file_are_refused(capsys, tmp_path):
    assert main([]) == 2
    assert "--out" in capsys.readouterr().err
    afile = tmp_path / "afile"
    afile.write_text("keep")
    assert main(["--out", str(afile)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert afile.read_text() == "keep"


def test_a_tiny_run_writes_table_figure_and_report(tmp_path, capsys):
    out = tmp_path / "p"
    argv = ["policies", "--out", str(out), "--seeds", "2", "--n-workers", "300",
            "--periods", "2", "--levers", "ai_rent_tax,public_equity", "--scheduler",
            "serial"]
    assert abm_main(argv) == 0
    table = pd.read_csv(out / "policies.csv")
    assert list(table.columns) == ["policy", "statistic", "mean", "se", "n_seeds"]
    assert set(table["policy"]) == {"base", "ai_rent_tax", "public_equity"}
    assert (table["n_seeds"] == 2).all()
    for stat in ("dgini_ai", "d_gini_income", "d_income_share_bottom50",
                 "d_income_share_top10", "d_unemployment", "d_atkinson_1",
                 "pct_ede_income_1", "d_labor_share", "pct_mean_income"):
        assert stat in set(table["statistic"]), stat
    for name in ("policies.png", "policies.pdf", "report.md", "policies.log",
                 "per_seed.csv"):
        assert (out / name).stat().st_size > 0, name
    assert "| ai_rent_tax |" in (out / "report.md").read_text()
    # the committed estimate exists (scenarios/calibrated.py), so it is the base
    assert "base economy: calibrated (scenarios/calibrated.py)" in capsys.readouterr().out
    # rerunning resumes: nothing is recomputed and the table is the same
    assert abm_main(argv) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out / "policies.csv"), table)


def test_a_calibrated_economy_is_used_when_it_exists(monkeypatch):
    import sys
    import types

    from abm.params import Params
    from analysis import policies_cli

    module = types.ModuleType("scenarios.calibrated")
    module.build_params = lambda: Params(xi=0.2)
    monkeypatch.setitem(sys.modules, "scenarios.calibrated", module)
    base, origin = policies_cli.base_economy()
    assert base.xi == 0.2 and origin.startswith("calibrated")

    def broken():
        raise FileNotFoundError("analysis/data/calibrated.json")

    module.build_params = broken
    with pytest.raises(policies_cli.BadInput, match="calibrated.json"):
        policies_cli.base_economy()
