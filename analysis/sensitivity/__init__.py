"""Which parameters decide the regime (`abm sensitivity`, docs/SENSITIVITY.md).

- global sensitivity of ΔGini and of the regime indicator (SALib: Morris, then Sobol),
  on the analytic mean field with a sample of full simulations beside it;
- regime discovery: PRIM boxes where the concentrating regime lives, and the probability
  of each regime under the calibrated uncertainty.
"""

from analysis.sensitivity.outputs import MeanField, simulated_check  # noqa: E402
from analysis.sensitivity.ranges import RANGES, Range, default_ranges  # noqa: E402
from analysis.sensitivity.salib import morris, sobol  # noqa: E402
