"""Commodity AI: every firm and every worker can buy the same AI (η1 = 0)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "all AI is commodity (η0 = 1, η1 = 0): its output flows to workers"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_params() -> Params:
    """Baseline with eta0=1.0, eta1=0.0."""
    return baseline().replace(eta0=1.0, eta1=0.0)


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["commodity_ai", *sys.argv[1:]]))
