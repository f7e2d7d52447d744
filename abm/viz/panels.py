"""The app's panels: Mesa 3.3 custom components, one per view.

A Mesa custom component is a plain function ``panel(model) -> element``; SolaraViz
re-renders it after every step. Each figure is encoded once per (model, step) with
``solara.use_memo``, so re-renders that do not advance the model (a tab switch, a
slider move) cost nothing; most figures are `figures.LivePlot`s that redraw only
their data. Images carry a CSS class ``abm-panel-<name>`` so the
browser tests can find every panel.

`PANELS` lists (component, page): page 0 tells the story (regime, Gini paths,
homogenization, Lorenz curve), page 1 shows the mechanisms (education and
credentials, firms, employment network). Only the open page is drawn, which keeps a
step well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import solara

from abm.uncertainty import Estimate
from abm.viz import figures

if TYPE_CHECKING:
    from abm.viz.model import VizModel

PENDING = "analytic prediction: pending (analysis.regimes is not available yet)"


# Images fill the width of their grid cell but never overflow its fixed height (10 rows
# of 30 px in Mesa's grid); on wide screens they are letterboxed instead.
PANEL_CSS = """
.abm-panel-image { width: 100%; max-height: 380px; object-fit: contain; }
.abm-panel-network { max-height: 340px; }
"""


def _image(name: str, png: bytes) -> solara.Element:
    """A panel's PNG, scaled to its grid cell, tagged for the browser tests."""
    return solara.Image(png, format="png", classes=["abm-panel-image", f"abm-panel-{name}"])


def _live(model: VizModel, name: str, plot_class: type[figures.LivePlot]) -> solara.Element:
    """A `LivePlot` panel: the figure is built once per model, redrawn once per step."""
    plot = solara.use_memo(lambda: plot_class(model), dependencies=[model])
    png = solara.use_memo(lambda: plot.render(model), dependencies=[model, model.steps])
    return _image(name, png)


def gini_panel(model: VizModel) -> solara.Element:
    """Gini paths of income, wages, capital income and assets."""
    return _live(model, "gini", figures.GiniPlot)


def cv_panel(model: VizModel) -> solara.Element:
    """Within-task CV of output on exposed vs unexposed tasks."""
    return _live(model, "cv", figures.CvPlot)


def lorenz_panel(model: VizModel) -> solara.Element:
    """Lorenz curve now vs pre-AI, with both Ginis."""
    return _live(model, "lorenz", figures.LorenzPlot)


def education_panel(model: VizModel) -> solara.Element:
    """Education premium and credential requirement paths."""
    return _live(model, "education", figures.EducationPlot)


def firm_panel(model: VizModel) -> solara.Element:
    """Asset distribution, and firm size vs wage premium."""
    return _live(model, "firms", figures.FirmPlot)


def network_panel(model: VizModel) -> solara.Element:
    """Sampled employment network; the user picks what the node colour shows."""
    colour, set_colour = solara.use_state("wage")
    plot = solara.use_memo(lambda: figures.NetworkPlot(model, colour), dependencies=[model, colour])
    png = solara.use_memo(lambda: plot.render(model), dependencies=[model, model.steps, colour])
    with solara.Column(gap="0px") as column:
        solara.ToggleButtonsSingle(value=colour, values=["wage", "ability"],
                                   on_value=set_colour, dense=True)
        _image("network", png)
    return column


@dataclass(frozen=True)
class Prediction:
    """What the regime panel shows about the analytic prediction."""

    available: bool
    text: str
    regime: str | None = None


def analytic_prediction(params: Any) -> Prediction:
    """Ask ``analysis.regimes.predict(params)`` for the regime, if that module exists.

    The analytic module is optional: when it cannot be imported (or has no
    ``predict``), the panel says the prediction is pending instead of failing; for an
    economy it does not represent (``UnsupportedEconomy``) that it is not available. Any
    other error raised by ``predict`` is shown, not hidden.
    """
    try:
        from analysis import regimes

        predict = regimes.predict
    except (ImportError, AttributeError):
        return Prediction(False, PENDING)
    unsupported = getattr(regimes, "UnsupportedEconomy", ())
    try:
        result = predict(params)
        dgini, regime = float(result.dgini), str(result.regime)
    except unsupported as exc:       # a valid economy the mean field does not cover
        return Prediction(False, f"analytic prediction: not available ({exc})")
    except Exception as exc:  # shown in the panel: a broken prediction must be visible
        return Prediction(False, f"analytic prediction failed: {type(exc).__name__}: {exc}")
    return Prediction(True, f"analytic prediction: ΔGini {dgini:+.3f} → {regime}", regime)


def run_description(model: VizModel) -> str:
    """The parameters of the running model (sliders only apply after Reset)."""
    p = model.params
    return (f"ξ = {p.xi:.2f}, η0 = {p.eta0:.2f}, η1 = {p.eta1:.2f}, ψ = {p.psi:.2f}, "
            f"Gini(K)₀ = {p.asset_gini:.2f}, σ = {p.sigma:.2f}, technology = {p.augmentation}"
            f"{f' (ρ = {p.rho:.2f})' if p.augmentation == 'ces' else ''}, "
            f"g = {p.ai_growth:.2f}/yr, signal noise = {p.signal_noise:.2f}, "
            f"retooling = {p.retooling_rate:.2f}/yr, {p.n_workers} workers, "
            f"{p.n_firms} firms, seed {model.seed}")


def simulated_regime(model: VizModel) -> tuple[str, str]:
    """(regime, sentence) for the simulated change in the income Gini so far.

    The browser runs one seed, and the project's regime rule (`abm.uncertainty`) names
    a regime only when the change is distinguishable from zero over several seeds; one
    run has no standard error. So the regime here is "not distinguishable from 0", and
    the sentence gives the run's direction and how to test it. Both CVs are shown: at
    equal AI access (homogenization) and realised (with each employer's own access).
    """
    frame = model.model_frame()
    last = frame.iloc[-1]
    year = int(frame.index[-1])
    if year == 0:
        return "pre-AI", "year 0 is the pre-AI economy: press Step to let AI arrive"
    dgini = float(last["dgini"])
    regime = ("no AI" if float(frame["ai_capability"].max()) == 0
              else Estimate.of([dgini]).sign_label())
    direction = "up" if dgini > 0 else "down" if dgini < 0 else "unchanged"
    cv0 = float(frame["within_task_cv_exposed"].iloc[0])
    cv = float(last["within_task_cv_exposed"])
    real0 = float(frame["within_task_cv_exposed_realised"].iloc[0])
    real = float(last["within_task_cv_exposed_realised"])
    change = 100.0 * (cv / cv0 - 1.0) if cv0 else float("nan")
    return regime, (
        f"simulated so far (year {year}, one seed): income Gini {model.gini_pre_ai:.3f} → "
        f"{float(last['gini_income']):.3f}, ΔGini {dgini:+.4f} ({direction}); regime: "
        f"{regime}: one run has no standard error, `abm run --seeds N` tests the sign. "
        f"Within-task CV on exposed tasks at equal AI access (counterfactual) "
        f"{cv0:.3f} → {cv:.3f} ({change:+.0f}%), realised across firms "
        f"{real0:.3f} → {real:.3f}")


def _direction(model: VizModel) -> int:
    """Sign of this run's ΔGini so far (0 before AI)."""
    frame = model.model_frame()
    if len(frame) < 2:
        return 0
    d = float(frame["dgini"].iloc[-1])
    return (d > 0) - (d < 0)


def regime_panel(model: VizModel) -> solara.Element:
    """Regime indicator: simulated sign so far, analytic prediction, running parameters."""
    prediction = solara.use_memo(lambda: analytic_prediction(model.params), dependencies=[model])
    regime, sentence = simulated_regime(model)
    # plain HTML, not solara.Markdown: Markdown loads KaTeX from the CDN, which is not
    # part of the offline assets and fails (a page error) without internet
    with solara.Column(classes=["abm-panel-regime"]) as column:
        solara.v.Html(tag="div", class_="text-h6",
                      children=["Regime: does AI raise or lower income inequality?"])
        if model.input_notice:
            solara.Error(model.input_notice, dense=True)
        direction = _direction(model)
        icon = {1: "mdi-arrow-up-bold", -1: "mdi-arrow-down-bold"}.get(direction, True)
        solara.Info(sentence, icon=icon, dense=True)
        if prediction.available:
            predicted = {"concentrating": 1, "equalizing": -1}.get(prediction.regime or "", 0)
            agree = "" if regime == "pre-AI" or direction == 0 else (
                " (this run moves the same way so far)" if predicted == direction
                else " (this run moves the other way so far)")
            solara.Info(prediction.text + agree, dense=True)
        else:
            solara.Warning(prediction.text, dense=True)
        solara.v.Html(tag="div", class_="body-2", children=[
            solara.v.Html(tag="b", children=["Running: "]),
            f"{run_description(model)}. Slider changes take effect on ",
            solara.v.Html(tag="b", children=["Reset"]), "."])
    return column


# (component, page) pairs for SolaraViz
PANELS: list[tuple[Callable[[VizModel], solara.Element], int]] = [
    (regime_panel, 0),
    (gini_panel, 0),
    (cv_panel, 0),
    (lorenz_panel, 0),
    (education_panel, 1),
    (firm_panel, 1),
    (network_panel, 1),
]

# image class of every figure panel, per page (used by the tests)
FIGURE_CLASSES = {0: ["abm-panel-gini", "abm-panel-cv", "abm-panel-lorenz"],
                  1: ["abm-panel-education", "abm-panel-firms", "abm-panel-network"]}
