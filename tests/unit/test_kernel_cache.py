"""A kernel's disk cache is fresh only while every module of its package is unchanged."""

import os
import subprocess
import sys
from pathlib import Path

import abm
from abm.fused import hiring, jit, layoffs

ROOT = Path(abm.__file__).resolve().parents[1]

CALLEE = "from abm.fused.jit import kernel\n\n\n@kernel\ndef f():\n    return {value}\n"
CALLER = ("from abm.fused.jit import kernel\nfrom pkg.a import f\n\n_f = f.dispatcher\n\n\n"
          "@kernel\ndef g():\n    return _f()\n")


def test_editing_a_callee_in_another_module_recompiles_its_caller(tmp_path):
    # numba alone checks a cached function against its own file: the caller `g` would
    # load its cached machine code, with the old `f` compiled in, and print 1 again
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(CALLEE.format(value=1))
    (pkg / "b.py").write_text(CALLER)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", "from pkg.b import g; print(g())"],
                              env=env, capture_output=True, text=True, timeout=300,
                              check=True)
        return proc.stdout.strip()

    assert run() == "1"
    assert any((tmp_path / "cache").rglob("*.nbi"))          # the caller was cached
    (pkg / "a.py").write_text(CALLEE.format(value=2))
    assert run() == "2"


def test_every_kernel_of_a_package_carries_the_same_digest(tmp_path):
    stamps = {k.dispatcher._cache._cache_file._source_stamp[1]
              for k in (hiring.staffing, hiring.scores, layoffs.job_targets)}
    assert stamps == {jit.sources_digest(Path(hiring.__file__).resolve().parent)}
    # and the digest moves with any module added and any byte changed (uncached: in a
    # process the digest is read once, when the kernels are made)
    digest = jit.sources_digest.__wrapped__
    (tmp_path / "a.py").write_text("x = 1\n")
    before = digest(tmp_path)
    (tmp_path / "b.py").write_text("y = 1\n")
    added = digest(tmp_path)
    (tmp_path / "b.py").write_text("y = 2\n")
    assert len({before, added, digest(tmp_path)}) == 3
