"""Low asset concentration: complementary assets spread evenly (Gini(K) = 0.2)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "complementary assets spread evenly, Gini(K) = 0.2"
SEEDS = (1,)


def build_params() -> Params:
    """Baseline with asset_gini=0.2."""
    return baseline().replace(asset_gini=0.2)


if __name__ == "__main__":
    from scenarios.runner import main

    main(["low_asset_concentration"])
