"""What the challenges feature keeps: challenges, submissions and their review, the winners."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from handlers.challenges._models import Challenge, ChallengeDraft, Submission
from handlers.key import Key
from handlers.models import Attachment


class ChallengeRepository(Protocol):
    async def create(self, draft: ChallengeDraft, created_by: int | None, now: datetime) -> Challenge: ...
    async def challenge(self, challenge_id: int) -> Challenge | None: ...
    async def listed(self, since: datetime) -> list[Challenge]:
        """Open challenges, and those that ended after `since`, the soonest end first."""
        ...

    async def submit(
        self, challenge_id: int, member_id: int, text: str, state: str, media: list[Attachment], now: datetime
    ) -> int:
        """The new submission's number; `media` are attachments the adapter kept (`stored`)."""
        ...

    async def submitted(self, challenge_id: int, member_id: int) -> int:
        """How many submissions of the member's count against the limit (not the rejected ones)."""
        ...

    async def submission(self, submission_id: int) -> Submission | None: ...
    async def submissions_of(self, member_id: int, challenge_ids: list[int]) -> list[Submission]: ...
    async def pending(self, limit: int) -> list[Submission]:
        """Submissions waiting for review, oldest first."""
        ...

    async def pending_count(self, challenge_id: int) -> int: ...
    async def review(
        self, submission_id: int, state: str, reason: str | None, by: int | None, now: datetime
    ) -> bool:
        """Approve or reject a pending submission; False when it was reviewed already (reviewed once)."""
        ...

    async def most_approved(self, challenge_id: int, limit: int) -> list[int]:
        """Members with the most approved submissions (ties: who reached it first)."""
        ...

    async def set_state(self, challenge_id: int, old: str, new: str, now: datetime) -> bool: ...
    async def add_winners(self, challenge_id: int, member_ids: list[int]) -> None: ...
    async def winners(self, challenge_id: int) -> list[tuple[int, str]]:
        """(member id, handle), in the order they were named."""
        ...

    async def ended_between(self, since: datetime, until: datetime) -> list[Challenge]:
        """Challenges whose winners were announced from `since` to `until` (the newsletter's week)."""
        ...

    async def open_at(self, moment: datetime) -> list[Challenge]:
        """Challenges taking submissions at `moment`, the soonest end first."""
        ...


CHALLENGES: Key[ChallengeRepository] = Key("challenges")
