"""The command line answers help, the scenario list and refusals without the heavy stack.

`abm --help`, `abm scenarios` and a refused command line must not import Mesa, numba,
Dask, pandas, pyarrow, scipy or Solara: together they cost over a second of start-up
before any argument is read. Each case runs the console script's code in a fresh
interpreter and reads `sys.modules` at exit (modules, not seconds: timings belong to
benchmarks/bench_cli.py). The controls show that the check can fail: a real run and
`from abm import simulate` do import them.
"""

import json
import subprocess
import sys

import pytest

HEAVY = ("mesa", "numba", "dask", "distributed", "pandas", "pyarrow", "scipy", "solara")

# what the `abm` console script does (setup.cfg: abm = abm.cli:main), then report
# the exit status and which heavy modules were imported, as the last line of stderr
SCRIPT = """
import json, sys
sys.argv = ["abm", *{args!r}]
try:
    from abm.cli import main
    status = main()
except SystemExit as exc:
    status = exc.code
print(json.dumps({{"status": status,
                  "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}),
      file=sys.stderr)
"""


def run_abm(*args: str, cwd=None) -> tuple[int, list[str], str, str]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(args=list(args), heavy=HEAVY)],
                          capture_output=True, text=True, timeout=300, cwd=cwd, check=True)
    *err, last = proc.stderr.strip().splitlines()
    report = json.loads(last)
    return report["status"], report["heavy"], proc.stdout, "\n".join(err)


@pytest.mark.parametrize("args", [
    ["--help"], ["run", "--help"], ["sweep", "--help"], ["regimes", "--help"],
    ["empirics", "--help"], ["viz", "--help"], ["akm", "--help"],
])
def test_help_imports_no_heavy_module(args):
    status, heavy, out, _ = run_abm(*args)
    assert status == 0
    assert "usage: abm" in out
    assert heavy == []


def test_scenario_list_imports_no_heavy_module():
    status, heavy, out, _ = run_abm("scenarios")
    assert status == 0
    assert "baseline" in out and "two_regimes" in out
    assert heavy == []


@pytest.mark.parametrize(("args", "message"), [
    (["run", "nope"], "unknown scenario 'nope'; valid scenarios: baseline"),
    (["run", "baseline", "--set", "xi=2"], "xi=2.0 is out of range; allowed [0.0, 1.0]"),
    (["run", "baseline", "--set", "xi=abc"], "--set xi='abc': expected a float value"),
    (["run", "baseline", "--set", "bogus=1"], "unknown parameter 'bogus'"),
    (["run", "two_regimes", "--set", "eta0=0.5"], "conflicts with scenario 'two_regimes'"),
    (["run", "baseline", "--seed", "-3"], "--seed=-3 must be a non-negative int"),
    (["run", "baseline", "--bogus"], "unrecognized arguments: --bogus"),
    (["nonsense"], "invalid choice: 'nonsense'"),
    (["sweep"], "a spec file is required"),
    (["sweep", "spec.toml"], "--out DIR is required"),
    (["regimes", "--seeds", "1"], "--seeds=1 must be at least 2"),
    (["regimes", "--fix", "xi=7"], "xi=7.0 is out of range"),
    (["regimes", "--x", "rent", "--y", "xi"], "unknown axis 'rent'"),
    (["regimes", "--x", "xi", "--y", "psi", "--x-range", "0.5", "2"], "range of xi"),
    (["regimes", "--fix", "asset_burn_in=10"], "drawn asset distribution up to period 0"),
    (["regimes", "--fix", "industry_concentration=0.5", "--mean-field", "choice"],
     "minutes a point"),
    (["empirics", "--out", "out", "--seeds", "1"], "--seeds=1 must be between 2 and 200"),
    (["akm", "--out", "out", "--years", "1"], "--years=1 must be between 2 and 100"),
])
def test_refused_command_line_imports_no_heavy_module(args, message, tmp_path):
    status, heavy, _, err = run_abm(*args, cwd=tmp_path)
    assert status == 2
    assert err.startswith("abm: error: ") and message in err and len(err.splitlines()) == 1
    assert heavy == []


def test_invalid_sweep_spec_is_refused_before_the_engine_is_imported(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text('scenario = "baseline"\nseeds = 2\n[grid]\nxi = [0.1, 7]\n')
    status, heavy, _, err = run_abm("sweep", str(spec), "--out", str(tmp_path / "out"))
    assert status == 2
    assert "line 4" in err and "xi=7.0 is out of range" in err
    assert heavy == []
    assert not (tmp_path / "out").exists()


def test_control_a_run_does_import_the_model_stack(tmp_path):
    # the other side: past the checks, `abm run` imports numba and pandas (the refusal
    # cases above would pass vacuously if the probe could not see them); its runs are
    # engines, not Mesa models, so Mesa stays out even here
    status, heavy, _, _ = run_abm("run", "baseline", "--periods", "1", "--seeds", "2",
                                  "--set", "n_workers=200", "--set", "n_tasks=2",
                                  "--set", "n_firms=4", "--set", "burn_in=0",
                                  "--out", str(tmp_path / "out"))
    assert status == 0
    assert {"numba", "pandas"} <= set(heavy)
    assert "mesa" not in heavy


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True).stdout.strip()


def test_import_abm_is_light_and_its_names_load_on_first_use():
    code = ("import sys, abm; print(sorted(m for m in %r if m in sys.modules)); "
            "print(abm.Params().n_workers); from abm import simulate, LaborMarketModel; "
            "print(callable(simulate), LaborMarketModel.__name__, 'mesa' in sys.modules)"
            % (HEAVY,))
    assert _python(code).splitlines() == ["[]", "5000", "True LaborMarketModel True"]


@pytest.mark.parametrize("entry", [
    "from abm import LaborMarketModel", "import abm.collector", "import abm.agents",
    "import abm.model",
])
def test_every_way_into_mesa_leaves_the_start_method_alone(entry):
    # Mesa 3.3.1 forces "spawn" at import; `import abm` no longer imports Mesa, so each
    # module importing Mesa must keep the user's method itself (abm._mesa)
    code = f"import multiprocessing as mp, sys; {entry}; print('mesa' in sys.modules, " \
           "mp.get_start_method(allow_none=True))"
    assert _python(code) == "True None"


@pytest.mark.parametrize("entry", [
    "from abm import simulate, branch, Engine", "import abm.collect",
    "from abm.simulate import release", "import abm.sweep.execute",
])
def test_the_engine_and_the_run_functions_do_not_import_mesa(entry):
    # the other side of the test above: these never reach Mesa at all
    code = f"import multiprocessing as mp, sys; {entry}; print('mesa' in sys.modules, " \
           "mp.get_start_method(allow_none=True))"
    assert _python(code) == "False None"


def test_simulate_stays_the_function_after_its_module_is_imported():
    # importing the submodule abm.simulate binds the package attribute `simulate`;
    # the package keeps the function there, as when it imported it eagerly
    code = ("from abm.simulate import release; import abm; from abm import simulate; "
            "print(callable(simulate), type(abm.simulate).__name__)")
    assert _python(code) == "True function"


WORKER = """
import json, sys
import abm.sweep.warm                      # what a local cluster's forkserver imports
from abm.params import Params
from abm.sweep.execute import RunTask, execute_batch, execute_run
tasks = [RunTask(run_id=i, seed=i, params=Params(n_workers=200, n_periods=2, burn_in=2))
         for i in range(3)]
result = execute_batch(tasks)
before = sorted(m for m in ("pandas", "mesa") if m in sys.modules)
if {control}:
    execute_run(tasks[0])                  # labelled DataFrames: pandas
print(json.dumps([before, sorted(m for m in ("pandas", "mesa") if m in sys.modules),
                  sorted(result.errors)]))
"""


@pytest.mark.parametrize("control", [False, True])
def test_sweep_workers_import_neither_pandas_nor_mesa(control):
    # a worker runs batches and returns their model tables as arrays; the client builds
    # the DataFrames. The control, a run returned as labelled frames, imports pandas.
    proc = subprocess.run([sys.executable, "-c", WORKER.format(control=control)],
                          capture_output=True, text=True, timeout=300, check=True)
    before, after, errors = json.loads(proc.stdout.strip().splitlines()[-1])
    assert before == [] and errors == []
    assert after == (["pandas"] if control else [])
