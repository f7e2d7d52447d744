"""Two regimes: the same economy and seed under commodity and under proprietary AI.

The headline paradox. In both variants AI compresses within-task dispersion of
individual performance by the same amount (same total AI intensity η0 + η1 = 1); what
differs is who can hold the AI. Commodity AI is sold to every employer alike, so
competition passes its output to workers (less the vendors' markup), and the only value
it shifts to owners is through complementarity: firms' scarce assets gain value as
effective labour becomes abundant (ε < 1). Proprietary AI is held in proportion to
concentrated assets (ψ > 0): the marginal employer has little of it, so it is firm rent,
mostly owners'. The no-AI counterfactual runs beside them (docs/MODEL.md §3.5-3.7).
"""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "commodity vs proprietary AI from the same seed: CV falls in both, Gini splits"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_variants() -> dict[str, Params]:
    """No-AI counterfactual, commodity AI and proprietary AI."""
    base = baseline()
    return {
        "no_ai": base.replace(ai_enabled=False),
        "commodity_ai": base.replace(eta0=1.0, eta1=0.0),
        "proprietary_ai": base.replace(eta0=0.0, eta1=1.0),
    }


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["two_regimes", *sys.argv[1:]]))
