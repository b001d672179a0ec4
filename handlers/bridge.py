"""What a platform with channels tells a bridged conversation (a circle), and what it does for one.

A circle's Discord channel is bridged to its WhatsApp members: messages posted there reach them through the
core's chat path; edits and deletions of those messages reach the circle through `ChannelBridge` (the circles
feature provides it under `BRIDGE`; an adapter asks `core.port(BRIDGE)`). A moderator removing a relayed
message has the platform delete its post through `PostRemover` (`Platforms.remover`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handlers.key import Key
from handlers.models import Identity


@dataclass(frozen=True)
class ChannelEdit:
    """A message in a channel was edited: `ref` is the platform's id of it, `text` its new words."""

    channel: str
    ref: str
    text: str
    identity: Identity | None = None


@dataclass(frozen=True)
class ChannelDeletion:
    """A message in a channel was deleted (by its author or a moderator)."""

    channel: str
    ref: str


class ChannelBridge(Protocol):
    def bridges(self, channel: str) -> bool:
        """Whether messages in the channel are passed on (the adapter keeps the files posted there only)."""
        ...

    async def edited(self, edit: ChannelEdit) -> None:
        """A correction reaches those the message was relayed to; nothing when it was never relayed."""
        ...

    async def deleted(self, deletion: ChannelDeletion) -> None: ...


BRIDGE: Key[ChannelBridge] = Key("bridge")


class PostRemover(Protocol):
    """Deletes a message in a channel: the bot's own post sent under a board (Reply.board), or a person's
    message by its platform id."""

    async def remove_post(self, channel: str, board: str | None, ref: str | None) -> None: ...
