"""`abm empirics`: bad input stops with one line and status 2 before anything is written;
the real-data half runs end to end on the shipped files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis.empirics.data import DATA_DIR, OEWS_FILE
from analysis.empirics_cli import main

BAD = [
    (["--seeds", "1"], "--seeds=1 must be between 2 and"),
    (["--seeds", "many"], "invalid int value"),
    (["--workers", "0"], "--workers=0 must be between 1 and 64"),
    (["--root-seed", "-1"], "--root-seed=-1 must be a non-negative int"),
    (["--bogus"], "unrecognized arguments"),
]


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("abm: error: ")
    return err


@pytest.mark.parametrize(("argv", "needle"), BAD)
def test_bad_option_is_one_line_and_status_2(argv, needle, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    assert needle in _one_line(capsys)
    assert not (tmp_path / "o").exists()


def test_out_must_be_given(capsys):
    assert main([]) == 2
    assert "--out" in _one_line(capsys)


def test_out_under_a_file_is_refused(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--out", str(blocker / "sub")]) == 2
    assert "is a file, not a folder" in _one_line(capsys)
    assert main(["--out", str(blocker)]) == 2
    assert f"--out {blocker} is a file, not a folder" in _one_line(capsys)


def test_malformed_data_is_refused_and_nothing_is_written(capsys, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / OEWS_FILE).read_text(encoding="utf-8")
    (data / OEWS_FILE).write_text(text.replace("a_pct10", "a_p10", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--out", str(out), "--data", str(data)]) == 2
    err = _one_line(capsys)
    assert OEWS_FILE in err and "missing column" in err
    assert not out.exists()


def test_dispatch_from_the_abm_command(capsys, tmp_path):
    assert abm_main(["empirics", "--seeds", "0", "--out", str(tmp_path / "o")]) == 2
    assert "--seeds=0" in _one_line(capsys)


@pytest.mark.slow
def test_real_only_writes_the_tables_and_figure(tmp_path, capsys):
    out = tmp_path / "emp"
    assert main(["--out", str(out), "--real-only"]) == 0
    printed = capsys.readouterr().out
    assert "2019-2022" in printed and "between occupations" in printed
    t = pd.read_csv(out / "oews_regressions.csv")
    assert list(t.columns) == ["exposure", "window", "spec", "outcome", "coef", "se",
                               "pvalue", "n"]
    # 5 exposures x 4 windows x 3 specs x 6 outcomes
    assert len(t) == 360 and t["coef"].notna().all()
    assert set(t["window"]) == {"2019-2023", "2019-2022", "2021-2023", "2022-2023"}
    cov = pd.read_csv(out / "coverage_by_window.csv")
    assert len(cov) == 20 and (cov["n_matched"] <= cov["n_both_years"]).all()
    assert (out / "oews_binscatter.png").stat().st_size > 10_000
    var = pd.read_csv(out / "oews_variance.csv")
    assert len(var) == 10 and var["between_share"].between(0, 1).all()
    assert not (out / "hypotheses.csv").exists()
