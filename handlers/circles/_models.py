"""What the circles feature keeps: circles, who is in them, the messages relayed, and who missed which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.models import Identity


@dataclass(frozen=True)
class Circle:
    id: int
    name: str
    size: int
    channel: str | None
    """The bridged channel's key, when it has one."""
    members: int = 0
    """How many are in it (as read)."""


@dataclass(frozen=True)
class Membership:
    """A member's place in a circle; the one chosen last is where their plain messages go."""

    circle: Circle
    chosen_at: datetime
    muted: bool


@dataclass(frozen=True)
class Recipient:
    """A circle member a message may be relayed to, on the platform they chat with the bot on."""

    member_id: int
    identity: Identity
    language: str | None
    last_seen: datetime | None
    """When they last wrote to the bot there (the start of WhatsApp's 24-hour window)."""
    noticed_at: datetime | None
    """When they were last told that messages wait for them in this circle."""


@dataclass(frozen=True)
class Message:
    id: int
    circle_id: int
    sender_id: int | None
    sender_name: str
    origin: str
    """Where it was written: `channel` (the bridged channel), else the direct chat's platform (`whatsapp`,
    `console`)."""
    ref: str
    """The platform's id for it."""
    text: str
    reply_to: int | None
    created_at: datetime
    edited_at: datetime | None = None
    removed_at: datetime | None = None
    media: int = 0
    """How many files came with it."""


@dataclass(frozen=True)
class NewMessage:
    circle_id: int
    sender_id: int | None
    sender_name: str
    origin: str
    ref: str
    text: str
    reply_to: int | None
    media: int = 0
    files: tuple[str, ...] = ()
    """The media store's keys of its files: the bridged channel's post carries them (through the outbox, which
    keeps them with the post, so the circle's own tables keep only how many)."""
