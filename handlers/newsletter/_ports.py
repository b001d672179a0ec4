"""What the newsletter keeps: issues, picks and guest posts, scheduled announcements."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.newsletter._models import (
    Announcement,
    AnnouncementDraft,
    Compiled,
    Issue,
    IssueState,
    Pick,
    PickKind,
    PickState,
)


class NewsletterRepository(Protocol):
    async def add_issue(self, compiled: Compiled, state: IssueState, now: datetime) -> Issue:
        """Store an issue (numbered when sent) and mark the approved picks it carries published."""
        ...

    async def issue(self, number: int) -> Issue | None: ...
    async def latest(self) -> Issue | None:
        """The latest sent issue."""
        ...

    async def issues(self, limit: int) -> list[Issue]:
        """Sent issues, the latest first."""
        ...

    async def last_until(self) -> datetime | None:
        """Where the last issue's week ended (sent or skipped): the next one starts there."""
        ...

    async def add_pick(self, kind: PickKind, text: str, member_id: int | None, now: datetime) -> Pick:
        """A moderator's addition (approved at once) or a member's guest post (pending)."""
        ...

    async def pick(self, pick_id: int) -> Pick | None: ...
    async def picks(self, state: PickState, limit: int) -> list[Pick]:
        """Oldest first."""
        ...

    async def review(self, pick_id: int, state: PickState, by: int | None, now: datetime) -> bool:
        """Approve or reject a pending guest post; False when it was not pending."""
        ...

    async def add_announcement(
        self, draft: AnnouncementDraft, by: int | None, now: datetime
    ) -> Announcement: ...
    async def announcement(self, announcement_id: int) -> Announcement | None: ...
    async def scheduled(self) -> list[Announcement]:
        """Scheduled announcements, the next first."""
        ...

    async def edit_announcement(self, announcement_id: int, text: str) -> bool: ...
    async def posted(self, announcement_id: int, next_at: datetime | None, now: datetime) -> None:
        """It went out; `next_at` is its next time (None: done)."""
        ...

    async def cancel_announcement(self, announcement_id: int) -> bool:
        """False when it was not scheduled."""
        ...


NEWSLETTER: Key[NewsletterRepository] = Key("newsletter")
