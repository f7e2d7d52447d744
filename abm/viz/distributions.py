"""Panels of one year's cross-section: the Lorenz curve of income and the firms' assets.

Unlike the time-series panels (`abm.viz.paths`) they redraw a distribution each
year from the model's current state, against a fixed reference (the pre-AI Lorenz
curve) or fixed bins that widen only when the data leave them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.viz.liveplot import ASSETS, EXPOSED, UNEXPOSED, LivePlot, _grow, new_figure

if TYPE_CHECKING:
    import pandas as pd

    from abm.viz.model import VizModel


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
