"""`abm sweep`: exit codes, one-line errors, the failure summary and --status."""

from __future__ import annotations

import pytest

from abm.cli import main as abm_main
from abm.sweep import load
from abm.fused.numpy_math import numerics
from abm.sweep.cli import _arithmetic, main

SPEC = """\
scenario = "baseline"
periods = 3
seeds = 2
[fixed]
n_workers = 500
n_tasks = 5
n_firms = 10
[grid]
xi = [0.05, 0.3]
"""


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("abm: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(("argv", "fragment"), [
    ([], "a spec file is required"),
    (["SPEC"], "--out DIR is required"),
    (["SPEC", "--out", "OUT", "--workers", "0"], "--workers 0 must be at least 1"),
    (["SPEC", "--out", "OUT", "--serial", "--workers", "2"], "--serial runs without Dask"),
    (["SPEC", "--out", "OUT", "--bogus"], "unrecognized arguments: --bogus"),
    (["SPEC", "--out", "OUT", "--workers", "two"], "invalid int value: 'two'"),
    (["--status", "OUT", "SPEC"], "--status DIR takes no spec"),
    (["missing.toml", "--out", "OUT"], "spec file 'missing.toml' not found"),
    (["--status", "OUT"], "is not a sweep output folder"),
    (["SPEC", "--out", "FILE"], "exists and is not a folder"),
    (["SPEC", "--out", "FILE/sub"], "Not a directory"),
])
def test_bad_usage_is_one_line_and_exit_2(argv, fragment, tmp_path, write_toml, capsys,
                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = write_toml(SPEC)
    (tmp_path / "FILE").write_text("not a folder")
    names = {"SPEC": str(spec), "OUT": str(tmp_path / "OUT"), "FILE": str(tmp_path / "FILE"),
             "FILE/sub": str(tmp_path / "FILE" / "sub")}
    argv = [names.get(a, a) for a in argv]
    assert main(argv) == 2
    assert fragment in one_line_error(capsys)


def test_invalid_spec_names_the_line_and_runs_nothing(tmp_path, write_toml, capsys):
    spec = write_toml(SPEC.replace("xi = [0.05, 0.3]", "xi = [0.05, 3.0]"))
    assert abm_main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--serial"]) == 2
    line = one_line_error(capsys)
    assert "spec.toml, line 9 (grid.xi[1]): xi=3.0 is out of range; allowed [0.0, 1.0]" in line
    assert not (tmp_path / "out").exists()


def test_run_status_and_refused_changed_spec(tmp_path, write_toml, capsys):
    spec, out = write_toml(SPEC), tmp_path / "out"
    assert main([str(spec), "--out", str(out), "--serial"]) == 0
    assert "sweep complete: 4 runs" in capsys.readouterr().out
    assert main(["--status", str(out)]) == 0
    report = capsys.readouterr().out
    assert "4 total: 4 done, 0 failed, 0 pending" in report and "complete" in report
    assert f"arithmetic    {numerics()} (all 4 done runs)" in report
    changed = write_toml(SPEC.replace("periods = 3", "periods = 4"), "changed.toml")
    assert main([str(changed), "--out", str(out), "--serial"]) == 2
    assert "holds a sweep of a different spec (changed: periods)" in one_line_error(capsys)
    assert load(out)["run_id"].nunique() == 4


def test_failed_runs_exit_1_with_summary(tmp_path, write_toml, capsys, inject_failures):
    inject_failures({2})
    out = tmp_path / "out"
    assert main([str(write_toml(SPEC)), "--out", str(out), "--serial"]) == 1
    err = capsys.readouterr().err
    assert "abm: 1 of 4 runs failed (3 done, 0 pending):" in err
    assert "run 2 (xi=0.3, seed=" in err and "augmentation='bogus'" in err
    assert "rerun the same command to retry the failed runs" in err
    assert main(["--status", str(out)]) == 0
    assert "1 failed" in capsys.readouterr().out


def test_unreachable_scheduler_is_a_clean_error(tmp_path, write_toml, capsys):
    import dask
    import distributed  # noqa: F401  (its config defaults must exist before config.set)

    argv = [str(write_toml(SPEC)), "--out", str(tmp_path / "out"),
            "--scheduler", "tcp://127.0.0.1:9"]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        assert main(argv) == 2
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in one_line_error(capsys)


def test_status_names_both_arithmetics_of_a_mixed_sweep():
    line = _arithmetic({"numpy-simd": 2, "libm": 3})
    assert line.startswith("libm 3 runs, numpy-simd 2 runs: a seed's runs agree to rounding")
    assert _arithmetic({"unrecorded": 4}) == "unrecorded (all 4 done runs)"
