"""The members as a command sees them: reads, and writes that the features' caches hear of.

Every member write in a command goes through the book, which records what changed; once the transaction
commits, the core tells each feature's `members_changed` hook (the points feature keeps members in
memory). A feature cannot forget to invalidate a cache, because it never writes members another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.models import Identity, Member, MemberStatus
from handlers.ports import MemberRepository


@dataclass
class MemberChanges:
    """What one unit of work changed about members: told to the features after it commits."""

    members: set[int] = field(default_factory=set)
    identities: set[Identity] = field(default_factory=set)
    merges: list[tuple[int, int]] = field(default_factory=list)
    """(source, target): the source member now is part of the target."""

    def __bool__(self) -> bool:
        return bool(self.members or self.identities or self.merges)


class MemberBook:
    def __init__(self, repo: MemberRepository, now: datetime, changes: MemberChanges) -> None:
        self.repo = repo
        self.now = now
        self.changes = changes

    async def by_identity(self, identity: Identity) -> Member | None:
        return await self.repo.by_identity(identity)

    async def by_handle(self, handle: str) -> Member | None:
        return await self.repo.by_handle(handle.lower())

    async def by_id(self, member_id: int) -> Member | None:
        return await self.repo.by_id(member_id)

    async def identities(self, member_id: int) -> list[Identity]:
        return await self.repo.identities(member_id)

    async def create(
        self, identity: Identity, display_name: str, handle: str, status: MemberStatus
    ) -> Member:
        member = await self.repo.create(identity, display_name, handle, status, self.now)
        self.changes.members.add(member.id)
        self.changes.identities.add(identity)
        return member

    async def set_status(self, member_id: int, status: MemberStatus) -> Member:
        member = await self.repo.set_status(member_id, status, self.now)
        self.changes.members.add(member_id)
        return member

    async def set_language(self, member_id: int, language: str | None) -> Member:
        member = await self.repo.set_language(member_id, language, self.now)
        self.changes.members.add(member_id)
        return member

    async def set_timezone(self, member_id: int, zone: str | None) -> Member:
        member = await self.repo.set_timezone(member_id, zone, self.now)
        self.changes.members.add(member_id)
        return member

    async def attach(self, identity: Identity, member_id: int) -> None:
        await self.repo.attach(identity, member_id, self.now)
        self.changes.members.add(member_id)
        self.changes.identities.add(identity)

    async def forget(self, member_id: int) -> list[str]:
        """Erase what identifies the member (see MemberRepository.forget); returns the media keys to remove
        once committed. Every cache of the member and of their identities is dropped after the commit."""
        identities = await self.repo.identities(member_id)
        keys = await self.repo.forget(member_id, self.now)
        self.changes.members.add(member_id)
        self.changes.identities.update(identities)
        return keys

    def remove_media(self, keys: list[str]) -> None:
        self.repo.remove_media(keys)

    async def merge(self, source_id: int, target_id: int) -> None:
        await self.repo.merge(source_id, target_id, self.now)
        self.changes.members.update((source_id, target_id))
        self.changes.merges.append((source_id, target_id))
