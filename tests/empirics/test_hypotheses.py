"""H1-H4 on small seeded economies, on both sides of each hypothesis's condition.

`holds` means: the predicted sign, more than two seed-clustered standard errors from
zero (four seeds; 48 and 20 tasks for H3). The small economies (3,000 workers, 12
years) give standard errors two to three times those of `abm empirics`. Measured
margins at these seeds: the closest rows that must hold are the H3 slope with tasks and
education fixed (t = −3.2) and H1's realised gradient (t = 9.0); every other holding
row has |t| > 5. H3 is tested where its derived condition holds (tasks and education
fixed) and, as a finding, shown not to hold at the defaults.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from analysis.empirics import hypotheses, simulated

SMALL = dict(n_workers=3000, n_firms=30, n_tasks=10, n_periods=12, burn_in=5)
SEEDS = [1, 2, 3, 4]


@functools.cache
def _results(h: str, n_tasks: int, seeds: tuple[int, ...], extra: tuple = ()
             ) -> simulated.Results:
    cells = list({c.name: c for hh, _c, c, _s in hypotheses.HYPOTHESIS_CELLS if hh == h}
                 .values())
    res = simulated.run_cells(cells, list(seeds),
                              base={**SMALL, "n_tasks": n_tasks, **dict(extra)},
                              occupations=False)
    return simulated.Results(cells=cells, by_cell=res.by_cell)


@functools.cache
def _table(h: str, n_tasks: int = 10, seeds: tuple[int, ...] = tuple(SEEDS),
           extra: tuple = ()) -> pd.DataFrame:
    """The hypothesis's rows; `extra` (pairs) changes the economy of every cell."""
    full = _results(h, n_tasks, seeds, extra)
    rows = [r for r in hypotheses.HYPOTHESIS_CELLS if r[0] == h]
    saved = hypotheses.HYPOTHESIS_CELLS
    try:
        hypotheses.HYPOTHESIS_CELLS = tuple(rows)
        return hypotheses.table(full).set_index(["paper_condition", "statistic", "cell"])
    finally:
        hypotheses.HYPOTHESIS_CELLS = saved


def _screening_channel(n_tasks: int, seeds: tuple[int, ...], extra: tuple = ()
                       ) -> tuple[float, float]:
    """H3's gap with the sample taken with AI minus with direct assessment, seed by seed.

    The two cells differ only in q (`skills_assessment`), so the paired difference is the
    screening channel with the education and occupation responses of both netted out
    (docs/MODEL.md §3.3.2); mean and seed-clustered se.
    """
    full = _results("H3", n_tasks, seeds, extra)
    gap = {}
    for _h, _c, cell, side in hypotheses.HYPOTHESIS_CELLS:
        if _h == "H3":
            d, s = hypotheses._diff(full, cell.name, "credential_requirement_exposed")
            u, _ = hypotheses._diff(full, cell.name, "credential_requirement_unexposed")
            gap[side] = (d - u, s)
    return hypotheses.clustered_mean(gap[True][0] - gap[False][0], gap[True][1])


def _row(t: pd.DataFrame, side: bool, statistic: str, cell: str | None = None) -> pd.Series:
    rows = t.xs((side, statistic), level=("paper_condition", "statistic"))
    return rows.loc[cell] if cell is not None else rows.iloc[0]


def test_h1_holds_with_an_additive_floor():
    t = _table("H1")
    assert _row(t, True, "d_within_task_cv_exposed")["holds"]
    assert _row(t, True, "gain_q1_minus_q5_equal_access")["holds"]
    # at each employer's own access too (t = 9.0 here; +0.27, se 0.03, in `abm empirics`)
    assert _row(t, True, "gain_q1_minus_q5_realised")["holds"]


def test_h1_fails_when_ai_amplifies_skill():
    t = _table("H1")
    cv = _row(t, False, "d_within_task_cv_exposed")
    gap = _row(t, False, "gain_q1_minus_q5_equal_access")
    assert not cv["holds"] and cv["estimate"] > 2 * cv["se"]        # dispersion rises
    assert not gap["holds"] and gap["estimate"] < -2 * gap["se"]    # the able gain most
    realised = _row(t, False, "gain_q1_minus_q5_realised")
    assert not realised["holds"] and realised["estimate"] < -2 * realised["se"]


def test_h2_holds_with_prices_and_codifiable_fall_vanishes_with_prices_frozen():
    t = _table("H2")
    assert _row(t, True, "d_return_codifiable_education")["holds"]
    assert _row(t, True, "d_return_social_education")["holds"]
    # derivation (docs/MODEL.md §5): the price of codifiable output falls for every
    # finite σ, so the codifiable return falls at σ = 0.5 too; with prices frozen the
    # price channel is gone and what is left (the assets' complementarity, composition)
    # is less than half the fall with prices (measured -0.005 against -0.022)
    assert _row(t, False, "d_return_codifiable_education", "sigma=0.5")["holds"]
    frozen = _row(t, False, "d_return_codifiable_education", "no price effects")
    base = _row(t, True, "d_return_codifiable_education")
    assert abs(frozen["estimate"]) < 0.5 * abs(base["estimate"])


# H3 in a 20-task economy (10 exposed tasks per seed, α from 0.3 to 0.9), 48 seeds at
# year 12: the cross-task slope pools 480 exposed tasks; at 16 seeds its se (0.21) was
# larger than the pure channel's slope (−0.43). docs/MODEL.md §3.3.2 derives the
# screening channel for a fixed applicant pool: the cutoff rises where AI lowers the
# marginal level's prediction spread (I_c > 1, proportional noise), and by more the
# larger the floor, i.e. where AI compresses output more (slope < 0).
H3_SEEDS = tuple(range(1, 49))
FIXED = (("retooling_rate", 0.0),)    # nobody re-chooses task or education after burn-in


def test_h3_holds_where_its_condition_holds_and_fails_with_direct_assessment():
    # tasks and education fixed: the derivation's condition. Measured: gap +0.031
    # (se 0.005), slope −0.43 (se 0.13) with the sample taken with AI; with direct
    # assessment nothing moves the cutoff (+0.002, se 0.003; slope +0.01, se 0.07)
    t = _table("H3", n_tasks=20, seeds=H3_SEEDS, extra=FIXED)
    assert _row(t, True, "d_requirement_exposed_minus_unexposed")["holds"]
    assert _row(t, True, "slope_d_requirement_on_d_cv")["holds"]
    for statistic in ("d_requirement_exposed_minus_unexposed", "slope_d_requirement_on_d_cv"):
        direct = _row(t, False, statistic)
        assert abs(direct["estimate"]) < 2 * direct["se"]
    est, se = _screening_channel(20, H3_SEEDS, FIXED)
    assert est > 2 * se                                   # +0.029 (se 0.005)


def test_h3_fails_at_the_defaults_where_the_education_response_dominates():
    # finding (docs/EMPIRICS.md §4, docs/MODEL.md §5). With education (and task) choice
    # the screening channel is still there, q = 0 minus q = 1 seed by seed: +0.041
    # (se 0.009). But the applicants' credentials fall most where AI does most: with
    # direct assessment the gap is −0.083 (se 0.018) and the slope +0.57 (se 0.20), and
    # with the sample taken with AI the gap is −0.041 (se 0.017) and the slope +0.42
    # (se 0.21): H3 does not hold at the defaults, on either statistic. (With tasks fixed
    # and education free the gap is −0.053, se 0.009: the education response alone
    # reverses it; occupational choice is not what does.)
    t = _table("H3", n_tasks=20, seeds=H3_SEEDS)
    est, se = _screening_channel(20, H3_SEEDS)
    assert est > 2 * se
    for statistic in ("d_requirement_exposed_minus_unexposed", "slope_d_requirement_on_d_cv"):
        assert not _row(t, True, statistic)["holds"]
    direct = _row(t, False, "d_requirement_exposed_minus_unexposed")
    assert direct["estimate"] < -2 * direct["se"]
    slope = _row(t, False, "slope_d_requirement_on_d_cv")
    assert slope["estimate"] > 2 * slope["se"]


# H4's derivation (docs/MODEL.md §5): with weak sorting the between-firm variance of log
# wages moves with the variance of the premia ψ_j = log(1 + ξπ_j) ≈ ξπ_j/(1 + ξπ̄), so
# ΔV_b ≈ [ξ/(1 + ξπ̄)]²·Δvar(π). Proprietary AI raises var(π) (access ∝ k^ψ makes AI
# output rent at the asset-rich firms), by an amount that does not depend on ξ to first
# order (measured Δvar(π) 0.127, 0.120, 0.114 at ξ = 0.1, 0.25, 0.5); commodity AI gives
# every firm the same access and raises it by a tenth as much (0.010).
XI_WEAK, XI_STRONG = 0.1, 0.5
RATIO_MAX = (XI_WEAK / XI_STRONG) ** 2 * ((1 + XI_STRONG) / (1 + XI_WEAK)) ** 2
"""Upper end of ΔV_b(ξ = 0.1)/ΔV_b(ξ = 0.5) = (0.1/0.5)²·((1 + 0.5π̄)/(1 + 0.1π̄))² over
π̄ ∈ [0, 1] (measured π̄ 0.73-0.75): 0.074; (ξ_w/ξ_s)² = 0.04 at its lower end."""


def test_h4_rises_most_under_proprietary_ai_with_strong_rent_sharing():
    t = _table("H4")
    strong = _row(t, True, "d_between_firm_wage_share")
    assert strong["holds"]
    # weak rent sharing (the default ξ = 0.1): the rise is at most RATIO_MAX of the strong
    # one (measured +0.0048, se 0.0027, against +0.086, se 0.0065: not distinguishable from
    # zero at 2 se here, a finding), and not negative beyond 2 se (ΔV_b ≥ 0 and AI lowers
    # the total variance). Tolerance: 2 se of weak − RATIO_MAX·strong over four seeds.
    weak = _row(t, False, "d_between_firm_wage_share", "proprietary xi=0.1 sigma=2")
    tol = 2 * (weak["se"] ** 2 + (RATIO_MAX * strong["se"]) ** 2) ** 0.5
    assert weak["estimate"] < RATIO_MAX * strong["estimate"] + tol
    assert weak["estimate"] > -2 * weak["se"]
    # the other side of the derivation: a rise that does not need rent sharing (access
    # alone moving the share, as with assortative matching) would put weak near strong;
    # the gap must exceed 4 combined se (measured t ≈ 11)
    gap_se = (strong["se"] ** 2 + weak["se"] ** 2) ** 0.5
    assert strong["estimate"] - weak["estimate"] > 4 * gap_se
    # Commodity AI at ξ = 0.5: between-firm variance barely moves (ΔV_b +0.0002, se
    # 0.0002), but homogenization (H1) lowers the total, so the share rises by about
    # −B_0·ΔV/V > 0 (measured +0.017, se 0.003); proprietary AI's rise exceeds it by
    # more than 4 combined se (measured t ≈ 9.6). Its size relative to proprietary's is
    # set by how much AI compresses wages, not by rents: no ratio is derived for it.
    commodity = _row(t, False, "d_between_firm_wage_share", "commodity xi=0.5 sigma=2")
    assert commodity["estimate"] > 2 * commodity["se"]
    gap_se = (strong["se"] ** 2 + commodity["se"] ** 2) ** 0.5
    assert strong["estimate"] - commodity["estimate"] > 4 * gap_se


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
