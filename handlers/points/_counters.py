"""Today's limits per member, as the engine keeps them in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class Counters:
    """Today's (community time zone) limits for one member."""

    activity_points: int = 0
    last_activity_at: datetime | None = None
    kudos_given: int = 0

    def give_back_kudos(self) -> None:
        self.kudos_given -= 1


UNKNOWN: Any = object()
"""What the member cache holds for an identity it has not looked up yet (None means: not a member)."""
