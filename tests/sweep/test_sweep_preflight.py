"""Refusal before work: sizes counted arithmetically, memory, scheduler addresses, odd specs."""

from __future__ import annotations

import socket
import tracemalloc

import numpy as np
import pytest

from abm.sweep import ClusterError, SpecError, run_sweep
from abm.sweep import _sections, spec as spec_module
from abm.sweep.cli import main
from abm.sweep.cluster import check_workers
from abm.sweep.preflight import check_memory
from abm.sweep.spec import parse_spec, replicate_seeds

BASE = {"scenario": "baseline", "periods": 3,
        "fixed": {"n_workers": 500, "n_tasks": 5, "n_firms": 10}}


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("abm: error: "), err
    return err[0]


def test_a_huge_grid_is_refused_without_being_built():
    """10^10 points: the count is a product of list lengths, refused in a few kB."""
    grid = {name: [0.1 * k for k in range(1, 11)] for name in
            ("xi", "eta1", "ai_weight", "sigma", "ability_sd", "edu_return", "signal_noise",
             "retooling_rate", "frontier_spread", "edu_cost")}
    tracemalloc.start()
    try:
        with pytest.raises(SpecError, match="10000000000 parameter points; the limit is"):
            parse_spec({**BASE, "grid": grid})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20  # building the product would need hundreds of GB


def test_too_many_runs_are_refused_before_seeds_are_derived(monkeypatch):
    def derive(*args):
        raise AssertionError("seeds derived before the run limit was checked")
    monkeypatch.setattr(_sections, "replicate_seeds", derive, raising=False)
    monkeypatch.setattr(spec_module, "replicate_seeds", derive)
    with pytest.raises(SpecError, match=r"100 points x 1000000 seeds = 100000000 runs exceeds"):
        parse_spec({**BASE, "seeds": 10**6, "grid": {"xi": [k / 100 for k in range(100)]}})


@pytest.mark.parametrize("root", [0, 11, 2026, 2**40 + 3, 2**130 + 17])
def test_replicate_seeds_are_seedsequence_children(root):
    expected = [int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1, np.uint64)[0])
                >> 1 for k in range(300)]
    assert list(replicate_seeds(300, root)) == expected


def test_repeated_points_among_many_are_found():
    points = [{"xi": k / 20000} for k in range(20000)]
    points.append({"xi": 7 / 20000})
    with pytest.raises(SpecError, match=r"points\[20000\] repeats points\[7\]"):
        parse_spec({**BASE, "points": points})


def test_a_sweep_too_large_for_memory_is_refused_before_the_folder(tmp_path, monkeypatch,
                                                                   capsys):
    import psutil

    class Tiny:
        available = 2**16  # 64 kB: less than one run of 500 workers needs
    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tiny())
    with pytest.raises(SpecError, match=r"needs about .* GiB of memory \(200 bytes per worker "
                                        r"x n_workers=500 x 1 runs at once\)"):
        run_sweep({**BASE, "seeds": 1}, tmp_path / "out", "serial", progress=False)
    assert not (tmp_path / "out").exists()
    spec = parse_spec({**BASE, "seeds": 1, "fixed": {"n_workers": 20_000_000}})
    with pytest.raises(SpecError, match="n_workers=20,000,000 x 3 runs at once"):
        check_memory(spec, concurrent=3, available=8 * 2**30)
    check_memory(spec, concurrent=1, available=8 * 2**30)  # 4 GB fits


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("address", "fragment"), [
    ("notaurl", "scheduler address 'notaurl' is not of the form tcp://HOST:PORT"),
    ("http://127.0.0.1:8786", "unknown protocol 'http'"),
    ("tcp://127.0.0.1:99999", "port 99999 is not in 1-65535"),
    ("tcp://127.0.0.1:{port}", "cannot connect to the Dask scheduler at tcp://127.0.0.1:"),
])
def test_bad_or_unreachable_scheduler_is_refused_leaving_no_folder(tmp_path, write_toml,
                                                                   capsys, address, fragment):
    spec = write_toml('scenario = "baseline"\nperiods = 2\nseeds = 1\n'
                      '[fixed]\nn_workers = 500\nn_tasks = 5\nn_firms = 10\n')
    address = address.format(port=_free_port())  # nothing listens on a port just freed
    assert main([str(spec), "--out", str(tmp_path / "out"), "--scheduler", address]) == 2
    assert fragment in one_line_error(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("path", "fragment"), [
    ("/dev/zero", "is not a regular file"),
    ("{tmp}", "is not a regular file"),
    ("{tmp}/binary.toml", "not UTF-8 text"),
])
def test_odd_spec_files_are_one_line_errors(tmp_path, capsys, path, fragment):
    (tmp_path / "binary.toml").write_bytes(b"scenario = \xff\xfe\n")
    assert main([path.format(tmp=tmp_path), "--out", str(tmp_path / "out"), "--serial"]) == 2
    assert fragment in one_line_error(capsys)


def test_workers_with_other_model_code_are_refused():
    from abm import provenance as prov

    class FakeClient:
        def run(self, func, on_error):
            return {"tcp://w1:1": {"version": prov.version(), "code": "f" * 16},
                    "tcp://w2:1": {"version": prov.version(), "code": prov.code_fingerprint()}}
    with pytest.raises(ClusterError, match=r"tcp://w1:1 runs other model code .*code "
                                           r"'ffffffffffffffff' ->"):
        check_workers(FakeClient())
