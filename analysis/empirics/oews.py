"""The OEWS occupation panel for one window, the regression table and join coverage.

A window (start, end) pairs the *detailed* occupations present in both years under the
same code. 2019 and 2020 use the hybrid SOC 2010/2018 structure (data README §1), so a
code that changed vintage in 2021 has no partner and leaves the 2019-2023 and
2019-2022 windows; 2021-2023 and 2022-2023 are within one vintage. The exposure measures
(on SOC 2018 codes) are joined on the six-digit code with no fallback, and each is
standardised over the occupations of the window it matches (mean 0, sd 1, unweighted),
so a coefficient is the change in the outcome per standard deviation of exposure.

Top-code rule: an occupation whose percentile is top-coded (BLS `#`) in either year is
dropped from every outcome built from that percentile, and from the fixed-effect
specifications when its base-year median is top-coded (the control is then unknown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.empirics.data import EXPOSURE_NAMES, WAGE_FIELDS
from analysis.empirics.regress import OUTCOMES, outcome_change, outcome_fields, standardise
from analysis.empirics.regress import table as regression_table

WINDOWS = ((2019, 2023), (2019, 2022), (2021, 2023), (2022, 2023))
WINDOW_NOTES = {
    "2019-2023": "the paper's window",
    "2019-2022": "placebo: ends before ChatGPT (released November 2022; OEWS is May)",
    "2021-2023": "one SOC vintage (SOC 2018 throughout)",
    "2022-2023": "ChatGPT year only",
}


def window_name(start: int, end: int) -> str:
    """'2019-2023' style label."""
    return f"{start}-{end}"


def _topcoded(df: pd.DataFrame, field: str) -> pd.Series:
    flag = f"top_{field}"
    return df[flag].astype(bool) if flag in df else pd.Series(False, index=df.index)


def panel(oews: pd.DataFrame, exposures: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """One row per detailed occupation present in both years, with outcomes and exposures.

    Args:
        oews: `load_oews()` (or a hand-built frame with the same columns).
        exposures: `load_exposures()`: index occ_code, one column per measure.
        start, end: the window's base and final year.

    Returns:
        Columns occ_code, major (two-digit SOC group), emp_base, log_median_base, one
        column per outcome (NaN where a percentile is missing or top-coded in either
        year), and per exposure measure the standardised score (NaN where unmatched).
    """
    det = oews[oews["o_group"] == "detailed"]
    a = det[det["year"] == start].set_index("occ_code")
    b = det[det["year"] == end].set_index("occ_code")
    both = a.index.intersection(b.index)
    a, b = a.loc[both], b.loc[both]
    out = pd.DataFrame(index=both)
    out.index.name = "occ_code"
    out["major"] = [c[:2] for c in both]
    out["emp_base"] = a["tot_emp"]
    median_ok = ~_topcoded(a, "a_median")
    out["log_median_base"] = np.log(a["a_median"].where(median_ok))
    for outcome in OUTCOMES:
        change = outcome_change(a, b, outcome)
        drop = pd.Series(False, index=both)
        for field in outcome_fields(outcome):
            if field in WAGE_FIELDS:
                drop |= _topcoded(a, field) | _topcoded(b, field)
        out[outcome] = change.where(~drop)
    for name in exposures.columns:
        raw = exposures[name].reindex(both)
        out[f"{name}_raw"] = raw
        out[name] = standardise(raw)
    return out.reset_index()


def regressions(oews: pd.DataFrame, exposures: pd.DataFrame,
                windows: tuple[tuple[int, int], ...] = WINDOWS) -> pd.DataFrame:
    """The full table: exposure × window × spec × outcome (columns of oews_regressions.csv)."""
    frames = []
    names = tuple(c for c in EXPOSURE_NAMES if c in exposures.columns)
    for start, end in windows:
        t = regression_table(panel(oews, exposures, start, end), names)
        t.insert(1, "window", window_name(start, end))
        frames.append(t)
    cols = ["exposure", "window", "spec", "outcome", "coef", "se", "pvalue", "n"]
    return pd.concat(frames, ignore_index=True)[cols]


def coverage(oews: pd.DataFrame, exposures: pd.DataFrame,
             windows: tuple[tuple[int, int], ...] = WINDOWS) -> pd.DataFrame:
    """Join coverage per window and exposure: occupations and base-year employment kept.

    Columns: window, exposure, n_detailed_base, n_both_years, n_matched,
    emp_share_both_years and emp_share_matched (shares of base-year detailed
    employment), then n_<outcome>: matched occupations with that outcome after the
    top-code rule (the unconditional sample).
    """
    rows = []
    det = oews[oews["o_group"] == "detailed"]
    for start, end in windows:
        base = det[det["year"] == start]
        emp_base = base["tot_emp"].sum()
        p = panel(oews, exposures, start, end)
        for name in exposures.columns:
            matched = p[p[name].notna()]
            row = {"window": window_name(start, end), "exposure": name,
                   "n_detailed_base": len(base), "n_both_years": len(p),
                   "n_matched": len(matched),
                   "emp_share_both_years": p["emp_base"].sum() / emp_base,
                   "emp_share_matched": matched["emp_base"].sum() / emp_base}
            for outcome in OUTCOMES:
                row[f"n_{outcome}"] = int(matched[outcome].notna().sum())
            rows.append(row)
    return pd.DataFrame(rows)


def year_coverage(oews: pd.DataFrame, exposures: pd.DataFrame) -> pd.DataFrame:
    """Per year and measure, as in the data README's check: detailed occupations with a
    mean wage, how many match the measure, their employment share, and the correlation of
    the measure with log mean wage (unweighted r and employment-weighted r_w)."""
    rows = []
    det = oews[(oews["o_group"] == "detailed") & oews["a_mean"].notna()]
    for year, d in det.groupby("year"):
        d = d.set_index("occ_code")
        for name in exposures.columns:
            x = exposures[name].reindex(d.index)
            m = x.notna()
            lw, w = np.log(d.loc[m, "a_mean"]), d.loc[m, "tot_emp"].fillna(0)
            rows.append({"year": int(year), "exposure": name, "n_detailed": len(d),
                         "n_matched": int(m.sum()),
                         "emp_share": d.loc[m, "tot_emp"].sum() / d["tot_emp"].sum(),
                         "r": float(np.corrcoef(x[m], lw)[0, 1]),
                         "r_w": _weighted_corr(x[m].to_numpy(), lw.to_numpy(), w.to_numpy())})
    return pd.DataFrame(rows)


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    w = w / w.sum()
    mx, my = w @ x, w @ y
    cov = w @ ((x - mx) * (y - my))
    return float(cov / np.sqrt((w @ (x - mx) ** 2) * (w @ (y - my) ** 2)))
