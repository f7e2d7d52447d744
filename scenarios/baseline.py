"""Baseline: a mixed AI technology (half commodity, half proprietary) at default institutions."""

from abm import Params

DESCRIPTION = "default economy: AI half commodity, half proprietary; ξ = 0.1, Gini(K) = 0.6"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_params() -> Params:
    """The reference parameter set every other scenario differs from."""
    return Params()


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["baseline", *sys.argv[1:]]))
