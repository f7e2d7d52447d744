"""No AI: the counterfactual economy, identical except that A_t = 0 throughout."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "counterfactual without AI (A_t = 0 in every period)"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_params() -> Params:
    """Baseline with ai_enabled=False."""
    return baseline().replace(ai_enabled=False)


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["no_ai", *sys.argv[1:]]))
