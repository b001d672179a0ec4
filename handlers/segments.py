"""The segments port: which segments a member's onboarding answers put them in (a poll's audience)."""

from __future__ import annotations

from typing import Protocol

from handlers.key import Key


class Segments(Protocol):
    def known_segments(self) -> set[str]:
        """Every segment an answer of the community file's questions leads to."""
        ...

    async def segments_of(self, member_id: int) -> set[str]: ...


SEGMENTS: Key[Segments] = Key("segments")
