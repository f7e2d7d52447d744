"""Figures of the sensitivity analysis (matplotlib, Agg), saved as PNG and PDF.

- `sobol_bars`: per output, a horizontal bar chart of S1 and ST with their 95%
  bootstrap intervals, parameters sorted by ST (a tornado of variance shares);
- `morris_plane`: per output, μ* against σ with μ*'s interval; parameters far from the
  origin matter, those above the diagonal act through interactions or non-linearity.

Colours are the Okabe-Ito palette (colour-blind safe), as in the regime figures.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.regimes.figures import OKABE_ITO, RC  # noqa: E402

TITLES = {"dgini": "ΔGini (mean field)", "concentrating": "regime indicator (1 = concentrating)"}


def _label(name: str, symbols: dict[str, str]) -> str:
    sym = symbols.get(name)
    return f"{name} ({sym})" if sym and sym != name else name


def _save(fig: plt.Figure, path: Path) -> None:
    fig.savefig(path.with_suffix(".png"), dpi=200, bbox_inches="tight")
    fig.savefig(path.with_suffix(".pdf"), bbox_inches="tight")
    plt.close(fig)


def sobol_bars(table: pd.DataFrame, path: Path, *, symbols: dict[str, str] | None = None,
               subtitle: str = "") -> None:
    """S1 and ST with intervals, one panel per output (columns of `sobol.csv`)."""
    symbols = symbols or {}
    outputs = list(dict.fromkeys(table["output"]))
    with plt.rc_context(RC):
        fig, axes = plt.subplots(1, len(outputs), figsize=(3.6 * len(outputs), 0.32
                                 * table["parameter"].nunique() + 1.4), squeeze=False)
        for ax, out in zip(axes[0], outputs):
            t = table[table["output"] == out].sort_values("ST")
            y = np.arange(len(t))
            for dy, col, colour in ((0.18, "ST", OKABE_ITO["vermillion"]),
                                    (-0.18, "S1", OKABE_ITO["blue"])):
                ax.barh(y + dy, t[col], height=0.34, color=colour, label=col,
                        xerr=t[f"{col}_conf"], error_kw={"elinewidth": 0.8, "capsize": 1.5,
                                                         "ecolor": "#333333"})
            ax.set_yticks(y, [_label(p, symbols) for p in t["parameter"]])
            ax.axvline(0, color="black", lw=0.6)
            ax.set_xlabel("share of variance")
            ax.set_title(TITLES.get(out, out))
            ax.legend(loc="lower right", frameon=False)
        if subtitle:
            fig.suptitle(subtitle, fontsize=8, y=1.0)
        fig.tight_layout()
        _save(fig, path)


def morris_plane(table: pd.DataFrame, path: Path, *, symbols: dict[str, str] | None = None,
                 subtitle: str = "") -> None:
    """μ* against σ per output (columns of `morris.csv`), each point labelled."""
    symbols = symbols or {}
    outputs = list(dict.fromkeys(table["output"]))
    with plt.rc_context(RC):
        fig, axes = plt.subplots(1, len(outputs), figsize=(3.8 * len(outputs), 3.4),
                                 squeeze=False)
        for ax, out in zip(axes[0], outputs):
            t = table[table["output"] == out]
            ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", ms=3.5,
                        color=OKABE_ITO["blue"], ecolor=OKABE_ITO["grey"], elinewidth=0.8)
            top = float(max(t["mu_star"].max(), t["sigma"].max(), 1e-12)) * 1.1
            ax.plot([0, top], [0, top], ls="--", lw=0.6, color=OKABE_ITO["grey"])
            # parameters at the same point (ties are common for a step output) share
            # one label
            labels: dict[tuple[float, float], list[str]] = {}
            for _, r in t.iterrows():
                at = (round(float(r["mu_star"]), 12), round(float(r["sigma"]), 12))
                labels.setdefault(at, []).append(symbols.get(r["parameter"], r["parameter"]))
            for (mx, sx), names in labels.items():
                ax.annotate(", ".join(names), (mx, sx), xytext=(3, 2),
                            textcoords="offset points", fontsize=7)
            ax.set_xlim(0, top)
            ax.set_ylim(0, top)
            ax.set_xlabel("μ* (mean |elementary effect| per full range)")
            ax.set_ylabel("σ (sd of elementary effects)")
            ax.set_title(TITLES.get(out, out))
        if subtitle:
            fig.suptitle(subtitle, fontsize=8, y=1.0)
        fig.tight_layout()
        _save(fig, path)


def simulated_scatter(table: pd.DataFrame, path: Path, *, subtitle: str = "") -> None:
    """Simulated mean ΔGini (± 2 SE) against the mean field's at the checked points."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(3.6, 3.4))
        x, y, e = (100 * table[c].to_numpy(float) for c in ("dgini", "sim_dgini", "sim_se"))
        ax.errorbar(x, y, yerr=2 * e, fmt="o", ms=3.5, color=OKABE_ITO["blue"],
                    ecolor=OKABE_ITO["grey"], elinewidth=0.8)
        lo, hi = float(min(x.min(), y.min(), 0)), float(max(x.max(), y.max(), 0))
        pad = 0.05 * (hi - lo or 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], ls="--", lw=0.6, color="black")
        ax.axhline(0, lw=0.5, color=OKABE_ITO["grey"])
        ax.axvline(0, lw=0.5, color=OKABE_ITO["grey"])
        ax.set_xlabel("mean-field ΔGini (Gini points)")
        ax.set_ylabel("simulated ΔGini, mean ± 2 SE (Gini points)")
        if subtitle:
            ax.set_title(subtitle, fontsize=8)
        fig.tight_layout()
        _save(fig, path)
