"""Headless tests of the browser app with ``solara.render`` (no browser, no server).

They check the Python side quickly: every control exists, Step advances the model,
Reset builds a new model from changed controls, each session owns its model, and a
step at the default size renders fast.
"""

from __future__ import annotations

import statistics
import sys
import time
import types
from collections.abc import Iterator
from typing import Any

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from abm.viz import panels
from abm.viz.app import AppView, Page
from abm.viz.controls import DEFAULT_FIRMS, DEFAULT_WORKERS, control_names, model_params
from abm.viz.model import VizModel

# one step plus a redraw of the open tab, at the default size (seconds, median)
STEP_RENDER_BUDGET_S = 1.0


class Rendered:
    """A rendered app: the render context, and the reactive holding the session's model."""

    def __init__(self, rc: Any, model: solara.Reactive[VizModel]) -> None:
        self.rc = rc
        self.model = model

    def button(self, label: str) -> Any:
        found = self.rc.find(v.Btn, children=[label])
        found.assert_single()
        return found.widget

    def assert_counter(self, n: int) -> None:
        """The sidebar's step counter shows exactly `n` (and there is one counter)."""
        self.rc.find(children=[f"Step: {n}"]).assert_single()

    def has_text(self, text: str) -> bool:
        return bool(self.rc.find(children=[text]).widgets)

    def images(self, name: str) -> list[Any]:
        """Image widgets of one panel, found by the CSS class the browser tests use."""
        return [w for w in self.rc.find(ipywidgets.Image).widgets
                if f"abm-panel-{name}" in w._dom_classes]


@pytest.fixture
def rendered() -> Iterator[Rendered]:
    """The app around a reactive model, inside the AppLayout that `solara run` adds."""
    spec = model_params()
    model = solara.reactive(VizModel(**{k: (s["value"] if isinstance(s, dict) else s)
                                        for k, s in spec.items()}))

    @solara.component
    def Wrapped() -> None:
        with solara.AppLayout():
            AppView(model, spec)

    _box, rc = solara.render(Wrapped(), handle_error=False)
    try:
        yield Rendered(rc, model)
    finally:
        rc.close()


def test_every_control_and_button_exists(rendered: Rendered) -> None:
    """The sidebar offers each regime/mechanism parameter plus Reset, Play and Step."""
    specs = model_params()
    for name in control_names():
        spec = specs[name]
        widget_class = {"SliderFloat": v.Slider, "SliderInt": v.Slider, "Select": v.Select,
                        "InputText": v.TextField}[spec["type"]]
        rendered.rc.find(widget_class, label=spec["label"]).assert_single()
    expected = {"xi", "eta0", "eta1", "psi", "asset_gini", "sigma", "rho", "ai_growth",
                "signal_noise", "retooling_rate", "n_workers", "n_firms", "seed", "augmentation"}
    assert expected <= set(control_names())
    for label in ("Reset", "▶", "Step"):
        rendered.button(label)


def test_default_size_is_small(rendered: Rendered) -> None:
    """The first economy a session sees is the small, fast one."""
    p = rendered.model.value.params
    assert (p.n_workers, p.n_firms) == (DEFAULT_WORKERS, DEFAULT_FIRMS)
    assert rendered.model.value.steps == 0


def test_step_advances_model_and_redraws(rendered: Rendered) -> None:
    """Three clicks on Step: three model years, the counter and every figure follow."""
    model = rendered.model.value
    gini_before = rendered.images("gini")[0].value
    rendered.assert_counter(0)
    for _ in range(3):
        rendered.button("Step").click()
    assert model.steps == 3 and model.economy.period == 3
    rendered.assert_counter(3)
    gini_after = rendered.images("gini")[0].value
    assert gini_after != gini_before
    assert rendered.has_text("Regime: does AI raise or lower income inequality?")
    assert len(model.model_frame()) == 4


def test_reset_applies_changed_controls(rendered: Rendered) -> None:
    """Sliders only act on Reset, which then builds a new model from them at step 0."""
    old = rendered.model.value
    rendered.button("Step").click()
    rendered.rc.find(v.Slider, label=model_params()["xi"]["label"]).widget.v_model = 0.7
    rendered.rc.find(v.Slider, label=model_params()["n_workers"]["label"]).widget.v_model = 3000
    seed = rendered.rc.find(v.TextField, label=model_params()["seed"]["label"]).widget
    seed.v_model = "42"
    seed.fire_event("keyup.enter", None)  # the text field reports on Enter or focus-out
    assert rendered.model.value is old and old.params.xi == pytest.approx(0.1)

    rendered.button("Reset").click()
    new = rendered.model.value
    assert new is not old
    assert new.steps == 0
    assert new.params.xi == pytest.approx(0.7)
    assert new.params.n_workers == 3000
    assert new.seed == 42
    rendered.assert_counter(0)
    rendered.button("Step").click()
    assert new.steps == 1 and old.steps == 1


def test_mistyped_seed_is_reported_not_fatal(rendered: Rendered) -> None:
    """A seed that is not an integer: Reset still works and the page says what happened."""
    seed = rendered.rc.find(v.TextField, label=model_params()["seed"]["label"]).widget
    seed.v_model = "4x"
    seed.fire_event("keyup.enter", None)
    rendered.button("Reset").click()
    assert rendered.model.value.input_notice
    assert rendered.has_text(rendered.model.value.input_notice)
    rendered.assert_counter(0)
    rendered.button("Step").click()
    rendered.assert_counter(1)


def test_each_session_builds_its_own_model() -> None:
    """Two renders of `Page` (two sessions) hold different models: stepping one
    leaves the other at step 0."""

    @solara.component
    def Session() -> None:
        with solara.AppLayout():
            Page()

    _box1, rc1 = solara.render(Session(), handle_error=False)
    _box2, rc2 = solara.render(Session(), handle_error=False)
    try:
        for _ in range(2):
            rc1.find(v.Btn, children=["Step"]).widget.click()
        rc1.find(children=["Step: 2"]).assert_single()
        rc2.find(children=["Step: 0"]).assert_single()
    finally:
        rc1.close()
        rc2.close()


def test_step_and_render_are_fast_at_default_size(rendered: Rendered) -> None:
    """A step plus the redraw of the open tab stays well under a second."""
    step = rendered.button("Step")
    step.click()  # first draw of the backgrounds
    times = []
    for _ in range(5):
        start = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < STEP_RENDER_BUDGET_S, times


@pytest.fixture
def no_regimes_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``analysis.regimes`` unimportable, as before it exists."""
    import analysis

    monkeypatch.setitem(sys.modules, "analysis.regimes", None)
    monkeypatch.delattr(analysis, "regimes", raising=False)


def test_regime_panel_marks_prediction_pending(rendered: Rendered, no_regimes_module: None) -> None:
    """Without the analytic module the panel says so instead of failing."""
    rendered.button("Reset").click()  # new model: the prediction is looked up again
    assert rendered.has_text(panels.PENDING)


def test_regime_panel_shows_prediction_and_agreement(rendered: Rendered,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With a predictor present, the panel prints its ΔGini and compares regimes."""
    fake = types.ModuleType("analysis.regimes")
    seen: list[Any] = []

    def predict(params: Any) -> Any:
        seen.append(params)
        return types.SimpleNamespace(dgini=-0.0123, regime="equalizing")

    fake.predict = predict  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "analysis.regimes", fake)
    import analysis

    monkeypatch.setattr(analysis, "regimes", fake, raising=False)
    rendered.button("Reset").click()
    assert seen and seen[-1] is rendered.model.value.params
    text = "analytic prediction: ΔGini -0.012 → equalizing"
    assert rendered.has_text(text)
    rendered.button("Step").click()
    dgini = rendered.model.value.model_frame()["dgini"].iloc[-1]
    verdict = ("this run moves the same way so far" if dgini < 0
               else "this run moves the other way so far")
    assert rendered.has_text(f"{text} ({verdict})")


def test_a_closed_session_releases_its_model() -> None:
    """The server frees a closed tab's model: after the cull timeout, nothing holds it."""
    import gc
    import weakref

    from solara.server import settings

    from abm.viz import app
    from abm.viz.model import VizModel

    # solara's default keeps a closed tab's session for 24 h (about 2 MiB each)
    assert solara.util.parse_timedelta(settings.kernel.cull_timeout) <= 60
    made: list[weakref.ref] = []
    original = VizModel.__init__

    def tracked(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(weakref.ref(self))

    VizModel.__init__ = tracked  # type: ignore[method-assign]
    try:
        for _ in range(2):
            _box, rc = solara.render(app.Page(), handle_error=False)
            rc.close()
    finally:
        VizModel.__init__ = original  # type: ignore[method-assign]
    gc.collect()
    assert len(made) == 2
    assert [r() for r in made] == [None, None]
