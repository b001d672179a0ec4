"""What adapters hand the core: one type per kind of event, each with only its own fields.

Adapters turn platform syntax into these: a Discord user mention or a picked user becomes an `@name`
token in the text with its identity in `mentions`, so nothing under `handlers/` reads platform syntax.
An event's `event_id` is the platform's id for it: the core handles each id once, so a replayed delivery
(a Twilio retry, a Discord event replay) has no second effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from handlers.models import Attachment, Identity, Role


@dataclass(frozen=True)
class DirectMessage:
    """A person wrote to the bot (a WhatsApp message, a Discord DM, a console line, a clicked choice)."""

    identity: Identity
    text: str
    event_id: str | None = None
    display_name: str | None = None
    mentions: Mapping[str, Identity] = field(default_factory=dict)
    """`@name` tokens in `text` that the adapter resolved to the person meant."""
    attachments: tuple[Attachment, ...] = ()
    platform_role: Role = Role.EVERYONE
    """What the platform itself grants (a configured Discord moderator role), checked on every call."""
    locale: str | None = None
    """The language the person's app is set to, when the platform says (`fr`, `en-GB`: Discord's locale)."""


@dataclass(slots=True)
class ChatMessage:
    """A person wrote in a community channel: the hot path (points, kudos).

    Slots and not frozen: a frozen dataclass sets each field through object.__setattr__, which made
    building one cost three times as much, once per chat message. Nothing changes one after it is made.
    """

    identity: Identity
    text: str
    channel: str
    event_id: str | None = None
    display_name: str | None = None
    mentions: Mapping[str, Identity] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    """Files posted with it, kept in the media store by the adapter (in a circle's bridged channel only)."""


@dataclass(frozen=True)
class MemberJoined:
    """The platform says someone joined (a Discord member join, `/join` on the console)."""

    identity: Identity
    display_name: str | None = None
    event_id: str | None = None
    invite_code: str | None = None
    """The invite the platform saw used (Discord invite diffing), if any."""


@dataclass(frozen=True)
class MemberLeft:
    identity: Identity
    event_id: str | None = None


@dataclass(frozen=True)
class ReactionAdded:
    """`identity` reacted with `emoji` to a message `author` wrote."""

    identity: Identity
    author: Identity
    emoji: str
    event_id: str
    """Unique per reaction (message, reactor, emoji), so a replayed event counts once."""
    display_name: str | None = None
    platform_role: Role = Role.EVERYONE


Event = DirectMessage | ChatMessage | MemberJoined | MemberLeft | ReactionAdded
