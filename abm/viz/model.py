"""The model one browser session runs: `LaborMarketModel` plus the app's snapshots.

SolaraViz's Reset rebuilds the model as ``model.__class__(**slider_values)``, so
whatever the app needs at construction time has to happen in ``__init__``: reading
the seed typed into the browser, and keeping the pre-AI Lorenz curve (period 0),
which the Lorenz panel draws against the current one (the model itself keeps only
the current cross-section). No economics lives here.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from abm.model import LaborMarketModel
from abm.params import ParameterError, Params

_SEED_TEXT = re.compile(r"^\+?\d+$")


def as_seed(value: Any) -> int | None:
    """Read a seed typed into the browser: the text field delivers a `str`.

    Mesa would accept ``"43"`` but derive a different stream than ``43``, so the text
    is converted here. A blank field means "draw a new seed" (None; the drawn seed is
    shown in the app so the run can be repeated). Anything else that is not a
    non-negative integer is rejected with a message that names the field.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = str(value).strip()
    if isinstance(value, bool) or not _SEED_TEXT.match(text):
        raise ParameterError(f"seed={value!r} must be a non-negative integer")
    return int(text)


class VizModel(LaborMarketModel):
    """`LaborMarketModel` with the pre-AI Lorenz curve kept for comparison.

    Args:
        params: base parameters (default `Params()`).
        seed: root seed; an integer or its decimal text.
        agents: create Mesa agent objects. The app reads only the arrays, so it
            passes False: construction is faster, and Mesa 3.3.1 never frees models
            that created agents, which would leak one economy per Reset.
        **kwargs: flat parameter values from the sliders. (Named ``kwargs``
            because SolaraViz 3.3.1 only accepts extra keywords under that name.)
    """

    def __init__(self, params: Params | None = None, *, seed: Any = None,
                 agents: bool = False, **kwargs: Any) -> None:
        # SolaraViz's Reset has no error handling: an exception here replaces the whole
        # page with a traceback. A mistyped seed therefore draws a fresh seed instead,
        # and `input_notice` makes the app say so next to the results.
        notice = None
        try:
            root = as_seed(seed)
        except ParameterError as exc:
            root, notice = None, f"{exc}; a new seed was drawn instead"
        super().__init__(params, seed=root, agents=agents, **kwargs)
        self.input_notice: str | None = notice
        # constructor has run the burn-in and period 0: this is the pre-AI economy
        self.lorenz_pre_ai: pd.DataFrame = self.lorenz()
        self.gini_pre_ai: float = float(self.metrics_at_zero["gini_income"])
