"""The open incidents' deadlines by urgency, as the dashboard's metrics show them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpenByUrgency:
    missed: int
    due_soon: int
    later: int
    pending: int

    @property
    def total(self) -> int:
        return self.missed + self.due_soon + self.later + self.pending
