"""Routes the core's outgoing messages to the adapter of each platform."""

from __future__ import annotations

import logging

from handlers.models import Outgoing, RoleUpdate
from handlers.ports import Messenger

log = logging.getLogger(__name__)


class MessengerRouter:
    """Direct messages go to the recipient's platform; channel posts go to every adapter with channels."""

    def __init__(self) -> None:
        self._direct: dict[str, Messenger] = {}
        self._channels: list[Messenger] = []

    def add(self, platform: str, messenger: Messenger, posts_to_channels: bool) -> None:
        self._direct[platform] = messenger
        if posts_to_channels:
            self._channels.append(messenger)

    async def deliver(self, message: Outgoing) -> None:
        if message.to is not None:
            messenger = self._direct.get(message.to.platform)
            if messenger is None:
                log.warning("no adapter for %s: a %s message was not sent", message.to.platform, message.kind)
                return
            await messenger.deliver(message)
            return
        for messenger in self._channels:
            await messenger.deliver(message)

    async def create_invite(self, platform: str, reason: str) -> str | None:
        """A personal invite code on `platform` (the core's InviteMaker port); None without that adapter."""
        create_invite = getattr(self._direct.get(platform), "create_invite", None)
        return None if create_invite is None else await create_invite(reason)

    async def update_role(self, update: RoleUpdate) -> None:
        """Roles exist only on some platforms (Discord): an adapter without `update_role` ignores them."""
        update_role = getattr(self._direct.get(update.to.platform), "update_role", None)
        if update_role is not None:
            await update_role(update)
