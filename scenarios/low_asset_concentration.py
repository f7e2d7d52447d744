"""Low asset concentration: complementary assets spread evenly (Gini(K) = 0.2)."""

from abm import Params
from scenarios.baseline import build_params as baseline

DESCRIPTION = "complementary assets spread evenly, Gini(K) = 0.2"
# ten replicate seeds: enough for a t test of ΔGini against 0 (t(9) = 2.26)
SEEDS = tuple(range(1, 11))


def build_params() -> Params:
    """Baseline with asset_gini=0.2."""
    return baseline().replace(asset_gini=0.2)


if __name__ == "__main__":
    import sys

    from scenarios.runner import main

    sys.exit(main(["low_asset_concentration", *sys.argv[1:]]))
