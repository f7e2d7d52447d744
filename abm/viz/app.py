"""Browser app: step through the economy with Mesa's SolaraViz.

Run it with ``abm viz`` (binds 127.0.0.1, no downloads) or directly with
``solara run abm/viz/app.py``. The sidebar sets the technology structure and the
institutions; Reset builds a new economy from them, Step advances one year, ▶ plays.

Every browser session gets its own model: `Page` builds it inside the session with
``solara.use_memo``, never at module level, because a module-level model would be
shared (and stepped) by every open tab. This module only wires Mesa's SolaraViz to
the panels in `abm.viz.panels`; it holds no model logic.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import solara
from solara.server import settings as _solara_settings

with warnings.catch_warnings():
    # solara's hook checker flags a Mesa component at import time; harmless there
    warnings.filterwarnings("ignore", category=UserWarning, module="solara.validate_hooks")
    from mesa.visualization import SolaraViz

from abm.simulate import release
from abm.viz.controls import initial_values, model_params
from abm.viz.model import VizModel
from abm.viz.panels import PANEL_CSS, PANELS

TITLE = "Generative AI and inequality: two regimes"

# How long the server keeps a closed tab's session (its model, figures and widgets, about
# 2 MiB) in case the tab reconnects. Solara's default is 24 hours, so a server that sees
# many short visits grows by every one of them; a minute covers a network blip or a
# reload. An explicit SOLARA_KERNEL_CULL_TIMEOUT in the environment wins.
CLOSED_SESSION_KEPT = "60s"
if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
    _solara_settings.kernel.cull_timeout = CLOSED_SESSION_KEPT

# ms of pause between played steps: each step already takes ~0.2 s to simulate and
# redraw, so shorter pauses would not make Play visibly faster
PLAY_INTERVAL_MS = 200


def new_model(spec: dict[str, Any]) -> VizModel:
    """The model a fresh session starts with: the sidebar's initial values."""
    return VizModel(**initial_values(spec))


@solara.component
def AppView(model: VizModel | solara.Reactive[VizModel],
            spec: dict[str, Any] | None = None) -> None:
    """SolaraViz for `model` with the app's panels, sidebar and panel styles.

    Args:
        model: the session's model, or a reactive holding it (tests pass a reactive
            to see the model that Reset builds).
        spec: Mesa ``model_params``; defaults to `abm.viz.controls.model_params()`.
    """
    solara.Style(PANEL_CSS)
    SolaraViz(model, components=list(PANELS),
              model_params=model_params() if spec is None else spec,
              name=TITLE, play_interval=PLAY_INTERVAL_MS, render_interval=1)


@solara.component
def Page() -> None:
    """One browser session: its own model, then the SolaraViz page.

    When the session ends its model is released from Mesa's class-level registry
    (`abm.simulate.release`), so nothing outside the session keeps it alive.
    """
    spec = solara.use_memo(model_params, dependencies=[])
    model = solara.use_memo(lambda: new_model(spec), dependencies=[])
    solara.use_effect(lambda: (lambda: release(model)), dependencies=[])
    AppView(model, spec)
