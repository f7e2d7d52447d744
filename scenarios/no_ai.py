"""No AI: the counterfactual economy, identical except that A_t = 0 throughout."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "counterfactual without AI (A_t = 0 in every period)"
SEEDS = (1,)


def build_params() -> Params:
    """Baseline with ai_enabled=False."""
    return baseline().replace(ai_enabled=False)


if __name__ == "__main__":
    from scenarios.runner import main

    main(["no_ai"])
