"""Between- and within-occupation variance of log wages from OEWS-style percentiles
(`analysis.empirics.variance`): exact on lognormal occupations, the top-code fallbacks,
bad input, and the shipped data read two ways."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from analysis.empirics import variance
from analysis.empirics.data import load_oews

# six occupations in two major groups: log-wage means, sds and employment
MU = np.array([10.0, 10.4, 10.1, 11.0, 11.3, 10.9])
SIGMA = np.array([0.3, 0.5, 0.4, 0.6, 0.35, 0.45])
EMP = np.array([100.0, 50.0, 150.0, 80.0, 20.0, 100.0])
CODES = ["11-1011", "11-2022", "11-3033", "29-1041", "29-1062", "29-2011"]


def lognormal_rows(year: int = 2020) -> pd.DataFrame:
    """OEWS-shaped rows whose percentiles are those of the lognormals above."""
    rows = {"year": year, "occ_code": CODES, "o_group": "detailed", "tot_emp": EMP,
            "a_median": np.exp(MU)}
    for field, q in (("a_pct10", 0.1), ("a_pct25", 0.25), ("a_pct75", 0.75), ("a_pct90", 0.9)):
        rows[field] = np.exp(MU + norm.ppf(q) * SIGMA)
    df = pd.DataFrame(rows)
    for field in ("a_median", "a_pct10", "a_pct25", "a_pct75", "a_pct90"):
        df[f"top_{field}"] = False
    return df


def closed_form(groups: np.ndarray) -> tuple[float, float]:
    """Between and within variance of the mixture of normals, by groups."""
    s = EMP / EMP.sum()
    grand = s @ MU
    between = sum(s[groups == g].sum() * (s[groups == g] @ MU[groups == g]
                                           / s[groups == g].sum() - grand) ** 2
                  for g in np.unique(groups))
    total = s @ (SIGMA ** 2 + (MU - grand) ** 2)
    return between, total - between


def test_detailed_split_is_exact_for_lognormal_occupations():
    got = variance.decompose(lognormal_rows(), 2020, "detailed")
    between, within = closed_form(np.arange(6))
    assert got["between"] == pytest.approx(between, rel=1e-12)
    assert got["within"] == pytest.approx(within, rel=1e-12)
    assert (got["occupations"], got["groups"], got["dropped"]) == (6, 6, 0)


def test_major_groups_move_the_spread_inside_a_group_to_within():
    got = variance.decompose(lognormal_rows(), 2020, "major")
    between, within = closed_form(np.array([0, 0, 0, 1, 1, 1]))
    assert got["between"] == pytest.approx(between, rel=1e-12)
    assert got["within"] == pytest.approx(within, rel=1e-12)
    detailed = variance.decompose(lognormal_rows(), 2020, "detailed")
    assert got["total"] == pytest.approx(detailed["total"], rel=1e-12)
    assert got["between"] < detailed["between"]


def test_top_coded_p90_falls_back_to_the_interquartile_range():
    df = lognormal_rows()
    df.loc[1, "top_a_pct90"] = True              # as BLS '#': the value is not usable
    df.loc[1, "a_pct90"] = np.nan
    sd = variance.log_sd(df)
    assert sd.to_numpy() == pytest.approx(SIGMA, rel=1e-12)


def test_occupations_without_a_usable_median_are_left_out():
    df = lognormal_rows()
    df.loc[4, "top_a_median"] = True
    got = variance.decompose(df, 2020, "detailed")
    assert (got["occupations"], got["dropped"]) == (5, 1)


def test_bad_level_and_year_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="level='broad': allowed values are detailed, major"):
        variance.decompose(lognormal_rows(), 2020, "broad")
    with pytest.raises(ValueError, match="year=1999"):
        variance.decompose(lognormal_rows(), 1999)


def test_shipped_oews_total_agrees_with_the_all_occupations_percentiles():
    # Two readings of one variance: the occupations' mixture, and the all-occupations
    # row's P10-P90 read as a lognormal. A mixture is not lognormal, so they need not
    # coincide; 10% catches an error of scale (a missing factor 2 in a denominator
    # would be a factor 4 here) while allowing the mixture's shape.
    tab = variance.table(load_oews())
    assert len(tab) == 10
    assert np.all(np.abs(tab["total"] / tab["total_from_percentiles"] - 1) < 0.10), tab
    # the ordering that must hold whatever the data: groups of occupations explain less
    det = tab[tab["level"] == "detailed"].set_index("year")["between_share"]
    maj = tab[tab["level"] == "major"].set_index("year")["between_share"]
    assert (maj < det).all()
