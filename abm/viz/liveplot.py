"""The frame every panel shares: size, margins, colours, PNG encoding and `LivePlot`.

Split from the panels themselves so that each panel module (paths over time,
distributions, the network) draws on one look and one redraw mechanism without
repeating it: a fixed size that fits a SolaraViz grid cell, a title that says what is
shown, axis labels with units, and a legend.

Speed. Drawing a matplotlib figure costs 0.1-0.3 s, nearly all of it in axes, ticks
and text, which do not change from one year to the next. Every panel is therefore a
`LivePlot`: the static parts are drawn once into a background; each step restores
it and draws only the data ("blitting"), which takes a few hundredths of a second.
Axis limits only grow when the data leave them, which triggers one full redraw.

Figures are built with `matplotlib.figure.Figure` and an Agg canvas (never pyplot):
no global figure registry to leak into or to share between browser sessions.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from abm.viz.model import VizModel

# one SolaraViz grid cell (6 of 12 columns, 10 rows of 30 px) at a 1400 px wide
# window; the browser scales the image to the cell width on other screens
FIGSIZE = (5.6, 4.1)
DPI = 96
X_LABEL = "year (0 = pre-AI; AI arrives in year 1)"
# fixed margins (figure fractions): a layout engine would draw every figure twice
MARGINS = {"left": 0.12, "right": 0.97, "bottom": 0.14, "top": 0.91}

# colour per series, shared across panels so "exposed" always looks the same
EXPOSED = "#d62728"
UNEXPOSED = "#1f77b4"
ASSETS = "#8c564b"


def new_figure(nrows: int = 1, ncols: int = 1, margins: dict[str, float] | None = None,
               **subplot_kw: Any) -> tuple[Figure, np.ndarray]:
    """A figure sized for one grid cell, with an Agg canvas and fixed margins."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(**{**MARGINS, **(margins or {})})
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def encode_png(canvas: FigureCanvasAgg) -> bytes:
    """PNG bytes of what the canvas holds (fast compression: the bytes stay local)."""
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def to_png(fig: Figure) -> bytes:
    """Draw a whole figure and encode it as PNG."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return encode_png(canvas)


def _grow(ax: Axes, values: np.ndarray, axis: str = "y", pad: float = 0.15,
          floor: float | None = None) -> bool:
    """Widen `ax`'s limits if `values` leave them; True when they changed.

    Limits never shrink, so a redraw of the background is needed only rarely.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return False
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    vmin, vmax = float(v.min()), float(v.max())
    if lo <= vmin and vmax <= hi:
        return False
    span = max(vmax - vmin, abs(vmax) * 0.1, 1e-6)
    new_lo = min(lo, vmin - pad * span)
    if floor is not None:
        new_lo = max(new_lo, floor)
    new_hi = max(hi, vmax + pad * span)
    (ax.set_ylim if axis == "y" else ax.set_xlim)(new_lo, new_hi)
    return True


class LivePlot:
    """A figure whose static parts are drawn once; each update redraws only the data.

    Subclasses build the figure in ``__init__``, register the artists that change
    with `animate`, and implement `update(model) -> bool` (True if axis limits
    changed, so the static background must be redrawn).
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        canvas = fig.canvas
        self.canvas = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        self.animated: list[Artist] = []
        self._background: Any = None
        # Mesa's "Use Threads" option can render from two threads at once
        self._lock = threading.Lock()

    def animate(self, *artists: Artist) -> None:
        """Mark artists as changing every step: kept out of the background."""
        for artist in artists:
            artist.set_animated(True)
            self.animated.append(artist)

    def update(self, model: VizModel) -> bool:
        """Move the data to the model's current state; True if limits changed."""
        raise NotImplementedError

    def render(self, model: VizModel) -> bytes:
        """PNG of the figure at the model's current state."""
        with self._lock:
            if self.update(model) or self._background is None:
                self.canvas.draw()  # everything except the animated artists
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            else:
                self.canvas.restore_region(self._background)
            for artist in self.animated:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
            return encode_png(self.canvas)
