"""Commodity AI: every firm and every worker can buy the same AI (η1 = 0)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "all AI is commodity (η0 = 1, η1 = 0): its output flows to workers"
SEEDS = (1,)


def build_params() -> Params:
    """Baseline with eta0=1.0, eta1=0.0."""
    return baseline().replace(eta0=1.0, eta1=0.0)


if __name__ == "__main__":
    from scenarios.runner import main

    main(["commodity_ai"])
