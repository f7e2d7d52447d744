"""Batched sweeps: batch sizing, compact results, and kill -9 at every stage of a batch.

Runs travel and are stored in batches (see abm.sweep.engine.Sizer and
abm.sweep.compact); a batch's tables are written as one file per table, model last, then
one journal line per run. These tests kill a sweep at each stage of that sequence and
check that rerunning it gives, bit for bit, the dataset of an uninterrupted sweep,
without duplicated rows.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from abm.sweep import load, run_sweep, status
from abm.params import Params
from abm.simulate import simulate
from abm.sweep.compact import Block
from abm.sweep.engine import _Feeder, task_for
from abm.sweep.sizing import MAX_BATCH, Sizer
from abm.sweep.execute import BatchResult, RunTask, execute_run, simulate_task
from abm.sweep.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("model", "workers", "firms")


# -- batch sizing -----------------------------------------------------------------------
def test_batches_hold_the_target_time_of_runs():
    sizer = Sizer(remaining=10_000, target=0.3)
    assert sizer.size(None, 1) == 1  # nothing measured yet: one run, to measure it
    sizer.observe([0.01] * 5)
    assert sizer.size(None, 1) == 30  # 0.3 s / 0.01 s per run
    sizer.observe([0.02] * 6)  # the median follows the recent runs
    assert sizer.size(None, 1) == 15
    slow = Sizer(remaining=10, target=0.3)
    slow.observe([2.0])
    assert slow.size(None, 1) == 1  # a run longer than the target travels alone
    tiny = Sizer(remaining=10**6, target=0.3)
    tiny.observe([1e-7])
    assert tiny.size(None, 1) == MAX_BATCH


def test_first_run_warm_up_does_not_inflate_the_estimate():
    sizer = Sizer(remaining=1000, target=0.3)
    sizer.observe([1.5, 0.01, 0.01])  # the first run paid caches and imports
    assert sizer.size(None, 1) == 30  # a mean (0.51 s) would give 1


def test_last_batches_spread_over_the_workers():
    sizer = Sizer(remaining=1000, target=0.3, floor=0.0)
    sizer.observe([0.001])
    assert sizer.size(1000, 2) == 250  # ceil(1000 / (2 * 2)): 2 batches per worker left
    assert sizer.size(7, 2) == 2
    assert sizer.size(3, 2) == 1
    assert sizer.size(0, 2) == 1
    assert Sizer(remaining=50, size=7).size(50, 2) == 7  # a fixed size wins


def test_last_batches_do_not_shrink_below_the_floor():
    # 0.01 s a run: the target (2 s) is 200 runs, the floor (0.35 s) 35 runs
    sizer = Sizer(remaining=1000, target=2.0, floor=0.35)
    sizer.observe([0.01])
    assert sizer.size(1000, 2) == 200            # the target: ceil(1000 / 4) = 250 > 200
    assert sizer.size(100, 2) == 35              # ceil(100 / 4) = 25, raised to the floor
    assert sizer.size(70, 2) == 35               # leaves 35: one more batch at the floor
    assert sizer.size(60, 2) == 60               # 35 would leave 25: the rest goes along
    assert sizer.size(20, 2) == 20               # fewer runs than the floor: all of them
    assert sizer.size(0, 2) == 1
    assert Sizer(remaining=10, target=0.3).floor == 0.3   # never above the target
    # the whole sequence: no batch below the floor but the sweep's only one
    sizes, left = [], 500
    while left:
        sizes.append(sizer.size(left, 2))
        left -= sizes[-1]
    assert sum(sizes) == 500 and min(sizes) >= 35, sizes
    small = Sizer(remaining=20, target=2.0, floor=0.35)
    small.observe([0.01])
    assert small.size(20, 2) == 20


def test_untimed_runs_travel_one_per_worker_until_one_is_timed():
    # a window holds two batches per worker; until a run's time is known each batch is
    # one run, so only one per worker goes out (a second would pay a batch's fixed cost
    # for one run). With a fixed size the whole window goes at once.
    class Client:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def nthreads(self) -> dict[str, int]:
            return {"a": 1, "b": 1}

        def submit(self, fn, batch, pure, key):
            self.sizes.append(len(batch))
            return type("Future", (), {"key": key})()

    class Queue:
        def add(self, future) -> None:
            pass

    tasks = [RunTask(run_id=i, seed=i, params=Params()) for i in range(1000)]
    for sizer, first, then in ((Sizer(remaining=1000), [1, 1], 4),
                               (Sizer(remaining=1000, size=5), [5, 5, 5, 5], 4)):
        feeder = _Feeder(tasks, "s", sizer)
        feeder._client, feeder._queue = Client(), Queue()
        feeder._refill()
        assert feeder._client.sizes == first
        sizer.observe([0.01])
        feeder._refill()
        assert len(feeder._client.sizes) == then
        assert feeder._client.sizes[-1] == (200 if sizer.fixed is None else 5)


def test_sweeps_keeping_cross_sections_keep_smaller_batches(small_spec, tmp_path,
                                                            monkeypatch):
    # their tables in flight grow with the batch (abm.sweep.sizing): the model table
    # alone travels in batches of BATCH_SECONDS, cross-sections in batches of
    # CROSS_SECTION_BATCH_SECONDS, a quarter of it
    import abm.sweep.engine as engine
    from abm.sweep import sizing

    targets = []

    class Recording(Sizer):
        def __init__(self, remaining, target=None, size=None):
            super().__init__(remaining, target, size)
            targets.append(self.target)

    monkeypatch.setattr(engine, "Sizer", Recording)
    run_sweep(small_spec, tmp_path / "plain", "serial", progress=False)
    run_sweep({**small_spec, "keep": {"workers_at": [1]}}, tmp_path / "kept", "serial",
              progress=False)
    assert targets == [2.0, 0.5]
    assert sizing.BATCH_SECONDS == 4 * sizing.CROSS_SECTION_BATCH_SECONDS


def test_bad_batch_argument_is_refused(small_spec, tmp_path):
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="must be a positive int"):
            run_sweep(small_spec, tmp_path / "out", "serial", batch=bad)
    assert not (tmp_path / "out").exists()


# -- compact results ----------------------------------------------------------------------
KEPT = {"workers_at": [0, 2], "firms_at": [2]}


def _two_regimes_spec() -> dict:
    """String (variant) and float swept columns, and kept cross-sections."""
    return {"scenario": "two_regimes", "periods": 2, "seeds": 2, "root_seed": 5,
            "fixed": {"n_workers": 300, "n_tasks": 4, "n_firms": 6},
            "grid": {"xi": [0.1, 0.3]}, "keep": KEPT}


def test_compact_block_round_trip_equals_the_dataframe_path():
    spec = load_spec(_two_regimes_spec())
    tasks = [task_for(spec, run) for run in spec.runs()]
    assert any(isinstance(v, str) for _, v in tasks[0].values)  # the variant column
    old = [execute_run(task) for task in tasks]
    batch = BatchResult.pack([simulate_task(task) for task in tasks])
    labels = [(*task.values, ("seed", task.seed)) for task in tasks]
    for table in TABLES:
        before = pd.concat([r.model if table == "model" else r.tables[table] for r in old],
                           ignore_index=True)
        after = batch.blocks[table].frame(labels)
        pd.testing.assert_frame_equal(after, before, check_exact=True)
        # and the Parquet files get the same Arrow schema as per-run frames did
        assert pa.Table.from_pandas(after, preserve_index=False).schema.equals(
            pa.Table.from_pandas(before, preserve_index=False).schema)


def test_model_tables_stacked_as_arrays_equal_their_frames_packed():
    # workers stack the model tables as arrays (Block.stack, no pandas); the store must
    # get what packing the runs' model frames gave, dtypes and Arrow schema included,
    # and those frames are simulate's
    spec = load_spec(_two_regimes_spec())
    tasks = [task_for(spec, run) for run in spec.runs()]
    tables = [simulate_task(t).tables["model"] for t in tasks]
    ids = [t.run_id for t in tasks]
    labels = [(*t.values, ("seed", t.seed)) for t in tasks]
    frames = [table.frame() for table in tables]
    for task, frame in zip(tasks, frames, strict=True):
        pd.testing.assert_frame_equal(frame, simulate(task.params, seed=task.seed),
                                      check_exact=True)
    stacked = Block.stack(tables, ids).frame(labels)
    packed = Block.pack(frames, ids).frame(labels)
    pd.testing.assert_frame_equal(stacked, packed, check_exact=True)
    assert str(stacked["regime"].dtype) == str(frames[0]["regime"].dtype)
    assert pa.Table.from_pandas(stacked, preserve_index=False).schema.equals(
        pa.Table.from_pandas(packed, preserve_index=False).schema)
    # a statistic that is not a float in one run only: aligned by name, as frames are
    odd = dataclasses.replace(
        tables[1], floats=tables[1].floats[:, 1:], float_names=tables[1].float_names[1:],
        others={**tables[1].others,
                tables[1].float_names[0]: tables[1].floats[:, 0].astype(object).tolist()})
    mixed = [tables[0], odd, *tables[2:]]
    pd.testing.assert_frame_equal(Block.stack(mixed, ids).frame(labels),
                                  Block.pack([t.frame() for t in mixed], ids).frame(labels),
                                  check_exact=True)


def test_block_travels_as_one_float_array():
    spec = load_spec(_two_regimes_spec())
    tasks = [task_for(spec, run) for run in spec.runs()]
    block = BatchResult.pack([simulate_task(t) for t in tasks]).blocks["model"]
    assert block.floats.ndim == 2 and block.floats.dtype == "float64"
    assert set(block.others) <= {"period", "regime"}  # the non-float model columns
    assert list(block.run_ids) == [t.run_id for t in tasks]
    kept = block.select([1, 3])
    assert list(kept.run_ids) == [tasks[1].run_id, tasks[3].run_id]
    full = block.frame([(*t.values, ("seed", t.seed)) for t in tasks])
    part = kept.frame([(*t.values, ("seed", t.seed)) for t in (tasks[1], tasks[3])])
    pd.testing.assert_frame_equal(
        part, full[full["run_id"].isin(kept.run_ids)].reset_index(drop=True))


def test_batched_and_single_run_sweeps_store_the_same_dataset(tmp_path):
    spec = _two_regimes_spec()
    one = run_sweep(spec, tmp_path / "one", "serial", progress=False, batch=1)
    three = run_sweep(spec, tmp_path / "three", "serial", progress=False, batch=3)
    pd.testing.assert_frame_equal(three, one, check_exact=True)
    for table in ("workers", "firms"):
        pd.testing.assert_frame_equal(load(tmp_path / "three", table),
                                      load(tmp_path / "one", table), check_exact=True)
    runs = one["run_id"].nunique()
    assert len(list((tmp_path / "three" / "model").glob("run-*.parquet"))) == -(-runs // 3)


def test_pairs_in_a_batch_share_their_past_and_equal_separate_runs(tmp_path, small_spec,
                                                                  monkeypatch):
    """AI and no-AI runs of a seed (they differ only after period 0) branch from one
    burn-in when they travel together; the stored dataset equals the one-run-per-batch
    sweep's bit for bit, and the shared path was taken (one burn-in per seed)."""
    import importlib

    branching = importlib.import_module("abm.branch")   # the module (abm.branch is the function)
    spec = {**small_spec, "grid": {"ai_enabled": [True, False]}}
    one = run_sweep(spec, tmp_path / "one", "serial", progress=False, batch=1)
    calls: list[int] = []
    real = branching.branch
    monkeypatch.setattr(branching, "branch",
                        lambda *a, **k: calls.append(len(k["variants"])) or real(*a, **k))
    paired = run_sweep(spec, tmp_path / "paired", "serial", progress=False, batch=6)
    pd.testing.assert_frame_equal(paired, one, check_exact=True)
    # 2 variants x 3 seeds in one batch of 6: three burn-ins, each shared by a pair
    assert calls == [2, 2, 2]


# -- kill -9 at every stage of a batch --------------------------------------------------
_KILL = """
import os, sys
from pathlib import Path
import abm.sweep.store as store
from abm.sweep import run_sweep

moment, out = sys.argv[1], sys.argv[2]
files, batches = [0], [0]
real_write, real_record = store._write_atomic, store.Store.record

def write(path, data):
    table_file = Path(path).parent.name in ("model", "workers", "firms")
    if table_file:
        files[0] += 1
        # 3 files (workers, firms, model) per batch; the 4th file is batch 2's first
        if moment == "before-first-batch" and files[0] == 1:
            os._exit(9)
        if moment == "mid-batch-write" and files[0] == 5:
            os._exit(9)  # batch 2: workers renamed, firms written but not renamed
    real_write(path, data)
    if table_file and moment == "before-journal" and files[0] == 6:
        os._exit(9)  # batch 2's model file in place, its runs not journaled

def record(self, batch):
    batches[0] += 1
    if moment == "between-batches" and batches[0] == 3:
        os._exit(9)
    real_record(self, batch)
    if moment == "torn-journal" and batches[0] == 2:
        self._journal.write('{"run_id": 99, "stat')  # a line cut short
        self._journal.flush()
        os._exit(9)

store._write_atomic = write
store.Store.record = record
spec = {"scenario": "baseline", "periods": 2, "seeds": 5, "root_seed": 8,
        "fixed": {"n_workers": 300, "n_tasks": 4, "n_firms": 6},
        "grid": {"xi": [0.1, 0.3]}, "keep": {"workers_at": [0, 2], "firms_at": [2]}}
run_sweep(spec, out, "serial", progress=False, batch=3)
print("finished")
"""
KILL_SPEC = {"scenario": "baseline", "periods": 2, "seeds": 5, "root_seed": 8,
             "fixed": {"n_workers": 300, "n_tasks": 4, "n_firms": 6},
             "grid": {"xi": [0.1, 0.3]}, "keep": {"workers_at": [0, 2], "firms_at": [2]}}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("reference") / "out"
    run_sweep(KILL_SPEC, out, "serial", progress=False, batch=1)
    return {table: load(out, table) for table in TABLES}


@pytest.mark.parametrize(("moment", "done"), [
    ("before-first-batch", 0),  # nothing stored yet
    ("mid-batch-write", 3),     # batch 2 half written: only batch 1 counts
    ("before-journal", 6),      # batch 2 complete on disk, recovered from its own record
    ("torn-journal", 6),        # batch 2 journaled, then a torn line
    ("between-batches", 6),     # batches 1 and 2 stored, the third never started
])
@pytest.mark.parametrize("resume_batch", [None, 4])
def test_kill_9_at_any_stage_of_a_batch_resumes_to_the_same_dataset(
        tmp_path, uninterrupted, moment, done, resume_batch):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    killed = subprocess.run([sys.executable, "-c", _KILL, moment, str(out)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == 9, killed.stderr[-2000:]
    if (out / "manifest.json").exists():
        assert status(out).done == done
    # resumed with the default sizing or another fixed size: a different grouping
    run_sweep(KILL_SPEC, out, "serial", progress=False, batch=resume_batch)
    for table in TABLES:
        resumed = load(out, table)
        pd.testing.assert_frame_equal(resumed, uninterrupted[table], check_exact=True)
        keys = ["run_id", "period", *({"workers": ["worker"], "firms": ["firm"]}
                                      .get(table, []))]
        assert not resumed.duplicated(keys).any()
    final = status(out)
    assert final.complete and final.intact
    assert not list(out.rglob("*.tmp"))


# -- a standing cluster reused by later sweeps -------------------------------------------
@pytest.mark.timeout(240)
def test_standing_cluster_is_reused_then_stopped(tmp_path, small_spec, monkeypatch, capsys):
    import psutil

    from abm.fused.numpy_math import numerics
    from abm.sweep import standing
    from abm.sweep.cli import main
    from abm.sweep.store import read_journal

    monkeypatch.setenv("ABM_CLUSTER_FILE", str(tmp_path / "cluster.json"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    reference = run_sweep(small_spec, tmp_path / "ref", "serial", progress=False)
    assert main(["--start-cluster", "--workers", "1"]) == 0
    try:
        info = standing.recorded()
        assert info is not None and "cluster of 1 workers" in capsys.readouterr().out
        assert main(["--start-cluster", "--workers", "1"]) == 2  # one at a time
        assert "already running" in capsys.readouterr().err
        cluster = {p.pid for p in psutil.Process(info["pid"]).children(recursive=True)}
        for name in ("a", "b"):
            df = run_sweep(small_spec, tmp_path / name, progress=False)
            pd.testing.assert_frame_equal(df, reference, check_exact=True)
            hosts = {int(e["host"].rsplit(":", 1)[1]) for e in read_journal(tmp_path / name)
                     .values()}
            assert hosts <= cluster, "runs were not computed by the standing cluster"
            # the workers report their arithmetic: this machine's, as they run here
            assert {e["numerics"] for e in read_journal(tmp_path / name).values()} == \
                {numerics()}
        # another worker count than the standing cluster's: a cluster of its own
        assert standing.usable(workers=2) is None and standing.usable(None) == info["address"]
    finally:
        assert main(["--stop-cluster"]) == 0
    assert standing.recorded() is None and not psutil.pid_exists(info["pid"])
    assert not (tmp_path / "cluster.json").exists()
    assert main(["--stop-cluster"]) == 0
    assert "no cluster" in capsys.readouterr().out


def test_a_recorded_cluster_that_does_not_answer_is_passed_over(tmp_path, small_spec,
                                                                monkeypatch, capsys):
    """A live process whose address does not answer as Dask: the sweep starts its own."""
    import json
    import socket

    from abm.provenance import code_fingerprint
    from abm.sweep import engine, standing

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    record = tmp_path / "cluster.json"
    record.write_text(json.dumps({"address": f"tcp://127.0.0.1:{port}", "pid": os.getpid(),
                                  "workers": 1, "code": code_fingerprint()}))
    monkeypatch.setenv("ABM_CLUSTER_FILE", str(record))
    assert standing.usable(None) == f"tcp://127.0.0.1:{port}"
    from abm.sweep import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    monkeypatch.setattr(engine, "WARM_START", True)
    df = run_sweep(small_spec, tmp_path / "out", workers=1, progress=False)
    assert "not using the cluster of abm sweep --start-cluster" in capsys.readouterr().err
    pd.testing.assert_frame_equal(df, run_sweep(small_spec, tmp_path / "ref", "serial",
                                                progress=False))
