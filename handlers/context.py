"""What a command handler, listener or job sees: who asked, when, and the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from handlers.errors import NotFound, PermissionDenied
from handlers.models import (
    Identity,
    IncomingMessage,
    Member,
    MemberStatus,
    Outgoing,
    Reply,
    Role,
    RoleUpdate,
)
from handlers.registry import MemberRef
from handlers.services import Services
from handlers.settings import CommunityConfig


@dataclass
class Context:
    services: Services
    now: datetime
    actor: Identity | None = None
    member: Member | None = None
    role: Role = Role.EVERYONE
    message: IncomingMessage | None = None
    outbox: list[Outgoing | RoleUpdate] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    """Run once the transaction has committed (e.g. to update in-memory caches)."""
    on_rollback: list[Callable[[], None]] = field(default_factory=list)
    """Run when the transaction is rolled back (e.g. to release an in-memory reservation)."""

    @property
    def config(self) -> CommunityConfig:
        return self.services.config

    def require_member(self) -> Member:
        """The asker as an active member, or a clear refusal."""
        if self.member is None or self.member.status is MemberStatus.LEFT:
            raise PermissionDenied("You are not a member yet: send JOIN to join.")
        return self.member

    async def resolve(self, ref: MemberRef) -> Member:
        """Look up `@handle`, `+E164`, a Discord mention or a platform identity."""
        raw = ref.raw
        member: Member | None = None
        if raw.startswith("<@") and raw.endswith(">"):
            raw = "discord:" + raw.strip("<@!>")
        if self.message is not None and raw in self.message.mentions:
            member = await self.services.members.by_identity(self.message.mentions[raw])
        elif raw.startswith("@"):
            member = await self.services.members.by_handle(raw[1:].lower())
        elif raw.startswith("+"):
            member = await self._by_identity_text("whatsapp:" + raw)
        else:
            member = await self._by_identity_text(raw)
        if member is None or member.status is MemberStatus.LEFT:
            raise NotFound(f"I don't know {ref.raw} here: they need to JOIN first.")
        return member

    async def _by_identity_text(self, text: str) -> Member | None:
        try:
            identity = Identity.parse(text)
        except ValueError:
            return None
        return await self.services.members.by_identity(identity)

    async def send_to_member(self, member: Member, reply: Reply, kind: str = "notice") -> None:
        """Queue a direct message to a member on their most recently used platform."""
        identities = await self.services.members.identities(member.id)
        if identities:
            self.outbox.append(Outgoing(reply, to=identities[0], kind=kind))

    def send_to(self, identity: Identity, reply: Reply, kind: str = "notice") -> None:
        self.outbox.append(Outgoing(reply, to=identity, kind=kind))

    def post(self, channel: str, reply: Reply, kind: str = "announcement") -> None:
        self.outbox.append(Outgoing(reply, channel=channel, kind=kind))

    async def update_role(self, member: Member, role: str, grant: bool, reason: str) -> None:
        """Queue a platform role change on each of the member's identities (where roles exist)."""
        for identity in await self.services.members.identities(member.id):
            self.outbox.append(RoleUpdate(identity, role, grant, reason))
