"""Store damage is detected and repaired: truncated, empty, swapped and flipped run files,
deleted or damaged manifests, stray files, torn journal lines, kills during start-up and
changed model code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm import provenance as prov
from abm.sweep import StoreError, load, run_sweep, status
from abm.sweep import engine as engine_module
from abm.sweep.cli import main
from abm.sweep.store import JOURNAL, MANIFEST, Store, read_journal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def swept(tmp_path, small_spec):
    """A finished 6-run sweep and its table (the reference a repaired folder must equal)."""
    out = tmp_path / "out"
    table = run_sweep(small_spec, out, "serial", progress=False, batch=1)
    return out, table


def _count_computed(monkeypatch) -> list[int]:
    computed: list[int] = []
    real = engine_module.simulate_task
    monkeypatch.setattr(engine_module, "simulate_task",
                        lambda task: computed.append(task.run_id) or real(task))
    return computed


def _model(out: Path, run_id: int) -> Path:
    return out / "model" / f"run-{run_id:06d}.parquet"


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))


def _swap(path: Path) -> None:
    shutil.copyfile(path.with_name("run-000001.parquet"), path)


@pytest.mark.parametrize(("damage", "kind", "detail"), [
    (_truncate, "damaged", "checksum mismatch"),
    (_zero, "damaged", "empty"),
    (_flip, "damaged", "checksum mismatch"),
    (_swap, "duplicate", "a copy of run 1"),
])
def test_damaged_run_file_is_reported_excluded_and_recomputed(swept, small_spec, monkeypatch,
                                                              capsys, damage, kind, detail):
    out, reference = swept
    damage(_model(out, 4))
    st = status(out)
    assert [(p.kind, p.run_id, p.detail) for p in st.problems] == [(kind, 4, detail)]
    assert (st.done, st.pending, st.complete, st.intact) == (5, 1, False, False)
    assert main(["--status", str(out)]) == 1
    report = capsys.readouterr().out
    assert f"1 {kind}" in report and f"model/run-000004.parquet: {detail}" in report
    with pytest.warns(UserWarning, match="1 run files"):
        partial = load(out)
    assert sorted(partial["run_id"].unique()) == [0, 1, 2, 3, 5]  # never run 1 twice
    computed = _count_computed(monkeypatch)
    repaired = run_sweep(small_spec, out, "serial", progress=False, batch=1)
    assert computed == [4]
    pd.testing.assert_frame_equal(repaired, reference)
    assert status(out).intact and status(out).complete
    assert len(list((out / "damaged" / "model").iterdir())) == 1  # moved aside, not deleted


def test_every_single_byte_flip_is_detected(swept):
    """40 flips spread over a run file: each one is reported as damage (none loads silently)."""
    out, _ = swept
    path = _model(out, 2)
    original = path.read_bytes()
    for k in range(40):
        data = bytearray(original)
        data[k * (len(data) - 1) // 39] ^= 0x10
        path.write_bytes(bytes(data))
        assert [(p.kind, p.run_id) for p in status(out).problems] == [("damaged", 2)], k
    path.write_bytes(original)
    assert status(out).intact


def test_deleted_or_damaged_manifest_is_rebuilt_from_the_run_files(swept, small_spec,
                                                                   monkeypatch, capsys):
    out, reference = swept
    manifest = json.loads((out / MANIFEST).read_text())
    for breakage in ("delete", "garble"):
        if breakage == "delete":
            (out / MANIFEST).unlink()
        else:
            (out / MANIFEST).write_text('{"format": 2, "runs": [')
        assert main(["--status", str(out)]) == 2
        assert "rerun the sweep command" in capsys.readouterr().err
        monkeypatch.setattr(engine_module, "simulate_task", lambda task: pytest.fail("recomputed"))
        pd.testing.assert_frame_equal(run_sweep(small_spec, out, "serial", progress=False,
                                                batch=1),
                                      reference)
        assert "rebuilt it from 6 intact run files" in capsys.readouterr().err
        rebuilt = json.loads((out / MANIFEST).read_text())
        assert rebuilt["runs"] == manifest["runs"]
        assert status(out).intact
    assert len(list((out / "damaged").glob("manifest.json.*"))) == 1  # the garbled one


def test_torn_journal_line_does_not_swallow_the_next_event(tmp_path, small_spec, monkeypatch):
    out = tmp_path / "out"
    real, seen = Store.record, []

    def record(self, result):
        if len(seen) == 2:
            raise KeyboardInterrupt
        seen.append(result.run_ids)
        real(self, result)
    with monkeypatch.context() as patch:
        patch.setattr(Store, "record", record)
        with pytest.raises(KeyboardInterrupt):
            run_sweep(small_spec, out, "serial", progress=False, batch=1)
    with open(out / JOURNAL, "a") as fh:
        fh.write('{"run_id": 2, "sta')  # a line cut short by a crash
    run_sweep(small_spec, out, "serial", progress=False)  # appends the events of runs 2-5
    events = read_journal(out)
    assert sorted(events) == list(range(6))
    assert all(e["status"] == "done" for e in events.values())
    assert all(line.startswith("{") and line.endswith("}")
               for line in (out / JOURNAL).read_text().splitlines())


def test_stray_and_foreign_files_are_reported_not_fatal(swept, small_spec, tmp_path, capsys):
    out, reference = swept
    (out / "model" / "notes.txt").write_text("mine")
    (out / "model" / "run-abc.parquet").write_text("not a run")
    (out / "results.csv").write_text("mine too")
    other = tmp_path / "other"
    run_sweep({**small_spec, "root_seed": 99, "seeds": 1}, other, "serial", progress=False,
              batch=1)
    shutil.copyfile(_model(other, 0), out / "model" / "run-000009.parquet")
    st = status(out)
    assert st.complete and not st.intact
    assert sorted(p.path.name for p in st.of("foreign")) == [
        "notes.txt", "results.csv", "run-000009.parquet", "run-abc.parquet"]
    assert main(["--status", str(out)]) == 1
    assert "4 foreign" in capsys.readouterr().out
    with pytest.warns(UserWarning):
        pd.testing.assert_frame_equal(load(out), reference)
    pd.testing.assert_frame_equal(run_sweep(small_spec, out, "serial", progress=False, batch=1),
                                  reference)
    assert (out / "model" / "notes.txt").exists()  # a user's file is never moved


def test_run_files_of_another_sweep_are_refused_without_a_manifest(swept, small_spec):
    out, _ = swept
    (out / MANIFEST).unlink()
    with pytest.raises(StoreError, match="holds run files of a different sweep"):
        run_sweep({**small_spec, "root_seed": 5}, out, "serial", progress=False, batch=1)
    assert len(list((out / "model").glob("run-*.parquet"))) == 6


def test_changed_model_code_is_refused_naming_the_change(swept, small_spec, monkeypatch,
                                                         capsys):
    out, _ = swept
    stored = prov.code_fingerprint()
    monkeypatch.setattr(prov, "code_fingerprint", lambda: "0123456789abcdef")
    with pytest.raises(StoreError, match=rf"other model code \(code '{stored}' -> "
                                         r"'0123456789abcdef'\)"):
        run_sweep({**small_spec, "seeds": 4}, out, "serial", progress=False, batch=1)
    assert main(["--status", str(out)]) == 0
    assert "the model code has changed since" in capsys.readouterr().out


# -- a kill -9 at any moment of start-up -----------------------------------------------
_KILL_AT = """
import os, sys
from pathlib import Path
import abm.sweep.store as store

count, at, starting = [0], int(sys.argv[2]), [False]
def dying(real):
    def step(*args, **kwargs):
        if starting[0]:
            count[0] += 1
            if count[0] == at:
                os._exit(9)  # like kill -9: no cleanup, no finally blocks
        return real(*args, **kwargs)
    return step
def counted(real):
    def prepare(self):
        starting[0] = True
        real(self)
        starting[0] = False
        print("steps", count[0])
    return prepare
store.Store._prepare = counted(store.Store._prepare)
for name in ("mkdir", "touch", "unlink"):
    setattr(Path, name, dying(getattr(Path, name)))
store.os.replace = dying(os.replace)
store.Store._take_lock = dying(store.Store._take_lock)
store.repair_journal = dying(store.repair_journal)
spec = {"scenario": "baseline", "periods": 2, "seeds": 2,
        "fixed": {"n_workers": 500, "n_tasks": 5, "n_firms": 10}}
from abm.sweep import run_sweep
run_sweep(spec, sys.argv[1], "serial", progress=False)
print("finished")
"""


@pytest.mark.slow
def test_a_kill_at_any_moment_of_start_up_leaves_a_resumable_folder(tmp_path):
    """Kill the first start-up at its k-th file-system step, for every k; rerun resumes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    killed = 0
    for at in range(1, 20):
        out = tmp_path / f"out{at}"
        first = subprocess.run([sys.executable, "-c", _KILL_AT, str(out), str(at)], env=env,
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
        if first.returncode == 0:
            assert "finished" in first.stdout and f"steps {at - 1}" in first.stdout
            break
        assert first.returncode == 9, first.stderr[-2000:]
        killed += 1
        spec = {"scenario": "baseline", "periods": 2, "seeds": 2,
                "fixed": {"n_workers": 500, "n_tasks": 5, "n_firms": 10}}
        df = run_sweep(spec, out, "serial", progress=False)
        assert df["run_id"].nunique() == 2 and status(out).intact, at
    assert killed >= 6  # the start-up has at least this many steps that a kill can hit
