"""Execution on Dask: identical results everywhere, faults, kill -9 and Ctrl-C with resume.

These tests start real processes: a LocalCluster (the default), a `dask scheduler` with
two `dask worker`s on 127.0.0.1 (once per module), and the `abm sweep` command itself,
which is killed mid-sweep and rerun. Every process started here is stopped by the test
or its fixture.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
import pytest

from abm.sweep import RunsFailed, load, run_sweep, status
from abm.sweep.store import read_journal

pytestmark = pytest.mark.timeout(240)

ROOT = Path(__file__).resolve().parents[2]


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for child processes: the project importable, threads pinned."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    env.update(extra)
    return env


def stop(proc: subprocess.Popen[Any]) -> None:
    """Kill a child process this test started, reap it and close its pipes."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def start_worker(address: str, tmp: Path, name: str, *,
                 nanny: bool = True) -> subprocess.Popen[Any]:
    """Start one single-threaded `dask worker` on 127.0.0.1 (BLAS threads not pinned)."""
    cmd = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
           "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", name,
           "--local-directory", str(tmp / name), "--memory-limit", "0"]
    if not nanny:
        cmd.append("--no-nanny")
    env = {k: v for k, v in subprocess_env().items() if not k.endswith("_NUM_THREADS")}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_for_workers(address: str, n: int, timeout: float = 60.0) -> None:
    """Block until the scheduler at `address` has `n` workers."""
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=timeout)


def kill_pid(pid: int) -> None:
    """SIGKILL a leftover process started by a test, ignoring one that already exited."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def external_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real scheduler and two worker processes on 127.0.0.1; killed on teardown."""
    tmp = tmp_path_factory.mktemp("cluster")
    scheduler_file = tmp / "scheduler.json"
    procs: list[subprocess.Popen[Any]] = []
    try:
        procs.append(subprocess.Popen(
            # its HTTP server (health, metrics) on a free port: even without a dashboard
            # it takes 8787 by default, which a test running beside this one may need
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
             "--scheduler-file", str(scheduler_file)],
            cwd=ROOT, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            if time.monotonic() > deadline or procs[0].poll() is not None:
                raise RuntimeError("the Dask scheduler did not start")
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written before it is complete on some file systems
        address = json.loads(scheduler_file.read_text())["address"]
        procs += [start_worker(address, tmp, f"w{i}") for i in range(2)]
        wait_for_workers(address, 2)
        yield {"address": address, "tmp": tmp, "procs": procs}
    finally:
        tree = set().union(*(pids_of(p) for p in procs if p.poll() is None))
        for proc in reversed(procs):
            stop(proc)
        for pid in _alive(tree):
            kill_pid(pid)


KEEP = {"workers_at": [0, 3], "firms_at": [3]}


def pids_of(proc: subprocess.Popen[Any]) -> set[int]:
    """A started process and all its descendants."""
    parent = psutil.Process(proc.pid)
    return {proc.pid, *(p.pid for p in parent.children(recursive=True))}


def run_pids(out: Path) -> set[int]:
    """Process ids that computed the runs of a sweep folder (from the journal)."""
    return {int(e["host"].rsplit(":", 1)[1]) for e in read_journal(out).values()}


def assert_same_sweep(a: Path, b: Path, tables: tuple[str, ...] = ("model",)) -> None:
    for table in tables:
        pd.testing.assert_frame_equal(load(a, table), load(b, table))


def test_serial_local_cluster_and_external_cluster_agree(tmp_path, small_spec,
                                                         external_cluster, monkeypatch):
    """Bit-identical tables from this process, a local cluster and an external one.

    The 30,000-worker points make reductions long enough for multi-threaded BLAS to
    change their last bits, and the external workers run with unpinned thread pools.
    The local cluster gets every run (no warm start), so that workers compute them all.
    """
    from abm.sweep import engine

    monkeypatch.setattr(engine, "WARM_START", False)
    spec = {**small_spec, "fixed": {"n_tasks": 5, "n_firms": 10, "burn_in": 2},
            "grid": {"n_workers": [500, 30_000], "xi": [0.05, 0.3]}, "keep": KEEP}
    serial = run_sweep(spec, tmp_path / "serial", "serial", progress=False)
    local = run_sweep(spec, tmp_path / "local", workers=2, progress=False)
    remote = run_sweep(spec, tmp_path / "remote", external_cluster["address"], progress=False)
    pd.testing.assert_frame_equal(serial, local)
    pd.testing.assert_frame_equal(serial, remote)
    for name in ("local", "remote"):
        assert_same_sweep(tmp_path / "serial", tmp_path / name, ("model", "workers", "firms"))
    assert run_pids(tmp_path / "serial") == {os.getpid()}
    assert os.getpid() not in run_pids(tmp_path / "local")
    external_pids = set().union(*(pids_of(p) for p in external_cluster["procs"]))
    assert run_pids(tmp_path / "remote") <= external_pids


def test_default_local_cluster_with_warm_start_matches_serial(tmp_path, small_spec,
                                                              monkeypatch):
    """By default this process computes runs while the local cluster starts, then the
    workers take over; the table is the same as a serial sweep's. Here the cluster
    starts once TIMED_RUNS runs are timed (any remaining work counts as worth it)."""
    from abm.sweep import cluster, engine

    monkeypatch.setattr(cluster, "START_SECONDS", 0.0)
    monkeypatch.setattr(engine, "FIRST_RUNS_WAIT", 60.0)      # the estimate decides
    # several times as much work as the cluster start-up takes, so both share it
    spec = {**small_spec, "periods": 25, "seeds": 80}
    reference = run_sweep(spec, tmp_path / "serial", "serial", progress=False)
    default = run_sweep(spec, tmp_path / "default", progress=False)
    pd.testing.assert_frame_equal(default, reference)
    pids = run_pids(tmp_path / "default")
    assert os.getpid() in pids and pids - {os.getpid()}, pids
    mine = [e for e in read_journal(tmp_path / "default").values()
            if int(e["host"].rsplit(":", 1)[1]) == os.getpid()]
    assert len(mine) >= cluster.TIMED_RUNS


def test_a_sweep_too_small_for_a_cluster_never_starts_one(tmp_path, small_spec, monkeypatch):
    """Six runs of a few milliseconds: this process finishes them sooner than a local
    cluster would start (cluster.worth_a_cluster), so none is started."""
    from abm.sweep import cluster, engine

    def refuse(n_workers: int) -> Iterator[Any]:
        raise AssertionError("a local cluster was started")
        yield

    monkeypatch.setattr(cluster, "_local_client", refuse)
    monkeypatch.setattr(engine, "FIRST_RUNS_WAIT", 60.0)      # however slow this machine
    reference = run_sweep(small_spec, tmp_path / "serial", "serial", progress=False)
    default = run_sweep(small_spec, tmp_path / "default", progress=False)
    pd.testing.assert_frame_equal(default, reference, check_exact=True)
    assert run_pids(tmp_path / "default") == {os.getpid()}


def test_the_cluster_is_worth_starting_when_the_rest_outlasts_its_start_up():
    from abm.sweep.cluster import START_SECONDS, TIMED_RUNS, worth_a_cluster

    assert START_SECONDS == 2.0 and TIMED_RUNS == 3
    assert not worth_a_cluster(10_000, [0.02, 0.02])          # not yet timed enough
    # the first run pays the kernels' loading: the median ignores it
    assert not worth_a_cluster(99, [0.6, 0.02, 0.02])         # 99 × 0.02 = 1.98 s
    assert worth_a_cluster(101, [0.6, 0.02, 0.02])            # 2.02 s
    assert worth_a_cluster(3, [1.0, 1.0, 1.0])


def test_cli_reads_dask_scheduler_address(tmp_path, small_spec, external_cluster, write_toml):
    spec = write_toml('scenario = "baseline"\nperiods = 3\nseeds = 3\nroot_seed = 11\n'
                      '[fixed]\nn_workers = 500\nn_tasks = 5\nn_firms = 10\n'
                      '[grid]\nxi = [0.05, 0.3]\n')
    env = subprocess_env(DASK_SCHEDULER_ADDRESS=external_cluster["address"])
    done = subprocess.run([sys.executable, "-m", "abm.cli", "sweep", str(spec), "--out",
                           str(tmp_path / "cli")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "sweep complete: 6 runs" in done.stdout
    reference = run_sweep(small_spec, tmp_path / "ref", "serial", progress=False)
    pd.testing.assert_frame_equal(load(tmp_path / "cli"), reference)
    external_pids = set().union(*(pids_of(p) for p in external_cluster["procs"]))
    assert run_pids(tmp_path / "cli") <= external_pids


def test_failing_run_on_external_cluster(tmp_path, small_spec, external_cluster,
                                         inject_failures):
    inject_failures({3})
    with pytest.raises(RunsFailed) as info:
        run_sweep(small_spec, tmp_path / "out", external_cluster["address"], progress=False)
    st = info.value.status
    assert (st.done, st.failed) == (5, 1)
    assert st.failures[0]["run_id"] == 3 and st.failures[0]["params"] == {"xi": 0.3}
    assert "augmentation='bogus'" in st.failures[0]["error"]


def test_vanished_worker_does_not_lose_runs(tmp_path, small_spec, external_cluster):
    """kill -9 a worker while it computes a run: Dask reruns it elsewhere."""
    from distributed import Client

    spec = {**small_spec, "periods": 25, "seeds": 8}
    reference = run_sweep(spec, tmp_path / "ref", "serial", progress=False)
    address = external_cluster["address"]
    victim = start_worker(address, external_cluster["tmp"], "victim", nanny=False)
    killed = threading.Event()
    try:
        wait_for_workers(address, 3)
        with Client(address, set_as_default=False) as watcher:
            victim_addr = next(a for a, w in watcher.scheduler_info()["workers"].items()
                               if w["name"] == "victim")

            def kill_when_busy() -> None:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if watcher.processing(workers=[victim_addr]).get(victim_addr):
                        victim.kill()
                        killed.set()
                        return
                    time.sleep(0.01)

            thread = threading.Thread(target=kill_when_busy)
            thread.start()
            result = run_sweep(spec, tmp_path / "out", address, progress=False)
            thread.join()
    finally:
        stop(victim)
    assert killed.is_set()
    pd.testing.assert_frame_equal(result, reference)
    assert status(tmp_path / "out").complete


def _default_sigint() -> None:
    """Ctrl-C at its default in the sweep, as in a terminal. A test run started as a
    background job inherits SIGINT ignored (POSIX shells ignore it for background jobs),
    and Python then never raises KeyboardInterrupt, so the sweep would run to its end."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_cli(spec: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "abm.cli", "sweep", str(spec), "--out",
                             str(out), "--workers", "2", *extra], cwd=ROOT, env=subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)


def _wait_for_files(out: Path, n: int, proc: subprocess.Popen[str]) -> None:
    """Wait until `n` batches of the sweep in `proc` are stored."""
    deadline = time.monotonic() + 120
    while len(list(out.glob("model/run-*.parquet"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sweep did not start"
        time.sleep(0.02)


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


# Slow enough that a signal sent after three stored batches arrives mid-sweep: the five
# batches left take about half a second with runs of 4,000 workers.
SLOW_SPEC = ('scenario = "baseline"\nperiods = 20\nseeds = 8\nroot_seed = 3\n'
             '[fixed]\nn_workers = 4000\nn_tasks = 5\nn_firms = 10\n'
             '[grid]\nxi = [0.05, 0.3]\n')


def _resume_and_compare(spec: Path, out: Path, before: dict[str, int], tmp_path: Path) -> None:
    proc = _start_cli(spec, out)
    try:
        stdout, stderr = proc.communicate(timeout=180)
    finally:
        stop(proc)
    assert proc.returncode == 0, stderr
    reference = run_sweep(spec, tmp_path / "ref", "serial", progress=False)
    resumed = load(out)
    pd.testing.assert_frame_equal(resumed, reference)
    assert not resumed.duplicated(["run_id", "period"]).any()
    after = {p.name: p.stat().st_mtime_ns for p in (out / "model").glob("run-*.parquet")}
    assert {k: after[k] for k in before} == before  # finished runs were not recomputed
    assert not list(out.rglob("*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"total": 16, "done": 16, "failed": 0, "pending": 0}


def test_kill_9_then_rerun_completes_the_same_dataset(tmp_path, write_toml):
    spec, out = write_toml(SLOW_SPEC), tmp_path / "out"
    proc = _start_cli(spec, out, "--batch", "2")  # 8 batches: the kill comes mid-sweep
    tree: set[int] = set()
    try:
        _wait_for_files(out, 3, proc)
        tree = pids_of(proc) - {proc.pid}
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = _alive(tree)
    finally:
        stop(proc)
        for pid in _alive(tree):
            kill_pid(pid)
    assert not orphans, "worker processes outlived the killed sweep"
    assert 3 <= status(out).done < 16
    before = {p.name: p.stat().st_mtime_ns for p in (out / "model").glob("run-*.parquet")}
    _resume_and_compare(spec, out, before, tmp_path)


def test_ctrl_c_stops_cleanly_then_rerun_completes(tmp_path, write_toml):
    spec, out = write_toml(SLOW_SPEC), tmp_path / "out"
    proc = _start_cli(spec, out, "--batch", "2")  # 8 batches: Ctrl-C comes mid-sweep
    try:
        _wait_for_files(out, 3, proc)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == 130, stderr
    assert "abm: interrupted with" in stderr and "rerun the same command" in stderr
    assert "Traceback" not in stderr  # neither from the client nor from its workers
    st = status(out)
    assert 3 <= st.done < 16 and st.failed == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["done"] == st.done, stderr  # finalised on exit
    before = {p.name: p.stat().st_mtime_ns for p in (out / "model").glob("run-*.parquet")}
    _resume_and_compare(spec, out, before, tmp_path)

