"""Matplotlib figures of the panels: plain Python on a model, no Solara.

Kept apart from the Solara components so they can be drawn and checked without a
server, and so every panel shares one look: a fixed size that fits a SolaraViz grid
cell, a title that says what is shown, axis labels with units, and a legend.

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

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from abm.state import UNEMPLOYED

if TYPE_CHECKING:
    import pandas as pd
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

# network sample: how many firms, and at most how many workers / owners per firm
NET_FIRMS = 8
NET_WORKERS_PER_FIRM = 10
NET_OWNERS_PER_FIRM = 3
# fixed offsets of the sample's random streams (combined with the model's seed)
_FIRM_STREAM = 101
_PERSON_STREAM = 202
_LAYOUT_STREAM = 303


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


def _time_axis(ax: Axes, horizon: float) -> None:
    ax.set_xlim(0, horizon)
    ax.set_xlabel(X_LABEL)
    ax.grid(alpha=0.3)


class _TimeSeries(LivePlot):
    """Shared parts of the panels that plot model columns against the year."""

    def __init__(self, fig: Figure, axes: list[Axes], model: VizModel) -> None:
        super().__init__(fig)
        self.time_axes = axes
        start = float(max(int(model.params.n_periods), 5))
        self.horizon = _horizon_from(start, len(model.model_frame()) - 1)
        self.lines: dict[str, Line2D] = {}

    def line(self, ax: Axes, column: str, **style: Any) -> Line2D:
        (artist,) = ax.plot([], [], **style)
        self.lines[column] = artist
        self.animate(artist)
        return artist

    def set_lines(self, frame: pd.DataFrame) -> bool:
        """Put every column's path into its line; True if the x range had to grow."""
        x = frame.index.to_numpy(dtype=float)
        for column, artist in self.lines.items():
            artist.set_data(x, frame[column].to_numpy(dtype=float))
            artist.set_marker("o" if len(x) == 1 else "None")
        horizon = _horizon_from(self.horizon, len(frame) - 1)
        if horizon != self.horizon:
            self.horizon = horizon
            for ax in self.time_axes:
                ax.set_xlim(0, horizon)
            return True
        return False


def _horizon_from(current: float, years: int) -> float:
    """Right end of the time axes: the run length, doubled as often as years pass it."""
    while years > current:
        current *= 2
    return current


class GiniPlot(_TimeSeries):
    """Gini paths of income, wages, capital income and firms' assets.

    Income is the headline; its components show which way the mechanisms pull
    (wages compress with homogenization, capital income and assets concentrate).
    """

    SERIES = (("gini_income", "income (all persons)", "black", "-", 2.4),
              ("gini_wage", "wage (employed)", "#2ca02c", "-", 1.6),
              ("gini_capital_income", "capital income (all persons)", "#9467bd", "--", 1.6),
              ("gini_assets", "firms' assets K", ASSETS, ":", 1.8))

    def __init__(self, model: VizModel) -> None:
        fig, axes = new_figure(margins={"bottom": 0.3})
        ax = axes[0, 0]
        super().__init__(fig, [ax], model)
        for column, label, colour, style, width in self.SERIES:
            self.line(ax, column, ls=style, color=colour, lw=width, label=label)
        # fitted to the data, not 0-1: a fixed unit axis hides the few hundredths by
        # which AI moves the income Gini (the change the app is about)
        self.ax = ax
        start = model.model_frame()[[c for c, *_ in self.SERIES]].to_numpy(dtype=float)
        ax.set_ylim(*_padded(start))
        ax.set_ylabel("Gini coefficient")
        ax.set_title("Inequality paths: Gini by income source")
        _time_axis(ax, self.horizon)
        # below the axes, so it is static and never hides a line
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, fontsize=8,
                  frameon=False)

    def update(self, model: VizModel) -> bool:
        frame = model.model_frame()
        grew = self.set_lines(frame)
        values = frame[[c for c, *_ in self.SERIES]].to_numpy(dtype=float)
        return _grow(self.ax, values, pad=0.1, floor=0.0) or grew


def _padded(values: np.ndarray, pad: float = 0.1) -> tuple[float, float]:
    """Limits around the finite `values` with `pad` of their span on each side, in [0, 1]."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    span = max(hi - lo, 0.05)
    return max(0.0, lo - pad * span), min(1.0, hi + pad * span)


class CvPlot(_TimeSeries):
    """Within-task dispersion of output on AI-exposed vs unexposed tasks.

    Homogenization shows as the exposed line (CV at equal AI access, a counterfactual:
    every worker with the same tool) falling below the unexposed one. The realised CV
    on exposed tasks across firms, with each employer's own AI access, is drawn beside
    it: under proprietary AI it can rise while the equal-access CV falls. The AI
    capability path is drawn on a second axis so the cause is visible.
    """

    CVS = ("within_task_cv_exposed", "within_task_cv_exposed_realised",
           "within_task_cv_unexposed")

    def __init__(self, model: VizModel) -> None:
        fig, axes = new_figure(margins={"right": 0.87})
        ax = axes[0, 0]
        twin = ax.twinx()
        super().__init__(fig, [ax, twin], model)
        self.ax = ax
        self.line(ax, "within_task_cv_exposed", color=EXPOSED, lw=2.2,
                  label="AI-exposed tasks, at equal AI access (counterfactual)")
        self.line(ax, "within_task_cv_exposed_realised", color=EXPOSED, ls="--", lw=1.6,
                  label="AI-exposed tasks, realised (own employer's AI)")
        self.line(ax, "within_task_cv_unexposed", color=UNEXPOSED, lw=2.2,
                  label="unexposed (social) tasks")
        self.line(twin, "ai_capability", color="grey", ls=":", lw=1.5,
                  label="AI capability A_t (right axis)")
        frame = model.model_frame()
        top = np.nanmax(frame[list(self.CVS)].to_numpy(dtype=float))
        ax.set_ylim(0, 1.25 * float(top) if np.isfinite(top) and top > 0 else 1.0)
        ax.set_ylabel("within-task CV of output (sd / mean)")
        ax.set_title("Homogenization: dispersion within tasks")
        _time_axis(ax, self.horizon)
        twin.set_ylabel("AI capability A_t (output per worker)", color="grey")
        twin.tick_params(axis="y", colors="grey")
        a_max = float(model.params.ai_max)
        twin.set_ylim(0, 1.15 * a_max if a_max > 0 else 1.0)
        handles = [self.lines[c] for c in (*self.CVS, "ai_capability")]
        # on the twin axes, registered last: drawn above all three lines
        self.animate(twin.legend(handles=handles, loc="lower left", fontsize=8,
                                 framealpha=0.9))

    def update(self, model: VizModel) -> bool:
        frame = model.model_frame()
        grew = self.set_lines(frame)
        cv = frame[list(self.CVS)].to_numpy(dtype=float)
        return _grow(self.ax, cv, floor=0.0) or grew


class LorenzPlot(LivePlot):
    """Lorenz curve of income now against the pre-AI one, both Ginis in the legend."""

    def __init__(self, model: VizModel) -> None:
        fig, axes = new_figure()
        ax = self.ax = axes[0, 0]
        super().__init__(fig)
        pre = model.lorenz_pre_ai
        ax.plot([0, 1], [0, 1], color="lightgrey", lw=1, label="perfect equality")
        ax.plot(pre["population_share"], pre["income_share"], "--", color="grey", lw=2,
                label=f"pre-AI (year 0): Gini {model.gini_pre_ai:.3f}")
        (self.now,) = ax.plot([], [], color="black", lw=2, label="now")
        self.fill = ax.fill_between([0, 1], [0, 0], [0, 0], alpha=0.25,
                                    label="change since pre-AI")
        self.pre = pre
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("cumulative share of persons (poorest first)")
        ax.set_ylabel("cumulative share of income")
        ax.set_title("Lorenz curve of income: now vs pre-AI")
        ax.grid(alpha=0.3)
        self.legend = ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
        self.animate(self.fill, self.now, self.legend)  # the line above the fill

    def update(self, model: VizModel) -> bool:
        now = model.lorenz()
        x = now["population_share"].to_numpy()
        self.now.set_data(x, now["income_share"].to_numpy())
        g_now = float(model.metrics["gini_income"])
        self.fill.set_data(x, self.pre["income_share"].to_numpy(), now["income_share"].to_numpy())
        self.fill.set_color(EXPOSED if g_now > model.gini_pre_ai else UNEXPOSED)
        labels = self.legend.get_texts()
        labels[2].set_text(f"now (year {int(model.economy.period)}): Gini {g_now:.3f}")
        for patch in self.legend.legend_handles[3:4]:
            if patch is not None:
                patch.set_color(self.fill.get_facecolor()[0])
        return False


class EducationPlot(_TimeSeries):
    """Education premium and posted credential requirements, exposed vs unexposed.

    Noisier AI-assisted work samples make employers lean on credentials: the
    requirement on exposed tasks moves while their education premium changes.
    """

    def __init__(self, model: VizModel) -> None:
        fig, axes = new_figure(2, 1, margins={"left": 0.15, "top": 0.83, "hspace": 0.12},
                               sharex=True)
        top, bottom = self.top, self.bottom = axes[0, 0], axes[1, 0]
        super().__init__(fig, [top, bottom], model)
        exposed = self.line(top, "education_premium_codifiable", color=EXPOSED, lw=2,
                            label="AI-exposed (codifiable) tasks")
        unexposed = self.line(top, "education_premium_social", color=UNEXPOSED, lw=2,
                              label="unexposed (social) tasks")
        self.line(bottom, "credential_requirement_exposed", color=EXPOSED, lw=2, ls="--")
        self.line(bottom, "credential_requirement_unexposed", color=UNEXPOSED, lw=2, ls="--")
        frame = model.model_frame()
        for ax, columns in ((top, ["education_premium_codifiable", "education_premium_social"]),
                            (bottom, ["credential_requirement_exposed",
                                      "credential_requirement_unexposed"])):
            values = frame[columns].to_numpy(dtype=float)
            finite = values[np.isfinite(values)]
            centre = float(finite.mean()) if finite.size else 0.5
            half = max(0.25 * abs(centre), 0.05)
            ax.set_ylim(centre - half, centre + half)
            ax.grid(alpha=0.3)
        top.set_ylabel("education premium\n(log-wage pts\nper year)", fontsize=8)
        bottom.set_ylabel("credential\nrequired\n(edu. levels)", fontsize=8)
        fig.suptitle("Education premium (Mincer slope) and credential requirement",
                     fontsize=11, y=0.98)
        # one legend for both axes, between the title and the plots: never hides a line
        fig.legend(handles=[exposed, unexposed], loc="upper center",
                   bbox_to_anchor=(0.55, 0.925), ncol=2, fontsize=8, frameon=False)
        _time_axis(bottom, self.horizon)

    def update(self, model: VizModel) -> bool:
        frame = model.model_frame()
        grew = self.set_lines(frame)
        g1 = _grow(self.top, frame[["education_premium_codifiable",
                                    "education_premium_social"]].to_numpy())
        g2 = _grow(self.bottom, frame[["credential_requirement_exposed",
                                       "credential_requirement_unexposed"]].to_numpy(),
                   floor=0.0)
        return grew or g1 or g2


class FirmPlot(LivePlot):
    """Firms: the asset distribution, and firm size against the wage premium.

    Concentrated assets mean a long right tail; with rent sharing (ξ) large asset-rich
    firms pay more, which is how asset concentration reaches wages.
    """

    BINS = 16

    def __init__(self, model: VizModel) -> None:
        fig, axes = new_figure(1, 2, margins={"left": 0.11, "right": 0.98, "wspace": 0.4})
        left, right = self.left, self.right = axes[0, 0], axes[0, 1]
        super().__init__(fig)
        log_k = self._log_assets(model)
        lo, hi = float(log_k.min()), float(log_k.max())
        self.edges = np.linspace(lo - 0.5, hi + 0.5, self.BINS + 1)
        _, _, self.bars = left.hist(log_k, bins=self.edges, color=ASSETS, alpha=0.8,
                                    label="Gini(K)")
        left.set_ylim(0, max(5.0, 1.5 * float(np.histogram(log_k, self.edges)[0].max())))
        left.set_xlabel("log10 assets K (output units)")
        left.set_ylabel("number of firms")
        left.set_title("Asset distribution", fontsize=10)
        self.hist_legend = left.legend(loc="upper right", fontsize=7)
        firms = model.firm_frame()
        size, premium = self._size_premium(firms)
        self.points = right.scatter(size, premium, color=ASSETS, s=18, edgecolors="black",
                                    linewidths=0.3, alpha=0.8, label="one firm")
        right.set_xlim(0, max(10.0, 1.3 * float(size.max())))
        right.set_ylim(min(0.0, float(premium.min()) * 1.3),
                       max(1.0, 1.3 * float(premium.max())))
        right.set_xlabel("firm size (employees)")
        right.set_ylabel("wage premium over outside option (%)")
        right.set_title("Size vs wage premium", fontsize=10)
        right.grid(alpha=0.3)
        points_legend = right.legend(loc="upper left", fontsize=7, handles=[self.points])
        self.animate(*self.bars, self.points, self.hist_legend, points_legend)

    @staticmethod
    def _log_assets(model: VizModel) -> np.ndarray:
        assets = model.economy.firms.assets
        return np.log10(np.maximum(assets, 1e-12))

    @staticmethod
    def _size_premium(firms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return (firms["employment"].to_numpy(dtype=float),
                100.0 * (firms["rent_factor"].to_numpy(dtype=float) - 1.0))

    def update(self, model: VizModel) -> bool:
        log_k = self._log_assets(model)
        changed = False
        if log_k.min() < self.edges[0] or log_k.max() > self.edges[-1]:
            # assets left the binned range: re-bin once, wider
            lo = min(self.edges[0], float(log_k.min()) - 0.5)
            hi = max(self.edges[-1], float(log_k.max()) + 0.5)
            self.edges = np.linspace(lo, hi, self.BINS + 1)
            width = self.edges[1] - self.edges[0]
            for bar, x0 in zip(self.bars, self.edges[:-1], strict=True):
                bar.set_x(x0)
                bar.set_width(width)
            self.left.set_xlim(lo, hi)
            changed = True
        counts = np.histogram(log_k, self.edges)[0]
        for bar, count in zip(self.bars, counts, strict=True):
            bar.set_height(count)
        changed = _grow(self.left, counts, floor=0.0) or changed
        self.hist_legend.get_texts()[0].set_text(
            f"Gini(K) = {float(model.metrics['gini_assets']):.2f}")
        size, premium = self._size_premium(model.firm_frame())
        self.points.set_offsets(np.column_stack([size, premium]))
        changed = _grow(self.right, size, axis="x", floor=0.0) or changed
        changed = _grow(self.right, premium) or changed
        return changed


def network_sample(model: VizModel) -> nx.Graph:
    """A seeded sample of the worker-firm bipartite graph.

    Firms come from a stream fixed for the run, so the same firms appear every year
    (as long as they employ anyone) and their workforce can be watched as it changes;
    workers and owners are redrawn each year from that year's matches. All streams
    derive from the model's seed, never from global random state.

    Nodes are ``("firm", j)`` and ``("person", i)``; edges carry ``kind``
    (``"employs"`` or ``"owns"``).
    """
    eco = model.economy
    w, f, own = eco.workers, eco.firms, eco.ownership
    firm_rng = np.random.default_rng([model.seed, _FIRM_STREAM])
    person_rng = np.random.default_rng([model.seed, _PERSON_STREAM, int(model.steps)])
    staffed = np.flatnonzero(f.employment > 0)
    chosen = firm_rng.choice(staffed, size=min(NET_FIRMS, staffed.size), replace=False)
    chosen = chosen[np.argsort(-f.assets[chosen], kind="stable")]  # largest first
    g = nx.Graph()
    for j in chosen.tolist():
        g.add_node(("firm", j), assets=float(f.assets[j]), employment=int(f.employment[j]))
    for j in chosen.tolist():
        staff = np.flatnonzero(w.employer == j)
        take = person_rng.choice(staff, size=min(NET_WORKERS_PER_FIRM, staff.size), replace=False)
        owners = own.person[own.firm == j]
        owners = person_rng.choice(owners, size=min(NET_OWNERS_PER_FIRM, owners.size),
                                   replace=False)
        for kind, people in (("employs", take), ("owns", owners)):
            for i in people.tolist():
                g.add_node(("person", i), ability=float(w.ability[i]), wage=float(w.wage[i]),
                           employed=bool(w.employer[i] != UNEMPLOYED))
                g.add_edge(("firm", j), ("person", i), kind=kind)
    return g


def network_layout(g: nx.Graph, seed: int) -> dict[Any, np.ndarray]:
    """Firms fixed on a circle, people placed by a seeded spring layout around them."""
    firms = [n for n in g if n[0] == "firm"]
    angles = np.linspace(0.5 * np.pi, 2.5 * np.pi, len(firms), endpoint=False)
    pos = {n: np.array([np.cos(a), np.sin(a)]) for n, a in zip(firms, angles, strict=True)}
    if len(g) == len(firms):
        return pos
    rng = np.random.default_rng(seed)
    init = dict(pos)
    for n in g:
        if n[0] == "person":
            anchor = np.mean([pos[m] for m in g[n]], axis=0)
            init[n] = anchor * 1.25 + rng.normal(0.0, 0.08, 2)
    k = 1.6 / np.sqrt(len(g))
    return nx.spring_layout(g, pos=init, fixed=firms or None, k=k, iterations=40,
                            seed=int(rng.integers(2**31 - 1)))


class NetworkPlot(LivePlot):
    """The sampled employment and ownership network, people coloured by wage or ability.

    Firms sit on a fixed circle; the colour scale is fixed when the plot is made
    (values beyond it take the end colour), so title, legend and colour bar are drawn
    once and only nodes and edges are redrawn each year.
    """

    LIMIT = 1.75  # half-width of the drawing area, in layout units

    def __init__(self, model: VizModel, colour_by: str = "wage") -> None:
        if colour_by not in ("wage", "ability"):
            raise ValueError(f"colour_by={colour_by!r} must be 'wage' or 'ability'")
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        fig, axes = new_figure(margins={"left": 0.01, "right": 0.99, "bottom": 0.1})
        ax = self.ax = axes[0, 0]
        super().__init__(fig)
        self.colour_by = colour_by
        values = getattr(model.economy.workers, colour_by)
        top = float(np.quantile(values, 0.99)) * 1.1
        self.norm = Normalize(0.0, top if top > 0 else 1.0)
        self.cmap = "viridis"
        label = "wage (output units / year)" if colour_by == "wage" else "ability θ (mean 1)"
        bar = fig.colorbar(ScalarMappable(norm=self.norm, cmap=self.cmap), ax=ax, shrink=0.8,
                           pad=0.01, extend="max")
        bar.set_label(label, fontsize=8)
        ax.set_axis_off()
        ax.set_autoscale_on(False)
        ax.set_xlim(-self.LIMIT, self.LIMIT)
        ax.set_ylim(-self.LIMIT, self.LIMIT)
        ax.set_aspect("equal", adjustable="box")
        ax.legend(handles=[
            Line2D([], [], marker="s", ls="", color="#444444", markersize=8,
                   label="firm (size ∝ employees)"),
            Line2D([], [], marker="o", ls="", color="#21918c", markersize=6, label="person"),
            Line2D([], [], color="#777777", lw=1, label="employs"),
            Line2D([], [], color="#9467bd", lw=1, ls="--", label="holds equity in"),
        ], loc="upper center", bbox_to_anchor=(0.55, 0.0), ncol=4, fontsize=8, frameon=False,
            columnspacing=1.0)
        ax.set_title(f"Employment network: {NET_FIRMS} sampled firms with some of\n"
                     f"their workers and owners (colour = {colour_by})", fontsize=9)
        self.graph = nx.Graph()

    def update(self, model: VizModel) -> bool:
        for artist in self.animated:
            artist.remove()
        self.animated = []
        g = self.graph = network_sample(model)
        seed = int(np.random.default_rng([model.seed, _LAYOUT_STREAM, int(model.steps)])
                   .integers(2**31 - 1))
        pos = network_layout(g, seed=seed)
        # keep people inside the fixed frame (the spring layout can push a few out)
        pos = {n: np.clip(p, -0.97 * self.LIMIT, 0.97 * self.LIMIT) for n, p in pos.items()}
        ax = self.ax
        employs = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "employs"]
        owns = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "owns"]
        firms = [n for n in g if n[0] == "firm"]
        people = [n for n in g if n[0] == "person"]
        drawn: list[Any] = []
        if employs:
            drawn.append(nx.draw_networkx_edges(g, pos, edgelist=employs, ax=ax,
                                                edge_color="#777777", width=0.7))
        if owns:
            drawn.append(nx.draw_networkx_edges(g, pos, edgelist=owns, ax=ax,
                                                edge_color="#9467bd", width=1.0, style="dashed"))
        if firms:
            emp = np.array([g.nodes[n]["employment"] for n in firms], dtype=float)
            drawn.append(nx.draw_networkx_nodes(
                g, pos, nodelist=firms, ax=ax, node_shape="s", node_color="#444444",
                node_size=120 + 480 * emp / max(float(emp.max()), 1.0)))
        if people:
            values = np.array([g.nodes[n][self.colour_by] for n in people])
            drawn.append(nx.draw_networkx_nodes(
                g, pos, nodelist=people, ax=ax, node_size=28, node_color=values,
                cmap=self.cmap, vmin=self.norm.vmin, vmax=self.norm.vmax,
                edgecolors="black", linewidths=0.3))
        self.animate(*drawn)
        ax.set_xlim(-self.LIMIT, self.LIMIT)  # networkx autoscales; the frame is fixed
        ax.set_ylim(-self.LIMIT, self.LIMIT)
        return False


def network_figure(model: VizModel, colour_by: str = "wage") -> Figure:
    """The network panel as a fully drawn figure (for scripts and tests)."""
    plot = NetworkPlot(model, colour_by)
    plot.update(model)
    for artist in plot.animated:
        artist.set_animated(False)
    return plot.fig
