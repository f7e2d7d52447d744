"""`abm run`: protected comparisons, overwrite protection, early refusal, seeds and feedback."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from abm.cli import main
from abm.feedback import Progress
from scenarios.runner import defining_parameters, plan
import scenarios

TINY = ["--set", "n_workers=400", "--set", "n_tasks=4", "--set", "n_firms=8"]


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "abm.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("abm: error: "), err
    return err


@pytest.mark.parametrize("override", ["eta0=0.5", "eta1=0.7", "ai_enabled=true"])
def test_set_on_a_variant_defining_parameter_is_refused(override, tmp_path, capsys):
    assert main(["run", "two_regimes", "--set", override, "--out", str(tmp_path / "o")]) == 2
    name = override.split("=")[0]
    assert f"conflicts with scenario 'two_regimes', whose variants are defined by {name}" \
        in one_line_error(capsys)
    assert not (tmp_path / "o").exists()


def test_single_variant_scenario_protects_what_makes_it_that_scenario(capsys):
    assert main(["run", "high_rent_sharing", "--set", "xi=0.1"]) == 2
    assert "defined by xi (baseline: 0.1, high_rent_sharing: 0.5)" in one_line_error(capsys)


def test_defining_parameters_of_two_regimes():
    assert set(defining_parameters(scenarios.load("two_regimes"))) == {"ai_enabled", "eta0",
                                                                       "eta1"}
    assert defining_parameters(scenarios.load("baseline")) == {}


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "xi=0.2", "--set", "xi=0.3"], "--set xi is given twice (0.2 and 0.3)"),
    (["--periods", "7", "--set", "n_periods=5"], "--periods 7 and --set n_periods=5 both"),
    (["--seeds", "0"], "--seeds=0 must be at least 1"),
    (["--out", ""], "--out must name a folder, got an empty string"),
    (["--seed", "x"], "argument --seed: invalid int value: 'x'"),
])
def test_cli_conflicts_are_refused_in_one_line(args, message, capsys):
    assert main(["run", "baseline", *args]) == 2
    assert message in one_line_error(capsys)


def test_out_that_is_a_file_or_under_a_file_is_refused_before_any_work(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    assert main(["run", "no_ai", "--out", str(afile)]) == 2
    assert f"--out {afile} is a file, not a folder" in one_line_error(capsys)
    assert main(["run", "no_ai", "--out", str(afile / "sub")]) == 2
    assert "is a file, not a folder" in one_line_error(capsys)
    assert afile.read_text() == "keep me"


def test_unwritable_out_is_refused_as_one_line_exit_2_without_traceback(tmp_path):
    # /proc refuses new files even to root (a chmod'ed folder would not stop root)
    proc = run_cli("run", "baseline", "--out", "/proc/abm-results")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "abm: error: --out /proc/abm-results: cannot write in /proc"


def test_existing_results_of_another_run_are_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "no_ai", "--seeds", "2", "--periods", "2", *TINY, "--out", str(out)]) == 0
    before = (out / "results.parquet").read_bytes()
    capsys.readouterr()
    # other parameters
    assert main(["run", "no_ai", "--seeds", "2", "--periods", "2", *TINY[:-2], "--set",
                 "n_firms=9", "--out", str(out)]) == 2
    assert "holds results of another run (n_firms=8 in no_ai, not 9); pass --force" \
        in one_line_error(capsys)
    # other seeds, other scenario
    assert main(["run", "no_ai", "--seeds", "3", "--periods", "2", *TINY, "--out", str(out)]) == 2
    assert "seeds [1, 2], not [1, 2, 3]" in one_line_error(capsys)
    assert main(["run", "baseline", "--seeds", "2", "--periods", "2", *TINY, "--out",
                 str(out)]) == 2
    assert "scenario 'no_ai', not 'baseline'" in one_line_error(capsys)
    assert (out / "results.parquet").read_bytes() == before
    # the same run may refresh its own folder; --force overwrites another's
    assert main(["run", "no_ai", "--seeds", "2", "--periods", "2", *TINY, "--out", str(out)]) == 0
    assert main(["run", "no_ai", "--seeds", "3", "--periods", "2", *TINY, "--out", str(out),
                 "--force"]) == 0
    assert sorted(set(pd.read_parquet(out / "results.parquet")["seed"])) == [1, 2, 3]


def test_other_model_code_is_detected_from_the_provenance_record(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "no_ai", "--seed", "1", "--periods", "1", *TINY, "--out", str(out)]) == 0
    record = json.loads((out / "provenance.json").read_text())
    assert record["provenance"]["code"] and record["seeds"] == [1]
    record["provenance"]["code"] = "0" * 16
    (out / "provenance.json").write_text(json.dumps(record))
    capsys.readouterr()
    assert main(["run", "no_ai", "--seed", "1", "--periods", "1", *TINY, "--out", str(out)]) == 2
    assert "(other model code (code '0000000000000000' ->" in one_line_error(capsys)


def test_a_folder_without_provenance_is_not_overwritten(tmp_path, capsys):
    (tmp_path / "results.parquet").write_bytes(b"older results")
    assert main(["run", "no_ai", "--seed", "1", "--periods", "1", *TINY, "--out",
                 str(tmp_path)]) == 2
    assert "no readable provenance.json" in one_line_error(capsys)
    assert (tmp_path / "results.parquet").read_bytes() == b"older results"


def test_seeds_give_mean_and_standard_error_and_a_tested_label(tmp_path, capsys):
    assert main(["run", "two_regimes", "--seeds", "3", "--periods", "6", *TINY,
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].startswith("overrides applied to every variant: n_workers=400 (default 5000)")
    assert max(len(line) for line in lines if not line.startswith("wrote")) < 100
    assert "two-sided t test at 5% with 3 seeds (|mean| > 4.30 SE)" in out
    assert "equal access" in out and "realised" in out and "labour share" in out
    summary = pd.read_csv(tmp_path / "summary.csv", index_col="variant")
    df = pd.read_parquet(tmp_path / "results.parquet")
    # ΔGini is the counterfactual: the final Gini minus the no-AI run's on the same seed
    g = df[df["period"] == 6].set_index(["variant", "seed"])["gini_income"]
    d = (g.loc["proprietary_ai"] - g.loc["no_ai"]).to_numpy()
    assert summary.loc["proprietary_ai", "dgini"] == pytest.approx(d.mean())
    assert summary.loc["proprietary_ai", "dgini_se"] == pytest.approx(d.std(ddof=1) / 3**0.5)
    assert summary.loc["no_ai", "regime"] == "no AI"
    assert set(summary["regime"]) <= {"no AI", "equalizing", "concentrating",
                                      "not distinguishable from 0"}


def test_one_seed_names_no_regime(tmp_path, capsys):
    assert main(["run", "proprietary_ai", "--seed", "3", "--periods", "3", *TINY, "--out",
                 str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "one seed has no standard error, so no regime is named" in out
    assert pd.read_csv(tmp_path / "summary.csv")["regime"].tolist() == [
        "not distinguishable from 0"]


def test_plan_seeds_follow_seed_and_seeds():
    assert plan("baseline").seeds == list(range(1, 11))
    assert plan("baseline", seed=7).seeds == [7]
    assert plan("baseline", seed=7, seeds=3).seeds == [7, 8, 9]
    assert plan("baseline", seeds=2).seeds == [1, 2]


def test_progress_writes_whole_lines_at_a_modest_rate_when_not_a_terminal():
    stream = io.StringIO()           # not a terminal: isatty() is False
    bar = Progress(100, "job", stream=stream, interval=0.0)
    for _ in range(100):
        bar.advance()
    bar.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[-1].startswith("job: 100/100 (100%)")
    assert len(lines) > 2
    quiet = io.StringIO()
    bar = Progress(100, "job", stream=quiet, interval=3600.0)
    for _ in range(100):
        bar.advance()
    bar.close()
    assert quiet.getvalue().splitlines() == [quiet.getvalue().strip()]  # only the last


def test_abm_run_reports_progress_into_a_pipe(tmp_path):
    proc = run_cli("run", "no_ai", "--seeds", "2", "--periods", "2", *TINY, "--out",
                   str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert "no_ai: 2 simulations x 2 years: 4/4 (100%)" in proc.stderr


def test_scenario_module_runs_with_its_arguments(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scenarios.no_ai", "--seed", "5",
                           "--periods", "2", *TINY, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    df = pd.read_parquet(tmp_path / "o" / "results.parquet")
    assert set(df["seed"]) == {5} and df["period"].max() == 2
    bad = subprocess.run([sys.executable, "-m", "scenarios.no_ai", "--bogus"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "unrecognized arguments: --bogus" in bad.stderr
