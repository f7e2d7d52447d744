"""A descriptor that makes an agent attribute a view onto one element of a state array."""

from __future__ import annotations

from typing import Any


class ArrayView:
    """`agent.<name>` reads/writes `model.economy.<group>.<name>[agent.index]`.

    The array is looked up on every access because phases may replace arrays wholesale;
    nothing is cached or copied, so an agent always shows the current state.
    """

    def __init__(self, group: str, cast: type = float) -> None:
        self.group = group
        self.cast = cast
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        array = getattr(getattr(agent.model.economy, self.group), self.name)
        return self.cast(array[agent.index])

    def __set__(self, agent: Any, value: Any) -> None:
        array = getattr(getattr(agent.model.economy, self.group), self.name)
        array[agent.index] = value
