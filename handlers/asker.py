"""Who a unit of work is for, as the event that started it says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from handlers.events import DirectMessage
from handlers.models import Attachment, Identity, Role
from handlers.text import clean_name


@dataclass(frozen=True)
class Asker:
    identity: Identity
    event_id: str | None = None
    display_name: str | None = None
    mentions: Mapping[str, Identity] = field(default_factory=dict)
    platform_role: Role = Role.EVERYONE
    direct: bool = False
    locale: str | None = None
    """The language the asker's app is set to, when the platform says."""
    attachments: tuple[Attachment, ...] = ()


def asker_of(message: DirectMessage) -> Asker:
    """A direct message's asker: their display name cleaned at the boundary."""
    return Asker(
        message.identity,
        message.event_id,
        clean_name(message.display_name),
        message.mentions,
        message.platform_role,
        direct=True,
        locale=message.locale,
        attachments=message.attachments,
    )
