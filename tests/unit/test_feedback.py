"""The notice before first-time compilation: printed once, only when kernels must compile."""

import io

from abm import Params, feedback, simulate


def test_notice_is_one_line_printed_once_when_many_kernels_lack_a_cache(monkeypatch):
    monkeypatch.setattr(feedback, "_checked", False)
    monkeypatch.setattr(feedback, "uncompiled_kernels", lambda: ["k"] * 30)
    out = io.StringIO()
    assert feedback.compilation_notice(out) is True
    assert feedback.compilation_notice(out) is False          # once per process
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("abm: compiling 30 numba kernels")


def test_no_notice_when_the_kernels_are_compiled(monkeypatch):
    simulate(Params(n_workers=300, n_tasks=4, n_firms=6, n_periods=1), seed=1)
    # after a run in this process every kernel a run uses is compiled; at most the odd
    # unused one is not, which stays below the threshold
    assert len(feedback.uncompiled_kernels()) < feedback.NOTICE_THRESHOLD
    monkeypatch.setattr(feedback, "_checked", False)
    out = io.StringIO()
    assert feedback.compilation_notice(out) is False and out.getvalue() == ""
    assert len(feedback._kernels()) > 20                      # it does find the kernels


def test_a_fresh_install_is_detected_and_one_default_run_silences_it(tmp_path):
    """With an empty numba cache (as after installing) every kernel needs compiling; once
    a run at the defaults has compiled (and cached) what it uses, a new process must not
    announce a compilation again, which it would at every start if a kernel the default
    run never calls were counted."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    code = ("import io; from abm import Params, feedback, simulate; out = io.StringIO(); "
            "feedback.compilation_notice(out); print(out.getvalue().strip()); "
            "simulate(Params(n_workers=300, n_tasks=4, n_firms=6, n_periods=1), seed=1)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    assert proc.stdout.startswith("abm: compiling ") and "numba kernels" in proc.stdout
    code = "from abm import feedback; print(feedback.uncompiled_kernels())"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    assert proc.stdout.strip() == "[]"


def test_kernels_only_an_option_calls_do_not_count():
    # a default run never compiles them (industries, returns to skill by task, the
    # education subsidy), so a missing cache of theirs must not announce a compilation
    names = {d.py_func.__name__ for d in feedback._kernels()}
    assert {"skill_powers", "job_targets_cells", "one_job_each_cells", "levy",
            "subsidy_paid"}.isdisjoint(names)
    assert {"job_targets", "outputs", "settle_firms"} <= names
    # nor do kernels only other kernels call: they are compiled into their callers
    assert {"staffing", "systematic_rounding_cells", "cutoffs"}.isdisjoint(names)
