"""How much of the variance of log wages lies between occupations, from OEWS percentiles.

OEWS publishes each occupation's employment and wage percentiles, not its workers'
wages. Within an occupation log annual wages are taken as normal (wages lognormal), so
the mean of log wages is log of the median and the sd follows from a pair of
percentiles: (log P90 − log P10)/(2·z_.90), or (log P75 − log P25)/(2·z_.75) where P10 or
P90 is missing or top-coded. The employment-weighted variance then splits exactly into

    var(log w) = Σ_o s_o·σ_o² + Σ_o s_o·(μ_o − μ)²

(within, between), s_o the occupation's share of employment. With groups of occupations
(`level="major"`: the 22 SOC major groups, the first two digits of the code) the spread
of occupations' means inside a group moves from between to within.

This is the data's side of the model's `between_task_wage_share` (tasks are the model's
occupations). Occupations whose median is top-coded (BLS `#`) or missing are left out:
they are few and among the best paid, so the between share is if anything understated.
The total can be checked against the all-occupations row's own percentiles
(`total_from_percentiles`, the same lognormal reading of one distribution).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

Z90 = float(ndtri(0.9))
Z75 = float(ndtri(0.75))
LEVELS = ("detailed", "major")


def _usable(df: pd.DataFrame, field: str) -> pd.Series:
    """The field is reported (a positive number) and not top-coded."""
    top = df.get(f"top_{field}", pd.Series(False, index=df.index))
    return df[field].gt(0) & ~top.fillna(False).astype(bool)


def log_sd(df: pd.DataFrame) -> pd.Series:
    """sd of log annual wages within each occupation, from P10-P90, else P25-P75."""
    wide = _usable(df, "a_pct10") & _usable(df, "a_pct90")
    narrow = _usable(df, "a_pct25") & _usable(df, "a_pct75")
    sd = pd.Series(np.nan, index=df.index)
    sd[narrow] = (np.log(df.loc[narrow, "a_pct75"]) - np.log(df.loc[narrow, "a_pct25"])) / (2 * Z75)
    sd[wide] = (np.log(df.loc[wide, "a_pct90"]) - np.log(df.loc[wide, "a_pct10"])) / (2 * Z90)
    return sd


def decompose(oews: pd.DataFrame, year: int, level: str = "detailed") -> dict[str, float]:
    """Between- and within-occupation variance of log annual wages in `year`.

    Args:
        oews: `analysis.empirics.data.load_oews()`.
        year: one of the file's years.
        level: "detailed" (each six-digit occupation) or "major" (SOC major groups).
    """
    if level not in LEVELS:
        raise ValueError(f"level={level!r}: allowed values are {', '.join(LEVELS)}")
    rows = oews[(oews["year"] == year) & (oews["o_group"] == "detailed")]
    if rows.empty:
        raise ValueError(f"year={year!r}: no detailed occupations in the OEWS file")
    sd = log_sd(rows)
    keep = _usable(rows, "a_median") & rows["tot_emp"].gt(0) & sd.notna()
    d = rows[keep]
    weight = d["tot_emp"].to_numpy(float) / d["tot_emp"].sum()
    mean = np.log(d["a_median"].to_numpy(float))
    group = d["occ_code"].str[:2] if level == "major" else d["occ_code"]
    codes, index = np.unique(group.to_numpy(), return_inverse=True)
    group_weight = np.bincount(index, weights=weight)
    group_mean = np.bincount(index, weights=weight * mean) / group_weight
    grand = float(weight @ mean)
    between = float(group_weight @ (group_mean - grand) ** 2)
    within = float(weight @ (sd[keep].to_numpy(float) ** 2 + (mean - group_mean[index]) ** 2))
    total_row = oews[(oews["year"] == year) & (oews["occ_code"] == "00-0000")]
    return {"year": year, "level": level, "occupations": int(keep.sum()),
            "groups": int(codes.size), "dropped": int((~keep).sum()),
            "between": between, "within": within, "total": between + within,
            "between_share": between / (between + within),
            "total_from_percentiles": float(log_sd(total_row).iloc[0] ** 2)
            if len(total_row) else float("nan")}


def table(oews: pd.DataFrame) -> pd.DataFrame:
    """`decompose` for every year of the file, at both levels."""
    years = sorted(int(y) for y in oews["year"].unique())
    return pd.DataFrame([decompose(oews, y, level) for y in years for level in LEVELS])


__all__ = ["LEVELS", "decompose", "log_sd", "table"]
