"""`abm akm`: bad input stops with one line and status 2 before any work; a small run
writes the per-seed and summary tables."""

from __future__ import annotations

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis.akm_cli import main

BAD = [
    (["--seeds", "1"], "--seeds=1 must be between 2"),
    (["--years", "1"], "--years=1 must be between 2"),
    (["--root-seed", "-1"], "--root-seed=-1 must be at least 0"),
    (["--scenario", "nope"], "unknown scenario 'nope'; valid scenarios:"),
    (["--scenario", "two_regimes"], "has variants no_ai, commodity_ai, proprietary_ai"),
    (["--scenario", "two_regimes", "--variant", "x"], "is not a variant of 'two_regimes'"),
    (["--n-workers", "10"], "--n-workers=10 is out of range"),
    (["--set", "xi=2"], "xi=2.0 is out of range"),
    (["--set", "bogus=1"], "unknown parameter 'bogus'"),
    (["--set", "n_firms=6000"], "the AKM fit takes at most 5000 firms"),
    (["--set", "n_workers=1000"], "--set n_workers=...: use --n-workers instead"),
    (["--set", "ai_enabled=true"], "--set ai_enabled=...: use --ai instead"),
    (["--scenario", "two_regimes", "--variant", "no_ai", "--ai"], "'no_ai' has no AI"),
    (["--bogus"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("argv", "needle"), BAD)
def test_bad_input_is_one_line_and_status_2(argv, needle, refused):
    refused(main, argv, needle)


def test_the_firm_limit_is_the_estimators():
    from analysis import akm_cli
    from analysis.akm import estimate

    assert akm_cli.MAX_FIRMS == estimate.MAX_FIRMS


def test_out_that_is_a_file_is_refused_and_kept(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    assert main(["--out", str(afile)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert afile.read_text() == "keep"


def test_a_small_run_writes_both_tables(tmp_path, capsys):
    out = tmp_path / "a"
    argv = ["akm", "--out", str(out), "--scenario", "baseline", "--seeds", "2",
            "--years", "3", "--n-workers", "800"]
    assert abm_main(argv) == 0
    per_seed = pd.read_csv(out / "akm.csv")
    assert list(per_seed["seed"]) == [1, 2]
    summary = pd.read_csv(out / "akm_summary.csv", index_col="statistic")
    assert list(summary.columns) == ["mean", "se"]
    for name in ("plug_in_firm", "corrected_firm", "known_firm", "known_firm_fixed",
                 "plug_in_sorting", "known_sorting", "movers_median"):
        assert name in summary.index
        assert summary.loc[name, "mean"] == pytest.approx(per_seed[name].mean())
    shares = per_seed[["plug_in_firm", "known_firm", "known_firm_fixed"]].to_numpy()
    assert ((shares >= 0) & (shares <= 1)).all()
    assert "without AI" in capsys.readouterr().out
