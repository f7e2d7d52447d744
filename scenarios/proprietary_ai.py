"""Proprietary AI: AI access scales with firms' complementary assets (η0 = 0)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "all AI is proprietary (η0 = 0, η1 = 1, ψ = 1): its output is firm rent"
SEEDS = (1,)


def build_params() -> Params:
    """Baseline with eta0=0.0, eta1=1.0."""
    return baseline().replace(eta0=0.0, eta1=1.0)


if __name__ == "__main__":
    from scenarios.runner import main

    main(["proprietary_ai"])
