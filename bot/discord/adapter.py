"""The Discord adapter as the application starts and stops it: login, gateway, health."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from bot.discord.client import CommunityBot
from bot.discord.messenger import DiscordMessenger
from config.discord import DiscordCommunity
from config.settings import DiscordSettings
from handlers.core import Core

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0
"""Seconds start() waits for the gateway; past that the bot keeps connecting in the background."""
PORTAL = "https://discord.com/developers/applications"
INTENTS_HELP = (
    "Discord refused the privileged intents: in the developer portal ({portal}) open your application → "
    "Bot → Privileged Gateway Intents, switch on SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT, "
    "save, and start the bot again."
)
TOKEN_HELP = (
    "Discord rejected COMMUNITYBOT_DISCORD__TOKEN: copy the bot token again from the developer portal "
    "({portal} → your application → Bot → Reset Token)."
)


class DiscordStartError(SystemExit):
    """The bot cannot run on Discord until its configuration is fixed: ends the program with the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def explain(error: BaseException) -> str:
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return INTENTS_HELP.format(portal=PORTAL)
    if isinstance(error, discord.LoginFailure):
        return TOKEN_HELP.format(portal=PORTAL)
    if isinstance(error, discord.ConnectionClosed) and error.code in (4004,):
        return TOKEN_HELP.format(portal=PORTAL)
    return f"could not connect to Discord: {type(error).__name__}: {error}"


class DiscordAdapter:
    def __init__(self, core: Core, config: DiscordCommunity, settings: DiscordSettings) -> None:
        if settings.token is None or settings.guild_id is None:
            raise DiscordStartError(
                "COMMUNITYBOT_DISCORD__TOKEN is set but COMMUNITYBOT_DISCORD__GUILD_ID is not: "
                "set it to the id of the community's Discord server"
            )
        self._token = settings.token  # a SecretStr: revealed only to discord.py, never logged
        self.bot = CommunityBot(core, config, settings.guild_id)
        self.messenger = DiscordMessenger(self.bot)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def healthy(self) -> bool:
        """False once the gateway connection has ended for good."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Log in and connect; raises DiscordStartError with what to fix when Discord refuses us."""
        try:
            await self.bot.login(self._token.get_secret_value())
        except (discord.LoginFailure, discord.HTTPException, OSError) as error:
            await self.bot.close()
            raise DiscordStartError(explain(error)) from None
        self._task = asyncio.create_task(self.bot.connect(reconnect=True), name="discord-gateway")
        ready = asyncio.create_task(self.bot.wait_until_ready(), name="discord-ready")
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._task in done:
            failure = self._task.exception() or RuntimeError("the gateway closed the connection")
            await self.bot.close()
            raise DiscordStartError(explain(failure))
        if not done:
            log.warning(
                "Discord is not ready after %.0f s: still connecting in the background", READY_TIMEOUT
            )
        self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or (self.bot.is_closed() and task.exception() is None):
            return
        error = task.exception()
        if error is not None:
            log.critical("the Discord connection ended: %s; /healthz now reports unavailable", explain(error))

    async def stop(self) -> None:
        self._stopping = True
        await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
