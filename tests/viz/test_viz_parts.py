"""Unit tests of the app's parts: controls, seeds, figures, network sample, assets, CLI."""

from __future__ import annotations

import io
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from PIL import Image

from abm.params import ParameterError, Params
from abm.viz import assets, cli, figures
from abm.viz.controls import control_names, initial_values, model_params
from abm.viz.model import VizModel, as_seed
from abm.viz.panels import analytic_prediction, run_description, simulated_regime


@pytest.fixture(scope="module")
def stepped() -> VizModel:
    """A small economy four years after AI arrived."""
    model = VizModel(seed=5, n_workers=1000, n_firms=30)
    for _ in range(4):
        model.step()
    return model


# -- controls ---------------------------------------------------------------------------
def test_every_slider_value_is_a_valid_parameter() -> None:
    """Both ends and the start of every control pass `Params` validation (ρ never 0)."""
    for name, spec in model_params().items():
        if not isinstance(spec, dict) or name == "seed":
            continue
        if spec["type"] == "Select":
            values = spec["values"]
        else:
            grid = np.arange(spec["min"], spec["max"] + spec["step"] / 2, spec["step"])
            values = [round(float(x), 10) for x in grid]
            assert spec["min"] <= spec["value"] <= spec["max"], name
        for value in values:
            cast = int(value) if spec["type"] == "SliderInt" else value
            Params(**{name: cast, "n_workers": 20_000})  # raises if out of range
    assert all(abs(x) > 1e-9 for x in np.arange(-1.9, 0.95, 0.2)), "ρ slider must skip 0"


def test_start_values_build_the_default_app_economy() -> None:
    """The sidebar's start values are the baseline parameters at the small app size."""
    values = initial_values(model_params())
    assert values["agents"] is False
    model = VizModel(**values)
    base = Params()
    for name in ("xi", "eta0", "eta1", "psi", "asset_gini", "sigma", "rho", "ai_growth",
                 "signal_noise", "retooling_rate", "augmentation"):
        assert getattr(model.params, name) == getattr(base, name), name
    assert model.seed == 1
    assert "seed" in control_names()
    with pytest.raises(ValueError, match="no sidebar control"):
        model_params(n_tasks=5)


# -- seeds ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "seed"), [(7, 7), ("7", 7), (" 12 ", 12), ("+3", 3),
                                            ("", None), (None, None)])
def test_seed_text_is_read_as_an_integer(text: object, seed: int | None) -> None:
    """The browser's text field sends strings; "43" must mean the integer 43."""
    assert as_seed(text) == seed


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", 1.5, True, -4])
def test_bad_seed_is_rejected_with_its_name(bad: object) -> None:
    with pytest.raises(ParameterError, match="seed"):
        as_seed(bad)


def test_mistyped_seed_draws_a_new_one_and_says_so() -> None:
    """Reset must not crash the page on a typo; the notice names the bad input."""
    model = VizModel(seed="12a", n_workers=500, n_firms=10)
    assert isinstance(model.seed, int)
    assert model.input_notice is not None and "seed='12a'" in model.input_notice
    assert VizModel(seed="12", n_workers=500, n_firms=10).input_notice is None


def test_seed_text_reproduces_the_integer_seed() -> None:
    """Same economy from seed "9" and seed 9; the pre-AI Lorenz curve is kept."""
    a = VizModel(seed="9", n_workers=500, n_firms=10)
    b = VizModel(seed=9, n_workers=500, n_firms=10)
    a.step()
    b.step()
    assert a.model_frame().equals(b.model_frame())
    fresh = VizModel(seed=9, n_workers=500, n_firms=10)
    assert fresh.lorenz_pre_ai.equals(fresh.lorenz())  # taken at period 0
    assert not np.allclose(a.lorenz_pre_ai["income_share"], a.lorenz()["income_share"])
    assert a.gini_pre_ai == pytest.approx(float(a.model_frame()["gini_income"].iloc[0]))


# -- figures ----------------------------------------------------------------------------
def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("plot_class", [figures.GiniPlot, figures.LorenzPlot])
def test_fast_redraw_matches_a_full_draw(plot_class: type[figures.LivePlot]) -> None:
    """Restoring the background and drawing only the data gives the same picture as
    drawing a fresh figure at the same state and the same axis limits."""
    model = VizModel(seed=3, n_workers=800, n_firms=20)
    live = plot_class(model)
    first = live.render(model)
    for _ in range(3):
        model.step()
        live.render(model)
    fast = _pixels(live.render(model))
    fresh = plot_class(model)
    for mine, theirs in zip(live.fig.axes, fresh.fig.axes, strict=True):
        theirs.set_xlim(mine.get_xlim())
        theirs.set_ylim(mine.get_ylim())
    full = _pixels(fresh.render(model))
    assert fast.shape == full.shape
    assert np.abs(fast - full).max() <= 2  # antialiasing rounding at most
    assert np.abs(_pixels(first) - fast).max() > 50  # and the data did move


@pytest.mark.parametrize("plot_class", [figures.GiniPlot, figures.CvPlot, figures.LorenzPlot,
                                        figures.EducationPlot, figures.FirmPlot,
                                        figures.NetworkPlot])
def test_every_live_plot_renders_a_nonblank_png(plot_class: type[figures.LivePlot],
                                                stepped: VizModel) -> None:
    png = plot_class(stepped).render(stepped)
    pixels = _pixels(png)
    height, width = pixels.shape[:2]
    assert abs(height - figures.FIGSIZE[1] * figures.DPI) <= 1
    assert abs(width - figures.FIGSIZE[0] * figures.DPI) <= 1
    assert (pixels < 100).any() and (pixels > 200).any()  # ink on paper


def test_time_axes_grow_past_the_run_length() -> None:
    """Stepping beyond n_periods widens the time axis instead of drawing off-axis."""
    model = VizModel(seed=2, n_workers=500, n_firms=10, n_periods=5)
    plot = figures.GiniPlot(model)
    assert plot.time_axes[0].get_xlim() == (0.0, 5.0)
    for _ in range(6):
        model.step()
    plot.render(model)
    assert plot.time_axes[0].get_xlim() == (0.0, 10.0)


def test_lorenz_legend_prints_both_ginis(stepped: VizModel) -> None:
    plot = figures.LorenzPlot(stepped)
    plot.render(stepped)
    texts = [t.get_text() for t in plot.legend.get_texts()]
    assert f"Gini {stepped.gini_pre_ai:.3f}" in texts[1]
    assert texts[2] == f"now (year 4): Gini {float(stepped.metrics['gini_income']):.3f}"


# -- network ----------------------------------------------------------------------------
def test_network_sample_is_seeded_bipartite_and_stable(stepped: VizModel) -> None:
    """Same model state, same sample; firms stay the same from year to year; edges
    only join a firm to a person, and employment edges are true matches."""
    g1, g2 = figures.network_sample(stepped), figures.network_sample(stepped)
    assert nx.utils.graphs_equal(g1, g2)
    firms = {n for n in g1 if n[0] == "firm"}
    assert 0 < len(firms) <= figures.NET_FIRMS
    employer = stepped.economy.workers.employer
    for u, w, data in g1.edges(data=True):
        firm, person = (u, w) if u[0] == "firm" else (w, u)
        assert firm[0] == "firm" and person[0] == "person"
        if data["kind"] == "employs":
            assert employer[person[1]] == firm[1]
    other = VizModel(seed=5, n_workers=1000, n_firms=30)
    assert {n for n in figures.network_sample(other) if n[0] == "firm"} == firms


def test_network_colour_choice_is_checked(stepped: VizModel) -> None:
    for colour in ("wage", "ability"):
        assert len(figures.to_png(figures.network_figure(stepped, colour))) > 10_000
    with pytest.raises(ValueError, match="colour_by"):
        figures.network_figure(stepped, "education")


# -- regime text ------------------------------------------------------------------------
def test_regime_texts(stepped: VizModel) -> None:
    regime, sentence = simulated_regime(stepped)
    # one seed: the project's t-test rule names no regime (no standard error)
    assert regime == "not distinguishable from 0"
    assert "year 4, one seed" in sentence and regime in sentence
    assert "at equal AI access (counterfactual)" in sentence and "realised" in sentence
    fresh = VizModel(seed=1, n_workers=500, n_firms=10)
    assert simulated_regime(fresh)[0] == "pre-AI"
    assert "ξ = 0.10" in run_description(fresh) and "seed 1" in run_description(fresh)


def test_broken_prediction_is_shown_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis

    class Broken:
        @staticmethod
        def predict(params: object) -> object:
            raise RuntimeError("no closed form")

    monkeypatch.setattr(analysis, "regimes", Broken, raising=False)
    result = analytic_prediction(Params())
    assert not result.available
    assert "RuntimeError: no closed form" in result.text


def test_an_economy_the_mean_field_does_not_cover_is_not_available_not_failed() -> None:
    result = analytic_prediction(Params(asset_burn_in=5))
    assert not result.available
    assert result.text.startswith("analytic prediction: not available (asset_burn_in")


# -- offline assets ---------------------------------------------------------------------
def _fake_cdn(root: Path) -> Path:
    for name in ("vega@5.21.0", "vega@5.9.1", "vega-lite@5.2.0", "vega-embed@6.20.2",
                 "vega-lite@4.17.0", assets.VUETIFY_APP):
        (root / name).mkdir(parents=True)
    return root


def test_vega_links_created_idempotently(tmp_path: Path) -> None:
    cdn = _fake_cdn(tmp_path / "cdn")
    first = assets.ensure_vega_links(cdn)
    assert first.ok and len(first.created) == 3
    assert os.readlink(cdn / "vega@5") == "vega@5.21.0"  # newest 5.x, relative
    assert os.readlink(cdn / "vega-lite@5") == "vega-lite@5.2.0"
    assert os.readlink(cdn / "vega-embed@6") == "vega-embed@6.20.2"
    again = assets.ensure_vega_links(cdn)
    assert again.ok and again.created == [] and len(again.present) == 3


def test_stale_link_is_repointed_and_gaps_reported(tmp_path: Path) -> None:
    cdn = _fake_cdn(tmp_path / "cdn")
    (cdn / "vega@5").symlink_to("vega@5.9.1")
    report = assets.ensure_vega_links(cdn)
    assert os.readlink(cdn / "vega@5") == "vega@5.21.0"
    assert report.ok
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = assets.ensure_vega_links(empty)
    assert not missing.ok and any("solara-assets" in p for p in missing.problems)
    assert "incomplete" in assets.describe(missing)


def test_installed_assets_serve_the_page_offline() -> None:
    """This environment's Solara CDN folder has the front end and the vega aliases."""
    report = assets.ensure_vega_links()
    assert report.ok, report.problems
    for alias in assets.VEGA_ALIASES:
        assert (report.cdn_dir / alias / "build").is_dir()


# -- command line -----------------------------------------------------------------------
def test_cli_binds_localhost_unless_told_otherwise() -> None:
    args = cli.parser().parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", cli.DEFAULT_PORT)
    run = cli.solara_args(args.host, 9000, open_browser=False)
    assert run[:2] == ["run", "abm.viz.app"]
    assert run[run.index("--host") + 1] == "127.0.0.1" and "--no-open" in run
    assert "--production" in run and "--no-check-version" in run
    assert cli.parser().parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"
    assert cli.is_loopback("127.0.0.1") and cli.is_loopback("::1")
    assert not cli.is_loopback("0.0.0.0") and not cli.is_loopback("example.org")


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--port", "x"], ["--bogus"]])
def test_cli_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("abm viz: error:") and err.count("\n") == 1


def test_gini_axis_fits_the_data_and_cv_panel_shows_both_cvs() -> None:
    """A fixed 0-1 Gini axis hid the change; the CV panel names both dispersions."""
    model = VizModel(seed=3, n_workers=800, n_firms=20)
    gini = figures.GiniPlot(model)
    lo, hi = gini.ax.get_ylim()
    values = model.model_frame()[["gini_income", "gini_wage", "gini_capital_income",
                                  "gini_assets"]].to_numpy()
    assert lo <= values.min() and values.max() <= hi and (lo, hi) != (0.0, 1.0)
    cv = figures.CvPlot(model)
    labels = [t.get_text() for t in cv.fig.axes[-1].get_legend().get_texts()]
    assert "AI-exposed tasks, at equal AI access (counterfactual)" in labels
    assert "AI-exposed tasks, realised (own employer's AI)" in labels
