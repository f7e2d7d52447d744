"""The results store, resume and failures, exercised in-process (serial execution)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from abm import Params, simulate
from abm import provenance as prov
from abm.fused import numpy_math
from abm.sweep import RunsFailed, StoreError, load, run_sweep, status
from abm.sweep import engine as engine_module
from abm.sweep.spec import parse_spec
from abm.sweep.store import JOURNAL, MANIFEST, Store

SMALL = {"n_workers": 500, "n_tasks": 5, "n_firms": 10}  # as in conftest.small_spec


def test_results_are_tidy_and_match_direct_simulation(tmp_path, small_spec):
    df = run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    spec = parse_spec(small_spec)
    assert list(df.columns[:4]) == ["run_id", "xi", "seed", "period"]
    assert len(df) == spec.n_runs * 4 and df["run_id"].nunique() == spec.n_runs
    run = spec.run(4)
    direct = simulate(run.point.params, seed=run.seed, agents=False)
    mine = df[df["run_id"] == 4].set_index("period").drop(columns=["run_id", "xi", "seed"])
    pd.testing.assert_frame_equal(mine, direct, check_dtype=False)
    assert (df.loc[df["run_id"] == 4, "xi"] == 0.3).all()
    pd.testing.assert_frame_equal(df, load(tmp_path / "out"))


def test_manifest_records_spec_runs_and_status(tmp_path, small_spec):
    run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    spec = parse_spec(small_spec)
    assert manifest["spec_hash"] == spec.spec_hash
    # the version comes from the installed metadata (or setup.cfg), not a constant
    assert manifest["version"] == prov.version() == manifest["provenance"]["version"]
    assert manifest["code"] == prov.code_fingerprint()
    assert manifest["spec"]["grid"] == {"xi": [0.05, 0.3]}
    assert manifest["counts"] == {"total": 6, "done": 6, "failed": 0, "pending": 0}
    first = manifest["runs"][0]
    assert first["params"] == {"xi": 0.05} and first["seed"] == spec.run(0).seed
    assert first["status"] == "done" and first["wall_time"] > 0
    assert manifest["variants"]["baseline"] == Params().to_dict()
    # the arithmetic that computed each run (here this process: a serial sweep)
    assert {r["numerics"] for r in manifest["runs"]} == {numpy_math.numerics()}
    assert status(tmp_path / "out").arithmetic == {numpy_math.numerics(): 6}


def test_cross_sections_are_kept_and_do_not_change_model_results(tmp_path, small_spec):
    plain = run_sweep(small_spec, tmp_path / "a", "serial", progress=False)
    kept = run_sweep({**small_spec, "keep": {"workers_at": [0, 3], "firms_at": [3]}},
                     tmp_path / "b", "serial", progress=False)
    pd.testing.assert_frame_equal(plain, kept)
    workers = load(tmp_path / "b", "workers")
    assert list(workers.columns[:5]) == ["run_id", "xi", "seed", "period", "worker"]
    assert len(workers) == 6 * 2 * 500 and set(workers["period"]) == {0, 3}
    firms = load(tmp_path / "b", "firms")
    assert len(firms) == 6 * 10 and set(firms["period"]) == {3}
    assert (workers.groupby(["run_id", "period"])["income"].count() == 500).all()


def _interrupt_after(monkeypatch, n: int) -> None:
    """Raise KeyboardInterrupt when the (n+1)-th result is about to be stored."""
    real = Store.record
    seen = {"n": 0}

    def record(self, result):
        if seen["n"] == n:
            raise KeyboardInterrupt
        seen["n"] += 1
        real(self, result)
    monkeypatch.setattr(Store, "record", record)


def test_interrupted_sweep_resumes_only_missing_runs(tmp_path, small_spec, monkeypatch):
    reference = run_sweep(small_spec, tmp_path / "ref", "serial", progress=False)
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        _interrupt_after(patch, 2)
        with pytest.raises(KeyboardInterrupt):
            run_sweep(small_spec, out, "serial", progress=False, batch=1)
    assert status(out).done == 2 and status(out).pending == 4
    before = {p.name: p.stat().st_mtime_ns for p in (out / "model").glob("run-*.parquet")}
    computed = []
    real_execute = engine_module.simulate_task
    monkeypatch.setattr(engine_module, "simulate_task",
                        lambda task: computed.append(task.run_id) or real_execute(task))
    resumed = run_sweep(small_spec, out, "serial", progress=False, batch=1)
    assert sorted(computed) == [2, 3, 4, 5]
    assert {p.name: p.stat().st_mtime_ns for p in (out / "model").glob("run-*.parquet")
            if p.name in before} == before
    pd.testing.assert_frame_equal(resumed, reference)
    assert not list(out.rglob("*.tmp"))


def test_completed_sweep_is_not_recomputed(tmp_path, small_spec, monkeypatch):
    first = run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    monkeypatch.setattr(engine_module, "simulate_task", lambda task: pytest.fail("recomputed"))
    pd.testing.assert_frame_equal(run_sweep(small_spec, tmp_path / "out", "serial"), first)


def test_failing_run_is_recorded_and_others_complete(tmp_path, small_spec, inject_failures):
    inject_failures({1, 4})
    with pytest.raises(RunsFailed) as info:
        run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    st = info.value.status
    assert (st.total, st.done, st.failed, st.pending) == (6, 4, 2, 0)
    assert [f["run_id"] for f in st.failures] == [1, 4]
    assert st.failures[1]["params"] == {"xi": 0.3}
    assert "augmentation='bogus'" in st.failures[0]["error"]
    assert "2 of 6 runs failed" in str(info.value)
    assert sorted(load(tmp_path / "out")["run_id"].unique()) == [0, 2, 3, 5]
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["runs"][1]["status"] == "failed"
    assert "augmentation='bogus'" in manifest["runs"][1]["error"]
    journal = [json.loads(x) for x in (tmp_path / "out" / JOURNAL).read_text().splitlines()]
    assert any("Traceback" in (e.get("traceback") or "") for e in journal)


def test_failed_runs_are_retried_on_rerun(tmp_path, small_spec, inject_failures, monkeypatch):
    reference = run_sweep(small_spec, tmp_path / "ref", "serial", progress=False)
    inject_failures({0})
    with pytest.raises(RunsFailed):
        run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    monkeypatch.undo()  # the fault is gone: the rerun retries run 0 only
    pd.testing.assert_frame_equal(run_sweep(small_spec, tmp_path / "out", "serial"), reference)
    assert status(tmp_path / "out").complete


@pytest.mark.parametrize(("change", "named"), [
    ({"fixed": {**SMALL, "xi": 0.2}, "grid": {"eta1": [0.5, 0.6]}}, "changed: fixed, grid"),
    ({"fixed": {**SMALL, "sigma": 2.5}}, "changed: fixed"),
    ({"periods": 4}, "changed: periods"),
    ({"root_seed": 12}, "changed: root_seed"),
    ({"keep": {"workers_at": [3]}}, "changed: keep"),
    ({"seeds": 2}, r"changed: seeds\): 2 of its 6 runs are not in the new spec"),
    ({"grid": {"xi": [0.05, 0.4]}}, r"changed: grid\): 3 of its 6 runs are not in"),
])
def test_changed_spec_is_refused(tmp_path, small_spec, change, named):
    """Anything that alters or drops existing runs is refused, naming it (extension is not)."""
    run_sweep(small_spec, tmp_path / "out", "serial", progress=False)
    before = (tmp_path / "out" / MANIFEST).read_bytes()
    with pytest.raises(StoreError, match=r"holds a sweep of a different spec \(" + named):
        run_sweep({**small_spec, **change}, tmp_path / "out", "serial")
    assert status(tmp_path / "out").total == 6  # the folder is untouched
    assert (tmp_path / "out" / MANIFEST).read_bytes() == before


def test_foreign_and_busy_folders_are_refused(tmp_path, small_spec):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not empty and holds no sweep"):
        run_sweep(small_spec, foreign, "serial")
    spec = parse_spec(small_spec)
    with Store.open(tmp_path / "busy", spec), pytest.raises(StoreError, match="in use by another"):
        run_sweep(small_spec, tmp_path / "busy", "serial")


def test_leftovers_of_a_killed_writer_are_ignored(tmp_path, small_spec):
    reference = run_sweep(small_spec, tmp_path / "ref", "serial", progress=False)
    out = tmp_path / "out"
    run_sweep(small_spec, out, "serial", progress=False, batch=1)
    (out / "model" / "run-000003.parquet").unlink()  # as if killed before the rename
    (out / "model" / ".run-000003.parquet.999.tmp").write_bytes(b"PAR1 half")
    with open(out / JOURNAL, "a") as fh:
        fh.write('{"run_id": 3, "sta')  # a journal line cut short
    assert status(out).pending == 1
    # the deleted file was recorded as done, so it is reported missing (not silently absent)
    assert [p.run_id for p in status(out).of("missing")] == [3]
    with pytest.warns(UserWarning, match="1 run files are damaged, duplicated, foreign or miss"):
        assert sorted(load(out)["run_id"].unique()) == [0, 1, 2, 4, 5]
    pd.testing.assert_frame_equal(run_sweep(small_spec, out, "serial"), reference)
    assert not list(out.rglob("*.tmp"))
