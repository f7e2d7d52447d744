"""Baseline: a mixed AI technology (half commodity, half proprietary) at default institutions."""

from abm import Params

DESCRIPTION = "default economy: AI half commodity, half proprietary; ξ = 0.1, Gini(K) = 0.6"
SEEDS = (1,)


def build_params() -> Params:
    """The reference parameter set every other scenario differs from."""
    return Params()


if __name__ == "__main__":
    from scenarios.runner import main

    main(["baseline"])
