"""Firm: holds complementary assets K, AI access, and produces with its workers."""

from __future__ import annotations

import mesa
import numpy as np

from abm.agents._view import ArrayView


class Firm(mesa.Agent):
    """State is held in `model.economy.firms`; attributes are views onto it."""

    assets = ArrayView("firms")
    ai_access = ArrayView("firms")
    asset_productivity = ArrayView("firms")
    employment = ArrayView("firms", int)
    value_added = ArrayView("firms")
    rents = ArrayView("firms")
    ai_rents = ArrayView("firms")
    taxes = ArrayView("firms")
    wage_bill = ArrayView("firms")
    owner_income = ArrayView("firms")
    rent_factor = ArrayView("firms")

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def owners(self) -> list[int]:
        """Worker indices holding equity in this firm."""
        own = self.model.economy.ownership
        return own.person[own.firm == self.index].tolist()

    @property
    def workers(self) -> np.ndarray:
        """Indices of the firm's current workers."""
        return np.flatnonzero(self.model.economy.workers.employer == self.index)
