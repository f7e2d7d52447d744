"""`abm calibrate`: every bad input is one line and status 2 before any simulation, no
output content is lost; a tiny known-answer run writes its files and resumes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis.calibrate_cli import main

BAD = [
    (["--m6", "abc"], "--m6='abc' is not a number"),
    (["--m6", "nan"], "must be finite"),
    (["--m6", "2"], "must lie in (-1, 1)"),
    (["--seeds", "1"], "--seeds=1 must be at least 2"),
    (["--seeds", "two"], "invalid int value"),
    (["--starts", "1"], "--starts=1 must be at least 2"),
    (["--workers", "0"], "--workers=0 must be at least 1"),
    (["--n-workers-economy", "10"], "must be at least 200"),
    (["--scheduler", "nowhere"], "scheduler address"),
    (["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "local cluster only"),
    (["--synthetic", "foo=1"], "unknown parameter 'foo'"),
    (["--synthetic", "ai_weight=9"], "outside its range"),
    (["--synthetic", "ai_weight"], "expects name=value"),
    (["--synthetic", "ai_weight=x"], "is not a number"),
    (["--synthetic", "xi=0.1,xi=0.2"], "given twice"),
    (["--synthetic", "xi=0.1", "--m6", "0.01"], "exclude each other"),
    (["--stages", "fit,bogus"], "unknown stage 'bogus'"),
    (["--targets", "/nonexistent/targets.toml"], "cannot read the targets file"),
    (["--bogus"], "unrecognized arguments"),
    (["--fix", "xi=2"], "--fix xi=2 is outside its range"),
    (["--fix", "foo=1"], "--fix: unknown parameter 'foo'"),
    (["--fix", "xi=0.1", "--fix", "xi=0.2"], "--fix: xi given twice"),
    (["--fix", "xi=0.1", "--free-all"], "exclude each other"),
    (["--fix", "ai_weight=0.5,ability_sd=0.4,edu_return=0.04,xi=0.1,proprietary_share=0.5"],
     "nothing to estimate"),
    (["--synthetic", "ability_sd=0.5"], "ability_sd is held fixed"),
]


def _one_line(capsys, needle: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("abm: error: "), err
    assert needle in err, err


@pytest.mark.parametrize(("argv", "needle"), BAD)
def test_bad_input_is_one_line_and_status_2(argv, needle, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    _one_line(capsys, needle)
    assert not (tmp_path / "o").exists()              # nothing ran, nothing written


def test_malformed_targets_file_is_one_line(capsys, tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('[[target]]\nname = "x"\nvalue = "high"\n')
    assert main(["--targets", str(bad), "--out", str(tmp_path / "o")]) == 2
    _one_line(capsys, str(bad))
    assert not (tmp_path / "o").exists()


def test_missing_out_and_unwritable_out(capsys, tmp_path):
    assert main(["--seeds", "3"]) == 2
    _one_line(capsys, "--out")
    afile = tmp_path / "afile"
    afile.write_text("keep")
    for out, needle in ((afile, "is a file, not a folder"),
                        (afile / "sub", "is a file, not a folder"),
                        ("/proc/abm-calibrate", "cannot write in /proc"),
                        ("", "empty string")):
        assert main(["--out", str(out)]) == 2
        _one_line(capsys, needle)
    assert afile.read_text() == "keep"


def test_refusal_keeps_an_existing_folder_and_a_run_with_other_settings(capsys, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "report.md").write_text("earlier results")
    (out / "run.json").write_text(json.dumps({"settings": {"seeds": 99}, "targets": "x",
                                              "m6": None, "synthetic": {}}))
    assert main(["--seeds", "1", "--out", str(out)]) == 2
    _one_line(capsys, "--seeds=1")
    assert main(["--quick", "--out", str(out)]) == 2        # valid, but another run's folder
    _one_line(capsys, "holds a run with other settings")
    assert (out / "report.md").read_text() == "earlier results"


def test_dispatch_from_the_abm_command(capsys, tmp_path):
    assert abm_main(["calibrate", "--seeds", "1", "--out", str(tmp_path / "o")]) == 2
    _one_line(capsys, "--seeds=1 must be at least 2")
    assert abm_main(["calibrate", "--help"]) == 0
    assert "--synthetic" in capsys.readouterr().out


def test_tiny_known_answer_run_writes_its_files_and_resumes(capsys, tmp_path):
    """500 workers, 2 seeds, serial: the fit, its sensitivity, ΔGini and the regime fits
    (about 15 s; the m6 and share refits are the fit's own code, tested on the toy)."""
    out = tmp_path / "run"
    argv = ["--quick", "--synthetic", "ai_weight=0.8,xi=0.2", "--workers", "1",
            "--seeds", "2", "--n-workers-economy", "500",
            "--stages", "sensitivity,dgini,regimes", "--out", str(out)]
    assert main(argv) == 0
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns[:3]) == ["parameter", "estimate", "se"]
    assert len(est) == 5
    mom = pd.read_csv(out / "moments.csv")
    assert list(mom.columns) == ["moment", "empirical", "se", "simulated", "t"]
    assert len(mom) == 6
    truth = pd.read_csv(out / "synthetic_truth.csv").set_index("parameter")
    assert truth.loc["ai_weight", "truth"] == 0.8 and truth.loc["xi", "truth"] == 0.2
    dg = pd.read_csv(out / "dgini.csv")
    assert set(dg["horizon"]) == {"data date", "long run"}
    for name in ("report.md", "sensitivity.csv", "fit.png", "fit.pdf", "sensitivity.png",
                 "calibrate.log", "dgini_split.csv", "fit.json"):
        assert (out / name).is_file(), name
    assert "## Estimates" in (out / "report.md").read_text()
    regimes = pd.read_csv(out / "regimes.csv").set_index("regime")
    assert list(regimes.index) == ["main estimate", "dgini <= 0", "dgini >= 0"]
    assert regimes["criterion_gap"].iloc[0] >= 0
    capsys.readouterr()
    # rerun: every evaluation replays from the log, the same estimate comes out
    assert main(argv) == 0
    assert "stored evaluations will be replayed" in capsys.readouterr().out
    again = pd.read_csv(out / "estimates.csv")
    pd.testing.assert_series_equal(again["estimate"], est["estimate"])
    # the decomposition's own evaluations (long-run ΔGini, COBYLA) replay too
    pd.testing.assert_frame_equal(pd.read_csv(out / "dgini.csv"), dg)
    pd.testing.assert_frame_equal(pd.read_csv(out / "regimes.csv").set_index("regime"),
                                  regimes)


def test_refusals_and_help_import_no_heavy_module(tmp_path):
    """As every `abm` command: a refused line answers before pandas, numba or Dask load
    (the targets file itself is read with pandas, so its errors are not in this list)."""
    import subprocess
    import sys

    heavy = ("mesa", "numba", "dask", "distributed", "pandas", "pyarrow", "scipy")
    for args in (["--help"], ["--seeds", "1", "--out", "o"], ["--m6", "x", "--out", "o"],
                 ["--synthetic", "foo=1", "--out", "o"]):
        code = ("import sys; sys.argv = ['abm', 'calibrate', *%r]\n"
                "from abm.cli import main\n"
                "try:\n    main()\nexcept SystemExit:\n    pass\n"
                "print(sorted(m for m in %r if m in sys.modules), file=sys.stderr)"
                % (args, heavy))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, check=True)
        assert proc.stderr.strip().splitlines()[-1] == "[]", (args, proc.stderr)
    assert not (tmp_path / "o").exists()


def test_unreachable_scheduler_is_one_line_and_touches_no_folder(capsys, tmp_path,
                                                                 monkeypatch):
    import abm.sweep.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)   # nothing listens on port 1
    out = tmp_path / "o"
    assert main(["--quick", "--scheduler", "tcp://127.0.0.1:1", "--out", str(out)]) == 2
    _one_line(capsys, "cannot connect to the Dask scheduler")
    assert not out.exists()


def test_scenario_axes_are_held_fixed_unless_freed():
    """By default the parameter the targets cannot separate (space.SCENARIO_AXES) is held
    at its value in every fit; --fix replaces the axes and --free-all frees them all."""
    from analysis.calibrate_cli import _fixed, _parser
    from analysis.calibration.pipeline import Settings
    from analysis.calibration.space import SCENARIO_AXES

    assert dict(Settings().fixed) == SCENARIO_AXES == {"ability_sd": 0.4}
    parse = _parser().parse_args
    assert _fixed(parse(["--out", "o"])) == {"ability_sd": 0.4}
    assert _fixed(parse(["--out", "o", "--fix", "ability_sd=0.5", "--fix", "xi=0.2"])) == \
        {"ability_sd": 0.5, "xi": 0.2}
    assert _fixed(parse(["--out", "o", "--free-all"])) == {}
