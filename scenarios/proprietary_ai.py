"""Proprietary AI: AI access scales with firms' complementary assets (η0 = 0)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "all AI is proprietary (η0 = 0, η1 = 1, ψ = 1): its output is firm rent"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_params() -> Params:
    """Baseline with eta0=0.0, eta1=1.0."""
    return baseline().replace(eta0=0.0, eta1=1.0)


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["proprietary_ai", *sys.argv[1:]]))
