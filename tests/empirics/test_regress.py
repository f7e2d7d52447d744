"""Occupation-level regressions: known coefficients on hand-built data, HC3 against its
formula, the top-code rule, join coverage counts, and the real table against an
independent computation from the raw CSV files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.empirics import data, oews, regress


def _panel(n: int = 60, seed: int = 3, noise: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    lm = 10.5 + 0.4 * rng.standard_normal(n)
    major = np.repeat(["11", "13", "15", "41"], n // 4)
    fe = pd.Series({"11": 0.02, "13": -0.01, "15": 0.03, "41": 0.0})[major].to_numpy()
    y = 0.01 + 0.05 * x - 0.03 * (lm - 10.5) + fe + noise * rng.standard_normal(n)
    return pd.DataFrame({"x": x, "log_median_base": lm, "major": major,
                         "emp_base": rng.integers(1_000, 100_000, n).astype(float), "y": y})


def _hc3(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS with HC3 by its formula: (X'X)^-1 X' diag(e²/(1-h)²) X (X'X)^-1."""
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    e = y - x @ b
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (e ** 2 / (1 - h) ** 2)[:, None])
    return b, np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))


@pytest.fixture(autouse=True)
def _outcome(monkeypatch):
    # the hand-built panels use a single outcome column "y"
    monkeypatch.setitem(regress.OUTCOMES, "y", ("a_pct90", None))


def test_controls_recover_the_known_coefficient_exactly():
    p = _panel()
    for spec in ("controls", "weighted"):
        r = regress.fit(p, "y", "x", spec)
        assert r["coef"] == pytest.approx(0.05, abs=1e-10)      # no noise: exact
        assert r["n"] == 60


def test_unconditional_coefficient_and_hc3_match_the_formula():
    p = _panel(noise=0.02)
    r = regress.fit(p, "y", "x", "unconditional")
    x = np.column_stack([np.ones(len(p)), p["x"]])
    b, se = _hc3(x, p["y"].to_numpy())
    assert r["coef"] == pytest.approx(b[1], rel=1e-10)
    assert r["se"] == pytest.approx(se[1], rel=1e-10)


def test_weighted_is_wls_on_base_employment():
    p = _panel(noise=0.02)
    r = regress.fit(p, "y", "x", "weighted")
    w = np.sqrt(p["emp_base"].to_numpy())
    dummies = pd.get_dummies(p["major"], drop_first=True, dtype=float).to_numpy()
    x = np.column_stack([np.ones(len(p)), p["x"], p["log_median_base"], dummies])
    b, _ = _hc3(x * w[:, None], p["y"].to_numpy() * w)
    assert r["coef"] == pytest.approx(b[1], rel=1e-10)


def test_singleton_groups_are_dropped_from_fixed_effect_specs():
    p = _panel(noise=0.02)
    p.loc[0, "major"] = "99"                                   # alone in its group
    assert regress.fit(p, "y", "x", "controls")["n"] == 59
    assert regress.fit(p, "y", "x", "unconditional")["n"] == 60


def _oews_two_years() -> pd.DataFrame:
    """Five detailed occupations in 2021 and 2023, one top-coded P90 in 2023, one code
    only in 2021, plus a non-detailed row that must be ignored."""
    rows = []
    cap = 239_200.0
    for year, growth in ((2021, 1.0), (2023, 1.1)):
        for k, code in enumerate(("11-1011", "13-2011", "15-1252", "41-2031", "43-4051")):
            p90 = 150_000.0 * growth * (1 + 0.1 * k)
            top90 = code == "11-1011" and year == 2023
            rows.append({"year": year, "occ_code": code, "o_group": "detailed",
                         "tot_emp": 1000.0 * (k + 1), "a_mean": 80_000.0,
                         "a_median": 70_000.0 * growth, "a_pct10": 30_000.0,
                         "a_pct25": 45_000.0, "a_pct75": 100_000.0 * growth,
                         "a_pct90": cap if top90 else p90, "top_a_pct90": top90,
                         "top_a_median": False, "top_a_pct10": False, "top_a_pct25": False,
                         "top_a_pct75": False})
    rows.append({**rows[0], "occ_code": "47-2061", "year": 2021})      # only in 2021
    rows.append({**rows[0], "occ_code": "11-0000", "o_group": "major"})
    return pd.DataFrame(rows)


def _exposure() -> pd.DataFrame:
    e = pd.DataFrame({"eloundou": [0.1, 0.5, 0.9, 0.2, 0.3]},
                     index=pd.Index(["11-1011", "13-2011", "15-1252", "41-2031", "99-9999"],
                                    name="occ_code"))
    return e


def test_top_code_rule_drops_only_outcomes_using_the_percentile():
    p = oews.panel(_oews_two_years(), _exposure(), 2021, 2023).set_index("occ_code")
    assert len(p) == 5                                   # 47-2061 has no 2023 partner
    for outcome in ("dlog_p90_p10", "dlog_p90_p50"):
        assert np.isnan(p.loc["11-1011", outcome])
        assert p[outcome].notna().sum() == 4
    for outcome in ("dlog_p75_p25", "dlog_median", "dlog_emp", "dlog_p50_p10"):
        assert p[outcome].notna().all()
    assert p.loc["13-2011", "dlog_median"] == pytest.approx(np.log(1.1))
    assert p.loc["13-2011", "dlog_p90_p10"] == pytest.approx(np.log(1.1))


def test_exposure_is_standardised_over_matched_occupations():
    p = oews.panel(_oews_two_years(), _exposure(), 2021, 2023)
    z = p["eloundou"].dropna()
    assert len(z) == 4                                   # 43-4051 has no score
    assert z.mean() == pytest.approx(0.0, abs=1e-12)
    assert z.std() == pytest.approx(1.0)
    raw = np.array([0.1, 0.5, 0.9, 0.2])
    assert z.iloc[0] == pytest.approx((0.1 - raw.mean()) / raw.std(ddof=1))


def test_join_coverage_counts():
    cov = oews.coverage(_oews_two_years(), _exposure(), windows=((2021, 2023),)).iloc[0]
    assert cov["n_detailed_base"] == 6
    assert cov["n_both_years"] == 5
    assert cov["n_matched"] == 4
    assert cov["n_dlog_p90_p10"] == 3                   # the top-coded one is out
    assert cov["n_dlog_median"] == 4
    emp = 1000 + 2000 + 3000 + 4000                     # matched base-year employment
    assert cov["emp_share_matched"] == pytest.approx(emp / (15_000 + 1000))


def test_year_coverage_reproduces_the_data_readme():
    cov = oews.year_coverage(*data.load_all()).set_index(["year", "exposure"])
    # README "Correlation of exposure with log(a_mean)" table
    assert cov.loc[(2019, "eloundou"), ["n_matched", "n_detailed"]].tolist() == [706, 785]
    assert cov.loc[(2023, "felten_aioe"), ["n_matched", "n_detailed"]].tolist() == [769, 826]
    assert cov.loc[(2019, "eloundou"), "r"] == pytest.approx(0.434, abs=5e-4)
    assert cov.loc[(2023, "felten_aioe"), "r_w"] == pytest.approx(0.574, abs=5e-4)
    assert cov.loc[(2021, "bmr_sml"), "emp_share"] == pytest.approx(0.929, abs=5e-4)


def test_headline_row_matches_an_independent_computation_from_the_raw_csv():
    raw = pd.read_csv(data.DATA_DIR / data.OEWS_FILE, keep_default_na=False, dtype=str)
    raw = raw[raw["o_group"] == "detailed"]

    def year(y: int) -> pd.DataFrame:
        d = raw[raw["year"] == str(y)].set_index("occ_code")
        return d[["a_pct90", "a_pct10"]].replace("", np.nan).astype(float)

    a, b = year(2019), year(2023)
    both = a.index.intersection(b.index)
    dy = (np.log(b.loc[both, "a_pct90"] / b.loc[both, "a_pct10"])
          - np.log(a.loc[both, "a_pct90"] / a.loc[both, "a_pct10"]))
    expo = pd.read_csv(data.DATA_DIR / "exposure_eloundou_gpts_soc2018.csv",
                       dtype={"occ_code": str}).set_index("occ_code")["dv_rating_beta"]
    x = expo.reindex(both)
    x = (x - x.mean()) / x.std()
    ok = dy.notna() & x.notna()
    b_hat, se = _hc3(np.column_stack([np.ones(ok.sum()), x[ok]]), dy[ok].to_numpy())
    t = oews.regressions(*data.load_all(), windows=((2019, 2023),))
    row = t[(t["exposure"] == "eloundou") & (t["spec"] == "unconditional")
            & (t["outcome"] == "dlog_p90_p10")].iloc[0]
    assert row["n"] == ok.sum()
    assert row["coef"] == pytest.approx(b_hat[1], rel=1e-9)
    assert row["se"] == pytest.approx(se[1], rel=1e-9)
