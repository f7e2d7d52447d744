"""H1-H4 on small seeded economies, on both sides of each hypothesis's condition.

`holds` means: the predicted sign, more than two seed-clustered standard errors from
zero (four seeds). The small economies (3,000 workers, 12 years) give standard errors
two to three times those of `abm empirics`. Measured margins at these seeds: the
closest rows that must hold are H4 under proprietary AI (t = 3.3) and the H3 slope with
20 tasks (t = −3.4), 1.3-1.4 se beyond the rule; H2's social premium at σ = 2 has
t = 4.6, every other holding row |t| > 20 except H1's realised gradient (t = 2.9, not
asserted). Rows asserted not to hold have |t| ≤ 1.3 or the opposite sign (|t| > 7).
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from analysis.empirics import hypotheses, simulated

SMALL = dict(n_workers=3000, n_firms=30, n_tasks=10, n_periods=12, burn_in=5)
SEEDS = [1, 2, 3, 4]


@functools.cache
def _table(h: str, n_tasks: int = 10) -> pd.DataFrame:
    cells = list({c.name: c for hh, _c, c, _s in hypotheses.HYPOTHESIS_CELLS if hh == h}
                 .values())
    res = simulated.run_cells(cells, SEEDS, base={**SMALL, "n_tasks": n_tasks},
                              occupations=False)
    full = simulated.Results(cells=cells, by_cell=res.by_cell)
    rows = [r for r in hypotheses.HYPOTHESIS_CELLS if r[0] == h]
    saved = hypotheses.HYPOTHESIS_CELLS
    try:
        hypotheses.HYPOTHESIS_CELLS = tuple(rows)
        return hypotheses.table(full).set_index(["paper_condition", "statistic", "cell"])
    finally:
        hypotheses.HYPOTHESIS_CELLS = saved


def _row(t: pd.DataFrame, side: bool, statistic: str, cell: str | None = None) -> pd.Series:
    rows = t.xs((side, statistic), level=("paper_condition", "statistic"))
    return rows.loc[cell] if cell is not None else rows.iloc[0]


def test_h1_holds_with_an_additive_floor():
    t = _table("H1")
    assert _row(t, True, "d_within_task_cv_exposed")["holds"]
    assert _row(t, True, "gain_q1_minus_q5_equal_access")["holds"]


def test_h1_fails_when_ai_amplifies_skill():
    t = _table("H1")
    cv = _row(t, False, "d_within_task_cv_exposed")
    gap = _row(t, False, "gain_q1_minus_q5_equal_access")
    assert not cv["holds"] and cv["estimate"] > 2 * cv["se"]        # dispersion rises
    assert not gap["holds"] and gap["estimate"] < -2 * gap["se"]    # the able gain most


def test_h2_holds_with_substitutes_and_social_rise_vanishes_below_one():
    t = _table("H2")
    assert _row(t, True, "d_education_premium_codifiable")["holds"]
    assert _row(t, True, "d_education_premium_social")["holds"]
    social = _row(t, False, "d_education_premium_social", "sigma=0.5")
    assert not social["holds"]
    # documented behaviour (docs/MODEL.md §5): the codifiable premium falls for σ < 1 too
    assert _row(t, False, "d_education_premium_codifiable", "sigma=0.5")["holds"]


def test_h3_holds_when_the_sample_is_taken_with_ai_and_fails_with_direct_assessment():
    t = _table("H3")
    assert _row(t, True, "d_requirement_exposed_minus_unexposed")["holds"]
    direct = _row(t, False, "d_requirement_exposed_minus_unexposed")
    assert not direct["holds"] and direct["estimate"] < 0


def test_h3_requirements_rise_most_where_compression_is_largest():
    t = _table("H3", n_tasks=20)          # 10 exposed tasks per seed for the cross-task slope
    slope = _row(t, True, "slope_d_requirement_on_d_cv")
    assert slope["holds"]
    assert not _row(t, False, "slope_d_requirement_on_d_cv")["holds"]


def test_h4_holds_under_proprietary_ai_and_reverses_under_commodity_ai():
    t = _table("H4")
    assert _row(t, True, "d_between_firm_wage_share")["holds"]
    commodity = _row(t, False, "d_between_firm_wage_share", "commodity xi=0.5 sigma=2")
    assert not commodity["holds"] and commodity["estimate"] < -2 * commodity["se"]


@pytest.mark.parametrize("statistic", ["d_within_task_cv_exposed"])
def test_standard_errors_are_seed_clustered(statistic):
    # four seeds, one paired difference each: the clustered se is sd/√4
    res = simulated.run_cells([simulated.Cell("baseline")], SEEDS, base=SMALL,
                              occupations=False)
    d = [r["frame"]["within_task_cv_exposed_ai"] - r["frame"]["within_task_cv_exposed_noai"]
         for r in res.by_cell["baseline"]]
    est, se = hypotheses.clustered_mean(pd.Series(d).to_numpy(), pd.Series(SEEDS).to_numpy())
    assert est == pytest.approx(pd.Series(d).mean())
    assert se == pytest.approx(pd.Series(d).std(ddof=1) / 2)
