"""AKM on the model's matched employer-employee panel (`abm akm`, docs/MODEL.md §3.3.3).

The data's firm-premium shares come from AKM regressions, log w_it = α_i + ψ_j(i,t) +
τ_t + ε_it, estimated on workers who move between firms. With few movers per firm the
plug-in variance of the estimated ψ is biased up (limited mobility bias; Andrews, Gill,
Schank & Upward 2008), and corrected estimates are a half to two thirds of the plug-in
ones. The model knows its premia, ψ = log(1 + ξπ_j), so `firm_premium_share` needs no
estimation; this package estimates them as an empiricist would from the model's panel,
so that the model is compared with the data estimate for estimate: `panel` collects the
employed person-years of a run, `fit` estimates the AKM model on the largest connected
set, and `shares` decomposes the log-wage variance three ways (plug-in, the
homoskedastic correction, and the premium the model knows).

Why not PyTwoWay, the package of Bonhomme et al. (2023), which implements these
estimators and more: it requires BipartitePandas, which requires pandas ≤ 2.0.3, and
the project runs on pandas 3 (pip would downgrade it, and pandas 2.0 does not support
numpy 2). The regression here is a few sparse products and one dense solve of the
J + T normal equations, with the correction in closed form.
"""

from analysis.akm.estimate import AkmFit, fit, shares
from analysis.akm.panel import PANEL_COLUMNS, panel

__all__ = ["PANEL_COLUMNS", "AkmFit", "fit", "panel", "shares"]
