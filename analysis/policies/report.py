"""report.md of a policy run: the command, the base economy, each lever, the results table."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analysis.policies.levers import LEVERS
from analysis.policies.run import BASE

COLUMNS = (
    ("dgini_ai", "AI's ΔGini", 1.0),
    ("dgini_ai_vs_base", "Δ(AI's ΔGini)", 1.0),
    ("d_gini_income", "ΔGini vs base", 1.0),
    ("pct_mean_income", "Δ mean income (%)", 1.0),
    ("d_labor_share", "Δ labour share (pp)", 100.0),
    ("d_income_share_bottom50", "Δ bottom 50% (pp)", 100.0),
    ("d_income_share_top10", "Δ top 10% (pp)", 100.0),
    ("d_unemployment", "Δ unemployment (pp)", 100.0),
    ("d_atkinson_1", "Δ Atkinson ε=1", 1.0),
    ("pct_ede_income_1", "Δ welfare EDE ε=1 (%)", 1.0),
    ("pct_ede_income_2", "Δ welfare EDE ε=2 (%)", 1.0),
)
"""(statistic, column header, scale) of the main table."""

MECHANISMS = (
    ("d_mean_education", "Δ mean education (levels)", 1.0),
    ("d_diagnostic_variance", "Δ diagnostic variance V_D", 1.0),
    ("d_codifiable_employment_share", "Δ codifiable share (pp)", 100.0),
    ("d_tax_revenue_share", "Δ AI-rent tax revenue (% of output)", 100.0),
    ("d_edu_subsidy_share", "Δ education subsidies (% of output)", 100.0),
    ("d_atkinson_2", "Δ Atkinson ε=2", 1.0),
)
"""(statistic, header, scale) of the table of the channels the levers work through."""

LEVELS = ("gini_income", "mean_income", "labor_share", "income_share_bottom50",
          "income_share_top10", "unemployment", "atkinson_1", "atkinson_2", "ede_income_1",
          "ede_income_2")


def cell(mean: float, se: float, scale: float = 1.0) -> str:
    """'mean ± se' with 4 significant digits of the mean's scale."""
    if math.isnan(mean):
        return "n/a"
    m, s = mean * scale, se * scale
    digits = 4 if abs(m) < 1 else 3
    return f"{m:+.{digits}f} ± {s:.{digits}f}" if not math.isnan(s) else f"{m:+.{digits}f}"


def results_table(table: pd.DataFrame, columns: tuple = COLUMNS) -> str:
    """Markdown: one row per policy, mean ± seed SE of the paired statistics."""
    idx = table.set_index(["policy", "statistic"])
    lines = ["| policy | " + " | ".join(h for _, h, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for policy in dict.fromkeys(table["policy"]):
        cells = []
        for stat, _, scale in columns:
            if (policy, stat) in idx.index:
                row = idx.loc[(policy, stat)]
                cells.append(cell(float(row["mean"]), float(row["se"]), scale))
            else:
                cells.append("—")
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def levels_table(table: pd.DataFrame) -> str:
    """Markdown: the base economy's levels at T (mean ± SE over seeds)."""
    base = table[table["policy"] == BASE].set_index("statistic")
    lines = ["| statistic | base, mean ± SE |", "|---|---|"]
    for stat in LEVELS:
        if stat in base.index:
            value = cell(float(base.loc[stat, "mean"]), float(base.loc[stat, "se"]))
            lines.append(f"| `{stat}` | {value} |")
    return "\n".join(lines)


def markdown(table: pd.DataFrame, *, base: Any, origin: str, levers: tuple[str, ...],
             seeds: int, command: str, seconds: float) -> str:
    """The whole report."""
    n = int(table["n_seeds"].min()) if len(table) else 0
    parts = [
        "# Policy levers against the unchanged economy", "",
        f"Command: `{command}`  ",
        f"Run time: {seconds:.0f} s (including any runs resumed from the store).  ",
        f"Base economy: {origin}; {base.n_workers} persons, T = {base.n_periods} years "
        f"after period 0, burn-in {base.burn_in}; {seeds} common seeds "
        f"(at least {n} with every statistic).", "",
        "Each lever is run on the same seeds as the base, with AI and without. "
        "`AI's ΔGini` is the Gini of income with AI minus without AI, both in the "
        "policy's own economy (for `base`, the base's); `Δ(AI's ΔGini)` is that minus the "
        "base's, seed by seed; every other `Δ` is the lever's AI economy minus the base's "
        "AI economy at T, seed by seed. Entries are mean ± seed standard error.", "",
        results_table(table), "",
        "![Policy comparison: mean paired differences with 95% intervals](policies.png)", "",
        "The channels: each lever's paired difference in the statistic its mechanism "
        "moves (docs/POLICIES.md); tax revenue and subsidies per year in percent of "
        "output.", "",
        results_table(table, MECHANISMS), "",
        "## The base economy at T", "", levels_table(table), "",
        "## The levers", "",
    ]
    for name in levers:
        lever = LEVERS[name]
        diff = lever.difference(base)
        change = ", ".join(f"`{k}` {a!r} → {b!r}" for k, (a, b) in diff.items()) or \
            "no change at this base"
        parts += [f"- **{name}** ({lever.title}): {change}. {lever.size}. "
                  f"Mechanism: {lever.mechanism}. Budget: {lever.budget}. "
                  f"Condition: {lever.condition}. Predicts: {lever.predicts}."]
    parts.append("")
    return "\n".join(parts)
