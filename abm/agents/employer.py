"""Employer: the hiring side of a firm (vacancies, screening rule, hires, separations)."""

from __future__ import annotations

import mesa

from abm.agents._view import ArrayView


class Employer(mesa.Agent):
    """Views onto the firm's hiring arrays plus the task-level screening rule it applies.

    Employers on a task share one belief (the market's screening technology), so the
    rule is read from `model.economy.tasks`.
    """

    vacancies = ArrayView("firms", int)
    hires = ArrayView("firms", int)
    separations = ArrayView("firms", int)

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def credential_requirement(self) -> list[float]:
        """Posted credential requirement per task."""
        return self.model.economy.tasks.requirement.tolist()

    @property
    def signal_weight(self) -> list[float]:
        """Weight b_s on the work-sample signal per task."""
        return self.model.economy.tasks.belief[:, 1].tolist()

    @property
    def credential_weight(self) -> list[float]:
        """Weight b_e on the credential per task."""
        return self.model.economy.tasks.belief[:, 2].tolist()

    @property
    def diagnostic_variance(self) -> list[float]:
        """Believed V_D per task."""
        return self.model.economy.tasks.diagnostic_variance.tolist()
