"""Extending a sweep, provenance of its results, progress lines and the closing summary."""

from __future__ import annotations

import io
import json
from importlib import metadata

import pandas as pd
import pyarrow.parquet as pq
import pytest

from abm import Params
from abm import provenance as prov
from abm.sweep import StoreError, load, run_sweep, status
from abm.sweep import engine as engine_module
from abm.sweep.cli import main
from abm.sweep.progress import Lines, summary
from abm.sweep.spec import parse_spec
from abm.sweep.store import MANIFEST

SPEC = """\
scenario = "baseline"
periods = 3
seeds = {seeds}
root_seed = 11
[fixed]
n_workers = 500
n_tasks = 5
n_firms = 10
[grid]
xi = {xi}
"""


def _computed(monkeypatch) -> list[int]:
    computed: list[int] = []
    real = engine_module.simulate_task
    monkeypatch.setattr(engine_module, "simulate_task",
                        lambda task: computed.append(task.run_id) or real(task))
    return computed


def _by_run(df: pd.DataFrame) -> pd.DataFrame:
    """The table ordered by what a run is (point and seed), whatever its run number."""
    return (df.drop(columns="run_id").sort_values(["xi", "seed", "period"], kind="stable")
            .reset_index(drop=True))


def test_sweep_extended_from_2_to_3_seeds_reuses_the_first_two(tmp_path, small_spec,
                                                              monkeypatch):
    two, three = {**small_spec, "seeds": 2}, {**small_spec, "seeds": 3}
    out = tmp_path / "out"
    run_sweep(two, out, "serial", progress=False)
    first = {p.name: p.read_bytes() for p in (out / "model").iterdir()}
    computed = _computed(monkeypatch)
    extended = run_sweep(three, out, "serial", progress=False)
    assert computed == [4, 5]  # runs 0-3 (2 points x seeds 0, 1) kept their numbers
    assert {p.name: p.read_bytes() for p in (out / "model").iterdir() if p.name in first} == first
    fresh = run_sweep(three, tmp_path / "fresh", "serial", progress=False)
    pd.testing.assert_frame_equal(_by_run(extended), _by_run(fresh))
    new = extended[extended["run_id"] >= 4]
    assert sorted(set(new["seed"])) == [parse_spec(three).seeds[2]]  # seed 2, both points
    manifest = json.loads((out / MANIFEST).read_text())
    assert [(h["runs"], h["added"]) for h in manifest["history"]] == [(4, 4), (6, 2)]
    assert status(out).complete


def test_sweep_extended_with_grid_points_and_then_resumed(tmp_path, small_spec, monkeypatch):
    out = tmp_path / "out"
    run_sweep(small_spec, out, "serial", progress=False)
    bigger = {**small_spec, "grid": {"xi": [0.05, 0.2, 0.3]}}
    computed = _computed(monkeypatch)
    extended = run_sweep(bigger, out, "serial", progress=False)
    assert computed == [6, 7, 8]
    assert (extended.loc[extended["run_id"] >= 6, "xi"] == 0.2).all()
    computed.clear()
    run_sweep(bigger, out, "serial", progress=False)  # the same command again: nothing to do
    assert computed == []
    with pytest.raises(StoreError, match=r"\(changed: grid\): 3 of its 9 runs are not in"):
        run_sweep(small_spec, out, "serial", progress=False)  # would drop runs: refused


def test_cli_extension_and_closing_summary(tmp_path, write_toml, capsys):
    out = tmp_path / "out"
    assert main([str(write_toml(SPEC.format(seeds=2, xi="[0.05, 0.3]"))), "--out", str(out),
                 "--serial"]) == 0
    capsys.readouterr()
    spec3 = write_toml(SPEC.format(seeds=3, xi="[0.05, 0.3]"), "three.toml")
    assert main([str(spec3), "--out", str(out), "--serial"]) == 0
    printed = capsys.readouterr().out
    assert "sweep complete: 6 runs" in printed
    assert "last period, mean and standard error over seeds:" in printed
    table = summary(load(out), ["xi"])
    assert list(table["runs"]) == [3, 3] and list(table.index) == [0.05, 0.3]
    last = load(out).query("period == 3")
    low = last[last["xi"] == 0.05]["gini_income"]
    assert table.loc[0.05, "gini_income mean"] == pytest.approx(low.mean())
    assert table.loc[0.05, "gini_income se"] == pytest.approx(low.std(ddof=1) / 3 ** 0.5)
    assert f"{low.mean():.4f}" in printed


def test_provenance_fields_are_recorded_in_manifest_and_parquet(tmp_path, small_spec):
    out = tmp_path / "out"
    run_sweep(small_spec, out, "serial", progress=False)
    manifest = json.loads((out / MANIFEST).read_text())
    record = manifest["provenance"]
    assert record["version"] == metadata.version("ai-inequality-abm")
    assert record["code"] == prov.code_fingerprint() and len(record["code"]) == 16
    assert record["commit"] == prov.git_commit()
    assert {"numpy", "pandas", "pyarrow", "dask", "python"} <= set(record["dependencies"])
    run = parse_spec(small_spec).run(4)
    first = manifest["runs"][4].get("batch", 4)  # the file of run 4's batch
    meta = json.loads(pq.read_metadata(out / "model" / f"run-{first:06d}.parquet")
                      .metadata[b"abm.sweep.run"])
    assert meta["provenance"] == record and 4 in meta["run_ids"]
    (mine,) = [r for r in meta["runs"] if r["run_id"] == 4]
    assert (mine["run_id"], mine["seed"], mine["replicate"]) == (4, run.seed, 1)
    assert mine["params"] == {"xi": 0.3}
    assert Params(**mine["parameters"]) == run.point.params
    files = manifest["runs"][4]["files"]
    assert set(files) == {"model"} and len(files["model"]) == 64


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_non_terminal_progress_lines_come_at_the_rarer_of_10_s_and_10_percent():
    stream, clock = io.StringIO(), _Clock()
    lines = Lines(total=100, initial=20, stream=stream, clock=clock)
    for k in range(80):
        clock.now += 0.5  # a run every half second: 10 % of the runs take 5 s
        lines.update(ok=k != 3)
    lines.close()
    out = stream.getvalue().splitlines()
    assert out[0] == "sweep: 20/100 runs (20%), elapsed 0:00:00"
    # 10 s pass every 20 runs, which is more than 10 % of them: a line every 20 runs
    assert [int(line.split("/")[0].split()[-1]) for line in out] == [20, 40, 60, 80, 100]
    assert out[1] == "sweep: 40/100 runs (40%), 1 failed, elapsed 0:00:10, remaining ~0:00:30"
    assert out[-1].startswith("sweep: 100/100 runs (100%), 1 failed, elapsed 0:00:40")
    stream, clock = io.StringIO(), _Clock()
    slow = Lines(total=100, initial=0, stream=stream, clock=clock)
    for _ in range(100):
        clock.now += 60.0  # a run a minute: 10 s pass at every run, 10 % every 10 runs
        slow.update(ok=True)
    assert len(stream.getvalue().splitlines()) == 11


def test_sweep_in_a_pipe_writes_progress_lines(tmp_path, write_toml, capsys):
    assert main([str(write_toml(SPEC.format(seeds=2, xi="[0.05, 0.3]"))), "--out",
                 str(tmp_path / "out"), "--serial"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "sweep: 0/4 runs (0%), elapsed 0:00:00"
    assert err[-1].startswith("sweep: 4/4 runs (100%), elapsed ")
    assert "\r" not in "".join(err)
    assert main([str(write_toml(SPEC.format(seeds=2, xi="[0.05, 0.3]"))), "--out",
                 str(tmp_path / "quiet"), "--serial", "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
