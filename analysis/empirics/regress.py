"""Occupation-level regressions of wage-distribution changes on AI exposure.

The same code runs on the OEWS panel (`analysis.empirics.oews`) and on simulated
occupations (`analysis.empirics.occupations`): a panel is a DataFrame with one row per
occupation holding the outcome columns `OUTCOMES`, a standardised exposure, the
base-year log median wage `log_median_base`, a group label `major` and base-year
employment `emp_base`.

Specifications (statsmodels OLS/WLS, HC3 standard errors; MacKinnon & White 1985,
J. Econometrics 29(3)):

- `unconditional`: Δy_o = a + b·x_o + u_o;
- `controls`: adds the base-year log median wage and major-group fixed effects;
- `weighted`: `controls` weighted by base-year employment.

Occupations alone in their major group within a sample are dropped from the fixed-effect
specifications: their residual is zero by construction, leverage is 1 and HC3 is
undefined for them (the usual singleton rule, Correia 2015).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

# outcome -> (numerator percentile field, denominator field or None for a level)
OUTCOMES: dict[str, tuple[str, str | None]] = {
    "dlog_p90_p10": ("a_pct90", "a_pct10"),
    "dlog_p75_p25": ("a_pct75", "a_pct25"),
    "dlog_p90_p50": ("a_pct90", "a_median"),
    "dlog_p50_p10": ("a_median", "a_pct10"),
    "dlog_median": ("a_median", None),
    "dlog_emp": ("tot_emp", None),
}
SPECS = ("unconditional", "controls", "weighted")
RESULT_COLUMNS = ("coef", "se", "pvalue", "n")


def outcome_fields(outcome: str) -> tuple[str, ...]:
    """The OEWS fields an outcome is built from (used by the top-code rule)."""
    num, den = OUTCOMES[outcome]
    return (num,) if den is None else (num, den)


def outcome_change(start: pd.DataFrame, end: pd.DataFrame, outcome: str) -> pd.Series:
    """Δ log of the outcome's ratio (or level) between two aligned cross-sections."""
    num, den = OUTCOMES[outcome]

    def level(df: pd.DataFrame) -> pd.Series:
        value = np.log(df[num].astype(float))
        return value if den is None else value - np.log(df[den].astype(float))

    return level(end) - level(start)


def standardise(x: pd.Series) -> pd.Series:
    """(x − mean)/sd over the non-missing values (unweighted, ddof 1)."""
    sd = x.std()
    if not np.isfinite(sd) or sd <= 0:
        return x * np.nan
    return (x - x.mean()) / sd


def _design(df: pd.DataFrame, exposure: str, spec: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimation sample and regressors (exposure first) for one specification."""
    if spec not in SPECS:
        raise ValueError(f"spec {spec!r} not in {list(SPECS)}")
    cols = [exposure]
    if spec != "unconditional":
        cols += ["log_median_base", "major"]
    if spec == "weighted":
        cols += ["emp_base"]
    sample = df.dropna(subset=cols)
    if spec == "weighted":
        sample = sample[sample["emp_base"] > 0]
    if spec != "unconditional":
        size = sample.groupby("major")["major"].transform("size")
        sample = sample[size > 1]
    x = pd.DataFrame({"const": 1.0, exposure: sample[exposure].astype(float)}, index=sample.index)
    if spec != "unconditional":
        x["log_median_base"] = sample["log_median_base"].astype(float)
        dummies = pd.get_dummies(sample["major"].astype(str), prefix="major", drop_first=True,
                                 dtype=float)
        x = pd.concat([x, dummies], axis=1)
    return sample, x


def fit(df: pd.DataFrame, outcome: str, exposure: str, spec: str) -> dict[str, float]:
    """One regression: the exposure's coefficient, HC3 se, p-value and n.

    Rows with a missing outcome (top-coded or unavailable percentile) are dropped.
    Returns NaN for coef/se/pvalue when the sample is too small to estimate (fewer
    observations than regressors plus two).
    """
    sample, x = _design(df.dropna(subset=[outcome]), exposure, spec)
    n = len(sample)
    if n < x.shape[1] + 2 or sample[exposure].std() <= 0:
        return {"coef": np.nan, "se": np.nan, "pvalue": np.nan, "n": n}
    y = sample[outcome].astype(float)
    if spec == "weighted":
        model = sm.WLS(y, x, weights=sample["emp_base"].astype(float))
    else:
        model = sm.OLS(y, x)
    res = model.fit(cov_type="HC3")
    return {"coef": float(res.params[exposure]), "se": float(res.bse[exposure]),
            "pvalue": float(res.pvalues[exposure]), "n": n}


def table(panel: pd.DataFrame, exposures: tuple[str, ...], *,
          outcomes: tuple[str, ...] = tuple(OUTCOMES), specs: tuple[str, ...] = SPECS
          ) -> pd.DataFrame:
    """Every (exposure, spec, outcome) regression on one panel, tidy."""
    rows = []
    for exposure in exposures:
        for spec in specs:
            for outcome in outcomes:
                rows.append({"exposure": exposure, "spec": spec, "outcome": outcome,
                             **fit(panel, outcome, exposure, spec)})
    return pd.DataFrame(rows)
