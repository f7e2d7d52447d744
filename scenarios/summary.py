"""The summary of a scenario run: per variant, means over seeds with standard errors.

Every variant runs on the same seeds (common random numbers), and each statistic is
reported for the pre-AI period 0 and the final period T. The effect of AI on the income
Gini is measured against the counterfactual: when the scenario has a `no_ai` variant,
ΔGini is a variant's final Gini minus the no-AI run's on the same seed (paired, so the
economy's own year-to-year movement cancels); otherwise it is the change since period 0.
It gets a standard error over seeds and a regime label by the rule of `abm.uncertainty`
(a t test with n − 1 degrees of freedom; no label from one seed).

Two within-task dispersions are shown side by side, because they answer different
questions:
- "CV at equal AI access" (`within_task_cv_exposed`): the CV of output among workers
  of an AI-exposed task, each evaluated with the same AI access: a counterfactual, no
  worker need have that access. This is the homogenization of individual performance
  (Proposition 1) and falls under any AI.
- "realised CV" (`within_task_cv_exposed_realised`): the CV of the output workers actually
  produce, with their own employer's AI access. Under proprietary AI access differs
  across firms, and the realised CV can rise while the equal-access CV falls.
"""

from __future__ import annotations

import pandas as pd

from abm.uncertainty import Estimate, regime, t_critical

# (summary name, model column, heading)
STATISTICS = (
    ("gini_income", "gini_income", "income Gini"),
    ("cv_equal_access", "within_task_cv_exposed",
     "CV at equal AI access (counterfactual)"),
    ("cv_realised", "within_task_cv_exposed_realised", "realised CV"),
    ("labor_share", "labor_share", "labour share"),
)
COUNTERFACTUAL = "no_ai"
EXPLAIN_CV = ("within-task CV of output on AI-exposed tasks: at equal AI access (a "
              "counterfactual, every\nworker with the same AI: the homogenization of "
              "Proposition 1) and realised across firms\n(with each employer's own AI "
              "access, column within_task_cv_exposed_realised)")


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per variant: period-0 and final values (means over seeds), ΔGini ± SE, regime.

    Args:
        df: the runner's tidy table (variant, seed, period and the model columns).

    Returns:
        Index `variant`; columns `<stat>_0`, `<stat>_T` for each of `STATISTICS`,
        `dgini`, `dgini_se`, `n_seeds`, `regime`; `attrs["periods"]` is T.
    """
    last = int(df["period"].max())
    rows = []
    counterfactual = None
    if COUNTERFACTUAL in set(df["variant"]):
        base = df[(df["variant"] == COUNTERFACTUAL) & (df["period"] == last)]
        counterfactual = base.set_index("seed")["gini_income"]
    for variant, g in df.groupby("variant", sort=False):
        first = g[g["period"] == 0].set_index("seed")
        final = g[g["period"] == last].set_index("seed")
        row: dict = {"variant": variant}
        for name, column, _ in STATISTICS:
            row[f"{name}_0"] = float(first[column].mean())
            row[f"{name}_T"] = float(final[column].mean())
        paired = counterfactual is not None and variant != COUNTERFACTUAL
        reference = (counterfactual.loc[final.index] if paired
                     else first.loc[final.index, "gini_income"])
        row["dgini_against"] = "no-AI run" if paired else "period 0"
        change = Estimate.of(final["gini_income"] - reference)
        row.update(dgini=change.mean, dgini_se=change.se, n_seeds=change.n,
                   regime=regime(change, ai=bool(g["ai_capability"].max() > 0)))
        rows.append(row)
    out = pd.DataFrame(rows).set_index("variant")
    out.attrs["periods"] = last
    return out


def _pair(a: float, b: float) -> str:
    return f"{a:.3f} → {b:.3f}"


def format_table(summary: pd.DataFrame) -> str:
    """The summary as a plain-text table under 100 characters wide, with the regime rule."""
    last = summary.attrs.get("periods", "T")
    n = int(summary["n_seeds"].max())
    width = max(14, max(len(str(v)) for v in summary.index)) + 2
    head1 = (f"{'':<{width}}{'income Gini':<16}{'ΔGini ± SE':<18}"
             f"{'within-task CV, exposed':<32}{'labour share':<14}")
    head2 = (f"{'variant':<{width}}{f'0 → {last}':<16}{'':<18}"
             f"{'equal access':<16}{'realised':<16}{f'0 → {last}':<14}")
    lines = [head1.rstrip(), head2.rstrip()]
    for variant, r in summary.iterrows():
        est = Estimate(r["dgini"], r["dgini_se"], int(r["n_seeds"]))
        lines.append(f"{variant:<{width}}{_pair(r['gini_income_0'], r['gini_income_T']):<16}"
                     f"{est.format(4):<18}"
                     f"{_pair(r['cv_equal_access_0'], r['cv_equal_access_T']):<16}"
                     f"{_pair(r['cv_realised_0'], r['cv_realised_T']):<16}"
                     f"{_pair(r['labor_share_0'], r['labor_share_T']):<14}".rstrip())
    if n >= 2:
        rule = (f"regime: mean ΔGini against 0, two-sided t test at 5% with {n} seeds "
                f"(|mean| > {t_critical(n):.2f} SE):")
    else:
        rule = ("regime: one seed has no standard error, so no regime is named "
                "(use --seeds N, N ≥ 2):")
    lines += ["", rule]
    lines += [f"  {variant:<{width}}{r['regime']}" for variant, r in summary.iterrows()]
    if "dgini_against" in summary and (summary["dgini_against"] == "no-AI run").any():
        lines += ["", "ΔGini: final income Gini minus the no-AI run's on the same seeds "
                      "(the counterfactual);", "for no_ai itself, its change since period 0"]
    lines += ["", EXPLAIN_CV]
    return "\n".join(lines)
