"""Routes the core's outgoing messages, role changes and invites to the adapter of each platform."""

from __future__ import annotations

import logging
from typing import Protocol

from handlers.bridge import PostRemover
from handlers.calendar import CalendarEntry, EventPublisher
from handlers.delivery import Delivery, DeliveryFailed
from handlers.models import Reply, RoleUpdate
from handlers.ports import Messenger, PostEditor, RoleManager

log = logging.getLogger(__name__)


class PlatformInvites(Protocol):
    """An adapter that makes invite links on its own platform."""

    async def create_invite(self, reason: str) -> str | None: ...


class MessengerRouter:
    """Direct messages go to the recipient's platform; channel posts go to every adapter with channels.

    It is also the core's RoleManager and InviteMaker: each platform that has roles or invites registers
    them explicitly, and what no running platform has is skipped.
    """

    def __init__(self) -> None:
        self._direct: dict[str, Messenger] = {}
        self._channels: list[Messenger] = []
        self._roles: dict[str, RoleManager] = {}
        self._invites: dict[str, PlatformInvites] = {}
        self._editors: list[PostEditor] = []
        self._events: list[EventPublisher] = []
        self._removers: list[PostRemover] = []

    def add(
        self,
        platform: str,
        messenger: Messenger,
        posts_to_channels: bool,
        roles: RoleManager | None = None,
        invites: PlatformInvites | None = None,
        editor: PostEditor | None = None,
        events: EventPublisher | None = None,
        remover: PostRemover | None = None,
    ) -> None:
        self._direct[platform] = messenger
        if posts_to_channels:
            self._channels.append(messenger)
        if roles is not None:
            self._roles[platform] = roles
        if invites is not None:
            self._invites[platform] = invites
        if editor is not None:
            self._editors.append(editor)
        if events is not None:
            self._events.append(events)
        if remover is not None:
            self._removers.append(remover)

    async def deliver(self, delivery: Delivery) -> None:
        if delivery.to is not None:
            messenger = self._direct.get(delivery.to.platform)
            if messenger is None:
                raise DeliveryFailed(f"no {delivery.to.platform} adapter is running")
            await messenger.deliver(delivery)
            return
        for messenger in self._channels:
            await messenger.deliver(delivery)

    async def edit_post(self, board: str, reply: Reply) -> None:
        """Live posts are edited on every platform that can (each knows whether it sent that post)."""
        for editor in self._editors:
            await editor.edit_post(board, reply)

    async def remove_post(self, channel: str, board: str | None, ref: str | None) -> None:
        """A removed circle message is deleted on every platform with channels that can (Discord)."""
        for remover in self._removers:
            await remover.remove_post(channel, board, ref)

    async def publish(self, entry: CalendarEntry) -> None:
        """A founder session becomes a scheduled event on every platform that has them (Discord)."""
        for events in self._events:
            await events.publish(entry)

    async def create_invite(self, platform: str, reason: str) -> str | None:
        """A personal invite code on `platform`; None when that platform is not running."""
        invites = self._invites.get(platform)
        return None if invites is None else await invites.create_invite(reason)

    async def update_role(self, update: RoleUpdate) -> None:
        """Roles exist only on some platforms (Discord): an update for another platform is skipped."""
        roles = self._roles.get(update.to.platform)
        if roles is not None:
            await roles.update_role(update)
