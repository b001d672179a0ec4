"""The levels port: what other features (a poll's audience) may ask about a member's level."""

from __future__ import annotations

from typing import Protocol

from handlers.i18n import Translator
from handlers.key import Key


class Levels(Protocol):
    def level_names(self, t: Translator) -> list[str]:
        """The levels' names as the reader reads them, lowest first (`[[levels.tiers]]`)."""
        ...

    async def level_of(self, member_id: int) -> int:
        """The index of the member's level in `level_names` (from what they earned in all)."""
        ...


LEVELS: Key[Levels] = Key("levels")
