"""When a simulated effect is a regime: mean, standard error and a t test over seeds.

One rule for every place that names a regime (`abm run`, `abm regimes`, the browser
view): the mean change in the income Gini over independent seeds is called
"concentrating" (> 0) or "equalizing" (< 0) only when it is distinguishable from zero
by a two-sided t test at the 5% level with n − 1 degrees of freedom,

    |mean| > t_{0.975, n−1} · SE,    SE = sd / √n,

otherwise it is "not distinguishable from 0". The t critical value matters with few
seeds: 12.71 with 2 seeds, 4.30 with 3, 2.26 with 10, against 1.96 for a normal
(Student 1908, Biometrika 6(1), doi:10.2307/2331554). A single seed has no standard
error, so it never names a regime.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
NOT_DISTINGUISHABLE = "not distinguishable from 0"


def t_critical(n: int, level: float = LEVEL) -> float:
    """Two-sided critical value of Student's t with n − 1 degrees of freedom (inf if n < 2)."""
    if n < 2:
        return math.inf
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2.0, n - 1))


@dataclass(frozen=True)
class Estimate:
    """Mean over seeds, its standard error and the number of seeds."""

    mean: float
    se: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float] | np.ndarray) -> Estimate:
        """Estimate from one value per seed (SE is NaN with fewer than two)."""
        x = np.asarray(values, dtype=float)
        n = int(x.size)
        mean = float(x.mean()) if n else math.nan
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        return cls(mean, se, n)

    @property
    def critical(self) -> float:
        """t critical value for this number of seeds."""
        return t_critical(self.n)

    @property
    def distinguishable(self) -> bool:
        """|mean| exceeds the t critical value times the standard error."""
        return distinguishable(self.mean, self.se, self.n)

    def sign_label(self, positive: str = "concentrating", negative: str = "equalizing") -> str:
        """`positive` / `negative` when distinguishable from 0, else "not distinguishable"."""
        if not self.distinguishable:
            return NOT_DISTINGUISHABLE
        return positive if self.mean > 0 else negative

    def format(self, digits: int = 3) -> str:
        """"+0.077 ± 0.002" (the ± part omitted with one seed)."""
        if self.n < 2 or not math.isfinite(self.se):
            return f"{self.mean:+.{digits}f}"
        return f"{self.mean:+.{digits}f} ± {self.se:.{digits}f}"


def distinguishable(mean: float, se: float, n: int, level: float = LEVEL) -> bool:
    """True when a mean over n seeds differs from 0 by the two-sided t test.

    An SE of exactly 0 with a non-zero mean (identical seeds' effects) counts as
    distinguishable; NaN (one seed) never does.
    """
    if n < 2 or not (math.isfinite(mean) and math.isfinite(se)):
        return False
    if se == 0:
        return mean != 0
    return abs(mean) > t_critical(n, level) * se


def regime(estimate: Estimate, ai: bool = True) -> str:
    """Regime named by the change in the income Gini: "no AI" when AI never arrived."""
    return estimate.sign_label() if ai else "no AI"
