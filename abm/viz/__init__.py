"""Browser front end: a Mesa SolaraViz app for stepping through the economy.

- `abm.viz.app`: the Solara page (``abm viz`` or ``solara run abm/viz/app.py``)
- `abm.viz.panels`: one Mesa custom component per view
- `abm.viz.figures`: the matplotlib figures behind the panels (no Solara), gathered from
  `abm.viz.liveplot` (shared frame and redraw), `abm.viz.paths` (over the years),
  `abm.viz.distributions` (one year's cross-section) and `abm.viz.network`
- `abm.viz.controls`: which parameters the sidebar exposes
- `abm.viz.model`: the model a session runs (keeps the pre-AI Lorenz curve)
- `abm.viz.assets`: offline front-end assets (vega aliases for solara-assets)
- `abm.viz.cli`: ``abm viz``

Importing this package does not import Solara or Mesa's visualization, so the rest of
the project never pays for them.
"""
