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
from threadpoolctl import threadpool_limits

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


def single_threaded() -> threadpool_limits:
    """Run BLAS on one thread: these regressions are small (n ≤ 800, k ≤ 25), and a
    multi-threaded BLAS on a busy machine makes each SVD 50-100 times slower."""
    return threadpool_limits(limits=1, user_api="blas")
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


def _design(df: pd.DataFrame, outcome: str, exposure: str, spec: str
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Outcome, regressors (constant, exposure, then controls) and weights of one sample.

    Built as numpy arrays: statsmodels on arrays costs a fraction of a millisecond,
    on labelled frames some tens (this runs thousands of times for the simulations).
    """
    if spec not in SPECS:
        raise ValueError(f"spec {spec!r} not in {list(SPECS)}")
    y = df[outcome].to_numpy(float)
    x = df[exposure].to_numpy(float)
    keep = np.isfinite(y) & np.isfinite(x)
    if spec == "unconditional":
        return y[keep], np.column_stack([np.ones(keep.sum()), x[keep]]), None
    base = df["log_median_base"].to_numpy(float)
    major = df["major"].astype(str).to_numpy()
    keep &= np.isfinite(base) & pd.notna(df["major"]).to_numpy()
    w = df["emp_base"].to_numpy(float) if spec == "weighted" else None
    if w is not None:
        keep &= np.isfinite(w) & (w > 0)
    levels, code = np.unique(major[keep], return_inverse=True)
    size = np.bincount(code, minlength=len(levels))
    single = np.zeros(keep.size, dtype=bool)
    single[np.flatnonzero(keep)] = size[code] == 1
    keep &= ~single
    levels, code = np.unique(major[keep], return_inverse=True)
    dummies = (code[:, None] == np.arange(1, len(levels))[None, :]).astype(float)
    xs = np.column_stack([np.ones(keep.sum()), x[keep], base[keep], dummies])
    return y[keep], xs, (w[keep] if w is not None else None)


def fit(df: pd.DataFrame, outcome: str, exposure: str, spec: str) -> dict[str, float]:
    """One regression: the exposure's coefficient, HC3 se, p-value and n.

    Rows with a missing outcome (top-coded or unavailable percentile) are dropped.
    Returns NaN for coef/se/pvalue when the sample is too small to estimate (fewer
    observations than regressors plus two) or the exposure does not vary.
    """
    y, x, w = _design(df, outcome, exposure, spec)
    n = len(y)
    if n < x.shape[1] + 2 or np.std(x[:, 1]) <= 0:
        return {"coef": np.nan, "se": np.nan, "pvalue": np.nan, "n": n}
    model = sm.WLS(y, x, weights=w) if w is not None else sm.OLS(y, x)
    res = model.fit(cov_type="HC3")
    return {"coef": float(res.params[1]), "se": float(res.bse[1]),
            "pvalue": float(res.pvalues[1]), "n": n}


def table(panel: pd.DataFrame, exposures: tuple[str, ...], *,
          outcomes: tuple[str, ...] = tuple(OUTCOMES), specs: tuple[str, ...] = SPECS
          ) -> pd.DataFrame:
    """Every (exposure, spec, outcome) regression on one panel, tidy."""
    rows = []
    with single_threaded():
        for exposure in exposures:
            for spec in specs:
                for outcome in outcomes:
                    rows.append({"exposure": exposure, "spec": spec, "outcome": outcome,
                                 **fit(panel, outcome, exposure, spec)})
    return pd.DataFrame(rows)
