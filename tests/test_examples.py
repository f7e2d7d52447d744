"""The tutorial notebook runs end to end (simulate, plot, counterfactual, sweep, load,
regimes, Mesa), as a reader would run it, in a fresh kernel."""

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
def test_tutorial_notebook_executes(tmp_path):
    import nbclient
    import nbformat

    nb = nbformat.read(EXAMPLES / "tutorial.ipynb", as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "commit the notebook without outputs"
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()                    # raises CellExecutionError on any failing cell
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    # the counterfactual section names both regimes, each after its t test: commodity AI
    # with Cobb-Douglas firms is equalizing (−0.015, SE 0.0002 in the paired tests)
    assert "commodity AI, ε = 1  ΔGini against no AI -" in text and "-> equalizing" in text
    assert "-> concentrating" in text
    assert "dgini = 0 at proprietary_share" in text     # the analytic boundary
    assert "15 False" in text                           # Mesa: stopped at n_periods
    assert not list(tmp_path.glob("results"))           # wrote nothing into the cwd
