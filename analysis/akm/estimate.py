"""The AKM regression on a panel's largest connected set, and its variance decomposition.

log w_it = α_i + ψ_j(i,t) + τ_t + ε_it. Worker effects are absorbed by demeaning within
worker (Frisch-Waugh-Lovell), so only the J − 1 firm and T − 1 year effects are solved
for: S·β = X̃'y with S = X̃'X̃ and X̃ = M_D·X built from sparse products, never as an
n × n matrix. Firm effects are identified relative to one firm, and only within a set of
firms connected by movers; variances and covariances do not depend on the normalisation.

Limited mobility bias (Andrews, Gill, Schank & Upward 2008, JRSS-A 171(3)): with
homoskedastic errors of variance σ², E[var(ψ̂)] = var(ψ) + σ²·tr(A·S⁻¹_ff), A the
person-year variance's quadratic form in the firm effects, and the plug-in covariance of
worker and firm effects is biased by −σ²·tr(X'P_D·M₁·X_f·S⁻¹_f·)/n (derived in
docs/MODEL.md §3.3.3). `shares` reports the plug-in shares and these homoskedastic
corrections, the estimator of the "FE-HO" rows of Bonhomme et al. (2023).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analysis.akm.panel import PANEL_COLUMNS


MAX_FIRMS = 5000
"""Largest connected set `fit` takes: S and its inverse are dense, 2·(J + T)² doubles
(400 MB at 5,000 firms)."""
CONDITION = 1e-10
"""S counts as singular when its smallest eigenvalue is below this share of its largest:
firm and year effects are then not separately identified (say, every mover moves one
firm up a ladder each year), and an inverse would return meaningless effects."""


@dataclass(frozen=True)
class AkmFit:
    """An AKM fit: the connected set's rows and their estimated effects.

    `data` is the panel restricted to the largest connected set, with columns
    `alpha_hat`, `psi_hat` (firm effect of the row's firm) and `tau_hat` added;
    `sigma2` the residual variance (degrees of freedom n − workers − J − T + 2);
    `bias_firm` and `bias_sorting` the homoskedastic biases of the plug-in
    var(ψ̂) and 2cov(α̂, ψ̂) per unit of σ².
    """

    data: pd.DataFrame
    sigma2: float
    bias_firm: float
    bias_sorting: float


def check_panel(data: pd.DataFrame) -> None:
    """A panel has `PANEL_COLUMNS`, ids and values present and finite, and at least two
    years, else ValueError."""
    missing = [c for c in PANEL_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"panel lacks columns {missing}; a panel has {list(PANEL_COLUMNS)}")
    if data[["worker", "firm", "year"]].isna().to_numpy().any():
        raise ValueError("panel has missing worker, firm or year ids")
    if not np.isfinite(data[["log_wage", "premium"]].to_numpy(float)).all():
        raise ValueError("panel has log wages or premia that are not finite")
    if data["year"].nunique() < 2:
        raise ValueError("panel has fewer than two years: nobody can be seen moving")


def connected(data: pd.DataFrame) -> pd.DataFrame:
    """Rows of the set of firms connected by workers (movers link two firms) that holds
    the most person-years."""
    worker = pd.factorize(data["worker"])[0]
    firm = pd.factorize(data["firm"])[0]
    n_w, n_f = worker.max() + 1, firm.max() + 1
    graph = sparse.coo_matrix((np.ones(worker.size), (worker, n_w + firm)),
                              shape=(n_w + n_f, n_w + n_f))
    _, label = connected_components(graph, directed=False)
    largest = np.bincount(label[n_w + firm]).argmax()
    return data[label[worker] == largest].reset_index(drop=True)


def fit(data: pd.DataFrame) -> AkmFit:
    """Estimate the AKM model on `data`'s connected set (`connected`; the module doc)."""
    check_panel(data)
    d = connected(data)
    if d["firm"].nunique() < 2:
        raise ValueError("the connected set has one firm: there are no firm effects to compare")
    n = len(d)
    worker = pd.factorize(d["worker"])[0]
    firm, firms = pd.factorize(d["firm"], sort=True)
    year, years = pd.factorize(d["year"], sort=True)
    n_f, n_t = len(firms), len(years)
    if n_f > MAX_FIRMS:
        raise ValueError(f"the connected set has {n_f} firms; fit takes at most {MAX_FIRMS} "
                         "(its normal equations are solved dense)")
    y = d["log_wage"].to_numpy(float)
    rows = np.arange(n)
    on_f, on_t = firm > 0, year > 0          # the first firm and year are the references
    cols = np.concatenate([firm[on_f] - 1, n_f - 1 + year[on_t] - 1])
    x = sparse.csr_matrix((np.ones(cols.size), (np.concatenate([rows[on_f], rows[on_t]]), cols)),
                          shape=(n, n_f - 1 + n_t - 1))
    dmat = sparse.csr_matrix((np.ones(n), (rows, worker)))
    count = np.bincount(worker).astype(float)
    xtd = (x.T @ dmat).tocsr()                               # K × workers
    xtd_mean = xtd @ sparse.diags(1.0 / count)               # X'D(D'D)⁻¹: X'P_D = xtd_mean·D'
    s = (x.T @ x).toarray() - (xtd_mean @ xtd.T).toarray()
    b = x.T @ y - xtd_mean @ (dmat.T @ y)
    eigen = np.linalg.eigvalsh(s)
    if not eigen[0] > CONDITION * eigen[-1]:
        raise ValueError("the AKM design is singular: firm and year effects are not "
                         "separately identified in this panel")
    inverse = np.linalg.inv(s)
    beta = inverse @ b
    fitted = x @ beta
    alpha = (np.bincount(worker, weights=y - fitted) / count)[worker]
    resid = y - fitted - alpha
    dof = n - len(count) - (n_f - 1) - (n_t - 1)
    sigma2 = float(resid @ resid / dof) if dof > 0 else float("nan")
    psi = np.concatenate([[0.0], beta[:n_f - 1]])[firm]
    tau = np.concatenate([[0.0], beta[n_f - 1:]])[year]
    k_f = n_f - 1
    # firm part of X; A = (1/n)·X_f'(I − 11'/n)X_f with X_f'X_f = diag(c), c the
    # person-years per firm: tr(A·S⁻¹_ff) = (Σ c_j·S⁻¹_jj − c'S⁻¹_ff c / n) / n
    per_firm = np.bincount(firm, minlength=n_f)[1:].astype(float)
    s_ff = inverse[:k_f, :k_f]
    bias_firm = float((per_firm @ np.diag(s_ff) - per_firm @ s_ff @ per_firm / n) / n)
    # sorting: E[α̂'M₁ψ̂] − α'M₁ψ = −σ²·tr(Q·G), G = S⁻¹'s firm rows and
    # Q = X'P_D M₁ X_f = X'P_D X_f − (X'1)c'/n (P_D's rows average within worker, so
    # P_D·1 = 1); the first term is sparse, the second of rank one: no K × K product
    g = inverse[:k_f, :]
    q_sparse = (xtd_mean @ xtd[:k_f].T).tocsr()               # X'P_D X_f (D'X_f = xtd_f')
    trace = float(q_sparse.multiply(g.T).sum()) - float(per_firm @ g @ x.sum(axis=0).A1) / n
    bias_sorting = -2.0 * trace / n
    out = d.assign(alpha_hat=alpha, psi_hat=psi, tau_hat=tau)
    return AkmFit(out, sigma2, bias_firm, bias_sorting)


def shares(result: AkmFit) -> dict[str, float]:
    """Shares of log-wage variance over the connected set's person-years.

    `plug_in_*`: of the estimated effects; `corrected_*`: less the homoskedastic bias
    (σ̂² times `bias_*`); `known_*`: of the premium the model pays, ψ_it, and of
    α_it = log w_it − ψ_it (as `firm_premium_share` and `sorting_share`, pooled over the
    panel's years); `known_firm_fixed`: of the firm means of ψ_it, the part a
    time-invariant firm effect can represent. Also the movers per firm (workers seen at
    two firms or more, counted at each of their firms; median and minimum over firms).
    """
    d = result.data
    v = float(d["log_wage"].var(ddof=0))
    psi_hat, alpha_hat = d["psi_hat"].to_numpy(), d["alpha_hat"].to_numpy()
    known = d["premium"].to_numpy()
    fixed = d.groupby("firm")["premium"].transform("mean").to_numpy()

    def cov(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean((a - a.mean()) * (b - b.mean())))

    plug_firm, plug_sort = cov(psi_hat, psi_hat), 2.0 * cov(alpha_hat, psi_hat)
    pairs = d[["worker", "firm"]].drop_duplicates()
    mover = pairs["worker"].map(pairs["worker"].value_counts()) > 1
    movers = pairs[mover].groupby("firm").size().reindex(d["firm"].unique(), fill_value=0)
    return {
        "plug_in_firm": plug_firm / v, "plug_in_sorting": plug_sort / v,
        "corrected_firm": (plug_firm - result.sigma2 * result.bias_firm) / v,
        "corrected_sorting": (plug_sort - result.sigma2 * result.bias_sorting) / v,
        "known_firm": cov(known, known) / v,
        "known_sorting": 2.0 * cov(d["log_wage"].to_numpy() - known, known) / v,
        "known_firm_fixed": cov(fixed, fixed) / v,
        "movers_median": float(movers.median()), "movers_min": float(movers.min()),
        "person_years": float(len(d)), "firms": float(d["firm"].nunique()),
        "log_wage_variance": v}
