"""Matplotlib figures of the panels: plain Python on a model, no Solara.

Kept apart from the Solara components so they can be drawn and checked without a
server. The figures themselves live in modules by what they draw; this module
gathers them under the one name the panels, scripts and tests import:

- `abm.viz.liveplot`: the shared frame (size, margins, colours), PNG encoding and
  the `LivePlot` base that redraws only the data each step
- `abm.viz.paths`: panels over the years (Gini paths, within-task CV, education)
- `abm.viz.distributions`: one year's cross-section (Lorenz curve, firms' assets)
- `abm.viz.network`: the sampled employment and ownership network
"""

from __future__ import annotations

from abm.viz.distributions import FirmPlot, LorenzPlot
from abm.viz.liveplot import (ASSETS, DPI, EXPOSED, FIGSIZE, MARGINS, UNEXPOSED, X_LABEL,
                              LivePlot, encode_png, new_figure, to_png)
from abm.viz.network import (NET_FIRMS, NET_OWNERS_PER_FIRM, NET_WORKERS_PER_FIRM,
                             NetworkPlot, network_figure, network_layout, network_sample)
from abm.viz.paths import CvPlot, EducationPlot, GiniPlot

__all__ = [
    "ASSETS", "DPI", "EXPOSED", "FIGSIZE", "MARGINS", "NET_FIRMS", "NET_OWNERS_PER_FIRM",
    "NET_WORKERS_PER_FIRM", "UNEXPOSED", "X_LABEL",
    "CvPlot", "EducationPlot", "FirmPlot", "GiniPlot", "LivePlot", "LorenzPlot", "NetworkPlot",
    "encode_png", "network_figure", "network_layout", "network_sample", "new_figure", "to_png",
]
