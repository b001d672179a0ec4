"""What a command handler, listener or job sees: who asked, when, the members, and what to send."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handlers.book import MemberBook, MemberChanges
from handlers.delivery import MessageKind, Outgoing
from handlers.errors import NotAMember, UnknownMember
from handlers.i18n import Catalogs, Translator, language_of
from handlers.models import Attachment, Identity, Member, MemberStatus, Reply, Role, RoleUpdate
from handlers.registry import MemberRef
from handlers.services import Services
from handlers.settings import CommunityConfig

log = logging.getLogger(__name__)

Callback = Callable[..., None]


@dataclass
class Context:
    """One unit of work: a command, an event or a job, in one transaction."""

    services: Services
    texts: Catalogs
    now: datetime
    actor: Identity | None = None
    member: Member | None = None
    role: Role = Role.EVERYONE
    event_id: str | None = None
    """The platform's id for what is being handled: source keys made from it count once."""
    display_name: str | None = None
    mentions: Mapping[str, Identity] = field(default_factory=dict)
    """`@name` tokens the adapter resolved to the person meant."""
    direct: bool = False
    """A person wrote to the bot directly: the choices answered to them can be answered by number."""
    locale: str | None = None
    """The language the asker's app is set to, when the platform says (a Discord interaction's locale)."""
    attachments: tuple[Attachment, ...] = ()
    """What the asker attached, as the adapter kept it (`stored`) or refused it (`refused`)."""
    outbox: list[Outgoing] = field(default_factory=list)
    """Messages sent once the transaction has committed."""
    role_updates: list[RoleUpdate] = field(default_factory=list)
    changes: MemberChanges = field(default_factory=MemberChanges)
    _after_commit: list[tuple[Callback, tuple[Any, ...]]] = field(default_factory=list)
    _after_rollback: list[tuple[Callback, tuple[Any, ...]]] = field(default_factory=list)
    members: MemberBook = field(init=False)
    """Every member read and write of this unit of work goes through it."""

    def __post_init__(self) -> None:
        self.members = MemberBook(self.services.members, self.now, self.changes)

    @property
    def config(self) -> CommunityConfig:
        return self.services.config

    # -- in whose language --------------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        """Texts for the asker: the language they chose, else their app's, else the community's."""
        chosen = self.member.language if self.member is not None else None
        return self.texts.translator(chosen or language_of(self.locale) or self.config.community.language)

    def t_for(self, member: Member | None) -> Translator:
        """Texts for another member (a notice to them): their language, else the community's."""
        chosen = member.language if member is not None else None
        return self.texts.translator(chosen or self.config.community.language)

    # -- in whose time zone -------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The asker's time zone: the one they set (or their number gave), else the community's."""
        return self.zone_for(self.member)

    def zone_for(self, member: Member | None) -> ZoneInfo:
        """Another member's time zone (a reminder to them), else the community's."""
        if member is not None and member.timezone:
            try:
                return ZoneInfo(member.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("member %s has an unknown time zone %r", member.id, member.timezone)
        return self.config.community.tz

    @property
    def t_community(self) -> Translator:
        """Texts for everyone (a channel post): the community's language."""
        return self.texts.translator(self.config.community.language)

    # -- after the transaction ------------------------------------------------------------------

    def on_commit(self, callback: Callback, *args: Any) -> None:
        """Run `callback(*args)` once the transaction has committed (in-memory state follows the database)."""
        self._after_commit.append((callback, args))

    def on_rollback(self, callback: Callback, *args: Any) -> None:
        """Run `callback(*args)` if the transaction is rolled back (a reservation in memory is given back)."""
        self._after_rollback.append((callback, args))

    def committed(self) -> None:
        _run_all(self._after_commit)

    def rolled_back(self) -> None:
        _run_all(self._after_rollback)

    # -- who ------------------------------------------------------------------------------------

    def require_member(self) -> Member:
        """The asker as an active member, or a clear refusal."""
        if self.member is None or self.member.status is MemberStatus.LEFT:
            raise NotAMember()
        return self.member

    async def resolve(self, ref: MemberRef, left: bool = False) -> Member:
        """The member named `@handle`, `+E164`, by a platform identity, or picked on a platform (one who
        left only when `left`)."""
        member: Member | None
        if ref.identity is not None:
            member = await self.members.by_identity(ref.identity)
        elif ref.raw in self.mentions:
            member = await self.members.by_identity(self.mentions[ref.raw])
        elif ref.raw.startswith("@"):
            member = await self.members.by_handle(ref.raw[1:])
        elif ref.raw.startswith("+"):
            member = await self._by_identity_text("whatsapp:" + ref.raw)
        else:
            member = await self._by_identity_text(ref.raw)
        if member is None or (member.status is MemberStatus.LEFT and not left):
            raise UnknownMember(ref.raw)
        return member

    async def _by_identity_text(self, text: str) -> Member | None:
        try:
            identity = Identity.parse(text)
        except ValueError:
            return None
        return await self.members.by_identity(identity)

    def source(self, what: str) -> str:
        """A unique ledger source for `what`: from the platform's event id when there is one (a replay
        counts once), otherwise a fresh id."""
        if self.event_id and self.actor is not None:
            return f"{what}:{self.actor.platform}:{self.event_id}"
        return f"{what}:{uuid.uuid4().hex}"

    # -- what to send ---------------------------------------------------------------------------

    def send_to_member(self, member: Member, reply: Reply, kind: MessageKind) -> None:
        """Queue a direct message to a member: it goes to the platform they used last that may receive
        it (the delivery policy decides when it is sent)."""
        self.outbox.append(Outgoing(_in(reply, self.t_for(member).language), member_id=member.id, kind=kind))

    def send_to(self, identity: Identity, reply: Reply, kind: MessageKind) -> None:
        """Queue a message to one identity (written in the asker's language unless the reply says)."""
        self.outbox.append(Outgoing(_in(reply, self.t.language), to=identity, kind=kind))

    def post(self, channel: str, reply: Reply, kind: MessageKind = MessageKind.ANNOUNCEMENT) -> None:
        self.outbox.append(Outgoing(reply, channel=channel, kind=kind))

    async def update_role(self, member: Member, role: str, grant: bool, reason: str) -> None:
        """Queue a platform role change on each of the member's identities (where roles exist)."""
        for identity in await self.members.identities(member.id):
            self.role_updates.append(RoleUpdate(identity, role, grant, reason))


def _in(reply: Reply, language: str) -> Reply:
    """The reply marked with the language it was written in (a WhatsApp template is chosen by it)."""
    return reply if reply.language is not None else replace(reply, language=language)


def _run_all(callbacks: list[tuple[Callback, tuple[Any, ...]]]) -> None:
    for callback, args in callbacks:
        try:
            callback(*args)
        except Exception:
            log.exception("a commit/rollback callback failed")
