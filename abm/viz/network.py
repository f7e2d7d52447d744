"""The employment and ownership network panel: a seeded sample, its layout and drawing.

Kept apart because it is the one panel that works on a graph (networkx) rather than
on model columns, with its own random streams derived from the model's seed; the
sample and layout functions are also used on their own by scripts and tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from matplotlib.lines import Line2D

from abm.state import UNEMPLOYED
from abm.viz.liveplot import LivePlot, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from abm.viz.model import VizModel

# network sample: how many firms, and at most how many workers / owners per firm
NET_FIRMS = 8
NET_WORKERS_PER_FIRM = 10
NET_OWNERS_PER_FIRM = 3
# fixed offsets of the sample's random streams (combined with the model's seed)
_FIRM_STREAM = 101
_PERSON_STREAM = 202
_LAYOUT_STREAM = 303


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
