"""High rent sharing: workers capture half of firm rents (ξ = 0.5)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "strong rent sharing ξ = 0.5 with the baseline technology"
SEEDS = (1,)


def build_params() -> Params:
    """Baseline with xi=0.5."""
    return baseline().replace(xi=0.5)


if __name__ == "__main__":
    from scenarios.runner import main

    main(["high_rent_sharing"])
