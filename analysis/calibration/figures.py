"""Figures of the calibration (matplotlib, Agg): each saved as PNG (200 dpi) and PDF.

- `fit_figure`: every target, empirical value with its 95% interval beside the simulated
  moment at the estimate (one panel per target: the targets have different units);
- `sensitivity_heatmap`: effect on each parameter of each target being one SE higher,
  in units of that parameter's SE (AGS 2017 Λ scaled, `decompose.sensitivity`);
- `profile_figure`: ΔGini and the criterion along the proprietary share, the other
  parameters re-estimated at each point (`decompose.share_profile`).

Okabe-Ito colours and a diverging ColorBrewer RdBu map centred at 0 (colour-blind safe),
as the regime figures.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

BLACK, ORANGE, BLUE, VERMILLION, GREY = "#000000", "#E69F00", "#0072B2", "#D55E00", "#999999"
RC = {"font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9, "legend.fontsize": 7.5,
      "xtick.labelsize": 8, "ytick.labelsize": 8, "font.family": "DejaVu Sans",
      "axes.spines.top": False, "axes.spines.right": False}
Z95 = 1.959963984540054


def _save(fig: plt.Figure, path: Path) -> list[Path]:
    path = Path(path)
    out = [path.with_suffix(".png"), path.with_suffix(".pdf")]
    fig.savefig(out[0], dpi=200, bbox_inches="tight")
    fig.savefig(out[1], bbox_inches="tight")
    plt.close(fig)
    return out


def fit_figure(moments: pd.DataFrame, path: Path, *, mc_se: pd.Series | None = None,
               title: str = "Fit of each target at the estimate") -> list[Path]:
    """One panel per target: empirical ± 1.96 SE (black) and simulated (orange ± 1.96 MC SE).

    `moments`: index target names, columns empirical, se, simulated, t (Fit.moments).
    """
    n = len(moments)
    cols = min(n, 3)
    rows = int(np.ceil(n / cols))
    with plt.rc_context(RC):
        fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 2.0 * rows), squeeze=False)
        for ax, (name, r) in zip(axes.flat, moments.iterrows(), strict=False):
            ax.errorbar([0], [r["empirical"]], yerr=[Z95 * r["se"]], fmt="o", color=BLACK,
                        capsize=3, label="data ± 95%")
            err = None if mc_se is None or name not in mc_se else [Z95 * mc_se[name]]
            ax.errorbar([1], [r["simulated"]], yerr=err, fmt="D", color=ORANGE, capsize=3,
                        label="model")
            ax.set_xlim(-0.7, 1.7)
            ax.set_xticks([0, 1], ["data", "model"])
            ax.set_title(f"{name}\nt = {r['t']:+.2f}")
            ax.axhline(0, color=GREY, lw=0.5, zorder=0)
        for ax in list(axes.flat)[n:]:
            ax.axis("off")
        fig.suptitle(title, y=1.02)
        fig.tight_layout()
        return _save(fig, path)


def sensitivity_heatmap(sens: pd.DataFrame, path: Path, *,
                        kind: str = "bias_per_se_in_param_se") -> list[Path]:
    """Heat map (parameters × targets) of one sensitivity kind, annotated with its values."""
    t = sens[sens["kind"] == kind].pivot(index="parameter", columns="target", values="value")
    order_p = list(dict.fromkeys(sens["parameter"]))
    order_t = list(dict.fromkeys(sens["target"]))
    t = t.reindex(index=[p for p in order_p if p in t.index],
                  columns=[c for c in order_t if c in t.columns])
    v = t.to_numpy(float)
    finite = np.abs(v[np.isfinite(v)])
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(1.1 * t.shape[1] + 2.2, 0.55 * t.shape[0] + 1.4))
        im = ax.imshow(v, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                if np.isfinite(v[i, j]):
                    ax.text(j, i, f"{v[i, j]:+.2f}", ha="center", va="center", fontsize=7,
                            color="white" if abs(v[i, j]) > 0.6 * vmax else BLACK)
        ax.set_xticks(range(t.shape[1]), t.columns, rotation=30, ha="right")
        ax.set_yticks(range(t.shape[0]), t.index)
        label = {"bias_per_se_in_param_se": "change in the parameter (its SEs)\n"
                                            "if the target is 1 SE higher",
                 "bias_per_se": "change in the parameter\nif the target is 1 SE higher"
                 }.get(kind, kind)
        fig.colorbar(im, ax=ax, label=label, shrink=0.9)
        ax.set_title("Sensitivity of the estimate to each target (Andrews, Gentzkow & "
                     "Shapiro 2017)")
        fig.tight_layout()
        return _save(fig, path)


def profile_figure(profile: pd.DataFrame, path: Path, *, estimate: float | None = None,
                   criterion: float | None = None) -> list[Path]:
    """ΔGini (Gini points) and the criterion along the proprietary share (others re-fit)."""
    p = profile.sort_values("proprietary_share")
    s = p["proprietary_share"].to_numpy(float)
    with plt.rc_context(RC):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.0, 2.8))
        a1.plot(s, 100 * p["dgini_data_date"], "o-", color=BLUE, label="data date (m6 period)")
        if "dgini_long_run" in p:
            a1.plot(s, 100 * p["dgini_long_run"], "s--", color=VERMILLION, label="long run")
        a1.axhline(0, color=GREY, lw=0.6)
        a1.set_xlabel("proprietary share η1/(η0+η1)")
        a1.set_ylabel("ΔGini (Gini points)")
        a1.legend(frameon=False)
        a2.plot(s, p["criterion"], "o-", color=BLACK)
        if criterion is not None:
            a2.axhline(criterion, color=GREY, lw=0.6, ls=":", label="unrestricted minimum")
            a2.legend(frameon=False)
        a2.set_xlabel("proprietary share η1/(η0+η1)")
        a2.set_ylabel("criterion (squared-SE units)")
        for ax in (a1, a2):
            if estimate is not None:
                ax.axvline(estimate, color=ORANGE, lw=0.8, ls="--")
        fig.suptitle("Profile along the proprietary share, other parameters re-estimated")
        fig.tight_layout()
        return _save(fig, path)
