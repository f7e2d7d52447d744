"""Worker: a person who supplies labour on one task and may own firm equity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.agents._view import ArrayView
from abm.state import UNEMPLOYED

if TYPE_CHECKING:
    from abm.agents.firm import Firm


class Worker(mesa.Agent):
    """State is held in `model.economy.workers`; attributes are views onto it.

    Ability θ is private: employers see only `education` (the credential) and `signal`.
    """

    ability = ArrayView("workers")
    education = ArrayView("workers", int)
    human_capital = ArrayView("workers")
    task = ArrayView("workers", int)
    employer = ArrayView("workers", int)
    signal = ArrayView("workers")
    output = ArrayView("workers")
    ai_use = ArrayView("workers")
    wage = ArrayView("workers")
    capital_income = ArrayView("workers")
    transfer = ArrayView("workers")
    income = ArrayView("workers")
    unemployment_duration = ArrayView("workers", int)

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def employed(self) -> bool:
        """Whether the worker has an employer this period."""
        return self.employer != UNEMPLOYED

    @property
    def firm(self) -> Firm | None:
        """The employing Firm agent (None if unemployed)."""
        j = self.employer
        return None if j == UNEMPLOYED else self.model.firm_agents[j]

    @property
    def owner(self) -> bool:
        """Whether the worker holds equity in some firm."""
        return bool(self.index in self.model.owner_set)
