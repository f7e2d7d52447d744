"""Calibrated: the economy estimated by the Method of Simulated Moments on six targets.

The parameters come from the committed estimate `analysis/data/calibrated.json`, written
by `abm calibrate --out results/calibration` (docs/CALIBRATION.md): the AI weight α, the
return to schooling γ, rent sharing ξ and the proprietary share s = η1/(η0+η1) at their
estimates, ability dispersion held at its scenario-axis value, and the base economy's
heterogeneous schooling costs. Everything else is the baseline's. The variants put the
headline comparison at this economy: the estimated technology mix, all-commodity and
all-proprietary AI (η0 + η1 unchanged), and the no-AI counterfactual, over 30 years.
"""

from pathlib import Path

from abm import Params

DESCRIPTION = "economy estimated by MSM (analysis/data/calibrated.json): estimated AI mix, " \
              "commodity, proprietary, no AI"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))
ESTIMATE = Path(__file__).resolve().parent.parent / "analysis" / "data" / "calibrated.json"


def build_params() -> Params:
    """The calibrated economy over the baseline's horizon (the estimate's base runs to
    the data date only)."""
    from analysis.calibration.store import load_fit

    return load_fit(ESTIMATE).to_params().replace(n_periods=Params().n_periods)


def build_variants() -> dict[str, Params]:
    """No-AI counterfactual, the estimated AI mix, and the two pure technologies."""
    base = build_params()
    total = base.eta0 + base.eta1
    return {
        "no_ai": base.replace(ai_enabled=False),
        "calibrated": base,
        "commodity_ai": base.replace(eta0=total, eta1=0.0),
        "proprietary_ai": base.replace(eta0=0.0, eta1=total),
    }


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["calibrated", *sys.argv[1:]]))
