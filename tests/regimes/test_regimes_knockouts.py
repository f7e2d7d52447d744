"""The knock-out and dependence tables: their points are valid and the table reads right."""

import pandas as pd

from abm import Params
from analysis.regimes import knockouts


def test_every_point_is_a_valid_parameter_set():
    points = knockouts.knockout_points() + knockouts.dependence_points()
    assert len(points) == 9 + 3 + 5
    for _, changes in points:
        Params().replace(**changes)          # raises on an unknown or out-of-range value
    assert [c["xi"] for _, c in knockouts.dependence_points()[:3]] == [0.05, 0.10, 0.15]


def test_markdown_shows_analytic_terms_and_simulated_mean_with_se():
    t = pd.DataFrame({"label": ["baseline"], "dgini": [0.0201], "compression": [-0.0125],
                      "concentration": [0.0318], "vendors": [0.0008],
                      "sim_dgini": [0.0241], "sim_se": [0.0009]})
    text = knockouts.markdown(t)
    assert "| baseline | +0.0201 | -0.0125 | +0.0318 | +0.0008 | +0.0241 ± 0.0009 |" in text
