"""Which parameters decide the regime (`abm sensitivity`, docs/SENSITIVITY.md).

- global sensitivity of ΔGini and of the regime indicator (SALib: Morris, then Sobol),
  on the analytic mean field with a sample of full simulations beside it;
- regime discovery: PRIM boxes where the concentrating regime lives, and the probability
  of each regime under the calibrated uncertainty.
"""
