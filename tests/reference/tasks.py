"""A task (occupation): a market with its own price and screening, not an agent.

Holds what is task-wide in the rules: the AI-exposure frontier (docs/MODEL.md §3.2), the
employers' screening belief and credential requirement (§3.3.2), the employment rates by
credential that workers expect when they choose schooling (§3.4), and the task's output,
price and labour price (§3.5). The model's phases set these fields, looping over tasks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Task:
    """One task (occupation): not an agent, a market with its own price and screening."""

    index: int
    codifiable: bool
    skill_intensity: float
    ai_weight: float
    threshold: float
    weight: float
    price: float
    output: float = 0.0
    augmentable: bool = False
    requirement: float = 0.0
    requirement_effective: int = 0
    belief: tuple[float, float, float] = (0.0, 1.0, 0.0)
    signal_sd: float = 0.0
    diagnostic_variance: float = 0.0
    emp_rate_eligible: float = 1.0
    emp_rate_ineligible: float = 0.0
    labour_price: float = 0.0
    skill_return: float = 1.0

    def human_input(self, human_capital: float) -> float:
        """h^λ·φ: a worker's human input on this task (λ = 1: h·φ)."""
        h = human_capital if self.skill_return == 1.0 else human_capital ** self.skill_return
        return h * self.skill_intensity

    def ai_per_access(self, capability: float) -> float:
        """α(z)·A_t on augmentable tasks (0 elsewhere), per unit of AI access."""
        return self.ai_weight * capability * float(self.augmentable)
