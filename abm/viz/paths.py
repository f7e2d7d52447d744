"""Panels that plot model columns against the year: Gini paths, within-task CV, education.

They share the time axis (a horizon that doubles as the run passes it) and the
`_TimeSeries` base that moves every line to the model frame's columns, so they live
together, apart from the distribution and network panels, which plot one year's
cross-section instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from abm.viz.liveplot import (ASSETS, EXPOSED, UNEXPOSED, X_LABEL, LivePlot, _grow,
                              new_figure)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from abm.viz.model import VizModel


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
