"""report.md of `abm sensitivity`: settings, ranges, Morris, Sobol, the simulated check.

Every number in the report is read from the CSV files written beside it, so the report
and the tables cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.sensitivity.ranges import Range, table as ranges_table


def _fmt(x: Any, digits: int = 3) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if v != v:
        return "–"
    return f"{v:.{digits}f}"


def frame_markdown(frame: pd.DataFrame) -> str:
    """A plain markdown table of a frame (floats to 3 significant digits)."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "–" if v != v else f"{v:.3g}"
        return str(v)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def sobol_markdown(sobol: pd.DataFrame) -> str:
    """Per output, parameters by ST: S1 ± and ST ± (95% bootstrap half-widths)."""
    parts = []
    for out, t in sobol.groupby("output", sort=False):
        t = t.sort_values("ST", ascending=False)
        lines = [f"**{out}** (sum of S1 = {_fmt(t['S1'].sum())}; 1 − ΣS1 is the share of "
                 "variance in interactions)", "",
                 "| parameter | S1 | ST | ST − S1 |", "|---|---|---|---|"]
        for _, r in t.iterrows():
            lines.append(f"| `{r['parameter']}` | {_fmt(r['S1'])} ± {_fmt(r['S1_conf'])} | "
                         f"{_fmt(r['ST'])} ± {_fmt(r['ST_conf'])} | "
                         f"{_fmt(r['ST'] - r['S1'])} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def morris_markdown(morris: pd.DataFrame) -> str:
    """Per output, parameters by μ*: μ* ± its interval, σ, μ."""
    parts = []
    for out, t in morris.groupby("output", sort=False):
        t = t.sort_values("mu_star", ascending=False)
        digits = 4 if out == "dgini" else 3
        lines = [f"**{out}**", "", "| parameter | μ* | σ | μ |", "|---|---|---|---|"]
        for _, r in t.iterrows():
            lines.append(f"| `{r['parameter']}` | {_fmt(r['mu_star'], digits)} ± "
                         f"{_fmt(r['mu_star_conf'], digits)} | {_fmt(r['sigma'], digits)} | "
                         f"{_fmt(r['mu'], digits)} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def simulated_markdown(check: pd.DataFrame, names: Sequence[str]) -> str:
    """The simulated check: each point's values, mean field, simulated mean ± SE, agreement."""
    head = "| point | " + " | ".join(f"`{n}`" for n in names) + \
        " | mean field ΔGini | simulated ΔGini ± SE | decisive | signs agree |"
    lines = [head, "|" + "---|" * (len(names) + 5)]
    for _, r in check.iterrows():
        vals = " | ".join(f"{float(r[n]):.3g}" for n in names)
        lines.append(f"| {int(r['point'])} | {vals} | {float(r['dgini']):+.4f} | "
                     f"{float(r['sim_dgini']):+.4f} ± {float(r['sim_se']):.4f} | "
                     f"{'yes' if r['decisive'] else 'no'} | "
                     f"{'yes' if r['sign_agree'] else '**no**'} |")
    return "\n".join(lines)


def markdown(*, settings: Mapping[str, Any], ranges: Sequence[Range], morris: pd.DataFrame,
             sobol: pd.DataFrame, share_concentrating: float,
             check: pd.DataFrame | None, agreement: str, timings: Mapping[str, float],
             extra: Sequence[str] = ()) -> str:
    """The whole report (`extra`: further sections, e.g. PRIM boxes, already written)."""
    lines = ["# Global sensitivity of AI's effect on income inequality", "",
             "Settings: " + ", ".join(f"{k} = {v}" for k, v in settings.items()) + ".", "",
             "Run time by stage (seconds; a stage reused from an earlier run shows the time "
             "it took then): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()) + ".",
             "", "## Ranges", "",
             "Uniform over each range, others at the base economy's values.", "",
             ranges_table(ranges), "",
             "## Morris screening", "",
             "μ*: mean absolute elementary effect over a full range, with its 95% bootstrap "
             "half-width; σ: their sd (interactions, non-linearity); μ: their mean (sign).",
             "", morris_markdown(morris), "",
             "## Sobol indices", "",
             "S1 (first order) and ST (total), ± the half-width of the 95% bootstrap interval. "
             f"Share of the design in the concentrating regime: {share_concentrating:.3f}. "
             "The regime indicator is a step function: its indices apportion the Bernoulli "
             "variance p(1 − p), so they say which parameters move points across the "
             "boundary dGini = 0, and its interactions (ST − S1) are large by nature.", "",
             sobol_markdown(sobol), ""]
    if check is not None and len(check):
        names = [c for c in check.columns if c not in _CHECK_COLUMNS]
        lines += ["## Mean field against the simulation", "",
                  "Paired runs (AI and no-AI from one burn-in, same seed) at the first "
                  "points of the Sobol design; simulated ΔGini is the final-period income "
                  "Gini with AI minus without; decisive = the simulated mean differs from 0 "
                  "by a two-sided t test at 5%.", "",
                  f"Agreement: {agreement}.", "", simulated_markdown(check, names), ""]
    lines += list(extra)
    return "\n".join(lines).rstrip() + "\n"


_CHECK_COLUMNS = {"point", "dgini", "sim_dgini", "sim_se", "n_seeds", "sim_z", "t_critical",
                  "decisive", "agree", "gap", "sign_agree"}
