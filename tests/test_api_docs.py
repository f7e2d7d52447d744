"""The API reference builds from the docstrings (a part of it: the whole takes minutes)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # imports every module (solara, dask, mesa): slow on a busy machine

ROOT = Path(__file__).resolve().parents[1]


def test_pdoc_builds_reference_pages(tmp_path):
    subprocess.run([sys.executable, "-m", "pdoc", "--docformat", "google", "abm.uncertainty",
                    "abm.simulate", "scenarios.runner", "-o", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    page = (tmp_path / "abm" / "uncertainty.html").read_text()
    assert "t_critical" in page and "not distinguishable from 0" in page
    assert (tmp_path / "scenarios" / "runner.html").is_file()


def test_build_script_lists_the_submodules_that_abm_all_hides():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_modules.py")],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    modules = out.split()
    assert {"abm", "abm.model", "abm.params", "abm.simulate", "abm.uncertainty",
            "analysis.regimes", "scenarios.runner"} <= set(modules)
    assert not [m for m in modules if "._" in m]
    assert "bash scripts/build-api-docs.sh" in (ROOT / "docs" / "API.md").read_text()
